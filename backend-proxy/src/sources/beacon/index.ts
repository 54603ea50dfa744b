// Ethereum consensus client (any client serving the standard Beacon API): wiring only; the
// meaning lives in model.ts and frames.ts.
import { combineHealth, UpstreamHealth } from '../../core/circuit.js';
import type { SourceContext } from '../../core/context.js';
import { urlSecrets } from '../../core/upstream.js';
import { PollLoop } from '../../core/poll.js';
import { executionOf } from '../capabilities.js';
import { defineQueries } from '../catalog.js';
import { type Source, type SourceHealth, sourceIdentity } from '../types.js';
import { BeaconApiClient } from './client.js';
import type { BeaconSourceConfig } from './config.js';
import { finalityFrame, nodeInfoFrame, peersFrame, syncFrame } from './frames.js';
import { beaconMetrics } from './metrics.js';
import {
  finalityEpochsBehind,
  headAgeSeconds,
  healthState,
  judgeNode,
  judgePair,
  parseFinality,
  parseGenesisTime,
  parseHeader,
  parsePeerCount,
  parseSpec,
  parseSyncing,
  parseVersion,
  wallSlot,
  type BeaconView,
  type ChainTiming,
  type ExecutionView,
  type NodeVerdict,
  type PairVerdict,
} from './model.js';

export type BeaconSource = Source & { refresh(): Promise<void> };

/** Genesis and the spec change only at a fork: read once an hour. */
const TIMING_TTL_MS = 3_600_000;

export function createBeaconSource(config: BeaconSourceConfig, context: SourceContext): BeaconSource {
  const { id } = config;
  const now = context.now;
  const log = context.logger;
  context.secrets.add(...urlSecrets(config.url));
  const client = new BeaconApiClient(config.url, {
    sourceId: id,
    upstream: 'beacon',
    timeoutMs: config.timeoutMs,
    self: context.self,
  });
  const metrics = beaconMetrics(context.metrics, id);
  const ttl = Math.max(500, Math.floor((config.pollSeconds * 1_000) / 2));
  const cached = <T>(key: string, load: () => Promise<T>, ttlMs = ttl) =>
    context.cache.get(`beacon:${id}:${key}`, ttlMs, load);
  const health = new UpstreamHealth('beacon api', {
    failureThreshold: 3,
    openMs: Math.max(5_000, config.pollSeconds * 1_000),
    now,
  });
  const call = <T>(fn: () => Promise<T>) => health.call(fn);
  /** one GET parsed inside the circuit: an answer that breaks the schema counts as a failed call */
  const read = <T>(path: Parameters<BeaconApiClient['get']>[0], parse: (raw: unknown) => T) =>
    call(async () => parse(await client.get(path)));

  let lastVerdict: NodeVerdict | null = null;
  let lastPair: PairVerdict | null = null;
  let pairNote: string | null = null;

  const loadTiming = () =>
    cached(
      'timing',
      async (): Promise<ChainTiming> => {
        const genesis = await read('/eth/v1/beacon/genesis', parseGenesisTime);
        return await read('/eth/v1/config/spec', (raw) => parseSpec(raw, genesis));
      },
      TIMING_TTL_MS
    );
  const loadVersion = () =>
    cached(
      'version',
      async () => {
        const version = await read('/eth/v1/node/version', parseVersion);
        metrics.version(version);
        return version;
      },
      60_000
    );
  const loadSync = () =>
    cached('sync', async () => {
      const sync = await read('/eth/v1/node/syncing', parseSyncing);
      metrics.sync(sync);
      return sync;
    });
  const loadHealth = () =>
    cached('health', async () => {
      const state = await call(async () => healthState(await client.health()));
      metrics.health(state);
      return state;
    });
  const loadPeers = () =>
    cached('peers', async () => {
      const peers = await read('/eth/v1/node/peer_count', parsePeerCount);
      metrics.peers(peers);
      return peers;
    });
  const loadHead = () => cached('head', async () => await read('/eth/v1/beacon/headers/head', parseHeader));
  const loadFinality = () =>
    cached('finality', async () => {
      const finality = await read('/eth/v1/beacon/states/head/finality_checkpoints', parseFinality);
      const timing = await loadTiming().catch(() => null);
      metrics.finality(finality, timing ? finalityEpochsBehind(timing, finality.finalized.epoch, now()) : null);
      return finality;
    });

  /** syncing's head_slot is the head the node has; the header's slot is the same block, read with its root */
  const headAge = async (headSlot: number): Promise<number | null> => {
    const timing = await loadTiming().catch(() => null);
    if (!timing) return null;
    const age = headAgeSeconds(timing, headSlot, now());
    metrics.headAge(age);
    return age;
  };

  /** Everything judgeNode needs; what fails beside syncing is left out of the judgement. */
  const view = async (): Promise<BeaconView> => {
    // syncing first: after an outage it is the one probe the half-open circuit lets through
    const sync = await loadSync();
    const [state, timing, finality, peers] = await Promise.all([
      loadHealth(),
      loadTiming().catch(() => null),
      loadFinality().catch(() => null),
      loadPeers().catch(() => null),
    ]);
    const age = await headAge(sync.headSlot);
    return {
      health: state,
      sync,
      headAge: age,
      finalityBehind: timing && finality ? finalityEpochsBehind(timing, finality.finalized.epoch, now()) : null,
      leakEpochs: timing?.leakEpochs ?? 4,
      peers: peers?.connected ?? null,
    };
  };

  const loadExecution = async (): Promise<ExecutionView | null> => {
    if (!config.executionSource) return null;
    const reader = executionOf(context.lookup(config.executionSource));
    if (!reader) {
      pairNote = `execution source "${config.executionSource}" is not configured or is not a geth source`;
      return null;
    }
    try {
      const execution = await reader.execution();
      pairNote = null;
      return execution;
    } catch (error) {
      pairNote = `execution source "${config.executionSource}": ${(error as Error).message}`;
      return null;
    }
  };

  const judge = async () => {
    const v = await view();
    lastVerdict = judgeNode(v, config);
    metrics.healthy(lastVerdict.healthy);
    const execution = await loadExecution();
    lastPair = execution
      ? judgePair(v, execution, {
          headStallSeconds: config.headStallSeconds,
          executionStallSeconds: config.headStallSeconds,
        })
      : null;
    if (config.executionSource) metrics.pair(lastPair?.behind ?? null);
    return { v, verdict: lastVerdict, pair: lastPair };
  };

  const refresh = async () => {
    const results = await Promise.allSettled([judge(), loadVersion()]);
    for (const result of results)
      if (result.status === 'rejected') log.debug({ err: String(result.reason) }, 'poll failed');
  };

  const loop = new PollLoop(() => refresh(), config.pollSeconds * 1_000);

  return {
    refresh,
    ...sourceIdentity('beacon', config),
    queries: defineQueries('beacon', {
      'node.info': async () => {
        const { v, verdict, pair } = await cached('judged', judge);
        const [version, finality] = await Promise.all([
          loadVersion().catch(() => null),
          loadFinality().catch(() => null),
        ]);
        return [
          nodeInfoFrame({
            version,
            health: v.health,
            sync: v.sync,
            headAge: v.headAge,
            peers: await loadPeers().catch(() => null),
            finalizedEpoch: finality?.finalized.epoch ?? null,
            finalityBehind: v.finalityBehind,
            verdict,
            executionSource: config.executionSource ?? null,
            pair,
            pairNote,
          }),
        ];
      },
      'sync.status': async () => {
        const sync = await loadSync();
        const [head, timing] = await Promise.all([loadHead().catch(() => null), loadTiming().catch(() => null)]);
        const age = await headAge(sync.headSlot);
        return [syncFrame(sync, head, timing, age, timing ? wallSlot(timing, now()) : null)];
      },
      finality: async () => {
        const finality = await loadFinality();
        const timing = await loadTiming().catch(() => null);
        const slot = timing ? wallSlot(timing, now()) : null;
        return [finalityFrame(finality, timing && slot !== null ? Math.floor(slot / timing.slotsPerEpoch) : null)];
      },
      'network.peers': async () => [peersFrame(await loadPeers())],
    }),
    health(): SourceHealth {
      if (lastVerdict && !lastVerdict.healthy) health.report('degraded', lastVerdict.reason);
      else health.report(null);
      const main = health.snapshot();
      if (!config.executionSource) return main;
      // the pair: degraded names the side that is behind; a comparison that could not be made is said, not a fault
      const execution: SourceHealth = lastPair
        ? {
            status: lastPair.behind ? 'degraded' : 'ok',
            message: lastPair.behind ? `${lastPair.behind} behind: ${lastPair.reason}` : lastPair.reason,
            lastSuccess: main.lastSuccess,
          }
        : { status: 'ok', message: pairNote ?? 'not compared yet', lastSuccess: main.lastSuccess };
      return combineHealth(main, { execution });
    },
    async start() {
      await loop.start();
    },
    async stop() {
      loop.stop();
    },
  };
}
