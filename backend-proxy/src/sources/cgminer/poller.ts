// The fleet: configured + discovered miners, polled with bounded concurrency, a per-miner
// timeout and jitter. Keeps online/offline with since-times, a history ring per miner and a
// bounded event list (offline/online, pool switches) for annotations.
import { resolvePower, type PowerSource } from '@nodescope/shared';
import type { HistoryRing, HistoryStore } from '../../core/history.js';
import { SingleFlight } from '../../core/singleFlight.js';
import { UpstreamError } from '../types.js';
import { CgminerStatusError, sendCommands, type ClientOptions, type MinerEndpoint, type ReplyDocument } from './client.js';
import type { ReadOnlyCommand } from './commands.js';
import { mapLimit } from './limit.js';
import { identifyMiner } from './discovery.js';
import { readHttpMiner } from './httpFamilies.js';
import type { HttpApi } from './http.js';
import { sendV3, V3_POLL, V3_PORT, v3Identity, v3Snapshot, type V3Documents } from './btminerV3.js';
import { activePool, expectedFans, fittedFans, maxTemperature, POLL_PLAN, toSnapshot, type Identity, type MinerSnapshot } from './model.js';
import type { RepairKind } from './repair.js';
import type { ExpectedPool } from './conditions.js';
import { memoByModel } from './nominal.js';
import type { IoThreads } from './ioThreads.js';

export type MinerStatus = 'online' | 'offline' | 'unknown';

export interface MinerSample {
  t: number;
  hashrate: number | null;
  maxTemp: number | null;
  fanMin: number | null;
  /** rejected shares since the previous sample */
  rejected: number | null;
  /** accepted shares since the previous sample (absent in history written before it existed) */
  accepted?: number | null;
  online: boolean;
}

export interface MinerRecord {
  key: string;
  name: string;
  host: string;
  port: number;
  configModel: string | null;
  configWatts: number | null;
  discovered: boolean;
  identity: Identity | null;
  status: MinerStatus;
  since: number | null;
  lastSeen: number | null;
  lastError: string | null;
  snapshot: MinerSnapshot | null;
  power: { watts: number; source: PowerSource; note: string };
  history: HistoryRing<MinerSample>;
  /** Braiins OS: one past the last fan slot seen turning (a fitted fan that stops still counts) */
  fanSlotsSeen: number;
  /** H/s from the config, when neither firmware nor the model table knows the nominal rate */
  configNominal?: number | null;
  /** the pool and worker this miner should be on (config), null when nothing is expected */
  expectedPool?: ExpectedPool | null;
  /** Whatsminer API v3 port (btminer 2024-11+), 4433 unless configured */
  v3Port?: number;
  /** set for firmware read over HTTP (AxeOS, ePIC, VNish); the CGMiner TCP API otherwise */
  api?: HttpApi;
  /** refused a joined `a+b` request: polled one command at a time until it goes offline */
  unjoined?: boolean;
}

export interface FleetEvent {
  time: number;
  miner: string;
  kind: 'offline' | 'online' | 'pool';
  text: string;
}

export interface PollHooks {
  onRepairs?: (repairs: RepairKind[]) => void;
  onError?: (reason: string) => void;
  /** a miner went offline or came back, or switched pools */
  onEvent?: (event: FleetEvent) => void;
}

export interface PollerOptions {
  sourceId: string;
  client: ClientOptions;
  concurrency: number;
  /** miners' start times are spread over this many ms per cycle */
  jitterMs: number;
  historySize: number;
  history: HistoryStore;
  now: () => number;
  random?: () => number;
  hooks?: PollHooks;
  /** the fleet's expected pool and worker (a miner's own entry overrides it) */
  expectedPool?: ExpectedPool;
  /** CGMiner exchanges on I/O threads from a fleet of `minMiners` on (ioThreads.ts) */
  io?: { threads: IoThreads; minMiners: number };
}

const MAX_EVENTS = 2_000;

type Documents = Partial<Record<ReadOnlyCommand, ReplyDocument>>;

/** A joined request the firmware did not split: one refusal for all members, a garbled reply, or none. */
function joinRefused(error: unknown): boolean {
  return error instanceof CgminerStatusError || (error instanceof UpstreamError && (error.code === 'bad-json' || error.code === 'empty'));
}

export class FleetPoller {
  readonly miners = new Map<string, MinerRecord>();
  readonly events: FleetEvent[] = [];
  lastCycle: { at: number; durationMs: number } | null = null;
  private readonly cycle = new SingleFlight<void>();
  /** the client options of this cycle: with the I/O threads' exchange once the fleet is large enough */
  private client: ClientOptions;

  constructor(private readonly options: PollerOptions) {
    this.client = options.client;
  }

  /** Adds a miner (configured or discovered); an existing key keeps its state. */
  add(entry: {
    host: string;
    port: number;
    name?: string;
    model?: string;
    powerWatts?: number;
    nominalTerahash?: number;
    expectedPool?: ExpectedPool;
    v3Port?: number;
    api?: 'cgminer' | HttpApi;
    discovered?: boolean;
    identity?: Identity;
  }): MinerRecord {
    const key = `${entry.host}:${entry.port}`;
    const existing = this.miners.get(key);
    if (existing) {
      if (entry.identity && !existing.identity) existing.identity = entry.identity;
      return existing;
    }
    const record: MinerRecord = {
      key,
      name: entry.name ?? key,
      host: entry.host,
      port: entry.port,
      configModel: entry.model ?? null,
      configWatts: entry.powerWatts ?? null,
      discovered: entry.discovered ?? false,
      identity: entry.identity ?? null,
      status: 'unknown',
      since: null,
      lastSeen: null,
      lastError: null,
      snapshot: null,
      power: resolvePower({ model: entry.model, configWatts: entry.powerWatts }),
      history: this.options.history.ring<MinerSample>(`cgminer:${this.options.sourceId}:${key}`, this.options.historySize),
      fanSlotsSeen: 0,
      configNominal: entry.nominalTerahash != null ? entry.nominalTerahash * 1e12 : null,
      expectedPool: entry.expectedPool ?? this.options.expectedPool ?? null,
      v3Port: entry.v3Port ?? V3_PORT,
      ...(entry.api && entry.api !== 'cgminer' ? { api: entry.api } : {}),
    };
    this.miners.set(key, record);
    return record;
  }

  find(nameOrKey: string): MinerRecord | undefined {
    const byKey = this.miners.get(nameOrKey);
    if (byKey) return byKey;
    for (const record of this.miners.values()) if (record.name === nameOrKey) return record;
    return undefined;
  }

  /**
   * One poll cycle over every miner; concurrent callers share the running cycle. Jitter
   * spreads the miners' start times over `jitterMs` (random offsets, polled in offset order);
   * a worker waits only when it is ahead of that spread, so jitter never holds a slot idle
   * while other miners are due.
   */
  pollAll(): Promise<void> {
    return this.cycle.run(() => {
      const { io } = this.options;
      this.client = io && this.miners.size >= io.minMiners ? { ...this.options.client, exchange: io.threads.exchange } : this.options.client;
      const started = this.options.now();
      const startedHr = performance.now();
      const random = this.options.random ?? Math.random;
      const jitterMs = this.options.jitterMs;
      const plan = [...this.miners.values()]
        .map((record) => ({ record, offset: jitterMs > 0 ? random() * jitterMs : 0 }))
        .sort((a, b) => a.offset - b.offset);
      return mapLimit(plan, this.options.concurrency, async ({ record, offset }) => {
        const wait = startedHr + offset - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        await this.pollOne(record);
      }).then(() => {
        this.lastCycle = { at: started, durationMs: performance.now() - startedHr };
      });
    });
  }

  async pollOne(record: MinerRecord): Promise<void> {
    const endpoint = { host: record.host, port: record.port };
    try {
      if (record.api) {
        const read = await readHttpMiner(record.api, endpoint, { ...this.options.client, sourceId: this.options.sourceId });
        record.identity = read.identity;
        this.record(record, read.snapshot);
        return;
      }
      record.identity ??= await identifyMiner((commands) => this.send(endpoint, commands));
      if (record.identity.flavour === 'whatsminer-v3') {
        // API v3 on its own port, one read per connection
        const v3 = { host: record.host, port: record.v3Port ?? V3_PORT };
        const docs: V3Documents = {};
        for (const read of V3_POLL) docs[read.key] = await sendV3(v3, read.cmd, read.param, this.options.client);
        record.identity = v3Identity(docs.device, record.identity);
        this.record(record, v3Snapshot(docs));
        return;
      }
      this.record(record, toSnapshot(record.identity.flavour, await this.readPlan(record, endpoint, POLL_PLAN[record.identity.flavour])));
    } catch (error) {
      this.fail(record, error);
    }
  }

  /**
   * The flavour's poll: its `joined` commands as one `+` request, then each `alone` command on
   * its own connection. A member the miner refuses is left out (as sendCommands does); only when
   * every command was refused is the poll an error. Firmware that refuses or garbles the joined
   * request is asked one command at a time, as pyasic falls back
   * (pyasic@0.79.0:pyasic/rpc/base.py:118-124), and from then on until it goes offline.
   */
  private async readPlan(record: MinerRecord, endpoint: MinerEndpoint, plan: { joined: ReadOnlyCommand[]; alone?: ReadOnlyCommand[] }): Promise<Documents> {
    const { joined, alone = [] } = plan;
    let documents: Documents | undefined;
    if (joined.length > 0 && !record.unjoined) {
      try {
        documents = await this.send(endpoint, joined);
      } catch (error) {
        if (joined.length === 1 || !joinRefused(error)) throw error;
      }
    }
    const oneByOne = documents ? alone : [...joined, ...alone];
    documents ??= {};
    let refusal: CgminerStatusError | undefined;
    for (const command of oneByOne) {
      try {
        Object.assign(documents, await this.send(endpoint, [command]));
      } catch (error) {
        if (!(error instanceof CgminerStatusError)) throw error;
        refusal ??= error;
      }
    }
    if (Object.keys(documents).length === 0) throw refusal ?? new UpstreamError(`${endpoint.host}:${endpoint.port}: no command answered`, 'empty');
    // it answers, only not in the joined form: no joined try on later polls
    if (oneByOne.length > alone.length && joined.length > 1) record.unjoined = true;
    return documents;
  }

  private async send(endpoint: MinerEndpoint, commands: ReadOnlyCommand[]) {
    const result = await sendCommands(endpoint, commands, this.client);
    if (result.repairs.length > 0) this.options.hooks?.onRepairs?.(result.repairs);
    return result.documents;
  }

  private record(record: MinerRecord, snapshot: MinerSnapshot): void {
    const now = this.options.now();
    const previous = record.snapshot;
    const wasPool = previous ? activePool(previous)?.url : undefined;
    const nowPool = activePool(snapshot)?.url;
    if (wasPool && nowPool && wasPool !== nowPool) {
      this.event({ time: now, miner: record.name, kind: 'pool', text: `pool switch: ${wasPool} -> ${nowPool}` });
    }
    if (record.status !== 'online') {
      if (record.status === 'offline') this.event({ time: now, miner: record.name, kind: 'online', text: `${record.name} back online` });
      record.status = 'online';
      record.since = now;
    }
    if (snapshot.fanSlots) {
      const fitted = fittedFans(snapshot.fanSlots, expectedFans(record.configModel ?? record.identity?.model), record.fanSlotsSeen);
      record.fanSlotsSeen = Math.max(record.fanSlotsSeen, snapshot.fanSlots.reduce((last, rpm, i) => (rpm > 0 ? i + 1 : last), 0));
      snapshot.fans = fitted;
    }
    record.snapshot = snapshot;
    record.lastSeen = now;
    record.lastError = null;
    record.power = this.powerOf(snapshot.measuredWatts, record.configModel ?? record.identity?.model, record.configWatts);
    const fanMin = snapshot.fans.length > 0 ? Math.min(...snapshot.fans) : null;
    record.history.push({
      t: now,
      hashrate: snapshot.hashrate,
      maxTemp: maxTemperature(snapshot),
      fanMin,
      rejected: previous ? Math.max(0, snapshot.rejected - previous.rejected) : null,
      accepted: previous ? Math.max(0, snapshot.accepted - previous.accepted) : null,
      online: true,
    });
  }

  // the model table's answer per model and configured watts (resolvePower scans the spec table)
  private readonly powerByModel = memoByModel((key) => {
    const [model, configWatts] = JSON.parse(key) as [string | null, number | null];
    return Object.freeze(resolvePower({ model, configWatts }));
  });

  private powerOf(measuredWatts: number | null, model: string | null | undefined, configWatts: number | null): MinerRecord['power'] {
    if (measuredWatts != null && measuredWatts > 0) return resolvePower({ measuredWatts });
    return this.powerByModel(JSON.stringify([model ?? null, configWatts]));
  }

  private fail(record: MinerRecord, error: unknown): void {
    const now = this.options.now();
    const message = error instanceof Error ? error.message : String(error);
    record.lastError = message;
    const reachable = error instanceof CgminerStatusError || (error instanceof UpstreamError && (error.code === 'bad-json' || error.code === 'too-large'));
    this.options.hooks?.onError?.(error instanceof UpstreamError ? String(error.code ?? 'error') : 'error');
    if (reachable) return; // it answered: not offline, but this sample is lost
    if (record.status !== 'offline') {
      if (record.status === 'online') this.event({ time: now, miner: record.name, kind: 'offline', text: `${record.name} offline: ${message}` });
      record.status = 'offline';
      record.since = now;
      // firmware may be swapped while a miner is down: identify it again when it returns
      record.identity = null;
      record.fanSlotsSeen = 0;
      record.unjoined = false;
    }
    record.history.push({ t: now, hashrate: 0, maxTemp: null, fanMin: null, rejected: null, accepted: null, online: false });
  }

  private event(event: FleetEvent): void {
    // offline and back online: one log line each, when it happens (not one per failed poll)
    this.options.hooks?.onEvent?.(event);
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }
}
