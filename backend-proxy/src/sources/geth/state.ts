// The running state of one geth source, in the shape bitcoin's state.ts has: the reads (cached
// and coalesced, through the circuit), what they leave behind (the last verdict, the metrics
// families, head stalls, namespaces found off), the poll loop, health, and what each query
// answers. index.ts only wires it into a Source.
import type { DataFrameJSON } from '@nodescope/shared';
import { UpstreamHealth, combineHealth } from '../../core/circuit.js';
import type { SourceContext } from '../../core/context.js';
import { PollLoop } from '../../core/poll.js';
import { clearMirror, familiesByName, mirrorFamilies, parsePrometheusText, sampleValue, type MetricFamily } from '../../core/prometheusText.js';
import { fetchMetricsText } from '../../core/upstream.js';
import type { Annotation, SourceHealth } from '../types.js';
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

/** A namespace found off is asked again after this long: a node restarted with --http.api is seen. */
const NOT_ENABLED_RECHECK_MS = 300_000;

/** The answer of a method from a namespace stock geth does not serve over HTTP (modules.ts). */
export type Optional<T> = { enabled: true; value: T } | { enabled: false; off: NotEnabled };

export class GethState {
  private readonly rpcHealth: UpstreamHealth;
  private readonly metricsHealth: UpstreamHealth;
  private readonly rpc: GethRpcClient;
  private readonly metrics: ReturnType<typeof gethMetrics>;
  private readonly ttl: number;
  private lastVerdict: NodeVerdict | null = null;
  private lastFamilies: Map<string, MetricFamily> | null = null;
  private readonly stalls: Array<{ from: number; to: number | null; block: number }> = [];
  /** methods the node answered -32601 for, until when to believe it */
  private readonly offUntil = new Map<GethMethod, { until: number; off: NotEnabled }>();
  private readonly loop: PollLoop;

  constructor(
    readonly config: GethSourceConfig,
    private readonly context: SourceContext
  ) {
    const circuit = { failureThreshold: 3, openMs: Math.max(5_000, config.pollSeconds * 1_000), now: context.now };
    this.rpcHealth = new UpstreamHealth('geth rpc', circuit);
    this.metricsHealth = new UpstreamHealth('geth metrics', circuit);
    this.rpc = new GethRpcClient({ url: config.rpcUrl, timeoutMs: config.timeoutMs, sourceId: config.id, allowAdmin: config.adminPeers, self: context.self });
    this.metrics = gethMetrics(context.metrics, config.id);
    this.ttl = Math.max(500, Math.floor((config.pollSeconds * 1_000) / 2));
    this.loop = new PollLoop(() => this.refresh(), config.pollSeconds * 1_000);
  }

  private now(): number {
    return this.context.now();
  }

  private cached<T>(key: string, load: () => Promise<T>, ttlMs = this.ttl): Promise<T> {
    return this.context.cache.get(`geth:${this.config.id}:${key}`, ttlMs, load);
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return this.rpcHealth.call(fn);
  }

  /**
   * One call whose -32601 means "not enabled": that is an answer, so it counts as a success for
   * the circuit and does not degrade the source; health() names the flag to add instead.
   */
  private async optional<T>(method: GethMethod, parse: (raw: unknown) => T, params: unknown[] = []): Promise<Optional<T>> {
    const known = this.offUntil.get(method);
    if (known && this.now() < known.until) return { enabled: false, off: known.off };
    const answer = await this.call(async () => {
      try {
        return { raw: await this.rpc.call(method, params) };
      } catch (error) {
        if (isNotEnabled(error)) return null;
        throw error;
      }
    });
    if (answer === null) {
      const off = notEnabled(method);
      this.offUntil.set(method, { until: this.now() + NOT_ENABLED_RECHECK_MS, off });
      return { enabled: false, off };
    }
    this.offUntil.delete(method);
    return { enabled: true, value: parse(answer.raw) };
  }

  // --- reads ---------------------------------------------------------------------------------

  loadHead(): Promise<HeadBlock> {
    return this.cached('head', async () => {
      const head = parseBlock(await this.call(() => this.rpc.call('eth_getBlockByNumber', ['latest', false])));
      const age = headAgeSeconds(head, this.now());
      this.trackStall(head, age);
      this.metrics.head(head, age);
      return head;
    });
  }

  private loadBasics() {
    return this.cached(
      'basics',
      async () => {
        // web3_ and net_ are stock, but an --http.api without them is possible: each on its own
        const [clientVersion, chainId, networkId] = await Promise.all([
          this.optional('web3_clientVersion', String),
          this.call(() => this.rpc.call('eth_chainId')),
          this.optional('net_version', String),
        ]);
        return {
          clientVersion: clientVersion.enabled ? clientVersion.value : null,
          chainId: quantity(chainId, 'eth_chainId'),
          networkId: networkId.enabled ? networkId.value : null,
        };
      },
      60_000
    );
  }

  /** net_peerCount, or null when the net namespace is not enabled (then the peer check is skipped) */
  private loadPeers(): Promise<number | null> {
    return this.cached('peers', async () => {
      const answer = await this.optional('net_peerCount', (raw) => quantity(raw, 'net_peerCount'));
      if (!answer.enabled) return null;
      this.metrics.peers(answer.value);
      return answer.value;
    });
  }

  loadSync() {
    return this.cached('sync', async () => {
      const sync = parseSyncing(await this.call(() => this.rpc.call('eth_syncing')));
      this.metrics.sync(sync);
      return sync;
    });
  }

  private loadTxpool(): Promise<Optional<TxpoolStatus>> {
    return this.cached('txpool', async () => {
      const answer = await this.optional('txpool_status', parseTxpoolStatus);
      if (answer.enabled) this.metrics.txpool(answer.value);
      return answer;
    });
  }

  private loadMetrics() {
    return this.cached('metrics', async () => {
      const url = this.config.metricsUrl;
      if (!url) return null;
      const { id, timeoutMs } = this.config;
      const registry = this.context.metrics.registry;
      try {
        const families = await this.metricsHealth.call(async () =>
          parsePrometheusText(await fetchMetricsText(url, { timeoutMs, sourceId: id, upstream: 'geth-metrics', self: this.context.self }))
        );
        mirrorFamilies(registry, id, families, { include: includeGethFamily, rename: renameGethFamily });
        this.lastFamilies = familiesByName(families);
        return this.lastFamilies;
      } catch (error) {
        clearMirror(registry, id);
        this.lastFamilies = null;
        throw error;
      }
    });
  }

  private trackStall(head: HeadBlock, age: number): void {
    const stalls = this.stalls;
    const open = stalls[stalls.length - 1];
    const stalled = age > this.config.headStallSeconds;
    if (stalled && (!open || open.to !== null)) {
      stalls.push({ from: head.timestamp * 1000 + this.config.headStallSeconds * 1000, to: null, block: head.number });
      if (stalls.length > 500) stalls.shift();
    } else if (!stalled && open && open.to === null) {
      open.to = this.now();
    }
  }

  private async judge(): Promise<NodeVerdict> {
    // the head first: after an outage it is the one probe the half-open circuit lets through
    const head = await this.loadHead();
    const [peers, sync] = await settled([this.loadPeers(), this.loadSync()] as const);
    this.lastVerdict = judgeNode(sync, headAgeSeconds(head, this.now()), peers, this.config);
    this.metrics.healthy(this.lastVerdict.healthy);
    return this.lastVerdict;
  }

  private metricValue(name: string): number | null {
    return this.lastFamilies ? (sampleValue(this.lastFamilies, name) ?? null) : null;
  }

  // --- what the queries answer -----------------------------------------------------------------

  async chainHead(): Promise<DataFrameJSON[]> {
    const head = await this.loadHead();
    const [basics, peers, sync] = await Promise.all([this.loadBasics().catch(() => null), this.loadPeers().catch(() => null), this.loadSync().catch(() => null)]);
    // (each catches its own error, so none is left running unseen)
    return [
      chainHeadFrame(head, headAgeSeconds(head, this.now()), {
        clientVersion: basics?.clientVersion ?? null,
        chainId: basics?.chainId ?? null,
        networkId: basics?.networkId ?? null,
        peers,
        syncing: sync?.syncing ?? null,
      }),
    ];
  }

  async networkPeers(): Promise<DataFrameJSON[]> {
    const peers = await this.loadPeers();
    if (this.config.metricsUrl) await this.loadMetrics().catch(() => null);
    const inbound = this.metricValue('p2p_peers_inbound');
    const outbound = this.metricValue('p2p_peers_outbound');
    // without the net namespace, geth's own p2p_peers gauge (p2p/metrics.go:40) still counts them
    const count = peers ?? this.metricValue('p2p_peers');
    const netOff = this.offUntil.get('net_peerCount')?.off.message;
    const note = peers === null && netOff ? `${netOff}${count === null ? '' : '. The count is p2p_peers from the metrics endpoint'}` : null;
    if (!this.config.adminPeers) return [peersSummaryFrame(count, inbound, outbound, note)];
    const list = await this.cached('admin-peers', () => this.optional('admin_peers', parseAdminPeers));
    if (list.enabled) return [peersSummaryFrame(count, inbound, outbound, note), peersTableFrame(list.value)];
    return [peersSummaryFrame(count, inbound, outbound, [note, `${list.off.message} to list peers; showing the peer count only`].filter(Boolean).join('. '))];
  }

  async txpoolStatus(): Promise<DataFrameJSON[]> {
    const answer = await this.loadTxpool();
    if (this.config.metricsUrl) await this.loadMetrics().catch(() => null);
    const fromMetrics = { local: this.metricValue('txpool_local'), slots: this.metricValue('txpool_slots') };
    if (answer.enabled) return [txpoolFrame(answer.value, fromMetrics)];
    // not enabled over HTTP: geth's metrics still count the legacy pool (core/txpool/legacypool/legacypool.go:113-114)
    const pending = this.metricValue('txpool_pending');
    const queued = this.metricValue('txpool_queued');
    const status: TxpoolStatus | null = pending !== null && queued !== null ? { pending, queued } : null;
    const note = `${answer.off.message}${status ? '. Meanwhile pending/queued are txpool_pending/txpool_queued from the metrics endpoint (legacy pool only, no blob transactions)' : ''}`;
    return [txpoolFrame(status, fromMetrics, note)];
  }

  async feeHistory(blocks: number, percentiles: number[]): Promise<DataFrameJSON[]> {
    const [history, gasPrice] = await this.cached(`fees:${blocks}:${percentiles.join(',')}`, () =>
      this.call(() =>
        this.rpc.batch([
          { method: 'eth_feeHistory', params: [`0x${blocks.toString(16)}`, 'latest', percentiles] },
          { method: 'eth_gasPrice' },
        ])
      )
    );
    const { rows, nextBaseFeeGwei } = parseFeeHistory(history, percentiles);
    const gasPriceGwei = weiToGwei(gasPrice, 'eth_gasPrice');
    this.metrics.gasPrice(gasPriceGwei);
    return [feeHistoryFrame(rows, percentiles, gasPriceGwei, nextBaseFeeGwei)];
  }

  async syncStatus(): Promise<DataFrameJSON[]> {
    const sync = await this.loadSync();
    // each catches its own error; a failed peer count (undefined) leaves no verdict, a disabled one (null) skips the peer check
    const [head, peers] = await Promise.all([this.loadHead().catch(() => null), this.loadPeers().catch(() => undefined)]);
    const verdict = head && peers !== undefined ? judgeNode(sync, headAgeSeconds(head, this.now()), peers, this.config) : null;
    if (verdict) this.lastVerdict = verdict;
    return [syncFrame(sync, head ? headAgeSeconds(head, this.now()) : null, peers ?? null, verdict)];
  }

  /** head stalls: from when the head got older than headStallSeconds until a new block came */
  stallAnnotations(range: { from: number; to: number }): Annotation[] {
    return this.stalls
      .filter((s) => s.from <= range.to && (s.to ?? this.now()) >= range.from)
      .map((s) => ({
        time: s.from,
        ...(s.to !== null ? { timeEnd: s.to } : {}),
        title: `Head stalled at block ${s.block}`,
        text: s.to === null ? 'still stalled' : `new blocks again after ${Math.round((s.to - s.from) / 1000)} s`,
        tags: ['geth', 'stall', this.config.id],
      }));
  }

  // --- life cycle and health -----------------------------------------------------------------

  /** One poll of every read now (what the timer does every pollSeconds). */
  async refresh(): Promise<void> {
    const results = [await Promise.allSettled([this.judge()]), await Promise.allSettled([this.loadTxpool(), ...(this.config.metricsUrl ? [this.loadMetrics()] : [])])].flat();
    for (const result of results) if (result.status === 'rejected') this.context.logger.debug({ err: String(result.reason) }, 'poll failed');
  }

  health(): SourceHealth {
    const rpcHealth = this.rpcHealth;
    if (this.lastVerdict && !this.lastVerdict.healthy) rpcHealth.report('degraded', this.lastVerdict.reason);
    else rpcHealth.report(null);
    const others: Record<string, SourceHealth> = {};
    if (this.config.metricsUrl) others.metrics = this.metricsHealth.snapshot();
    // a namespace that is not enabled is no fault: an ok component that names the flag to add
    for (const { off } of this.offUntil.values()) others[off.method] = { status: 'ok', message: off.message, lastSuccess: rpcHealth.lastSuccess };
    return combineHealth(rpcHealth.snapshot(), others);
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  async stop(): Promise<void> {
    this.loop.stop();
    clearMirror(this.context.metrics.registry, this.config.id);
  }
}

/** Like Promise.all, but waits for every promise before throwing the first error (no call left running unseen). */
async function settled<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
