// How fast a disk fills and when it is full: an ordinary least-squares line through the
// (time, used bytes) samples of a window, so one burst (a reindex, a compaction) moves the
// estimate by its share of the window instead of setting it. Pure: the samples come in.

export interface SizeSample {
  /** ms since epoch */
  t: number;
  /** bytes used (a filesystem's used space, or bitcoind's size_on_disk) */
  bytes: number;
}

export interface Trend {
  /** growth, bytes per second (negative: shrinking) */
  bytesPerSecond: number;
  /** samples the line was fitted to */
  samples: number;
  /** time covered by them, seconds */
  spanSeconds: number;
}

/** Fewer samples or a shorter span than this give no trend: two close points say little. */
export const MIN_TREND_SAMPLES = 3;
export const MIN_TREND_SPAN_SECONDS = 600;

/**
 * Slope of the least-squares line bytes = a + b·t over the samples within `windowMs` of the
 * newest one: b = Σ(t−t̄)(y−ȳ) / Σ(t−t̄)², t in seconds. Null until there are
 * MIN_TREND_SAMPLES samples over MIN_TREND_SPAN_SECONDS.
 */
export function linearTrend(samples: readonly SizeSample[], windowMs: number): Trend | null {
  const finite = samples.filter((s) => Number.isFinite(s.t) && Number.isFinite(s.bytes));
  if (finite.length === 0) return null;
  const newest = Math.max(...finite.map((s) => s.t));
  const used = finite.filter((s) => s.t >= newest - windowMs);
  if (used.length < MIN_TREND_SAMPLES) return null;
  const oldest = Math.min(...used.map((s) => s.t));
  const spanSeconds = (newest - oldest) / 1_000;
  if (spanSeconds < MIN_TREND_SPAN_SECONDS) return null;
  // centre on the oldest sample: epoch milliseconds squared lose precision in doubles
  const xs = used.map((s) => (s.t - oldest) / 1_000);
  const meanX = xs.reduce((a, x) => a + x, 0) / xs.length;
  const meanY = used.reduce((a, s) => a + s.bytes, 0) / used.length;
  let sxy = 0;
  let sxx = 0;
  used.forEach((s, i) => {
    const dx = xs[i]! - meanX;
    sxy += dx * (s.bytes - meanY);
    sxx += dx * dx;
  });
  if (sxx === 0) return null;
  return { bytesPerSecond: sxy / sxx, samples: used.length, spanSeconds };
}

/**
 * Days until `availBytes` are used up at the trend's growth; null when the disk is not filling
 * (growth zero or negative): "never" is not a number of days.
 */
export function daysUntilFull(availBytes: number, trend: Trend | null): number | null {
  if (!trend || !(trend.bytesPerSecond > 0) || !Number.isFinite(availBytes)) return null;
  return Math.max(0, availBytes) / trend.bytesPerSecond / 86_400;
}
