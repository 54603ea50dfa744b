// The running state of one stacks source, in the shape bitcoin's and geth's state.ts have: the
// reads (cached and coalesced, through the circuit), what they leave behind (last info,
// neighbors, burn lag, signer families), the poll loop, the signer watch, the log followers and
// the Loki queue, health, and what each query answers. index.ts only wires it into a Source.
import type { DataFrameJSON, ParamsOf } from '@nodescope/shared';
import { UpstreamHealth, combineHealth } from '../../core/circuit.js';
import type { SourceContext } from '../../core/context.js';
import { own } from '../../core/lookup.js';
import { PollLoop } from '../../core/poll.js';
import { clearMirror, familiesByName, mirrorFamilies, parsePrometheusText, type MetricFamily } from '../../core/prometheusText.js';
import { fetchMetricsText, type UpstreamTarget } from '../../core/upstream.js';
import { chainOf, finiteHeight } from '../capabilities.js';
import { QueryInputError, type Annotation, type SourceHealth, type StreamEmit } from '../types.js';
import { StacksRpcClient } from './client.js';
import type { StacksSourceConfig } from './config.js';
import { logsFrame, neighborsFrame, nodeInfoFrame, signerFrame, type LogService, type StoredLogLine } from './frames.js';
import { LOG_SEVERITIES, parseStacksLogLine, type LogSeverity } from './logParse.js';
import { LogFollower, type LogLineOrigin, type LogPosition } from './logTail.js';
import { stacksMetrics } from './metrics.js';
import { SignerWatch } from './signerWatch.js';
import {
  burnLag,
  looksLikeSigner,
  neighborCounts,
  parseHealth,
  parseInfo,
  parseNeighbors,
  signerLag,
  signerStatus,
  TipTracker,
  type BurnLag,
  type HealthReading,
  type NeighborRow,
  type StacksInfo,
} from './model.js';

type LokiQueue = ReturnType<SourceContext['openLogPush']>;

/** One followed log file (the node's or the signer's) with its health and saved position. */
interface FollowedLog {
  service: LogService;
  follower: LogFollower;
  health: UpstreamHealth;
  poll(): Promise<number>;
  savePosition(): void;
}

export class StacksState {
  private readonly rpcHealth: UpstreamHealth;
  private readonly metricsHealth: UpstreamHealth;
  private readonly signerHealth: UpstreamHealth;
  private readonly rpc: StacksRpcClient;
  private readonly metrics: ReturnType<typeof stacksMetrics>;
  private readonly tracker = new TipTracker();
  /** registration, rejections, timeouts and log silence of the signer (what its alerts watch) */
  private readonly signerWatch: SignerWatch;
  private readonly watchesSigner: { log: boolean; metrics: boolean };
  private readonly ttl: number;
  // Signer families are mirrored under the source id too (one `source` label per configured
  // source), tracked apart from the node's so each endpoint's refresh replaces only its own.
  private readonly signerMirrorKey: string;

  private lastInfo: StacksInfo | null = null;
  private lastNeighbors: NeighborRow[] | null = null;
  private lastLag: BurnLag = burnLag(0, null);
  private lastSignerFamilies: Map<string, MetricFamily> | null = null;
  private healthEndpoint: 'unknown' | 'present' | 'absent' = 'unknown';

  /** the last logs.maxLines lines of every followed file, in the order read */
  readonly ring: StoredLogLine[] = [];
  private lineSeq = 0;
  private readonly logSubscribers = new Set<(lines: StoredLogLine[]) => void>();
  private readonly infoSubscribers = new Set<StreamEmit>();
  private readonly loki: LokiQueue | null;
  private readonly followers: FollowedLog[];
  private readonly logTimers: NodeJS.Timeout[] = [];
  private readonly loop: PollLoop;

  constructor(
    readonly config: StacksSourceConfig,
    private readonly context: SourceContext
  ) {
    const { id } = config;
    const now = context.now;
    const circuit = { failureThreshold: 3, openMs: Math.max(5_000, config.pollSeconds * 1_000), now };
    this.rpcHealth = new UpstreamHealth('stacks rpc', circuit);
    this.metricsHealth = new UpstreamHealth('stacks metrics', circuit);
    this.signerHealth = new UpstreamHealth('stacks-signer metrics', circuit);
    this.rpc = new StacksRpcClient(config.rpcUrl, this.http('stacks-rpc'));
    this.metrics = stacksMetrics(context.metrics, id);
    this.signerWatch = new SignerWatch({ windowMs: 15 * 60_000, logSilenceMs: (config.signer?.logSilenceSeconds ?? 300) * 1_000, startedAt: now() });
    this.watchesSigner = { log: Boolean(config.signer?.logFile), metrics: Boolean(config.signer?.metricsUrl) };
    this.ttl = Math.max(500, Math.floor((config.pollSeconds * 1_000) / 2));
    this.signerMirrorKey = `${id}#signer`;
    this.loki = config.loki
      ? context.openLogPush({
          url: config.loki.url,
          tenant: config.loki.tenant,
          spoolFile: config.loki.spoolFile,
          batchMaxLines: config.loki.batchMaxLines,
          batchMaxWaitMs: config.loki.batchMaxWaitMs,
          maxPending: config.loki.maxPending,
          now,
          onError: (message) => context.logger.warn({ loki: message }, 'loki push problem'),
        })
      : null;
    // the node's log and the signer's (same stacks-common format), each followed on its own
    this.followers = (
      [
        ['node', config.logFile],
        ['signer', config.signer?.logFile],
      ] as const
    )
      .filter((entry): entry is readonly [LogService, string] => typeof entry[1] === 'string')
      .map(([service, path]) => this.follow(service, path));
    this.loop = new PollLoop(() => this.refresh(), config.pollSeconds * 1_000);

    for (const f of this.followers) this.metrics.initLevels(f.service, LOG_SEVERITIES);
    if (this.watchesSigner.log) this.metrics.initSignerEvents();
  }

  private now(): number {
    return this.context.now();
  }

  private http(upstream: string): UpstreamTarget {
    return { timeoutMs: this.config.timeoutMs, sourceId: this.config.id, upstream, self: this.context.self };
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.context.cache.get(`stacks:${this.config.id}:${key}`, this.ttl, load);
  }

  /** true when a node log or a signer log is configured */
  get followsLogs(): boolean {
    return this.followers.length > 0;
  }

  // --- node RPC ----------------------------------------------------------------------------

  loadInfo(): Promise<StacksInfo> {
    return this.cached('info', async () => {
      const info = parseInfo(await this.rpcHealth.call(() => this.rpc.get('/v2/info')));
      this.tracker.observe(info, this.now());
      this.lastInfo = info;
      this.metrics.info(info, this.tracker.tipAgeMs(this.now()));
      return info;
    });
  }

  private loadHealth(): Promise<HealthReading | null> {
    return this.cached('health', async (): Promise<HealthReading | null> => {
      if (this.healthEndpoint === 'absent') return null;
      const answer = await this.rpcHealth.call(() => this.rpc.health());
      if (answer.kind === 'absent') {
        this.healthEndpoint = 'absent'; // before 3.1.0.0.13: no /v3/health, not an error
        return null;
      }
      this.healthEndpoint = 'present';
      // 3.1.0.0.13-3.2.0.0.1 answer 500 + a message when they cannot tell: an answer, not a failure
      const reading: HealthReading = answer.kind === 'unavailable' ? answer : { kind: 'ok', health: parseHealth(answer.body) };
      this.metrics.health(reading);
      return reading;
    });
  }

  private loadNeighbors(): Promise<NeighborRow[]> {
    return this.cached('neighbors', async () => {
      const rows = parseNeighbors(await this.rpcHealth.call(() => this.rpc.get('/v2/neighbors')));
      this.lastNeighbors = rows;
      this.metrics.neighbors(neighborCounts(rows));
      return rows;
    });
  }

  // --- metrics endpoints -------------------------------------------------------------------

  private loadNodeMetrics() {
    return this.cached('node-metrics', async () => {
      const url = this.config.metricsUrl;
      if (!url) return null;
      const registry = this.context.metrics.registry;
      try {
        const families = await this.metricsHealth.call(async () => parsePrometheusText(await fetchMetricsText(url, this.http('stacks-metrics'))));
        mirrorFamilies(registry, this.config.id, families, { include: (n) => n.startsWith('stacks_') });
        return familiesByName(families);
      } catch (error) {
        clearMirror(registry, this.config.id);
        throw error;
      }
    });
  }

  private loadSignerMetrics(): Promise<Map<string, MetricFamily>> {
    return this.cached('signer-metrics', async () => {
      const url = this.config.signer?.metricsUrl;
      if (!url) throw new QueryInputError(`source ${this.config.id} has no signer.metricsUrl configured`);
      const registry = this.context.metrics.registry;
      let families: MetricFamily[];
      try {
        families = await this.signerHealth.call(async () => {
          const parsed = parsePrometheusText(await fetchMetricsText(url, this.http('stacks-signer-metrics')));
          if (!looksLikeSigner(parsed)) throw new Error('the signer endpoint exposes no stacks_signer_* metric (wrong port?)');
          return parsed;
        });
      } catch (error) {
        clearMirror(registry, this.signerMirrorKey); // stale signer values would mislead alerts
        this.lastSignerFamilies = null;
        this.metrics.signerLag(null);
        throw error;
      }
      const byName = familiesByName(families);
      this.lastSignerFamilies = byName;
      const status = signerStatus(byName);
      this.signerWatch.onFamilies(byName, this.now(), status.responsesAccepted, status.responsesRejected);
      mirrorFamilies(registry, this.signerMirrorKey, families, {
        include: (n) => n.startsWith('stacks_signer_'),
        sourceLabel: this.config.id,
      });
      return byName;
    });
  }

  // --- bitcoin source for the burn-height lag -----------------------------------------------

  private async loadLag(info: StacksInfo): Promise<BurnLag> {
    const source = this.config.bitcoinSource;
    if (!source) return (this.lastLag = burnLag(info.burn_block_height, null));
    const chain = chainOf(this.context.lookup(source));
    if (!chain) {
      return (this.lastLag = burnLag(info.burn_block_height, null, `bitcoin source "${source}" is not configured or is not a bitcoin source`));
    }
    try {
      const height = finiteHeight((await chain.tip()).height);
      return (this.lastLag = burnLag(info.burn_block_height, height, height === null ? `bitcoin source "${source}" gave no height` : null));
    } catch (error) {
      return (this.lastLag = burnLag(info.burn_block_height, null, `bitcoin source "${source}": ${(error as Error).message}`));
    }
  }

  // --- logs --------------------------------------------------------------------------------

  private ingest(service: LogService, raw: string[], origin: LogLineOrigin): void {
    const { id } = this.config;
    const stored: StoredLogLine[] = raw.map((text) => {
      const parsed = parseStacksLogLine(text, this.now());
      return { ...parsed, id: `${id}-${++this.lineSeq}`, at: parsed.time ?? this.now(), service };
    });
    const ring = this.ring;
    for (const line of stored) {
      ring.push(line);
      if (service === 'signer') for (const event of this.signerWatch.onLine(line, line.at, origin === 'live')) this.metrics.signerEvent(event);
      // replayed lines (before a resumed position) were counted by the run that saved it
      if (origin !== 'replay') this.metrics.logLine(service, line.severity);
    }
    if (ring.length > this.config.logs.maxLines) ring.splice(0, ring.length - this.config.logs.maxLines);
    if (origin === 'replay') return;
    // lines read back from before start were pushed by the previous run, if by anyone
    if (this.loki && origin === 'live') {
      this.loki.push(
        stored.map((l) => ({
          labels: { source: id, kind: 'stacks', service, level: l.severity },
          time: l.at,
          nanos: l.micros * 1_000,
          line: l.raw,
        }))
      );
    }
    for (const subscriber of this.logSubscribers) subscriber(stored);
  }

  private follow(service: LogService, path: string): FollowedLog {
    const health = new UpstreamHealth(`${service} log file`, { failureThreshold: 1, openMs: 1_000, now: this.context.now });
    // the position is kept in the proxy's history snapshot, so a restarted proxy goes on where
    // this run stopped instead of reading the file's tail again (lines pushed or counted twice)
    const saved = this.context.history.ring<LogPosition>(`stacks:${this.config.id}:${service}:log-position`, 1);
    const last = saved.last();
    const follower: LogFollower = new LogFollower(path, {
      onLines: (lines, origin) => this.ingest(service, lines, origin),
      backfillBytes: this.config.logs.backfillBytes,
      resume: isLogPosition(last) && last.path === path ? last : null,
      onError: (error) => health.failure(error),
    });
    const savePosition = () => {
      const position = follower.position();
      const previous = saved.last();
      if (position && !(previous && previous.ino === position.ino && previous.offset === position.offset && previous.headHash === position.headHash)) {
        saved.push(position);
      }
    };
    const poll = async (): Promise<number> => {
      try {
        const count = await follower.poll();
        if (follower.stats.lastError) health.failure(new Error(follower.stats.lastError));
        else health.success();
        return count;
      } finally {
        savePosition();
        this.metrics.follower(service, follower.stats.rotations, follower.stats.truncations);
      }
    };
    return { service, follower, health, poll, savePosition };
  }

  /** Reads new log lines now (the followers also poll every logs.pollMs). */
  async pollLogs(): Promise<number> {
    let count = 0;
    for (const f of this.followers) count += await f.poll();
    if (this.loki) this.metrics.loki(this.loki.stats);
    return count;
  }

  /** Pushes queued lines to Loki now; true when none is left (false without Loki). */
  async flushLoki(): Promise<boolean> {
    return this.loki ? this.loki.flush() : false;
  }

  /** The logs stream: each batch of new lines the filter keeps, as one frame; returns the unsubscribe. */
  followLogs(params: ParamsOf<'stacks', 'logs'>, emit: StreamEmit): () => void {
    const select = logFilter(params); // an unknown level is refused before anything is followed
    const subscriber = (lines: StoredLogLine[]) => {
      const selected = select(lines, ALL_TIME);
      if (selected.length > 0) emit(logsFrame(selected, this.config.id));
    };
    this.logSubscribers.add(subscriber);
    return () => this.logSubscribers.delete(subscriber);
  }

  /** Gets each poll's node.info frame; returns the unsubscribe. */
  onInfo(emit: StreamEmit): () => void {
    this.infoSubscribers.add(emit);
    return () => this.infoSubscribers.delete(emit);
  }

  // --- what the queries answer -----------------------------------------------------------------

  // the signer's view of the node, dated against the tip heights this source has seen
  private currentSignerLag(families: Map<string, MetricFamily>) {
    return signerLag(signerStatus(families).stacksNodeHeight, this.tracker, this.lastInfo?.stacks_tip_height ?? null, this.now(), this.config.pollSeconds);
  }

  private infoFrame(info: StacksInfo, health: HealthReading | null): DataFrameJSON {
    const counts = this.lastNeighbors ? neighborCounts(this.lastNeighbors) : null;
    return nodeInfoFrame(info, health, this.lastLag, this.tracker.tipAgeMs(this.now()), counts);
  }

  async nodeInfo(): Promise<DataFrameJSON[]> {
    const info = await this.loadInfo();
    const [health] = await Promise.all([this.loadHealth().catch(() => null), this.loadLag(info)]);
    this.metrics.lag(this.lastLag);
    return [this.infoFrame(info, health)];
  }

  async nodeNeighbors(direction: NeighborRow['direction'] | undefined): Promise<DataFrameJSON[]> {
    const rows = await this.loadNeighbors();
    return [neighborsFrame(direction ? rows.filter((r) => r.direction === direction) : rows)];
  }

  async signerStatus(): Promise<DataFrameJSON[]> {
    const [families] = await Promise.all([this.loadSignerMetrics(), this.loadInfo().catch(() => null)]);
    const lag = this.currentSignerLag(families);
    this.metrics.signerLag(lag);
    const duty = this.signerWatch.duty(this.now());
    this.metrics.signerDuty(duty, this.watchesSigner.log);
    return [signerFrame(signerStatus(families), lag, duty)];
  }

  async logs(params: ParamsOf<'stacks', 'logs'>, range: { from: number; to: number }): Promise<DataFrameJSON[]> {
    const select = logFilter(params);
    if (!this.followsLogs) throw new QueryInputError(`source ${this.config.id} has no logFile (or signer.logFile) configured`);
    await this.pollLogs();
    return [logsFrame(select(this.ring, range), this.config.id)];
  }

  /** the components seen in the kept lines, sorted */
  components(): string[] {
    return [...new Set(this.ring.map((l) => l.component).filter((c): c is string => c !== null))].sort();
  }

  tenureAnnotations(range: { from: number; to: number }): Annotation[] {
    return this.tracker.tenures
      .filter((t) => t.time >= range.from && t.time <= range.to)
      .map((t) => ({
        time: t.time,
        title: `Tenure ${t.tenureHeight}`,
        text: `tenure change seen at burn height ${t.burnHeight}, stacks height ${t.stacksHeight}`,
        tags: ['stacks', 'tenure', this.config.id],
      }));
  }

  // --- life cycle and health -----------------------------------------------------------------

  /** One poll of every endpoint now (what the timer does every pollSeconds). */
  async refresh(): Promise<void> {
    const { config, metrics } = this;
    const tasks: Array<Promise<unknown>> = [
      this.loadInfo().then(async (info) => {
        const [health] = await Promise.all([this.loadHealth().catch(() => null), this.loadLag(info)]);
        metrics.lag(this.lastLag);
        if (this.infoSubscribers.size > 0) {
          const frame = this.infoFrame(info, health);
          for (const emit of this.infoSubscribers) emit(frame);
        }
      }),
      this.loadNeighbors(),
    ];
    if (config.metricsUrl) tasks.push(this.loadNodeMetrics());
    if (config.signer?.metricsUrl) tasks.push(this.loadSignerMetrics());
    const results = await Promise.allSettled(tasks);
    if (this.lastSignerFamilies) metrics.signerLag(this.currentSignerLag(this.lastSignerFamilies));
    if (this.watchesSigner.log || this.watchesSigner.metrics) metrics.signerDuty(this.signerWatch.duty(this.now()), this.watchesSigner.log);
    for (const result of results) if (result.status === 'rejected') this.context.logger.debug({ err: String(result.reason) }, 'poll failed');
    if (this.loki) metrics.loki(this.loki.stats);
  }

  health(): SourceHealth {
    const { config, rpcHealth, lastInfo, lastLag, lastNeighbors, loki } = this;
    const t = this.now();
    const tipAge = this.tracker.tipAgeMs(t);
    if (lastInfo && tipAge !== null && tipAge > config.stallSeconds * 1_000) {
      rpcHealth.report('degraded', `stacks tip ${lastInfo.stacks_tip_height} unchanged for ${Math.round(tipAge / 1000)} s`);
    } else if (lastLag.lag !== null && lastLag.lag > config.maxBurnLag) {
      rpcHealth.report('degraded', `burn block height ${lastInfo?.burn_block_height ?? '?'} is ${lastLag.lag} blocks behind bitcoin`);
    } else if (lastNeighbors && lastNeighbors.filter((r) => r.direction === 'inbound' || r.direction === 'outbound').length === 0) {
      rpcHealth.report('degraded', 'no connected neighbors');
    } else if (lastInfo && lastInfo.is_fully_synced === false) {
      rpcHealth.report('degraded', 'node is not fully synced (initial block download)');
    } else rpcHealth.report(null);
    const others: Record<string, SourceHealth> = {};
    if (config.metricsUrl) others.metrics = this.metricsHealth.snapshot();
    if (config.signer?.metricsUrl) others.signer = this.signerHealth.snapshot();
    if (this.watchesSigner.log || this.watchesSigner.metrics) {
      const duty = this.signerWatch.health(t, this.watchesSigner);
      others['signer-duty'] = { ...duty, lastSuccess: null };
    }
    for (const f of this.followers) others[f.service === 'node' ? 'logs' : 'signer-logs'] = f.health.snapshot();
    if (loki) {
      others.loki = {
        status: loki.stats.lastError ? 'degraded' : 'ok',
        message: loki.stats.lastError ?? `${loki.stats.sent} lines pushed, ${loki.pending} pending`,
        lastSuccess: loki.stats.lastSuccess,
      };
    }
    return combineHealth(rpcHealth.snapshot(), others);
  }

  async start(): Promise<void> {
    await this.loki?.start();
    await this.pollLogs().catch((error: unknown) => this.context.logger.warn({ err: String(error) }, 'log file not readable yet'));
    // through the wrapper, so health recovers when a file missing at start appears later
    for (const f of this.followers) {
      const logTimer = setInterval(() => void f.poll().catch((error: unknown) => f.health.failure(error)), this.config.logs.pollMs);
      logTimer.unref();
      this.logTimers.push(logTimer);
    }
    await this.loop.start();
  }

  async stop(): Promise<void> {
    this.loop.stop();
    for (const logTimer of this.logTimers.splice(0)) clearInterval(logTimer);
    for (const f of this.followers) {
      await f.follower.stop();
      f.savePosition();
    }
    await this.loki?.stop();
    clearMirror(this.context.metrics.registry, this.config.id);
    clearMirror(this.context.metrics.registry, this.signerMirrorKey);
  }
}

const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

/** A saved follower position as read back from a history snapshot (any JSON). */
function isLogPosition(value: unknown): value is LogPosition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.path === 'string' &&
    typeof v.headHash === 'string' &&
    ['dev', 'ino', 'offset', 'headLength'].every((key) => typeof v[key] === 'number' && Number.isSafeInteger(v[key]) && (v[key] as number) >= 0)
  );
}

/**
 * The logs query's filter from its parsed params (level: one or several severities or their
 * stacks-core abbreviations, search: substring, component, service, limit). Levels are read once,
 * so an unknown one is refused before any line is read or a stream is followed.
 */
export function logFilter(params: ParamsOf<'stacks', 'logs'>): (lines: StoredLogLine[], range: { from: number; to: number }) => StoredLogLine[] {
  const levels = params.level ? new Set(params.level.map((l) => normalizeLevel(l))) : null;
  const search = (params.search ?? '').toLowerCase();
  const { component, service, limit } = params;
  return (lines, range) => {
    const selected: StoredLogLine[] = [];
    // newest first until the limit, then back to time order
    for (let i = lines.length - 1; i >= 0 && selected.length < limit; i--) {
      const line = lines[i];
      if (!line) continue;
      if (line.at < range.from || line.at > range.to) continue;
      if (levels && !levels.has(line.severity)) continue;
      if (component && line.component !== component) continue;
      if (service && line.service !== service) continue;
      if (search && !line.raw.toLowerCase().includes(search)) continue;
      selected.push(line);
    }
    return selected.reverse();
  };
}

const LEVEL_ALIASES: Record<string, LogSeverity> = {
  crit: 'critical',
  critical: 'critical',
  erro: 'error',
  error: 'error',
  err: 'error',
  warn: 'warning',
  warning: 'warning',
  info: 'info',
  debg: 'debug',
  debug: 'debug',
  trce: 'trace',
  trace: 'trace',
  unknown: 'unknown',
};

function normalizeLevel(level: string): LogSeverity {
  const severity = own(LEVEL_ALIASES, level.trim().toLowerCase());
  if (!severity) throw new QueryInputError(`unknown level "${level}" (use ${LOG_SEVERITIES.join(', ')} or CRIT/ERRO/WARN/INFO/DEBG/TRCE)`);
  return severity;
}
