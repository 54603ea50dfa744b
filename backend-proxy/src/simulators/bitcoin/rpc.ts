// The read-only RPC surface: the METHODS table (argument specs, each answer's Core 28 shape
// citation) and the request plumbing. The answers are built by job in rpc/: chain (headers,
// blocks, transactions, blockchain info, deployments, tx stats, getblockstats), mempool (entries,
// mempool info, fee estimates), network (network info, peers, traffic), common (lookups).
import path from 'node:path';
import { RPC, RpcError } from './errors.js';
import { difficultyFromBits } from './network.js';
import { blockchainInfo, blockStats, chainTxStats, deploymentInfo, headerJson, networkHashPs, serializeBlock, serializeHeader, txJson } from './rpc/chain.js';
import { parseHash, requireBlock, requireMempoolTx, type RpcContext } from './rpc/common.js';
import { entryMap, entryText, estimateSmartFee, mempoolInfo, relatives } from './rpc/mempool.js';
import { netTotals, networkInfo, peerInfo } from './rpc/network.js';
import { PreWritten } from './univalue.js';

export type { RpcContext } from './rpc/common.js';

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
        return entryMap(pool.entries.values(), ctx);
      }
      // the list written once per mempool state (a poll asks for the same million txids again)
      const txids = pool.txidsJson();
      return new PreWritten(withSequence === true ? `{"txids":${txids},"mempool_sequence":${pool.sequence}}` : txids);
    },
  },
  getmempoolentry: {
    shape: 'src/rpc/mempool.cpp:555',
    args: [{ name: 'txid', type: 'string', required: true }],
    summary: 'Returns mempool data for given transaction',
    run: ([txid], ctx) => new PreWritten(entryText(requireMempoolTx(ctx, txid as string), ctx)),
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
      // glibc's malloc_info(3) as Debian's libc6 2.36 writes it: each arena, then the totals over
      // all of them (fast, rest, mmap, system current/max, aspace); checked against the real
      // library in sources/bitcoin/mallocInfo.test.ts
      if (m === 'mallocinfo')
        return '<malloc version="1">\n<heap nr="0">\n<sizes>\n</sizes>\n<total type="fast" count="0" size="0"/>\n<total type="rest" count="1" size="1024"/>\n<system type="current" size="135168"/>\n<system type="max" size="135168"/>\n<aspace type="total" size="135168"/>\n<aspace type="mprotect" size="135168"/>\n</heap>\n<total type="fast" count="0" size="0"/>\n<total type="rest" count="1" size="1024"/>\n<total type="mmap" count="2" size="4333568"/>\n<system type="current" size="135168"/>\n<system type="max" size="135168"/>\n<aspace type="total" size="135168"/>\n<aspace type="mprotect" size="135168"/>\n</malloc>\n';
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

export { percentilesByWeight } from './rpc/chain.js';
