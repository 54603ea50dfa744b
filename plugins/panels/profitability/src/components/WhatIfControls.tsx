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

/** Each slider's label and range, by the setting it moves. */
const SLIDERS = {
  electricityPerKwh: { label: 'Electricity', ariaLabel: 'Electricity price per kWh', min: 0, max: 0.3, step: 0.005 },
  joulesPerTh: { label: 'Efficiency', ariaLabel: 'Efficiency in J/TH', min: 10, max: 100, step: 0.5 },
  poolFeePercent: { label: 'Pool fee', ariaLabel: 'Pool fee percent', min: 0, max: 5, step: 0.1 },
} as const;

/** Electricity price, efficiency and pool fee sliders; the panel recomputes on every change. */
export function WhatIfControls({ value, fleetJoulesPerTh, currencySymbol, changed, onChange, onReset }: Props) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const slider = (setting: keyof WhatIfSettings, current: number, shown: string) => {
    const { label, ariaLabel, min, max, step } = SLIDERS[setting];
    const pct = Math.max(0, Math.min(100, ((current - min) / (max - min)) * 100));
    return (
      <label className={styles.control}>
        <span>{label}</span>
        <input
          type="range"
          aria-label={ariaLabel}
          min={min}
          max={max}
          step={step}
          value={current}
          // the track filled up to the value
          style={{ background: `linear-gradient(to right, ${theme.colors.primary.main} ${pct}%, ${theme.colors.border.medium} ${pct}%)` }}
          onChange={(e) => onChange({ ...value, [setting]: Number(e.currentTarget.value) })}
        />
        <b>{shown}</b>
      </label>
    );
  };
  const jth = value.joulesPerTh ?? Math.round(fleetJoulesPerTh ?? 25);
  const fleetJth = fleetJoulesPerTh === null ? '—' : fleetJoulesPerTh.toFixed(1);
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
      {slider('electricityPerKwh', value.electricityPerKwh, `${currencySymbol}${value.electricityPerKwh.toFixed(3)}/kWh`)}
      {slider('joulesPerTh', jth, `${value.joulesPerTh === null ? `fleet ${fleetJth}` : value.joulesPerTh.toFixed(1)} J/TH`)}
      {slider('poolFeePercent', value.poolFeePercent, `${value.poolFeePercent.toFixed(1)} %`)}
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
