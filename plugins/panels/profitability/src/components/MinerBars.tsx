import { css } from '@emotion/css';
import { type DisplayProcessor, formattedValueToString, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';
import type { MinerProfit } from '../profit';

/** Per-miner profit per day as bars around zero, sorted; colours from the field's thresholds. */
export function MinerBars({ miners, money, max }: { miners: MinerProfit[]; money: DisplayProcessor; max: number }) {
  const styles = useStyles2(getStyles);
  const shown = miners.slice(0, max);
  const extent = Math.max(1e-9, ...shown.map((m) => Math.abs(m.result.profitPerDay)));
  const hasLoss = shown.some((m) => m.result.profitPerDay < 0);
  const zero = hasLoss ? 40 : 0; // percent of the track left of zero
  return (
    <div className={styles.list} data-testid="miner-bars">
      {shown.map((m) => {
        const value = m.result.profitPerDay;
        const offline = m.status !== 'online';
        const display = offline ? { ...money(value), color: undefined } : money(value);
        const share = (Math.abs(value) / extent) * (hasLoss ? (value < 0 ? zero : 100 - zero) : 100);
        return (
          <div key={`${m.fleet}/${m.miner}`} className={styles.row} data-testid="miner-bar" title={`${m.miner} ${m.model}: ${formattedValueToString(display)} per day`}>
            <div className={styles.name}>
              <span className={styles.miner}>{m.miner}</span>
              <span className={styles.model}>{m.status === 'online' ? m.model : `${m.model} · ${m.status}`}</span>
            </div>
            <div className={styles.track}>
              {hasLoss && <div className={styles.zero} style={{ left: `${zero}%` }} />}
              <div
                className={styles.bar}
                style={{
                  background: display.color,
                  width: `${share}%`,
                  left: value < 0 ? `${zero - share}%` : `${zero}%`,
                }}
              />
            </div>
            <div className={styles.value} style={display.color ? { color: display.color } : undefined}>
              {offline ? m.status : formattedValueToString(display)}
            </div>
          </div>
        );
      })}
      {miners.length > shown.length && <div className={styles.more}>+ {miners.length - shown.length} more miners</div>}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ display: 'flex', flexDirection: 'column', gap: 3, fontSize: theme.typography.bodySmall.fontSize, fontVariantNumeric: 'tabular-nums' }),
  row: css({ display: 'grid', gridTemplateColumns: 'minmax(120px, 34%) 1fr 76px', alignItems: 'center', gap: theme.spacing(1), minHeight: 20 }),
  name: css({ display: 'flex', gap: 6, overflow: 'hidden', whiteSpace: 'nowrap' }),
  miner: css({ color: theme.colors.text.primary }),
  model: css({ color: theme.colors.text.secondary, overflow: 'hidden', textOverflow: 'ellipsis' }),
  track: css({ position: 'relative', height: 12, background: theme.colors.background.secondary, borderRadius: 2 }),
  zero: css({ position: 'absolute', top: -2, bottom: -2, width: 1, background: theme.colors.text.secondary }),
  bar: css({ position: 'absolute', top: 0, bottom: 0, borderRadius: 2, minWidth: 1 }),
  value: css({ textAlign: 'right', fontWeight: theme.typography.fontWeightMedium, color: theme.colors.text.secondary }),
  more: css({ color: theme.colors.text.secondary, paddingTop: 2 }),
});
