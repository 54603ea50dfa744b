import { css } from '@emotion/css';
import { dateTimeFormat, type DisplayProcessor, formattedValueToString, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import React, { useMemo } from 'react';
import type { HistoryPoint } from '../profit';

/** Fleet revenue, cost and profit per day over time (fleet.history), small SVG lines. */
export function HistoryChart({ points, width, height, money, timeZone }: { points: HistoryPoint[]; width: number; height: number; money: DisplayProcessor; timeZone?: string }) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const left = 56;
  const bottom = 18;
  const plotW = Math.max(10, width - left - 6);
  const plotH = Math.max(10, height - bottom - 22);
  const geo = useMemo(() => {
    const t0 = points[0]?.time ?? 0;
    const t1 = points[points.length - 1]?.time ?? t0 + 1;
    const values = points.flatMap((p) => [p.revenue, p.cost, p.profit]);
    let lo = Math.min(0, ...values);
    let hi = Math.max(0, ...values);
    if (hi === lo) hi = lo + 1;
    const pad = (hi - lo) * 0.08;
    lo -= lo < 0 ? pad : 0;
    hi += pad;
    const x = (t: number) => left + ((t - t0) / Math.max(1, t1 - t0)) * plotW;
    const y = (v: number) => 22 + plotH * (1 - (v - lo) / (hi - lo));
    const line = (pick: (p: HistoryPoint) => number) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.time).toFixed(1)},${y(pick(p)).toFixed(1)}`).join('');
    const ticks = [lo, (lo + hi) / 2, hi].map((v) => Math.round(v * 100) / 100);
    return { x, y, line, ticks, t0, t1 };
  }, [points, plotW, plotH]);
  const c = (name: string) => theme.visualization.getColorByName(name);
  const series = [
    { name: 'Revenue', color: c('blue'), d: geo.line((p) => p.revenue) },
    { name: 'Electricity', color: c('orange'), d: geo.line((p) => p.cost) },
    { name: 'Profit', color: c('green'), d: geo.line((p) => p.profit) },
  ];
  return (
    <svg width={width} height={height} className={styles.svg} data-testid="history-chart" role="img" aria-label="Fleet revenue, cost and profit per day">
      {series.map((s, i) => (
        <g key={s.name} transform={`translate(${left + i * 92}, 8)`}>
          <rect width={10} height={3} y={-2} fill={s.color} />
          <text x={14} y={2} className={styles.legend}>
            {s.name}
          </text>
        </g>
      ))}
      {geo.ticks.map((v) => (
        <g key={v}>
          <line x1={left} x2={left + plotW} y1={geo.y(v)} y2={geo.y(v)} stroke={theme.colors.border.weak} />
          <text x={left - 6} y={geo.y(v) + 3} textAnchor="end" className={styles.axis}>
            {formattedValueToString(money(v))}
          </text>
        </g>
      ))}
      <line x1={left} x2={left + plotW} y1={geo.y(0)} y2={geo.y(0)} stroke={theme.colors.text.secondary} strokeDasharray="3 3" />
      {series.map((s) => (
        <path key={s.name} d={s.d} fill="none" stroke={s.color} strokeWidth={1.6} />
      ))}
      <text x={left} y={height - 4} className={styles.axis}>
        {dateTimeFormat(geo.t0, { format: 'MM/DD HH:mm', timeZone })}
      </text>
      <text x={left + plotW} y={height - 4} textAnchor="end" className={styles.axis}>
        {dateTimeFormat(geo.t1, { format: 'MM/DD HH:mm', timeZone })}
      </text>
    </svg>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  svg: css({ display: 'block', overflow: 'visible' }),
  axis: css({ fill: theme.colors.text.secondary, fontSize: 10, fontVariantNumeric: 'tabular-nums' }),
  legend: css({ fill: theme.colors.text.secondary, fontSize: 11 }),
});
