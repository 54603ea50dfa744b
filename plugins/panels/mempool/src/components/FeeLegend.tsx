import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';
import type { BandSeries } from '../histogram';

interface Props {
  bands: BandSeries[];
  placement: 'right' | 'bottom';
  height: number;
}

const ROW_PX = 12;

/**
 * mempool.space's fee legend: a continuous colour bar, highest fee on top, with as many labels
 * as fit beside it. Below the chart it becomes a wrapping row of swatches.
 */
export function FeeLegend({ bands, placement, height }: Props) {
  const styles = useStyles2(getStyles);
  if (placement === 'bottom') {
    return (
      <div className={cx(styles.legend, styles.bottom)} data-testid="mempool-legend" aria-label="Fee bands (sat/vB)">
        {bands.map((band) => (
          <div key={band.label} className={styles.cellBottom} title={`${band.label} sat/vB`}>
            <span className={styles.swatchBottom} style={{ background: band.color }} />
            <span>{band.label}</span>
          </div>
        ))}
      </div>
    );
  }
  const ordered = [...bands].reverse();
  const every = Math.max(1, Math.ceil((ordered.length * ROW_PX) / Math.max(60, height - 40)));
  return (
    <div className={cx(styles.legend, styles.right)} data-testid="mempool-legend" aria-label="Fee bands (sat/vB)">
      <div className={styles.title}>sat/vB</div>
      <div className={styles.bar}>
        {ordered.map((band, i) => (
          <div key={band.label} className={styles.row} title={`${band.label} sat/vB`}>
            <span className={styles.swatch} style={{ background: band.color }} />
            <span className={styles.label}>{i % every === 0 ? band.label : ''}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({ fontSize: 10, color: theme.colors.text.secondary, fontVariantNumeric: 'tabular-nums' }),
  right: css({ display: 'flex', flexDirection: 'column', width: 92, padding: theme.spacing(0, 0.5, 3, 1) }),
  title: css({ fontWeight: theme.typography.fontWeightMedium, paddingBottom: 4 }),
  bar: css({ display: 'flex', flexDirection: 'column', flex: '1 1 auto', minHeight: 0 }),
  row: css({ display: 'flex', alignItems: 'stretch', flex: '1 1 0', minHeight: 0 }),
  swatch: css({ width: 12, flex: '0 0 12px' }),
  label: css({ paddingLeft: 6, lineHeight: 1, alignSelf: 'flex-start', whiteSpace: 'nowrap', transform: 'translateY(-1px)' }),
  bottom: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.25, 1.25), padding: theme.spacing(0.5, 1, 0, 8.5) }),
  cellBottom: css({ display: 'flex', alignItems: 'center', gap: 4 }),
  swatchBottom: css({ width: 10, height: 10, borderRadius: 2 }),
});
