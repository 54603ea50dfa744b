import { describe, expect, it } from 'vitest';
import { HistoryRing } from '../../core/history.js';
import type { SourceHealth } from '../types.js';
import { DEFAULT_FLEET_LIMITS, describeFindings, fleetConditions, fleetHealth, windowRejectPercent } from './conditions.js';
import type { Board, MinerSnapshot, Pool } from './model.js';
import type { MinerRecord, MinerSample } from './poller.js';

const NOW = 1_800_000_000_000;
const MINUTE = 60_000;

const board = (index: number, hashrate: number | null, chipTemp = 70): Board => ({
  index,
  hashrate,
  boardTemp: 55,
  chipTemp,
  chips: 63,
  hardwareErrors: 0,
  status: 'Alive',
});

const pool = (index: number, status: string): Pool => ({
  index,
  url: `stratum+tcp://pool-${index}.example:3333`,
  user: 'farm.w1',
  status,
  priority: index,
  active: index === 0,
  accepted: 100,
  rejected: 1,
  stale: 0,
  lastShareTime: null,
});

function snapshot(extra: Partial<MinerSnapshot> = {}): MinerSnapshot {
  return {
    hashrate: 3e13,
    hashrateAvg: 3e13,
    boards: [board(0, 1e13), board(1, 1e13), board(2, 1e13)],
    fans: [5400, 5460],
    accepted: 1_000,
    rejected: 5,
    stale: 0,
    hardwareErrors: 0,
    pools: [pool(0, 'Alive'), pool(1, 'Alive')],
    uptime: 3_600,
    measuredWatts: null,
    ...extra,
  };
}

/** A miner polled every minute for `minutes`, with `accepted`/`rejected` shares per poll. */
function miner(name: string, options: { snapshot?: MinerSnapshot | null; status?: MinerRecord['status']; perPoll?: [number, number]; minutes?: number } = {}): MinerRecord {
  const history = new HistoryRing<MinerSample>(720);
  const [accepted, rejected] = options.perPoll ?? [10, 0];
  for (let m = options.minutes ?? 30; m >= 0; m--)
    history.push({ t: NOW - m * MINUTE, hashrate: 3e13, maxTemp: 70, fanMin: 5400, accepted, rejected, online: true });
  return {
    key: name,
    name,
    host: '10.0.0.1',
    port: 4028,
    configModel: null,
    configWatts: null,
    discovered: false,
    identity: null,
    status: options.status ?? 'online',
    since: NOW - 3_600_000,
    lastSeen: NOW,
    lastError: null,
    snapshot: options.snapshot === undefined ? snapshot() : options.snapshot,
    power: { watts: 3_250, source: 'model', note: '' },
    history,
    fanSlotsSeen: 0,
  };
}

const reachable: SourceHealth = { status: 'ok', message: '3 miners online', lastSuccess: NOW };

describe('fleet conditions', () => {
  it('finds nothing on a healthy fleet, and the health stays ok with every component ok', () => {
    const fleet = [miner('a'), miner('b'), miner('c')];
    const conditions = fleetConditions(fleet, DEFAULT_FLEET_LIMITS, NOW);
    expect(Object.values(conditions).every((list) => list.length === 0)).toBe(true);
    const health = fleetHealth(reachable, conditions, DEFAULT_FLEET_LIMITS);
    expect(health.status).toBe('ok');
    expect(health.message).toBe('3 miners online');
    expect(Object.values(health.components!).map((c) => c.status)).toEqual(Array(10).fill('ok'));
  });

  it('names a hot board above the limit, not one at it', () => {
    const hot = miner('hot', { snapshot: snapshot({ boards: [board(0, 1e13, 104), board(1, 1e13)] }) });
    const edge = miner('edge', { snapshot: snapshot({ boards: [board(0, 1e13, 85)] }) });
    const conditions = fleetConditions([hot, edge], DEFAULT_FLEET_LIMITS, NOW);
    expect(conditions.temperature).toEqual([{ miner: 'hot', detail: '104 °C' }]);
    const health = fleetHealth(reachable, conditions, DEFAULT_FLEET_LIMITS);
    expect(health.status).toBe('degraded');
    expect(health.message).toBe('3 miners online; 1 miner above 85 °C: hot (104 °C)');
    expect(health.components!.temperature).toMatchObject({ status: 'degraded' });
    expect(health.components!.fans).toMatchObject({ status: 'ok', message: 'every fan turning' });
  });

  it('stopped fans, dead boards beside live ones, dead pools (a disabled one is fine)', () => {
    const fleet = [
      miner('fan', { snapshot: snapshot({ fans: [0, 5460] }) }),
      miner('board', { snapshot: snapshot({ boards: [board(0, 1e13), board(1, 0), board(2, 1e13)] }) }),
      // every board at 0: a miner still starting, not three dead boards
      miner('starting', { snapshot: snapshot({ boards: [board(0, 0), board(1, 0)] }) }),
      miner('pool', { snapshot: snapshot({ pools: [pool(0, 'Dead'), pool(1, 'Alive'), pool(2, 'Disabled')] }) }),
    ];
    const conditions = fleetConditions(fleet, DEFAULT_FLEET_LIMITS, NOW);
    expect(conditions.fans).toEqual([{ miner: 'fan', detail: '1 of 2 at 0 RPM' }]);
    expect(conditions.hashboards).toEqual([{ miner: 'board', detail: 'board 1 at 0 H/s' }]);
    expect(conditions.pools).toEqual([{ miner: 'pool', detail: 'stratum+tcp://pool-0.example:3333' }]);
    expect(conditions.temperature).toEqual([]);
  });

  it('rejects count over the window only, and only with enough shares', () => {
    const limits = { ...DEFAULT_FLEET_LIMITS, rejectWindowMs: 15 * MINUTE };
    // 10 accepted + 1 rejected a minute: 9.1 % over 15 min
    const bad = miner('bad', { perPoll: [10, 1] });
    expect(windowRejectPercent(bad, limits, NOW)).toBeCloseTo(100 / 11, 5);
    // the same miner 20 minutes later with clean polls since: the old rejects left the window
    for (let m = 1; m <= 20; m++) bad.history.push({ t: NOW + m * MINUTE, hashrate: 3e13, maxTemp: 70, fanMin: 5400, accepted: 10, rejected: 0, online: true });
    expect(windowRejectPercent(bad, limits, NOW + 20 * MINUTE)).toBe(0);
    // 2 shares a poll over a 5 min window (12 shares): too few to judge
    const quiet = miner('quiet', { perPoll: [1, 1] });
    expect(windowRejectPercent(quiet, { ...limits, rejectWindowMs: 5 * MINUTE }, NOW)).toBeNull();
    const conditions = fleetConditions([miner('bad2', { perPoll: [10, 1] }), miner('ok', { perPoll: [100, 1] })], limits, NOW);
    expect(conditions.shares).toEqual([{ miner: 'bad2', detail: '9.1 % rejected' }]);
  });

  it('history written before accepted deltas existed counts as no shares, not as all rejected', () => {
    const old = miner('old', { perPoll: [0, 0] });
    old.history.load(old.history.toArray().map(({ accepted: _a, ...rest }) => ({ ...rest, rejected: 3 })));
    expect(windowRejectPercent(old, DEFAULT_FLEET_LIMITS, NOW)).toBeNull();
    // new samples after the upgrade count as usual
    for (let m = 1; m <= 5; m++)
      old.history.push({ t: NOW + m * MINUTE, hashrate: 3e13, maxTemp: 70, fanMin: 5400, accepted: 10, rejected: 2, online: true });
    expect(windowRejectPercent(old, DEFAULT_FLEET_LIMITS, NOW + 5 * MINUTE)).toBeCloseTo(100 / 6, 5);
  });

  it('leaves offline miners out: their last snapshot is history', () => {
    const offline = miner('gone', { status: 'offline', snapshot: snapshot({ fans: [0, 0] }) });
    expect(fleetConditions([offline], DEFAULT_FLEET_LIMITS, NOW).fans).toEqual([]);
  });

  it('names at most five miners and keeps a down or starting status', () => {
    const findings = Array.from({ length: 7 }, (_, i) => ({ miner: `m${i}`, detail: '0 RPM' }));
    expect(describeFindings('fans', findings, DEFAULT_FLEET_LIMITS)).toBe(
      '7 miners with a stopped fan: m0 (0 RPM), m1 (0 RPM), m2 (0 RPM), m3 (0 RPM), m4 (0 RPM), +2 more'
    );
    const conditions = fleetConditions([miner('fan', { snapshot: snapshot({ fans: [0] }) })], DEFAULT_FLEET_LIMITS, NOW);
    const partly: SourceHealth = { status: 'degraded', message: '1 of 2 miners offline', lastSuccess: NOW };
    expect(fleetHealth(partly, conditions, DEFAULT_FLEET_LIMITS)).toMatchObject({
      status: 'degraded',
      message: '1 of 2 miners offline; 1 miner with a stopped fan: fan (1 of 1 at 0 RPM)',
    });
  });
});
