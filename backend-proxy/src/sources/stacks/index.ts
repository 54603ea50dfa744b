// Stacks node + signer + log file: wiring only; the meaning lives in model.ts, logParse.ts and frames.ts.
import { own } from '../../core/lookup.js';
import type { DataFrameJSON, ParamsOf } from '@nodescope/shared';
import { UpstreamHealth, combineHealth } from '../../core/circuit.js';
import type { SourceContext } from '../../core/context.js';
import { clearMirror, familiesByName, mirrorFamilies, parsePrometheusText, type MetricFamily } from '../../core/prometheusText.js';
import { fetchMetricsText, urlSecrets, type UpstreamTarget } from '../../core/upstream.js';
import { PollLoop } from '../../core/poll.js';
import { chainOf, finiteHeight } from '../capabilities.js';
import { defineQueries, defineStreams } from '../catalog.js';
import { hostFrame } from '../host.js';
import { QueryInputError, type Source, type SourceHealth, type StreamEmit } from '../types.js';
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


/** A Source plus `refresh()`: one poll of every endpoint now (what the timer does every pollSeconds). */
export type StacksSource = Source & {
  refresh(): Promise<void>;
  /** reads new log lines now (the follower also polls every logs.pollMs) */
  pollLogs(): Promise<number>;
  /** pushes queued lines to Loki now; true when none is left (false without Loki) */
  flushLoki(): Promise<boolean>;
};

export function createStacksSource(config: StacksSourceConfig, context: SourceContext): StacksSource {
  const { id } = config;
  const now = context.now;
  const log = context.logger; // already bound to source and kind (http/app.ts)
  for (const url of [config.rpcUrl, config.metricsUrl, config.signer?.metricsUrl, config.loki?.url]) context.secrets.add(...urlSecrets(url));
  const circuit = { failureThreshold: 3, openMs: Math.max(5_000, config.pollSeconds * 1_000), now };
  const rpcHealth = new UpstreamHealth('stacks rpc', circuit);
  const metricsHealth = new UpstreamHealth('stacks metrics', circuit);
  const signerHealth = new UpstreamHealth('stacks-signer metrics', circuit);
  const http = (upstream: string): UpstreamTarget => ({ timeoutMs: config.timeoutMs, sourceId: id, upstream, self: context.self });
  const rpc = new StacksRpcClient(config.rpcUrl, http('stacks-rpc'));
  const metrics = stacksMetrics(context.metrics, id);
  const tracker = new TipTracker();
  // registration, rejections, timeouts and log silence of the signer (what its alerts watch)
  const signerWatch = new SignerWatch({ windowMs: 15 * 60_000, logSilenceMs: (config.signer?.logSilenceSeconds ?? 300) * 1_000, startedAt: now() });
  const watchesSigner = { log: Boolean(config.signer?.logFile), metrics: Boolean(config.signer?.metricsUrl) };
  const ttl = Math.max(500, Math.floor((config.pollSeconds * 1_000) / 2));

  let lastInfo: StacksInfo | null = null;
  let lastNeighbors: NeighborRow[] | null = null;
  let lastLag: BurnLag = burnLag(0, null);
  let lastSignerFamilies: Map<string, MetricFamily> | null = null;
  let healthEndpoint: 'unknown' | 'present' | 'absent' = 'unknown';

  // --- node RPC ----------------------------------------------------------------------------
  const loadInfo = () =>
    context.cache.get(`stacks:${id}:info`, ttl, async () => {
      const info = parseInfo(await rpcHealth.call(() => rpc.get('/v2/info')));
      tracker.observe(info, now());
      lastInfo = info;
      metrics.info(info, tracker.tipAgeMs(now()));
      return info;
    });

  const loadHealth = () =>
    context.cache.get(`stacks:${id}:health`, ttl, async (): Promise<HealthReading | null> => {
      if (healthEndpoint === 'absent') return null;
      const answer = await rpcHealth.call(() => rpc.health());
      if (answer.kind === 'absent') {
        healthEndpoint = 'absent'; // before 3.1.0.0.13: no /v3/health, not an error
        return null;
      }
      healthEndpoint = 'present';
      // 3.1.0.0.13-3.2.0.0.1 answer 500 + a message when they cannot tell: an answer, not a failure
      const reading: HealthReading = answer.kind === 'unavailable' ? answer : { kind: 'ok', health: parseHealth(answer.body) };
      metrics.health(reading);
      return reading;
    });

  const loadNeighbors = () =>
    context.cache.get(`stacks:${id}:neighbors`, ttl, async () => {
      const rows = parseNeighbors(await rpcHealth.call(() => rpc.get('/v2/neighbors')));
      lastNeighbors = rows;
      metrics.neighbors(neighborCounts(rows));
      return rows;
    });

  // --- metrics endpoints -------------------------------------------------------------------
  const loadNodeMetrics = () =>
    context.cache.get(`stacks:${id}:node-metrics`, ttl, async () => {
      const url = config.metricsUrl;
      if (!url) return null;
      try {
        const families = await metricsHealth.call(async () => parsePrometheusText(await fetchMetricsText(url, http('stacks-metrics'))));
        mirrorFamilies(context.metrics.registry, id, families, { include: (n) => n.startsWith('stacks_') });
        return familiesByName(families);
      } catch (error) {
        clearMirror(context.metrics.registry, id);
        throw error;
      }
    });

  const loadSignerMetrics = () =>
    context.cache.get(`stacks:${id}:signer-metrics`, ttl, async () => {
      const url = config.signer?.metricsUrl;
      if (!url) throw new QueryInputError(`source ${id} has no signer.metricsUrl configured`);
      let families: MetricFamily[];
      try {
        families = await signerHealth.call(async () => {
          const parsed = parsePrometheusText(await fetchMetricsText(url, http('stacks-signer-metrics')));
          if (!looksLikeSigner(parsed)) throw new Error('the signer endpoint exposes no stacks_signer_* metric (wrong port?)');
          return parsed;
        });
      } catch (error) {
        clearMirror(context.metrics.registry, signerMirrorKey); // stale signer values would mislead alerts
        lastSignerFamilies = null;
        metrics.signerLag(null);
        throw error;
      }
      lastSignerFamilies = familiesByName(families);
      const status = signerStatus(lastSignerFamilies);
      signerWatch.onFamilies(lastSignerFamilies, now(), status.responsesAccepted, status.responsesRejected);
      mirrorSigner(families);
      return lastSignerFamilies;
    });

  // Signer families are mirrored under the source id too (one `source` label per configured
  // source), tracked apart from the node's so each endpoint's refresh replaces only its own.
  const signerMirrorKey = `${id}#signer`;
  const mirrorSigner = (families: MetricFamily[]) => {
    mirrorFamilies(context.metrics.registry, signerMirrorKey, families, {
      include: (n) => n.startsWith('stacks_signer_'),
      sourceLabel: id,
    });
  };

  // --- bitcoin source for the burn-height lag -----------------------------------------------
  const loadLag = async (info: StacksInfo): Promise<BurnLag> => {
    if (!config.bitcoinSource) return (lastLag = burnLag(info.burn_block_height, null));
    const chain = chainOf(context.lookup(config.bitcoinSource));
    if (!chain) {
      return (lastLag = burnLag(info.burn_block_height, null, `bitcoin source "${config.bitcoinSource}" is not configured or is not a bitcoin source`));
    }
    try {
      const height = finiteHeight((await chain.tip()).height);
      return (lastLag = burnLag(info.burn_block_height, height, height === null ? `bitcoin source "${config.bitcoinSource}" gave no height` : null));
    } catch (error) {
      return (lastLag = burnLag(info.burn_block_height, null, `bitcoin source "${config.bitcoinSource}": ${(error as Error).message}`));
    }
  };

  // --- logs --------------------------------------------------------------------------------
  const ring: StoredLogLine[] = [];
  let lineSeq = 0;
  const logSubscribers = new Set<(lines: StoredLogLine[]) => void>();
  const loki = config.loki
    ? context.openLogPush({
        url: config.loki.url,
        tenant: config.loki.tenant,
        spoolFile: config.loki.spoolFile,
        batchMaxLines: config.loki.batchMaxLines,
        batchMaxWaitMs: config.loki.batchMaxWaitMs,
        maxPending: config.loki.maxPending,
        now,
        onError: (message) => log.warn({ loki: message }, 'loki push problem'),
      })
    : null;
  const ingest = (service: LogService, raw: string[], origin: LogLineOrigin) => {
    const stored: StoredLogLine[] = raw.map((text) => {
      const parsed = parseStacksLogLine(text, now());
      return { ...parsed, id: `${id}-${++lineSeq}`, at: parsed.time ?? now(), service };
    });
    for (const line of stored) {
      ring.push(line);
      if (service === 'signer') for (const event of signerWatch.onLine(line, line.at, origin === 'live')) metrics.signerEvent(event);
      // replayed lines (before a resumed position) were counted by the run that saved it
      if (origin !== 'replay') metrics.logLine(service, line.severity);
    }
    if (ring.length > config.logs.maxLines) ring.splice(0, ring.length - config.logs.maxLines);
    if (origin === 'replay') return;
    // lines read back from before start were pushed by the previous run, if by anyone
    if (loki && origin === 'live') {
      loki.push(
        stored.map((l) => ({
          labels: { source: id, kind: 'stacks', service, level: l.severity },
          time: l.at,
          nanos: l.micros * 1_000,
          line: l.raw,
        }))
      );
    }
    for (const subscriber of logSubscribers) subscriber(stored);
  };

  // the node's log and the signer's (same stacks-common format), each followed on its own
  const followers = (
    [
      ['node', config.logFile],
      ['signer', config.signer?.logFile],
    ] as const
  )
    .filter((entry): entry is readonly [LogService, string] => typeof entry[1] === 'string')
    .map(([service, path]) => {
      const health = new UpstreamHealth(`${service} log file`, { failureThreshold: 1, openMs: 1_000, now });
      // the position is kept in the proxy's history snapshot, so a restarted proxy goes on where
      // this run stopped instead of reading the file's tail again (lines pushed or counted twice)
      const saved = context.history.ring<LogPosition>(`stacks:${id}:${service}:log-position`, 1);
      const last = saved.last();
      const follower: LogFollower = new LogFollower(path, {
        onLines: (lines, origin) => ingest(service, lines, origin),
        backfillBytes: config.logs.backfillBytes,
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
          metrics.follower(service, follower.stats.rotations, follower.stats.truncations);
        }
      };
      return { service, follower, health, poll, savePosition };
    });

  const logTimers: NodeJS.Timeout[] = [];
  const pollLogs = async (): Promise<number> => {
    let count = 0;
    for (const f of followers) count += await f.poll();
    if (loki) metrics.loki(loki.stats);
    return count;
  };

  // --- polling -------------------------------------------------------------------------------
  const loop = new PollLoop(() => refresh(), config.pollSeconds * 1_000);
  const infoSubscribers = new Set<StreamEmit>();
  const refresh = async () => {
    const tasks: Array<Promise<unknown>> = [
      loadInfo().then(async (info) => {
        const [health] = await Promise.all([loadHealth().catch(() => null), loadLag(info)]);
        metrics.lag(lastLag);
        if (infoSubscribers.size > 0) {
          const frame = infoFrame(info, health);
          for (const emit of infoSubscribers) emit(frame);
        }
      }),
      loadNeighbors(),
    ];
    if (config.metricsUrl) tasks.push(loadNodeMetrics());
    if (config.signer?.metricsUrl) tasks.push(loadSignerMetrics());
    const results = await Promise.allSettled(tasks);
    if (lastSignerFamilies) metrics.signerLag(currentSignerLag(lastSignerFamilies));
    if (watchesSigner.log || watchesSigner.metrics) metrics.signerDuty(signerWatch.duty(now()), watchesSigner.log);
    for (const result of results) if (result.status === 'rejected') log.debug({ err: String(result.reason) }, 'poll failed');
    if (loki) metrics.loki(loki.stats);
  };

  // the signer's view of the node, dated against the tip heights this source has seen
  const currentSignerLag = (families: Map<string, MetricFamily>) =>
    signerLag(signerStatus(families).stacksNodeHeight, tracker, lastInfo?.stacks_tip_height ?? null, now(), config.pollSeconds);

  const infoFrame = (info: StacksInfo, health: HealthReading | null): DataFrameJSON => {
    const counts = lastNeighbors ? neighborCounts(lastNeighbors) : null;
    return nodeInfoFrame(info, health, lastLag, tracker.tipAgeMs(now()), counts);
  };

  for (const f of followers) metrics.initLevels(f.service, LOG_SEVERITIES);
  if (watchesSigner.log) metrics.initSignerEvents();

  return {
    refresh,
    pollLogs,
    flushLoki: async () => (loki ? loki.flush() : false),
    id,
    kind: 'stacks',
    name: config.name ?? id,
    network: config.network,
    queries: defineQueries('stacks', {
      'node.info': async () => {
        const info = await loadInfo();
        const [health] = await Promise.all([loadHealth().catch(() => null), loadLag(info)]);
        metrics.lag(lastLag);
        return [infoFrame(info, health)];
      },
      'node.neighbors': async (input) => {
        const { direction } = input.params;
        const rows = await loadNeighbors();
        return [neighborsFrame(direction ? rows.filter((r) => r.direction === direction) : rows)];
      },
      // the datadir columns come from the host block (sources/host.ts)
      'host.health': async () => [hostFrame(now())],
      'signer.status': async () => {
        const [families] = await Promise.all([loadSignerMetrics(), loadInfo().catch(() => null)]);
        const lag = currentSignerLag(families);
        metrics.signerLag(lag);
        const duty = signerWatch.duty(now());
        metrics.signerDuty(duty, watchesSigner.log);
        return [signerFrame(signerStatus(families), lag, duty)];
      },
      logs: async (input) => {
        const select = logFilter(input.params);
        if (followers.length === 0) throw new QueryInputError(`source ${id} has no logFile (or signer.logFile) configured`);
        await pollLogs();
        return [logsFrame(select(ring, input.range), id)];
      },
    }),
    variables: {
      components: async () =>
        [...new Set(ring.map((l) => l.component).filter((c): c is string => c !== null))].sort().map((c) => ({ text: c, value: c })),
      levels: async () => LOG_SEVERITIES.map((l) => ({ text: l, value: l })),
    },
    annotations: {
      tenures: async (range) =>
        tracker.tenures
          .filter((t) => t.time >= range.from && t.time <= range.to)
          .map((t) => ({
            time: t.time,
            title: `Tenure ${t.tenureHeight}`,
            text: `tenure change seen at burn height ${t.burnHeight}, stacks height ${t.stacksHeight}`,
            tags: ['stacks', 'tenure', id],
          })),
    },
    streams: defineStreams('stacks', {
      logs: (emit, params) => {
        const select = logFilter(params);
        const subscriber = (lines: StoredLogLine[]) => {
          const selected = select(lines, ALL_TIME);
          if (selected.length > 0) emit(logsFrame(selected, id));
        };
        logSubscribers.add(subscriber);
        return () => logSubscribers.delete(subscriber);
      },
      'node.info': (emit) => {
        infoSubscribers.add(emit);
        return () => infoSubscribers.delete(emit);
      },
    }),
    health(): SourceHealth {
      const t = now();
      const tipAge = tracker.tipAgeMs(t);
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
      if (config.metricsUrl) others.metrics = metricsHealth.snapshot();
      if (config.signer?.metricsUrl) others.signer = signerHealth.snapshot();
      if (watchesSigner.log || watchesSigner.metrics) {
        const duty = signerWatch.health(t, watchesSigner);
        others['signer-duty'] = { ...duty, lastSuccess: null };
      }
      for (const f of followers) others[f.service === 'node' ? 'logs' : 'signer-logs'] = f.health.snapshot();
      if (loki) {
        others.loki = {
          status: loki.stats.lastError ? 'degraded' : 'ok',
          message: loki.stats.lastError ?? `${loki.stats.sent} lines pushed, ${loki.pending} pending`,
          lastSuccess: loki.stats.lastSuccess,
        };
      }
      return combineHealth(rpcHealth.snapshot(), others);
    },
    async start() {
      await loki?.start();
      await pollLogs().catch((error: unknown) => log.warn({ err: String(error) }, 'log file not readable yet'));
      // through the wrapper, so health recovers when a file missing at start appears later
      for (const f of followers) {
        const logTimer = setInterval(() => void f.poll().catch((error: unknown) => f.health.failure(error)), config.logs.pollMs);
        logTimer.unref();
        logTimers.push(logTimer);
      }
      await loop.start();
    },
    async stop() {
      loop.stop();
      for (const logTimer of logTimers.splice(0)) clearInterval(logTimer);
      for (const f of followers) {
        await f.follower.stop();
        f.savePosition();
      }
      await loki?.stop();
      clearMirror(context.metrics.registry, id);
      clearMirror(context.metrics.registry, signerMirrorKey);
    },
  };
}

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

const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

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
