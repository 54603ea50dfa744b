// Underperformance against nominal, missing chips/boards/fans, firmware state and errors, and
// the expected pool: the pure checks, every expected value worked out by hand from the inputs.
import { describe, expect, it } from 'vitest';
import { HistoryRing } from '../../core/history.js';
import {
  chipShortfall,
  DEFAULT_FLEET_LIMITS,
  fansMissing,
  fleetConditions,
  fleetHealth,
  minerNominal,
  poolMismatch,
  windowHashrate,
} from './conditions.js';
import { braiinsTuner, btminerErrors, btminerState, toSnapshot, type Board, type MinerSnapshot, type Pool } from './model.js';
import { layoutKey, modelLayout, nominalHashrate } from './nominal.js';
import type { MinerRecord, MinerSample } from './poller.js';

const NOW = 1_800_000_000_000;
const MINUTE = 60_000;
const TH = 1e12;

const board = (index: number, chips: number | null): Board => ({ index, hashrate: 36 * TH, boardTemp: 55, chipTemp: 70, chips, hardwareErrors: 0, status: 'Alive' });

const pool = (url: string, user: string): Pool => ({
  index: 0,
  url,
  user,
  status: 'Alive',
  priority: 0,
  active: true,
  accepted: 1,
  rejected: 0,
  stale: 0,
  lastShareTime: null,
});

function snapshot(extra: Partial<MinerSnapshot> = {}): MinerSnapshot {
  return {
    hashrate: 110 * TH,
    hashrateAvg: 110 * TH,
    boards: [board(0, 114), board(1, 114), board(2, 114)],
    fans: [5400, 5400, 5460, 5460],
    accepted: 1000,
    rejected: 0,
    stale: 0,
    hardwareErrors: 0,
    pools: [pool('stratum+tcp://btc.pool-a.example:3333', 'farm.rig1')],
    uptime: 3600,
    measuredWatts: null,
    ...extra,
  };
}

/** An S19 Pro polled each minute for `minutes`, each sample at `rate(minute)` H/s. */
function miner(name: string, o: { model?: string | null; snapshot?: MinerSnapshot; rate?: (m: number) => number | null; minutes?: number; expectedPool?: MinerRecord['expectedPool'] } = {}): MinerRecord {
  const history = new HistoryRing<MinerSample>(720);
  for (let m = o.minutes ?? 40; m >= 0; m--)
    history.push({ t: NOW - m * MINUTE, hashrate: o.rate ? o.rate(m) : 110 * TH, maxTemp: 70, fanMin: 5400, accepted: 10, rejected: 0, online: true });
  return {
    key: name,
    name,
    host: '10.0.0.1',
    port: 4028,
    configModel: o.model === undefined ? 'Antminer S19 Pro' : o.model,
    configWatts: null,
    discovered: false,
    identity: null,
    status: 'online',
    since: NOW - 3_600_000,
    lastSeen: NOW,
    lastError: null,
    snapshot: o.snapshot ?? snapshot(),
    power: { watts: 3250, source: 'model', note: '' },
    history,
    fanSlotsSeen: 0,
    expectedPool: o.expectedPool ?? null,
  };
}

describe('model layout (pyasic@0.79.0 model table)', () => {
  it('reads firmware model strings to the table row', () => {
    expect(layoutKey('Antminer S19 Pro')).toBe('s19pro');
    expect(layoutKey('Antminer S19 Pro 110T')).toBe('s19pro');
    expect(layoutKey('M30S+_VE40')).toBe('m30s+ve40');
    // pyasic@0.79.0:pyasic/miners/device/models/antminer/X19/S19.py:39-44: 114 chips, 4 fans, 3 boards
    expect(modelLayout('Antminer S19 Pro')).toMatchObject({ chipsPerBoard: 114, boards: 3, fans: 4 });
    // .../whatsminer/M3X/M30S_Plus.py:114-119 (VE40) and :222-227 (VG60): per revision
    expect(modelLayout('M30S+_VE40')?.chipsPerBoard).toBe(156);
    expect(modelLayout('M30S+_VG60')?.chipsPerBoard).toBe(86);
    // an M30S+ of a revision the table lacks: no guess
    expect(modelLayout('M30S+_VH30')).toBeNull();
    expect(modelLayout('Avalon Q')).toBeNull();
    // answers are memoised per model string: asked again, the same row; a name of an Object
    // member is no row
    expect(modelLayout('M30S+_VE40')).toBe(modelLayout('M30S+_VE40'));
    expect(modelLayout('M30S+_VG60')?.chipsPerBoard).toBe(86);
    expect(modelLayout('constructor')).toBeNull();
    expect(modelLayout('__proto__')).toBeNull();
  });

  it('nominal: the firmware figure wins, else the spec table (S19 Pro 110 TH/s), else nothing', () => {
    expect(nominalHashrate(68_796e9, 'Whatsminer M30S+')).toEqual({ hashrate: 68_796e9, source: 'firmware' });
    expect(nominalHashrate(null, 'Antminer S19 Pro')).toEqual({ hashrate: 110 * TH, source: 'model' });
    expect(nominalHashrate(0, 'Avalon Q')).toEqual({ hashrate: null, source: 'none' });
    const r = miner('cfg', { model: 'Avalon Q' });
    r.configNominal = 90 * TH;
    expect(minerNominal(r)).toBe(90 * TH);
  });
});

describe('underperformance over a window', () => {
  it('averages the window and says nothing until the history covers it', () => {
    // 30 min window at NOW: samples at minutes 29..0 (30 samples); the one at minute 30 sits on the edge
    // 29..15 at 110 TH/s (15 samples), 14..0 at 55 TH/s (15 samples): mean 82.5 TH/s
    const r = miner('half', { rate: (m) => (m >= 15 ? 110 * TH : 55 * TH) });
    expect(windowHashrate(r, 30 * MINUTE, NOW)).toBe(82.5 * TH);
    // 10 minutes of history cannot judge a 30 minute window
    expect(windowHashrate(miner('new', { minutes: 10 }), 30 * MINUTE, NOW)).toBeNull();
    // 82.5 / 110 = 75 % < 90 %: listed with the share and the nominal
    const found = fleetConditions([r, miner('fine')], DEFAULT_FLEET_LIMITS, NOW);
    expect(found.hashrate).toEqual([{ miner: 'half', detail: '75 % of 110 TH/s' }]);
    // at 99 TH/s every minute (exactly 90 %) it is not below the share
    expect(fleetConditions([miner('edge', { rate: () => 99 * TH })], DEFAULT_FLEET_LIMITS, NOW).hashrate).toEqual([]);
    // no nominal known (unknown model, no firmware figure, no config): never judged
    expect(fleetConditions([miner('unknown', { model: 'Avalon Q', rate: () => 1 })], DEFAULT_FLEET_LIMITS, NOW).hashrate).toEqual([]);
  });
});

describe('missing chips, boards and fans', () => {
  it('counts chips short per board and whole boards missing', () => {
    const r = miner('chips', { snapshot: snapshot({ boards: [board(0, 104), board(1, 114)] }) });
    // board 0: 114 − 104 = 10; board 2 not listed: 114 more; 124 in all
    expect(chipShortfall(r)).toEqual({ missingChips: 124, detail: ['board 0: 104 of 114 chips', '2 of 3 boards'] });
    expect(fleetConditions([r], DEFAULT_FLEET_LIMITS, NOW).chips).toEqual([{ miner: 'chips', detail: 'board 0: 104 of 114 chips, 2 of 3 boards' }]);
    // a firmware that reports no chip counts (Braiins devs) says nothing about chips
    expect(chipShortfall(miner('braiins', { snapshot: snapshot({ boards: [board(0, null), board(1, null)] }) }))).toEqual({ missingChips: 0, detail: [] });
  });

  it('a fan the model has and the firmware does not report is missing', () => {
    const r = miner('fan', { snapshot: snapshot({ fans: [5400, 5400, 5460] }) });
    expect(fansMissing(r)).toBe(1);
    expect(fleetConditions([r], DEFAULT_FLEET_LIMITS, NOW).fanCount).toEqual([{ miner: 'fan', detail: '1 of 4 missing' }]);
    expect(fansMissing(miner('unknown', { model: 'Avalon Q' }))).toBeNull();
  });
});

describe('firmware state and error codes', () => {
  it('Braiins tuner chain states (pyasic@0.79.0:pyasic/miners/backends/braiins_os.py:509-535)', () => {
    const doc = (statuses: string[]) => ({ TUNERSTATUS: [{ TunerChainStatus: statuses.map((Status, i) => ({ HashchainIndex: i + 6, Status })) }] });
    expect(braiinsTuner(doc(['Stable', 'Stable', 'Stable']))).toEqual({ state: 'mining', errors: [] });
    expect(braiinsTuner(doc(['Stable', 'Tuning individual chips', 'Testing performance profile']))).toEqual({ state: 'tuning', errors: [] });
    // "Failed {…}": the part before " {" names the fault
    expect(braiinsTuner(doc(['Failed {chip 12 unresponsive}', 'Stable', 'Stable']))).toEqual({ state: 'mining', errors: ['board 6: Failed'] });
    expect(braiinsTuner(undefined)).toEqual({ state: null, errors: [] });
  });

  it('btminer: Error Code N in SUMMARY (pyasic@0.79.0:pyasic/miners/backends/btminer.py:618-625) and btmineroff', () => {
    expect(btminerErrors({ 'Error Code Count': 2, 'Error Code 0': 110, 'Error Code 1': { '531': '2023-01-01' } })).toEqual(['110', '531']);
    expect(btminerErrors({ 'Error Code Count': 0 })).toEqual([]);
    // asic-rs v1/status.json: Msg.btmineroff "false"
    expect(btminerState({ STATUS: 'S', Msg: { btmineroff: 'false' } })).toBe('mining');
    expect(btminerState({ STATUS: 'S', Msg: { btmineroff: 'true' } })).toBe('sleeping');
    expect(btminerState({ STATUS: 'S', Msg: 'nothing' })).toBeNull();
    const s = toSnapshot('whatsminer', {
      summary: { SUMMARY: [{ 'MHS 5s': 0, 'Factory GHS': 100_000, 'Error Code Count': 1, 'Error Code 0': 110 }] },
      status: { STATUS: 'S', Msg: { btmineroff: 'true' } },
    });
    expect([s.nominalHashrate, s.state, s.errors]).toEqual([100 * TH, 'sleeping', ['110']]);
  });

  it('lists sleeping miners and miners with errors; tuning is work, not a fault', () => {
    const fleet = [
      miner('asleep', { snapshot: snapshot({ state: 'sleeping', errors: [] }) }),
      miner('err', { snapshot: snapshot({ state: 'mining', errors: ['110'] }) }),
      miner('tuning', { snapshot: snapshot({ state: 'tuning', errors: [] }) }),
    ];
    expect(fleetConditions(fleet, DEFAULT_FLEET_LIMITS, NOW).state).toEqual([
      { miner: 'asleep', detail: 'sleeping' },
      { miner: 'err', detail: 'errors 110' },
    ]);
  });
});

describe('expected pool and worker', () => {
  const active = pool('stratum+tcp://BTC.pool-a.example:3333/', 'farm.rig1');
  it('matches the URL without scheme, case or trailing slash, the worker exactly or by account', () => {
    expect(poolMismatch({ url: 'stratum2+tcp://btc.pool-a.example:3333' }, active)).toBeNull();
    expect(poolMismatch({ url: 'btc.pool-a.example:3333', worker: 'farm.rig1' }, active)).toBeNull();
    expect(poolMismatch({ worker: 'farm' }, active)).toBeNull();
    expect(poolMismatch({ worker: 'farm.rig2' }, active)).toBe('worker farm.rig1');
    // "farmer" is another account, not a worker of "farm"
    expect(poolMismatch({ worker: 'farm' }, pool('stratum+tcp://btc.pool-a.example:3333', 'farmer.rig1'))).toBe('worker farmer.rig1');
    expect(poolMismatch({ url: 'btc.pool-a.example:3333', worker: 'farm' }, pool('stratum+tcp://attacker.example:3333', 'x.y'))).toBe(
      'pool stratum+tcp://attacker.example:3333, worker x.y'
    );
    expect(poolMismatch({ url: 'btc.pool-a.example:3333' }, undefined)).toBe('no active pool');
    expect(poolMismatch(null, undefined)).toBeNull();
  });

  it('a hijacked miner degrades the health with what it is on', () => {
    const expected = { url: 'stratum+tcp://btc.pool-a.example:3333', worker: 'farm' };
    const hijacked = miner('rig9', { expectedPool: expected, snapshot: snapshot({ pools: [pool('stratum+tcp://attacker.example:3333', 'evil.w1')] }) });
    const conditions = fleetConditions([hijacked, miner('rig1', { expectedPool: expected })], DEFAULT_FLEET_LIMITS, NOW);
    expect(conditions.poolExpected).toEqual([{ miner: 'rig9', detail: 'pool stratum+tcp://attacker.example:3333, worker evil.w1' }]);
    const health = fleetHealth({ status: 'ok', message: '2 miners online', lastSuccess: NOW }, conditions, DEFAULT_FLEET_LIMITS);
    expect(health.status).toBe('degraded');
    expect(health.message).toBe('2 miners online; 1 miner on an unexpected pool or worker: rig9 (pool stratum+tcp://attacker.example:3333, worker evil.w1)');
  });
});
