import { FEE_BAND_EDGES, feeBandIndex } from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import { BLOCK_VSIZE, effectiveFeeRates, feeHistogram, projectBlocks } from './feerates.js';
import { CompactMempool } from './mempool.js';

describe('feeHistogram', () => {
  it('puts every rate in the band feeBandIndex names, at, just below and just above every edge', () => {
    const rates: number[] = [];
    for (const edge of FEE_BAND_EDGES)
      for (const d of [-1e-9, 0, 1e-9, 0.5, 0.999_999]) if (edge + d >= 0) rates.push(edge + d);
    rates.push(1_999.999_999, 2_500, 1e9);
    const store = new CompactMempool(1_000);
    // vsize 1: the fee is the rate (fees are whole satoshis, so rates here are whole too) ...
    store.addEntries(
      rates.map((rate, i) => ({
        txid: (i + 1).toString(16).padStart(64, '0'),
        vsize: 1,
        fee: Math.round(rate),
        time: 1,
      }))
    );
    // ... and vsize 1e6 gives fractional rates close to each edge
    store.addEntries(
      rates.map((rate, i) => ({
        txid: (i + 5_000).toString(16).padStart(64, '0'),
        vsize: 1e6,
        fee: Math.round(rate * 1e6),
        time: 1,
      }))
    );
    const view = store.view();
    const effective = effectiveFeeRates(view);
    const expected = new Array<number>(FEE_BAND_EDGES.length).fill(0);
    for (const slot of view.slots) expected[feeBandIndex(effective[slot]!)]!++;
    expect(feeHistogram(view, effective).count).toEqual(expected);
    expect(expected.reduce((a, b) => a + b, 0)).toBe(rates.length * 2);
  });
});

/** Blocks the plain way: every slot sorted by rate (ties by slot), then filled in order. */
function sortedBlocks(slots: Int32Array, vsizes: Uint32Array, fees: Float64Array, rates: Float64Array, blocks: number) {
  const order = Array.from(slots).sort((a, b) => rates[b]! - rates[a]! || a - b);
  const out: Array<{ tail: boolean; txCount: number; vsize: number; totalFees: number; feeRange: number[] }> = [];
  const close = (start: number, end: number) => {
    const members = order.slice(start, end);
    const ascending = members.map((slot) => rates[slot]!).reverse();
    const at = (q: number) => ascending[Math.min(members.length - 1, Math.floor(q * (members.length - 1) + 0.5))]!;
    out.push({
      tail: out.length >= blocks,
      txCount: members.length,
      vsize: members.reduce((n, slot) => n + vsizes[slot]!, 0),
      totalFees: members.reduce((n, slot) => n + fees[slot]!, 0),
      feeRange: [ascending[0]!, at(0.1), at(0.25), at(0.5), at(0.75), at(0.9), ascending[members.length - 1]!],
    });
  };
  let start = 0;
  let used = 0;
  order.forEach((slot, i) => {
    if (out.length < blocks && used + vsizes[slot]! > BLOCK_VSIZE && i > start) {
      close(start, i);
      start = i;
      used = 0;
    }
    used += vsizes[slot]!;
  });
  if (order.length > start) close(start, order.length);
  return out;
}

describe('projectBlocks', () => {
  it('gives the blocks of a full sort, the tail block included, with ties, parents and oversize transactions', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fff_ffff) / 0x7fff_ffff;
    for (const ties of [false, true]) {
      const store = new CompactMempool(100_000);
      const txid = (i: number) => (i + (ties ? 1e6 : 0)).toString(16).padStart(64, '0');
      store.addEntries(
        Array.from({ length: 6_000 }, (_, i) => {
          const vsize = i % 997 === 0 ? 1_200_000 : 120 + Math.floor(random() * 600);
          const rate = ties ? 1 + Math.floor(random() * 4) : 1 + random() * random() * 150;
          return {
            txid: txid(i),
            vsize,
            fee: Math.round(vsize * rate),
            time: 1,
            depends: i > 0 && random() < 0.2 ? [txid(Math.floor(random() * i))] : [],
          };
        })
      );
      const view = store.view();
      const rates = effectiveFeeRates(view);
      for (const blocks of [0, 1, 2, 8]) {
        const ours = projectBlocks(view, rates, blocks).map(({ tail, txCount, vsize, totalFees, feeRange }) => ({
          tail,
          txCount,
          vsize,
          totalFees,
          feeRange,
        }));
        expect(ours).toEqual(sortedBlocks(view.slots, view.vsizes, view.fees, rates, blocks));
        if (blocks <= 2) expect(ours.at(-1)!.tail).toBe(true);
      }
    }
  });
});
