// cgminer source: wiring only. Client I/O in client.ts, meaning in model.ts, the fleet and its
// poll loop in poller.ts, frames and metrics beside them.
import type { DataFrameJSON, PowerSource } from '@nodescope/shared';
import type { SourceContext } from '../../core/context.js';
import type { FleetMinerView } from '../capabilities.js';
import { defineQueries, defineStreams } from '../catalog.js';
import { QueryInputError, type Annotation, type Source, type SourceHealth, type StreamEmit } from '../types.js';
import type { CgminerSourceConfig } from './config.js';
import { answeredLatestPoll, DEFAULT_FLEET_LIMITS, fleetConditions, fleetHealth, type FleetLimits } from './conditions.js';
import { scanRanges, type DiscoveryProgress } from './discovery.js';
import { devicesFrames, fleetSummaryFrame, minerHistoryFrame, minersFrame, poolsFrame } from './frames.js';
import { createMiningMetrics } from './metrics.js';
import { FleetPoller, type MinerRecord } from './poller.js';
import { PoolAccounts, poolAccountsFrame } from './pools/accounts.js';

export interface CgminerSource extends Source {
  readonly kind: 'cgminer';
  readonly fleet: {
    miners(): FleetMinerView[];
    /** runs one poll cycle now (joins a running one) */
    pollNow(): Promise<void>;
    /** runs discovery now over the configured ranges */
    discoverNow(): Promise<void>;
    readonly progress: Readonly<DiscoveryProgress>;
    readonly poller: FleetPoller;
    readonly poolAccounts: PoolAccounts;
  };
}

/** Miner names from a variable parameter, or null for the whole fleet. */
export function parseMinerSelection(selection: string | undefined): string[] | null {
  const text = (selection ?? '').trim();
  const inner = text.startsWith('{') && text.endsWith('}') ? text.slice(1, -1) : text;
  const names = inner.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0 || names.some((n) => ['all', '$__all', '*', '.*'].includes(n.toLowerCase()))) return null;
  return [...new Set(names)];
}

export function createCgminerSource(config: CgminerSourceConfig, context: SourceContext): CgminerSource {
  const metrics = createMiningMetrics(context.metrics, config.id, config.metricsDetail);
  const progress: DiscoveryProgress = { running: false, scanned: 0, total: 0, found: 0, startedAt: null, finishedAt: null };
  const client = { connectTimeoutMs: config.connectTimeoutMs, timeoutMs: config.timeoutMs };
  const poller = new FleetPoller({
    sourceId: config.id,
    client,
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
  });
  for (const miner of config.miners) poller.add(miner);
  // pool API tokens are secrets: scrubbed from every log line and error the proxy writes
  for (const account of config.poolAccounts) context.secrets.add(account.token);
  const poolAccounts = new PoolAccounts(config.poolAccounts, context.now, (text) => context.secrets.scrub(text), () => {
    if (!stopped) metrics.poolAccounts(poolAccounts.reconciled(records()));
  });

  const subscribers = { summary: new Set<StreamEmit>(), miners: new Set<StreamEmit>() };
  let pollTimer: NodeJS.Timeout | undefined;
  let discoverTimer: NodeJS.Timeout | undefined;
  let discovery: Promise<void> | null = null;
  let stopped = false;

  const records = (): MinerRecord[] => [...poller.miners.values()];
  /** the fleet as other sources read it (capabilities.ts FleetReader) */
  const fleetMiners = (): FleetMinerView[] =>
    records().map((r) => ({
      name: r.name,
      status: r.status,
      model: r.configModel ?? r.identity?.model ?? null,
      hashrate: r.status === 'online' ? (r.snapshot?.hashrate ?? null) : r.snapshot ? 0 : null,
      hashrateAvg: r.snapshot?.hashrateAvg ?? null,
      powerWatts: r.power.watts,
      powerSource: r.power.source,
      powerNote: r.power.note,
    }));
  const minerNamed = (key: string): MinerRecord => {
    const record = poller.find(key);
    if (!record) throw new QueryInputError(`unknown miner "${key.slice(0, 100)}" in source ${config.id}`);
    return record;
  };
  const findMiner = (input: { params: { miner: string } }): MinerRecord => minerNamed(input.params.miner.trim());
  const minersNamed = (selection: string | undefined): MinerRecord[] =>
    parseMinerSelection(selection)?.map(minerNamed) ?? records();
  const summary = (): DataFrameJSON => fleetSummaryFrame(records(), progress, poller.lastCycle, context.now());

  const pollNow = async (): Promise<void> => {
    await poller.pollAll();
    const all = records();
    // a cycle that ends after stop() must not bring back the series stop() removed
    if (!stopped) {
      metrics.update(all, progress, poller.lastCycle);
      if (config.poolAccounts.length > 0) metrics.poolAccounts(poolAccounts.reconciled(all));
    }
    if (subscribers.summary.size > 0) {
      const frame = summary();
      for (const emit of subscribers.summary) emit(frame);
    }
    if (subscribers.miners.size > 0) {
      const frame = minersFrame(all);
      for (const emit of subscribers.miners) emit(frame);
    }
  };

  const discoverNow = (): Promise<void> => {
    const discover = config.discover;
    if (!discover) return Promise.resolve();
    if (!discovery) {
      const cidrs = Array.isArray(discover.cidr) ? discover.cidr : [discover.cidr];
      discovery = scanRanges(cidrs, discover.port, {
        concurrency: discover.concurrency,
        client: { connectTimeoutMs: discover.timeoutMs, timeoutMs: Math.max(discover.timeoutMs, config.timeoutMs) },
        progress,
        now: context.now,
      })
        .then((found) => {
          for (const miner of found) poller.add({ host: miner.host, port: miner.port, discovered: true, identity: miner });
          context.logger.info({ source: config.id, found: found.length, scanned: progress.scanned }, 'cgminer discovery finished');
        })
        .catch((error: unknown) => context.logger.warn({ source: config.id, err: error }, 'cgminer discovery failed'))
        .finally(() => {
          discovery = null;
        });
    }
    return discovery;
  };

  const schedulePoll = (): void => {
    if (stopped) return;
    pollTimer = setTimeout(() => {
      pollNow()
        .catch((error: unknown) => context.logger.warn({ source: config.id, err: error }, 'cgminer poll cycle failed'))
        .finally(schedulePoll);
    }, config.pollSeconds * 1000);
    pollTimer.unref();
  };

  const limits: FleetLimits = {
    ...DEFAULT_FLEET_LIMITS,
    hotCelsius: config.limits.hotCelsius,
    rejectPercent: config.limits.rejectPercent,
    rejectWindowMs: config.limits.rejectWindowSeconds * 1000,
    underperformShare: config.limits.underperformPercent / 100,
    underperformWindowMs: config.limits.underperformWindowSeconds * 1000,
  };
  const health = (): SourceHealth => {
    const all = records();
    const checked = all.filter(answeredLatestPoll).length;
    const fleet = fleetHealth(reachability(all), fleetConditions(all, limits, context.now()), limits, { checked, total: all.length });
    return config.poolAccounts.length > 0 ? withPoolAccounts(fleet, all) : fleet;
  };
  // the pool side as one more component: an account the API does not answer for, a pool that
  // credits less than the miners report, fleet miners the pool does not see hashing
  const withPoolAccounts = (fleet: SourceHealth, all: MinerRecord[]): SourceHealth => {
    const problems: string[] = [];
    for (const { state, reconciliation } of poolAccounts.reconciled(all)) {
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
      message: problems.length > 0 ? problems.join('; ') : `${config.poolAccounts.length} pool account(s) credit what the miners report`,
      lastSuccess: poolAccounts.states.reduce<number | null>((max, s) => (s.lastSuccess !== null && (max === null || s.lastSuccess > max) ? s.lastSuccess : max), null),
    };
    const components = { ...fleet.components, poolAccounts: component };
    if (problems.length === 0) return { ...fleet, components };
    return { ...fleet, status: fleet.status === 'ok' ? 'degraded' : fleet.status, message: `${fleet.message}; pool accounts: ${problems.join('; ')}`, components };
  };
  const reachability = (all: MinerRecord[]): SourceHealth => {
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
  };

  const annotations = async (range: { from: number; to: number }): Promise<Annotation[]> =>
    poller.events
      .filter((e) => e.time >= range.from && e.time <= range.to)
      .map((e) => ({
        time: e.time,
        title: e.kind === 'pool' ? `${e.miner}: pool switch` : `${e.miner} ${e.kind}`,
        text: e.text,
        tags: ['cgminer', e.kind, e.miner],
      }));

  return {
    id: config.id,
    kind: 'cgminer',
    name: config.name ?? config.id,
    queries: defineQueries('cgminer', {
      'fleet.summary': async () => [summary()],
      miners: async (input) => {
        const { status } = input.params;
        const all = records();
        const chosen = status !== 'all' ? all.filter((r) => r.status === status) : all;
        return [minersFrame(chosen)];
      },
      'miner.devices': async (input) => devicesFrames(findMiner(input)),
      'miner.pools': async (input) => [poolsFrame(findMiner(input))],
      'miner.history': async (input) => [minerHistoryFrame(findMiner(input), input.range, input.maxDataPoints)],
      'pool.accounts': async () => [poolAccountsFrame(poolAccounts.reconciled(records()))],
    }),
    variables: {
      miners: async () => records().map((r) => ({ text: r.name, value: r.name })),
      // `miner` narrows the list to some miners: a name, a comma list, or Grafana's multi-value
      // `{a,b}`; empty, `all` or an All value means the whole fleet
      pools: async (params) => {
        const urls = new Set<string>();
        for (const r of minersNamed(params.miner)) for (const p of r.snapshot?.pools ?? []) if (p.url) urls.add(p.url);
        return [...urls].sort().map((url) => ({ text: url, value: url }));
      },
    },
    annotations: { 'miner.status': annotations },
    streams: defineStreams('cgminer', {
      'fleet.summary': (emit) => {
        subscribers.summary.add(emit);
        return () => subscribers.summary.delete(emit);
      },
      miners: (emit) => {
        subscribers.miners.add(emit);
        return () => subscribers.miners.delete(emit);
      },
    }),
    health,
    async start() {
      stopped = false;
      void discoverNow().then(() => (config.miners.length === 0 ? pollNow().catch(() => undefined) : undefined));
      if (config.discover && config.discover.everySeconds > 0) {
        discoverTimer = setInterval(() => void discoverNow(), config.discover.everySeconds * 1000);
        discoverTimer.unref();
      }
      void pollNow().catch((error: unknown) => context.logger.warn({ source: config.id, err: error }, 'cgminer first poll failed'));
      schedulePoll();
      poolAccounts.start();
    },
    async stop() {
      stopped = true;
      clearTimeout(pollTimer);
      clearInterval(discoverTimer);
      poolAccounts.stop();
      metrics.clear();
      subscribers.summary.clear();
      subscribers.miners.clear();
    },
    provides: { fleet: { miners: fleetMiners } },
    fleet: {
      miners: fleetMiners,
      pollNow,
      discoverNow,
      progress,
      poller,
      poolAccounts,
    },
  };
}
