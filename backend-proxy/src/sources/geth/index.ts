// Geth: wiring only; the meaning lives in model.ts and frames.ts.
import { UpstreamHealth, combineHealth } from '../../core/circuit.js';
import type { SourceContext } from '../../core/context.js';
import { clearMirror, familiesByName, mirrorFamilies, parsePrometheusText, sampleValue, type MetricFamily } from '../../core/prometheusText.js';
import { fetchMetricsText, urlSecrets } from '../../core/upstream.js';
import { defineQueries } from '../catalog.js';
import { hostFrame } from '../host.js';
import type { Source, SourceHealth } from '../types.js';
import { GethRpcClient, type GethMethod } from './client.js';
import type { GethSourceConfig } from './config.js';
import { chainHeadFrame, feeHistoryFrame, peersSummaryFrame, peersTableFrame, syncFrame, txpoolFrame } from './frames.js';
import { gethMetrics, includeGethFamily, renameGethFamily } from './metrics.js';
import { isNotEnabled, notEnabled, type NotEnabled } from './modules.js';
import {
  headAgeSeconds,
  judgeNode,
  parseAdminPeers,
  parseBlock,
  parseFeeHistory,
  parseSyncing,
  parseTxpoolStatus,
  quantity,
  weiToGwei,
  type HeadBlock,
  type NodeVerdict,
  type TxpoolStatus,
} from './model.js';

export type GethSource = Source & { refresh(): Promise<void> };

/** A namespace found off is asked again after this long: a node restarted with --http.api is seen. */
const NOT_ENABLED_RECHECK_MS = 300_000;

/** The answer of a method from a namespace stock geth does not serve over HTTP (modules.ts). */
export type Optional<T> = { enabled: true; value: T } | { enabled: false; off: NotEnabled };

export function createGethSource(config: GethSourceConfig, context: SourceContext): GethSource {
  const { id } = config;
  const now = context.now;
  const log = context.logger; // already bound to source and kind (http/app.ts)
  for (const url of [config.rpcUrl, config.metricsUrl]) context.secrets.add(...urlSecrets(url));
  const circuit = { failureThreshold: 3, openMs: Math.max(5_000, config.pollSeconds * 1_000), now };
  const rpcHealth = new UpstreamHealth('geth rpc', circuit);
  const metricsHealth = new UpstreamHealth('geth metrics', circuit);
  const rpc = new GethRpcClient({ url: config.rpcUrl, timeoutMs: config.timeoutMs, sourceId: id, allowAdmin: config.adminPeers, self: context.self });
  const metrics = gethMetrics(context.metrics, id);
  const ttl = Math.max(500, Math.floor((config.pollSeconds * 1_000) / 2));
  const cached = <T>(key: string, load: () => Promise<T>, ttlMs = ttl) => context.cache.get(`geth:${id}:${key}`, ttlMs, load);
  const call = <T>(fn: () => Promise<T>) => rpcHealth.call(fn);

  let lastVerdict: NodeVerdict | null = null;
  let lastFamilies: Map<string, MetricFamily> | null = null;
  const stalls: Array<{ from: number; to: number | null; block: number }> = [];
  /** methods the node answered -32601 for, until when to believe it */
  const offUntil = new Map<GethMethod, { until: number; off: NotEnabled }>();

  /**
   * One call whose -32601 means "not enabled": that is an answer, so it counts as a success for
   * the circuit and does not degrade the source; health() names the flag to add instead.
   */
  const optional = async <T>(method: GethMethod, parse: (raw: unknown) => T, params: unknown[] = []): Promise<Optional<T>> => {
    const known = offUntil.get(method);
    if (known && now() < known.until) return { enabled: false, off: known.off };
    const answer = await call(async () => {
      try {
        return { raw: await rpc.call(method, params) };
      } catch (error) {
        if (isNotEnabled(error)) return null;
        throw error;
      }
    });
    if (answer === null) {
      const off = notEnabled(method);
      offUntil.set(method, { until: now() + NOT_ENABLED_RECHECK_MS, off });
      return { enabled: false, off };
    }
    offUntil.delete(method);
    return { enabled: true, value: parse(answer.raw) };
  };

  const loadHead = () =>
    cached('head', async () => {
      const head = parseBlock(await call(() => rpc.call('eth_getBlockByNumber', ['latest', false])));
      const age = headAgeSeconds(head, now());
      trackStall(head, age);
      metrics.head(head, age);
      return head;
    });
  const loadBasics = () =>
    cached(
      'basics',
      async () => {
        // web3_ and net_ are stock, but an --http.api without them is possible: each on its own
        const [clientVersion, chainId, networkId] = await Promise.all([
          optional('web3_clientVersion', String),
          call(() => rpc.call('eth_chainId')),
          optional('net_version', String),
        ]);
        return {
          clientVersion: clientVersion.enabled ? clientVersion.value : null,
          chainId: quantity(chainId, 'eth_chainId'),
          networkId: networkId.enabled ? networkId.value : null,
        };
      },
      60_000
    );
  /** net_peerCount, or null when the net namespace is not enabled (then the peer check is skipped) */
  const loadPeers = () =>
    cached('peers', async () => {
      const answer = await optional('net_peerCount', (raw) => quantity(raw, 'net_peerCount'));
      if (!answer.enabled) return null;
      metrics.peers(answer.value);
      return answer.value;
    });
  const loadSync = () =>
    cached('sync', async () => {
      const sync = parseSyncing(await call(() => rpc.call('eth_syncing')));
      metrics.sync(sync);
      return sync;
    });
  const loadTxpool = () =>
    cached('txpool', async () => {
      const answer = await optional('txpool_status', parseTxpoolStatus);
      if (answer.enabled) metrics.txpool(answer.value);
      return answer;
    });
  const loadMetrics = () =>
    cached('metrics', async () => {
      const url = config.metricsUrl;
      if (!url) return null;
      try {
        const families = await metricsHealth.call(async () =>
          parsePrometheusText(await fetchMetricsText(url, { timeoutMs: config.timeoutMs, sourceId: id, upstream: 'geth-metrics', self: context.self }))
        );
        mirrorFamilies(context.metrics.registry, id, families, { include: includeGethFamily, rename: renameGethFamily });
        lastFamilies = familiesByName(families);
        return lastFamilies;
      } catch (error) {
        clearMirror(context.metrics.registry, id);
        lastFamilies = null;
        throw error;
      }
    });

  const trackStall = (head: HeadBlock, age: number) => {
    const open = stalls[stalls.length - 1];
    const stalled = age > config.headStallSeconds;
    if (stalled && (!open || open.to !== null)) {
      stalls.push({ from: head.timestamp * 1000 + config.headStallSeconds * 1000, to: null, block: head.number });
      if (stalls.length > 500) stalls.shift();
    } else if (!stalled && open && open.to === null) {
      open.to = now();
    }
  };

  const judge = async (): Promise<NodeVerdict> => {
    // the head first: after an outage it is the one probe the half-open circuit lets through
    const head = await loadHead();
    const [peers, sync] = await settled([loadPeers(), loadSync()] as const);
    lastVerdict = judgeNode(sync, headAgeSeconds(head, now()), peers, config);
    metrics.healthy(lastVerdict.healthy);
    return lastVerdict;
  };

  const metricValue = (name: string) => (lastFamilies ? (sampleValue(lastFamilies, name) ?? null) : null);

  const refresh = async () => {
    const results = [await Promise.allSettled([judge()]), await Promise.allSettled([loadTxpool(), ...(config.metricsUrl ? [loadMetrics()] : [])])].flat();
    for (const result of results) if (result.status === 'rejected') log.debug({ err: String(result.reason) }, 'poll failed');
  };

  let timer: NodeJS.Timeout | undefined;

  return {
    refresh,
    id,
    kind: 'geth',
    name: config.name ?? id,
    network: config.network,
    // a beacon source paired with this node (its executionSource) reads head and sync from the same cached calls
    provides: {
      execution: {
        execution: async () => {
          const [head, sync] = await Promise.all([loadHead(), loadSync()]);
          return { syncing: sync.syncing, headNumber: head.number, headAge: headAgeSeconds(head, now()) };
        },
      },
    },
    queries: defineQueries('geth', {
      'chain.head': async () => {
        const head = await loadHead();
        const [basics, peers, sync] = await Promise.all([loadBasics().catch(() => null), loadPeers().catch(() => null), loadSync().catch(() => null)]);
        // (each catches its own error, so none is left running unseen)
        return [
          chainHeadFrame(head, headAgeSeconds(head, now()), {
            clientVersion: basics?.clientVersion ?? null,
            chainId: basics?.chainId ?? null,
            networkId: basics?.networkId ?? null,
            peers,
            syncing: sync?.syncing ?? null,
          }),
        ];
      },
      'network.peers': async () => {
        const peers = await loadPeers();
        if (config.metricsUrl) await loadMetrics().catch(() => null);
        const inbound = metricValue('p2p_peers_inbound');
        const outbound = metricValue('p2p_peers_outbound');
        // without the net namespace, geth's own p2p_peers gauge (p2p/metrics.go:40) still counts them
        const count = peers ?? metricValue('p2p_peers');
        const netOff = offUntil.get('net_peerCount')?.off.message;
        const note = peers === null && netOff ? `${netOff}${count === null ? '' : '. The count is p2p_peers from the metrics endpoint'}` : null;
        if (!config.adminPeers) return [peersSummaryFrame(count, inbound, outbound, note)];
        const list = await cached('admin-peers', () => optional('admin_peers', parseAdminPeers));
        if (list.enabled) return [peersSummaryFrame(count, inbound, outbound, note), peersTableFrame(list.value)];
        return [peersSummaryFrame(count, inbound, outbound, [note, `${list.off.message} to list peers; showing the peer count only`].filter(Boolean).join('. '))];
      },
      'txpool.status': async () => {
        const answer = await loadTxpool();
        if (config.metricsUrl) await loadMetrics().catch(() => null);
        const fromMetrics = { local: metricValue('txpool_local'), slots: metricValue('txpool_slots') };
        if (answer.enabled) return [txpoolFrame(answer.value, fromMetrics)];
        // not enabled over HTTP: geth's metrics still count the legacy pool (core/txpool/legacypool/legacypool.go:113-114)
        const pending = metricValue('txpool_pending');
        const queued = metricValue('txpool_queued');
        const status: TxpoolStatus | null = pending !== null && queued !== null ? { pending, queued } : null;
        const note = `${answer.off.message}${status ? '. Meanwhile pending/queued are txpool_pending/txpool_queued from the metrics endpoint (legacy pool only, no blob transactions)' : ''}`;
        return [txpoolFrame(status, fromMetrics, note)];
      },
      'fees.history': async (input) => {
        const { blocks, percentiles } = input.params;
        const [history, gasPrice] = await cached(`fees:${blocks}:${percentiles.join(',')}`, () =>
          call(() =>
            rpc.batch([
              { method: 'eth_feeHistory', params: [`0x${blocks.toString(16)}`, 'latest', percentiles] },
              { method: 'eth_gasPrice' },
            ])
          )
        );
        const { rows, nextBaseFeeGwei } = parseFeeHistory(history, percentiles);
        const gasPriceGwei = weiToGwei(gasPrice, 'eth_gasPrice');
        metrics.gasPrice(gasPriceGwei);
        return [feeHistoryFrame(rows, percentiles, gasPriceGwei, nextBaseFeeGwei)];
      },
      // the datadir columns come from the host block (sources/host.ts)
      'host.health': async () => [hostFrame(now())],
      'sync.status': async () => {
        const sync = await loadSync();
        // each catches its own error; a failed peer count (undefined) leaves no verdict, a disabled one (null) skips the peer check
        const [head, peers] = await Promise.all([loadHead().catch(() => null), loadPeers().catch(() => undefined)]);
        const verdict = head && peers !== undefined ? judgeNode(sync, headAgeSeconds(head, now()), peers, config) : null;
        if (verdict) lastVerdict = verdict;
        return [syncFrame(sync, head ? headAgeSeconds(head, now()) : null, peers ?? null, verdict)];
      },
    }),
    annotations: {
      // head stalls: from when the head got older than headStallSeconds until a new block came
      stalls: async (range) =>
        stalls
          .filter((s) => s.from <= range.to && (s.to ?? now()) >= range.from)
          .map((s) => ({
            time: s.from,
            ...(s.to !== null ? { timeEnd: s.to } : {}),
            title: `Head stalled at block ${s.block}`,
            text: s.to === null ? 'still stalled' : `new blocks again after ${Math.round((s.to - s.from) / 1000)} s`,
            tags: ['geth', 'stall', id],
          })),
    },
    health(): SourceHealth {
      if (lastVerdict && !lastVerdict.healthy) rpcHealth.report('degraded', lastVerdict.reason);
      else rpcHealth.report(null);
      const others: Record<string, SourceHealth> = {};
      if (config.metricsUrl) others.metrics = metricsHealth.snapshot();
      // a namespace that is not enabled is no fault: an ok component that names the flag to add
      for (const { off } of offUntil.values()) others[off.method] = { status: 'ok', message: off.message, lastSuccess: rpcHealth.lastSuccess };
      return combineHealth(rpcHealth.snapshot(), others);
    },
    async start() {
      await refresh().catch(() => undefined);
      timer = setInterval(() => void refresh().catch(() => undefined), config.pollSeconds * 1_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      clearMirror(context.metrics.registry, id);
    },
  };
}

/** Like Promise.all, but waits for every promise before throwing the first error (no call left running unseen). */
async function settled<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
