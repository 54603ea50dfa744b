// Effective (CPFP-aware) fee rates, the fee-band histogram and projected blocks, computed from
// the compact mempool. Pure: no I/O.
//
// The effective fee rate rule (an approximation of Bitcoin Core's ancestor-score mining):
//   own        = fee / vsize
//   ancestor   = (fee + fees of all in-mempool ancestors) / (vsize + their vsizes)
//   descendant = (fee + fees of all in-mempool descendants) / (vsize + their vsizes)
//   effective  = max(min(own, ancestor), descendant if the tx has descendants, else 0)
// A child cannot be mined at a better rate than the package it needs (min with ancestor); a
// parent whose children pay more is pulled up to its descendant package rate (CPFP). It differs
// from a full cluster linearisation when one parent has several children of very different
// rates (the parent gets the average of all of them).
import { FEE_BAND_EDGES, feeBandIndex } from '@nodescope/shared';
import type { MempoolView } from './mempool.js';

/** Block weight limit; transactions are filled by vsize (weight / 4). */
export const BLOCK_WEIGHT = 4_000_000;
export const BLOCK_VSIZE = BLOCK_WEIGHT / 4;
export const PROJECTED_BLOCKS = 8;

/** Effective fee rate (sat/vB) per slot; slots that are not live hold 0. */
export function effectiveFeeRates(view: MempoolView): Float64Array {
  const limit = view.slotLimit;
  const rates = new Float64Array(limit);
  const { slots, fees, vsizes } = view;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    rates[slot] = fees[slot]! / vsizes[slot]!;
  }
  // parent links (child -> parent) in one pass over the store's edge lists, as index lists
  // rather than an array per slot: at 1M transactions this was most of the live view's cost
  const { child: edgeChild, parent: edgeParent } = view.parentLinks();
  const m = edgeChild.length;
  if (m === 0) return rates;
  const parents = adjacency(limit, edgeChild, edgeParent);
  const children = adjacency(limit, edgeParent, edgeChild);
  const mark = new Int32Array(limit);
  const stack = new Int32Array(m); // a slot pushes its links once, when first reached
  let stamp = 0;
  /** fee / vsize of slot plus everything reachable through `links` (each counted once) */
  const packageRate = (slot: number, links: Adjacency): number => {
    stamp++;
    mark[slot] = stamp;
    let fee = fees[slot]!;
    let vsize = vsizes[slot]!;
    let top = 0;
    for (let k = links.start[slot]!; k < links.start[slot + 1]!; k++) stack[top++] = links.list[k]!;
    while (top > 0) {
      const next = stack[--top]!;
      if (mark[next] === stamp) continue;
      mark[next] = stamp;
      fee += fees[next]!;
      vsize += vsizes[next]!;
      for (let k = links.start[next]!; k < links.start[next + 1]!; k++) stack[top++] = links.list[k]!;
    }
    return fee / vsize;
  };
  // only the transactions with relatives (a minority) need their packages, each once (the
  // links are grouped by their first slot); fees are whole satoshis, so the sums do not
  // depend on the order of the walk
  for (let e = 0; e < m; e++) {
    const slot = edgeChild[e]!;
    if (e === 0 || edgeChild[e - 1] !== slot) rates[slot] = Math.min(rates[slot]!, packageRate(slot, parents));
  }
  // after the ancestor rule above: a parent is raised to its descendant package's rate
  for (let slot = 0; slot < limit; slot++) {
    if (children.start[slot + 1]! > children.start[slot]!)
      rates[slot] = Math.max(rates[slot]!, packageRate(slot, children));
  }
  return rates;
}

interface Adjacency {
  /** the links of slot s are list[start[s] .. start[s + 1]) */
  start: Int32Array;
  list: Int32Array;
}

/** Compressed rows: each `from[e]`'s `to[e]`s, in edge order. */
function adjacency(limit: number, from: Int32Array, to: Int32Array): Adjacency {
  const start = new Int32Array(limit + 1);
  for (let e = 0; e < from.length; e++) start[from[e]! + 1]!++;
  for (let s = 0; s < limit; s++) start[s + 1]! += start[s]!;
  const cursor = start.slice(0, limit);
  const list = new Int32Array(from.length);
  for (let e = 0; e < from.length; e++) list[cursor[from[e]!]!++] = to[e]!;
  return { start, list };
}

export interface FeeHistogram {
  /** vbytes per band (FEE_BAND_EDGES order) */
  vsize: number[];
  count: number[];
}

// The bands' edges are whole sat/vB, so a rate's band is its floor's band: one table read per
// transaction instead of a binary search (a third of the histogram's time at 1M transactions).
const LAST_EDGE = FEE_BAND_EDGES[FEE_BAND_EDGES.length - 1]!;
const BAND_OF_FLOOR: Uint8Array | null = FEE_BAND_EDGES.every((edge) => Number.isInteger(edge))
  ? Uint8Array.from({ length: LAST_EDGE + 1 }, (_, rate) => feeBandIndex(rate))
  : null;

function bandOf(rate: number): number {
  if (BAND_OF_FLOOR === null || !(rate >= 0) || rate >= LAST_EDGE) return feeBandIndex(rate);
  return BAND_OF_FLOOR[Math.floor(rate)]!;
}

export function feeHistogram(view: MempoolView, rates: Float64Array): FeeHistogram {
  const vsize = new Array<number>(FEE_BAND_EDGES.length).fill(0);
  const count = new Array<number>(FEE_BAND_EDGES.length).fill(0);
  const { slots, vsizes } = view;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const band = bandOf(rates[slot]!);
    vsize[band]! += vsizes[slot]!;
    count[band]!++;
  }
  return { vsize, count };
}

export interface ProjectedBlock {
  index: number;
  tail: boolean;
  txCount: number;
  vsize: number;
  /** sat */
  totalFees: number;
  /** sat/vB, median of the block's transactions' effective rates */
  medianFee: number;
  /** sat/vB: min, 10th, 25th, 50th, 75th, 90th percentile, max */
  feeRange: [number, number, number, number, number, number, number];
}

/**
 * Fills blocks of BLOCK_VSIZE in order of effective rate, highest first; a transaction that no
 * longer fits closes the block (no back-filling with smaller ones). The rest is one tail block.
 */
export function projectBlocks(view: MempoolView, rates: Float64Array, blocks = PROJECTED_BLOCKS): ProjectedBlock[] {
  // Only the transactions of the first `blocks` blocks need their exact order; the tail block's
  // figures are sums (the totals minus the blocks') and order statistics of its rates, which are
  // the lowest rates of all. So the slots are counted by the top 16 bits of their rate (one
  // pass), only the buckets the blocks reach are gathered and sorted, and a tail percentile
  // sorts just the bucket it falls in. Same blocks as a full sort (checked against one in the
  // tests and the bench); at 1M transactions most slots are never moved.
  const { slots, vsizes, fees } = view;
  const n = slots.length;
  const words = new Uint32Array(rates.buffer, rates.byteOffset, rates.length * 2);
  const hiAt = LITTLE_ENDIAN ? 1 : 0;
  // inverted high word: ascending buckets are descending rates (rates are non-negative doubles)
  const starts = new Uint32Array(65_537);
  const bucketVsize = new Float64Array(65_536);
  let allFees = 0;
  for (let i = 0; i < n; i++) {
    const slot = slots[i]!;
    const bucket = (~words[slot * 2 + hiAt]! >>> 16) & 0xffff;
    starts[bucket + 1]!++;
    bucketVsize[bucket]! += vsizes[slot]!;
    allFees += fees[slot]!;
  }
  let allVsize = 0;
  for (let b = 0; b < 65_536; b++) {
    starts[b + 1]! += starts[b]!;
    allVsize += bucketVsize[b]!;
  }
  const order = new Int32Array(n); // filled for the buckets gathered so far
  const cursor = starts.slice(0, 65_536);
  /** puts the slots of buckets [from, to) into `order`, each bucket in slot order (a full sort's tie order) */
  const gather = (from: number, to: number) => {
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const bucket = (~words[slot * 2 + hiAt]! >>> 16) & 0xffff;
      if (bucket >= from && bucket < to) order[cursor[bucket]!++] = slot;
    }
  };
  const out: ProjectedBlock[] = [];
  let start = 0;
  let used = 0;
  let sortedEnd = 0; // order[0, sortedEnd) is in exact order
  let gathered = 0; // buckets [0, gathered) are in `order`
  for (let b = 0; b < 65_536 && out.length < blocks; b++) {
    if (b >= gathered) {
      // enough buckets for the blocks still open, with room for blocks closed early
      const wanted = Math.max(0, 2 * ((blocks - out.length) * BLOCK_VSIZE - used)) + BLOCK_VSIZE;
      let to = b;
      for (let vsize = 0; to < 65_536 && (to === b || vsize < wanted); to++) vsize += bucketVsize[to]!;
      gather(b, to);
      gathered = to;
    }
    const b0 = starts[b]!;
    const b1 = starts[b + 1]!;
    if (b1 - b0 > 1) order.set(orderByRateDescending(order.subarray(b0, b1), rates), b0);
    sortedEnd = b1;
    for (let i = b0; i < b1; i++) {
      const vsize = vsizes[order[i]!]!;
      if (used + vsize > BLOCK_VSIZE && i > start) {
        out.push(summarise(out.length, false, order, start, i, view, rates));
        start = i;
        used = 0;
        if (out.length >= blocks) break;
      }
      used += vsize;
    }
  }
  if (n <= start) return out;
  // every bucket was gathered when the blocks did not fill
  if (out.length < blocks) {
    out.push(summarise(out.length, false, order, start, n, view, rates));
    return out;
  }
  // the tail: positions [start, n) of the full order, the n - start lowest rates; its sums are
  // whole vbytes and satoshis, so the totals minus the blocks' are exact
  let vsize = allVsize;
  let totalFees = allFees;
  for (const block of out) {
    vsize -= block.vsize;
    totalFees -= block.totalFees;
  }
  const count = n - start;
  const ascending = (k: number) => n - 1 - k;
  const at = (q: number) => ascending(Math.min(count - 1, Math.floor(q * (count - 1) + 0.5)));
  const positions = [ascending(0), at(0.1), at(0.25), at(0.5), at(0.75), at(0.9), ascending(count - 1)];
  const values = tailRates(positions, sortedEnd, order, starts, slots, words, hiAt, rates);
  out.push({
    index: out.length,
    tail: true,
    txCount: count,
    vsize,
    totalFees,
    medianFee: values[3]!,
    feeRange: values as ProjectedBlock['feeRange'],
  });
  return out;
}

/**
 * The rates at `positions` of the full descending order: from `order` where it is exact,
 * else from the sorted rates of the bucket the position falls in (all such buckets in one pass).
 */
function tailRates(
  positions: number[],
  sortedEnd: number,
  order: Int32Array,
  starts: Uint32Array,
  slots: Int32Array,
  words: Uint32Array,
  hiAt: number,
  rates: Float64Array
): number[] {
  const bucketOf = (p: number): number => {
    let lo = 0;
    let hi = 65_535;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const members = new Map<number, { values: Float64Array; filled: number }>();
  for (const p of positions) {
    if (p < sortedEnd) continue;
    const bucket = bucketOf(p);
    if (!members.has(bucket))
      members.set(bucket, { values: new Float64Array(starts[bucket + 1]! - starts[bucket]!), filled: 0 });
  }
  if (members.size > 0) {
    const wanted = new Uint8Array(65_536);
    for (const bucket of members.keys()) wanted[bucket] = 1;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const bucket = (~words[slot * 2 + hiAt]! >>> 16) & 0xffff;
      if (wanted[bucket] === 1) {
        const m = members.get(bucket)!;
        m.values[m.filled++] = rates[slot]!;
      }
    }
    for (const m of members.values()) m.values.sort();
  }
  return positions.map((p) => {
    if (p < sortedEnd) return rates[order[p]!]!;
    const bucket = bucketOf(p);
    const { values } = members.get(bucket)!;
    // ascending values; position p counts from the bucket's highest rate
    return values[values.length - 1 - (p - starts[bucket]!)]!;
  });
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The slots by effective rate, highest first, equal rates in slot order: what
 * `[...slots].sort((a, b) => rates[b] - rates[a] || a - b)` gives, but as a stable LSD radix
 * sort on the rates' IEEE-754 bits (for non-negative doubles the bits order like the values),
 * about 10x faster at 300k transactions than a comparator sort (the live view redoes it often).
 * `slots` must be ascending, as MempoolView gives them.
 */
export function orderByRateDescending(slots: Int32Array, rates: Float64Array): Int32Array {
  const n = slots.length;
  const words = new Uint32Array(rates.buffer, rates.byteOffset, rates.length * 2);
  const [loAt, hiAt] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  // inverted bits: ascending keys = descending rates
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let order = Int32Array.from(slots);
  for (let i = 0; i < n; i++) {
    const slot = order[i]!;
    lo[i] = ~words[slot * 2 + loAt]! >>> 0;
    hi[i] = ~words[slot * 2 + hiAt]! >>> 0;
  }
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let order2 = new Int32Array(n);
  const counts = new Uint32Array(65_536);
  // four stable 16-bit passes, least significant first: lo low, lo high, hi low, hi high
  for (let pass = 0; pass < 4; pass++) {
    const keys = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & 0xffff]!++;
    // a pass where every key has the same digit changes nothing
    if (counts[(keys[0]! >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65_536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const to = counts[(keys[i]! >>> shift) & 0xffff]!++;
      hi2[to] = hi[i]!;
      lo2[to] = lo[i]!;
      order2[to] = order[i]!;
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [order, order2] = [order2, order];
  }
  return order;
}

/** One block from `order[start..end)`, which is already in descending rate order. */
function summarise(
  index: number,
  tail: boolean,
  order: Int32Array,
  start: number,
  end: number,
  view: MempoolView,
  rates: Float64Array
): ProjectedBlock {
  let vsize = 0;
  let fees = 0;
  for (let i = start; i < end; i++) {
    vsize += view.vsizes[order[i]!]!;
    fees += view.fees[order[i]!]!;
  }
  const count = end - start;
  // the k-th lowest rate is the k-th member from the end
  const ascending = (k: number) => rates[order[end - 1 - k]!]!;
  const at = (q: number) => ascending(Math.min(count - 1, Math.floor(q * (count - 1) + 0.5)));
  return {
    index,
    tail,
    txCount: count,
    vsize,
    totalFees: fees,
    medianFee: at(0.5),
    feeRange: [ascending(0), at(0.1), at(0.25), at(0.5), at(0.75), at(0.9), ascending(count - 1)],
  };
}
