import type { Rng } from './rng.js';

/** Serialization facts of one transaction: enough for mempool entries, blocks and getblockstats. */
export interface TxShape {
  txid: string;
  wtxid: string;
  /** serialized size with witness */
  size: number;
  weight: number;
  vsize: number;
  /** satoshis */
  fee: number;
  nIn: number;
  nOut: number;
  /** sum of outputs, satoshis */
  outValue: number;
  segwit: boolean;
}

export interface MempoolTx extends TxShape {
  /** entry time, unix seconds */
  time: number;
  /** chain height when the transaction entered */
  height: number;
  /** in-mempool parents (depends); arrays, shared empty, because most transactions have none */
  parents: readonly string[];
  children: readonly string[];
}

/** the shared empty link list (never mutated: links are replaced, not pushed) */
export const NO_LINKS: readonly string[] = Object.freeze([] as string[]);

function without(list: readonly string[], id: string): readonly string[] {
  if (list.length === 1) return list[0] === id ? NO_LINKS : list;
  return list.filter((x) => x !== id);
}

export interface PackageStats {
  count: number;
  vsize: number;
  fees: number;
}

/** Core's default -limitancestorcount / -limitdescendantcount */
export const CHAIN_LIMIT = 25;

/**
 * The mempool with bitcoind's mempool sequence: m_sequence_number starts at 1 and
 * GetAndIncrementSequence() is called once per addition and once per removal, whatever the
 * removal reason (txmempool.cpp removeUnchecked). getrawmempool reports the next value.
 */
export class Mempool {
  readonly entries = new Map<string, MempoolTx>();
  sequence = 1;
  totalVsize = 0;
  totalFee = 0;
  /** bumped by every add and remove (unlike `sequence`, never set back): keys txidsJson's cache */
  private changes = 0;
  private listed: { changes: number; size: number; text: string } | null = null;

  get size(): number {
    return this.entries.size;
  }

  /** add and return the mempool sequence this addition consumed */
  add(tx: MempoolTx): number {
    this.entries.set(tx.txid, tx);
    this.changes++;
    for (const id of tx.parents) {
      const parent = this.entries.get(id);
      if (parent && !parent.children.includes(tx.txid)) parent.children = [...parent.children, tx.txid];
    }
    this.totalVsize += tx.vsize;
    this.totalFee += tx.fee;
    return this.sequence++;
  }

  /** remove one entry (callers handle descendants) and return the sequence it consumed */
  remove(txid: string): number | undefined {
    const tx = this.entries.get(txid);
    if (!tx) return undefined;
    this.entries.delete(txid);
    this.changes++;
    for (const id of tx.parents) {
      const parent = this.entries.get(id);
      if (parent) parent.children = without(parent.children, txid);
    }
    for (const id of tx.children) {
      const child = this.entries.get(id);
      if (child) child.parents = without(child.parents, txid);
    }
    this.totalVsize -= tx.vsize;
    this.totalFee -= tx.fee;
    return this.sequence++;
  }

  /**
   * The txids as a JSON array (getrawmempool's list), written once per state of the mempool:
   * a node polled every few seconds with a million transactions is asked for the same list again.
   */
  txidsJson(): string {
    const cached = this.listed;
    if (cached && cached.changes === this.changes && cached.size === this.entries.size) return cached.text;
    const text = this.entries.size === 0 ? '[]' : `["${[...this.entries.keys()].join('","')}"]`;
    this.listed = { changes: this.changes, size: this.entries.size, text };
    return text;
  }

  /** ancestors (not including the tx itself), parents before children */
  ancestors(txid: string): MempoolTx[] {
    return this.walk(txid, (tx) => tx.parents);
  }

  descendants(txid: string): MempoolTx[] {
    return this.walk(txid, (tx) => tx.children);
  }

  /** ancestor package including the tx itself, as getmempoolentry reports it */
  ancestorStats(txid: string): PackageStats {
    return this.packageStats(txid, this.ancestors(txid));
  }

  descendantStats(txid: string): PackageStats {
    return this.packageStats(txid, this.descendants(txid));
  }

  private packageStats(txid: string, others: MempoolTx[]): PackageStats {
    const self = this.entries.get(txid);
    const stats = { count: 1, vsize: self?.vsize ?? 0, fees: self?.fee ?? 0 };
    for (const other of others) {
      stats.count++;
      stats.vsize += other.vsize;
      stats.fees += other.fee;
    }
    return stats;
  }

  private walk(txid: string, next: (tx: MempoolTx) => readonly string[]): MempoolTx[] {
    const start = this.entries.get(txid);
    if (!start) return [];
    const seen = new Set<string>([txid]);
    const out: MempoolTx[] = [];
    const stack = [...next(start)];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const tx = this.entries.get(id);
      if (!tx) continue;
      out.push(tx);
      for (const n of next(tx)) if (!seen.has(n)) stack.push(n);
    }
    return out;
  }

  /** dynamic memory estimate in the spirit of DynamicMemoryUsage(): entries, links, indexes */
  usage(): number {
    let links = 0;
    for (const tx of this.entries.values()) links += tx.parents.length + tx.children.length;
    return Math.round(this.totalVsize * 1.9 + this.entries.size * 560 + links * 48);
  }

  /**
   * Block template selection in the way BlockAssembler does it: best ancestor-package fee rate
   * first, ancestors ahead of their children, until the weight budget is used.
   */
  selectForBlock(maxWeight: number): MempoolTx[] {
    const scored: Array<{ tx: MempoolTx; score: number }> = [];
    for (const tx of this.entries.values()) {
      if (tx.parents.length === 0) {
        scored.push({ tx, score: tx.fee / tx.vsize });
      } else {
        const pkg = this.ancestorStats(tx.txid);
        scored.push({ tx, score: pkg.fees / pkg.vsize });
      }
    }
    scored.sort((a, b) => b.score - a.score);
    const chosen: MempoolTx[] = [];
    const included = new Set<string>();
    let weight = 0;
    let failures = 0;
    for (const { tx } of scored) {
      if (included.has(tx.txid)) continue;
      const pkg = tx.parents.length === 0 ? [] : this.ancestors(tx.txid).filter((a) => !included.has(a.txid));
      let pkgWeight = tx.weight;
      for (const a of pkg) pkgWeight += a.weight;
      if (weight + pkgWeight > maxWeight) {
        if (++failures > 1000 && weight > maxWeight - 4000) break;
        continue;
      }
      for (const a of topoSort(pkg)) {
        included.add(a.txid);
        chosen.push(a);
      }
      included.add(tx.txid);
      chosen.push(tx);
      weight += pkgWeight;
    }
    return chosen;
  }
}

/** parents before children within a package */
function topoSort(txs: MempoolTx[]): MempoolTx[] {
  if (txs.length < 2) return txs;
  const ids = new Set(txs.map((t) => t.txid));
  const done = new Set<string>();
  const out: MempoolTx[] = [];
  const visit = (tx: MempoolTx) => {
    if (done.has(tx.txid)) return;
    done.add(tx.txid);
    for (const p of tx.parents) {
      const parent = txs.find((t) => t.txid === p);
      if (parent && ids.has(p)) visit(parent);
    }
    out.push(tx);
  };
  for (const tx of txs) visit(tx);
  return out;
}

/**
 * Fee rate in sat/vB from a mix shaped like mainnet mempools: many at 1–5, a body at 5–50 and a
 * thin tail to 1,000.
 */
export function sampleFeeRate(rng: Rng): number {
  const r = rng.next();
  let rate: number;
  if (r < 0.45) rate = 1 + 4 * rng.next() ** 1.6;
  else if (r < 0.85) rate = Math.exp(rng.range(Math.log(5), Math.log(50)));
  else if (r < 0.97) rate = Math.exp(rng.range(Math.log(50), Math.log(200)));
  else rate = Math.exp(rng.range(Math.log(200), Math.log(1000)));
  return Math.round(rate * 1000) / 1000;
}

/** mostly small payments, some consolidations, a few very large transactions */
export function sampleShape(rng: Rng, feeRate: number): TxShape {
  const r = rng.next();
  let targetVsize: number;
  if (r < 0.7) targetVsize = rng.int(110, 300);
  else if (r < 0.92) targetVsize = rng.int(300, 1000);
  else if (r < 0.98) targetVsize = rng.int(1000, 1500);
  else targetVsize = rng.int(1500, 20_000);
  const segwit = rng.chance(0.93);
  const witness = segwit ? Math.max(1, Math.round(targetVsize * rng.range(0.25, 0.55))) : 0;
  // weight = stripped*4 + witness; choose stripped so vsize lands near the target
  const stripped = Math.max(60, Math.round((targetVsize * 4 - witness) / 4));
  const weight = stripped * 4 + witness;
  const vsize = Math.ceil(weight / 4);
  const nOut = vsize < 400 ? rng.int(1, 2) : rng.chance(0.7) ? rng.int(1, 3) : rng.int(3, 12);
  // roughly 68 vB per P2WPKH input and 31 vB per output
  const nIn = Math.max(1, Math.min(300, Math.round((vsize - 11 - 31 * nOut) / 68)));
  return {
    txid: rng.hex(32),
    wtxid: '',
    size: stripped + witness,
    weight,
    vsize,
    fee: Math.max(vsize, Math.ceil(feeRate * vsize)),
    nIn,
    nOut,
    outValue: Math.round(Math.exp(rng.range(Math.log(5_000), Math.log(5e9)))),
    segwit,
  };
}

export function finishShape(rng: Rng, shape: TxShape): TxShape {
  shape.wtxid = shape.segwit ? rng.hex(32) : shape.txid;
  return shape;
}
