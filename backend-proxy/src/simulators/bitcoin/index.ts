import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SimNode, type Block, type BranchResult } from './chain.js';
import { type ControlServer, startControlServer } from './control.js';
import { type ReceivedRequest, RpcHttpServer } from './http.js';
import { NETWORKS, type SimNetwork } from './network.js';
import { createPeers } from './peers.js';
import { type RpcContext, executeRpc } from './rpc.js';
import { entryBatchReply } from './rpc/mempool.js';
import { SequencePublisher } from './zmq.js';

export type { SimNetwork } from './network.js';
export type { ReceivedRequest } from './http.js';
export { encodeSequenceBody } from './zmq.js';

export interface BitcoinSimulatorOptions {
  network?: SimNetwork;
  /** temp dir created (and removed on close) when omitted */
  datadir?: string;
  host?: string;
  /** RPC port, 0 = ephemeral */
  port?: number;
  auth?: 'cookie' | { user: string; password: string };
  /** zmqpubsequence on tcp://127.0.0.1:<port>; null = no ZMQ, 0 = pick a free port */
  zmqPort?: number | null;
  seed?: number;
  /** what this node mines differs from another of the same seed (same history): they can fork */
  minerSalt?: number;
  /** the history's anchor in s (default: now): simulators of one seed and anchor share their history */
  historyStart?: number;
  initialHeight?: number;
  initialMempool?: number;
  /** load mode: transactions added per second by the generator */
  txPerSecond?: number;
  /** auto-mining interval, 0 = manual only */
  blockIntervalMs?: number;
  peers?: number;
  /** HTTP control endpoint for the demo (POST /fault, /mine, /reorg?depth=, /restart); off when omitted */
  controlPort?: number;
  /** how long RPC and ZMQ stay down during restart() (default 150 ms) */
  restartDownMs?: number;
  /** how long the node answers -28 after restart() (default 300 ms) */
  warmupMs?: number;
  /** bitcoind waits 250 ms before answering a wrong password */
  authFailureDelayMs?: number;
  /** indexes getindexinfo reports (default: txindex on mainnet, none elsewhere) */
  indexes?: string[];
  /** 'auto': regtest needs 3 mined blocks with transactions first, as a fresh regtest node does */
  feeEstimates?: 'auto' | 'always' | 'never';
  /**
   * bitcoind's -rpcthreads and -rpcworkqueue (Core 28 defaults: 4 and 16). When set, requests
   * beyond threads + queue in flight (e.g. under the slow fault) get the 503 work-queue answer.
   */
  rpcWorkQueue?: { threads: number; depth: number };
  /** clock in ms (tests inject one to move time without waiting) */
  now?: () => number;
}

export type BitcoinFault =
  | { kind: 'down' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'warmup'; message?: string }
  | { kind: 'workQueue' }
  | { kind: 'zmqSilent' }
  | { kind: 'zmqDrop'; count: number }
  /** this host's clock off by `seconds` (peers' time − ours, as Core measures it): getnetworkinfo/getpeerinfo timeoffset */
  | { kind: 'clockSkew'; seconds: number };

export interface MempoolEntrySnapshot {
  vsize: number;
  /** BTC */
  fee: number;
  time: number;
  ancestorsize: number;
  /** BTC */
  ancestorfees: number;
  descendantsize: number;
  /** BTC */
  descendantfees: number;
  depends: string[];
}

export interface BitcoinSimulator {
  rpcUrl: string;
  zmqSequenceEndpoint: string | null;
  datadir: string;
  cookieFile: string | null;
  /**
   * every JSON-RPC method name that reached the server, in order (also refused ones); the
   * oldest half is dropped once it holds RECEIVED_LOG_MAX
   */
  received: string[];
  /** the same with what the server did with each */
  receivedRequests: ReceivedRequest[];
  controlUrl: string | null;
  network: SimNetwork;
  addTransactions(count: number): string[];
  removeTransaction(txid: string): void;
  mineBlock(): string;
  reorg(depth: number): string[];
  /**
   * What this node does when `other` relays its active chain above their common ancestor (same
   * seed: same history): catches up, reorganizes to a longer branch, or keeps a no-longer one
   * as a side tip; `headersOnly` relays headers without blocks (a stalled block download).
   */
  syncFrom(other: BitcoinSimulator, options?: { headersOnly?: boolean }): BranchResult;
  /** the active blocks above a height, oldest first (what syncFrom reads from the other node) */
  activeBlocksAbove(height: number): Block[];
  setFault(fault: BitcoinFault | null): void;
  /** resolves once the listener follows the current fault (down closes it, clearing reopens it) */
  faultApplied(): Promise<void>;
  currentFault(): BitcoinFault | null;
  restart(): Promise<void>;
  mempoolTxids(): string[];
  mempoolEntries(): Map<string, MempoolEntrySnapshot>;
  /** next mempool sequence, as getrawmempool(false, true) reports it */
  mempoolSequence(): number;
  tipHeight(): number;
  tipHash(): string;
  /** hash of the active block at a height (undefined above the tip) */
  hashAt(height: number): string | undefined;
  /** current "user:password" (the cookie's content in cookie mode) */
  credentials(): string;
  /** HTTP requests currently being served (past body read, before the answer) */
  rpcInFlight(): number;
  /** ZMQ messages handed to the socket since the last (re)start */
  zmqPublished(): number;
  close(): Promise<void>;
}

const WARMUP_STEPS = ['Loading block index…', 'Verifying blocks…'];
export const RECEIVED_LOG_MAX = 100_000;

export async function startBitcoinSimulator(options: BitcoinSimulatorOptions = {}): Promise<BitcoinSimulator> {
  const network = options.network ?? 'regtest';
  const params = NETWORKS[network];
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const ownsDatadir = options.datadir === undefined;
  const datadir = options.datadir ?? (await mkdtemp(path.join(os.tmpdir(), 'nodescope-btcsim-')));
  const netDir = path.join(datadir, params.subdir);
  await mkdir(netDir, { recursive: true });
  const cookieMode = options.auth === undefined || options.auth === 'cookie';
  const cookieFile = cookieMode ? path.join(netDir, '.cookie') : null;
  const staticAuth = typeof options.auth === 'object' ? `${options.auth.user}:${options.auth.password}` : null;
  let credentials = staticAuth ?? '';

  let fault: BitcoinFault | null = null;
  let warmup: string | null = null;
  const now = options.now ?? Date.now;
  let startTime = Math.floor(now() / 1000);
  const received: string[] = [];
  const receivedRequests: ReceivedRequest[] = [];
  const zmq = options.zmqPort === undefined || options.zmqPort === null ? null : new SequencePublisher();
  let zmqPort = options.zmqPort ?? 0;

  const node = new SimNode({
    params,
    seed,
    initialHeight: options.initialHeight ?? params.defaultInitialHeight,
    now,
    onEvent: (e) => zmq?.publish(e),
    minerSalt: options.minerSalt,
    startTime: options.historyStart,
  });
  const peers = createPeers(options.peers ?? 12, seed, params.p2pPort, startTime);
  const feeMode = options.feeEstimates ?? 'auto';
  const ctx: RpcContext = {
    node,
    network,
    params,
    peers,
    startTime: () => startTime,
    datadir,
    zmqEndpoint: () => (zmq ? zmq.endpoint : null),
    indexes: options.indexes ?? (network === 'mainnet' ? ['txindex'] : []),
    // CBlockPolicyEstimator::MaxUsableEstimate (policy/fees.cpp:794-798): half the block span the
    // estimator has recorded, at most 1008. A regtest node starts recording at its first block
    // with transactions; the other networks (and 'always') stand for a long-running node.
    feeMaxTarget: () => {
      if (feeMode === 'never') return 0;
      if (feeMode === 'always' || network !== 'regtest') return 1008;
      const first = node.firstTxBlockHeight;
      return first === null ? 0 : Math.min(1008, Math.floor((node.tipHeight() - first) / 2));
    },
    nowMs: now,
    timeOffset: () => (fault?.kind === 'clockSkew' ? fault.seconds : 0),
  };

  const writeCookie = async () => {
    if (!cookieFile) return;
    credentials = `__cookie__:${randomBytes(32).toString('hex')}`;
    // written to .cookie.tmp and renamed, readable by the owner only, as bitcoind does
    const tmp = `${cookieFile}.tmp`;
    await writeFile(tmp, credentials, { mode: 0o600 });
    await rename(tmp, cookieFile);
  };
  const deleteCookie = async () => {
    if (cookieFile) await rm(cookieFile, { force: true });
  };

  const rpc = new RpcHttpServer(host, {
    credentials: () => credentials,
    execute: (method, p) => executeRpc(method, p, ctx),
    fastBatch: (body) => {
      const batch = entryBatchReply(body, ctx);
      return batch && { method: 'getmempoolentry', ...batch };
    },
    warmupMessage: () => (fault?.kind === 'warmup' ? (fault.message ?? 'Loading block index…') : warmup),
    delayMs: () => (fault?.kind === 'slow' ? fault.delayMs : 0),
    workQueueFull: () => fault?.kind === 'workQueue',
    ...(options.rpcWorkQueue ? { maxInFlight: options.rpcWorkQueue.threads + options.rpcWorkQueue.depth } : {}),
    isDown: () => fault?.kind === 'down',
    authFailureDelayMs: options.authFailureDelayMs ?? 250,
    onReceived: (request) => {
      // bounded: a 1M-entry resync is 1M requests, and a long-running simulator (demo, bench)
      // must not keep them all (the growing log made its garbage collector the busiest part)
      if (received.length >= RECEIVED_LOG_MAX) received.splice(0, RECEIVED_LOG_MAX / 2);
      if (receivedRequests.length >= RECEIVED_LOG_MAX) receivedRequests.splice(0, RECEIVED_LOG_MAX / 2);
      received.push(request.method);
      receivedRequests.push(request);
    },
  });

  await writeCookie();
  const rpcPort = await rpc.listen(options.port ?? 0);
  if (zmq) {
    const endpoint = await zmq.bind(zmqPort, '127.0.0.1');
    zmqPort = Number(endpoint.split(':').pop());
  }
  if (options.initialMempool) seedInitialMempool(node, options.initialMempool);

  let restarting = false;
  let closed = false;

  // load mode and auto-mining
  const timers: NodeJS.Timeout[] = [];
  const rate = options.txPerSecond ?? 0;
  if (rate > 0) {
    const tickMs = 50;
    let carry = 0;
    let last = Date.now();
    timers.push(
      setInterval(() => {
        const t = Date.now();
        carry += ((t - last) / 1000) * rate;
        last = t;
        const count = Math.floor(carry);
        carry -= count;
        if (count > 0 && fault?.kind !== 'down' && !restarting) node.addTransactions(count);
      }, tickMs)
    );
  }
  if ((options.blockIntervalMs ?? 0) > 0) {
    timers.push(
      setInterval(() => {
        if (fault?.kind !== 'down' && !restarting) node.mineBlock();
      }, options.blockIntervalMs)
    );
  }

  // listener changes are asynchronous; everything else takes effect at once
  const applyListener = async () => {
    if (closed || restarting) return;
    if (fault?.kind === 'down' && rpc.listening) await rpc.close();
    else if (fault?.kind !== 'down' && !rpc.listening) await rpc.listen(rpcPort);
  };
  let faultChain: Promise<void> = Promise.resolve();

  const simulator: BitcoinSimulator = {
    rpcUrl: `http://${host}:${rpcPort}/`,
    zmqSequenceEndpoint: zmq ? `tcp://127.0.0.1:${zmqPort}` : null,
    datadir,
    cookieFile,
    received,
    receivedRequests,
    controlUrl: null,
    network,
    addTransactions: (count) => node.addTransactions(count),
    removeTransaction: (txid) => {
      node.removeTransaction(txid);
    },
    mineBlock: () => node.mineBlock(),
    reorg: (depth) => node.reorg(depth),
    activeBlocksAbove: (height) => node.activeBlocksAbove(height),
    syncFrom(other, opts = {}) {
      // the common ancestor: the highest height both active chains agree on
      let fork = Math.min(node.tipHeight(), other.tipHeight());
      while (fork > 0 && node.hashAt(fork) !== other.hashAt(fork)) fork--;
      if (node.hashAt(fork) !== other.hashAt(fork))
        throw new Error('the two simulators share no history (use the same seed and clock)');
      return node.receiveBranch(other.activeBlocksAbove(fork), opts.headersOnly ?? false);
    },
    setFault: (next) => {
      fault = next;
      if (zmq) zmq.silent = next?.kind === 'zmqSilent';
      if (next?.kind === 'zmqDrop') zmq?.drop(next.count);
      faultChain = faultChain.then(applyListener, applyListener);
    },
    faultApplied: () => faultChain,
    currentFault: () => fault,
    async restart() {
      await faultChain;
      restarting = true;
      try {
        await rpc.close();
        await zmq?.close();
        await deleteCookie();
        await sleep(options.restartDownMs ?? 150);
        startTime = Math.floor(now() / 1000);
        await writeCookie();
        if (zmq) await zmq.bind(zmqPort, '127.0.0.1');
        const warmupMs = options.warmupMs ?? 300;
        warmup = WARMUP_STEPS[0] as string;
        await rpc.listen(rpcPort);
        await sleep(warmupMs / 2);
        warmup = WARMUP_STEPS[1] as string;
        await sleep(warmupMs / 2);
        // mempool.dat is loaded again: same transactions, sequence from 1, an A for each
        node.reloadMempool();
        warmup = null;
        if (fault?.kind === 'down') await rpc.close();
      } finally {
        restarting = false;
      }
    },
    mempoolTxids: () => [...node.mempool.entries.keys()],
    mempoolEntries: () => {
      const out = new Map<string, MempoolEntrySnapshot>();
      for (const tx of node.mempool.entries.values()) {
        const anc = node.mempool.ancestorStats(tx.txid);
        const desc = node.mempool.descendantStats(tx.txid);
        out.set(tx.txid, {
          vsize: tx.vsize,
          fee: tx.fee / 1e8,
          time: tx.time,
          ancestorsize: anc.vsize,
          ancestorfees: anc.fees / 1e8,
          descendantsize: desc.vsize,
          descendantfees: desc.fees / 1e8,
          depends: [...tx.parents],
        });
      }
      return out;
    },
    mempoolSequence: () => node.mempool.sequence,
    tipHeight: () => node.tipHeight(),
    tipHash: () => node.tipHash(),
    hashAt: (height) => node.hashAt(height),
    credentials: () => credentials,
    zmqPublished: () => zmq?.published ?? 0,
    rpcInFlight: () => rpc.inFlight,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearInterval(t);
      await faultChain.catch(() => {});
      await control?.close();
      await rpc.close();
      await zmq?.close();
      await deleteCookie();
      if (ownsDatadir) await rm(datadir, { recursive: true, force: true });
    },
  };

  let control: ControlServer | null = null;
  if (options.controlPort !== undefined) {
    control = await startControlServer(simulator, options.controlPort, host);
    simulator.controlUrl = control.url;
  }
  return simulator;
}

/** a mempool that has been filling for a while: entry times spread over the last hour */
function seedInitialMempool(node: SimNode, count: number): void {
  node.addTransactions(count);
  const now = node.nowSeconds();
  let i = 0;
  for (const tx of node.mempool.entries.values()) {
    tx.time = now - Math.floor(((count - i) / count) * 3600);
    i++;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
