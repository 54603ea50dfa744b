// mining_* series per miner and per fleet (MetricFactory adds the `source` label). Share and
// error counts are the miner's own cumulative counters; they become Prometheus counters by
// adding the increase since the last poll (a miner restart resets them: then the new value
// is the increase), so rate() works across miner restarts.
import type { MetricFactory } from '../../core/metrics.js';
import type { DiscoveryProgress } from './discovery.js';
import { fleetTotals } from './frames.js';
import { activePool } from './model.js';
import type { MinerRecord } from './poller.js';
import type { RepairKind } from './repair.js';

export function createMiningMetrics(factory: MetricFactory, sourceId: string) {
  const m = {
    up: factory.gauge('mining_up', '1 when the miner answered its last poll', ['miner']),
    info: factory.gauge('mining_info', 'Miner identity (value 1)', ['miner', 'host', 'flavour', 'model', 'firmware']),
    hashrate: factory.gauge('mining_hashrate_hashes_per_second', 'Hashrate reported by the miner', ['miner', 'window']),
    temperature: factory.gauge('mining_temperature_celsius', 'Hottest reading per hash board (chip, else PCB)', ['miner', 'board']),
    fan: factory.gauge('mining_fan_rpm', 'Fan speed', ['miner', 'fan']),
    power: factory.gauge('mining_power_watts', 'Wall power: measured by firmware, else from the model table or config', ['miner', 'power_source']),
    accepted: factory.counter('mining_shares_accepted_total', 'Accepted shares', ['miner']),
    rejected: factory.counter('mining_shares_rejected_total', 'Rejected shares', ['miner']),
    hardwareErrors: factory.counter('mining_hardware_errors_total', 'Hardware errors', ['miner']),
    poolUp: factory.gauge('mining_pool_up', '1 when the pool status is Alive', ['miner', 'pool', 'priority']),
    poolActive: factory.gauge('mining_pool_active', '1 for the pool the miner works for', ['miner', 'pool']),
    uptime: factory.gauge('mining_uptime_seconds', 'Miner process uptime', ['miner']),
    fleetMiners: factory.gauge('mining_fleet_miners', 'Miners by status', ['status']),
    fleetHashrate: factory.gauge('mining_fleet_hashrate_hashes_per_second', 'Sum of 5 s hashrates of online miners'),
    fleetPower: factory.gauge('mining_fleet_power_watts', 'Sum of power of online miners'),
    pollSeconds: factory.gauge('mining_poll_duration_seconds', 'Duration of the last poll cycle'),
    discoveryScanned: factory.gauge('mining_discovery_scanned', 'Addresses scanned by the current or last discovery'),
    discoveryFound: factory.gauge('mining_discovery_found', 'Miners found by the current or last discovery'),
    repairs: factory.counter('mining_json_repairs_total', 'Firmware JSON defects repaired before parsing', ['kind']),
    pollErrors: factory.counter('mining_poll_errors_total', 'Failed miner exchanges', ['reason']),
  };
  const lastCounts = new Map<string, { accepted: number; rejected: number; hardwareErrors: number }>();
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
        m.up.set({ source, miner }, r.status === 'online' ? 1 : 0);
        if (r.identity) {
          m.info.set(
            { source, miner, host: r.host, flavour: r.identity.flavour, model: r.configModel ?? r.identity.model ?? '', firmware: r.identity.firmware ?? '' },
            1
          );
        }
        const s = r.snapshot;
        if (!s) continue;
        const online = r.status === 'online';
        m.hashrate.set({ source, miner, window: '5s' }, online ? (s.hashrate ?? 0) : 0);
        if (s.hashrateAvg !== null) m.hashrate.set({ source, miner, window: 'avg' }, s.hashrateAvg);
        for (const board of s.boards) {
          const t = board.chipTemp ?? board.boardTemp;
          if (t !== null) m.temperature.set({ source, miner, board: String(board.index) }, t);
        }
        s.fans.forEach((rpm, i) => m.fan.set({ source, miner, fan: String(i) }, rpm));
        if (r.power.source !== 'none') m.power.set({ source, miner, power_source: r.power.source }, online ? r.power.watts : 0);
        if (s.uptime !== null) m.uptime.set({ source, miner }, s.uptime);
        const last = lastCounts.get(r.key);
        const inc = {
          accepted: increase(last?.accepted, s.accepted),
          rejected: increase(last?.rejected, s.rejected),
          hardwareErrors: increase(last?.hardwareErrors, s.hardwareErrors),
        };
        if (!last || last.accepted !== s.accepted || last.rejected !== s.rejected || last.hardwareErrors !== s.hardwareErrors) {
          m.accepted.inc({ source, miner }, inc.accepted);
          m.rejected.inc({ source, miner }, inc.rejected);
          m.hardwareErrors.inc({ source, miner }, inc.hardwareErrors);
          lastCounts.set(r.key, { accepted: s.accepted, rejected: s.rejected, hardwareErrors: s.hardwareErrors });
        }
        const active = activePool(s)?.url;
        for (const pool of s.pools) {
          m.poolUp.set({ source, miner, pool: pool.url, priority: String(pool.priority) }, pool.status === 'Alive' ? 1 : 0);
          m.poolActive.set({ source, miner, pool: pool.url }, pool.url === active ? 1 : 0);
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
