// Chain answers: headers, blocks, transactions, getblockchaininfo, deployments, chain tx stats, getblockstats.
import { type Block, headerBytes } from '../chain.js';
import { RPC, RpcError } from '../errors.js';
import { type NetworkParams, difficultyFromBits, subsidySats } from '../network.js';
import { btc } from '../univalue.js';
import { confirmations, parseHash, requireBlock, type RpcContext } from './common.js';

/** blockheaderToJSON, bitcoin/bitcoin@a05987d:src/rpc/blockchain.cpp:138 */
export function headerJson(block: Block, ctx: RpcContext): Record<string, unknown> {
  const active = ctx.node.isActive(block.hash);
  const next = active ? ctx.node.hashAt(block.height + 1) : undefined;
  const json: Record<string, unknown> = {
    hash: block.hash,
    confirmations: confirmations(block, ctx),
    height: block.height,
    version: block.version,
    versionHex: block.version.toString(16).padStart(8, '0'),
    merkleroot: block.merkleroot,
    time: block.time,
    mediantime: active ? ctx.node.medianTime(block.height) : block.time,
    nonce: block.nonce,
    bits: block.bits.toString(16).padStart(8, '0'),
    difficulty: difficultyFromBits(block.bits),
    chainwork: ctx.node.chainwork(block.height).toString(16).padStart(64, '0'),
    nTx: block.txs.length,
  };
  if (block.prevHash) json.previousblockhash = block.prevHash;
  if (next) json.nextblockhash = next;
  return json;
}

export function le32(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b.toString('hex');
}

export const reverseHex = (hex: string): string => Buffer.from(hex, 'hex').reverse().toString('hex');

export function serializeHeader(block: Block): string {
  return headerBytes(block).toString('hex');
}

export function varint(n: number): string {
  if (n < 0xfd) return n.toString(16).padStart(2, '0');
  if (n <= 0xffff) {
    const b = Buffer.alloc(3);
    b[0] = 0xfd;
    b.writeUInt16LE(n, 1);
    return b.toString('hex');
  }
  const b = Buffer.alloc(5);
  b[0] = 0xfe;
  b.writeUInt32LE(n, 1);
  return b.toString('hex');
}

/** stand-in transaction bytes of the right length (the simulator keeps no scripts) */
export function txBytes(txid: string, size: number): string {
  const unit = txid.repeat(Math.ceil((size * 2) / 64) + 1);
  return unit.slice(0, size * 2);
}

export function serializeBlock(block: Block): string {
  return serializeHeader(block) + varint(block.txs.length) + block.txs.map((t) => txBytes(t.txid, t.size)).join('');
}

/** TxToUniv (getblock verbosity 2), bitcoin/bitcoin@a05987d:src/core_write.cpp:171 */
export function txJson(
  block: Block,
  index: number,
  tx: Block['txs'][number],
  ctx: RpcContext
): Record<string, unknown> {
  const coinbase = index === 0;
  const vin = coinbase
    ? [
        {
          coinbase: `03${le32(block.height).slice(0, 6)}0004${block.hash.slice(0, 8)}`,
          txinwitness: ['0'.repeat(64)],
          sequence: 4294967295,
        },
      ]
    : Array.from({ length: tx.nIn }, (_v, n) => ({
        txid: reverseHex(tx.txid).slice(0, 56) + n.toString(16).padStart(8, '0'),
        vout: n % 3,
        scriptSig: { asm: '', hex: '' },
        ...(tx.segwit ? { txinwitness: [`30440220${tx.txid.slice(0, 56)}01`, `02${tx.txid.slice(0, 64)}`] } : {}),
        sequence: 4294967293,
      }));
  const each = Math.floor(tx.outValue / tx.nOut);
  const vout = Array.from({ length: tx.nOut }, (_v, n) => ({
    value: btc(n === tx.nOut - 1 ? tx.outValue - each * (tx.nOut - 1) : each),
    n,
    scriptPubKey: {
      asm: `0 ${tx.txid.slice(n, n + 40)}`,
      desc: `addr(${tx.txid.slice(n, n + 40)})`,
      hex: `0014${tx.txid.slice(n, n + 40)}`,
      type: 'witness_v0_keyhash',
    },
  }));
  void ctx;
  return {
    txid: tx.txid,
    hash: tx.segwit ? tx.wtxid : tx.txid,
    version: 2,
    size: tx.size,
    vsize: tx.vsize,
    weight: tx.weight,
    locktime: coinbase ? 0 : block.height - 1,
    vin,
    vout,
    ...(coinbase ? {} : { fee: btc(tx.fee) }),
    hex: txBytes(tx.txid, tx.size),
  };
}

export function sizeOnDisk(ctx: RpcContext): number {
  const height = ctx.node.tipHeight();
  return ctx.params.chain === 'main' ? Math.round(height * 770_000) : Math.round(height * 2_400 + 40_000);
}

export function blockchainInfo(ctx: RpcContext): Record<string, unknown> {
  const node = ctx.node;
  const tip = node.tipHeight();
  const tipTime = node.blockTime(tip);
  const behindSeconds = Math.max(0, Math.floor(ctx.nowMs() / 1000) - tipTime);
  return {
    chain: ctx.params.chain,
    blocks: tip,
    headers: node.bestHeaderHeight(),
    bestblockhash: node.tipHash(),
    difficulty: difficultyFromBits(ctx.params.bits),
    time: tipTime,
    mediantime: node.medianTime(tip),
    verificationprogress: ctx.params.chain === 'regtest' ? 1 : Math.min(1, 1 - behindSeconds * 2.2e-9 - 1.1e-7),
    initialblockdownload: false,
    chainwork: node.chainwork(tip).toString(16).padStart(64, '0'),
    size_on_disk: sizeOnDisk(ctx),
    pruned: false,
    warnings: [],
  };
}

/**
 * GetNetworkHashPS, bitcoin/bitcoin@a05987d:src/rpc/mining.cpp:62-106: nblocks must be positive or -1
 * (0 is refused since Core 27), height -1 or an existing height; the time span is max - min of the
 * block times in the window (they need not increase), not last minus first.
 */
export function networkHashPs(ctx: RpcContext, nblocks: number, height: number): number {
  const node = ctx.node;
  if (nblocks < -1 || nblocks === 0)
    throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid nblocks. Must be a positive number or -1.');
  if (height < -1 || height > node.tipHeight())
    throw new RpcError(RPC.INVALID_PARAMETER, 'Block does not exist at specified height');
  const end = height >= 0 ? height : node.tipHeight();
  if (end === 0) return 0;
  let lookup = nblocks === -1 ? (end % 2016) + 1 : nblocks;
  if (lookup > end) lookup = end;
  let minTime = node.blockTime(end);
  let maxTime = minTime;
  for (let h = end - 1; h >= end - lookup; h--) {
    const time = node.blockTime(h);
    minTime = Math.min(minTime, time);
    maxTime = Math.max(maxTime, time);
  }
  if (minTime === maxTime) return 0;
  const work = node.chainwork(end) - node.chainwork(end - lookup);
  return Number(work) / (maxTime - minTime);
}

/**
 * DeploymentInfo / SoftForkDescPushBack, bitcoin/bitcoin@a05987d:src/rpc/blockchain.cpp:1370, buried :1182,
 * BIP9 :1197-1260; statistics as GetStateStatisticsFor, src/versionbits.cpp:102-137. Order as Core
 * pushes them: the five buried ones, testdummy (enabled on regtest only: NEVER_ACTIVE elsewhere), taproot.
 */
export function deploymentInfo(ctx: RpcContext, height: number): Record<string, unknown> {
  const deployments: Record<string, unknown> = {};
  for (const [name, at] of Object.entries(ctx.params.buried)) {
    // active from the block one below the activation height (DeploymentActiveAfter)
    deployments[name] = { type: 'buried', active: height + 1 >= at, height: at };
  }
  if (ctx.params.chain === 'regtest') deployments.testdummy = regtestTestDummy(height);
  deployments.taproot = taprootInfo(ctx.params.taproot, height);
  return { hash: ctx.node.hashAt(height), height, deployments };
}

/**
 * regtest testdummy: bit 28, start 0, NO_TIMEOUT, period 144, threshold 108 (chainparams.cpp:546-552).
 * The first period is DEFINED (genesis rule), every later one STARTED: the simulator's blocks never
 * set bit 28, so it never locks in.
 */
export function regtestTestDummy(height: number): Record<string, unknown> {
  const period = 144;
  const started = height >= period; // state of the block at `height` (current_state)
  const bip9: Record<string, unknown> = {};
  if (started) bip9.bit = 28;
  Object.assign(bip9, {
    start_time: 0,
    timeout: 9223372036854775807n,
    min_activation_height: 0,
    status: started ? 'started' : 'defined',
    since: started ? period : 0,
    status_next: height + 1 >= period ? 'started' : 'defined',
  });
  if (started) {
    const elapsed = 1 + (height % period);
    bip9.statistics = { period, elapsed, count: 0, threshold: 108, possible: period - 108 >= elapsed };
    bip9.signalling = '-'.repeat(elapsed);
  }
  return { type: 'bip9', active: false, bip9 };
}

/** taproot, ACTIVE from `since` on (earlier STARTED/LOCKED_IN periods of real chains are not modelled) */
export function taprootInfo(p: NetworkParams['taproot'], height: number): Record<string, unknown> {
  const active = height >= p.since; // current_state: the state of the block at `height`
  const nextActive = height + 1 >= p.since;
  return {
    type: 'bip9',
    ...(nextActive ? { height: p.since } : {}),
    active: nextActive,
    bip9: {
      start_time: p.startTime,
      timeout: p.timeout,
      min_activation_height: p.minActivationHeight,
      status: active ? 'active' : 'defined',
      since: active ? p.since : 0,
      status_next: nextActive ? 'active' : 'defined',
    },
  };
}

/** average transactions per block of the synthesized history, for nChainTx */
export const HISTORY_TX_PER_BLOCK: Record<string, number> = {
  main: 1190,
  test: 120,
  testnet4: 60,
  signet: 40,
  regtest: 1,
};

export function chainTxCount(ctx: RpcContext, height: number): number {
  const node = ctx.node;
  const avg = HISTORY_TX_PER_BLOCK[ctx.params.chain] ?? 1;
  let count = (height + 1) * avg;
  // blocks mined (or replaced) in this run carry their real transaction counts
  for (let h = Math.max(node.initialHeight - 64, 0); h <= height; h++) {
    if (h <= node.initialHeight && !node.isMinedHere(h)) continue;
    count += (node.blockAt(h)?.txs.length ?? avg) - avg;
  }
  return count;
}

export function chainTxStats(
  ctx: RpcContext,
  nblocks: number | undefined,
  hash: string | undefined
): Record<string, unknown> {
  const node = ctx.node;
  let height = node.tipHeight();
  if (hash !== undefined) {
    const block = requireBlock(ctx, parseHash(hash, 'blockhash'));
    if (!node.isActive(block.hash)) throw new RpcError(RPC.INVALID_PARAMETER, 'Block is not in main chain');
    height = block.height;
  }
  const oneMonth = (30 * 24 * 60 * 60) / 600;
  let blockcount = nblocks === undefined ? Math.max(0, Math.min(oneMonth, height - 1)) : nblocks;
  if (blockcount < 0 || (blockcount > 0 && blockcount >= height))
    throw new RpcError(RPC.INVALID_PARAMETER, "Invalid block count: should be between 0 and the block's height - 1");
  blockcount = Math.floor(blockcount);
  const txcount = chainTxCount(ctx, height);
  const out: Record<string, unknown> = {
    time: node.blockTime(height),
    txcount,
    window_final_block_hash: node.hashAt(height),
    window_final_block_height: height,
    window_block_count: blockcount,
  };
  if (blockcount > 0) {
    const start = height - blockcount;
    const windowTx = txcount - chainTxCount(ctx, start);
    const interval = node.medianTime(height) - node.medianTime(start);
    out.window_tx_count = windowTx;
    out.window_interval = interval;
    if (interval > 0) out.txrate = windowTx / interval;
  }
  return out;
}

// ---- getblockstats --------------------------------------------------------------------------------

// prettier-ignore
export const STAT_NAMES = [
  'avgfee', 'avgfeerate', 'avgtxsize', 'blockhash', 'feerate_percentiles', 'height', 'ins', 'maxfee', 'maxfeerate', 'maxtxsize',
  'medianfee', 'mediantime', 'mediantxsize', 'minfee', 'minfeerate', 'mintxsize', 'outs', 'subsidy', 'swtotal_size',
  'swtotal_weight', 'swtxs', 'time', 'total_out', 'total_size', 'total_weight', 'totalfee', 'txs', 'utxo_increase',
  'utxo_size_inc', 'utxo_increase_actual', 'utxo_size_inc_actual',
] as const;

export function blockStats(
  ctx: RpcContext,
  target: string | number,
  stats: unknown[] | undefined
): Record<string, unknown> {
  const node = ctx.node;
  let block: Block;
  if (typeof target === 'number') {
    const tip = node.tipHeight();
    if (target < 0) throw new RpcError(RPC.INVALID_PARAMETER, `Target block height ${target} is negative`);
    if (target > tip)
      throw new RpcError(RPC.INVALID_PARAMETER, `Target block height ${target} after current tip ${tip}`);
    block = node.blockAt(target) as Block;
  } else {
    block = requireBlock(ctx, parseHash(target, 'hash_or_height'));
  }
  const selected = new Set<string>();
  for (const s of stats ?? []) {
    if (typeof s !== 'string' || !(STAT_NAMES as readonly string[]).includes(s))
      throw new RpcError(RPC.INVALID_PARAMETER, `Invalid selected statistic '${String(s)}'`);
    selected.add(s);
  }
  const txs = block.txs.slice(1);
  const fees = txs.map((t) => t.fee).sort((a, b) => a - b);
  const rates: Array<[number, number]> = txs.map((t) => [Math.floor((t.fee * 4) / t.weight), t.weight]);
  const totalSize = txs.reduce((s, t) => s + t.size, 0);
  const totalWeight = txs.reduce((s, t) => s + t.weight, 0);
  const totalFee = fees.reduce((s, f) => s + f, 0);
  const ins = txs.reduce((s, t) => s + t.nIn, 0);
  const outs = block.txs.reduce((s, t) => s + t.nOut, 0);
  const sw = txs.filter((t) => t.segwit);
  const sizes = txs.map((t) => t.size);
  const rateValues = rates.map((r) => r[0]);
  const n = txs.length;
  const utxoSizeInc = outs * 75 - ins * 72;
  const all: Record<string, unknown> = {
    avgfee: n ? Math.floor(totalFee / n) : 0,
    avgfeerate: totalWeight ? Math.floor((totalFee * 4) / totalWeight) : 0,
    avgtxsize: n ? Math.floor(totalSize / n) : 0,
    blockhash: block.hash,
    feerate_percentiles: percentilesByWeight(rates, totalWeight),
    height: block.height,
    ins,
    maxfee: n ? Math.max(...fees) : 0,
    maxfeerate: n ? Math.max(...rateValues) : 0,
    maxtxsize: n ? Math.max(...sizes) : 0,
    medianfee: truncatedMedian(fees),
    mediantime: node.isActive(block.hash) ? node.medianTime(block.height) : block.time,
    mintxsize: n ? Math.min(...sizes) : 0,
    minfee: n ? Math.min(...fees) : 0,
    minfeerate: n ? Math.min(...rateValues) : 0,
    outs,
    subsidy: subsidySats(block.height, ctx.params.halvingInterval),
    swtotal_size: sw.reduce((s, t) => s + t.size, 0),
    swtotal_weight: sw.reduce((s, t) => s + t.weight, 0),
    swtxs: sw.length,
    time: block.time,
    total_out: txs.reduce((s, t) => s + t.outValue, 0),
    total_size: totalSize,
    total_weight: totalWeight,
    totalfee: totalFee,
    txs: block.txs.length,
    utxo_increase: outs - ins,
    utxo_size_inc: utxoSizeInc,
    // the coinbase's witness commitment (OP_RETURN) never enters the UTXO set
    utxo_increase_actual: outs - ins - 1,
    utxo_size_inc_actual: utxoSizeInc - 75,
  };
  all.mediantxsize = truncatedMedian([...sizes].sort((a, b) => a - b));
  // keys in Core's order: all of them as ret_all pushes them (blockchain.cpp:2017-2047); a selection
  // in std::set<std::string> order (:1878, :2055), i.e. sorted by bytes (utxo_increase_actual before utxo_size_inc)
  const out: Record<string, unknown> = {};
  for (const name of selected.size === 0 ? STAT_NAMES : [...selected].sort()) out[name] = all[name];
  return out;
}

/** CalculatePercentilesByWeight, bitcoin/bitcoin@a05987d:src/rpc/blockchain.cpp:1767: 10th, 25th, 50th, 75th, 90th by weight */
export function percentilesByWeight(scores: Array<[number, number]>, totalWeight: number): number[] {
  const result = [0, 0, 0, 0, 0];
  if (scores.length === 0) return result;
  const sorted = [...scores].sort((a, b) => a[0] - b[0]);
  const weights = [totalWeight / 10, totalWeight / 4, totalWeight / 2, (totalWeight * 3) / 4, (totalWeight * 9) / 10];
  let next = 0;
  let cumulative = 0;
  for (const [rate, weight] of sorted) {
    cumulative += weight;
    while (next < 5 && cumulative >= (weights[next] as number)) result[next++] = rate;
  }
  for (let i = next; i < 5; i++) result[i] = (sorted[sorted.length - 1] as [number, number])[0];
  return result;
}

/** CalculateTruncatedMedian, bitcoin/bitcoin@a05987d:src/rpc/blockchain.cpp:1752 */
export function truncatedMedian(sorted: number[]): number {
  const size = sorted.length;
  if (size === 0) return 0;
  if (size % 2 === 0) return Math.floor(((sorted[size / 2 - 1] as number) + (sorted[size / 2] as number)) / 2);
  return sorted[Math.floor(size / 2)] as number;
}
