import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainBlocks, plainHistogram, plainRates, type PlainTx } from '../../../test/plainMempool.js';
import { BLOCK_VSIZE, effectiveFeeRates, feeHistogram, orderByRateDescending, projectBlocks } from './feerates.js';
import { CompactMempool, type MempoolEntryInput } from './mempool.js';

const txid = (n: number) => createHash('sha256').update(`tx${n}`).digest('hex');

/** Cheap distinct hash-like txids for the 300k fill (sha256 of 300k strings dominates the test). */
function fastTxid(n: number): string {
  let x = (n + 1) * 0x9e3779b1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += (x >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, 56) + (n >>> 0).toString(16).padStart(8, '0');
}

describe('CompactMempool', () => {
  it('adds, finds, removes and lists txids like a Set', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 2_000 }), (ops) => {
        const store = new CompactMempool(10_000, 16);
        const model = new Set<string>();
        for (const [add, n] of ops) {
          const id = txid(n);
          if (add) {
            expect(store.add({ txid: id, vsize: 100 + n, fee: 1_000 + n, time: n })).toBe(!model.has(id));
            model.add(id);
          } else {
            expect(store.remove(id)).toBe(model.has(id));
            model.delete(id);
          }
        }
        expect(store.size).toBe(model.size);
        expect(new Set(store.txidList())).toEqual(model);
        for (const id of model) expect(store.has(id)).toBe(true);
      }),
      { numRuns: 60 }
    );
  });

  it("reconcile keeps exactly the node's txids and names the ones it lacks", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 300 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 300 }),
        (held, node) => {
          const store = new CompactMempool(10_000, 16);
          for (const n of held) store.add({ txid: txid(n), vsize: 100, fee: 100, time: 0 });
          const nodeTxids = node.map(txid);
          const { removed, missing } = store.reconcile(nodeTxids);
          const heldSet = new Set(held.map(txid));
          expect(missing).toEqual(nodeTxids.filter((id) => !heldSet.has(id)));
          expect(removed).toBe(held.filter((n) => !node.includes(n)).length);
          expect(new Set(store.txidList())).toEqual(new Set(nodeTxids.filter((id) => heldSet.has(id))));
        }
      ),
      { numRuns: 60 }
    );
  });

  it('refuses malformed txids and counts transactions beyond the cap', () => {
    const store = new CompactMempool(1_000, 16);
    expect(store.add({ txid: 'xyz', vsize: 1, fee: 1, time: 0 })).toBe(false);
    for (let i = 0; i < 1_005; i++) store.add({ txid: txid(i), vsize: 100, fee: 100, time: 0 });
    expect(store.size).toBe(1_000);
    expect(store.refused).toBe(5);
  });

  it('parent edges survive unordered fills and vanish when the parent leaves (slot reuse is safe)', () => {
    const store = new CompactMempool(1_000, 16);
    store.addEntries([
      { txid: txid(2), vsize: 100, fee: 100, time: 0, depends: [txid(1)] },
      { txid: txid(1), vsize: 100, fee: 100, time: 0 },
    ]);
    let view = store.view();
    const child = [...view.slots].find((s) => view.txid(s) === txid(2))!;
    expect(view.parents(child).map((p) => view.txid(p))).toEqual([txid(1)]);
    store.remove(txid(1));
    store.add({ txid: txid(3), vsize: 100, fee: 100, time: 0 }); // reuses the parent's slot
    view = store.view();
    expect(view.parents(child)).toEqual([]);
  });

  it('reserve makes room once: the fill that follows holds the same and allocates nothing more', () => {
    const entries: MempoolEntryInput[] = Array.from({ length: 5_000 }, (_, i) => ({
      txid: fastTxid(i),
      vsize: 100 + (i % 300),
      fee: 150 + i,
      time: i,
      depends: i % 7 === 0 && i > 0 ? [fastTxid(i - 1)] : [],
    }));
    const grown = new CompactMempool(1_000_000, 16);
    grown.add(entries[0]!);
    grown.addEntries(entries.slice(1));
    const reserved = new CompactMempool(1_000_000, 16);
    reserved.add(entries[0]!);
    reserved.reserve(entries.length - 1);
    const allocated = reserved.allocatedBytes;
    reserved.addUnlinked(entries.slice(1));
    expect(reserved.allocatedBytes).toBe(allocated);
    reserved.linkParents(entries.slice(1));
    expect(reserved.txidList()).toEqual(grown.txidList());
    const [a, b] = [grown.view(), reserved.view()];
    expect(Array.from(effectiveFeeRates(b))).toEqual(Array.from(effectiveFeeRates(a)));
    for (const slot of b.slots) expect(b.parents(slot).map(b.txid)).toEqual(a.parents(slot).map(a.txid));
  });

  it('keeps 300,000 transactions in at most 128 bytes each, index included', () => {
    const store = new CompactMempool(1_000_000);
    const batch: MempoolEntryInput[] = [];
    for (let i = 0; i < 300_000; i++) {
      // one in five spends an earlier unconfirmed transaction
      batch.push({
        txid: fastTxid(i),
        vsize: 140 + (i % 500),
        fee: 200 + i,
        time: i,
        depends: i % 5 === 0 && i > 0 ? [fastTxid(i - 1)] : [],
      });
    }
    store.addEntries(batch);
    expect(store.size).toBe(300_000);
    expect(store.bytesPerTx).toBeLessThanOrEqual(128);
  });
});

// ---- checked against the independent, straightforward computation in test/plainMempool.ts ----

function randomMempool(seed: number, n: number): PlainTx[] {
  let x = seed;
  const rnd = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  const txs: PlainTx[] = [];
  for (let i = 0; i < n; i++) {
    const vsize = 110 + Math.floor(rnd() * 800);
    const rate = rnd() < 0.1 ? 1 : Math.exp(rnd() * 5);
    const depends: string[] = [];
    if (i > 0 && rnd() < 0.25) depends.push(txs[Math.floor(rnd() * i)]!.txid);
    if (i > 1 && rnd() < 0.05) depends.push(txs[Math.floor(rnd() * i)]!.txid);
    txs.push({ txid: txid(seed * 100_000 + i), vsize, fee: Math.round(vsize * rate), depends: [...new Set(depends)] });
  }
  return txs;
}

describe('effective fee rates, histogram and projected blocks', () => {
  it('CPFP: a child pulls its parent up, a cheap child stays down', () => {
    const store = new CompactMempool(100, 16);
    store.addEntries([
      { txid: txid(1), vsize: 200, fee: 200, time: 0 }, // 1 sat/vB parent
      { txid: txid(2), vsize: 200, fee: 10_000, time: 0, depends: [txid(1)] }, // 50 sat/vB child
      { txid: txid(3), vsize: 100, fee: 5_000, time: 0 }, // 50 sat/vB parent
      { txid: txid(4), vsize: 100, fee: 100, time: 0, depends: [txid(3)] }, // 1 sat/vB child
    ]);
    const view = store.view();
    const rates = effectiveFeeRates(view);
    const rateOf = (n: number) => rates[[...view.slots].find((s) => view.txid(s) === txid(n))!]!;
    expect(rateOf(1)).toBeCloseTo(25.5);
    expect(rateOf(2)).toBeCloseTo(25.5);
    expect(rateOf(3)).toBeCloseTo(50);
    expect(rateOf(4)).toBeCloseTo(1);
  });

  it.each([1, 2, 3])('matches a straightforward computation on random mempool %i', (seed) => {
    const txs = randomMempool(seed, 3_000);
    const store = new CompactMempool(10_000);
    store.addEntries(txs.map((t) => ({ ...t, time: 0 })));
    const view = store.view();
    const rates = effectiveFeeRates(view);
    const expected = plainRates(txs);
    for (const slot of view.slots) expect(rates[slot]).toBeCloseTo(expected.get(view.txid(slot))!, 9);

    // histogram: vsize and count per band of the plain rates
    expect(feeHistogram(view, rates)).toEqual(plainHistogram(txs, expected));

    // projected blocks: plain objects sorted by rate, cut at the block size
    const blocks = plainBlocks(txs, expected);
    const projected = projectBlocks(view, rates);
    expect(projected.map((b) => b.txCount)).toEqual(blocks.map((b) => b.txs.length));
    projected.forEach((block, i) => {
      const plain = blocks[i]!;
      expect(block.vsize).toBe(plain.vsize);
      expect(block.totalFees).toBe(plain.fees);
      const r = plain.txs.map((t) => expected.get(t.txid)!).sort((a, b) => a - b);
      expect(block.feeRange[0]).toBeCloseTo(r[0]!, 9);
      expect(block.feeRange[6]).toBeCloseTo(r[r.length - 1]!, 9);
      expect(block.medianFee).toBeCloseTo(r[Math.floor(0.5 * (r.length - 1) + 0.5)]!, 9);
      expect(block.tail).toBe(i === 8);
    });
  });

  it.each([
    ['a mempool of 8 blocks and a long tail, with holes', 4, 0],
    ['blocks of one oversized transaction each (the blocks reach past the first buckets gathered)', 5, 12],
  ])(
    'every block and the tail, all seven percentiles, as the straightforward computation: %s',
    (_name, seed, giants) => {
      const txs = randomMempool(seed, 24_000);
      // transactions larger than a block, at the top rates, each in a rate bucket of its own:
      // each closes a block alone, so the blocks use more vbytes than the first buckets gathered
      for (let g = 0; g < giants; g++) {
        const vsize = 2_500_000 + g;
        txs.push({ txid: txid(900_000 + g), vsize, fee: vsize * Math.round(300 * 1.25 ** g), depends: [] });
      }
      const store = new CompactMempool(100_000);
      store.addEntries(txs.map((t) => ({ ...t, time: 0 })));
      // holes: removed transactions leave free slots (not reused: nothing is added after)
      const gone = new Set(txs.filter((_t, i) => i % 11 === 3 && i < 24_000).map((t) => t.txid));
      for (const id of gone) store.remove(id);
      const live = txs
        .filter((t) => !gone.has(t.txid))
        .map((t) => ({ ...t, depends: t.depends.filter((d) => !gone.has(d)) }));
      const view = store.view();
      const expected = plainRates(live);
      const projected = projectBlocks(view, effectiveFeeRates(view));
      const blocks = plainBlocks(live, expected);
      expect(blocks.length, 'the data gives 8 blocks and a tail').toBe(9);
      expect(projected.map((b) => [b.txCount, b.vsize, b.totalFees, b.tail])).toEqual(
        blocks.map((b, i) => [b.txs.length, b.vsize, b.fees, i === 8])
      );
      projected.forEach((block, i) => {
        const r = blocks[i]!.txs.map((t) => expected.get(t.txid)!).sort((a, b) => a - b);
        const at = (q: number) => r[Math.min(r.length - 1, Math.floor(q * (r.length - 1) + 0.5))]!;
        const range = [r[0]!, at(0.1), at(0.25), at(0.5), at(0.75), at(0.9), r[r.length - 1]!];
        block.feeRange.forEach((value, k) => expect(value).toBeCloseTo(range[k]!, 9));
        expect(block.medianFee).toBeCloseTo(at(0.5), 9);
      });
    }
  );

  it('orders slots by rate like a comparator sort: highest first, ties by slot, zero and huge rates too', () => {
    const rate = fc.oneof(
      fc.constantFrom(0, 1, 1.5, 2, 1e-9, 1e9, Number.MAX_VALUE),
      fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true })
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(rate, fc.boolean()), { maxLength: 500 }), (cells) => {
        const rates = new Float64Array(cells.length);
        const live: number[] = [];
        cells.forEach(([r, isLive], slot) => {
          rates[slot] = Math.abs(r); // -0 and +0 alike
          if (isLive) live.push(slot);
        });
        const expected = [...live].sort((a, b) => rates[b]! - rates[a]! || a - b);
        expect(Array.from(orderByRateDescending(Int32Array.from(live), rates))).toEqual(expected);
      }),
      { numRuns: 200 }
    );
  });

  it('a big mempool gives 8 full blocks and a tail', () => {
    const store = new CompactMempool(100_000);
    const entries: MempoolEntryInput[] = [];
    for (let i = 0; i < 40_000; i++) entries.push({ txid: txid(i), vsize: 250, fee: 250 * (1 + (i % 100)), time: 0 });
    store.addEntries(entries);
    const view = store.view();
    const blocks = projectBlocks(view, effectiveFeeRates(view));
    expect(blocks).toHaveLength(9);
    expect(blocks.slice(0, 8).every((b) => b.vsize === BLOCK_VSIZE && !b.tail)).toBe(true);
    expect(blocks[8]!.tail).toBe(true);
    expect(blocks[8]!.txCount).toBe(40_000 - 8 * 4_000);
    // blocks are ordered by fee: each block's lowest rate is >= the next block's highest
    for (let i = 1; i < blocks.length; i++)
      expect(blocks[i - 1]!.feeRange[0]).toBeGreaterThanOrEqual(blocks[i]!.feeRange[6]);
  });
});
