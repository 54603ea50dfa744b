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
  const rates = new Float64Array(view.slotLimit);
  const parents = new Map<number, number[]>();
  const children = new Map<number, number[]>();
  for (const slot of view.slots) {
    const ps = view.parents(slot);
    if (ps.length === 0) continue;
    parents.set(slot, ps);
    for (const p of ps) {
      const list = children.get(p);
      if (list) list.push(slot);
      else children.set(p, [slot]);
    }
  }
  const mark = new Int32Array(view.slotLimit);
  let stamp = 0;
  /** fee and vsize of slot plus everything reachable through `links` (each counted once) */
  const packageOf = (slot: number, links: Map<number, number[]>): [number, number] => {
    stamp++;
    mark[slot] = stamp;
    let fee = view.fee(slot);
    let vsize = view.vsize(slot);
    const stack = [...(links.get(slot) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (mark[next] === stamp) continue;
      mark[next] = stamp;
      fee += view.fee(next);
      vsize += view.vsize(next);
      const more = links.get(next);
      if (more) stack.push(...more);
    }
    return [fee, vsize];
  };
  for (const slot of view.slots) {
    const own = view.fee(slot) / view.vsize(slot);
    let rate = own;
    if (parents.has(slot)) {
      const [fee, vsize] = packageOf(slot, parents);
      rate = Math.min(own, fee / vsize);
    }
    if (children.has(slot)) {
      const [fee, vsize] = packageOf(slot, children);
      rate = Math.max(rate, fee / vsize);
    }
    rates[slot] = rate;
  }
  return rates;
}

export interface FeeHistogram {
  /** vbytes per band (FEE_BAND_EDGES order) */
  vsize: number[];
  count: number[];
}

export function feeHistogram(view: MempoolView, rates: Float64Array): FeeHistogram {
  const vsize = new Array<number>(FEE_BAND_EDGES.length).fill(0);
  const count = new Array<number>(FEE_BAND_EDGES.length).fill(0);
  for (const slot of view.slots) {
    const band = feeBandIndex(rates[slot]!);
    vsize[band]! += view.vsize(slot);
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
  const order = Array.from(view.slots).sort((a, b) => rates[b]! - rates[a]! || a - b);
  const out: ProjectedBlock[] = [];
  let members: number[] = [];
  let used = 0;
  const close = (tail: boolean) => {
    if (members.length > 0) out.push(summarise(out.length, tail, members, view, rates));
    members = [];
    used = 0;
  };
  for (const slot of order) {
    const vsize = view.vsize(slot);
    if (out.length < blocks && used + vsize > BLOCK_VSIZE && members.length > 0) {
      close(false);
    }
    members.push(slot);
    used += vsize;
  }
  close(out.length >= blocks);
  return out;
}

function summarise(
  index: number,
  tail: boolean,
  members: number[],
  view: MempoolView,
  rates: Float64Array
): ProjectedBlock {
  let vsize = 0;
  let fees = 0;
  const sorted = new Float64Array(members.length);
  members.forEach((slot, i) => {
    vsize += view.vsize(slot);
    fees += view.fee(slot);
    sorted[i] = rates[slot]!;
  });
  sorted.sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
  return {
    index,
    tail,
    txCount: members.length,
    vsize,
    totalFees: fees,
    medianFee: at(0.5),
    feeRange: [sorted[0]!, at(0.1), at(0.25), at(0.5), at(0.75), at(0.9), sorted[sorted.length - 1]!],
  };
}
