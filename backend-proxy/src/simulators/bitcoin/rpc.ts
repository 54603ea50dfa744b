import path from 'node:path';
import { type Block, type SimNode, headerBytes } from './chain.js';
import { RPC, RpcError } from './errors.js';
import type { MempoolTx } from './mempool.js';
import { type NetworkParams, type SimNetwork, difficultyFromBits, subsidySats } from './network.js';
import { type SimPeer, peerPing, peerTraffic } from './peers.js';
import { Rng, subSeed } from './rng.js';
import { btc, btcPerKvB } from './univalue.js';

export interface RpcContext {
  node: SimNode;
  network: SimNetwork;
  params: NetworkParams;
  peers: SimPeer[];
  /** unix seconds of the last (re)start */
  startTime: () => number;
  datadir: string;
  zmqEndpoint: () => string | null;
  indexes: string[];
  /** the fee estimator's MaxUsableEstimate(): 0 = nothing recorded yet */
  feeMaxTarget: () => number;
  nowMs: () => number;
  /** every peer's clock minus ours, seconds (the clockSkew fault) */
  timeOffset: () => number;
}

type ArgType = 'number' | 'string' | 'bool' | 'array' | 'object' | 'hash_or_height' | 'verbosity';

interface ArgSpec {
  name: string;
  type: ArgType;
  required?: boolean;
}

interface MethodSpec {
  /** where Core 28 declares this method's result shape (RPCHelpMan / RPCResult), at CORE_SHAPES_COMMIT */
  shape: string;
  args: ArgSpec[];
  summary: string;
  run: (args: unknown[], ctx: RpcContext) => unknown;
}

/**
 * The Bitcoin Core commit every `shape` below is cited at: the 28.x branch point (parent of
 * "build: Bump to 28.99", which opened master for 29). coreShapes.test.ts checks each answer against
 * the shape extracted from that source (test/fixtures/bitcoin-core/rpc-results-v28.json).
 */
export const CORE_SHAPES_COMMIT = 'a05987defdd2c7400f6057953535f76aeb52fa28';

const MIN_RELAY_SAT_VB = 1;
const MAX_MEMPOOL_BYTES = 300_000_000;

/**
 * The read-only RPC surface. Everything else (wallet, generate*, sendrawtransaction, stop, ...)
 * is simply not registered, so bitcoind's own -32601 "Method not found" answers it.
 */
export const METHODS: Record<string, MethodSpec> = {
  getblockchaininfo: {
    shape: 'src/rpc/blockchain.cpp:1271',
    args: [],
    summary: 'Returns an object containing various state info regarding blockchain processing.',
    run: (_a, ctx) => blockchainInfo(ctx),
  },
  getnetworkinfo: {
    shape: 'src/rpc/net.cpp:620',
    args: [],
    summary: 'Returns an object containing various state info regarding P2P networking.',
    run: (_a, ctx) => networkInfo(ctx),
  },
  getmempoolinfo: {
    shape: 'src/rpc/mempool.cpp:688',
    args: [],
    summary: 'Returns details on the active state of the TX memory pool.',
    run: (_a, ctx) => mempoolInfo(ctx),
  },
  getmininginfo: {
    shape: 'src/rpc/mining.cpp:414',
    args: [],
    summary: 'Returns a json object containing mining-related information.',
    run: (_a, ctx) => ({
      blocks: ctx.node.tipHeight(),
      difficulty: difficultyFromBits(ctx.params.bits),
      networkhashps: networkHashPs(ctx, 120, -1),
      pooledtx: ctx.node.mempool.size,
      chain: ctx.params.chain,
      warnings: [],
    }),
  },
  getpeerinfo: {
    shape: 'src/rpc/net.cpp:117',
    args: [],
    summary: 'Returns data about each connected network peer as a json array of objects.',
    run: (_a, ctx) => ctx.peers.map((p) => peerInfo(p, ctx)),
  },
  getnettotals: {
    shape: 'src/rpc/net.cpp:551',
    args: [],
    summary: 'Returns information about network traffic, including bytes in, bytes out, and current system time.',
    run: (_a, ctx) => netTotals(ctx),
  },
  getconnectioncount: {
    shape: 'src/rpc/net.cpp:59',
    args: [],
    summary: 'Returns the number of connections to other nodes.',
    run: (_a, ctx) => ctx.peers.length,
  },
  getblockcount: {
    shape: 'src/rpc/blockchain.cpp:207',
    args: [],
    summary: 'Returns the height of the most-work fully-validated chain.',
    run: (_a, ctx) => ctx.node.tipHeight(),
  },
  getbestblockhash: {
    shape: 'src/rpc/blockchain.cpp:228',
    args: [],
    summary: 'Returns the hash of the best (tip) block in the most-work fully-validated chain.',
    run: (_a, ctx) => ctx.node.tipHash(),
  },
  getdifficulty: {
    shape: 'src/rpc/blockchain.cpp:411',
    args: [],
    summary: 'Returns the proof-of-work difficulty as a multiple of the minimum difficulty.',
    run: (_a, ctx) => difficultyFromBits(ctx.params.bits),
  },
  uptime: {
    shape: 'src/rpc/server.cpp:199',
    args: [],
    summary: 'Returns the total uptime of the server.',
    run: (_a, ctx) => Math.max(0, Math.floor(ctx.nowMs() / 1000) - ctx.startTime()),
  },
  getblockhash: {
    shape: 'src/rpc/blockchain.cpp:486',
    args: [{ name: 'height', type: 'number', required: true }],
    summary: 'Returns hash of block in best-block-chain at height provided.',
    run: ([height], ctx) => {
      const hash = ctx.node.hashAt(height as number);
      if (hash === undefined) throw new RpcError(RPC.INVALID_PARAMETER, 'Block height out of range');
      return hash;
    },
  },
  getblockheader: {
    shape: 'src/rpc/blockchain.cpp:515',
    args: [
      { name: 'blockhash', type: 'string', required: true },
      { name: 'verbose', type: 'bool' },
    ],
    summary: "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.",
    run: ([hash, verbose], ctx) => {
      const block = requireBlock(ctx, parseHash(hash as string, 'hash'));
      return verbose === false ? serializeHeader(block) : headerJson(block, ctx);
    },
  },
  getblock: {
    shape: 'src/rpc/blockchain.cpp:672',
    args: [
      { name: 'blockhash', type: 'string', required: true },
      { name: 'verbosity', type: 'verbosity' },
    ],
    summary: "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.",
    run: ([hash, verbosity], ctx) => {
      const block = requireBlock(ctx, parseHash(hash as string, 'blockhash'));
      let level = 1;
      if (typeof verbosity === 'boolean') level = verbosity ? 1 : 0;
      else if (typeof verbosity === 'number') level = verbosity;
      if (level <= 0) return serializeBlock(block);
      const json = {
        ...headerJson(block, ctx),
        strippedsize: block.strippedsize,
        size: block.size,
        weight: block.weight,
      } as Record<string, unknown>;
      // tx comes after the header fields, as blockToJSON orders it
      json.tx = level === 1 ? block.txs.map((t) => t.txid) : block.txs.map((t, i) => txJson(block, i, t, ctx));
      return json;
    },
  },
  getblockstats: {
    shape: 'src/rpc/blockchain.cpp:1809',
    args: [
      { name: 'hash_or_height', type: 'hash_or_height', required: true },
      { name: 'stats', type: 'array' },
    ],
    summary: 'Compute per block statistics for a given window. All amounts are in satoshis.',
    run: ([target, stats], ctx) => blockStats(ctx, target as string | number, stats as unknown[] | undefined),
  },
  getchaintips: {
    shape: 'src/rpc/blockchain.cpp:1444',
    args: [],
    summary:
      'Return information about all known tips in the block tree, including the main chain as well as orphaned branches.',
    // setTips is ordered by CompareBlocksByHeight: the highest first
    run: (_a, ctx) =>
      [
        { height: ctx.node.tipHeight(), hash: ctx.node.tipHash(), branchlen: 0, status: 'active' },
        ...ctx.node.staleTips.map((t) => ({ height: t.height, hash: t.hash, branchlen: t.branchlen, status: t.status })),
      ].sort((a, b) => b.height - a.height),
  },
  getnetworkhashps: {
    shape: 'src/rpc/mining.cpp:110',
    args: [
      { name: 'nblocks', type: 'number' },
      { name: 'height', type: 'number' },
    ],
    summary: 'Returns the estimated network hashes per second based on the last n blocks.',
    run: ([nblocks, height], ctx) =>
      networkHashPs(
        ctx,
        nblocks === undefined ? 120 : (nblocks as number),
        height === undefined ? -1 : (height as number)
      ),
  },
  estimatesmartfee: {
    shape: 'src/rpc/fees.cpp:32',
    args: [
      { name: 'conf_target', type: 'number', required: true },
      { name: 'estimate_mode', type: 'string' },
    ],
    summary:
      'Estimates the approximate fee per kilobyte needed for a transaction to begin confirmation within conf_target blocks if possible.',
    run: ([target, mode], ctx) => estimateSmartFee(ctx, target as number, (mode as string | undefined) ?? 'unset'),
  },
  getrawmempool: {
    shape: 'src/rpc/mempool.cpp:379',
    args: [
      { name: 'verbose', type: 'bool' },
      { name: 'mempool_sequence', type: 'bool' },
    ],
    summary: 'Returns all transaction ids in memory pool as a json array of string transaction ids.',
    run: ([verbose, withSequence], ctx) => {
      const pool = ctx.node.mempool;
      if (verbose === true) {
        if (withSequence === true)
          throw new RpcError(RPC.INVALID_PARAMETER, 'Verbose results cannot contain mempool sequence values.');
        const out: Record<string, unknown> = {};
        for (const tx of pool.entries.values()) out[tx.txid] = entryJson(tx, ctx);
        return out;
      }
      const txids = [...pool.entries.keys()];
      return withSequence === true ? { txids, mempool_sequence: pool.sequence } : txids;
    },
  },
  getmempoolentry: {
    shape: 'src/rpc/mempool.cpp:555',
    args: [{ name: 'txid', type: 'string', required: true }],
    summary: 'Returns mempool data for given transaction',
    run: ([txid], ctx) => entryJson(requireMempoolTx(ctx, txid as string), ctx),
  },
  getmempoolancestors: {
    shape: 'src/rpc/mempool.cpp:429',
    args: [
      { name: 'txid', type: 'string', required: true },
      { name: 'verbose', type: 'bool' },
    ],
    summary: 'If txid is in the mempool, returns all in-mempool ancestors.',
    run: ([txid, verbose], ctx) =>
      relatives(ctx, ctx.node.mempool.ancestors(requireMempoolTx(ctx, txid as string).txid), verbose === true),
  },
  getmempooldescendants: {
    shape: 'src/rpc/mempool.cpp:490',
    args: [
      { name: 'txid', type: 'string', required: true },
      { name: 'verbose', type: 'bool' },
    ],
    summary: 'If txid is in the mempool, returns all in-mempool descendants.',
    run: ([txid, verbose], ctx) =>
      relatives(ctx, ctx.node.mempool.descendants(requireMempoolTx(ctx, txid as string).txid), verbose === true),
  },
  getzmqnotifications: {
    shape: 'src/zmq/zmqrpc.cpp:23',
    args: [],
    summary: 'Returns information about the active ZeroMQ notifications.',
    run: (_a, ctx) => {
      const address = ctx.zmqEndpoint();
      return address ? [{ type: 'pubsequence', address, hwm: 1000 }] : [];
    },
  },
  getindexinfo: {
    shape: 'src/rpc/node.cpp:359',
    args: [{ name: 'index_name', type: 'string' }],
    summary: 'Returns the status of one or all available indices currently running in the node.',
    run: ([name], ctx) => {
      const out: Record<string, unknown> = {};
      for (const index of ctx.indexes) {
        if (name !== undefined && name !== index) continue;
        out[index] = { synced: true, best_block_height: ctx.node.tipHeight() };
      }
      return out;
    },
  },
  getdeploymentinfo: {
    shape: 'src/rpc/blockchain.cpp:1386',
    args: [{ name: 'blockhash', type: 'string' }],
    summary: 'Returns an object containing various state info regarding deployments of consensus changes.',
    run: ([hash], ctx) => {
      const height =
        hash === undefined ? ctx.node.tipHeight() : requireBlock(ctx, parseHash(hash as string, 'blockhash')).height;
      return deploymentInfo(ctx, height);
    },
  },
  getchaintxstats: {
    shape: 'src/rpc/blockchain.cpp:1663',
    args: [
      { name: 'nblocks', type: 'number' },
      { name: 'blockhash', type: 'string' },
    ],
    summary: 'Compute statistics about the total number and rate of transactions in the chain.',
    run: ([nblocks, hash], ctx) => chainTxStats(ctx, nblocks as number | undefined, hash as string | undefined),
  },
  listbanned: {
    shape: 'src/rpc/net.cpp:812',
    args: [],
    summary: 'List all manually banned IPs/Subnets.',
    run: (_a, ctx) => {
      // one ban set an hour before start, as `setban 203.0.113.7 add` would leave it
      const created = ctx.startTime() - 3600;
      const now = Math.floor(ctx.nowMs() / 1000);
      return [
        {
          address: '203.0.113.7/32',
          ban_created: created,
          banned_until: created + 86400,
          ban_duration: 86400,
          time_remaining: Math.max(0, created + 86400 - now),
        },
      ];
    },
  },
  getmemoryinfo: {
    shape: 'src/rpc/node.cpp:145',
    args: [{ name: 'mode', type: 'string' }],
    summary: 'Returns an object containing information about memory usage.',
    run: ([mode]) => {
      const m = (mode as string | undefined) ?? 'stats';
      if (m === 'stats')
        return {
          locked: { used: 65_632, free: 196_512, total: 262_144, locked: 262_144, chunks_used: 2_051, chunks_free: 2 },
        };
      if (m === 'mallocinfo')
        return '<malloc version="1">\n<heap nr="0">\n<sizes>\n</sizes>\n<total type="fast" count="0" size="0"/>\n<total type="rest" count="1" size="1024"/>\n<system type="current" size="135168"/>\n<system type="max" size="135168"/>\n<aspace type="total" size="135168"/>\n<aspace type="mprotect" size="135168"/>\n</heap>\n</malloc>\n';
      throw new RpcError(RPC.INVALID_PARAMETER, `unknown mode ${m}`);
    },
  },
  getrpcinfo: {
    shape: 'src/rpc/server.cpp:218',
    args: [],
    summary: 'Returns details of the RPC server.',
    run: (_a, ctx) => ({
      active_commands: [{ method: 'getrpcinfo', duration: 27 }],
      logpath: path.join(ctx.datadir, ctx.params.subdir, 'debug.log'),
    }),
  },
};

// ---- request plumbing ---------------------------------------------------------------------------

const TYPE_NAMES: Record<string, string> = { number: 'number', string: 'string', boolean: 'bool', object: 'object' };

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return TYPE_NAMES[typeof value] ?? 'object';
}

function matches(type: ArgType, value: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeName(value) === 'object';
    case 'hash_or_height':
      return typeof value === 'number' || typeof value === 'string';
    case 'verbosity':
      return typeof value === 'number' || typeof value === 'boolean';
  }
}

function expectedName(type: ArgType): string {
  return type === 'hash_or_height' ? 'string or number' : type === 'verbosity' ? 'number' : type;
}

function helpText(method: string, spec: MethodSpec): string {
  const args = spec.args.map((a) => (a.required ? `"${a.name}"` : `( ${a.name} )`)).join(' ');
  return `${method}${args ? ` ${args}` : ''}\n\n${spec.summary}\n`;
}

/** turn positional or named params into positional values, as RPCHelpMan/transformNamedArguments do */
function positional(method: string, spec: MethodSpec, params: unknown): unknown[] {
  if (Array.isArray(params)) return params;
  if (params === undefined || params === null) return [];
  const named = params as Record<string, unknown>;
  const out: unknown[] = Array.isArray(named.args) ? [...named.args] : [];
  for (const key of Object.keys(named)) {
    if (key === 'args') continue;
    const index = spec.args.findIndex(
      (a) =>
        a.name === key || (key === 'verbose' && a.name === 'verbosity') || (key === 'hash' && a.name === 'blockhash')
    );
    if (index < 0) throw new RpcError(RPC.INVALID_PARAMETER, `Unknown named parameter ${key}`);
    if (index < out.length && out[index] !== undefined)
      throw new RpcError(
        RPC.INVALID_PARAMETER,
        `Parameter ${key} specified twice both as positional and named argument`
      );
    while (out.length <= index) out.push(undefined);
    out[index] = named[key];
  }
  void method;
  return out;
}

export function isKnownMethod(method: string): boolean {
  return Object.prototype.hasOwnProperty.call(METHODS, method);
}

/** tableRPC.execute for one request; throws RpcError */
export function executeRpc(method: string, params: unknown, ctx: RpcContext): unknown {
  if (!isKnownMethod(method)) throw new RpcError(RPC.METHOD_NOT_FOUND, 'Method not found');
  const spec = METHODS[method] as MethodSpec;
  const args = positional(method, spec, params).map((v) => (v === null ? undefined : v));
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  const required = spec.args.filter((a) => a.required).length;
  if (args.length > spec.args.length || spec.args.slice(0, required).some((_a, i) => args[i] === undefined)) {
    // RPCHelpMan throws its help text as std::runtime_error, which becomes RPC_MISC_ERROR
    throw new RpcError(RPC.MISC_ERROR, helpText(method, spec));
  }
  const mismatches: string[] = [];
  spec.args.forEach((arg, i) => {
    const value = args[i];
    if (value !== undefined && !matches(arg.type, value)) {
      mismatches.push(
        `    "Position ${i + 1} (${arg.name})": "JSON value of type ${typeName(value)} is not of expected type ${expectedName(arg.type)}"`
      );
    }
  });
  if (mismatches.length > 0) throw new RpcError(RPC.TYPE_ERROR, `Wrong type passed:\n{\n${mismatches.join(',\n')}\n}`);
  return spec.run(args, ctx);
}

// ---- helpers ------------------------------------------------------------------------------------

function parseHash(value: string, name: string): string {
  if (value.length !== 64)
    throw new RpcError(RPC.INVALID_PARAMETER, `${name} must be of length 64 (not ${value.length}, for '${value}')`);
  if (!/^[0-9a-fA-F]{64}$/.test(value))
    throw new RpcError(RPC.INVALID_PARAMETER, `${name} must be hexadecimal string (not '${value}')`);
  return value.toLowerCase();
}

function requireBlock(ctx: RpcContext, hash: string): Block {
  const block = ctx.node.blockByHash(hash);
  if (!block) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block not found');
  return block;
}

function requireMempoolTx(ctx: RpcContext, txid: string): MempoolTx {
  // a key of the mempool is a valid lowercase hash already: only a miss needs parsing
  const tx = ctx.node.mempool.entries.get(txid) ?? ctx.node.mempool.entries.get(parseHash(txid, 'txid'));
  if (!tx) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
  return tx;
}

function confirmations(block: Block, ctx: RpcContext): number {
  return ctx.node.isActive(block.hash) ? ctx.node.tipHeight() - block.height + 1 : -1;
}

/** blockheaderToJSON, bitcoin/bitcoin@a05987d:src/rpc/blockchain.cpp:138 */
function headerJson(block: Block, ctx: RpcContext): Record<string, unknown> {
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

function le32(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b.toString('hex');
}

const reverseHex = (hex: string): string => Buffer.from(hex, 'hex').reverse().toString('hex');

function serializeHeader(block: Block): string {
  return headerBytes(block).toString('hex');
}

function varint(n: number): string {
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
function txBytes(txid: string, size: number): string {
  const unit = txid.repeat(Math.ceil((size * 2) / 64) + 1);
  return unit.slice(0, size * 2);
}

function serializeBlock(block: Block): string {
  return serializeHeader(block) + varint(block.txs.length) + block.txs.map((t) => txBytes(t.txid, t.size)).join('');
}

/** TxToUniv (getblock verbosity 2), bitcoin/bitcoin@a05987d:src/core_write.cpp:171 */
function txJson(block: Block, index: number, tx: Block['txs'][number], ctx: RpcContext): Record<string, unknown> {
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

/** entryToJSON, bitcoin/bitcoin@a05987d:src/rpc/mempool.cpp:282 */
function entryJson(tx: MempoolTx, ctx: RpcContext): Record<string, unknown> {
  const pool = ctx.node.mempool;
  const base = btc(tx.fee);
  // most transactions have no relatives: their packages are themselves (no graph walk)
  const alone = { count: 1, vsize: tx.vsize, fees: tx.fee };
  const anc = tx.parents.length === 0 ? alone : pool.ancestorStats(tx.txid);
  const desc = tx.children.length === 0 ? alone : pool.descendantStats(tx.txid);
  return {
    vsize: tx.vsize,
    weight: tx.weight,
    time: tx.time,
    height: tx.height,
    descendantcount: desc.count,
    descendantsize: desc.vsize,
    ancestorcount: anc.count,
    ancestorsize: anc.vsize,
    wtxid: tx.wtxid,
    fees: {
      base,
      modified: base,
      ancestor: anc === alone ? base : btc(anc.fees),
      descendant: desc === alone ? base : btc(desc.fees),
    },
    // the mempool replaces these lists rather than mutating them, so they are safe to hand out
    depends: tx.parents,
    spentby: tx.children,
    'bip125-replaceable': false,
    unbroadcast: false,
  };
}

function relatives(ctx: RpcContext, txs: MempoolTx[], verbose: boolean): unknown {
  if (!verbose) return txs.map((t) => t.txid);
  const out: Record<string, unknown> = {};
  for (const tx of txs) out[tx.txid] = entryJson(tx, ctx);
  return out;
}

function sizeOnDisk(ctx: RpcContext): number {
  const height = ctx.node.tipHeight();
  return ctx.params.chain === 'main' ? Math.round(height * 770_000) : Math.round(height * 2_400 + 40_000);
}

function blockchainInfo(ctx: RpcContext): Record<string, unknown> {
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

/** getnetworkinfo (net.cpp:620); networks as GetNetworksInfo, bitcoin/bitcoin@a05987d:src/rpc/net.cpp:599 */
function networkInfo(ctx: RpcContext): Record<string, unknown> {
  const inbound = ctx.peers.filter((p) => p.inbound).length;
  // peerman's median_outbound_time_offset (bitcoin/bitcoin@81405fc7:src/rpc/net.cpp:718): the
  // median of the outbound peers' offsets, 0 with fewer than 5 of them (src/node/timeoffsets.cpp:39);
  // every simulated peer sees the same offset, so the median is it
  const outbound = ctx.peers.length - inbound;
  const timeoffset = outbound >= 5 ? ctx.timeOffset() : 0;
  // beyond WARN_THRESHOLD (10 min, src/node/timeoffsets.h:27) Core sets CLOCK_OUT_OF_SYNC with this text (timeoffsets.cpp:50-62)
  const warnings =
    Math.abs(timeoffset) > 600
      ? [
          "Your computer's date and time appear to be more than 10 minutes out of sync with the network, this may lead to consensus failure. After you've confirmed your computer's clock, this message should no longer appear when you restart your node. Without a restart, it should stop showing automatically after you've connected to a sufficient number of new outbound peers, which may take some time. You can inspect the `timeoffset` field of the `getpeerinfo` and `getnetworkinfo` RPC methods to get more info.",
        ]
      : [];
  const reach = (name: string, proxy = '') => ({
    name,
    limited: false,
    reachable: true,
    proxy,
    proxy_randomize_credentials: proxy !== '',
  });
  return {
    version: 280000,
    subversion: '/Satoshi:28.0.0/',
    protocolversion: 70016,
    localservices: '0000000000000c09',
    localservicesnames: ['NETWORK', 'WITNESS', 'NETWORK_LIMITED', 'P2P_V2'],
    localrelay: true,
    timeoffset,
    connections: ctx.peers.length,
    connections_in: inbound,
    connections_out: ctx.peers.length - inbound,
    networkactive: true,
    networks: [reach('ipv4'), reach('ipv6'), reach('onion', '127.0.0.1:9050'), reach('i2p'), reach('cjdns')],
    relayfee: btcPerKvB(MIN_RELAY_SAT_VB),
    incrementalfee: btcPerKvB(MIN_RELAY_SAT_VB),
    localaddresses: [
      { address: `${new Rng(subSeed(ctx.node.seed, 0x0ca1)).base32(56)}.onion`, port: ctx.params.p2pPort, score: 4 },
    ],
    warnings,
  };
}

/** MempoolInfoToJSON, bitcoin/bitcoin@a05987d:src/rpc/mempool.cpp:667 */
function mempoolInfo(ctx: RpcContext): Record<string, unknown> {
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

function peerInfo(peer: SimPeer, ctx: RpcContext): Record<string, unknown> {
  const nowMs = ctx.nowMs();
  const now = Math.floor(nowMs / 1000);
  const traffic = peerTraffic(peer, nowMs);
  const ping = peerPing(peer, nowMs);
  const tip = ctx.node.tipHeight();
  const synced = tip - peer.lag;
  const info: Record<string, unknown> = {
    id: peer.id,
    addr: peer.addr,
    addrbind: peer.addrbind,
    network: peer.network,
  };
  if (peer.mappedAs !== undefined) info.mapped_as = peer.mappedAs;
  Object.assign(info, {
    services: peer.services,
    servicesnames: peer.servicesnames,
    relaytxes: peer.relaytxes,
    lastsend: now - (peer.id % 3),
    lastrecv: now - (peer.id % 4),
    last_transaction: peer.relaytxes ? now - (peer.id % 5) : 0,
    last_block: ctx.node.blockTime(tip),
    bytessent: traffic.bytessent,
    bytesrecv: traffic.bytesrecv,
    conntime: peer.conntime,
    timeoffset: ctx.timeOffset(),
    pingtime: ping,
    minping: Math.round(peer.basePingMs * 850) / 1e6,
    version: peer.version,
    subver: peer.subver,
    inbound: peer.inbound,
    bip152_hb_to: peer.id === 0,
    bip152_hb_from: peer.id === 1,
    startingheight: Math.max(0, ctx.node.initialHeight - 2),
    presynced_headers: -1,
    synced_headers: synced,
    synced_blocks: synced,
    inflight: [],
    addr_relay_enabled: peer.connectionType !== 'block-relay-only',
    addr_processed: 40 + peer.id * 13,
    addr_rate_limited: 0,
    permissions: [],
    minfeefilter: btc(peer.minfeefilter * 1e8),
    bytessent_per_msg: {
      addrv2: Math.floor(traffic.bytessent * 0.02),
      headers: Math.floor(traffic.bytessent * 0.08),
      inv: Math.floor(traffic.bytessent * 0.6),
      ping: Math.floor(traffic.bytessent * 0.01),
      pong: Math.floor(traffic.bytessent * 0.01),
      tx: Math.floor(traffic.bytessent * 0.28),
    },
    bytesrecv_per_msg: {
      cmpctblock: Math.floor(traffic.bytesrecv * 0.1),
      inv: Math.floor(traffic.bytesrecv * 0.5),
      ping: Math.floor(traffic.bytesrecv * 0.01),
      pong: Math.floor(traffic.bytesrecv * 0.01),
      tx: Math.floor(traffic.bytesrecv * 0.38),
    },
    connection_type: peer.connectionType,
    transport_protocol_type: peer.transport,
    session_id: peer.sessionId,
  });
  return info;
}

function netTotals(ctx: RpcContext): Record<string, unknown> {
  const nowMs = ctx.nowMs();
  // bytes of connections that closed before the current ones, so totals exceed the per-peer sum
  const closedSeconds = Math.max(0, nowMs / 1000 - ctx.startTime());
  let recv = 1_200_000 + Math.floor(closedSeconds * 1_500);
  let sent = 900_000 + Math.floor(closedSeconds * 1_100);
  for (const peer of ctx.peers) {
    const traffic = peerTraffic(peer, nowMs);
    recv += traffic.bytesrecv;
    sent += traffic.bytessent;
  }
  return {
    totalbytesrecv: recv,
    totalbytessent: sent,
    timemillis: Math.floor(nowMs),
    uploadtarget: {
      timeframe: 86400,
      target: 0,
      target_reached: false,
      serve_historical_blocks: true,
      bytes_left_in_cycle: 0,
      time_left_in_cycle: 0,
    },
  };
}

/**
 * GetNetworkHashPS, bitcoin/bitcoin@a05987d:src/rpc/mining.cpp:62-106: nblocks must be positive or -1
 * (0 is refused since Core 27), height -1 or an existing height; the time span is max - min of the
 * block times in the window (they need not increase), not last minus first.
 */
function networkHashPs(ctx: RpcContext, nblocks: number, height: number): number {
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
function deploymentInfo(ctx: RpcContext, height: number): Record<string, unknown> {
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
function regtestTestDummy(height: number): Record<string, unknown> {
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
function taprootInfo(p: NetworkParams['taproot'], height: number): Record<string, unknown> {
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
const HISTORY_TX_PER_BLOCK: Record<string, number> = { main: 1190, test: 120, testnet4: 60, signet: 40, regtest: 1 };

function chainTxCount(ctx: RpcContext, height: number): number {
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

function chainTxStats(ctx: RpcContext, nblocks: number | undefined, hash: string | undefined): Record<string, unknown> {
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

// ---- fees ---------------------------------------------------------------------------------------

function estimateSmartFee(ctx: RpcContext, target: number, mode: string): Record<string, unknown> {
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
function mempoolRateAt(ctx: RpcContext, blocks: number): number {
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

// ---- getblockstats --------------------------------------------------------------------------------

const STAT_NAMES = [
  'avgfee', 'avgfeerate', 'avgtxsize', 'blockhash', 'feerate_percentiles', 'height', 'ins', 'maxfee', 'maxfeerate', 'maxtxsize',
  'medianfee', 'mediantime', 'mediantxsize', 'minfee', 'minfeerate', 'mintxsize', 'outs', 'subsidy', 'swtotal_size',
  'swtotal_weight', 'swtxs', 'time', 'total_out', 'total_size', 'total_weight', 'totalfee', 'txs', 'utxo_increase',
  'utxo_size_inc', 'utxo_increase_actual', 'utxo_size_inc_actual',
] as const;

function blockStats(ctx: RpcContext, target: string | number, stats: unknown[] | undefined): Record<string, unknown> {
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
function truncatedMedian(sorted: number[]): number {
  const size = sorted.length;
  if (size === 0) return 0;
  if (size % 2 === 0) return Math.floor(((sorted[size / 2 - 1] as number) + (sorted[size / 2] as number)) / 2);
  return sorted[Math.floor(size / 2)] as number;
}
