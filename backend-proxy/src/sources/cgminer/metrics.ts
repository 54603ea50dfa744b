// mining_* series per miner and per fleet, all with a `source` label. Share and error counts are
// the miner's own cumulative counters; they become Prometheus counters by adding the increase
// since the last poll (a miner restart resets them: then the new value is the increase), so
// rate() works across miner restarts.
// Per-miner (and per-board) families are pre-rendered (core/exposition.ts): their values only
// change when a poll completes, so they are formatted once per poll rather than by prom-client
// on every scrape (~7 µs a series: 350+ ms for 5,000 miners). Fleet-level series stay in
// prom-client.
import type { FamilySample, PrerenderedFamily } from '../../core/exposition.js';
import type { MetricFactory } from '../../core/metrics.js';
import type { DiscoveryProgress } from './discovery.js';
import { fleetTotals } from './frames.js';
import { chipShortfall, fansMissing, minerNominal, snapshotPoolMismatch } from './conditions.js';
import { activePool, maxTemperature } from './model.js';
import type { MinerRecord } from './poller.js';
import type { RepairKind } from './repair.js';
import type { PoolAccounts } from './pools/accounts.js';

/**
 * How much per-miner detail /metrics carries: `fleet` (up + hashrate per miner), `miner` (the
 * default, ~10 series per miner: what the alert rules use), `boards` adds per-board, per-fan
 * and per-pool series, which multiply the series count.
 */
export type MetricsDetail = 'fleet' | 'miner' | 'boards';

type Labels = Readonly<Record<string, string>>;

/**
 * What the per-miner series of one miner name hold. A value stays until the miner reports a new
 * one (a missing temperature reading keeps the last one), as prom-client series did. Labels
 * objects are kept from poll to poll while they do not change: the exposition escapes each once.
 */
interface MinerSeries {
  labels: Labels;
  up: number;
  info?: Labels;
  hashrate?: number;
  temperatureMax?: number;
  fanMin?: number;
  power?: { labels: Labels; watts: number };
  shares?: { accepted: number; rejected: number; hardwareErrors: number };
  poolsAlive?: number;
  poolActive?: Labels;
  nominal?: number;
  chipsMissing?: number;
  fansMissing?: number;
  errors?: number;
  state?: Labels;
  poolUnexpected?: number;
  boardTemperature: Map<string, FamilySample>;
  fan: Map<string, FamilySample>;
  /** key: pool url + '\n' + priority */
  poolUp: Map<string, FamilySample>;
  /** the update that last saw this miner name */
  stamp: number;
  /** its per-miner families' sample objects, by family position (reused from poll to poll) */
  samples: FamilySample[];
}

/** The per-board samples of a miner when they are not kept (never written to). */
const NO_SAMPLES: Map<string, FamilySample> = new Map();

/** `previous` when it holds the same labels (in the same order), else `next`. */
function sameLabels(previous: Labels | undefined, next: Labels): Labels {
  if (!previous) return next;
  const keys = Object.keys(next);
  const before = Object.keys(previous);
  return keys.length === before.length && keys.every((key, i) => before[i] === key && previous[key] === next[key]) ? previous : next;
}

/** Sets a keyed sample's value; its labels object is made once per key. */
function setSample(samples: Map<string, FamilySample>, key: string, labels: () => Labels, value: number): void {
  const previous = samples.get(key);
  samples.set(key, { labels: previous?.labels ?? labels(), value });
}

export function createMiningMetrics(factory: MetricFactory, sourceId: string, detail: MetricsDetail = 'miner') {
  // created in this order so /metrics keeps its family order
  const perMiner = {
    up: factory.prerendered('mining_up', '1 when the miner answered its last poll'),
    info: factory.prerendered('mining_info', 'Miner identity (value 1)'),
    hashrate: factory.prerendered('mining_hashrate_hashes_per_second', '5-second hashrate reported by the miner (0 when offline)'),
    temperatureMax: factory.prerendered('mining_temperature_max_celsius', 'Hottest chip or board reading of the miner'),
    fanMin: factory.prerendered('mining_fan_min_rpm', 'Slowest fan of the miner (0 = a stopped fan)'),
    power: factory.prerendered('mining_power_watts', 'Wall power: measured by firmware, else from the model table or config'),
    accepted: factory.prerendered('mining_shares_accepted_total', 'Accepted shares', 'counter'),
    rejected: factory.prerendered('mining_shares_rejected_total', 'Rejected shares', 'counter'),
    hardwareErrors: factory.prerendered('mining_hardware_errors_total', 'Hardware errors', 'counter'),
    poolsAlive: factory.prerendered('mining_pools_alive', 'Configured pools whose status is Alive'),
    poolActive: factory.prerendered('mining_pool_active_info', 'The pool the miner works for (value 1, one series per miner)'),
    nominal: factory.prerendered('mining_hashrate_nominal_hashes_per_second', 'Nominal hashrate: the firmware figure, else the model table, else config'),
    chipsMissing: factory.prerendered('mining_chips_missing', "Chips short of the model's count, summed over boards (a missing board counts all its chips)"),
    fansMissing: factory.prerendered('mining_fans_missing', 'Fans the model has that the firmware does not report'),
    errors: factory.prerendered('mining_firmware_errors', 'Error codes or faulty boards the firmware reports'),
    state: factory.prerendered('mining_state_info', 'What the firmware says the miner is doing: mining, sleeping or tuning (value 1)'),
    poolUnexpected: factory.prerendered('mining_pool_unexpected', '1 when the active pool or worker is not the expected one (only with expectedPool set)'),
  };
  const m = {
    fleetMiners: factory.gauge('mining_fleet_miners', 'Miners by status', ['status']),
    fleetHashrate: factory.gauge('mining_fleet_hashrate_hashes_per_second', 'Sum of 5 s hashrates of online miners'),
    fleetPower: factory.gauge('mining_fleet_power_watts', 'Sum of power of online miners'),
    pollSeconds: factory.gauge('mining_poll_duration_seconds', 'Duration of the last poll cycle'),
    discoveryScanned: factory.gauge('mining_discovery_scanned', 'Addresses scanned by the current or last discovery'),
    discoveryFound: factory.gauge('mining_discovery_found', 'Miners found by the current or last discovery'),
    repairs: factory.counter('mining_json_repairs_total', 'Firmware JSON defects repaired before parsing', ['kind']),
    pollErrors: factory.counter('mining_poll_errors_total', 'Failed miner exchanges', ['reason']),
  };
  // pool accounts (pool_account_*: read from the pools' APIs, not from miners)
  const paLabels = ['account', 'pool'];
  const pa = {
    up: factory.gauge('pool_account_up', '1 when the last read of the pool account through its API succeeded', paLabels),
    credited: factory.gauge('pool_account_credited_hashes_per_second', "Hashrate the pool credits the account (the pool's 5 min figure)", paLabels),
    reported: factory.gauge('pool_account_reported_hashes_per_second', "Hashrate the fleet's miners on the account report", paLabels),
    ratio: factory.gauge('pool_account_credited_ratio', 'Pool-credited over fleet-reported hashrate of the account', paLabels),
    earnings: factory.gauge('pool_account_earnings_btc_per_day', 'BTC the account earned per day (Braiins: last full day; Luxor: last 24 h)', paLabels),
    notAtPool: factory.gauge('pool_account_miners_not_at_pool', 'Fleet miners on the account that the pool does not see hashing', paLabels),
    unknown: factory.gauge('pool_account_workers_unknown', 'Workers hashing at the pool that no fleet miner is on', paLabels),
  };
  const paSeen = new Map<string, { source: string; account: string; pool: string }>();
  // per board and per fan: opt-in (metricsDetail: boards), they multiply the series count
  const boards =
    detail === 'boards'
      ? {
          temperature: factory.prerendered('mining_board_temperature_celsius', 'Hottest reading per hash board (chip, else PCB)'),
          fan: factory.prerendered('mining_fan_rpm', 'Fan speed'),
          poolUp: factory.prerendered('mining_pool_up', '1 when the pool status is Alive'),
        }
      : null;
  const families: PrerenderedFamily[] = [...Object.values(perMiner), ...(boards ? Object.values(boards) : [])];
  const SLOT = Object.fromEntries(Object.keys(perMiner).map((key, i) => [key, i])) as Record<keyof typeof perMiner, number>;
  const perMinerCount = Object.keys(perMiner).length;
  const boardSlot = { temperature: perMinerCount, fan: perMinerCount + 1, poolUp: perMinerCount + 2 };
  /** by miner name, the `miner` label: two records of one name share series, as they did in prom-client */
  const series = new Map<string, MinerSeries>();
  let updates = 0;
  const lastCounts = new Map<string, { accepted: number; rejected: number; hardwareErrors: number }>();
  const source = sourceId;

  const increase = (previous: number | undefined, current: number): number =>
    previous === undefined ? current : current >= previous ? current - previous : current;

  const updateMiner = (r: MinerRecord, state: MinerSeries): void => {
    const online = r.status === 'online';
    state.up = online ? 1 : 0;
    if (detail === 'fleet') {
      state.hashrate = online ? (r.snapshot?.hashrate ?? 0) : 0;
      return;
    }
    if (r.identity) {
      const info = { miner: r.name, host: r.host, flavour: r.identity.flavour, model: r.configModel ?? r.identity.model ?? '', firmware: r.identity.firmware ?? '' };
      state.info = sameLabels(state.info, info);
    }
    const s = r.snapshot;
    if (!s) return;
    state.hashrate = online ? (s.hashrate ?? 0) : 0;
    const maxTemp = maxTemperature(s);
    if (maxTemp !== null) state.temperatureMax = maxTemp;
    if (s.fans.length > 0) state.fanMin = Math.min(...s.fans);
    // a new power_source replaces the series (no stale one with the old label)
    if (r.power.source !== 'none') {
      state.power = { labels: sameLabels(state.power?.labels, { miner: r.name, power_source: r.power.source }), watts: online ? r.power.watts : 0 };
    }
    const last = lastCounts.get(r.key);
    if (!last || last.accepted !== s.accepted || last.rejected !== s.rejected || last.hardwareErrors !== s.hardwareErrors) {
      const shares = (state.shares ??= { accepted: 0, rejected: 0, hardwareErrors: 0 });
      shares.accepted += increase(last?.accepted, s.accepted);
      shares.rejected += increase(last?.rejected, s.rejected);
      shares.hardwareErrors += increase(last?.hardwareErrors, s.hardwareErrors);
      lastCounts.set(r.key, { accepted: s.accepted, rejected: s.rejected, hardwareErrors: s.hardwareErrors });
    }
    state.poolsAlive = s.pools.filter((p) => p.status === 'Alive').length;
    const active = activePool(s)?.url;
    state.poolActive = active === undefined ? undefined : sameLabels(state.poolActive, { miner: r.name, pool: active });
    const nominal = minerNominal(r);
    if (nominal !== null) state.nominal = nominal;
    const chips = chipShortfall(r);
    if (chips) state.chipsMissing = chips.missingChips;
    const missingFans = fansMissing(r);
    if (missingFans !== null) state.fansMissing = missingFans;
    if (s.errors) state.errors = s.errors.length;
    state.state = s.state ? sameLabels(state.state, { miner: r.name, state: s.state }) : undefined;
    if (r.expectedPool) state.poolUnexpected = snapshotPoolMismatch(r.expectedPool, s) === null ? 0 : 1;
    if (boards) {
      for (const board of s.boards) {
        const t = board.chipTemp ?? board.boardTemp;
        if (t !== null) setSample(state.boardTemperature, String(board.index), () => ({ miner: r.name, board: String(board.index) }), t);
      }
      s.fans.forEach((rpm, i) => setSample(state.fan, String(i), () => ({ miner: r.name, fan: String(i) }), rpm));
      for (const pool of s.pools) {
        const priority = String(pool.priority);
        setSample(state.poolUp, `${pool.url}\n${priority}`, () => ({ miner: r.name, pool: pool.url, priority }), pool.status === 'Alive' ? 1 : 0);
      }
    }
  };

  /** Every pre-rendered family's samples for this source, from the per-miner state. */
  const publish = (): void => {
    // by family position (perMiner's families come first, in their order)
    const out: FamilySample[][] = families.map(() => []);
    const push = (state: MinerSeries, family: keyof typeof perMiner, labels: Labels, value: number) => {
      const slot = SLOT[family];
      // a miner's sample objects are kept from poll to poll with the new value: a 50,000-miner
      // fleet does not make ~700k of them again on every poll
      let sample = state.samples[slot];
      if (sample === undefined || sample.labels !== labels) state.samples[slot] = sample = { labels, value };
      else sample.value = value;
      out[slot]!.push(sample);
    };
    for (const state of series.values()) {
      const labels = state.labels;
      push(state, 'up', labels, state.up);
      if (state.info) push(state, 'info', state.info, 1);
      if (state.hashrate !== undefined) push(state, 'hashrate', labels, state.hashrate);
      if (state.temperatureMax !== undefined) push(state, 'temperatureMax', labels, state.temperatureMax);
      if (state.fanMin !== undefined) push(state, 'fanMin', labels, state.fanMin);
      if (state.power) push(state, 'power', state.power.labels, state.power.watts);
      if (state.shares) {
        push(state, 'accepted', labels, state.shares.accepted);
        push(state, 'rejected', labels, state.shares.rejected);
        push(state, 'hardwareErrors', labels, state.shares.hardwareErrors);
      }
      if (state.poolsAlive !== undefined) push(state, 'poolsAlive', labels, state.poolsAlive);
      if (state.poolActive) push(state, 'poolActive', state.poolActive, 1);
      if (state.nominal !== undefined) push(state, 'nominal', labels, state.nominal);
      if (state.chipsMissing !== undefined) push(state, 'chipsMissing', labels, state.chipsMissing);
      if (state.fansMissing !== undefined) push(state, 'fansMissing', labels, state.fansMissing);
      if (state.errors !== undefined) push(state, 'errors', labels, state.errors);
      if (state.state) push(state, 'state', state.state, 1);
      if (state.poolUnexpected !== undefined) push(state, 'poolUnexpected', labels, state.poolUnexpected);
      if (boards) {
        for (const sample of state.boardTemperature.values()) out[boardSlot.temperature]!.push(sample);
        for (const sample of state.fan.values()) out[boardSlot.fan]!.push(sample);
        for (const sample of state.poolUp.values()) out[boardSlot.poolUp]!.push(sample);
      }
    }
    families.forEach((family, i) => family.set(source, out[i]!));
  };

  return {
    /** Pool accounts read through the pools' APIs and their reconciliation with the fleet. */
    poolAccounts(rows: ReturnType<PoolAccounts['reconciled']>): void {
      for (const { state, reconciliation } of rows) {
        const labels = { source, account: state.config.id, pool: state.config.kind };
        paSeen.set(state.config.id, labels);
        pa.up.set(labels, state.lastError === null && state.view !== null ? 1 : 0);
        if (!state.view || !reconciliation) continue;
        pa.credited.set(labels, state.view.hashrate5m);
        pa.reported.set(labels, reconciliation.reported);
        if (reconciliation.ratio !== null) pa.ratio.set(labels, reconciliation.ratio);
        else pa.ratio.remove(labels);
        if (state.view.earningsPerDay !== null) pa.earnings.set(labels, state.view.earningsPerDay);
        pa.notAtPool.set(labels, reconciliation.notAtPool.length);
        pa.unknown.set(labels, reconciliation.unknownAtPool.length);
      }
    },
    repaired(kinds: RepairKind[]): void {
      for (const kind of kinds) m.repairs.inc({ source, kind });
    },
    pollError(reason: string): void {
      m.pollErrors.inc({ source, reason });
    },
    update(records: MinerRecord[], progress: DiscoveryProgress, lastCycle: { durationMs: number } | null): void {
      // miners no longer in the fleet lose their series: each state is stamped with this update,
      // and the unstamped are dropped (a 50,000-miner fleet is not copied into a new map each poll)
      const stamp = ++updates;
      let kept = 0;
      for (const r of records) {
        let state = series.get(r.name);
        if (!state) {
          // per-board maps only where they are written (metricsDetail: boards): 3 empty maps a miner otherwise
          const perBoard = () => (boards ? new Map<string, FamilySample>() : NO_SAMPLES);
          state = { labels: { miner: r.name }, up: 0, boardTemperature: perBoard(), fan: perBoard(), poolUp: perBoard(), stamp: 0, samples: [] };
          series.set(r.name, state);
        }
        if (state.stamp !== stamp) {
          state.stamp = stamp;
          kept++;
        }
        updateMiner(r, state);
      }
      if (kept < series.size) for (const [name, state] of series) if (state.stamp !== stamp) series.delete(name);
      // counts of miners that left (only they can make the map larger than the fleet)
      if (lastCounts.size > records.length) {
        const keys = new Set(records.map((r) => r.key));
        for (const key of lastCounts.keys()) if (!keys.has(key)) lastCounts.delete(key);
      }
      publish();

      const totals = fleetTotals(records);
      m.fleetMiners.set({ source, status: 'online' }, totals.online);
      m.fleetMiners.set({ source, status: 'offline' }, totals.offline);
      m.fleetMiners.set({ source, status: 'unknown' }, totals.miners - totals.online - totals.offline);
      m.fleetHashrate.set({ source }, totals.hashrate);
      m.fleetPower.set({ source }, totals.powerWatts);
      if (lastCycle) m.pollSeconds.set({ source }, lastCycle.durationMs / 1000);
      m.discoveryScanned.set({ source }, progress.scanned);
      m.discoveryFound.set({ source }, progress.found);
    },
    /**
     * Drops this source's per-miner series from /metrics (the source stopped). The state stays,
     * so counters continue from their totals if it starts again.
     */
    clear(): void {
      for (const family of families) family.clear(source);
      // the gauges are shared by every source: only this source's accounts leave
      for (const labels of paSeen.values()) for (const gauge of Object.values(pa)) gauge.remove(labels);
      paSeen.clear();
    },
  };
}
