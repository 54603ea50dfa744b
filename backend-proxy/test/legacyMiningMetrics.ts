// The prom-client implementation of the cgminer source's mining_* metrics as it was before the
// per-miner families moved to pre-rendered exposition (src/core/exposition.ts), kept verbatim as
// the reference that test/cgminer-exposition.test.ts compares the new /metrics output against.
// mining_* series per miner and per fleet (MetricFactory adds the `source` label). Share and
// error counts are the miner's own cumulative counters; they become Prometheus counters by
// adding the increase since the last poll (a miner restart resets them: then the new value
// is the increase), so rate() works across miner restarts.
import type { MetricFactory } from '../src/core/metrics.js';
import type { DiscoveryProgress } from '../src/sources/cgminer/discovery.js';
import { fleetTotals } from '../src/sources/cgminer/frames.js';
import { chipShortfall, fansMissing, minerNominal, poolMismatch } from '../src/sources/cgminer/conditions.js';
import { activePool, maxTemperature } from '../src/sources/cgminer/model.js';
import type { MinerRecord } from '../src/sources/cgminer/poller.js';
import type { RepairKind } from '../src/sources/cgminer/repair.js';

/**
 * How much per-miner detail /metrics carries. prom-client renders a series in roughly 3–10 µs
 * here, so 5,000 miners cost ~25 ms per series per miner: `fleet` (up + hashrate per miner)
 * fits a 50 ms scrape budget, `miner` (the default, ~10 series per miner: what the alert
 * rules use) does not at that size, `boards` adds per-board, per-fan and per-pool series.
 */
type MetricsDetail = 'fleet' | 'miner' | 'boards';

export function createLegacyMiningMetrics(factory: MetricFactory, sourceId: string, detail: MetricsDetail = 'miner') {
  const m = {
    up: factory.gauge('mining_up', '1 when the miner answered its last poll', ['miner']),
    info: factory.gauge('mining_info', 'Miner identity (value 1)', ['miner', 'host', 'flavour', 'model', 'firmware']),
    hashrate: factory.gauge(
      'mining_hashrate_hashes_per_second',
      '5-second hashrate reported by the miner (0 when offline)',
      ['miner']
    ),
    temperatureMax: factory.gauge('mining_temperature_max_celsius', 'Hottest chip or board reading of the miner', [
      'miner',
    ]),
    fanMin: factory.gauge('mining_fan_min_rpm', 'Slowest fan of the miner (0 = a stopped fan)', ['miner']),
    power: factory.gauge(
      'mining_power_watts',
      'Wall power: measured by firmware, else from the model table or config',
      ['miner', 'power_source']
    ),
    accepted: factory.counter('mining_shares_accepted_total', 'Accepted shares', ['miner']),
    rejected: factory.counter('mining_shares_rejected_total', 'Rejected shares', ['miner']),
    hardwareErrors: factory.counter('mining_hardware_errors_total', 'Hardware errors', ['miner']),
    poolsAlive: factory.gauge('mining_pools_alive', 'Configured pools whose status is Alive', ['miner']),
    poolActive: factory.gauge(
      'mining_pool_active_info',
      'The pool the miner works for (value 1, one series per miner)',
      ['miner', 'pool']
    ),
    // added with the nominal/expected-pool families (after the move to pre-rendered exposition):
    // their prom-client twins, so the comparison covers them too
    nominal: factory.gauge('mining_hashrate_nominal_hashes_per_second', 'Nominal hashrate: the firmware figure, else the model table, else config', ['miner']),
    chipsMissing: factory.gauge('mining_chips_missing', "Chips short of the model's count, summed over boards (a missing board counts all its chips)", ['miner']),
    fansMissing: factory.gauge('mining_fans_missing', 'Fans the model has that the firmware does not report', ['miner']),
    errors: factory.gauge('mining_firmware_errors', 'Error codes or faulty boards the firmware reports', ['miner']),
    state: factory.gauge('mining_state_info', 'What the firmware says the miner is doing: mining, sleeping or tuning (value 1)', ['miner', 'state']),
    poolUnexpected: factory.gauge('mining_pool_unexpected', '1 when the active pool or worker is not the expected one (only with expectedPool set)', ['miner']),
    fleetMiners: factory.gauge('mining_fleet_miners', 'Miners by status', ['status']),
    fleetHashrate: factory.gauge('mining_fleet_hashrate_hashes_per_second', 'Sum of 5 s hashrates of online miners'),
    fleetPower: factory.gauge('mining_fleet_power_watts', 'Sum of power of online miners'),
    pollSeconds: factory.gauge('mining_poll_duration_seconds', 'Duration of the last poll cycle'),
    discoveryScanned: factory.gauge('mining_discovery_scanned', 'Addresses scanned by the current or last discovery'),
    discoveryFound: factory.gauge('mining_discovery_found', 'Miners found by the current or last discovery'),
    repairs: factory.counter('mining_json_repairs_total', 'Firmware JSON defects repaired before parsing', ['kind']),
    pollErrors: factory.counter('mining_poll_errors_total', 'Failed miner exchanges', ['reason']),
  };
  // per board and per fan: opt-in (metricsDetail: boards), they multiply the series count
  const boards =
    detail === 'boards'
      ? {
          temperature: factory.gauge(
            'mining_board_temperature_celsius',
            'Hottest reading per hash board (chip, else PCB)',
            ['miner', 'board']
          ),
          fan: factory.gauge('mining_fan_rpm', 'Fan speed', ['miner', 'fan']),
          poolUp: factory.gauge('mining_pool_up', '1 when the pool status is Alive', ['miner', 'pool', 'priority']),
        }
      : null;
  const lastCounts = new Map<string, { accepted: number; rejected: number; hardwareErrors: number }>();
  const lastLabels = new Map<string, { pool?: string; powerSource?: string; state?: string }>();
  const source = sourceId;

  const increase = (previous: number | undefined, current: number): number =>
    previous === undefined ? current : current >= previous ? current - previous : current;

  return {
    repaired(kinds: RepairKind[]): void {
      for (const kind of kinds) m.repairs.inc({ source, kind });
    },
    pollError(reason: string): void {
      m.pollErrors.inc({ source, reason });
    },
    update(records: MinerRecord[], progress: DiscoveryProgress, lastCycle: { durationMs: number } | null): void {
      for (const r of records) {
        const miner = r.name;
        const online = r.status === 'online';
        m.up.set({ source, miner }, online ? 1 : 0);
        if (detail === 'fleet') {
          m.hashrate.set({ source, miner }, online ? (r.snapshot?.hashrate ?? 0) : 0);
          continue;
        }
        if (r.identity) {
          m.info.set(
            {
              source,
              miner,
              host: r.host,
              flavour: r.identity.flavour,
              model: r.configModel ?? r.identity.model ?? '',
              firmware: r.identity.firmware ?? '',
            },
            1
          );
        }
        const s = r.snapshot;
        if (!s) continue;
        const labels = lastLabels.get(r.key) ?? {};
        m.hashrate.set({ source, miner }, online ? (s.hashrate ?? 0) : 0);
        const maxTemp = maxTemperature(s);
        if (maxTemp !== null) m.temperatureMax.set({ source, miner }, maxTemp);
        if (s.fans.length > 0) m.fanMin.set({ source, miner }, Math.min(...s.fans));
        if (r.power.source !== 'none') {
          if (labels.powerSource && labels.powerSource !== r.power.source)
            m.power.remove({ source, miner, power_source: labels.powerSource });
          m.power.set({ source, miner, power_source: r.power.source }, online ? r.power.watts : 0);
          labels.powerSource = r.power.source;
        }
        const last = lastCounts.get(r.key);
        if (
          !last ||
          last.accepted !== s.accepted ||
          last.rejected !== s.rejected ||
          last.hardwareErrors !== s.hardwareErrors
        ) {
          m.accepted.inc({ source, miner }, increase(last?.accepted, s.accepted));
          m.rejected.inc({ source, miner }, increase(last?.rejected, s.rejected));
          m.hardwareErrors.inc({ source, miner }, increase(last?.hardwareErrors, s.hardwareErrors));
          lastCounts.set(r.key, { accepted: s.accepted, rejected: s.rejected, hardwareErrors: s.hardwareErrors });
        }
        m.poolsAlive.set({ source, miner }, s.pools.filter((p) => p.status === 'Alive').length);
        const active = activePool(s)?.url;
        if (labels.pool !== undefined && labels.pool !== active)
          m.poolActive.remove({ source, miner, pool: labels.pool });
        if (active !== undefined) m.poolActive.set({ source, miner, pool: active }, 1);
        labels.pool = active;
        const nominal = minerNominal(r);
        if (nominal !== null) m.nominal.set({ source, miner }, nominal);
        const chips = chipShortfall(r);
        if (chips) m.chipsMissing.set({ source, miner }, chips.missingChips);
        const missingFans = fansMissing(r);
        if (missingFans !== null) m.fansMissing.set({ source, miner }, missingFans);
        if (s.errors) m.errors.set({ source, miner }, s.errors.length);
        if (labels.state !== undefined && labels.state !== (s.state ?? undefined)) m.state.remove({ source, miner, state: labels.state });
        if (s.state) m.state.set({ source, miner, state: s.state }, 1);
        labels.state = s.state ?? undefined;
        if (r.expectedPool) m.poolUnexpected.set({ source, miner }, poolMismatch(r.expectedPool, s.pools.find((p) => p.active)) === null ? 0 : 1);
        lastLabels.set(r.key, labels);
        if (boards) {
          for (const board of s.boards) {
            const t = board.chipTemp ?? board.boardTemp;
            if (t !== null) boards.temperature.set({ source, miner, board: String(board.index) }, t);
          }
          s.fans.forEach((rpm, i) => boards.fan.set({ source, miner, fan: String(i) }, rpm));
          for (const pool of s.pools)
            boards.poolUp.set(
              { source, miner, pool: pool.url, priority: String(pool.priority) },
              pool.status === 'Alive' ? 1 : 0
            );
        }
      }
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
  };
}
