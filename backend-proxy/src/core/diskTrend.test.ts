import { describe, expect, it } from 'vitest';
import { daysUntilFull, linearTrend } from './diskTrend.js';

const H = 3_600_000;
const GB = 1e9;

describe('linearTrend: least squares over the window, worked by hand', () => {
  // t (s): 0, 3600, 7200, 10800, mean 5400; used (GB): 100, 101, 103, 104, mean 102
  // Σ(t−t̄)(y−ȳ) = (−5400)(−2) + (−1800)(−1) + (1800)(1) + (5400)(2) = 25 200 GB·s
  // Σ(t−t̄)² = 2·5400² + 2·1800² = 64 800 000 s²
  // slope = 25 200 / 64 800 000 GB/s = 1.4 GB/h = 388 888.9 bytes/s
  const base = Date.UTC(2026, 0, 1);
  const samples = [100, 101, 103, 104].map((gb, i) => ({ t: base + i * H, bytes: gb * GB }));

  it('fits the slope', () => {
    const trend = linearTrend(samples, 24 * H)!;
    expect(trend.bytesPerSecond).toBeCloseTo((1.4 * GB) / 3_600, 3);
    expect(trend.samples).toBe(4);
    expect(trend.spanSeconds).toBe(10_800);
  });

  it('336 GB free at 1.4 GB/h (33.6 GB/day) lasts 10 days', () => {
    expect(daysUntilFull(336 * GB, linearTrend(samples, 24 * H))).toBeCloseTo(10, 9);
  });

  it('leaves out samples older than the window before the newest', () => {
    const withOld = [{ t: base - 48 * H, bytes: 1 * GB }, ...samples];
    expect(linearTrend(withOld, 24 * H)!.bytesPerSecond).toBeCloseTo((1.4 * GB) / 3_600, 3);
    // the old point inside a 3-day window pulls the slope: (1 → 100 GB over 48 h) dominates
    expect(linearTrend(withOld, 72 * H)!.bytesPerSecond).toBeGreaterThan((1.4 * GB) / 3_600);
  });

  it('no trend from too few samples or too short a span', () => {
    expect(linearTrend(samples.slice(0, 2), 24 * H)).toBeNull();
    const close = [0, 1, 2, 3].map((i) => ({ t: base + i * 60_000, bytes: (100 + i) * GB })); // 3 minutes
    expect(linearTrend(close, 24 * H)).toBeNull();
    expect(linearTrend([], 24 * H)).toBeNull();
  });

  it('a flat or shrinking disk is never full; a full one has 0 days', () => {
    const flat = [0, 1, 2].map((i) => ({ t: base + i * H, bytes: 100 * GB }));
    expect(linearTrend(flat, 24 * H)!.bytesPerSecond).toBe(0);
    expect(daysUntilFull(10 * GB, linearTrend(flat, 24 * H))).toBeNull();
    const shrinking = [0, 1, 2].map((i) => ({ t: base + i * H, bytes: (100 - i) * GB }));
    expect(daysUntilFull(10 * GB, linearTrend(shrinking, 24 * H))).toBeNull();
    expect(daysUntilFull(0, linearTrend(samples, 24 * H))).toBe(0);
    expect(daysUntilFull(10 * GB, null)).toBeNull();
  });
});
