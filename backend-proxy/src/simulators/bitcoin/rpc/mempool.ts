// Mempool answers: entries, getmempoolinfo, fee estimates.
import { RPC, RpcError } from '../errors.js';
import type { MempoolTx } from '../mempool.js';
import { btc, btcPerKvB, formatAmount, PreWritten } from '../univalue.js';
import type { RpcContext } from './common.js';

export const MIN_RELAY_SAT_VB = 1;
export const MAX_MEMPOOL_BYTES = 300_000_000;

/**
 * entryToJSON, bitcoin/bitcoin@a05987d:src/rpc/mempool.cpp:282-330, written straight as the
 * compact JSON UniValue writes (keys in pushKV order, amounts with 8 decimals): what
 * JSON.stringify of the same object gives, without building it. A 1M-transaction resync asks
 * for every entry; the object per entry and its serialisation were most of the simulator's time.
 */
export function entryText(tx: MempoolTx, ctx: RpcContext): string {
  const pool = ctx.node.mempool;
  const base = amount(tx.fee);
  // most transactions have no relatives: their packages are themselves (no graph walk)
  const anc = tx.parents.length === 0 ? null : pool.ancestorStats(tx.txid);
  const desc = tx.children.length === 0 ? null : pool.descendantStats(tx.txid);
  return (
    `{"vsize":${tx.vsize},"weight":${tx.weight},"time":${tx.time},"height":${tx.height},` +
    `"descendantcount":${desc?.count ?? 1},"descendantsize":${desc?.vsize ?? tx.vsize},` +
    `"ancestorcount":${anc?.count ?? 1},"ancestorsize":${anc?.vsize ?? tx.vsize},"wtxid":"${tx.wtxid}",` +
    `"fees":{"base":${base},"modified":${base},"ancestor":${anc ? amount(anc.fees) : base},` +
    `"descendant":${desc ? amount(desc.fees) : base}},` +
    `"depends":${hashList(tx.parents)},"spentby":${hashList(tx.children)},"bip125-replaceable":false,"unbroadcast":false}`
  );
}

/** ValueFromAmount's text, as btc() writes it */
const amount = (sats: number): string => formatAmount(Math.round(sats));

/** a JSON array of hex hashes (nothing to escape) */
function hashList(list: readonly string[]): string {
  return list.length === 0 ? '[]' : `["${list.join('","')}"]`;
}

const BATCH_ITEM_HEAD = '{"jsonrpc":"2.0","id":';
const BATCH_ITEM_METHOD = ',"method":"getmempoolentry","params":["';
const BATCH_ITEM_TAIL = '"]}';

/**
 * A batch of getmempoolentry calls in exactly the form the proxy's RPC client writes
 * (`[{"jsonrpc":"2.0","id":<n>,"method":"getmempoolentry","params":["<txid>"]},…]`, compact),
 * answered without parsing the request into objects or building reply objects: a 1M resync
 * sends 5,000 of them, and JSON.parse, the method table and the reply objects were over a
 * quarter of the simulator's CPU. The bytes are what the general path writes for the same body
 * (JSONRPCReplyObj for 2.0: jsonrpc, result, id). Anything else — another method or key
 * order, whitespace, an id that is not a plain integer, a txid not in the mempool (an error
 * item) — returns null, and the caller answers through the general path. (Writing the bytes by
 * hand instead of entryText's strings was tried: no faster, 4.1-5.8 against 3.7-4.1 µs an
 * entry, A/B in one process at load 8.)
 */
export function entryBatchReply(body: string, ctx: RpcContext): { count: number; body: Buffer } | null {
  if (body.charCodeAt(0) !== 0x5b /* [ */) return null;
  const entries = ctx.node.mempool.entries;
  const parts: string[] = [];
  let p = 1;
  for (;;) {
    if (!body.startsWith(BATCH_ITEM_HEAD, p)) return null;
    p += BATCH_ITEM_HEAD.length;
    // an id as String(number) writes it back: 0, or up to 15 digits without a leading zero
    const idStart = p;
    let c = body.charCodeAt(p);
    if (c === 0x30) p++;
    else while (c >= 0x30 && c <= 0x39 && p - idStart < 15) c = body.charCodeAt(++p);
    if (p === idStart || !body.startsWith(BATCH_ITEM_METHOD, p)) return null;
    const idEnd = p;
    p += BATCH_ITEM_METHOD.length;
    if (!body.startsWith(BATCH_ITEM_TAIL, p + 64)) return null;
    // mempool keys are lowercase 64-digit hex: a hit is a valid txid, as parseHash would find
    const tx = entries.get(body.slice(p, p + 64));
    if (!tx) return null;
    parts.push(`{"jsonrpc":"2.0","result":${entryText(tx, ctx)},"id":${body.slice(idStart, idEnd)}}`);
    p += 64 + BATCH_ITEM_TAIL.length;
    c = body.charCodeAt(p);
    if (c === 0x2c /* , */) p++;
    else if (c === 0x5d /* ] */ && p + 1 === body.length) break;
    else return null;
  }
  // the text is ASCII (digits, hex, keys): latin1 writes the same bytes as UTF-8, at less cost
  return { count: parts.length, body: Buffer.from(`[${parts.join(',')}]\n`, 'latin1') };
}

/** `{txid: entry, …}` of verbose getrawmempool, getmempoolancestors and getmempooldescendants */
export function entryMap(txs: Iterable<MempoolTx>, ctx: RpcContext): PreWritten {
  const parts: string[] = [];
  for (const tx of txs) parts.push(`"${tx.txid}":${entryText(tx, ctx)}`);
  return new PreWritten(`{${parts.join(',')}}`);
}

export function relatives(ctx: RpcContext, txs: MempoolTx[], verbose: boolean): unknown {
  return verbose ? entryMap(txs, ctx) : txs.map((t) => t.txid);
}

/** MempoolInfoToJSON, bitcoin/bitcoin@a05987d:src/rpc/mempool.cpp:667 */
export function mempoolInfo(ctx: RpcContext): Record<string, unknown> {
  const pool = ctx.node.mempool;
  return {
    loaded: true,
    size: pool.size,
    bytes: pool.totalVsize,
    usage: pool.usage(),
    total_fee: btc(pool.totalFee),
    maxmempool: MAX_MEMPOOL_BYTES,
    mempoolminfee: btcPerKvB(MIN_RELAY_SAT_VB),
    minrelaytxfee: btcPerKvB(MIN_RELAY_SAT_VB),
    incrementalrelayfee: btcPerKvB(MIN_RELAY_SAT_VB),
    unbroadcastcount: 0,
    fullrbf: true,
  };
}

// ---- fees ---------------------------------------------------------------------------------------

export function estimateSmartFee(ctx: RpcContext, target: number, mode: string): Record<string, unknown> {
  const normalized = mode.toLowerCase();
  if (!['unset', 'economical', 'conservative'].includes(normalized)) {
    throw new RpcError(
      RPC.INVALID_PARAMETER,
      'Invalid estimate_mode parameter, must be one of: "unset", "economical", "conservative"'
    );
  }
  if (!Number.isInteger(target) || target < 1 || target > 1008)
    throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid conf_target, must be between 1 and 1008');
  // CBlockPolicyEstimator::estimateSmartFee (bitcoin/bitcoin@a05987d:src/policy/fees.cpp:867-893): a target
  // of 1 is treated as 2, then capped at MaxUsableEstimate(); `blocks` reports the capped target even
  // when there is no estimate (a fresh node answers blocks 0), and 1 or less means no estimate
  const blocks = Math.min(Math.max(2, target), ctx.feeMaxTarget());
  if (blocks <= 1) return { errors: ['Insufficient data or no feerate found'], blocks };
  // Core 28 made economical the default: "unset" means economical
  const conservative = normalized === 'conservative';
  const rate = Math.max(MIN_RELAY_SAT_VB, mempoolRateAt(ctx, blocks) * (conservative ? 1.08 : 1));
  return { feerate: btcPerKvB(Math.round(rate * 1000) / 1000), blocks };
}

/** fee rate of the transaction sitting at the end of the next `blocks` blocks (by vsize) */
export function mempoolRateAt(ctx: RpcContext, blocks: number): number {
  const rates: Array<{ rate: number; vsize: number }> = [];
  for (const tx of ctx.node.mempool.entries.values()) rates.push({ rate: tx.fee / tx.vsize, vsize: tx.vsize });
  rates.sort((a, b) => b.rate - a.rate);
  const budget = blocks * 950_000;
  let used = 0;
  for (const r of rates) {
    used += r.vsize;
    if (used >= budget) return r.rate;
  }
  return MIN_RELAY_SAT_VB;
}
