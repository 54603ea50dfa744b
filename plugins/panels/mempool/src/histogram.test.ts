import { describe, expect, it } from 'vitest';
import { parseBandLabel } from './bands';
import { groupBands, readHistogram, totals } from './histogram';
import { nodescopeHistogram, prometheusSeries, ramp, T0 } from './testing';

describe('readHistogram', () => {
  it('reads nodescope wide frames: 39 bands low to high, vsize preferred over count', () => {
    const h = readHistogram(nodescopeHistogram(ramp(3), ramp(3).map((r) => r.map((v) => v / 100))))!;
    expect(h.origin).toBe('nodescope');
    expect(h.kind).toBe('vsize');
    expect(h.bands).toHaveLength(39);
    expect(h.bands[0]!.label).toBe('0-1');
    expect(h.bands[38]!.label).toBe('2000+');
    expect(h.bands[38]!.range).toEqual({ lower: 2000, upper: null });
    expect(Array.from(h.bands[2]!.values)).toEqual([3000, 6000, 9000]);
    expect(Array.from(h.times)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(h.valueField.config.unit).toBe('si:vB');
  });

  it.each([
    ['auto', 'vsize', 3000],
    ['vsize', 'vsize', 3000],
    ['count', 'count', 30],
  ] as const)('metric %s picks the %s frame', (metric, kind, first) => {
    const h = readHistogram(nodescopeHistogram(ramp(1), ramp(1).map((r) => r.map((v) => v / 100))), metric)!;
    expect(h.kind).toBe(kind);
    expect(h.bands[2]!.values[0]).toBe(first);
  });

  it('falls back to the count frame when only it is present', () => {
    const frames = nodescopeHistogram(ramp(1), ramp(1)).slice(1);
    expect(readHistogram(frames, 'vsize')!.kind).toBe('count');
  });

  it('reads Prometheus series (one frame per band), aligning different timestamps and summing sources', () => {
    const frames = prometheusSeries([
      { band: '1-2', times: [T0, T0 + 60_000], values: [100, 200] },
      { band: '1-2', source: 'btc-test', times: [T0 + 60_000], values: [5] },
      { band: '10-12', times: [T0 + 60_000, T0 + 120_000], values: [7, null as unknown as number] },
      { band: '2000+', times: [T0], values: [1] },
    ]);
    const h = readHistogram(frames)!;
    expect(h.origin).toBe('prometheus');
    expect(Array.from(h.times)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(h.bands.map((b) => b.label)).toEqual(['1-2', '10-12', '2000+']);
    expect(Array.from(h.bands[0]!.values)).toEqual([100, 205, 0]);
    expect(Array.from(h.bands[1]!.values)).toEqual([0, 7, 0]);
    expect(Array.from(totals(h))).toEqual([101, 212, 0]);
  });

  it('sums each row while reading the wide frame, skipping what is not a finite number', () => {
    // rows: [1, 2, 3 ... 39] x 1000, then band 1 null and band 2 NaN / Infinity
    const rows = ramp(2);
    rows[1]![1] = null as unknown as number;
    rows[1]![2] = Number.NaN;
    rows[1]![3] = Number.POSITIVE_INFINITY;
    const h = readHistogram(nodescopeHistogram(rows))!;
    // row 0: 1000 x (1 + ... + 39) = 780,000; row 1: 2000 x (780 - 2 - 3 - 4) = 1,542,000
    expect(Array.from(h.total!)).toEqual([780_000, 1_542_000]);
    // the same as adding the bands up afterwards
    expect(Array.from(totals({ ...h, total: undefined }))).toEqual([780_000, 1_542_000]);
  });

  it('reads the Prometheus count metric as counts', () => {
    const h = readHistogram(prometheusSeries([{ band: '3-4', metric: 'bitcoin_mempool_fee_band_txs', times: [T0], values: [9] }]))!;
    expect(h.kind).toBe('count');
  });

  it.each([
    ['no frames', []],
    ['frames without band fields', prometheusSeries([{ band: 'not-a-band', times: [T0], values: [1] }])],
  ])('is undefined for %s', (_name, frames) => {
    expect(readHistogram(frames)).toBeUndefined();
  });
});

describe('groupBands', () => {
  it('coarse grouping sums 39 bands into 13 without losing vbytes', () => {
    const h = readHistogram(nodescopeHistogram(ramp(2)))!;
    const g = groupBands(h, 'coarse');
    expect(g.bands).toHaveLength(13);
    expect(g.bands.map((b) => b.label).slice(0, 3)).toEqual(['0-2', '2-4', '4-6']);
    expect(g.bands[12]!.label).toBe('1000+');
    expect(Array.from(totals(g))).toEqual(Array.from(totals(h)));
    expect(g.bands[0]!.values[0]).toBe(1000 + 2000);
  });

  it('none keeps the histogram as it is', () => {
    const h = readHistogram(nodescopeHistogram(ramp(1)))!;
    expect(groupBands(h, 'none')).toBe(h);
  });
});

describe('parseBandLabel', () => {
  it.each([
    ['10-12', { lower: 10, upper: 12 }],
    ['2000+', { lower: 2000, upper: null }],
    ['0-1 sat/vB', { lower: 0, upper: 1 }],
    ['12-10', undefined],
    ['Value', undefined],
  ])('%s', (label, expected) => {
    expect(parseBandLabel(label)).toEqual(expected);
  });
});
