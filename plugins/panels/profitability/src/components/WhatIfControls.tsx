import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, useStyles2, useTheme2 } from '@grafana/ui';
import { caption } from '@nodescope/ui';
import React from 'react';
import type { WhatIfSettings } from '../profit';

interface Props {
  value: WhatIfSettings;
  /** the fleet's own efficiency, shown when no J/TH override is set */
  fleetJoulesPerTh: number | null;
  currencySymbol: string;
  changed: boolean;
  onChange(value: WhatIfSettings): void;
  onReset(): void;
}

/** Electricity price, efficiency and pool fee sliders; the panel recomputes on every change. */
export function WhatIfControls({ value, fleetJoulesPerTh, currencySymbol, changed, onChange, onReset }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const track = (v: number, min: number, max: number) => {
    const pct = Math.max(0, Math.min(100, ((v - min) / (max - min)) * 100));
    return { background: `linear-gradient(to right, ${theme.colors.primary.main} ${pct}%, ${theme.colors.border.medium} ${pct}%)` };
  };
  const jth = value.joulesPerTh ?? Math.round(fleetJoulesPerTh ?? 25);
  return (
    <div className={styles.box} data-testid="whatif">
      <div className={styles.head}>
        <span className={styles.title}>What if</span>
        {changed && (
          <Button size="sm" variant="secondary" fill="text" icon="history" onClick={onReset}>
            Reset
          </Button>
        )}
      </div>
      <label className={styles.control}>
        <span>Electricity</span>
        <input
          type="range"
          aria-label="Electricity price per kWh"
          min={0}
          max={0.3}
          step={0.005}
          value={value.electricityPerKwh}
          style={track(value.electricityPerKwh, 0, 0.3)}
          onChange={(e) => onChange({ ...value, electricityPerKwh: Number(e.currentTarget.value) })}
        />
        <b>
          {currencySymbol}
          {value.electricityPerKwh.toFixed(3)}/kWh
        </b>
      </label>
      <label className={styles.control}>
        <span>Efficiency</span>
        <input
          type="range"
          aria-label="Efficiency in J/TH"
          min={10}
          max={100}
          step={0.5}
          value={jth}
          style={track(jth, 10, 100)}
          onChange={(e) => onChange({ ...value, joulesPerTh: Number(e.currentTarget.value) })}
        />
        <b>{value.joulesPerTh === null ? `fleet ${fleetJoulesPerTh === null ? '—' : fleetJoulesPerTh.toFixed(1)}` : value.joulesPerTh.toFixed(1)} J/TH</b>
      </label>
      <label className={styles.control}>
        <span>Pool fee</span>
        <input
          type="range"
          aria-label="Pool fee percent"
          min={0}
          max={5}
          step={0.1}
          value={value.poolFeePercent}
          style={track(value.poolFeePercent, 0, 5)}
          onChange={(e) => onChange({ ...value, poolFeePercent: Number(e.currentTarget.value) })}
        />
        <b>{value.poolFeePercent.toFixed(1)} %</b>
      </label>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.75), fontSize: theme.typography.bodySmall.fontSize }),
  head: css({ display: 'flex', alignItems: 'center', justifyContent: 'space-between', minHeight: 24 }),
  title: css(caption(theme)),
  control: css({
    display: 'grid',
    gridTemplateColumns: '72px 1fr 118px',
    alignItems: 'center',
    gap: theme.spacing(1),
    color: theme.colors.text.secondary,
    // a themed track (filled up to the value by an inline gradient) and thumb, not the browser's
    input: {
      appearance: 'none',
      width: '100%',
      height: 4,
      borderRadius: 2,
      outline: 'none',
      cursor: 'pointer',
      '&::-webkit-slider-thumb': { appearance: 'none', width: 14, height: 14, borderRadius: '50%', background: theme.colors.primary.main, border: `2px solid ${theme.colors.background.primary}`, boxShadow: theme.shadows.z1 },
      '&::-moz-range-thumb': { width: 12, height: 12, borderRadius: '50%', background: theme.colors.primary.main, border: `2px solid ${theme.colors.background.primary}` },
      '&:focus-visible': { boxShadow: `0 0 0 2px ${theme.colors.primary.transparent}` },
    },
    b: { color: theme.colors.text.primary, fontWeight: theme.typography.fontWeightMedium, textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  }),
});
