// The fleet's pool accounts: each polled through its pool's read API on its own period, parsed,
// and reconciled with the fleet's miners on every read. I/O here, meaning in model.ts.
import { MINING_FRAMES, POOL_ACCOUNT_FIELDS, toFrame, UNITS, type DataFrameJSON } from '@nodescope/shared';
import type { SelfMetrics } from '../../../core/metrics.js';
import type { MinerRecord } from '../poller.js';
import { POOL_DEFAULT_URL, poolGet } from './api.js';
import { fleetOnAccounts, parseBraiins, parseLuxor, reconcile, type PoolAccountView, type PoolKind, type Reconciliation } from './model.js';

export interface PoolAccountConfig {
  id: string;
  kind: PoolKind;
  url?: string | undefined;
  token: string;
  /** Braiins: the username; Luxor: the subaccount */
  account: string;
  everySeconds: number;
  timeoutMs: number;
  /** credited / reported below this share is an alert (the pool credits less than the miners do) */
  minCreditedShare: number;
}

export interface PoolAccountState {
  config: PoolAccountConfig;
  view: PoolAccountView | null;
  lastSuccess: number | null;
  lastError: string | null;
}

/** The cgminer source the pool calls are counted under in nodescope_upstream_* */
export interface PoolUpstreamMetrics {
  sourceId: string;
  self: SelfMetrics;
}

/** Reads one account's documents and parses them. */
export async function readAccount(config: PoolAccountConfig, measure?: PoolUpstreamMetrics): Promise<PoolAccountView> {
  const client = { kind: config.kind, baseUrl: config.url ?? POOL_DEFAULT_URL[config.kind], token: config.token, timeoutMs: config.timeoutMs, sourceId: measure?.sourceId, self: measure?.self };
  if (config.kind === 'braiins') {
    // one at a time: Braiins asks for about one request per five seconds
    const profile = await poolGet(client, 'profile');
    const workers = await poolGet(client, 'workers');
    const rewards = await poolGet(client, 'rewards');
    return parseBraiins(profile, workers, rewards);
  }
  const query = { subaccount_names: config.account };
  const summary = await poolGet(client, 'summary', query);
  const workers = await poolGet(client, 'workers', { ...query, page_number: '1', page_size: '1000' });
  return parseLuxor(summary, workers);
}

export interface PoolAccountsOptions {
  now: () => number;
  /** errors are scrubbed of every secret before they are kept */
  scrub: (text: string) => string;
  /** each pool call's latency and failures go to nodescope_upstream_* under this source */
  measure?: PoolUpstreamMetrics;
  /** after every read of an account, answered or not */
  onRead?: () => void;
}

export class PoolAccounts {
  readonly states: PoolAccountState[];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    configs: readonly PoolAccountConfig[],
    private readonly options: PoolAccountsOptions
  ) {
    this.states = configs.map((config) => ({ config, view: null, lastSuccess: null, lastError: null }));
  }

  async pollNow(): Promise<void> {
    await Promise.all(this.states.map((state) => this.pollOne(state)));
  }

  private async pollOne(state: PoolAccountState): Promise<void> {
    try {
      state.view = await readAccount(state.config, this.options.measure);
      state.lastSuccess = this.options.now();
      state.lastError = null;
    } catch (error) {
      // the token never reaches a message: errors are scrubbed of every secret
      state.lastError = this.options.scrub(error instanceof Error ? error.message : String(error));
    }
    this.options.onRead?.();
  }

  start(): void {
    for (const state of this.states) {
      void this.pollOne(state);
      const timer = setInterval(() => void this.pollOne(state), state.config.everySeconds * 1000);
      timer.unref();
      this.timers.push(timer);
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  reconciled(records: readonly MinerRecord[]): Array<{ state: PoolAccountState; reconciliation: Reconciliation | null }> {
    const fleet = fleetOnAccounts(records);
    return this.states.map((state) => ({
      state,
      reconciliation: state.view ? reconcile(state.config.kind, state.config.account, state.view, fleet) : null,
    }));
  }
}

export function poolAccountsFrame(rows: ReturnType<PoolAccounts['reconciled']>): DataFrameJSON {
  const f = POOL_ACCOUNT_FIELDS;
  const col = <T>(get: (r: (typeof rows)[number]) => T) => rows.map(get);
  return toFrame(
    MINING_FRAMES.poolAccounts,
    [
      { name: f.account, type: 'string', values: col((r) => r.state.config.id) },
      { name: f.pool, type: 'string', values: col((r) => r.state.config.kind) },
      { name: f.up, type: 'boolean', values: col((r) => r.state.lastError === null && r.state.view !== null) },
      { name: f.reported, type: 'number', unit: UNITS.hashesPerSecond, values: col((r) => r.reconciliation?.reported ?? null) },
      { name: f.credited, type: 'number', unit: UNITS.hashesPerSecond, values: col((r) => r.state.view?.hashrate5m ?? null) },
      { name: f.credited24h, type: 'number', unit: UNITS.hashesPerSecond, values: col((r) => r.state.view?.hashrate24h ?? null) },
      { name: f.ratio, type: 'number', unit: UNITS.percentUnit, values: col((r) => r.reconciliation?.ratio ?? null) },
      { name: f.earningsPerDay, type: 'number', values: col((r) => r.state.view?.earningsPerDay ?? null) },
      { name: f.balance, type: 'number', values: col((r) => r.state.view?.balance ?? null) },
      { name: f.workersActive, type: 'number', values: col((r) => (r.state.view ? r.state.view.workers.filter((w) => w.active).length : null)) },
      { name: f.notAtPool, type: 'string', values: col((r) => (r.reconciliation?.notAtPool ?? []).join(', ')) },
      { name: f.unknownAtPool, type: 'string', values: col((r) => (r.reconciliation?.unknownAtPool ?? []).join(', ')) },
      { name: f.lastSuccess, type: 'time', values: col((r) => r.state.lastSuccess) },
      { name: f.error, type: 'string', values: col((r) => r.state.lastError ?? '') },
    ],
    { preferredVisualisationType: 'table' }
  );
}
