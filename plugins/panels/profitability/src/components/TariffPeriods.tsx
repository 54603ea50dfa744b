import { css, cx } from '@emotion/css';
import { type DisplayProcessor, formattedValueToString, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';
import type { TariffPeriod } from '../profit';

const hours = (h: number) => (Number.isInteger(h) ? String(h) : h.toFixed(1));

/**
 * The fleets' time-of-use periods: price, hours a week (curtailed), profit per hour at the
 * trailing hashprice, break-even BTC price, and what a kWh earns at the forward hashprice. The
 * period in force is marked; a curtailed period whose forward kWh beats its price says "stop curtailing".
 */
export function TariffPeriods({ rows, money, currencySymbol }: { rows: TariffPeriod[]; money: DisplayProcessor; currencySymbol: string }) {
  const styles = useStyles2(getStyles);
  const price = (v: number | null) => (v === null ? '—' : `${currencySymbol}${v.toFixed(3)}`);
  const fmt = (v: number | null) => (v === null ? '—' : formattedValueToString(money(v)));
  const bigPrice = (v: number | null) => (v === null ? '—' : `${currencySymbol}${Math.round(v).toLocaleString('en-US')}`);
  const fleets = [...new Set(rows.map((r) => r.fleet))];
  const signals = rows.filter((r) => r.active && r.stopCurtailing);
  return (
    <div data-testid="tariff-periods">
      {signals.map((r) => (
        <div key={`signal-${r.fleet}`} className={styles.signal} data-testid="stop-curtailing" role="status">
          Fees are high: {r.fleet} earns {price(r.forwardRevenuePerKwh)}/kWh at the projected fees, above the {r.period} price of {price(r.pricePerKwh)} — stop curtailing
        </div>
      ))}
      <table className={styles.table}>
        <thead>
          <tr>
            {fleets.length > 1 && <th>Fleet</th>}
            <th>Period</th>
            <th className={styles.num}>Price/kWh</th>
            <th className={styles.num}>h/week</th>
            <th className={styles.num}>Profit/h</th>
            <th className={styles.num}>Break-even BTC</th>
            <th className={styles.num}>Forward/kWh</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const profit = r.profitPerHour === null ? undefined : money(r.profitPerHour);
            return (
              <tr key={`${r.fleet}/${r.period}`} className={cx(r.active && styles.active)} data-testid="tariff-row" aria-current={r.active ? 'true' : undefined}>
                {fleets.length > 1 && <td>{r.fleet}</td>}
                <td>
                  {r.period}
                  {r.active && <span className={styles.badge}>now</span>}
                  {r.curtailedNow && <span className={cx(styles.badge, styles.curtailed)}>curtailed</span>}
                  {r.stopCurtailing && <span className={cx(styles.badge, styles.stop)}>fees beat price</span>}
                </td>
                <td className={styles.num}>{price(r.pricePerKwh)}</td>
                <td className={styles.num}>
                  {hours(r.hoursPerWeek)}
                  {r.curtailedHoursPerWeek > 0 && <span className={styles.muted}> ({hours(r.curtailedHoursPerWeek)} off)</span>}
                </td>
                <td className={styles.num} style={profit?.color ? { color: profit.color } : undefined}>
                  {fmt(r.profitPerHour)}
                </td>
                <td className={styles.num}>{bigPrice(r.breakEvenPrice)}</td>
                <td className={styles.num}>{price(r.forwardRevenuePerKwh)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    fontVariantNumeric: 'tabular-nums',
    'th, td': { padding: theme.spacing(0.25, 0.75), borderBottom: `1px solid ${theme.colors.border.weak}`, whiteSpace: 'nowrap' },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium, textAlign: 'left' },
  }),
  num: css({ textAlign: 'right !important' as 'right' }),
  active: css({ background: theme.colors.background.secondary }),
  badge: css({
    marginLeft: theme.spacing(0.75),
    padding: theme.spacing(0, 0.5),
    borderRadius: theme.shape.radius.default,
    fontSize: 10,
    color: theme.colors.primary.text,
    border: `1px solid ${theme.colors.primary.border}`,
  }),
  curtailed: css({ color: theme.colors.text.secondary, borderColor: theme.colors.border.medium }),
  stop: css({ color: theme.colors.warning.text, borderColor: theme.colors.warning.border }),
  muted: css({ color: theme.colors.text.secondary }),
  signal: css({
    marginBottom: theme.spacing(0.75),
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.radius.default,
    background: theme.colors.warning.transparent,
    color: theme.colors.warning.text,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
});
