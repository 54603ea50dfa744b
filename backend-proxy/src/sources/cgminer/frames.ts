// Fleet model -> DataFrameJSON. Field names come from @nodescope/shared (fields-mining.ts).
import {
  DEVICE_FIELDS,
  FAN_FIELDS,
  FLEET_FIELDS,
  MINER_FIELDS,
  MINER_HISTORY_FIELDS,
  MINING_FRAMES,
  POOL_FIELDS,
  toFrame,
  UNITS,
  type DataFrameJSON,
} from '@nodescope/shared';
import { chipShortfall, fansMissing, minerNominal, snapshotPoolMismatch } from './conditions.js';
import type { DiscoveryProgress } from './discovery.js';
import { activePool, maxTemperature, rejectPercent } from './model.js';
import type { MinerRecord } from './poller.js';
import { pickEvenly } from '../../core/downsample.js';

export function fleetTotals(records: MinerRecord[]) {
  let online = 0;
  let offline = 0;
  let hashrate = 0;
  let hashrateAvg = 0;
  let powerWatts = 0;
  let accepted = 0;
  let rejected = 0;
  let stale = 0;
  let hardwareErrors = 0;
  let maxTemp: number | null = null;
  for (const r of records) {
    if (r.status === 'online') online++;
    else if (r.status === 'offline') offline++;
    const s = r.snapshot;
    if (r.status !== 'online' || !s) continue;
    hashrate += s.hashrate ?? 0;
    hashrateAvg += s.hashrateAvg ?? 0;
    powerWatts += r.power.watts;
    accepted += s.accepted;
    rejected += s.rejected;
    stale += s.stale;
    hardwareErrors += s.hardwareErrors;
    const t = maxTemperature(s);
    if (t !== null && (maxTemp === null || t > maxTemp)) maxTemp = t;
  }
  return { miners: records.length, online, offline, hashrate, hashrateAvg, powerWatts, accepted, rejected, stale, hardwareErrors, maxTemp };
}

export function fleetSummaryFrame(
  records: MinerRecord[],
  progress: DiscoveryProgress,
  lastCycle: { at: number; durationMs: number } | null,
  now: number
): DataFrameJSON {
  const t = fleetTotals(records);
  const f = FLEET_FIELDS;
  const one = (name: string, type: 'number' | 'time' | 'boolean', value: unknown, unit?: string) => ({
    name,
    type,
    values: [value],
    ...(unit ? { unit } : {}),
  });
  return toFrame(MINING_FRAMES.fleetSummary, [
    one(f.time, 'time', now),
    one(f.miners, 'number', t.miners),
    one(f.online, 'number', t.online),
    one(f.offline, 'number', t.offline),
    one(f.hashrate, 'number', t.hashrate, UNITS.hashesPerSecond),
    one(f.hashrateAvg, 'number', t.hashrateAvg, UNITS.hashesPerSecond),
    one(f.powerWatts, 'number', t.powerWatts, UNITS.watt),
    one(f.accepted, 'number', t.accepted),
    one(f.rejected, 'number', t.rejected),
    one(f.stale, 'number', t.stale),
    one(f.hardwareErrors, 'number', t.hardwareErrors),
    one(f.rejectPercent, 'number', rejectPercent(t.accepted, t.rejected, t.stale), UNITS.percent),
    one(f.maxTemp, 'number', t.maxTemp, UNITS.celsius),
    one(f.discovering, 'boolean', progress.running),
    one(f.discoveryProgress, 'number', progress.total > 0 ? (progress.scanned / progress.total) * 100 : null, UNITS.percent),
    one(f.lastPoll, 'time', lastCycle?.at ?? null),
    one(f.lastPollMs, 'number', lastCycle ? Math.round(lastCycle.durationMs) : null, UNITS.ms),
  ]);
}

export function minersFrame(records: MinerRecord[]): DataFrameJSON {
  const f = MINER_FIELDS;
  const col = <T>(get: (r: MinerRecord) => T) => records.map(get);
  const fans = (r: MinerRecord) => r.snapshot?.fans ?? [];
  return toFrame(
    MINING_FRAMES.miners,
    [
      { name: f.miner, type: 'string', values: col((r) => r.name) },
      { name: f.host, type: 'string', values: col((r) => r.host) },
      { name: f.port, type: 'number', values: col((r) => r.port) },
      { name: f.flavour, type: 'string', values: col((r) => r.identity?.flavour ?? 'unknown') },
      { name: f.model, type: 'string', values: col((r) => r.configModel ?? r.identity?.model ?? '') },
      { name: f.firmware, type: 'string', values: col((r) => r.identity?.firmware ?? '') },
      { name: f.status, type: 'string', values: col((r) => r.status) },
      { name: f.since, type: 'time', values: col((r) => r.since) },
      { name: f.lastSeen, type: 'time', values: col((r) => r.lastSeen) },
      { name: f.hashrate, type: 'number', unit: UNITS.hashesPerSecond, values: col((r) => (r.status === 'online' ? (r.snapshot?.hashrate ?? null) : 0)) },
      { name: f.hashrateAvg, type: 'number', unit: UNITS.hashesPerSecond, values: col((r) => r.snapshot?.hashrateAvg ?? null) },
      { name: f.powerWatts, type: 'number', unit: UNITS.watt, values: col((r) => (r.power.source === 'none' ? null : r.power.watts)) },
      { name: f.powerSource, type: 'string', values: col((r) => r.power.source) },
      { name: f.maxTemp, type: 'number', unit: UNITS.celsius, values: col((r) => (r.snapshot ? maxTemperature(r.snapshot) : null)) },
      { name: f.fanMin, type: 'number', unit: UNITS.rpm, values: col((r) => (fans(r).length ? Math.min(...fans(r)) : null)) },
      { name: f.fanMax, type: 'number', unit: UNITS.rpm, values: col((r) => (fans(r).length ? Math.max(...fans(r)) : null)) },
      { name: f.accepted, type: 'number', values: col((r) => r.snapshot?.accepted ?? null) },
      { name: f.rejected, type: 'number', values: col((r) => r.snapshot?.rejected ?? null) },
      { name: f.stale, type: 'number', values: col((r) => r.snapshot?.stale ?? null) },
      { name: f.hardwareErrors, type: 'number', values: col((r) => r.snapshot?.hardwareErrors ?? null) },
      {
        name: f.rejectPercent,
        type: 'number',
        unit: UNITS.percent,
        values: col((r) => (r.snapshot ? rejectPercent(r.snapshot.accepted, r.snapshot.rejected, r.snapshot.stale) : null)),
      },
      { name: f.pool, type: 'string', values: col((r) => (r.snapshot ? (activePool(r.snapshot)?.url ?? '') : '')) },
      { name: f.uptime, type: 'number', unit: UNITS.seconds, values: col((r) => r.snapshot?.uptime ?? null) },
      { name: f.error, type: 'string', values: col((r) => r.lastError ?? '') },
      { name: f.nominalHashrate, type: 'number', unit: UNITS.hashesPerSecond, values: col((r) => minerNominal(r)) },
      { name: f.chipsMissing, type: 'number', values: col((r) => chipShortfall(r)?.missingChips ?? null) },
      { name: f.fansMissing, type: 'number', values: col((r) => fansMissing(r)) },
      { name: f.state, type: 'string', values: col((r) => r.snapshot?.state ?? '') },
      { name: f.errors, type: 'string', values: col((r) => (r.snapshot?.errors ?? []).join(', ')) },
      {
        name: f.poolUnexpected,
        type: 'boolean',
        values: col((r) => (r.expectedPool && r.snapshot ? snapshotPoolMismatch(r.expectedPool, r.snapshot) !== null : null)),
      },
    ],
    { preferredVisualisationType: 'table' }
  );
}

export function devicesFrames(record: MinerRecord): DataFrameJSON[] {
  const boards = record.snapshot?.boards ?? [];
  const fans = record.snapshot?.fans ?? [];
  const d = DEVICE_FIELDS;
  return [
    toFrame(
      MINING_FRAMES.devices,
      [
        { name: d.board, type: 'number', values: boards.map((b) => b.index) },
        { name: d.hashrate, type: 'number', unit: UNITS.hashesPerSecond, values: boards.map((b) => b.hashrate) },
        { name: d.boardTemp, type: 'number', unit: UNITS.celsius, values: boards.map((b) => b.boardTemp) },
        { name: d.chipTemp, type: 'number', unit: UNITS.celsius, values: boards.map((b) => b.chipTemp) },
        { name: d.chips, type: 'number', values: boards.map((b) => b.chips) },
        { name: d.hardwareErrors, type: 'number', values: boards.map((b) => b.hardwareErrors) },
        { name: d.status, type: 'string', values: boards.map((b) => b.status) },
      ],
      { preferredVisualisationType: 'table' }
    ),
    toFrame(MINING_FRAMES.fans, [
      { name: FAN_FIELDS.fan, type: 'number', values: fans.map((_, i) => i) },
      { name: FAN_FIELDS.rpm, type: 'number', unit: UNITS.rpm, values: fans },
    ]),
  ];
}

export function poolsFrame(record: MinerRecord): DataFrameJSON {
  const pools = record.snapshot?.pools ?? [];
  const p = POOL_FIELDS;
  return toFrame(
    MINING_FRAMES.pools,
    [
      { name: p.pool, type: 'number', values: pools.map((x) => x.index) },
      { name: p.url, type: 'string', values: pools.map((x) => x.url) },
      { name: p.user, type: 'string', values: pools.map((x) => x.user) },
      { name: p.status, type: 'string', values: pools.map((x) => x.status) },
      { name: p.priority, type: 'number', values: pools.map((x) => x.priority) },
      { name: p.active, type: 'boolean', values: pools.map((x) => x.active) },
      { name: p.accepted, type: 'number', values: pools.map((x) => x.accepted) },
      { name: p.rejected, type: 'number', values: pools.map((x) => x.rejected) },
      { name: p.stale, type: 'number', values: pools.map((x) => x.stale) },
      { name: p.lastShareTime, type: 'time', values: pools.map((x) => x.lastShareTime) },
    ],
    { preferredVisualisationType: 'table' }
  );
}

export function minerHistoryFrame(record: MinerRecord, range: { from: number; to: number }, maxPoints: number): DataFrameJSON {
  const samples = pickEvenly(
    record.history.toArray().filter((s) => s.t >= range.from && s.t <= range.to),
    maxPoints,
    'oldest'
  );
  const h = MINER_HISTORY_FIELDS;
  return toFrame(MINING_FRAMES.minerHistory, [
    { name: h.time, type: 'time', values: samples.map((s) => s.t) },
    { name: h.hashrate, type: 'number', unit: UNITS.hashesPerSecond, values: samples.map((s) => s.hashrate) },
    { name: h.maxTemp, type: 'number', unit: UNITS.celsius, values: samples.map((s) => s.maxTemp) },
    { name: h.fanMin, type: 'number', unit: UNITS.rpm, values: samples.map((s) => s.fanMin) },
    { name: h.rejected, type: 'number', values: samples.map((s) => s.rejected) },
    { name: h.online, type: 'boolean', values: samples.map((s) => s.online) },
  ]);
}
