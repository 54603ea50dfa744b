// Electrum server beside the node: Electrs' Prometheus endpoint or Fulcrum's /stats JSON,
// read-only GETs of the configured URL only. The index height against the node's height says
// whether wallets see the chain tip; query rates and clients say how busy the server is.
import { toFrame, UNITS, type DataFrameJSON } from '@nodescope/shared';
import type { SourceContext } from '../../core/context.js';
import { UpstreamHealth } from '../../core/circuit.js';
import { familiesByName, parsePrometheusText } from '../../core/prometheusText.js';
import { UpstreamError, type SourceHealth } from '../types.js';
import type { BitcoinSourceConfig } from './config.js';
import { upstreamFetch } from '../../core/upstream.js';

export type ElectrumKind = 'electrs' | 'fulcrum';

/** What one scrape says, before it is compared with the node and the previous scrape. */
export interface ElectrumReading {
  t: number;
  kind: ElectrumKind;
  indexHeight: number | null;
  /** connected clients (Fulcrum reports them; electrs has no such metric) */
  clients: number | null;
  /** requests served since the server started, the base of the request rate */
  requestsTotal: number | null;
  mempoolTxs: number | null;
}

export interface ElectrumStats extends ElectrumReading {
  nodeHeight: number | null;
  lagBlocks: number | null;
  requestsPerSecond: number | null;
}

/** Index lag (blocks) from which the server is reported degraded: one block can be in flight. */
export const ELECTRUM_LAG_DEGRADED = 2;

export function parseElectrsMetrics(text: string, t: number): ElectrumReading {
  const families = familiesByName(parsePrometheusText(text));
  const sum = (name: string, sampleName = name): number | null => {
    const family = families.get(name);
    if (!family) return null;
    return family.samples.filter((s) => s.name === sampleName).reduce((total, s) => total + s.value, 0);
  };
  const tip = families.get('electrs_index_height')?.samples.find((s) => s.labels.type === 'tip' || !s.labels.type);
  return {
    t,
    kind: 'electrs',
    indexHeight: tip ? tip.value : null,
    clients: null,
    // every served RPC is one observation of electrs_rpc_duration
    requestsTotal: sum('electrs_rpc_duration', 'electrs_rpc_duration_count'),
    mempoolTxs: sum('electrs_mempool_txs_count'),
  };
}

type Json = Record<string, unknown>;
const record = (value: unknown): Json | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const finite = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function parseFulcrumStats(body: unknown, t: number): ElectrumReading {
  const stats = record(body);
  if (!stats) throw new UpstreamError('fulcrum /stats: not a JSON object');
  const controller = record(stats.Controller);
  const manager = record(stats['Server Manager']);
  // Fulcrum counts headers from genesis, so the index height is the count minus one
  const headers = finite(controller?.['Header count']);
  let requestsTotal: number | null = null;
  for (const server of Object.values(record(manager?.Servers) ?? {})) {
    const clients = record(server)?.clients;
    if (!Array.isArray(clients)) continue;
    for (const entry of clients) {
      for (const client of Object.values(record(entry) ?? {})) {
        const received = finite(record(client)?.nRequestsRcv);
        if (received !== null) requestsTotal = (requestsTotal ?? 0) + received;
      }
    }
  }
  return {
    t,
    kind: 'fulcrum',
    indexHeight: headers === null ? null : headers - 1,
    clients: finite(manager?.['number of clients']),
    requestsTotal,
    mempoolTxs: finite(record(stats.Mempool)?.txs) ?? null,
  };
}

/** Compares a reading with the node and the previous reading. */
export function electrumStats(current: ElectrumReading, previous: ElectrumReading | undefined, nodeHeight: number | null): ElectrumStats {
  const lagBlocks = nodeHeight !== null && current.indexHeight !== null ? Math.max(0, nodeHeight - current.indexHeight) : null;
  let requestsPerSecond: number | null = null;
  if (previous && previous.requestsTotal !== null && current.requestsTotal !== null && current.t > previous.t) {
    const delta = current.requestsTotal - previous.requestsTotal;
    // a counter that went down means the server restarted: no rate across it
    if (delta >= 0) requestsPerSecond = (delta * 1_000) / (current.t - previous.t);
  }
  return { ...current, nodeHeight, lagBlocks, requestsPerSecond };
}

export function electrumFrame(stats: ElectrumStats): DataFrameJSON {
  return toFrame('electrum.stats', [
    { name: 'time', type: 'time', values: [stats.t] },
    { name: 'kind', type: 'string', values: [stats.kind] },
    { name: 'indexHeight', type: 'number', values: [stats.indexHeight], unit: UNITS.none },
    { name: 'nodeHeight', type: 'number', values: [stats.nodeHeight], unit: UNITS.none },
    { name: 'lagBlocks', type: 'number', values: [stats.lagBlocks], unit: UNITS.none },
    { name: 'clients', type: 'number', values: [stats.clients], unit: UNITS.none },
    { name: 'requestsPerSecond', type: 'number', values: [stats.requestsPerSecond], unit: 'reqps' },
    { name: 'mempoolTxs', type: 'number', values: [stats.mempoolTxs], unit: UNITS.short },
  ]);
}

/** Reads the configured Electrum server, keeps health and metrics; wired by the bitcoin source. */
export class ElectrumMonitor {
  readonly health: UpstreamHealth;
  private previous: ElectrumReading | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last: ElectrumStats | undefined;
  private readonly url: string;
  private readonly gauges;

  constructor(
    private readonly config: NonNullable<BitcoinSourceConfig['electrum']>,
    private readonly sourceId: string,
    private readonly context: SourceContext,
    private readonly nodeHeight: () => Promise<number | null>,
    private readonly timeoutMs: number,
    circuitOpenMs = 10_000
  ) {
    const url = config.kind === 'electrs' ? config.metricsUrl : config.statsUrl;
    // the config schema cannot express "the URL of this kind"; say it at construction
    if (!url) throw new Error(`electrum: ${config.kind} needs ${config.kind === 'electrs' ? 'metricsUrl' : 'statsUrl'}`);
    this.url = url;
    this.health = new UpstreamHealth(`${sourceId} electrum`, { failureThreshold: 2, openMs: circuitOpenMs });
    const m = context.metrics;
    this.gauges = {
      up: m.gauge('electrum_up', 'Electrum server answered its last scrape (1) or not (0)', ['kind']),
      indexHeight: m.gauge('electrum_index_height', 'Height the Electrum server has indexed', ['kind']),
      lag: m.gauge('electrum_index_lag_blocks', 'Blocks the Electrum index is behind the node', ['kind']),
      clients: m.gauge('electrum_clients', 'Connected Electrum clients (Fulcrum only)', ['kind']),
      rate: m.gauge('electrum_requests_per_second', 'Electrum requests served per second between the last two scrapes', ['kind']),
    };
  }

  /** One scrape, coalesced with concurrent ones and reused for a few seconds. */
  read(): Promise<ElectrumStats> {
    return this.context.cache.get(`${this.sourceId}:electrum`, 5_000, () => this.scrape());
  }

  snapshot(): SourceHealth {
    return this.health.snapshot();
  }

  /** Scrapes on an interval so /metrics (and the alert on index lag) stay current without queries. */
  start(everyMs: number): void {
    if (this.timer) return;
    const tick = () => {
      this.context.cache.delete(`${this.sourceId}:electrum`);
      this.read().catch((error: unknown) => this.context.logger.debug({ err: error }, 'electrum scrape failed'));
    };
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async scrape(): Promise<ElectrumStats> {
    const labels = { source: this.sourceId, kind: this.config.kind };
    try {
      const reading = await this.health.call(() => this.fetchReading());
      const stats = electrumStats(reading, this.previous, await this.nodeHeight().catch(() => null));
      this.previous = reading;
      this.last = stats;
      this.gauges.up.set(labels, 1);
      if (stats.indexHeight !== null) this.gauges.indexHeight.set(labels, stats.indexHeight);
      if (stats.lagBlocks !== null) this.gauges.lag.set(labels, stats.lagBlocks);
      if (stats.clients !== null) this.gauges.clients.set(labels, stats.clients);
      if (stats.requestsPerSecond !== null) this.gauges.rate.set(labels, stats.requestsPerSecond);
      this.health.report(
        stats.lagBlocks !== null && stats.lagBlocks > ELECTRUM_LAG_DEGRADED ? 'degraded' : null,
        `${this.config.kind} index ${stats.lagBlocks} blocks behind the node`
      );
      return stats;
    } catch (error) {
      this.gauges.up.set(labels, 0);
      throw error;
    }
  }

  private async fetchReading(): Promise<ElectrumReading> {
    const kind = this.config.kind;
    const reply = await upstreamFetch(
      this.url,
      {
        what: kind === 'electrs' ? 'metrics' : 'stats',
        // the URL is from the config and may carry credentials: name the kind, not the URL
        failure: (error) =>
          new UpstreamError(`${kind}: ${error instanceof Error && error.name === 'TimeoutError' ? `no answer in ${this.timeoutMs} ms` : 'unreachable'}`),
      },
      { sourceId: this.sourceId, upstream: kind, timeoutMs: this.timeoutMs, self: this.context.self }
    );
    if (reply.status < 200 || reply.status > 299) throw new UpstreamError(`${kind}: HTTP ${reply.status}`);
    const text = reply.body;
    const t = this.context.now();
    if (this.config.kind === 'electrs') return parseElectrsMetrics(text, t);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new UpstreamError('fulcrum /stats: not valid JSON');
    }
    return parseFulcrumStats(body, t);
  }

  get lastStats(): ElectrumStats | undefined {
    return this.last;
  }
}
