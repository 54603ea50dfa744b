// The independent computation the mempool tests check the production one against: plain objects
// and the documented rules, written the straightforward way and sharing no code with src/ (only
// the fee-band edges come from @nodescope/shared: they are the definition, not the computation).
import { FEE_BAND_EDGES, feeBandIndex } from '@nodescope/shared';

/** A mempool transaction as plain data; `fee` in sats, `depends` its unconfirmed parents. */
export interface PlainTx {
  txid: string;
  vsize: number;
  fee: number;
  depends: string[];
}

/** getmempoolentry-shaped entries (fee in BTC, as the simulator's mempoolEntries() gives them) as plain transactions, fees in sats. */
export function plainTxs(entries: Iterable<[string, { vsize: number; fee: number; depends: string[] }]>): PlainTx[] {
  return [...entries].map(([txid, e]) => ({ txid, vsize: e.vsize, fee: Math.round(e.fee * 1e8), depends: e.depends }));
}

/** A block's room: 4,000,000 weight units are 1,000,000 vbytes. */
const BLOCK_VSIZE = 1_000_000;
/** Full projected blocks before the rest of the mempool goes into one tail block (as mempool.space). */
const FULL_BLOCKS = 8;

/**
 * Effective fee rate per txid: a transaction's own rate, lowered to its ancestor package's rate
 * (it cannot be mined without them), raised to its descendant package's rate (CPFP).
 */
export function plainRates(txs: PlainTx[]): Map<string, number> {
  const byId = new Map(txs.map((t) => [t.txid, t]));
  const children = new Map<string, string[]>();
  for (const t of txs)
    for (const p of t.depends) if (byId.has(p)) children.set(p, [...(children.get(p) ?? []), t.txid]);
  const reach = (start: string, next: (id: string) => string[]) => {
    const seen = new Set<string>();
    const stack = [...next(start)];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id) || !byId.has(id)) continue;
      seen.add(id);
      stack.push(...next(id));
    }
    return seen;
  };
  const packageRate = (t: PlainTx, ids: Set<string>) => {
    let fee = t.fee;
    let vsize = t.vsize;
    for (const id of ids) {
      fee += byId.get(id)!.fee;
      vsize += byId.get(id)!.vsize;
    }
    return fee / vsize;
  };
  const rates = new Map<string, number>();
  for (const t of txs) {
    const own = t.fee / t.vsize;
    const ancestors = reach(t.txid, (id) => byId.get(id)?.depends ?? []);
    const descendants = reach(t.txid, (id) => children.get(id) ?? []);
    let rate = ancestors.size > 0 ? Math.min(own, packageRate(t, ancestors)) : own;
    if (descendants.size > 0) rate = Math.max(rate, packageRate(t, descendants));
    rates.set(t.txid, rate);
  }
  return rates;
}

/** vsize and transaction count per fee band of the effective rates. */
export function plainHistogram(txs: PlainTx[], rates: Map<string, number>): { vsize: number[]; count: number[] } {
  const vsize = new Array<number>(FEE_BAND_EDGES.length).fill(0);
  const count = new Array<number>(FEE_BAND_EDGES.length).fill(0);
  for (const t of txs) {
    const band = feeBandIndex(rates.get(t.txid)!);
    vsize[band]! += t.vsize;
    count[band]!++;
  }
  return { vsize, count };
}

export interface PlainBlock {
  txs: PlainTx[];
  vsize: number;
  fees: number;
}

/** Projected blocks: transactions sorted by effective rate, cut at the block size, the rest in a tail. */
export function plainBlocks(txs: PlainTx[], rates: Map<string, number>): PlainBlock[] {
  const sorted = [...txs].sort((a, b) => rates.get(b.txid)! - rates.get(a.txid)!);
  const blocks: PlainTx[][] = [];
  let current: PlainTx[] = [];
  let used = 0;
  for (const t of sorted) {
    if (blocks.length < FULL_BLOCKS && current.length > 0 && used + t.vsize > BLOCK_VSIZE) {
      blocks.push(current);
      current = [];
      used = 0;
    }
    current.push(t);
    used += t.vsize;
  }
  if (current.length > 0) blocks.push(current);
  return blocks.map((b) => ({
    txs: b,
    vsize: b.reduce((s, t) => s + t.vsize, 0),
    fees: b.reduce((s, t) => s + t.fee, 0),
  }));
}
