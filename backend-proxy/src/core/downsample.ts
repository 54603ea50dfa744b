// The one downsampler: a long ring thinned to what a panel can draw (maxDataPoints), so a 24 h
// ring does not send 17,000 points to a 600 px panel. Two ways, by what the rows are:
//  - pickEvenly: rows that are readings (a mempool sample, a histogram, a miner's poll) are
//    picked, never averaged, at an even stride;
//  - averageRuns: columns of rates are averaged over equal runs, so no burst is skipped.

/**
 * At most `max` rows at an even stride (all rows when max <= 0 or there are fewer). `keep`
 * says which end is exact: 'newest' always keeps the last row (a panel's "now"), 'oldest'
 * always keeps the first.
 */
export function pickEvenly<T>(rows: T[], max: number, keep: 'newest' | 'oldest' = 'newest'): T[] {
  if (max <= 0 || rows.length <= max) return rows;
  const step = rows.length / max;
  if (keep === 'oldest') return Array.from({ length: max }, (_, i) => rows[Math.floor(i * step)]!);
  const out: T[] = [];
  for (let i = rows.length - 1; i >= 0 && out.length < max; i -= step) out.push(rows[Math.floor(i)]!);
  return out.reverse();
}

/**
 * At most `maxPoints` rows by averaging equal runs of rows (time = the run's last time).
 */
export function averageRuns(
  columns: { time: number[]; values: number[][] },
  maxPoints: number
): { time: number[]; values: number[][] } {
  const n = columns.time.length;
  if (maxPoints <= 0 || n <= maxPoints) return columns;
  const run = Math.ceil(n / maxPoints);
  const time: number[] = [];
  const values: number[][] = columns.values.map(() => []);
  for (let start = 0; start < n; start += run) {
    const end = Math.min(n, start + run);
    time.push(columns.time[end - 1]!);
    columns.values.forEach((column, c) => {
      let sum = 0;
      for (let i = start; i < end; i++) sum += column[i]!;
      values[c]!.push(sum / (end - start));
    });
  }
  return { time, values };
}
