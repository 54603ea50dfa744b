import { createHash } from 'node:crypto';
import {
  Mempool,
  type MempoolTx,
  type TxShape,
  CHAIN_LIMIT,
  NO_LINKS,
  finishShape,
  sampleFeeRate,
  sampleShape,
} from './mempool.js';
import { type NetworkParams, blockWork, subsidySats, targetFromBits } from './network.js';
import { Rng, subSeed } from './rng.js';

export interface Block {
  hash: string;
  height: number;
  version: number;
  merkleroot: string;
  time: number;
  nonce: number;
  bits: number;
  prevHash: string | null;
  /** coinbase first */
  txs: TxShape[];
  size: number;
  strippedsize: number;
  weight: number;
}

export type SequenceEvent =
  { label: 'A' | 'R'; hash: string; mempoolSequence: number } | { label: 'C' | 'D'; hash: string };

export interface StaleTip {
  hash: string;
  height: number;
  branchlen: number;
  /**
   * getchaintips' status of a tip off the active chain (bitcoin/bitcoin src/rpc/blockchain.cpp
   * getchaintips): valid-fork once active and reorganized away, valid-headers with every block
   * but never validated (never the most work), headers-only with block data missing
   */
  status: 'valid-fork' | 'valid-headers' | 'headers-only';
}

/** what receiveBranch() did with blocks another node relayed */
export type BranchResult = 'known' | 'extended' | 'reorged' | 'side';

/** Core's default -blockmaxweight */
const BLOCK_MAX_WEIGHT = 3_996_000;

export interface SimNodeOptions {
  params: NetworkParams;
  seed: number;
  initialHeight: number;
  now?: () => number;
  onEvent?: (event: SequenceEvent) => void;
  /** changes what this node mines (not its history): nodes of one seed that mine apart fork */
  minerSalt?: number;
  /** the history's anchor, s (default: now); nodes sharing seed and anchor share their history */
  startTime?: number;
}

/**
 * Chain + mempool state of the simulated node. Blocks below the initial tip are synthesized
 * on demand from the seed (same seed, same history); blocks mined later are stored.
 */
export class SimNode {
  readonly params: NetworkParams;
  readonly seed: number;
  readonly mempool = new Mempool();
  readonly rng: Rng;
  readonly initialHeight: number;
  readonly startTime: number;
  onEvent: (event: SequenceEvent) => void;
  private readonly now: () => number;
  /** active chain above (or replacing) the synthesized history */
  private readonly activeOverride = new Map<number, string>();
  private readonly stored = new Map<string, Block>();
  private readonly historicalIndex = new Map<string, number>();
  private readonly historicalCache = new Map<string, Block>();
  private tip: number;
  readonly staleTips: StaleTip[] = [];
  /** recent mempool txids, to pick CPFP parents from without scanning the map */
  private recent: string[] = [];
  minedWithTxs = 0;
  /** height of the first block mined here with transactions: the fee estimator's firstRecordedHeight */
  firstTxBlockHeight: number | null = null;
  private readonly work: bigint;
  /** regtest's target is so easy that blocks here carry real proof of work */
  private readonly regtestHistory: Block[] | null = null;

  constructor(options: SimNodeOptions) {
    this.params = options.params;
    this.seed = options.seed;
    this.now = options.now ?? Date.now;
    this.onEvent = options.onEvent ?? (() => {});
    this.rng = new Rng(subSeed(options.seed, 0x51ed + (options.minerSalt ?? 0)));
    this.initialHeight = options.initialHeight;
    this.tip = options.initialHeight;
    this.startTime = options.startTime ?? Math.floor(this.now() / 1000);
    this.work = blockWork(this.params.bits);
    if (this.provable()) {
      const history: Block[] = [];
      for (let h = 0; h <= this.initialHeight; h++) {
        if (h === 0) {
          history.push(this.genesisBlock());
          continue;
        }
        const rng = new Rng(subSeed(this.seed, h * 2 + 2));
        history.push(this.assemble(rng, h, (history[h - 1] as Block).hash, this.historicalTime(h), [], null));
      }
      this.regtestHistory = history;
      for (const block of history) this.historicalIndex.set(block.hash, block.height);
    }
  }

  /** real proof of work is affordable on regtest (about two header hashes per block) */
  private provable(): boolean {
    return this.params.chain === 'regtest' && this.initialHeight <= 50_000;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  tipHeight(): number {
    return this.tip;
  }

  tipHash(): string {
    return this.hashAt(this.tip) as string;
  }

  /** hash of the active block at this height */
  hashAt(height: number): string | undefined {
    if (height < 0 || height > this.tip) return undefined;
    return this.activeOverride.get(height) ?? this.historicalHash(height);
  }

  /** whether the active block at this height was mined (or replaced) in this run */
  isMinedHere(height: number): boolean {
    return this.activeOverride.has(height);
  }

  heightOf(hash: string): number | undefined {
    return this.stored.get(hash)?.height ?? this.historicalIndex.get(hash);
  }

  isActive(hash: string): boolean {
    const height = this.heightOf(hash);
    return height !== undefined && this.hashAt(height) === hash;
  }

  blockByHash(hash: string): Block | undefined {
    const stored = this.stored.get(hash);
    if (stored) return stored;
    const height = this.historicalIndex.get(hash);
    if (height === undefined) return undefined;
    return this.historicalBlock(height);
  }

  blockAt(height: number): Block | undefined {
    const hash = this.hashAt(height);
    return hash === undefined ? undefined : this.blockByHash(hash);
  }

  chainwork(height: number): bigint {
    return this.params.chainworkBase + BigInt(height + 1) * this.work;
  }

  blockTime(height: number): number {
    const hash = this.hashAt(height);
    const stored = hash === undefined ? undefined : this.stored.get(hash);
    return stored ? stored.time : this.historicalTime(height);
  }

  /** GetMedianTimePast over the active chain */
  medianTime(height: number): number {
    const times: number[] = [];
    for (let h = height; h > height - 11 && h >= 0; h--) times.push(this.blockTime(h));
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] as number;
  }

  // ---- synthesized history ------------------------------------------------------------------

  private historicalHash(height: number): string {
    const proven = this.regtestHistory?.[height];
    if (proven) return proven.hash;
    if (height === 0) {
      this.historicalIndex.set(this.params.genesis.hash, 0);
      return this.params.genesis.hash;
    }
    const rng = new Rng(subSeed(this.seed, height * 2 + 1));
    const hash = this.blockHashFrom(rng);
    this.historicalIndex.set(hash, height);
    return hash;
  }

  private historicalTime(height: number): number {
    if (height === 0) return this.params.genesis.time;
    const spacing = this.params.historySpacing;
    const jitter = spacing > 1 ? Math.round((new Rng(subSeed(this.seed, height * 2 + 1)).next() - 0.5) * 240) : 0;
    return this.startTime - 300 - (this.initialHeight - height) * spacing + jitter;
  }

  private historicalBlock(height: number): Block {
    const proven = this.regtestHistory?.[height];
    if (proven) return proven;
    const hash = this.historicalHash(height);
    const cached = this.historicalCache.get(hash);
    if (cached) return cached;
    if (height === 0) return this.genesisBlock();
    const rng = new Rng(subSeed(this.seed, height * 2 + 2));
    const count =
      this.params.chain === 'regtest' ? 0 : this.params.chain === 'main' ? rng.int(2200, 4200) : rng.int(5, 400);
    const txs: TxShape[] = [];
    let weight = 0;
    for (let i = 0; i < count; i++) {
      const shape = finishShape(rng, sampleShape(rng, sampleFeeRate(rng)));
      if (weight + shape.weight > BLOCK_MAX_WEIGHT - 2000) break;
      weight += shape.weight;
      txs.push(shape);
    }
    const block = this.assemble(rng, height, this.hashAt(height - 1) ?? null, this.historicalTime(height), txs, hash);
    if (this.historicalCache.size > 64) {
      const first = this.historicalCache.keys().next().value;
      if (first !== undefined) this.historicalCache.delete(first);
    }
    this.historicalCache.set(hash, block);
    return block;
  }

  private genesisBlock(): Block {
    const g = this.params.genesis;
    // the genesis coinbase: one input, one 50 BTC output, no witness; its txid is the merkle root
    const coinbase: TxShape = {
      txid: g.merkleroot,
      wtxid: g.merkleroot,
      size: 204,
      weight: 816,
      vsize: 204,
      fee: 0,
      nIn: 1,
      nOut: 1,
      outValue: 5_000_000_000,
      segwit: false,
    };
    return {
      hash: g.hash,
      height: 0,
      version: 1,
      merkleroot: g.merkleroot,
      time: g.time,
      nonce: g.nonce,
      bits: g.bits,
      prevHash: null,
      txs: [coinbase],
      size: 285,
      strippedsize: 285,
      weight: 1140,
    };
  }

  private blockHashFrom(rng: Rng): string {
    const zeros = this.params.hashZeros;
    if (zeros === 0) {
      // regtest target 0x7fffff..: the first nibble is below 8
      return rng.int(0, 7).toString(16) + rng.hex(32).slice(1);
    }
    // the digit right after the zeros is small on a real chain, as the target allows
    return '0'.repeat(zeros) + rng.int(1, 3).toString(16) + rng.hex(32).slice(zeros + 1);
  }

  /** `hash` null: mine it (regtest) or draw a network-looking one */
  private assemble(
    rng: Rng,
    height: number,
    prevHash: string | null,
    time: number,
    txs: TxShape[],
    hash: string | null
  ): Block {
    const fees = txs.reduce((sum, tx) => sum + tx.fee, 0);
    const coinbase: TxShape = {
      txid: rng.hex(32),
      wtxid: '0'.repeat(64),
      size: 250,
      weight: 892,
      vsize: 223,
      fee: 0,
      nIn: 1,
      nOut: 2,
      outValue: subsidySats(height, this.params.halvingInterval) + fees,
      segwit: true,
    };
    const all = [coinbase, ...txs];
    const header = 80 + varintSize(all.length);
    let size = header;
    let stripped = header;
    for (const tx of all) {
      size += tx.size;
      stripped += (tx.weight - tx.size) / 3;
    }
    stripped = Math.round(stripped);
    const versions =
      this.params.chain === 'regtest' ? [0x20000000] : [0x20000000, 0x2000e000, 0x3fffe000, 0x20800000, 0x2a000000];
    const block: Block = {
      hash: hash ?? '',
      height,
      version: rng.pick(versions),
      merkleroot: merkleRoot(all.map((t) => t.txid)),
      time,
      nonce: rng.int(0, 0xffffffff),
      bits: this.params.bits,
      prevHash,
      txs: all,
      size,
      strippedsize: stripped,
      weight: stripped * 3 + size,
    };
    if (hash === null) {
      if (this.provable()) mineHeader(block);
      else block.hash = this.blockHashFrom(rng);
    }
    return block;
  }

  // ---- mempool activity -----------------------------------------------------------------------

  /** new transactions from the generator; some spend mempool parents (CPFP) */
  addTransactions(count: number): string[] {
    const txids: string[] = [];
    const now = this.nowSeconds();
    for (let i = 0; i < count; i++) {
      const tx = this.generateTx(now);
      this.acceptToMempool(tx);
      txids.push(tx.txid);
    }
    return txids;
  }

  private acceptToMempool(tx: MempoolTx): void {
    const sequence = this.mempool.add(tx);
    this.recent.push(tx.txid);
    if (this.recent.length > 1024) this.recent = this.recent.slice(-512);
    this.onEvent({ label: 'A', hash: tx.txid, mempoolSequence: sequence });
  }

  private generateTx(now: number): MempoolTx {
    const rng = this.rng;
    const parent = rng.chance(0.08) ? this.pickParent() : undefined;
    // a child that pays for its parent has a clearly higher rate (CPFP)
    const feeRate = parent ? Math.max(sampleFeeRate(rng), rng.range(15, 150)) : sampleFeeRate(rng);
    const shape = finishShape(rng, sampleShape(rng, feeRate));
    return {
      ...shape,
      time: now,
      height: this.tip,
      parents: parent ? [parent] : NO_LINKS,
      children: NO_LINKS,
    };
  }

  private pickParent(): string | undefined {
    for (let attempt = 0; attempt < 4 && this.recent.length > 0; attempt++) {
      const txid = this.rng.pick(this.recent);
      if (!this.mempool.entries.has(txid)) continue;
      const ancestors = this.mempool.ancestors(txid);
      if (ancestors.length + 2 > CHAIN_LIMIT) continue;
      if (this.mempool.descendants(txid).length + 2 > CHAIN_LIMIT) continue;
      if (ancestors.some((a) => this.mempool.descendants(a.txid).length + 2 > CHAIN_LIMIT)) continue;
      return txid;
    }
    return undefined;
  }

  /** eviction / replacement: R for the transaction and each descendant, as removeRecursive does */
  removeTransaction(txid: string): string[] {
    if (!this.mempool.entries.has(txid)) throw new Error(`transaction ${txid} is not in the mempool`);
    const removed = [txid, ...this.mempool.descendants(txid).map((d) => d.txid)];
    for (const id of removed) {
      const sequence = this.mempool.remove(id);
      if (sequence !== undefined) this.onEvent({ label: 'R', hash: id, mempoolSequence: sequence });
    }
    return removed;
  }

  // ---- blocks ---------------------------------------------------------------------------------

  /** mine on the tip: best ancestor-fee-rate packages, confirmed txs leave without R */
  mineBlock(): string {
    const block = this.connectNewBlock();
    this.onEvent({ label: 'C', hash: block.hash });
    return block.hash;
  }

  private connectNewBlock(): Block {
    const height = this.tip + 1;
    const chosen = this.mempool.selectForBlock(BLOCK_MAX_WEIGHT - 892);
    // removeForBlock: the sequence moves once per confirmed tx, but nothing is published
    for (const tx of chosen) this.mempool.remove(tx.txid);
    if (chosen.length > 0) {
      this.minedWithTxs++;
      this.firstTxBlockHeight ??= height;
    }
    const time = Math.max(this.nowSeconds(), this.medianTime(this.tip) + 1);
    const block = this.assemble(this.rng, height, this.tipHash(), time, chosen.map(stripEntry), null);
    this.stored.set(block.hash, block);
    this.activeOverride.set(height, block.hash);
    this.tip = height;
    return block;
  }

  /**
   * Replace the last `depth` blocks by depth+1 new ones. Published in bitcoind's order: D for
   * each disconnected block, then A for transactions that return to the mempool
   * (MaybeUpdateMempoolForReorg runs before the BlockConnected signals), then C for each new block.
   */
  reorg(depth: number): string[] {
    if (!Number.isInteger(depth) || depth < 1 || depth > this.tip)
      throw new Error(`reorg depth must be 1..${this.tip}`);
    const oldTip = { hash: this.tipHash(), height: this.tip };
    const disconnected: TxShape[][] = [];
    for (let i = 0; i < depth; i++) disconnected.unshift(this.disconnectTip());
    const connected: Block[] = [];
    for (let i = 0; i < depth + 1; i++) connected.push(this.connectNewBlock());
    const now = this.nowSeconds();
    for (const txs of disconnected) {
      for (const shape of txs) {
        if (this.mempool.entries.has(shape.txid)) continue;
        this.acceptToMempool({ ...shape, time: now, height: this.tip, parents: NO_LINKS, children: NO_LINKS });
      }
    }
    for (const block of connected) this.onEvent({ label: 'C', hash: block.hash });
    this.staleTips.push({ hash: oldTip.hash, height: oldTip.height, branchlen: depth, status: 'valid-fork' });
    return connected.map((b) => b.hash);
  }

  /** the active blocks above `height`, oldest first: what this node relays to a peer */
  activeBlocksAbove(height: number): Block[] {
    const out: Block[] = [];
    for (let h = Math.max(0, height + 1); h <= this.tip; h++) out.push(this.blockAt(h) as Block);
    return out;
  }

  /**
   * Blocks (or only their headers) another node relayed, oldest first, the first one's parent
   * known here. As ActivateBestChain picks the most-work chain (every simulated block has the same
   * work, so: the longer branch): a longer branch with its blocks becomes active and the replaced
   * blocks stay as a valid-fork tip; a branch no longer than ours is kept as a valid-headers tip
   * (stored, never validated), headers alone as a headers-only tip, which also raises `headers`.
   */
  receiveBranch(blocks: Block[], headersOnly = false): BranchResult {
    let i = 0;
    while (i < blocks.length && this.hashAt(blocks[i]!.height) === blocks[i]!.hash) i++;
    const branch = blocks.slice(i);
    const first = branch[0];
    const last = branch[branch.length - 1];
    if (!first || !last) return 'known';
    const forkHeight = first.height - 1;
    if (this.hashAt(forkHeight) !== first.prevHash)
      throw new Error(`block ${first.hash} at ${first.height} does not connect to this node's chain`);
    for (const block of branch) this.stored.set(block.hash, block);
    // a tip this branch builds on is no tip any more (getchaintips lists orphans without children)
    const inBranch = new Set(branch.map((b) => b.hash));
    this.dropTips((t) => inBranch.has(t.hash));
    if (headersOnly || last.height <= this.tip) {
      this.staleTips.push({
        hash: last.hash,
        height: last.height,
        branchlen: last.height - forkHeight,
        status: headersOnly ? 'headers-only' : 'valid-headers',
      });
      return 'side';
    }
    const reorged = forkHeight < this.tip;
    const disconnected: TxShape[][] = [];
    if (reorged) {
      const oldTip = { hash: this.tipHash(), height: this.tip };
      while (this.tip > forkHeight) disconnected.unshift(this.disconnectTip());
      this.staleTips.push({
        hash: oldTip.hash,
        height: oldTip.height,
        branchlen: oldTip.height - forkHeight,
        status: 'valid-fork',
      });
    }
    const confirmed = new Set<string>();
    for (const block of branch) {
      for (const tx of block.txs.slice(1)) {
        confirmed.add(tx.txid);
        if (this.mempool.entries.has(tx.txid)) this.mempool.remove(tx.txid);
      }
      this.activeOverride.set(block.height, block.hash);
      this.tip = block.height;
    }
    const now = this.nowSeconds();
    for (const txs of disconnected) {
      for (const shape of txs) {
        if (confirmed.has(shape.txid) || this.mempool.entries.has(shape.txid)) continue;
        this.acceptToMempool({ ...shape, time: now, height: this.tip, parents: NO_LINKS, children: NO_LINKS });
      }
    }
    for (const block of branch) this.onEvent({ label: 'C', hash: block.hash });
    return reorged ? 'reorged' : 'extended';
  }

  /** m_best_header's height: the active tip or a longer branch known by its headers */
  bestHeaderHeight(): number {
    return this.staleTips.reduce((best, t) => Math.max(best, t.height), this.tip);
  }

  /**
   * Disconnects the active tip (its 'D' event), keeping the block reachable by hash (getblock
   * shows confirmations -1); returns its transactions but the coinbase.
   */
  private disconnectTip(): TxShape[] {
    const block = this.blockAt(this.tip) as Block;
    this.stored.set(block.hash, block);
    this.activeOverride.delete(this.tip);
    this.tip--;
    this.onEvent({ label: 'D', hash: block.hash });
    return block.txs.slice(1);
  }

  private dropTips(drop: (t: StaleTip) => boolean): void {
    for (let k = this.staleTips.length - 1; k >= 0; k--) if (drop(this.staleTips[k]!)) this.staleTips.splice(k, 1);
  }

  /** the mempool after a restart (mempool.dat): same entries, sequence starting again at 1 */
  reloadMempool(): void {
    const saved = [...this.mempool.entries.values()];
    this.mempool.entries.clear();
    this.mempool.totalFee = 0;
    this.mempool.totalVsize = 0;
    this.mempool.sequence = 1;
    for (const tx of saved) {
      const parents = tx.parents.filter((p) => this.mempool.entries.has(p));
      this.acceptToMempool({ ...tx, parents: parents.length === 0 ? NO_LINKS : parents, children: NO_LINKS });
    }
  }
}

function stripEntry(tx: MempoolTx): TxShape {
  return {
    txid: tx.txid,
    wtxid: tx.wtxid,
    size: tx.size,
    weight: tx.weight,
    vsize: tx.vsize,
    fee: tx.fee,
    nIn: tx.nIn,
    nOut: tx.nOut,
    outValue: tx.outValue,
    segwit: tx.segwit,
  };
}

/** the 80-byte header as serialized on the wire */
export function headerBytes(
  block: Pick<Block, 'version' | 'prevHash' | 'merkleroot' | 'time' | 'bits' | 'nonce'>
): Buffer {
  const out = Buffer.alloc(80);
  out.writeUInt32LE(block.version >>> 0, 0);
  Buffer.from(block.prevHash ?? '0'.repeat(64), 'hex')
    .reverse()
    .copy(out, 4);
  Buffer.from(block.merkleroot, 'hex').reverse().copy(out, 36);
  out.writeUInt32LE(block.time >>> 0, 68);
  out.writeUInt32LE(block.bits >>> 0, 72);
  out.writeUInt32LE(block.nonce >>> 0, 76);
  return out;
}

/** block hash in RPC byte order: SHA256d of the header, reversed */
export function headerHash(block: Parameters<typeof headerBytes>[0]): string {
  return sha256d(headerBytes(block)).reverse().toString('hex');
}

/** roll the nonce until the header meets its target (regtest: about one try in two) */
function mineHeader(block: Block): void {
  const target = targetFromBits(block.bits);
  for (;;) {
    const hash = headerHash(block);
    if (BigInt(`0x${hash}`) <= target) {
      block.hash = hash;
      return;
    }
    block.nonce = (block.nonce + 1) >>> 0;
  }
}

function varintSize(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
}

/** merkle root of txids given in RPC (display) byte order, returned the same way */
export function merkleRoot(txids: string[]): string {
  if (txids.length === 0) return '0'.repeat(64);
  let level: Buffer[] = txids.map((id) => Buffer.from(id, 'hex').reverse());
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Buffer;
      const right = level[i + 1] ?? left;
      next.push(sha256d(Buffer.concat([left, right])));
    }
    level = next;
  }
  return Buffer.from(level[0] as Buffer)
    .reverse()
    .toString('hex');
}

function sha256d(data: Buffer): Buffer {
  return createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
}
