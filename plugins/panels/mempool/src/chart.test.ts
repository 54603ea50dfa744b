import { describe, expect, it } from 'vitest';
import { nearestRow, pickRows, stackRows, timeTicks, tooltipRows, yScale } from './chart';
import { readHistogram } from './histogram';
import { nodescopeHistogram } from './testing';

describe('pickRows', () => {
  it('keeps every row when they fit', () => {
    expect(Array.from(pickRows(Float64Array.from([1, 2, 3]), 100))).toEqual([0, 1, 2]);
  });

  it('keeps the peak of each pixel bucket when there are more rows than pixels', () => {
    const total = Float64Array.from({ length: 8640 }, (_v, i) => (i === 4321 ? 1e9 : i % 7));
    const rows = pickRows(total, 500);
    expect(rows.length).toBe(500);
    expect(Array.from(rows)).toContain(4321);
    expect(rows[0]).toBeGreaterThanOrEqual(0);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!).toBeGreaterThan(rows[i - 1]!);
  });
});

describe('yScale', () => {
  it.each([
    [63e6, 'linear', 0, 80e6],
    [55e6, 'linear', 0, 60e6],
    [1, 'linear', 0, 1],
    [0, 'linear', 0, 1],
    [63e6, 'log', 1e4, 1e8],
  ] as const)('peak %d on a %s scale spans %d..%d', (peak, scale, min, max) => {
    const y = yScale(peak, scale);
    expect(y.min).toBe(min);
    expect(y.max).toBeCloseTo(max);
    expect(y.norm(y.max)).toBeCloseTo(1);
    expect(y.norm(y.min)).toBe(0);
  });

  it('log ticks are decades', () => {
    expect(yScale(5e7, 'log').ticks).toEqual([1e4, 1e5, 1e6, 1e7, 1e8]);
  });
});

describe('timeTicks', () => {
  it.each([
    [60_000, 600, 'HH:mm:ss'],
    [3_600_000, 600, 'HH:mm'],
    [24 * 3_600_000, 1100, 'HH:mm'],
    [30 * 24 * 3_600_000, 1100, 'MM/DD'],
  ])('span %d ms over %d px uses %s', (span, px, format) => {
    const from = Date.UTC(2026, 0, 1);
    const { ticks, format: f } = timeTicks(from, from + span, px);
    expect(f).toBe(format);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.length).toBeLessThanOrEqual(Math.floor(px / 110) + 1);
  });
});

describe('nearestRow', () => {
  const times = Float64Array.from([0, 10, 20, 30]);
  it.each([
    [-5, 0],
    [4, 0],
    [6, 1],
    [25, 2],
    [99, 3],
  ])('time %d -> row %d', (t, row) => {
    expect(nearestRow(times, t)).toBe(row);
  });
});

describe('stackRows', () => {
  it('gives each band its cumulative top at the picked rows, low fee first', () => {
    // three rows; band b holds b + 1 at row 0, 10 (b + 1) at row 1, and 0 at row 2
    const rows = [0, 1, 2].map((r) => Array.from({ length: 39 }, (_v, b) => (r === 2 ? 0 : (b + 1) * (r === 0 ? 1 : 10))));
    const tops = stackRows(readHistogram(nodescopeHistogram(rows))!, Int32Array.from([2, 0, 1]));
    expect(tops).toHaveLength(39);
    // top of band b = 1 + 2 + ... + (b + 1) at row 0, ten times that at row 1
    for (let b = 0; b < 39; b++) expect(Array.from(tops[b]!)).toEqual([0, ((b + 1) * (b + 2)) / 2, (10 * (b + 1) * (b + 2)) / 2]);
  });
});

describe('tooltipRows', () => {
  const values = Array.from({ length: 39 }, (_v, b) => (b === 5 ? 0 : b === 10 ? 1e6 : (b + 1) * 10));
  const h = readHistogram(nodescopeHistogram([values]))!;
  it('lists every non-empty band, highest fee first, when they fit', () => {
    const rows = tooltipRows(h, 0, 50);
    expect(rows).toHaveLength(38);
    expect(rows[0]!.label).toBe('2000+ sat/vB');
    expect(rows.map((r) => r.label)).not.toContain('5-6 sat/vB');
  });
  it('keeps the biggest bands in fee order and sums the rest', () => {
    const rows = tooltipRows(h, 0, 5);
    expect(rows.map((r) => r.label)).toEqual(['2000+ sat/vB', '1800-2000 sat/vB', '1600-1800 sat/vB', '15-20 sat/vB', '34 smaller bands']);
    expect(rows.reduce((s, r) => s + r.value, 0)).toBe(values.reduce((s, v) => s + v, 0));
  });
});
