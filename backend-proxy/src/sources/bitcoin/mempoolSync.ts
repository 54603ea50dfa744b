// Keeps the compact mempool equal to the node's: initial fill and resync with
// `getrawmempool false true` + batched `getmempoolentry`, then ZMQ `sequence` events applied
// one after another in arrival (= mempool-sequence) order. Without ZMQ, or while ZMQ is quiet,
// it polls and diffs instead.
//
// Sequence rule: getrawmempool's `mempool_sequence` is the *next* sequence number (Core's
// CTxMemPool::GetSequence), so an A/R event with sequence < snapshot is already in the
// snapshot and one with sequence >= snapshot still has to be applied (interface_zmq.py).
import type { Logger } from 'pino';
import { SingleFlight } from '../../core/singleFlight.js';
import type { SourceHealth } from '../types.js';
import { DEFAULT_IN_FLIGHT, MAX_IN_FLIGHT, RpcError, type BitcoinRpc } from './client.js';
import { effectiveFeeRates, feeHistogram, projectBlocks, type FeeHistogram, type ProjectedBlock } from './feerates.js';
import { scanMempoolEntries } from './entryScan.js';
import { scanRawMempool } from './txidScan.js';
import { CompactMempool, type MempoolEntryInput } from './mempool.js';
import { SequenceSubscriber, type SequenceMessage } from './zmq.js';

/** getmempoolentry as Core 28 answers it (fields nodescope reads). */
export interface MempoolEntryRpc {
  vsize: number;
  time: number;
  fees: { base: number; modified?: number; ancestor?: number; descendant?: number };
  depends?: string[];
  /** in-mempool children */
  spentby?: string[];
  /** removed in Core 23 (-deprecatedrpc=fees); read only when `fees` is missing */
  fee?: number;
}

const RPC_INVALID_ADDRESS_OR_KEY = -5; // "Transaction not in mempool"
/** events held while a resync runs; beyond this the queue is dropped and a resync covers it */
const MAX_QUEUE = 500_000;
/** a long fill (a 300k mempool from a busy node) says how far it got this often */
const PROGRESS_LOG_MS = 2_000;
/**
 * getmempoolentry calls per request: a reply of 200 entries (~96 KB) stays below V8's
 * large-object size (128 KiB), so neither side allocates each reply in the old generation,
 * whose growth set off full collections (1M fill: simulator CPU 6.5 -> 5.6 s, load 9-15).
 * A fill keeps as many out as the client allows (maxInFlight: bitcoind's 4 RPC threads by
 * default, client.ts DEFAULT_IN_FLIGHT).
 */
const ENTRY_BATCH = 200;
/**
 * getmempoolentry requests for ZMQ adds in flight at once (bitcoind's 4 RPC threads, as above).
 * An add is asked for as it arrives rather than when the worker reaches it, so it no longer
 * waits a round trip behind the add before it (BENCH=livesse trace: p99 16-35 ms, 60-100 ms
 * under load); adds that arrive while all are out go together in the next request. The worker
 * still applies them one after another in arrival order: the `sequence` topic's mempool
 * sequence exists "to allow a total ordering of mempool events to be constructed" (Bitcoin
 * Core doc/zmq.md, the `sequence` topic), and an add applied after the removal that followed
 * it would leave a transaction the node no longer has.
 */
const ADD_FETCHES = DEFAULT_IN_FLIGHT;

/**
 * The getmempoolentry of some ZMQ adds, asked for ahead of the worker: one object and one
 * derived promise per request (it was a Map, an async chain and then/finally/catch each).
 */
interface AddFetch {
  /** the adds asked for, in queue order */
  group: SequenceMessage[];
  /** resolves (never rejects) when the reply is in or failed */
  done: Promise<void>;
  /** group[i]'s entry at i once in; a transaction gone meanwhile (-5) has none */
  entries: Array<MempoolEntryInput | undefined> | null;
  /** the RPC's failure, for the worker to report when it reaches these adds */
  error: unknown;
  /** where the next lookup starts: the worker takes the group's adds in order */
  cursor: number;
}

/** getmempoolentry's -5: the transaction left the mempool after it was announced (skipped: its removal follows). */
function goneFromMempool(error: unknown): boolean {
  return error instanceof RpcError && error.code === RPC_INVALID_ADDRESS_OR_KEY;
}

export function toEntryInput(txid: string, entry: MempoolEntryRpc): MempoolEntryInput {
  const feeBtc = entry.fees?.base ?? entry.fee ?? 0;
  return { txid, vsize: entry.vsize, fee: Math.round(feeBtc * 1e8), time: entry.time, depends: entry.depends ?? [] };
}

export interface ZmqStatus {
  mode: 'zmq' | 'polling';
  endpoint: string | null;
  connected: boolean;
  /** ZMQ endpoint configured but no message for a while and the node's mempool differs */
  silent: boolean;
  synced: boolean;
  syncing: boolean;
  messages: number;
  malformed: number;
  gaps: number;
  resyncs: number;
  lastMessage: number | null;
  lastResync: number | null;
  lastResyncMs: number | null;
  lastResyncReason: string | null;
  lastError: string | null;
  mempoolTxs: number;
  bytesPerTx: number;
  refused: number;
}

export interface MempoolAnalysis {
  at: number;
  version: number;
  histogram: FeeHistogram;
  blocks: ProjectedBlock[];
}

export interface MempoolSyncOptions {
  endpoint: string | null;
  cap: number;
  pollMs: number;
  maxBatch: number;
  rpc: BitcoinRpc;
  logger: Logger;
  now: () => number;
  /** called after every change of the store (throttled by the caller) */
  onChange?: () => void;
  onResync?: (reason: string, ms: number, txs: number) => void;
  onMessage?: (message: SequenceMessage) => void;
  onGap?: () => void;
}

export class MempoolSync {
  readonly store: CompactMempool;
  /** bumped on every change of the store */
  version = 0;
  private readonly subscriber: SequenceSubscriber | null;
  private queue: SequenceMessage[] = [];
  /**
   * each queued add's fetch once one is asked for; an add leaves it as it leaves the queue, and
   * a dropped queue clears it. (It was a WeakMap: its entries are ephemerons, which cost the
   * collector per entry; at 100k adds the ingest bench's CPU per add went down with a Map.)
   */
  private readonly addFetches = new Map<SequenceMessage, AddFetch>();
  /** adds waiting for one of the ADD_FETCHES requests */
  private unfetchedAdds: SequenceMessage[] = [];
  private addFetchesOut = 0;
  private resyncReason: string | null = 'initial fill';
  /** the serial worker's run (drain), one at a time */
  private readonly worker = new SingleFlight<void>();
  private running = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private lastCounter: number | null = null;
  /** set by a disconnect: the first message after it starts a resync (the node may have restarted) */
  private reconnected = false;
  /** mempool sequence the next A/R must carry unless a block came between (blocks consume sequence numbers silently) */
  private expectedSequence: number | null = null;
  private blockSinceExpected = false;
  private lastSeenSequence: number | null = null;
  private snapshotSequence: number | null = null;
  private polledSequence: number | null = null;
  private cachedAnalysis: MempoolAnalysis | null = null;
  private readonly status_: ZmqStatus;

  constructor(private readonly options: MempoolSyncOptions) {
    this.store = new CompactMempool(options.cap);
    this.subscriber = options.endpoint
      ? new SequenceSubscriber(options.endpoint, {
          message: (m) => this.onMessage(m),
          connected: () => this.onConnected(),
          disconnected: () => this.onDisconnected(),
          malformed: () => this.status_.malformed++,
        })
      : null;
    this.status_ = {
      mode: options.endpoint ? 'zmq' : 'polling',
      endpoint: options.endpoint,
      connected: false,
      silent: false,
      synced: false,
      syncing: false,
      messages: 0,
      malformed: 0,
      gaps: 0,
      resyncs: 0,
      lastMessage: null,
      lastResync: null,
      lastResyncMs: null,
      lastResyncReason: null,
      lastError: null,
      mempoolTxs: 0,
      bytesPerTx: 0,
      refused: 0,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.subscriber?.start();
    this.pollTimer = setInterval(() => this.onPollTick(), this.options.pollMs);
    this.pollTimer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    await this.subscriber?.stop();
  }

  status(): ZmqStatus {
    return {
      ...this.status_,
      mempoolTxs: this.store.size,
      bytesPerTx: this.store.bytesPerTx,
      refused: this.store.refused,
    };
  }

  health(): SourceHealth {
    const s = this.status();
    const lastSuccess = s.lastResync;
    if (!s.synced) return { status: 'starting', message: s.lastError ?? 'mempool not filled yet', lastSuccess };
    if (s.mode === 'zmq' && !s.connected)
      return { status: 'degraded', message: `ZMQ ${s.endpoint} disconnected; polling`, lastSuccess };
    if (s.silent) return { status: 'degraded', message: `ZMQ ${s.endpoint} silent; polling`, lastSuccess };
    if (s.refused > 0)
      return {
        status: 'degraded',
        message: `mempool cap ${this.options.cap} reached; ${s.refused} transactions not tracked`,
        lastSuccess,
      };
    if (s.lastError) return { status: 'degraded', message: s.lastError, lastSuccess };
    return {
      status: 'ok',
      message: s.mode === 'zmq' ? 'ZMQ live' : 'polling (no ZMQ endpoint configured)',
      lastSuccess,
    };
  }

  /**
   * Histogram and projected blocks, recomputed at most every 200 ms when the store changed
   * (`current`: recomputed whenever it changed, for a live frame that must show the change).
   */
  analysis(current = false): MempoolAnalysis {
    const now = this.options.now();
    const cached = this.cachedAnalysis;
    // an age below 0 is a clock that stepped back: recompute rather than serve it for the step
    const age = cached ? now - cached.at : 0;
    if (cached && (cached.version === this.version || (!current && age >= 0 && age < 200))) return cached;
    const view = this.store.view();
    const rates = effectiveFeeRates(view);
    this.cachedAnalysis = {
      at: now,
      version: this.version,
      histogram: feeHistogram(view, rates),
      blocks: projectBlocks(view, rates),
    };
    return this.cachedAnalysis;
  }

  /** The fast poll saw the node's mempool size: a quiet ZMQ with a different size means lost events. */
  observeNodeMempool(size: number): void {
    if (this.status_.mode !== 'zmq' || !this.status_.synced || this.status_.syncing || this.queue.length > 0) return;
    // the worker still applying an event (a slow getmempoolentry), or waiting to retry one it
    // could not fetch (a resync is due): the difference is ours, not lost messages
    if (this.worker.inFlight !== null || this.retryTimer !== undefined || this.resyncReason !== null) return;
    const quietMs = this.options.now() - (this.status_.lastMessage ?? this.status_.lastResync ?? 0);
    if (quietMs >= Math.max(3 * this.options.pollMs, 1_000) && size !== this.store.size) {
      if (!this.status_.silent)
        this.options.logger.warn(
          { endpoint: this.status_.endpoint },
          'ZMQ quiet while the mempool changed: polling until it speaks again'
        );
      this.status_.silent = true;
      this.requestResync('ZMQ silent');
    }
  }

  requestResync(reason: string): void {
    // a routine poll never hides a real reason (gap, restart, reorg) in status and metrics
    if (this.resyncReason === null || this.resyncReason === 'poll') this.resyncReason = reason;
    this.kick();
  }

  // ---- events ----

  private onMessage(message: SequenceMessage): void {
    const s = this.status_;
    s.messages++;
    s.lastMessage = this.options.now();
    s.connected = true;
    if (s.silent) {
      s.silent = false;
      this.requestResync('ZMQ speaks again');
    }
    this.options.onMessage?.(message);
    if (this.reconnected || (message.counter === 0 && this.lastCounter !== null)) {
      // a new publisher (node restart): its sequences start again, old expectations are void
      this.expectedSequence = null;
      this.lastSeenSequence = null;
    }
    if (this.reconnected) {
      this.reconnected = false;
      this.lastCounter = null;
      this.requestResync('ZMQ reconnected');
    }
    const counterGap = this.lastCounter !== null && message.counter !== (this.lastCounter + 1) >>> 0;
    if (counterGap) {
      s.gaps++;
      this.options.onGap?.();
      const reason =
        message.counter === 0
          ? 'node restarted (message counter reset)'
          : `message counter gap ${this.lastCounter} -> ${message.counter}`;
      this.options.logger.warn({ endpoint: s.endpoint }, `ZMQ ${reason}: resync`);
      this.requestResync(reason);
    }
    this.lastCounter = message.counter;
    this.checkMempoolSequence(message, counterGap);
    if (this.queue.length >= MAX_QUEUE) {
      this.queue = [];
      this.addFetches.clear();
      this.unfetchedAdds = [];
      this.requestResync('event queue overflow');
    }
    this.queue.push(message);
    if (message.label === 'A' && this.fetchesAhead() && this.wantsEntry(message)) {
      this.unfetchedAdds.push(message);
      this.fetchAhead();
    }
    this.kick();
  }

  /**
   * A second gap detector that also works for the first message after a subscribe, where the
   * counter has nothing to compare with: A/R sequences are consecutive except across a block.
   */
  private checkMempoolSequence(message: SequenceMessage, alreadyCounted: boolean): void {
    if (message.mempoolSequence === undefined) {
      this.blockSinceExpected = true;
      return;
    }
    const seq = message.mempoolSequence;
    if (!alreadyCounted && this.expectedSequence !== null && !this.blockSinceExpected && seq > this.expectedSequence) {
      this.status_.gaps++;
      this.options.onGap?.();
      this.options.logger.warn(
        { endpoint: this.status_.endpoint },
        `ZMQ mempool sequence gap ${this.expectedSequence} -> ${seq}: resync`
      );
      this.requestResync('mempool sequence gap');
    }
    if (this.expectedSequence === null || seq >= this.expectedSequence || this.blockSinceExpected) {
      this.expectedSequence = seq + 1;
      this.blockSinceExpected = false;
    }
    this.lastSeenSequence = seq;
  }

  private onConnected(): void {
    this.status_.connected = true;
    this.requestResync('ZMQ connected');
  }

  private onDisconnected(): void {
    this.status_.connected = false;
    this.reconnected = true;
    this.options.logger.warn({ endpoint: this.status_.endpoint }, 'ZMQ disconnected');
  }

  private onPollTick(): void {
    // polling mode: diff every poll; ZMQ mode: only while it is silent or disconnected
    if (this.status_.mode === 'polling' || this.status_.silent || !this.status_.connected) this.requestResync('poll');
  }

  // ---- the serial worker ----

  private kick(): void {
    // while a failed step waits for its retry, new events only queue up
    if (!this.running || this.worker.inFlight !== null || this.retryTimer !== undefined) return;
    // drain's first synchronous steps may kick() again (a reorg's requestResync): SingleFlight has
    // the run recorded before drain starts, so that kick sees it running and starts no second one.
    // The finally below is chained after the worker's own settling, so inFlight is null again there.
    void this.worker.run(() => this.drain()).finally(() => {
      if (this.running && this.retryTimer === undefined && (this.resyncReason !== null || this.queue.length > 0))
        this.kick();
    });
  }

  private retryLater(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    // one warning when the node goes away; what follows while it stays away (the circuit
    // opening, another cause) goes to debug, so a down node is a line, not a stream
    if (this.status_.lastError === null) this.options.logger.warn({ error: message }, 'mempool sync failed; will retry');
    else if (this.status_.lastError !== message) this.options.logger.debug({ error: message }, 'mempool sync failed; will retry');
    this.status_.lastError = message;
    this.resyncReason ??= 'retry after error';
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.kick();
      },
      Math.min(Math.max(this.options.pollMs, 100), 5_000)
    );
    this.retryTimer.unref();
  }

  private async drain(): Promise<void> {
    try {
      while (this.running) {
        if (this.resyncReason !== null) {
          await this.resync();
          continue;
        }
        const head = this.queue[0];
        if (!head) return;
        if (head.label === 'A') await this.applyAdds();
        else {
          this.queue.shift();
          if (head.label === 'R') this.applyRemove(head);
          else if (head.label === 'C') await this.applyBlock(head.hash);
          // a disconnected block puts its transactions back (as parents of what stayed)
          else this.requestResync('block disconnected (reorg)');
        }
      }
    } catch (error) {
      this.retryLater(error);
    }
  }

  private isStale(message: SequenceMessage): boolean {
    return (
      this.snapshotSequence !== null &&
      message.mempoolSequence !== undefined &&
      message.mempoolSequence < this.snapshotSequence
    );
  }

  private wantsEntry(message: SequenceMessage): boolean {
    return !this.isStale(message) && !this.store.has(message.hash);
  }

  /**
   * Adds are fetched ahead only while no resync is due or running: one that is due drops the
   * queue, and the adds that arrive during one wait for its snapshot (their sequence is checked
   * against it); the worker fetches those itself when it reaches them.
   */
  private fetchesAhead(): boolean {
    return this.running && this.resyncReason === null && !this.status_.syncing && this.retryTimer === undefined;
  }

  /** Sends the waiting adds, while fewer than ADD_FETCHES requests are out. */
  private fetchAhead(): void {
    if (!this.fetchesAhead()) {
      this.unfetchedAdds = []; // the queue they are in is dropped (a resync is due), or the worker fetches them
      return;
    }
    while (this.addFetchesOut < ADD_FETCHES && this.unfetchedAdds.length > 0) {
      const group = this.unfetchedAdds.splice(0, this.options.maxBatch).filter((m) => !this.addFetches.has(m));
      if (group.length > 0) this.fetchAdds(group, true);
    }
  }

  private fetchAdds(group: SequenceMessage[], ahead: boolean): AddFetch {
    const fetch: AddFetch = { group, done: Promise.resolve(), entries: null, error: null, cursor: 0 };
    if (ahead) this.addFetchesOut++;
    const entries = new Array<MempoolEntryInput | undefined>(group.length);
    const finish = () => {
      if (!ahead) return;
      this.addFetchesOut--;
      this.fetchAhead();
    };
    fetch.done = this.options.rpc
      .batchEach<MempoolEntryRpc>(
        { method: 'getmempoolentry', count: group.length, params: (i) => [group[i]!.hash] },
        { concurrency: MAX_IN_FLIGHT, batchSize: ENTRY_BATCH, scan: scanMempoolEntries },
        (outcomes, _chunk, offset) => {
          for (let i = 0; i < outcomes.length; i++) {
            const outcome = outcomes[i]!;
            if (outcome.ok) entries[offset + i] = toEntryInput(group[offset + i]!.hash, outcome.result);
            // gone from the mempool meanwhile (-5): its removal follows in the queue
            else if (!goneFromMempool(outcome.error)) throw outcome.error;
          }
        }
      )
      .then(
        () => {
          fetch.entries = entries;
          finish();
        },
        (error: unknown) => {
          // the worker reports it when it reaches these adds; a resync may have dropped them first
          fetch.error = error ?? new Error('getmempoolentry failed');
          finish();
        }
      );
    for (const message of group) this.addFetches.set(message, fetch);
    return fetch;
  }

  /** The entry `fetch` got for `message` (undefined: gone meanwhile), or null while its reply is out. */
  private fetchedEntry(message: SequenceMessage, fetch: AddFetch): MempoolEntryInput | undefined | null {
    if (!fetch.entries) return null;
    let i = fetch.cursor;
    if (fetch.group[i] !== message) i = fetch.group.indexOf(message);
    fetch.cursor = i + 1;
    return fetch.entries[i];
  }

  /** Applies the adds at the head of the queue whose entries are in, waiting for the first's. */
  private async applyAdds(): Promise<void> {
    const head = this.queue[0]!;
    if (this.wantsEntry(head)) {
      let fetch = this.addFetches.get(head);
      if (!fetch) {
        // not fetched ahead (it came during a resync): the adds at the head in one request, as before
        const group: SequenceMessage[] = [];
        for (let i = 0; i < this.queue.length && group.length < this.options.maxBatch; i++) {
          const message = this.queue[i]!;
          if (message.label !== 'A') break;
          if (!this.addFetches.has(message) && this.wantsEntry(message)) group.push(message);
        }
        fetch = this.fetchAdds(group, false);
      }
      await fetch.done;
      if (fetch.error !== null) {
        // only a resync can make up for these events now
        this.resyncReason ??= 'entries could not be fetched';
        throw fetch.error;
      }
    }
    const entries: MempoolEntryInput[] = [];
    for (let message = this.queue[0]; message?.label === 'A'; message = this.queue[0]) {
      // an add with a fetch was wanted when it was asked for (not stale, not held), and a resync,
      // the one thing that changes that but this worker's adds, clears the fetches: it is not
      // looked up in the store again (its txid parsed a second time); insert skips a held one
      const fetch = this.addFetches.get(message);
      if (fetch !== undefined || this.wantsEntry(message)) {
        const entry = fetch === undefined ? null : this.fetchedEntry(message, fetch);
        if (entry === null) break; // still on its way (or failed): the next round waits for it
        if (entry) entries.push(entry);
      }
      this.addFetches.delete(message);
      this.queue.shift();
    }
    if (entries.length === 0) return;
    this.store.addEntries(entries);
    this.changed();
  }

  private applyRemove(message: SequenceMessage): void {
    if (this.isStale(message)) return;
    if (this.store.remove(message.hash)) this.changed();
  }

  private async applyBlock(hash: string): Promise<void> {
    let block: { tx: string[] };
    try {
      block = await this.options.rpc.call<{ tx: string[] }>('getblock', [hash, 1]);
    } catch (error) {
      this.resyncReason ??= 'connected block could not be read';
      throw error;
    }
    let removed = 0;
    for (const txid of block.tx) if (this.store.remove(txid)) removed++;
    if (removed > 0) this.changed();
  }

  /**
   * getmempoolentry for many transactions, the client's maxInFlight batches out, each handed over as it
   * arrives (so the node answers the next batches while this side converts the last one).
   */
  private async streamEntries(
    txids: string[],
    onEntries: (entries: MempoolEntryInput[], children: Array<{ parent: string; children: string[] }>) => void
  ): Promise<void> {
    await this.options.rpc.batchEach<MempoolEntryRpc>(
      // each batch's calls made when it is sent: a 1M fill held 1M call objects for its whole length
      { method: 'getmempoolentry', count: txids.length, params: (i) => [txids[i]] },
      { concurrency: MAX_IN_FLIGHT, batchSize: ENTRY_BATCH, scan: scanMempoolEntries },
      (outcomes, _chunk, offset) => {
        const entries: MempoolEntryInput[] = [];
        const children: Array<{ parent: string; children: string[] }> = [];
        outcomes.forEach((outcome, i) => {
          const txid = txids[offset + i]!;
          if (outcome.ok) {
            entries.push(toEntryInput(txid, outcome.result));
            const spentBy = outcome.result.spentby;
            if (spentBy && spentBy.length > 0) children.push({ parent: txid, children: spentBy });
          } else if (!goneFromMempool(outcome.error)) throw outcome.error;
        });
        onEntries(entries, children);
      }
    );
  }

  private async resync(): Promise<void> {
    const reason = this.resyncReason ?? 'resync';
    const started = performance.now();
    this.status_.syncing = true;
    // everything received so far happened before the snapshot below: it is in the snapshot.
    // A reason raised from here on (a gap, a reconnect) asks for another resync after this one.
    this.queue = [];
    this.addFetches.clear();
    this.unfetchedAdds = [];
    this.resyncReason = null;
    try {
      // the txid list read as slices of the reply rather than by JSON.parse (txidScan.ts)
      const snapshot = await this.options.rpc.call<{ txids: string[]; mempool_sequence: number }>('getrawmempool', [false, true], {
        scan: scanRawMempool,
      });
      this.status_.lastError = null;
      if (reason === 'poll' && snapshot.mempool_sequence === this.polledSequence && this.status_.synced) {
        return; // nothing changed since the last poll
      }
      const { removed, missing } = this.store.reconcile(snapshot.txids);
      const heldBefore = this.store.size;
      let changed = removed > 0;
      if (missing.length > 1_000)
        this.options.logger.info({ missing: missing.length, reason }, 'mempool resync: fetching entries');
      // parents may arrive in a later batch than their children: link after all are in
      const pendingLinks: MempoolEntryInput[] = [];
      const childLinks: Array<{ parent: string; children: string[] }> = [];
      this.store.reserve(missing.length);
      let fetched = 0;
      let loggedAt = performance.now();
      await this.streamEntries(missing, (entries, children) => {
        fetched += entries.length;
        if (performance.now() - loggedAt >= PROGRESS_LOG_MS) {
          loggedAt = performance.now();
          this.options.logger.info({ fetched, missing: missing.length, reason }, 'mempool resync: progress');
        }
        this.store.addUnlinked(entries);
        for (const entry of entries) if (entry.depends && entry.depends.length > 0) pendingLinks.push(entry);
        // children held before the fill are linked to returning parents below; a fill into an
        // empty store needs none of them
        if (heldBefore > 0) for (const link of children) childLinks.push(link);
        changed = changed || entries.length > 0;
      });
      this.store.linkParents(pendingLinks);
      // a parent that came back (reorg, replacement) is linked to children we already held;
      // children fetched now linked themselves through `depends`
      // (nothing to do on a fill into an empty store)
      if (heldBefore > 0 && childLinks.length > 0) {
        const fetchedNow = new Set(missing);
        for (const { parent, children } of childLinks) {
          const held = children.filter((child) => !fetchedNow.has(child));
          if (held.length > 0)
            this.store.linkParents(held.map((child) => ({ txid: child, vsize: 0, fee: 0, time: 0, depends: [parent] })));
        }
      }
      this.snapshotSequence = snapshot.mempool_sequence;
      this.polledSequence = snapshot.mempool_sequence;
      // events that arrived during the resync may already be past the snapshot
      const seen = this.lastSeenSequence;
      this.expectedSequence =
        seen !== null && seen + 1 > snapshot.mempool_sequence && seen < snapshot.mempool_sequence + MAX_QUEUE
          ? seen + 1
          : snapshot.mempool_sequence;
      this.blockSinceExpected = false;
      const ms = Math.round(performance.now() - started);
      const s = this.status_;
      s.synced = true;
      s.lastError = null;
      if (reason !== 'poll') {
        s.resyncs++;
        s.lastResync = this.options.now();
        s.lastResyncMs = ms;
        s.lastResyncReason = reason;
        this.options.logger.info({ reason, txs: this.store.size, ms }, 'mempool resynced');
        this.options.onResync?.(reason, ms, this.store.size);
      } else if (s.lastResync === null) {
        s.lastResync = this.options.now();
        s.lastResyncMs = ms;
      }
      if (changed) this.changed();
    } catch (error) {
      this.resyncReason ??= reason;
      throw error;
    } finally {
      this.status_.syncing = false;
    }
  }

  private changed(): void {
    this.version++;
    this.options.onChange?.();
  }
}
