// A Stacks node (RPC :20443 style + Prometheus :9153 style), a stacks-signer metrics endpoint
// (:30001 style) and a log writer, faithful to stacks-core's shapes. By default it is a 3.3.0.0.6
// node (stacks-network/stacks-core tag 3.3.0.0.6 = 01c97680e6d013b51a859499c90c3b89469d6854):
//   /v2/info      RPCPeerInfoData   (stackslib/src/net/api/getinfo.rs:55-85 at 3.3.0.0.6)
//   /v2/neighbors RPCNeighborsInfo  (stackslib/src/net/api/getneighbors.rs:113, RPCNeighbor :42 at 3.3.0.0.6): bootstrap/sample/inbound/outbound
//   /v3/health    RPCGetHealthResponse, as the reported server_version had it (healthGeneration):
//                 absent before 3.1.0.0.13 (404; no gethealth.rs at tag 3.1.0.0.12);
//                 3.1.0.0.13-3.2.0.0.1: three fields, HTTP 500 text/plain "... unable to determine
//                 health" without bootstrap-peer stats (@3.2.0.0.1:stackslib/src/net/api/gethealth.rs:40,246);
//                 3.2.0.0.2+: always 200, + max_stacks_neighbor_address, 0/null without a neighbor
//                 (@3.3.0.0.6:stackslib/src/net/api/gethealth.rs:33-39,113,120)
//   metrics       stacks_node_* (stackslib/src/monitoring/prometheus.rs), stacks_signer_*
//                 (stacks-signer/src/monitoring/prometheus.rs:30-65 at 3.3.0.0.6), Rust prometheus TextEncoder layout;
//                 stacks_signer_stacks_node_height refreshed as stacks-signer/src/monitoring/server.rs:118-122,174-181 does
//   log lines     stacks-common/src/util/log.rs: LEVEL [secs.micros] [file:line] [thread] msg, k: v
//   signer        the rest of prometheus.rs's families and the signer's own log lines, with the faults
//                 an operator alerts on (not registered, rejections, conflicts, slow responses,
//                 validation and proposal timeouts, a silent log): signer.ts
// No timers: tests move the chain with advance() and write log lines explicitly.
import { appendFile, rename, truncate, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignerSim, type SignerContext, type SignerFault } from './signer.js';
import { delay, fakeHex, sendJson, sendText, ToggleServer } from './toggleServer.js';

export { SIGNER_FAULTS, type SignerFault } from './signer.js';

export type StacksFault = 'none' | 'down' | 'slow' | 'stalled' | 'zero-peers' | 'burn-behind' | 'malformed' | 'no-health';
export type StacksTarget = 'rpc' | 'metrics' | 'signer';

export interface StacksSimulatorOptions {
  now?: () => number;
  stacksTipHeight?: number;
  burnBlockHeight?: number;
  tenureHeight?: number;
  inbound?: number;
  outbound?: number;
  serverVersion?: string;
  /** 1 mainnet, 2147483648 testnet */
  networkId?: number;
  /** where appendLog() writes; no log writing without it */
  logFile?: string;
  /** the node's log format (stacks-common log.rs): default text, STACKS_LOG_JSON=1, STACKS_LOG_PP=1 */
  logFormat?: StacksLogFormatSetting;
  /** where appendSignerLog() writes the signer's lines (same logger, same format setting) */
  signerLogFile?: string;
  /** fixed ports for the demo (0 = ephemeral, the default) */
  ports?: { rpc?: number; metrics?: number; signer?: number };
}

export type StacksLogFormatSetting = 'text' | 'json' | 'pretty' | 'pretty-tty';

export interface ReceivedRequest {
  target: StacksTarget;
  method: string;
  path: string;
}

export interface StacksSimulator {
  rpcUrl: string;
  metricsUrl: string;
  signerMetricsUrl: string;
  logFile: string | undefined;
  signerLogFile: string | undefined;
  state: StacksState;
  received: ReceivedRequest[];
  setFault(fault: StacksFault, options?: { target?: StacksTarget | 'all'; delayMs?: number; lag?: number }): Promise<void>;
  advance(blocks?: { stacks?: number; burn?: number; tenure?: boolean }): void;
  appendLog(lines?: number | string[]): Promise<string[]>;
  /** the signer's next log lines: what advance() made it do, then its per-burn-block refresh line */
  appendSignerLog(lines?: number | string[]): Promise<string[]>;
  /** what the signer does from now on (its counters move with advance()) */
  setSignerFault(fault: SignerFault): void;
  signer: SignerSim;
  rotateLog(): Promise<void>;
  /** as if the node restarted with other log settings; later appendLog() lines use this format */
  setLogFormat(format: StacksLogFormatSetting): void;
  /** the signer's update_metrics() fails from now on (its node RPC errors): its node height freezes */
  setSignerRefreshFails(fails: boolean): void;
  truncateLog(): Promise<void>;
  close(): Promise<void>;
}

export interface StacksState {
  stacksTipHeight: number;
  burnBlockHeight: number;
  tenureHeight: number;
  inbound: number;
  outbound: number;
  rewardCycle: number;
  signer: {
    proposals: number;
    accepted: number;
    rejected: number;
    validationsOk: number;
    validationsRejected: number;
    preCommits: number;
    balance: number;
    nonce: number;
    /** stacks_signer_stacks_node_height: the node's tip at the signer's last metrics refresh */
    stacksNodeHeight: number;
    /** when that refresh ran (ms) */
    lastMetricsPoll: number;
  };
  rpcRequests: number;
  warnings: number;
  errors: number;
}

const MAINNET_PARENT = 3652501241; // 0xD9B4BEF9, Bitcoin mainnet magic

export const DEFAULT_SERVER_VERSION = 'stacks-node 3.3.0.0.6 (release/3.3.0.0.6:01c9768, release build, linux [x86_64])';
/** what a node answered for /v3/health before the endpoint existed */
export const PRE_HEALTH_SERVER_VERSION = 'stacks-node 3.1.0.0.5 (release/3.1.0.0.5:513dbc5, release build, linux [x86_64])';

export type HealthGeneration = 'absent' | 'first' | 'current';

/** Which /v3/health a server_version string had (tags of stacks-network/stacks-core, see the header). */
export function healthGeneration(serverVersion: string): HealthGeneration {
  const match = /(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?/.exec(serverVersion);
  if (!match) return 'current';
  const v = match.slice(1, 6).map((n) => Number(n ?? 0));
  const cmp = (other: number[]) => {
    for (let i = 0; i < 5; i++) if (v[i] !== other[i]) return v[i]! - other[i]!;
    return 0;
  };
  if (cmp([3, 1, 0, 0, 13]) < 0) return 'absent';
  if (cmp([3, 2, 0, 0, 1]) <= 0) return 'first';
  return 'current';
}

export async function startStacksSimulator(options: StacksSimulatorOptions = {}): Promise<StacksSimulator> {
  const now = options.now ?? Date.now;
  const state: StacksState = {
    stacksTipHeight: options.stacksTipHeight ?? 171_000,
    burnBlockHeight: options.burnBlockHeight ?? 870_000,
    tenureHeight: options.tenureHeight ?? 95_000,
    inbound: options.inbound ?? 6,
    outbound: options.outbound ?? 8,
    rewardCycle: 105,
    signer: {
      proposals: 120,
      accepted: 117,
      rejected: 3,
      validationsOk: 118,
      validationsRejected: 2,
      preCommits: 117,
      balance: 250_000_000,
      nonce: 42,
      // MonitoringServer::start runs update_metrics() once before its loop (server.rs:99)
      stacksNodeHeight: options.stacksTipHeight ?? 171_000,
      lastMetricsPoll: now(),
    },
    rpcRequests: 0,
    warnings: 0,
    errors: 0,
  };
  const faults: Record<StacksTarget, { fault: StacksFault; delayMs: number }> = {
    rpc: { fault: 'none', delayMs: 0 },
    metrics: { fault: 'none', delayMs: 0 },
    signer: { fault: 'none', delayMs: 0 },
  };
  let stalled = false;
  let zeroPeers = false;
  let burnLag = 0;
  let healthEndpoint = true;
  let signerRefreshFails = false;
  const received: ReceivedRequest[] = [];
  const signer = new SignerSim(state.signer.accepted + state.signer.rejected);
  const signerContext = (): SignerContext => ({
    rewardCycle: state.rewardCycle,
    burnHeight: state.burnBlockHeight,
    stacksHeight: state.stacksTipHeight,
    tenureHeight: state.tenureHeight,
  });
  // the 'no-health' fault stands for an older node, so the version it reports changes with it
  const serverVersion = () => (healthEndpoint ? (options.serverVersion ?? DEFAULT_SERVER_VERSION) : PRE_HEALTH_SERVER_VERSION);
  const networkId = options.networkId ?? 1;

  const reportedBurn = () => state.burnBlockHeight - burnLag;

  const before = async (target: StacksTarget, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    received.push({ target, method: req.method ?? '', path: req.url ?? '' });
    const { fault, delayMs } = faults[target];
    if (fault === 'slow') await delay(delayMs);
    if (req.method !== 'GET') {
      sendText(res, 405, 'Method not allowed', 'text/plain');
      return false;
    }
    return true;
  };

  const neighbor = (i: number, direction: string) => ({
    network_id: networkId,
    peer_version: 402_653_196,
    ip: `10.${direction === 'inbound' ? 1 : 2}.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    port: 20444,
    public_key_hash: fakeHex(`${direction}${i}`, 40),
    authenticated: true,
    stackerdbs: ['SP000000000000000000002Q6VF78.signers-0-0', 'SP000000000000000000002Q6VF78.signers-1-0'],
    ...(direction === 'inbound' || direction === 'outbound' ? { age: 30 + i * 7 } : {}),
  });

  const rpc = new ToggleServer(async (req, res) => {
    if (!(await before('rpc', req, res))) return;
    state.rpcRequests++;
    const path = (req.url ?? '').split('?')[0];
    if (faults.rpc.fault === 'malformed' && path !== '/v3/health') {
      sendText(res, 200, '{"peer_version": 402653196, "burn_block_height": ', 'application/json');
      return;
    }
    if (path === '/v2/info') {
      sendJson(res, 200, {
        peer_version: 402_653_196,
        pox_consensus: fakeHex(`pox${reportedBurn()}`, 40),
        burn_block_height: reportedBurn(),
        stable_pox_consensus: fakeHex(`pox${reportedBurn() - 7}`, 40),
        stable_burn_block_height: reportedBurn() - 7,
        server_version: serverVersion(),
        network_id: networkId,
        parent_network_id: MAINNET_PARENT,
        stacks_tip_height: state.stacksTipHeight,
        stacks_tip: fakeHex(`tip${state.stacksTipHeight}`, 64),
        stacks_tip_consensus_hash: fakeHex(`ch${state.tenureHeight}`, 40),
        genesis_chainstate_hash: '74237aa39aa50a83de11a4f53e9d3bb7d43461d1de9873f402e5453ae60bc59b',
        unanchored_tip: null,
        unanchored_seq: null,
        tenure_height: state.tenureHeight,
        exit_at_block_height: null,
        is_fully_synced: true,
        node_public_key: `02${fakeHex('node-key', 64)}`,
        node_public_key_hash: fakeHex('node-key-hash', 40),
        last_pox_anchor: { anchor_block_hash: fakeHex(`anchor${state.rewardCycle}`, 64), anchor_block_txid: fakeHex(`anchortx${state.rewardCycle}`, 64) },
        stackerdbs: ['SP000000000000000000002Q6VF78.signers-0-0'],
      });
    } else if (path === '/v2/neighbors') {
      const inbound = zeroPeers ? 0 : state.inbound;
      const outbound = zeroPeers ? 0 : state.outbound;
      sendJson(res, 200, {
        bootstrap: [neighbor(0, 'bootstrap')],
        sample: zeroPeers ? [] : Array.from({ length: Math.min(4, outbound) }, (_, i) => neighbor(i, 'sample')),
        inbound: Array.from({ length: inbound }, (_, i) => neighbor(i, 'inbound')),
        outbound: Array.from({ length: outbound }, (_, i) => neighbor(i, 'outbound')),
      });
    } else if (path === '/v3/health' && healthGeneration(serverVersion()) !== 'absent') {
      const best = zeroPeers ? 0 : state.stacksTipHeight + (stalled ? 25 : 0);
      const health = {
        difference_from_max_peer: Math.max(0, best - state.stacksTipHeight),
        max_stacks_height_of_neighbors: best,
        node_stacks_tip_height: state.stacksTipHeight,
      };
      if (healthGeneration(serverVersion()) === 'current') {
        sendJson(res, 200, { ...health, max_stacks_neighbor_address: zeroPeers ? null : '10.2.0.1:20444' });
      } else if (zeroPeers) {
        // no stats from any bootstrap peer (gethealth.rs:244-247 at 3.2.0.0.1): HttpServerError
        sendText(res, 500, "Couldn't obtain stats on any bootstrap peers, unable to determine health.", 'text/plain');
      } else {
        sendJson(res, 200, health);
      }
    } else {
      sendText(res, 404, 'Not found', 'text/plain');
    }
  });

  const nodeMetrics = new ToggleServer(async (req, res) => {
    if (!(await before('metrics', req, res))) return;
    if (faults.metrics.fault === 'malformed') {
      sendText(res, 200, '# TYPE stacks_node_stacks_tip_height gauge\nstacks_node_stacks_tip_height{ 171000\n');
      return;
    }
    const peersIn = zeroPeers ? 0 : state.inbound;
    const peersOut = zeroPeers ? 0 : state.outbound;
    sendText(
      res,
      200,
      [
        family('stacks_node_active_miners_total', 'Total number of active miners', 'gauge', [['', 3]]),
        family('stacks_node_burn_block_height', 'Burnchain tip height', 'gauge', [['', reportedBurn()]]),
        family('stacks_node_errors_emitted_total', 'Total number of error logs emitted by node', 'counter', [['', state.errors]]),
        family('stacks_node_mempool_outstanding_txs', 'Number of still-unprocessed transactions received by this node since it started', 'gauge', [['{handler="all"}', 37]]),
        family('stacks_node_neighbors_inbound', 'Total count of current known inbound neighbors', 'gauge', [['', peersIn]]),
        family('stacks_node_neighbors_outbound', 'Total count of current known outbound neighbors', 'gauge', [['', peersOut]]),
        family('stacks_node_rpc_call_latencies_histogram', 'Time (seconds) measuring RPC calls latency', 'histogram', [
          ['_bucket{path="/v2/info",le="0.005"}', Math.floor(state.rpcRequests * 0.8)],
          ['_bucket{path="/v2/info",le="0.01"}', Math.floor(state.rpcRequests * 0.95)],
          ['_bucket{path="/v2/info",le="+Inf"}', state.rpcRequests],
          ['_sum{path="/v2/info"}', state.rpcRequests * 0.004],
          ['_count{path="/v2/info"}', state.rpcRequests],
        ]),
        family('stacks_node_rpc_requests_total', 'Total number of RPC requests made.', 'counter', [['{handler="all"}', state.rpcRequests]]),
        family('stacks_node_stacks_tip_height', 'Stacks chain tip height', 'gauge', [['', state.stacksTipHeight]]),
        family('stacks_node_stx_blocks_processed_total', 'Total number of stacks blocks processed', 'counter', [['', state.stacksTipHeight - 170_000]]),
        family('stacks_node_warning_emitted_total', 'Total number of warning logs emitted by node', 'counter', [['', state.warnings]]),
      ].join('')
    );
  });

  const signerMetrics = new ToggleServer(async (req, res) => {
    if (!(await before('signer', req, res))) return;
    if (faults.signer.fault === 'malformed') {
      sendText(res, 200, '<html><body>502 Bad Gateway</body></html>\n', 'text/html');
      return;
    }
    const s = state.signer;
    sendText(
      res,
      200,
      [
        family('stacks_signer_block_pre_commits_sent', 'The number of block pre-commits sent by the signer', 'counter', [['', s.preCommits]]),
        family('stacks_signer_block_proposals_received', 'The number of block proposals received by the signer', 'counter', [['', s.proposals]]),
        family('stacks_signer_block_responses_sent', "The number of block responses sent. `response_type` is either 'accepted' or 'rejected'", 'counter', [
          ['{response_type="accepted"}', s.accepted],
          ['{response_type="rejected"}', s.rejected],
        ]),
        family('stacks_signer_block_validation_responses', "The number of block validation responses. `response_type` is either 'accepted' or 'rejected'", 'counter', [
          ['{response_type="accepted"}', s.validationsOk],
          ['{response_type="rejected"}', s.validationsRejected],
        ]),
        family('stacks_signer_current_reward_cycle', 'The current reward cycle', 'gauge', [['', state.rewardCycle]]),
        family('stacks_signer_nonce', 'The current nonce of the signer', 'gauge', [['', s.nonce]]),
        family('stacks_signer_stacks_node_height', 'The current height of the Stacks node', 'gauge', [['', s.stacksNodeHeight]]),
        family('stacks_signer_stx_balance', 'The current STX balance of the signer', 'gauge', [['', s.balance]]),
        ...signer.families(family),
      ]
        // TextEncoder writes gather()'s families sorted by name
        .sort()
        .join('')
    );
    // the loop's next turn: refresh_metrics() after answering, before waiting for the next
    // request; only when more than 60 whole seconds passed (server.rs:118-122,174-179)
    if (Math.floor((now() - s.lastMetricsPoll) / 1000) > 60) {
      s.lastMetricsPoll = now();
      if (!signerRefreshFails) s.stacksNodeHeight = state.stacksTipHeight;
    }
  });

  await rpc.listen(options.ports?.rpc ?? 0);
  await nodeMetrics.listen(options.ports?.metrics ?? 0);
  await signerMetrics.listen(options.ports?.signer ?? 0);
  const servers: Record<StacksTarget, ToggleServer> = { rpc, metrics: nodeMetrics, signer: signerMetrics };

  let logSeq = 0;
  const logFile = options.logFile;
  let logFormat: StacksLogFormatSetting = options.logFormat ?? 'text';
  const logLine = (): string => {
    const t = now();
    const micros = (t % 1000) * 1000 + (logSeq % 1000);
    const n = logSeq++;
    const records: LogRecord[] = [
      ['INFO', 'stackslib/src/chainstate/nakamoto/mod.rs', 2110, 'chains-coordinator-0.0.0.0:20443', 'Advanced to new tip!', [['stacks_block_height', state.stacksTipHeight], ['burn_height', state.burnBlockHeight]]],
      ['INFO', 'stackslib/src/net/relay.rs', 990, 'relayer-http://0.0.0.0:20443', 'Processing newly received Stacks blocks', [['height', state.stacksTipHeight]]],
      ['DEBG', 'stackslib/src/net/p2p.rs', 5120, 'p2p-(0.0.0.0:20444,0.0.0.0:20443)', 'Handle HTTPRequest', [['verb', 'GET'], ['path', '/v2/info'], ['query', '']]],
      ['WARN', 'stackslib/src/net/neighbors/walk.rs', 1460, 'p2p-(0.0.0.0:20444,0.0.0.0:20443)', 'Failed to connect to peer', [['peer', `10.2.0.${(n % 250) + 1}:20444`], ['err', 'connection refused']]],
      ['INFO', 'stacks-signer/src/v0/signer.rs', 530, 'signer-runloop', 'Block proposal received', [['signer_signature_hash', fakeHex(`sig${n}`, 64)], ['burn_height', state.burnBlockHeight]]],
      ['ERRO', 'stackslib/src/burnchains/bitcoin/indexer.rs', 640, 'chains-coordinator-0.0.0.0:20443', 'Failed to sync burnchain', [['burn_block_height', state.burnBlockHeight], ['err', 'timed out']]],
    ];
    const record = records[n % records.length]!;
    if (record[0] === 'WARN') state.warnings++;
    if (record[0] === 'ERRO') state.errors++;
    return renderLogRecord(record, Math.floor(t / 1000), micros, logFormat);
  };

  return {
    rpcUrl: rpc.url(),
    metricsUrl: nodeMetrics.url('/metrics'),
    signerMetricsUrl: signerMetrics.url('/metrics'),
    logFile,
    signerLogFile: options.signerLogFile,
    state,
    received,
    async setFault(fault, opts = {}) {
      const targets: StacksTarget[] = opts.target === undefined || opts.target === 'all' ? ['rpc', 'metrics', 'signer'] : [opts.target];
      if (fault === 'none') {
        stalled = false;
        zeroPeers = false;
        burnLag = 0;
        healthEndpoint = true;
      }
      if (fault === 'stalled') stalled = true;
      if (fault === 'zero-peers') zeroPeers = true;
      if (fault === 'burn-behind') burnLag = opts.lag ?? 6;
      if (fault === 'no-health') healthEndpoint = false;
      for (const target of targets) {
        faults[target] = { fault, delayMs: opts.delayMs ?? 2_000 };
        if (fault === 'down') await servers[target].close();
        else if (!servers[target].listening) await servers[target].listen();
      }
    },
    advance(blocks = {}) {
      const stacks = blocks.stacks ?? 1;
      const burn = blocks.burn ?? 0;
      for (let i = 0; i < burn; i++) {
        state.burnBlockHeight++;
        signer.onBurnBlock(signerContext());
      }
      if (blocks.tenure || burn > 0) state.tenureHeight += blocks.tenure ? 1 : burn;
      if (stalled) return;
      for (let i = 0; i < stacks; i++) {
        state.stacksTipHeight++;
        // an unregistered signer ignores proposals (runloop.rs:597); the others count and answer
        // them (v0/signer.rs handle_block_proposal, :986 increment_block_responses_sent)
        const accepted = signer.onProposal(signerContext());
        if (accepted === null) continue;
        state.signer.proposals++;
        if (accepted) {
          state.signer.accepted++;
          state.signer.validationsOk++;
          state.signer.preCommits++;
        } else {
          state.signer.rejected++;
          if (signer.state.fault === 'rejecting') state.signer.validationsRejected++;
        }
      }
    },
    async appendLog(lines = 1) {
      if (!logFile) throw new Error('startStacksSimulator: no logFile option');
      const text = typeof lines === 'number' ? Array.from({ length: lines }, logLine) : lines;
      await appendFile(logFile, text.map((l) => `${l}\n`).join(''));
      return text;
    },
    async appendSignerLog(lines = 1) {
      const file = options.signerLogFile;
      if (!file) throw new Error('startStacksSimulator: no signerLogFile option');
      const text =
        typeof lines === 'number'
          ? signer.logRecords(lines, signerContext()).map(([level, path, line, msg, kv]) => {
              const t = now();
              const micros = (t % 1000) * 1000 + (logSeq++ % 1000);
              const pairs = kv.map(([k, v]): [string, string | number] => [k, typeof v === 'boolean' ? String(v) : v]);
              // libsigner/src/runloop.rs:240 names the runloop thread signer_runloop:<port>
              return renderLogRecord([level, path, line, 'signer_runloop:30000', msg, pairs], Math.floor(t / 1000), micros, logFormat);
            })
          : lines;
      if (text.length > 0) await appendFile(file, text.map((l) => `${l}\n`).join(''));
      return text;
    },
    setSignerFault(fault) {
      signer.setFault(fault);
    },
    signer,
    setLogFormat(format) {
      logFormat = format;
    },
    setSignerRefreshFails(fails) {
      signerRefreshFails = fails;
    },
    async rotateLog() {
      if (!logFile) throw new Error('startStacksSimulator: no logFile option');
      await rename(logFile, `${logFile}.1`);
      await writeFile(logFile, '');
    },
    async truncateLog() {
      if (!logFile) throw new Error('startStacksSimulator: no logFile option');
      await truncate(logFile, 0);
    },
    async close() {
      await Promise.all([rpc.close(), nodeMetrics.close(), signerMetrics.close()]);
    },
  };
}

/** level (slog short form), file, line, thread, message, key/values */
type LogRecord = [string, string, number, string, string, Array<[string, string | number]>];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PRETTY_COLOURS: Record<string, string> = { CRIT: '0;91', ERRO: '0;91', WARN: '0;33', INFO: '0;94' };

/**
 * One record in the shapes of stacks-common/src/util/log.rs (stacks-core commit 0415dd9d):
 * print_msg_header + slog_term's `, key: value` (text), slog_json's default keys plus the
 * logger's file/line/thread (json), pretty_print_msg_header with colour codes on a tty (pretty).
 */
function renderLogRecord([level, file, line, thread, msg, kv]: LogRecord, seconds: number, micros: number, format: StacksLogFormatSetting): string {
  const fraction = String(micros).padStart(6, '0');
  if (format === 'json') {
    const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}000+00:00`);
    return JSON.stringify({ ts: iso, level, msg, thread, line, file, ...Object.fromEntries(kv) });
  }
  const pairs = kv.map(([k, v]) => (v === '' ? `, ${k}:` : `, ${k}: ${typeof v === 'string' && v.includes(' ') ? `"${v}"` : v}`)).join('');
  if (format === 'text') return `${level} [${seconds}.${fraction}] [${file}:${line}] [${thread}] ${msg}${pairs}`;
  const tty = format === 'pretty-tty';
  const d = new Date(seconds * 1000);
  const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}.${fraction}`;
  const colour = PRETTY_COLOURS[level];
  const levelText = tty && colour ? `\x1b[${colour}m${level}\x1b[0m` : level;
  return `${tty ? '\x1b[0;90m' : ''}${stamp} ${levelText} ${msg}${pairs}`;
}

/** One family in the layout of the Rust prometheus crate's TextEncoder. */
function family(name: string, help: string, type: string, samples: Array<[string, number]>): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [suffix, value] of samples) {
    lines.push(`${name}${suffix} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}
