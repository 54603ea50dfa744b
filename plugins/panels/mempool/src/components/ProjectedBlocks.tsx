import { css } from '@emotion/css';
import { type GrafanaTheme2, formattedValueToString, getValueFormat } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';
import { feeColor } from '../bands';
import { BLOCK_VSIZE, etaText, type ProjectedBlock } from '../projectedBlocks';

const vbytes = getValueFormat('si:vB');
const fee = (v: number) => (v >= 10 ? Math.round(v).toString() : v.toFixed(v >= 2 ? 1 : 2).replace(/\.?0+$/, ''));

/** The next blocks as cubes (mempool.space style): colour by median fee, filled by fullness. */
export function ProjectedBlocks({ blocks, max }: { blocks: ProjectedBlock[]; max: number }) {
  const styles = useStyles2(getStyles);
  const shown = blocks.slice(0, Math.max(1, max));
  return (
    <div className={styles.strip} data-testid="projected-blocks" role="list" aria-label="Projected blocks">
      {shown.map((block) => {
        const fill = Math.min(1, block.vsize / BLOCK_VSIZE);
        const color = feeColor(block.medianFee);
        const top = feeColor(block.feeMax);
        return (
          <div key={block.index} className={styles.block} role="listitem" data-testid="projected-block">
            <div className={styles.cube} style={{ background: `linear-gradient(to bottom, rgba(45,51,72,0.85) ${Math.round((1 - fill) * 100)}%, ${top} ${Math.round((1 - fill) * 100)}%, ${color} 100%)` }}>
              <div className={styles.median}>~{fee(block.medianFee)} sat/vB</div>
              <div className={styles.range}>
                {fee(block.feeMin)} - {fee(block.feeMax)} sat/vB
              </div>
              <div className={styles.size}>{formattedValueToString(vbytes(block.vsize, 2))}</div>
              <div className={styles.txs}>{block.txCount.toLocaleString('en-US')} transactions</div>
            </div>
            <div className={styles.eta}>{block.index === 0 ? 'Next block' : etaText(block)}</div>
          </div>
        );
      })}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  strip: css({ display: 'flex', gap: theme.spacing(2.5), padding: theme.spacing(1.5, 1, 0.5, 1.5), overflow: 'hidden', flex: '0 0 auto' }),
  block: css({ display: 'flex', flexDirection: 'column', alignItems: 'center', flex: '0 0 auto' }),
  cube: css({
    position: 'relative',
    width: 118,
    height: 108,
    padding: theme.spacing(1, 0.5),
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    gap: 2,
    color: '#fff',
    textShadow: '0 1px 1px rgba(0,0,0,0.5)',
    textAlign: 'center',
    // the cube's top face, as on mempool.space
    '&::before': {
      content: '""',
      position: 'absolute',
      left: 0,
      top: -10,
      width: 118,
      height: 10,
      background: theme.isDark ? '#232838' : '#c3c8d6',
      transform: 'skewX(-45deg)',
      transformOrigin: 'bottom left',
    },
  }),
  median: css({ fontSize: 15, fontWeight: theme.typography.fontWeightBold }),
  range: css({ fontSize: 11, color: '#ffd27d' }),
  size: css({ fontSize: 15, fontWeight: theme.typography.fontWeightMedium }),
  txs: css({ fontSize: 11 }),
  eta: css({ fontSize: 11, color: theme.colors.text.secondary, paddingTop: 4 }),
});
