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

/** mempool.space's fee legend: one colour cell per band, highest fee on top; labels as they fit. */
export function FeeLegend({ bands, placement, height }: Props) {
  const styles = useStyles2(getStyles);
  const ordered = placement === 'right' ? [...bands].reverse() : bands;
  const every = placement === 'right' ? Math.max(1, Math.ceil((ordered.length * 15) / Math.max(60, height))) : 1;
  return (
    <div className={cx(styles.legend, placement === 'right' ? styles.right : styles.bottom)} data-testid="mempool-legend" aria-label="Fee bands (sat/vB)">
      {placement === 'right' && <div className={styles.title}>sat/vB</div>}
      {ordered.map((band, i) => (
        <div key={band.label} className={placement === 'right' ? styles.cellRight : styles.cellBottom} title={`${band.label} sat/vB`}>
          <span className={styles.swatch} style={{ background: band.color }} />
          {(placement === 'bottom' || i % every === 0) && <span className={styles.label}>{band.label}</span>}
        </div>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({ fontSize: 11, color: theme.colors.text.secondary, fontVariantNumeric: 'tabular-nums' }),
  right: css({ display: 'flex', flexDirection: 'column', width: 92, padding: theme.spacing(0, 0.5, 0.5, 1), overflow: 'hidden' }),
  bottom: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.25, 1), padding: theme.spacing(0.5, 1, 0, 8.5) }),
  title: css({ fontWeight: theme.typography.fontWeightMedium, paddingBottom: 2 }),
  cellRight: css({ display: 'flex', alignItems: 'center', gap: 6, flex: '1 1 0', minHeight: 2, lineHeight: 1 }),
  cellBottom: css({ display: 'flex', alignItems: 'center', gap: 4 }),
  swatch: css({ width: 14, alignSelf: 'stretch', minHeight: 2, borderRadius: 1 }),
  label: css({ whiteSpace: 'nowrap' }),
});
