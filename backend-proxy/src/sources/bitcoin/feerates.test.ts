import { FEE_BAND_EDGES, feeBandIndex } from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import { effectiveFeeRates, feeHistogram } from './feerates.js';
import { CompactMempool } from './mempool.js';

describe('feeHistogram', () => {
  it('puts every rate in the band feeBandIndex names, at, just below and just above every edge', () => {
    const rates: number[] = [];
    for (const edge of FEE_BAND_EDGES) for (const d of [-1e-9, 0, 1e-9, 0.5, 0.999_999]) if (edge + d >= 0) rates.push(edge + d);
    rates.push(1_999.999_999, 2_500, 1e9);
    const store = new CompactMempool(1_000);
    // vsize 1: the fee is the rate (fees are whole satoshis, so rates here are whole too) ...
    store.addEntries(rates.map((rate, i) => ({ txid: (i + 1).toString(16).padStart(64, '0'), vsize: 1, fee: Math.round(rate), time: 1 })));
    // ... and vsize 1e6 gives fractional rates close to each edge
    store.addEntries(rates.map((rate, i) => ({ txid: (i + 5_000).toString(16).padStart(64, '0'), vsize: 1e6, fee: Math.round(rate * 1e6), time: 1 })));
    const view = store.view();
    const effective = effectiveFeeRates(view);
    const expected = new Array<number>(FEE_BAND_EDGES.length).fill(0);
    for (const slot of view.slots) expected[feeBandIndex(effective[slot]!)]!++;
    expect(feeHistogram(view, effective).count).toEqual(expected);
    expect(expected.reduce((a, b) => a + b, 0)).toBe(rates.length * 2);
  });
});
