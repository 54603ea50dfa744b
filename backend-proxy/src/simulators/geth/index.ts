// A geth HTTP JSON-RPC endpoint (--http) and metrics server (--metrics, /debug/metrics/prometheus)
// faithful to what geth v1.17.10 answers. Every shape below names the go-ethereum source it follows
// (ethereum/go-ethereum@v1.17.10, read from the Go module proxy's copy), and
// test/geth.real.test.ts compares them field by field with a real `geth --dev`:
//  - JSON-RPC 2.0, single and batch requests; quantities as 0x-hex without leading zeros;
//  - -32700 "parse error", -32600 "invalid request", -32601 "the method X does not
//    exist/is not available" (rpc/errors.go:76-81) for unknown methods and for namespaces not in
//    --http.api, -32602 for bad params; HTTP 415 for a non-JSON content type;
//  - stock namespaces by default: eth, net, web3 (node/defaults.go:63 + cmd/geth/config.go:137);
//  - metrics in metrics/prometheus/collector.go's layout (a TYPE line per name, a space before
//    `{quantile="..."}`, `_count` as its own counter family, blank line after each family).
// No timers: tests mine blocks with advance() and move their own clock.
import { delay, fakeHex, sendJson, sendText, ToggleServer } from '../stacks/toggleServer.js';

export type GethFault = 'none' | 'down' | 'slow' | 'stalled' | 'malformed' | 'zero-peers' | 'syncing' | 'indexing';

/** web3_clientVersion of geth v1.17.10 built by `go install` (no VCS stamp, so no commit in it). */
export const GETH_CLIENT_VERSION = 'Geth/v1.17.10-stable/linux-amd64/go1.26.8';
/** geth_info's protocols label: eth.Protocols() as cmd/geth/config.go:262-265 joins them (v1.17.10). */
export const GETH_PROTOCOLS = 'eth/72,eth/71,eth/70,eth/69,snap/2,snap/1';

/** What stock geth serves over HTTP when --http.api is not given. */
export const GETH_STOCK_HTTP_NAMESPACES = ['eth', 'net', 'web3'];
export type GethTarget = 'rpc' | 'metrics';

export interface GethSimulatorOptions {
  now?: () => number;
  headNumber?: number;
  peers?: number;
  /** namespaces served over HTTP (geth's --http.api); stock geth's eth,net,web3 unless given */
  namespaces?: string[];
  clientVersion?: string;
  chainId?: number;
  ports?: { rpc?: number; metrics?: number };
}

export interface GethState {
  headNumber: number;
  /** seconds */
  headTimestamp: number;
  peers: number;
  pending: number;
  queued: number;
  baseFeeWei: bigint;
  gasPriceWei: bigint;
  syncTarget: number | null;
  /** set while only indexing remains (eth_syncing answers an object with currentBlock = highestBlock) */
  indexing: { txBlocks: number; states: number; trienodes: number } | null;
}

export interface GethSimulator {
  rpcUrl: string;
  metricsUrl: string;
  state: GethState;
  /** every method name received, in order (allowed or not) */
  received: string[];
  /** behind: blocks to import for 'syncing'; index: what remains to be indexed for 'indexing' */
  setFault(
    fault: GethFault,
    options?: { target?: GethTarget | 'all'; delayMs?: number; behind?: number; index?: Partial<NonNullable<GethState['indexing']>> }
  ): Promise<void>;
  /** mines n blocks, the last one stamped now */
  advance(blocks?: number): void;
  close(): Promise<void>;
}

const JSON_RPC = '2.0';
type RpcRequest = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };

/**
 * The snap-sync counters of an eth_syncing object (go-ethereum v1.17.10 internal/ethapi/api.go:161-193),
 * all 0: the simulator syncs by full blocks only. sources/geth/model.test.ts feeds the same object.
 */
export const IDLE_SNAP_PROGRESS = {
  syncedAccounts: '0x0',
  syncedAccountBytes: '0x0',
  syncedBytecodes: '0x0',
  syncedBytecodeBytes: '0x0',
  syncedStorage: '0x0',
  syncedStorageBytes: '0x0',
  healedTrienodes: '0x0',
  healedTrienodeBytes: '0x0',
  healedBytecodes: '0x0',
  healedBytecodeBytes: '0x0',
  healingTrienodes: '0x0',
  healingBytecode: '0x0',
  syncedAccessLists: '0x0',
  totalAccessLists: '0x0',
  trieGenProgress: '0x0',
} as const;

export async function startGethSimulator(options: GethSimulatorOptions = {}): Promise<GethSimulator> {
  const now = options.now ?? Date.now;
  const namespaces = new Set(options.namespaces ?? GETH_STOCK_HTTP_NAMESPACES);
  const state: GethState = {
    headNumber: options.headNumber ?? 21_000_000,
    headTimestamp: Math.floor(now() / 1000),
    peers: options.peers ?? 50,
    pending: 5_123,
    queued: 311,
    baseFeeWei: 7_412_345_678n,
    gasPriceWei: 8_412_345_678n,
    syncTarget: null,
    indexing: null,
  };
  const faults: Record<GethTarget, { fault: GethFault; delayMs: number }> = {
    rpc: { fault: 'none', delayMs: 0 },
    metrics: { fault: 'none', delayMs: 0 },
  };
  let stalled = false;
  let zeroPeers = false;
  const received: string[] = [];
  // node/api.go web3_clientVersion = the node's name: what `go install …/cmd/geth@v1.17.10` answers
  const clientVersion = options.clientVersion ?? GETH_CLIENT_VERSION;
  const gethVersion = /^Geth\/v([^/]+)\//.exec(clientVersion)?.[1] ?? '1.17.10-stable';
  const chainId = options.chainId ?? 1;
  const hex = (n: number | bigint) => `0x${n.toString(16)}`;
  const peers = () => (zeroPeers ? 0 : state.peers);

  // internal/ethapi/api.go:996-1075 (RPCMarshalHeader + RPCMarshalBlock with hashes only), the
  // fields of a Prague/Osaka block: no blockAccessListHash/slotNumber before Amsterdam
  const block = (n: number) => {
    const age = state.headNumber - n;
    const gasUsed = 14_000_000 + ((n * 7919) % 8_000_000);
    return {
      baseFeePerGas: hex(state.baseFeeWei + BigInt((n % 7) * 1_000_000)),
      blobGasUsed: hex((n % 6) * 131_072),
      difficulty: '0x0',
      excessBlobGas: '0x0',
      extraData: '0x6265617665726275696c642e6f7267',
      gasLimit: hex(30_000_000),
      gasUsed: hex(gasUsed),
      hash: `0x${fakeHex(`block${n}`, 64)}`,
      logsBloom: `0x${'0'.repeat(512)}`,
      miner: '0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5',
      mixHash: `0x${fakeHex(`mix${n}`, 64)}`,
      nonce: '0x0000000000000000',
      number: hex(n),
      parentBeaconBlockRoot: `0x${fakeHex(`beacon${n}`, 64)}`,
      parentHash: `0x${fakeHex(`block${n - 1}`, 64)}`,
      receiptsRoot: `0x${fakeHex(`receipts${n}`, 64)}`,
      requestsHash: '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      sha3Uncles: '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347',
      size: hex(90_000 + (n % 50_000)),
      stateRoot: `0x${fakeHex(`state${n}`, 64)}`,
      timestamp: hex(state.headTimestamp - age * 12),
      transactions: Array.from({ length: 100 + (n % 150) }, (_, i) => `0x${fakeHex(`tx${n}-${i}`, 64)}`),
      transactionsRoot: `0x${fakeHex(`txroot${n}`, 64)}`,
      uncles: [],
      withdrawals: [],
      withdrawalsRoot: `0x${fakeHex(`withdrawals${n}`, 64)}`,
    };
  };

  const blockNumberParam = (tag: unknown): number | null => {
    if (tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized') {
      return state.headNumber - (tag === 'safe' ? 32 : tag === 'finalized' ? 64 : 0);
    }
    if (tag === 'earliest') return 0;
    if (typeof tag === 'string' && /^0x(0|[1-9a-f][0-9a-f]*)$/i.test(tag)) return Number.parseInt(tag, 16);
    return null;
  };

  class RpcError extends Error {
    constructor(
      readonly code: number,
      message: string
    ) {
      super(message);
    }
  }

  // the answers follow go-ethereum v1.17.10's handlers, cited per method (paths in that tree)
  const methods: Record<string, (params: unknown[]) => unknown> = {
    eth_blockNumber: () => hex(state.headNumber), // internal/ethapi/api.go:329 hexutil.Uint64
    eth_chainId: () => hex(chainId), // internal/ethapi/api.go:324 *hexutil.Big
    net_version: () => String(chainId), // internal/ethapi/api.go:2203-2205 decimal string
    net_listening: () => true, // internal/ethapi/api.go:2193-2195
    net_peerCount: () => hex(peers()), // internal/ethapi/api.go:2198-2200 hexutil.Uint
    web3_clientVersion: () => clientVersion, // node/api.go:331-333
    eth_gasPrice: () => hex(state.gasPriceWei), // internal/ethapi/api.go:78 *hexutil.Big
    eth_maxPriorityFeePerGas: () => hex(1_000_000_000n), // internal/ethapi/api.go:90 *hexutil.Big
    // internal/ethapi/api.go:161-193: false when SyncProgress.Done() (interfaces.go:153-158, blocks
    // imported and nothing left to index), else this object (snap-sync counters left at 0 here)
    eth_syncing: () => {
      const highest = state.syncTarget ?? state.headNumber;
      const index = state.indexing ?? { txBlocks: 0, states: 0, trienodes: 0 };
      if (state.headNumber >= highest && index.txBlocks === 0 && index.states === 0 && index.trienodes === 0) return false;
      return {
        startingBlock: hex(state.syncTarget === null ? state.headNumber : state.headNumber - 1_000),
        currentBlock: hex(state.headNumber),
        highestBlock: hex(highest),
        ...IDLE_SNAP_PROGRESS,
        txIndexFinishedBlocks: hex(Math.max(0, state.headNumber + 1 - index.txBlocks)),
        txIndexRemainingBlocks: hex(index.txBlocks),
        stateIndexRemaining: hex(index.states),
        trienodeIndexRemaining: hex(index.trienodes),
      };
    },
    eth_getBlockByNumber: (params) => {
      const n = blockNumberParam(params[0]);
      if (n === null) throw new RpcError(-32602, `invalid argument 0: hex string without 0x prefix`);
      return n > state.headNumber ? null : block(n);
    },
    // internal/ethapi/api.go:98-142: reward only when percentiles were asked (omitempty)
    eth_feeHistory: (params) => {
      const count = typeof params[0] === 'string' ? Number.parseInt(params[0], 16) : Number(params[0]);
      const newest = blockNumberParam(params[1]);
      const percentiles = Array.isArray(params[2]) ? (params[2] as number[]) : [];
      if (!Number.isInteger(count) || newest === null) throw new RpcError(-32602, 'invalid argument');
      for (let i = 0; i < percentiles.length; i++) {
        const p = percentiles[i] ?? -1;
        if (p < 0 || p > 100) throw new RpcError(-32000, `invalid reward percentile: ${p}`);
        if (i > 0 && p <= (percentiles[i - 1] ?? 0)) throw new RpcError(-32000, `invalid reward percentile: #${i - 1}:${percentiles[i - 1]} >= #${i}:${p}`);
      }
      const blocks = Math.min(count, 1024, newest + 1);
      const oldest = newest - blocks + 1;
      const numbers = Array.from({ length: blocks }, (_, i) => oldest + i);
      return {
        oldestBlock: hex(oldest),
        ...(percentiles.length > 0
          ? { reward: numbers.map((n) => percentiles.map((p) => hex(BigInt(Math.round((p + 1) * 10_000_000 + (n % 13) * 1_000_000))))) }
          : {}),
        baseFeePerGas: [...numbers, newest + 1].map((n) => hex(state.baseFeeWei + BigInt((n % 7) * 1_000_000))),
        gasUsedRatio: numbers.map((n) => (14_000_000 + ((n * 7919) % 8_000_000)) / 30_000_000),
        baseFeePerBlobGas: [...numbers, newest + 1].map(() => '0x1'),
        blobGasUsedRatio: numbers.map((n) => ((n % 6) * 131_072) / 786_432),
      };
    },
    // internal/ethapi/api.go:249-255 (TxPoolAPI.Status)
    txpool_status: () => ({ pending: hex(state.pending), queued: hex(state.queued) }),
    // node/api.go:302 -> p2p/peer.go:544-558 (PeerInfo); v1.17.10 speaks eth/69..72, so peers agree on one of those
    admin_peers: () =>
      Array.from({ length: peers() }, (_, i) => ({
        enr: `enr:-${fakeHex(`enr${i}`, 120)}`,
        enode: `enode://${fakeHex(`peer${i}`, 128)}@10.3.0.${i + 1}:30303`,
        id: fakeHex(`peerid${i}`, 64),
        name: i % 2 ? 'Geth/v1.17.10-stable-9c1b3a1e/linux-amd64/go1.26.8' : 'Nethermind/v1.35.2+f2c1e7a0/linux-x64/dotnet9.0.8',
        caps: ['eth/69', 'snap/1'],
        network: { localAddress: '10.0.0.2:30303', remoteAddress: `10.3.0.${i + 1}:30303`, inbound: i % 3 === 0, trusted: false, static: false },
        protocols: { eth: { version: 69 }, snap: { version: 1 } },
      })),
    // write / signing methods exist on a real node; here they only prove that nothing reaches them
    eth_sendRawTransaction: () => `0x${fakeHex('sent', 64)}`,
    admin_addPeer: () => true,
    miner_start: () => null,
    personal_unlockAccount: () => true,
    debug_setHead: () => null,
  };

  const handle = (request: RpcRequest): object => {
    const id = request.id ?? null;
    if (request === null || typeof request !== 'object' || request.jsonrpc !== JSON_RPC || typeof request.method !== 'string') {
      return { jsonrpc: JSON_RPC, id, error: { code: -32600, message: 'invalid request' } };
    }
    received.push(request.method);
    const namespace = request.method.split('_')[0] ?? '';
    const fn = methods[request.method];
    if (!fn || !namespaces.has(namespace)) {
      return { jsonrpc: JSON_RPC, id, error: { code: -32601, message: `the method ${request.method} does not exist/is not available` } };
    }
    try {
      return { jsonrpc: JSON_RPC, id, result: fn(Array.isArray(request.params) ? request.params : []) };
    } catch (error) {
      if (error instanceof RpcError) return { jsonrpc: JSON_RPC, id, error: { code: error.code, message: error.message } };
      return { jsonrpc: JSON_RPC, id, error: { code: -32603, message: String(error) } };
    }
  };

  // rpc/http.go:373-430 (Server.ServeHTTP, validateRequest): an empty GET is a health check
  // answered 200 with no body; PUT/DELETE 405; a content type other than the three accepted 415
  const rpc = new ToggleServer(async (req, res, body) => {
    if (faults.rpc.fault === 'slow') await delay(faults.rpc.delayMs);
    if (req.method === 'GET' && body.length === 0 && !(req.url ?? '').includes('?')) {
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'PUT' || req.method === 'DELETE') {
      sendText(res, 405, 'method not allowed\n', 'text/plain; charset=utf-8');
      return;
    }
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!['application/json', 'application/json-rpc', 'application/jsonrequest'].includes(mediaType)) {
      sendText(res, 415, 'invalid content type, only application/json is supported\n', 'text/plain; charset=utf-8');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      sendJson(res, 200, { jsonrpc: JSON_RPC, id: null, error: { code: -32700, message: 'parse error' } });
      return;
    }
    const reply = Array.isArray(parsed) ? parsed.map((r) => handle(r as RpcRequest)) : handle(parsed as RpcRequest);
    if (faults.rpc.fault === 'malformed') {
      sendText(res, 200, JSON.stringify(reply).slice(0, 25), 'application/json');
      return;
    }
    sendJson(res, 200, reply);
  });

  const gauge = (name: string, value: number | string) => `# TYPE ${name} gauge\n${name} ${value}\n\n`;
  const metricsServer = new ToggleServer(async (req, res) => {
    if (faults.metrics.fault === 'slow') await delay(faults.metrics.delayMs);
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/debug/metrics/prometheus') {
      sendText(res, 404, '404 page not found\n', 'text/plain');
      return;
    }
    if (faults.metrics.fault === 'malformed') {
      sendText(res, 200, '# TYPE chain_head_block gauge\nchain_head_block 0x1406f40\n');
      return;
    }
    const p = peers();
    sendText(
      res,
      200,
      [
        // core/blockchain.go:63-67 (chain/head/*), :74 chain/info; metrics/prometheus/collector.go:78-123
        // writes counters and gauges alike as `gauge`, timers as a `_count` counter plus a summary
        gauge('chain_head_block', state.headNumber),
        gauge('chain_head_finalized', state.headNumber - 64),
        gauge('chain_head_header', state.syncTarget ?? state.headNumber),
        gauge('chain_head_receipt', state.headNumber),
        `# TYPE chain_info gauge\nchain_info {chain_id="${chainId}"} 1\n\n`,
        `# TYPE chain_inserts_count counter\nchain_inserts_count ${state.headNumber - 20_000_000}\n\n`,
        // a timer's six quantiles (collector.go:113-121)
        `# TYPE chain_inserts summary\n${[
          ['0.5', '41234567'],
          ['0.75', '5.8e+07'],
          ['0.95', '1.2e+08'],
          ['0.99', '2.25e+08'],
          ['0.999', '3.1e+08'],
          ['0.9999', '3.1e+08'],
        ]
          .map(([q, v]) => `chain_inserts {quantile="${q}"} ${v}\n`)
          .join('')}\n`,
        // ethdb/pebble/pebble.go:361 (disk/size), core/rawdb/freezer.go:87 (ancient/size), namespace eth/db/chaindata/ (eth/backend.go:167)
        gauge('eth_db_chaindata_ancient_size', 1_234_567_890_123),
        gauge('eth_db_chaindata_disk_size', 987_654_321_012),
        // cmd/geth/config.go:266-271 (labels arch, os, protocols, version), written sorted by
        // metrics/prometheus/collector.go:138-149
        `# TYPE geth_info gauge\ngeth_info {arch="amd64", os="linux", protocols="${GETH_PROTOCOLS}", version="${gethVersion}"} 1\n\n`,
        // p2p/metrics.go:40-42
        gauge('p2p_peers', p),
        gauge('p2p_peers_inbound', Math.floor(p / 3)),
        gauge('p2p_peers_outbound', p - Math.floor(p / 3)),
        // metrics/metrics.go:128-148 (system/*)
        gauge('system_cpu_goroutines', 512),
        gauge('system_memory_used', 9_876_543_210),
        // core/txpool/locals/tx_tracker.go:37 (txpool/local), legacypool/legacypool.go:113-115
        gauge('txpool_local', 2),
        gauge('txpool_pending', state.pending),
        gauge('txpool_queued', state.queued),
        gauge('txpool_slots', state.pending + state.queued),
      ].join('')
    );
  });

  await rpc.listen(options.ports?.rpc ?? 0);
  await metricsServer.listen(options.ports?.metrics ?? 0);
  const servers: Record<GethTarget, ToggleServer> = { rpc, metrics: metricsServer };

  return {
    rpcUrl: rpc.url(),
    metricsUrl: metricsServer.url('/debug/metrics/prometheus'),
    state,
    received,
    async setFault(fault, opts = {}) {
      const targets: GethTarget[] = opts.target === undefined || opts.target === 'all' ? ['rpc', 'metrics'] : [opts.target];
      if (fault === 'none') {
        stalled = false;
        zeroPeers = false;
        state.syncTarget = null;
        state.indexing = null;
      }
      if (fault === 'stalled') stalled = true;
      if (fault === 'zero-peers') zeroPeers = true;
      if (fault === 'syncing') state.syncTarget = state.headNumber + (opts.behind ?? 5_000);
      if (fault === 'indexing') state.indexing = { txBlocks: 2_350_000, states: 0, trienodes: 0, ...opts.index };
      for (const target of targets) {
        faults[target] = { fault, delayMs: opts.delayMs ?? 2_000 };
        if (fault === 'down') await servers[target].close();
        else if (!servers[target].listening) await servers[target].listen();
      }
    },
    advance(blocks = 1) {
      if (stalled) return;
      state.headNumber += blocks;
      state.headTimestamp = Math.floor(now() / 1000);
    },
    async close() {
      await Promise.all([rpc.close(), metricsServer.close()]);
    },
  };
}
