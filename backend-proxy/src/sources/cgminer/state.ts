// The running state of one cgminer source, in the shape bitcoin's state.ts has: the fleet (its
// poller and records), discovery and its progress, the pool accounts, the poll and discovery
// timers, live subscribers, health, and what each query answers. index.ts only wires it; tests
// drive it as `source.fleet`.
import type { DataFrameJSON } from '@nodescope/shared';
import type { SourceContext } from '../../core/context.js';
import { SingleFlight } from '../../core/singleFlight.js';
import type { FleetMinerView } from '../capabilities.js';
import { QueryInputError, type Annotation, type SourceHealth, type StreamEmit } from '../types.js';
import type { CgminerSourceConfig } from './config.js';
import { answeredLatestPoll, DEFAULT_FLEET_LIMITS, fleetConditions, fleetHealth, type FleetLimits } from './conditions.js';
import { scanRanges, type DiscoveryProgress } from './discovery.js';
import { devicesFrames, fleetSummaryFrame, minerHistoryFrame, minersFrame, poolsFrame } from './frames.js';
import { createMiningMetrics } from './metrics.js';
import { AUTO_MIN_MINERS, ioThreadCount, IoThreads } from './ioThreads.js';
import { FleetPoller, type MinerRecord } from './poller.js';
import { PoolAccounts, poolAccountsFrame } from './pools/accounts.js';

/** Miner names from a variable parameter, or null for the whole fleet. */
export function parseMinerSelection(selection: string | undefined): string[] | null {
  const text = (selection ?? '').trim();
  const inner = text.startsWith('{') && text.endsWith('}') ? text.slice(1, -1) : text;
  const names = inner.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0 || names.some((n) => ['all', '$__all', '*', '.*'].includes(n.toLowerCase()))) return null;
  return [...new Set(names)];
}

export class CgminerState {
  readonly progress: DiscoveryProgress = { running: false, scanned: 0, total: 0, found: 0, startedAt: null, finishedAt: null };
  readonly poller: FleetPoller;
  readonly poolAccounts: PoolAccounts;
  private readonly metrics: ReturnType<typeof createMiningMetrics>;
  private readonly limits: FleetLimits;
  private readonly subscribers = { summary: new Set<StreamEmit>(), miners: new Set<StreamEmit>() };
  private pollTimer: NodeJS.Timeout | undefined;
  private discoverTimer: NodeJS.Timeout | undefined;
  private readonly discovery = new SingleFlight<void>();
  private stopped = false;
  /** the CGMiner exchanges' worker threads (config `ioThreads`), started on first use */
  private io: IoThreads | undefined;

  constructor(
    readonly config: CgminerSourceConfig,
    private readonly context: SourceContext
  ) {
    const metrics = createMiningMetrics(context.metrics, config.id, config.metricsDetail);
    const threads = ioThreadCount(config.ioThreads);
    this.metrics = metrics;
    this.poller = new FleetPoller({
      sourceId: config.id,
      client: { connectTimeoutMs: config.connectTimeoutMs, timeoutMs: config.timeoutMs },
      concurrency: config.concurrency,
      jitterMs: config.jitter * config.pollSeconds * 1000,
      historySize: config.historySize,
      history: context.history,
      now: context.now,
      hooks: {
        onRepairs: (kinds) => metrics.repaired(kinds),
        onError: (reason) => metrics.pollError(reason),
        onEvent: (event) => {
          if (event.kind === 'offline') context.logger.warn({ miner: event.miner }, event.text);
          else if (event.kind === 'online') context.logger.info({ miner: event.miner }, event.text);
        },
      },
      ...(config.expectedPool ? { expectedPool: config.expectedPool } : {}),
      ...(threads > 0 ? { io: { threads: (this.io = new IoThreads(threads)), minMiners: config.ioThreads === 'auto' ? AUTO_MIN_MINERS : 0 } } : {}),
    });
    for (const miner of config.miners) this.poller.add(miner);
    // pool API tokens are secrets: scrubbed from every log line and error the proxy writes
    for (const account of config.poolAccounts) context.secrets.add(account.token);
    this.poolAccounts = new PoolAccounts(config.poolAccounts, {
      now: context.now,
      scrub: (text) => context.secrets.scrub(text),
      // the pool APIs are upstreams like any other: latency and failures in nodescope_upstream_*
      measure: { sourceId: config.id, self: context.self },
      onRead: () => {
        if (!this.stopped) metrics.poolAccounts(this.poolAccounts.reconciled(this.records()));
      },
    });
    this.limits = {
      ...DEFAULT_FLEET_LIMITS,
      hotCelsius: config.limits.hotCelsius,
      rejectPercent: config.limits.rejectPercent,
      rejectWindowMs: config.limits.rejectWindowSeconds * 1000,
      underperformShare: config.limits.underperformPercent / 100,
      underperformWindowMs: config.limits.underperformWindowSeconds * 1000,
    };
  }

  /** bytes the I/O threads' heaps use (0 without threads) */
  ioThreadsHeapUsed(): Promise<number> {
    return this.io?.heapUsed() ?? Promise.resolve(0);
  }

  records(): MinerRecord[] {
    return [...this.poller.miners.values()];
  }

  /** the fleet as other sources read it (capabilities.ts FleetReader) */
  miners(): FleetMinerView[] {
    return this.records().map((r) => ({
      name: r.name,
      status: r.status,
      model: r.configModel ?? r.identity?.model ?? null,
      hashrate: r.status === 'online' ? (r.snapshot?.hashrate ?? null) : r.snapshot ? 0 : null,
      hashrateAvg: r.snapshot?.hashrateAvg ?? null,
      powerWatts: r.power.watts,
      powerSource: r.power.source,
      powerNote: r.power.note,
    }));
  }

  private minerNamed(key: string): MinerRecord {
    const record = this.poller.find(key);
    if (!record) throw new QueryInputError(`unknown miner "${key.slice(0, 100)}" in source ${this.config.id}`);
    return record;
  }

  private minersNamed(selection: string | undefined): MinerRecord[] {
    return parseMinerSelection(selection)?.map((key) => this.minerNamed(key)) ?? this.records();
  }

  private summary(): DataFrameJSON {
    return fleetSummaryFrame(this.records(), this.progress, this.poller.lastCycle, this.context.now());
  }

  /** runs one poll cycle now (joins a running one) */
  async pollNow(): Promise<void> {
    await this.poller.pollAll();
    const all = this.records();
    // a cycle that ends after stop() must not bring back the series stop() removed
    if (!this.stopped) {
      this.metrics.update(all, this.progress, this.poller.lastCycle);
      if (this.config.poolAccounts.length > 0) this.metrics.poolAccounts(this.poolAccounts.reconciled(all));
    }
    const { subscribers } = this;
    if (subscribers.summary.size > 0) {
      const frame = this.summary();
      for (const emit of subscribers.summary) emit(frame);
    }
    if (subscribers.miners.size > 0) {
      const frame = minersFrame(all);
      for (const emit of subscribers.miners) emit(frame);
    }
  }

  /** runs discovery now over the configured ranges */
  discoverNow(): Promise<void> {
    const { config, context } = this;
    const discover = config.discover;
    if (!discover) return Promise.resolve();
    return this.discovery.run(() => {
      const cidrs = Array.isArray(discover.cidr) ? discover.cidr : [discover.cidr];
      return scanRanges(cidrs, discover.port, {
        concurrency: discover.concurrency,
        client: { connectTimeoutMs: discover.timeoutMs, timeoutMs: Math.max(discover.timeoutMs, config.timeoutMs) },
        progress: this.progress,
        now: context.now,
      })
        .then((found) => {
          for (const miner of found) this.poller.add({ host: miner.host, port: miner.port, discovered: true, identity: miner });
          context.logger.info({ source: config.id, found: found.length, scanned: this.progress.scanned }, 'cgminer discovery finished');
        })
        .catch((error: unknown) => context.logger.warn({ source: config.id, err: error }, 'cgminer discovery failed'));
    });
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.pollNow()
        .catch((error: unknown) => this.context.logger.warn({ source: this.config.id, err: error }, 'cgminer poll cycle failed'))
        .finally(() => this.schedulePoll());
    }, this.config.pollSeconds * 1000);
    this.pollTimer.unref();
  }

  // --- what the queries answer -----------------------------------------------------------------

  fleetSummary(): DataFrameJSON[] {
    return [this.summary()];
  }

  minersTable(status: string): DataFrameJSON[] {
    const all = this.records();
    return [minersFrame(status !== 'all' ? all.filter((r) => r.status === status) : all)];
  }

  minerDevices(miner: string): DataFrameJSON[] {
    return devicesFrames(this.minerNamed(miner.trim()));
  }

  minerPools(miner: string): DataFrameJSON[] {
    return [poolsFrame(this.minerNamed(miner.trim()))];
  }

  minerHistory(miner: string, range: { from: number; to: number }, maxDataPoints: number): DataFrameJSON[] {
    return [minerHistoryFrame(this.minerNamed(miner.trim()), range, maxDataPoints)];
  }

  poolAccountsTable(): DataFrameJSON[] {
    return [poolAccountsFrame(this.poolAccounts.reconciled(this.records()))];
  }

  /** pool URLs of some miners: a name, a comma list, Grafana's multi-value `{a,b}`; empty, `all` or an All value means the whole fleet */
  poolUrls(selection: string | undefined): string[] {
    const urls = new Set<string>();
    for (const r of this.minersNamed(selection)) for (const p of r.snapshot?.pools ?? []) if (p.url) urls.add(p.url);
    return [...urls].sort();
  }

  statusAnnotations(range: { from: number; to: number }): Annotation[] {
    return this.poller.events
      .filter((e) => e.time >= range.from && e.time <= range.to)
      .map((e) => ({
        time: e.time,
        title: e.kind === 'pool' ? `${e.miner}: pool switch` : `${e.miner} ${e.kind}`,
        text: e.text,
        tags: ['cgminer', e.kind, e.miner],
      }));
  }

  /** Live frames of `fleet.summary` or `miners` after every poll cycle; returns the unsubscribe. */
  subscribe(stream: 'summary' | 'miners', emit: StreamEmit): () => void {
    this.subscribers[stream].add(emit);
    return () => this.subscribers[stream].delete(emit);
  }

  // --- life cycle and health -----------------------------------------------------------------

  health(): SourceHealth {
    const all = this.records();
    const checked = all.filter(answeredLatestPoll).length;
    const fleet = fleetHealth(this.reachability(all), fleetConditions(all, this.limits, this.context.now()), this.limits, { checked, total: all.length });
    return this.config.poolAccounts.length > 0 ? this.withPoolAccounts(fleet, all) : fleet;
  }

  // the pool side as one more component: an account the API does not answer for, a pool that
  // credits less than the miners report, fleet miners the pool does not see hashing
  private withPoolAccounts(fleet: SourceHealth, all: MinerRecord[]): SourceHealth {
    const problems: string[] = [];
    for (const { state, reconciliation } of this.poolAccounts.reconciled(all)) {
      const id = state.config.id;
      if (state.lastError !== null) problems.push(`${id}: ${state.lastError}`);
      else if (!state.view || !reconciliation) continue;
      else {
        const { ratio, notAtPool } = reconciliation;
        if (ratio !== null && ratio < state.config.minCreditedShare) problems.push(`${id}: the pool credits ${Math.round(ratio * 100)} % of what the miners report`);
        if (notAtPool.length > 0) problems.push(`${id}: not hashing at the pool: ${notAtPool.slice(0, 5).join(', ')}${notAtPool.length > 5 ? ` +${notAtPool.length - 5} more` : ''}`);
      }
    }
    const component = {
      status: problems.length > 0 ? ('degraded' as const) : ('ok' as const),
      message: problems.length > 0 ? problems.join('; ') : `${this.config.poolAccounts.length} pool account(s) credit what the miners report`,
      lastSuccess: this.poolAccounts.states.reduce<number | null>((max, s) => (s.lastSuccess !== null && (max === null || s.lastSuccess > max) ? s.lastSuccess : max), null),
    };
    const components = { ...fleet.components, poolAccounts: component };
    if (problems.length === 0) return { ...fleet, components };
    return { ...fleet, status: fleet.status === 'ok' ? 'degraded' : fleet.status, message: `${fleet.message}; pool accounts: ${problems.join('; ')}`, components };
  }

  private reachability(all: MinerRecord[]): SourceHealth {
    const progress = this.progress;
    const lastSuccess = all.reduce<number | null>((max, r) => (r.lastSeen !== null && (max === null || r.lastSeen > max) ? r.lastSeen : max), null);
    const online = all.filter((r) => r.status === 'online').length;
    const offline = all.filter((r) => r.status === 'offline').length;
    if (all.length === 0) {
      return { status: progress.running ? 'starting' : 'degraded', message: progress.running ? 'discovery running' : 'no miners configured or found', lastSuccess };
    }
    if (online === 0 && offline === 0) return { status: 'starting', message: 'first poll pending', lastSuccess };
    if (online === 0) return { status: 'down', message: `all ${offline} miners offline`, lastSuccess };
    if (offline > 0) return { status: 'degraded', message: `${offline} of ${all.length} miners offline`, lastSuccess };
    return { status: 'ok', message: `${online} miners online`, lastSuccess };
  }

  start(): void {
    const { config, context } = this;
    this.stopped = false;
    void this.discoverNow().then(() => (config.miners.length === 0 ? this.pollNow().catch(() => undefined) : undefined));
    if (config.discover && config.discover.everySeconds > 0) {
      this.discoverTimer = setInterval(() => void this.discoverNow(), config.discover.everySeconds * 1000);
      this.discoverTimer.unref();
    }
    void this.pollNow().catch((error: unknown) => context.logger.warn({ source: config.id, err: error }, 'cgminer first poll failed'));
    this.schedulePoll();
    this.poolAccounts.start();
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearInterval(this.discoverTimer);
    this.poolAccounts.stop();
    this.metrics.clear();
    this.subscribers.summary.clear();
    this.subscribers.miners.clear();
    return this.io?.close() ?? Promise.resolve();
  }
}
