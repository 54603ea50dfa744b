// Wiring only: client + state + frames + metrics into a Source. The meaning lives in model.ts,
// the shapes in frames.ts, the I/O in client.ts.
import type { SourceContext } from '../../core/context.js';
import { combineHealth, UpstreamHealth } from '../../core/circuit.js';
import { averageRuns, pickEvenly } from '../../core/downsample.js';
import {
  QueryInputError,
  sourceIdentity,
  UpstreamError,
  type Annotation,
  type QueryInput,
  type Source,
  type SourceHealth,
} from '../types.js';
import { defineQueries, defineStreams } from '../catalog.js';
import type { ChainReader } from '../capabilities.js';
import { hostFrame } from '../host.js';
import { BitcoinRpc, resolveRpcTarget } from './client.js';
import { electrumFrame, ElectrumMonitor } from './electrum.js';
import type { BitcoinSourceConfig } from './config.js';
import {
  bitcoinHostFields,
  chainInfoFrames,
  feeEstimatesFrame,
  histogramFrames,
  mempoolSummaryFrame,
  peersFrame,
  projectedBlocksFrame,
  recentBlocksFrame,
  trafficFrame,
  zmqStatusFrame,
  type HistogramRow,
} from './frames.js';
import { BitcoinMetrics } from './metrics.js';
import {
  DIFFICULTY_PERIOD,
  projectedFeesBtc,
  reorgText,
  trafficRates,
  type MempoolSample,
} from './model.js';
import { BitcoinState } from './state.js';

/** A bitcoin Source and the running state behind it (as a cgminer source carries its fleet). */
export type BitcoinSource = Source & { readonly state: BitcoinState };

/** The running state behind a bitcoin source (tests compare its compact mempool with the node's). */
export function bitcoinSourceState(source: Source): BitcoinState | undefined {
  return source.kind === 'bitcoin' && 'state' in source ? (source as BitcoinSource).state : undefined;
}

export function createBitcoinSource(config: BitcoinSourceConfig, context: SourceContext): BitcoinSource {
  const rpcHealth = new UpstreamHealth(`${config.id} rpc`, { failureThreshold: 3, openMs: config.rpc.circuitOpenMs });
  const rpc = new BitcoinRpc({
    sourceId: config.id,
    target: resolveRpcTarget(config.network, config.rpc),
    timeoutMs: config.rpc.timeoutMs,
    maxBatch: config.rpc.maxBatch,
    retries: config.rpc.retries,
    health: rpcHealth,
    secrets: context.secrets,
    self: context.self,
    logger: context.logger,
  });
  const state = new BitcoinState(config, rpc, context, new BitcoinMetrics(context.metrics, config.id));
  const electrum = config.electrum
    ? new ElectrumMonitor(
        config.electrum,
        config.id,
        context,
        async () => (await state.readChainInfo()).blocks,
        config.rpc.timeoutMs,
        config.rpc.circuitOpenMs
      )
    : null;

  // what stacks, lightning and profitability read of this node: the calls chain.info,
  // blocks.recent and mempool.blocks make, without their frames
  const chain: ChainReader = {
    tip: async () => {
      const info = await state.readChainInfo();
      return { height: info.blocks, difficulty: info.difficulty };
    },
    recentBlockFees: async (count) => (await state.readRecentBlocks(count)).map((b) => b.totalFeesBtc),
    projectedBlockFees: () => projectedFeesBtc(liveMempool(state).blocks),
    // the chain view (sources/chain) compares several nodes by these
    best: async () => {
      const info = await state.readChainInfo();
      return { height: info.blocks, hash: info.bestBlockHash, headers: info.headers, tipTime: info.tipTime };
    },
    tips: () => state.readChainTips(),
    reorgs: (range) => state.rings.reorgs.toArray().filter((r) => r.detectedAt >= range.from && r.detectedAt <= range.to),
  };

  return {
    ...sourceIdentity('bitcoin', config),
    state,
    queries: defineQueries('bitcoin', {
      'chain.info': async () => [chainInfoFrames([await state.readChainInfo()])],
      'blocks.recent': async ({ params }) => [recentBlocksFrame(await state.readRecentBlocks(params.count))],
      'network.peers': async () => [peersFrame(await state.readPeers())],
      'network.traffic': async (input) => {
        const fresh = await state.readNetTotals();
        const samples = state.rings.traffic.toArray();
        if (fresh.t > (samples[samples.length - 1]?.t ?? 0)) samples.push(fresh);
        const rates = trafficRates(samples, input.range);
        const thin = averageRuns(
          { time: rates.time, values: [rates.bytesInPerSecond, rates.bytesOutPerSecond] },
          input.maxDataPoints
        );
        return [
          trafficFrame({ time: thin.time, bytesInPerSecond: thin.values[0]!, bytesOutPerSecond: thin.values[1]! }),
        ];
      },
      'mempool.summary': async (input) => [mempoolSummaryFrame(await mempoolSeries(state, input))],
      'fees.estimates': async () => [feeEstimatesFrame(await state.readFeeEstimates())],
      'mempool.histogram': async (input) => histogramFrames(histogramSeries(state, input)),
      'mempool.blocks': async () => [projectedBlocksFrame(liveMempool(state).blocks)],
      'zmq.status': async () => [zmqStatusFrame(state.mempool.status())],
      // what bitcoind tells of its host; the datadir columns come from the host block (sources/host.ts)
      'host.health': async () => [hostFrame(context.now(), bitcoinHostFields(state.hostReadings()))],
      'electrum.stats': async () => {
        if (!electrum) {
          throw new QueryInputError(
            `source "${config.id}" has no Electrum server configured (electrum: { kind: electrs, metricsUrl } or { kind: fulcrum, statsUrl })`
          );
        }
        return [electrumFrame(await electrum.read())];
      },
    }),
    variables: {
      peers: async () =>
        (await state.readPeers()).map((p) => ({ text: `${p.address} (${p.userAgent})`, value: p.address })),
      peerNetworks: async () =>
        [...new Set((await state.readPeers()).map((p) => p.network))].sort().map((n) => ({ text: n, value: n })),
      feeTargets: async () => [1, 2, 3, 6, 12, 24, 144].map((n) => ({ text: `${n} blocks`, value: String(n) })),
    },
    annotations: {
      blocks: async (range) => blockAnnotations(state, range, false),
      difficulty: async (range) => blockAnnotations(state, range, true),
      reorgs: async (range) =>
        state.rings.reorgs
          .toArray()
          .filter((r) => r.detectedAt >= range.from && r.detectedAt <= range.to)
          .map((r) => ({
            time: r.detectedAt,
            title: `Reorg (depth ${r.depth})`,
            text: reorgText(r),
            tags: ['bitcoin', 'reorg', config.id],
          })),
    },
    streams: defineStreams('bitcoin', {
      'chain.info': (emit) =>
        state.onTick((event) => {
          if (event === 'mempool') return;
          state.readChainInfo().then(
            (row) => emit(chainInfoFrames([row])),
            () => undefined
          );
        }),
      'mempool.summary': (emit) =>
        state.onTick((event) => {
          const last = state.rings.mempool.last();
          if (event === 'mempool' && last) emit(mempoolSummaryFrame([last]));
        }),
      'mempool.histogram': (emit) =>
        state.onTick((event) => {
          // both frames (vsize and count): the datasource appends each to its ring by name
          if (event === 'live') for (const frame of histogramFrames([state.liveHistogram()])) emit(frame);
        }),
      // paced by the full analysis, apart from the histogram's faster frames
      'mempool.blocks': (emit) => state.onAnalysis(() => emit(projectedBlocksFrame(state.mempool.analysis().blocks))),
      'zmq.status': (emit) => state.onStatus((status) => emit(zmqStatusFrame(status))),
    }),
    provides: { chain },
    health: () => health(rpcHealth, state, electrum),
    start: async () => {
      electrum?.start(config.pollSeconds * 1_000);
      await state.start();
    },
    stop: async () => {
      electrum?.stop();
      await state.stop();
      rpc.close();
    },
  };
}

function health(rpcHealth: UpstreamHealth, state: BitcoinState, electrum: ElectrumMonitor | null): SourceHealth {
  const main = rpcHealth.snapshot();
  const others: Record<string, SourceHealth> = { mempool: state.mempool.health() };
  if (electrum) others.electrum = electrum.snapshot();
  if (state.geoError) others.geoip = { status: 'degraded', message: state.geoError, lastSuccess: null };
  if (state.networkMismatch) {
    others.network = { status: 'degraded', message: state.networkMismatch, lastSuccess: main.lastSuccess };
  }
  const clock = state.clockHealth();
  if (clock) others.clock = clock;
  return combineHealth(main, others);
}

/** An error until the first fill, so a panel does not show an empty mempool as real. */
function requireSynced(state: BitcoinState): void {
  const status = state.mempool.status();
  if (!status.synced)
    throw new UpstreamError(
      `mempool not loaded yet${status.lastError ? `: ${status.lastError}` : ''}`,
      'mempool',
      true
    );
}

/** The compact mempool's analysis (see requireSynced). */
function liveMempool(state: BitcoinState) {
  requireSynced(state);
  return state.mempool.analysis();
}

/** Rows of the 1-minute ring within the range, then the live row when the range reaches now. */
function histogramSeries(state: BitcoinState, input: QueryInput): HistogramRow[] {
  const { from, to } = input.range;
  const rows = state.rings.histogram.toArray().filter((r) => r.t >= from && r.t <= to);
  if (to >= Date.now() - 60_000) {
    requireSynced(state);
    rows.push(state.liveHistogram());
  }
  return pickEvenly(rows, input.maxDataPoints);
}

/** History from the ring within the range, then the current reading when the range reaches now. */
async function mempoolSeries(state: BitcoinState, input: QueryInput): Promise<MempoolSample[]> {
  const { from, to } = input.range;
  const rows = state.rings.mempool.toArray().filter((s) => s.t >= from && s.t <= to);
  const lastT = rows[rows.length - 1]?.t ?? 0;
  if (to >= Date.now() - 60_000 || rows.length === 0) {
    const current = await state.readMempool();
    if (current.t > lastT) rows.push(current);
  }
  // thin a long range evenly; keep the newest row
  return pickEvenly(rows, input.maxDataPoints);
}

function blockAnnotations(
  state: BitcoinState,
  range: { from: number; to: number },
  retargetsOnly: boolean
): Annotation[] {
  const id = state.config.id;
  return state.rings.blocks
    .toArray()
    .filter((b) => b.time * 1_000 >= range.from && b.time * 1_000 <= range.to)
    .filter((b) => !retargetsOnly || b.height % DIFFICULTY_PERIOD === 0)
    .map((b) =>
      retargetsOnly
        ? {
            time: b.time * 1_000,
            title: `Difficulty adjustment at ${b.height}`,
            text: `difficulty ${b.difficulty} from block ${b.height} ${b.hash}`,
            tags: ['bitcoin', 'difficulty', id],
          }
        : {
            time: b.time * 1_000,
            title: `Block ${b.height}`,
            text: `block ${b.height} ${b.hash}, ${b.nTx} transactions`,
            tags: ['bitcoin', 'block', id],
          }
    );
}
