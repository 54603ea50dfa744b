// Reply documents of the four firmware families the fleet simulator imitates. Each shape names
// the capture or source it follows; the captures are kept in backend-proxy/test/fixtures/miners
// (provenance and licence in its README) and test/cgminer-simulator-shapes.test.ts holds every
// normal answer here against them:
// - STATUS envelope, codes, joined `a+b` replies: ckolivas/cgminer@b8491c6:api.c (message table
//   :500-560, join :5119-5188)
// - bmminer: Antminer S19 Pro version/summary/stats/pools/devs, asic-rs@fdcd101
//   asic-rs-firmwares/antminer/src/test/json/v2020/*.json; S9 SE stats, check_cgminer
//   test/ReplyExamples.hs
// - Braiins OS: BOSminer 0.2.0 S9 version/summary/pools/fans/temps/devs, foreman-apps@8f99ba0
//   AntminerStatsITest.java:542-562; tunerstatus and BOSer version: BOSMiner-py README and the
//   Braiins OS API documentation (no capture)
// - Whatsminer btminer: summary/pools/devs/get_version/get_psu/status, asic-rs@fdcd101
//   asic-rs-firmwares/whatsminer/src/test/json/v1/*.json; devdetails asic-rs@fdcd101
//   src/factory.rs:886; `version` refused ("invalid cmd", "whatsminer v1.1"; see test/fixtures/miners/README.md)
// - cgminer (Avalon): version/devdetails/summary/devs/pools, asic-rs@fdcd101
//   asic-rs-firmwares/avalonminer/src/test/json/*.json
// - LuxOS (LUXminer): version/summary/stats/pools/power/fans/temps, asic-rs@fdcd101
//   asic-rs-firmwares/luxminer/src/test/json/v1/*.json (kept in test/fixtures/miners/luxos-s19kpro)
// Faults change the numbers here and the bytes in fleet.ts.

import { modelLayout } from '../../sources/cgminer/nominal.js';
import { V3_FIRMWARE } from './btminerV3.js';

export type SimFlavour = 'cgminer' | 'bmminer' | 'braiins' | 'whatsminer' | 'luxos' | 'whatsminer-v3' | 'axeos' | 'epic' | 'vnish';

// chipsMissing: board 0 reports 10 chips short; fanMissing: bmminer counts one fan fewer (fan_num);
// sleep: btminer stopped (`btmineroff` "true", 0 H/s); errorCode: btminer reports error 110
// ("Intake fan speed error", pyasic@0.79.0:pyasic/data/error_codes/whatsminer.py:94-101),
// Braiins a failed chain; tuning: Braiins chains tuning; hijack: the active pool is an
// attacker's pool and worker
export const SIM_FAULTS = [
  'offline',
  'hot',
  'fan0',
  'rejects',
  'hashdrop',
  'brokenJson',
  'garbage',
  'slow',
  'poolSwitch',
  'chipsMissing',
  'fanMissing',
  'sleep',
  'errorCode',
  'tuning',
  'hijack',
] as const;
export type SimFault = (typeof SIM_FAULTS)[number];

export interface SimMinerState {
  name: string;
  flavour: SimFlavour;
  model: string;
  /** nominal TH/s */
  terahash: number;
  /** W reported by firmware that measures power (braiins, whatsminer) */
  watts: number;
  boards: number;
  fanCount: number;
  startedAt: number;
  accepted: number;
  rejected: number;
  stale: number;
  hardwareErrors: number;
  polls: number;
  faults: Set<SimFault>;
  /** frozen: counters and the rate wobble stay put, so two clients read the same state */
  frozen?: boolean;
}

/** An S9-class Antminer: its stock bmminer and Braiins OS replies differ from the S19 ones below. */
export function isS9(state: SimMinerState): boolean {
  return /\b[ST]9/i.test(state.model);
}

// STATUS Description per family, as the captures carry it (btminer's cgminer-API commands say
// "cgminer 4.9.2"; its own commands "whatsminer v1.4.0")
const DESCRIPTION: Record<SimFlavour, string> = {
  cgminer: 'cgminer 4.11.1',
  bmminer: 'cgminer 1.0.0',
  braiins: 'BOSer boser-buildroot 0.1.0-0ce150e9',
  whatsminer: 'cgminer 4.9.2',
  luxos: 'LUXminer 2025.4.8.220305-57b389c7',
  'whatsminer-v3': 'whatsminer v1.1',
  axeos: 'AxeOS', // HTTP only (simulators/cgminer/axeos.ts): never on a CGMiner socket
  epic: 'ePIC', // HTTP only (simulators/cgminer/epic.ts)
  vnish: 'VNish', // read over its web API here (simulators/cgminer/vnish.ts)
};

/** btminer's own commands answer with a bare STATUS letter and Code 131 (asic-rs v1/get_version.json). */
function btminerReply(now: number, msg: Record<string, unknown>): Record<string, unknown> {
  return { STATUS: 'S', When: Math.floor(now / 1000), Code: 131, Msg: msg, Description: 'whatsminer v1.4.0' };
}

/** btminer refuses what it does not know, `version` included (test/fixtures/miners/README.md). */
export function btminerRefusal(now: number): Record<string, unknown> {
  return { STATUS: 'E', When: Math.floor(now / 1000), Code: 14, Msg: 'invalid cmd', Description: 'whatsminer v1.1' };
}

// STATUS codes as cgminer's api.c numbers them: 7 pools, 9 devs, 10 no devices, 11 summary,
// 14 invalid command, 22 version, 45 access denied, 69 devdetails, 70 stats; Braiins OS adds
// 201 temps, 202 fans, 203 tuner status.
export const PRIVILEGED_ANSWERED = new Set([
  'restart', 'quit', 'addpool', 'removepool', 'switchpool', 'enablepool', 'disablepool', 'poolpriority', 'poolquota',
  'save', 'pgaenable', 'pgadisable', 'pgaset', 'pgarestart', 'ascenable', 'ascdisable', 'ascset', 'gpuenable',
  'gpudisable', 'gpurestart', 'setconfig', 'zero', 'debug', 'hotplug', 'failover-only', 'lockstats', 'privileged',
  'reboot', 'power_off', 'power_on', 'update_pools', 'set_led', 'set_target_freq', 'update_firmware',
]);

function status(state: SimMinerState, letter: 'S' | 'E', code: number, msg: string, now: number) {
  return [{ STATUS: letter, When: Math.floor(now / 1000), Code: code, Msg: msg, Description: DESCRIPTION[state.flavour] }];
}

/** Current 5 s hashrate in TH/s, with the hashdrop fault and a small deterministic wobble. */
function currentTh(state: SimMinerState): number {
  const wobble = 1 + 0.01 * Math.sin(state.polls);
  if (state.faults.has('sleep') && state.flavour === 'whatsminer') return 0;
  return state.terahash * wobble * (state.faults.has('hashdrop') ? 0.3 : 1);
}

function boardTh(state: SimMinerState, board: number): number {
  // hashdrop: the last board is dead, the others slow down
  if (state.faults.has('hashdrop') && state.boards > 1 && board === state.boards - 1) return 0;
  const share = currentTh(state) / (state.faults.has('hashdrop') ? Math.max(1, state.boards - 1) : state.boards);
  return share;
}

function temps(state: SimMinerState, board: number): { pcb: number; chip: number } {
  const hot = state.faults.has('hot') && board === 0 ? 32 : 0;
  return { pcb: 58 + board + hot, chip: 72 + board * 2 + hot };
}

function fanRpm(state: SimMinerState, fan: number): number {
  if (state.faults.has('fan0') && fan === 0) return 0;
  return 5400 + fan * 60;
}

/** "GHS 5s": a number on the S19 Pro (asic-rs v2020), a string on the S9 (foreman-apps, check_cgminer S9 SE). */
function ghs5s(state: SimMinerState, th: number): number | string {
  const text = (th * 1000).toFixed(2);
  return isS9(state) ? text : Number(text);
}

/** Chips per board of the model (pyasic's table, sources/cgminer/nominal.ts); 76 when unknown. */
function chipsOn(state: SimMinerState, board: number): number {
  // a dead board (hashdrop) finds no chips; a sleeping miner's boards keep theirs
  if (boardTh(state, board) === 0 && !state.faults.has('sleep')) return 0;
  const full = modelLayout(state.model)?.chipsPerBoard ?? (isS9(state) ? 63 : 76);
  return state.faults.has('chipsMissing') && board === 0 ? full - 10 : full;
}

function slots(state: SimMinerState): number {
  return Math.max(state.fanCount, 4);
}

function elapsed(state: SimMinerState, now: number): number {
  return Math.max(1, Math.floor((now - state.startedAt) / 1000));
}

/** Advances share counters once per poll (on `summary`). */
export function advance(state: SimMinerState): void {
  if (state.frozen) return;
  state.polls++;
  if (state.faults.has('hashdrop')) state.accepted += 3;
  else state.accepted += 10;
  state.rejected += state.faults.has('rejects') ? 25 : state.polls % 20 === 0 ? 1 : 0;
  state.hardwareErrors += state.polls % 7 === 0 ? 1 : 0;
}

function pools(state: SimMinerState, now: number) {
  const switched = state.faults.has('poolSwitch');
  const list = state.faults.has('hijack')
    ? [
        { url: 'stratum+tcp://attacker.pool.example:3333', user: 'attacker.rig1' },
        { url: 'stratum+tcp://btc.pool-b.example:443', user: `farm.${state.name}` },
      ]
    : [
        { url: 'stratum+tcp://btc.pool-a.example:3333', user: `farm.${state.name}` },
        { url: 'stratum+tcp://btc.pool-b.example:443', user: `farm.${state.name}` },
      ];
  return list.map((pool, index) => {
    const active = switched ? index === 1 : index === 0;
    const accepted = active ? state.accepted : 0;
    return {
      POOL: index,
      URL: pool.url,
      Status: switched && index === 0 ? 'Dead' : 'Alive',
      Priority: index,
      Quota: 1,
      'Long Poll': 'N',
      Getworks: state.polls * 4,
      Accepted: accepted,
      Rejected: active ? state.rejected : 0,
      Works: accepted * 4,
      Discarded: 0,
      Stale: 0,
      'Get Failures': 0,
      'Remote Failures': 0,
      User: pool.user,
      // bmminer prints the time since the share ("0:00:03", asic-rs v2020/pools.json); cgminer,
      // BOSminer and btminer a Unix time (asic-rs v1/pools.json, foreman-apps bOS pools)
      // LuxOS "00:00:01" (asic-rs luxminer v1/pools.json)
      'Last Share Time':
        state.flavour === 'bmminer' ? (active ? '0:00:02' : '0') : state.flavour === 'luxos' ? (active ? '00:00:02' : '00:57:33') : active ? Math.floor(now / 1000) - 2 : 0,
      'Diff1 Shares': accepted * 65536,
      'Proxy Type': '',
      Proxy: '',
      'Difficulty Accepted': accepted * 65536,
      'Difficulty Rejected': active ? state.rejected * 65536 : 0,
      'Difficulty Stale': 0,
      'Last Share Difficulty': 65536,
      'Has Stratum': true,
      'Stratum Active': active,
      'Stratum URL': pool.url.replace(/^stratum\+tcp:\/\//, '').replace(/:\d+$/, ''),
      'Stratum Difficulty': 65536,
      'Has GBT': false,
      'Best Share': 1_234_567,
      'Pool Rejected%': 0,
      'Pool Stale%': 0,
      'Bad Work': 0,
      'Current Block Height': 870_000,
      'Current Block Version': 536_870_912,
      // LuxOS numbers its pool groups (asic-rs luxminer v1/pools.json "GROUP"); the simulator has one
      ...(state.flavour === 'luxos' ? { GROUP: 0 } : {}),
    };
  });
}

function summaryRow(state: SimMinerState, now: number): Record<string, unknown> {
  const th = currentTh(state);
  const base: Record<string, unknown> = {
    Elapsed: elapsed(state, now),
    'Found Blocks': 0,
    Getworks: state.polls * 4,
    Accepted: state.accepted,
    Rejected: state.rejected,
    'Hardware Errors': state.hardwareErrors,
    Utility: 12.5,
    Discarded: state.polls * 8,
    Stale: state.stale,
    'Get Failures': 0,
    'Local Work': state.polls * 1000,
    'Remote Failures': 0,
    'Network Blocks': 12,
    'Work Utility': 1_234_567.8,
    'Difficulty Accepted': state.accepted * 65536,
    'Difficulty Rejected': state.rejected * 65536,
    'Difficulty Stale': 0,
    'Best Share': 1_234_567,
    'Device Hardware%': 0.0005,
    'Device Rejected%': 0.1,
    'Pool Rejected%': 0.1,
    'Pool Stale%': 0,
    'Last getwork': Math.floor(now / 1000),
  };
  switch (state.flavour) {
    case 'luxos':
    case 'bmminer':
      // S19 Pro stock firmware: numbers (asic-rs v2020/summary.json); older S9 firmware sends
      // "GHS 5s" as a string (foreman-apps S9 capture), which the proxy reads as well
      return { Elapsed: base.Elapsed, 'GHS 5s': ghs5s(state, th), 'GHS av': Number((state.terahash * 1000).toFixed(2)), ...base };
    case 'whatsminer':
      return {
        Elapsed: base.Elapsed,
        'MHS av': Number((state.terahash * 1e6).toFixed(2)),
        'MHS 5s': Number((th * 1e6).toFixed(2)),
        'MHS 1m': Number((th * 1e6).toFixed(2)),
        'MHS 5m': Number((th * 1e6).toFixed(2)),
        'MHS 15m': Number((th * 1e6).toFixed(2)),
        ...base,
        Temperature: temps(state, 0).pcb,
        freq_avg: 539,
        'Fan Speed In': fanRpm(state, 0),
        'Fan Speed Out': fanRpm(state, 1),
        Voltage: 1170,
        Power: state.watts,
        Power_RT: state.watts,
        Uptime: base.Elapsed,
        'Chip Data': 'K88Z008-2109 BINV01-195001D',
        'Power Fanspeed': 11010,
        // the miner's own nominal, as btminer reports it (asic-rs v1/summary.json: 68796)
        'Factory GHS': Math.round(state.terahash * 1000),
        // pyasic@0.79.0:pyasic/miners/backends/btminer.py:618-625 reads `Error Code N`
        ...(state.faults.has('errorCode') ? { 'Error Code Count': 1, 'Error Code 0': 110 } : { 'Error Code Count': 0 }),
      };
    default:
      return { Elapsed: base.Elapsed, 'MHS av': Number((state.terahash * 1e6).toFixed(2)), 'MHS 5s': Number((th * 1e6).toFixed(2)), 'MHS 1m': Number((th * 1e6).toFixed(2)), ...base };
  }
}

function bmminerStats(state: SimMinerState, now: number): Record<string, unknown> {
  const th = currentTh(state);
  const row: Record<string, unknown> = {
    STATS: 0,
    ID: 'BTM_SOC0',
    Elapsed: elapsed(state, now),
    Calls: 0,
    Wait: 0,
    Max: 0,
    Min: 99999999,
    'GHS 5s': ghs5s(state, th),
    'GHS av': Number((state.terahash * 1000).toFixed(2)),
    rate_30m: Number((state.terahash * 1000).toFixed(2)),
    Mode: 2,
    miner_count: state.boards,
    frequency: 525,
    fan_num: state.faults.has('fanMissing') ? state.fanCount - 1 : state.fanCount,
  };
  // a stock S9 lists fan1..fan8 and puts its two fans in fan5/fan6, its chains in 6..8, with
  // tempN/temp2_N and no temp_pcb/temp_chip strings (foreman-apps capture "Antminer S9 (bad temps)")
  const s9 = isS9(state);
  const fanBase = s9 ? 4 : 0;
  const chainBase = s9 ? 5 : 0;
  if (s9) for (let f = 1; f <= 8; f++) row[`fan${f}`] = 0;
  const fitted = state.faults.has('fanMissing') ? state.fanCount - 1 : state.fanCount;
  for (let f = 0; f < fitted; f++) row[`fan${fanBase + f + 1}`] = fanRpm(state, f);
  row.temp_num = state.boards;
  for (let b = 0; b < state.boards; b++) {
    const t = temps(state, b);
    const n = chainBase + b + 1;
    row[`temp${n}`] = t.pcb;
    row[`temp2_${n}`] = t.chip;
    if (s9) continue;
    row[`temp_pcb${n}`] = `${t.pcb - 18}-${t.pcb - 16}-${t.pcb - 1}-${t.pcb}`;
    row[`temp_chip${n}`] = `${t.chip - 17}-${t.chip - 15}-${t.chip - 1}-${t.chip}`;
  }
  row.total_rateideal = state.terahash * 1000;
  row.rate_unit = 'GH'; // asic-rs v2020/stats.json
  row.total_freqavg = 525;
  row.total_acn = Array.from({ length: state.boards }, (_, b) => chipsOn(state, b)).reduce((a, b) => a + b, 0);
  row.total_rate = Number((th * 1000).toFixed(2));
  row.temp_max = 0; // S19 Pro stock firmware leaves it 0 (asic-rs v2020/stats.json)
  row['Device Hardware%'] = 0.0005;
  row.no_matching_work = state.hardwareErrors;
  for (let b = 0; b < state.boards; b++) {
    const dead = boardTh(state, b) === 0;
    const n = chainBase + b + 1;
    row[`chain_acn${n}`] = chipsOn(state, b);
    row[`chain_acs${n}`] = dead ? '' : ' oooooooo oooooooo oooooooo oooooooo oooooooo oooooooo oooooooo oooooooo oooooooo oooo';
    row[`chain_hw${n}`] = Math.floor(state.hardwareErrors / state.boards);
    row[`chain_rate${n}`] = (boardTh(state, b) * 1000).toFixed(2);
    row[`chain_rateideal${n}`] = Number(((state.terahash * 1000) / state.boards).toFixed(2));
  }
  row.miner_version = 'uart_trans.1.3';
  row.miner_id = '812c1d0c69208814';
  return row;
}

/**
 * LuxOS board temperatures: four sensors a board, exhaust and intake, sent as "E-I-I-E" in
 * temp_pcbN, temp_chipN and temp_picN alike (asic-rs luxminer v1/stats.json "47-34-34-47";
 * its `temps` names them TopLeft "Board Exhaust (top)", TopRight "Board Intake (top)" …).
 */
function luxosSensors(state: SimMinerState, board: number): { exhaust: number; intake: number } {
  const t = temps(state, board);
  return { exhaust: t.chip, intake: t.pcb - 20 };
}

/** LuxOS `stats` row: bmminer's keys as the capture carries them, a fourth chain listed empty on a three-board model. */
function luxosStats(state: SimMinerState, now: number): Record<string, unknown> {
  const th = currentTh(state);
  const fitted = state.faults.has('fanMissing') ? state.fanCount - 1 : state.fanCount;
  const row: Record<string, unknown> = {
    Calls: 0,
    Elapsed: elapsed(state, now),
    'GHS 5s': Number((th * 1000).toFixed(2)),
    'GHS av': Number((state.terahash * 1000).toFixed(2)),
    ID: 'BTM_SOC0',
    Max: 0,
    Min: 99999999,
    Mode: 2,
    STATS: 0,
    Wait: 0,
    fan_num: fitted,
    frequency: 300,
    miner_count: state.boards,
    miner_id: '62f75eb71046',
    miner_version: '2025.4.8.220305',
    no_matching_work: state.hardwareErrors,
    rate_30m: Number((th * 1000).toFixed(2)),
    rate_unit: 'GH',
    temp_num: state.boards,
    total_acn: state.boards + 1,
    total_freqavg: 300.0,
    total_rateideal: state.terahash * 1000,
    'total rate': Number(((th * 1000) / state.boards).toFixed(2)),
  };
  for (let f = 0; f < fitted; f++) row[`fan${f + 1}`] = fanRpm(state, f);
  let hottest = 0;
  for (let n = 1; n <= Math.max(4, state.boards); n++) {
    const b = n - 1;
    const present = b < state.boards;
    const { exhaust, intake } = present ? luxosSensors(state, b) : { exhaust: 0, intake: 0 };
    const dashed = `${exhaust}-${intake}-${intake}-${exhaust}`;
    hottest = Math.max(hottest, exhaust);
    row[`chain_acn${n}`] = present ? chipsOn(state, b) : 0;
    row[`chain_acs${n}`] = present && boardTh(state, b) > 0 ? ' oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo oooo o' : '';
    row[`chain_hw${n}`] = present ? Math.floor(state.hardwareErrors / state.boards) : 0;
    row[`chain_rate${n}`] = present ? (boardTh(state, b) * 1000).toFixed(2) : '0';
    row[`freq${n}`] = present ? 300.0 : 0.0;
    row[`temp_chip${n}`] = dashed;
    row[`temp_pcb${n}`] = dashed;
    row[`temp_pic${n}`] = dashed;
    if (present) {
      row[`temp${n}`] = exhaust;
      row[`temp2_${n}`] = exhaust;
    }
  }
  row.temp_max = hottest;
  return row;
}

function devsRows(state: SimMinerState): Array<Record<string, unknown>> {
  return Array.from({ length: state.boards }, (_, b) => {
    const th = boardTh(state, b);
    const t = temps(state, b);
    const base: Record<string, unknown> = {
      ASC: b,
      Name: state.flavour === 'whatsminer' ? 'SM' : state.flavour === 'braiins' ? '' : 'AVA10',
      ID: state.flavour === 'braiins' ? b + 6 : b,
      Enabled: 'Y',
      Status: th > 0 ? 'Alive' : 'Dead',
      Temperature: t.pcb,
      'MHS av': Number(((state.terahash / state.boards) * 1e6).toFixed(2)),
      'MHS 5s': Number((th * 1e6).toFixed(2)),
      'MHS 1m': Number((th * 1e6).toFixed(2)),
      Accepted: Math.floor(state.accepted / state.boards),
      Rejected: Math.floor(state.rejected / state.boards),
      'Hardware Errors': Math.floor(state.hardwareErrors / state.boards),
      Utility: 4.1,
      'Last Share Pool': 0,
      'Device Elapsed': 100,
      // BOSminer's per-board nominal (foreman-apps bOS devs capture: "Nominal MHS": 4668300.0)
      ...(state.flavour === 'braiins' ? { 'Nominal MHS': Number(((state.terahash / state.boards) * 1e6).toFixed(1)) } : {}),
    };
    if (state.flavour === 'whatsminer') {
      return {
        ...base,
        Slot: b,
        'Chip Frequency': 539,
        'Upfreq Complete': 1,
        'Effective Chips': chipsOn(state, b),
        'PCB SN': `HEM1E${b}A200820`,
        'Chip Temp Min': t.chip - 10,
        'Chip Temp Max': t.chip + 2,
        'Chip Temp Avg': t.chip,
      };
    }
    return base;
  });
}

/** An AvalonMiner 15-series (A1566): its cgminer answers `estats` with an `MM ID0` string. */
export function hasAvalonEstats(state: SimMinerState): boolean {
  return state.flavour === 'cgminer' && /^AvalonMiner 15/i.test(state.model);
}

/**
 * The `MM ID0` string of an AvalonMiner 15-194, field order and forms as in pyasic's capture
 * (UpstreamData/pyasic@e2b9d35:tests/miners_tests/backends_tests/avalonminer_tests/
 * version_24102401_25462b2_9ddf522.py:368; kept in test/fixtures/miners/avalon-1566-cgminer), with
 * the per-chip PVT/MW blocks left out (nothing reads them). Three hash boards; faults: hot (board
 * 0 +32 °C), fan0 (Fan1 0 RPM), hashdrop (board 2 at 0), errorCode (ECHU of board 0 non-zero).
 */
function avalonMMString(state: SimMinerState, now: number): string {
  const boards = 3;
  const th = currentTh(state);
  const perBoard = Array.from({ length: boards }, (_, b) => (state.faults.has('hashdrop') && b === boards - 1 ? 0 : (th * 1000) / (state.faults.has('hashdrop') ? boards - 1 : boards)));
  const tmax = Array.from({ length: boards }, (_, b) => 77 + (b % 2) + (state.faults.has('hot') && b === 0 ? 32 : 0));
  const fan = (n: number) => (state.faults.has('fan0') && n === 0 ? 0 : 4275 + n * 7);
  const ghs = perBoard.reduce((a, b) => a + b, 0);
  return [
    'Ver[15-194-24102401_25462b2_9ddf522]',
    'DNA[020100008c699117]',
    `SYSTEMSTATU[Work: In Work, Hash Board: ${boards} ]`,
    `Elapsed[${elapsed(state, now)}]`,
    'DHW[0]',
    'HW[0]',
    'DH[1.299%]',
    'Temp[31]',
    `TMax[${Math.max(...tmax)}]`,
    'TAvg[70]',
    `Fan1[${fan(0)}]`,
    `Fan2[${fan(1)}]`,
    'FanR[49%]',
    'Vo[296]',
    `PS[0 1209 1187 297 ${state.watts - 205} 1188 ${state.watts}]`,
    `WALLPOWER[${state.watts}]`,
    `GHSspd[${ghs.toFixed(2)}]`,
    `GHSmm[${(state.terahash * 1000).toFixed(2)}]`,
    `GHSavg[${ghs.toFixed(2)}]`,
    `MGHS[${perBoard.map((g) => g.toFixed(2)).join(' ')}]`,
    `MTmax[${tmax.join(' ')}]`,
    `MTavg[${tmax.map((t) => t - 8).join(' ')}]`,
    'Core[A3197S]',
    'SoftOFF[0]',
    `ECHU[${Array.from({ length: boards }, (_, b) => (state.faults.has('errorCode') && b === 0 ? 1 : 0)).join(' ')}]`,
    'ECMM[0]',
    `MPO[${state.watts - 216}]`,
    'WORKMODE[1]',
  ].join(' ');
}

/** The document one command answers with (STATUS envelope included). */
export function replyFor(state: SimMinerState, command: string, now: number): Record<string, unknown> {
  const env = (code: number, msg: string) => ({ STATUS: status(state, 'S', code, msg, now) });
  if (state.flavour === 'whatsminer-v3') {
    // 2024-11+ btminer on 4028: names itself as btminer does, and says in get_version's fw_ver
    // that its readings are on API v3 (simulators/cgminer/btminerV3.ts); nothing else is answered here
    if (command === 'get_version') return btminerReply(now, { api_ver: 'whatsminer v1.4.0', fw_ver: V3_FIRMWARE });
    if (command === 'devdetails') {
      return {
        ...env(69, 'Device Details'),
        DEVDETAILS: Array.from({ length: state.boards }, (_, b) => ({ DEVDETAILS: b, Name: 'SM', ID: b, Driver: 'bitmicro', Kernel: '', Model: state.model, 'Device Path': '' })),
        id: 1,
      };
    }
    return btminerRefusal(now);
  }
  switch (command) {
    case 'version': {
      // btminer has no `version`
      if (state.flavour === 'whatsminer') return btminerRefusal(now);
      if (state.flavour === 'axeos' || state.flavour === 'epic' || state.flavour === 'vnish') break;
      const versions: Record<Exclude<SimFlavour, 'whatsminer' | 'whatsminer-v3' | 'axeos' | 'epic' | 'vnish'>, Record<string, unknown>> = {
        // asic-rs luxminer v1/version.json
        luxos: { API: '3.7', CompileTime: 'Tue Apr  8 22:05:35 UTC 2025', LUXminer: '2025.4.8.220305-57b389c7', Miner: '2025.4.8.220305', Type: state.model },
        // Avalon: PROD names the model (asic-rs avalonminer/version.json)
        cgminer: { CGMiner: '4.11.1', API: '3.7', PROD: state.model, MODEL: state.model.replace(/^Avalon\s*/i, '') },
        // asic-rs v2020/version.json
        bmminer: { BMMiner: '1.0.0', API: '3.1', Miner: '49.0.1.3', CompileTime: 'Tue Dec  6 16:12:30 CST 2022', Type: state.model },
        // BOSMiner-py README capture
        braiins: { API: '3.7', BOSer: 'boser-buildroot 0.1.0-0ce150e9' },
      };
      const versionMsg = state.flavour === 'braiins' ? 'BOSer versions' : state.flavour === 'luxos' ? 'LUXminer versions' : 'CGMiner versions';
      return { ...env(22, versionMsg), VERSION: [versions[state.flavour]], id: 1 };
    }
    case 'get_version':
      if (state.flavour !== 'whatsminer') break;
      return btminerReply(now, { api_ver: 'whatsminer v1.4.0', fw_ver: '20210322.22.REL' });
    case 'get_psu':
      if (state.flavour !== 'whatsminer') break;
      return btminerReply(now, { hw_version: '', model: 'P21-12-3600-E', name: 'P21', sw_version: '102220.009' });
    case 'status':
      if (state.flavour !== 'whatsminer') break;
      return btminerReply(now, { 'Firmware Version': "'20210322.22.REL'", btmineroff: state.faults.has('sleep') ? 'true' : 'false' });
    case 'devdetails':
      if (state.flavour === 'luxos') break; // not captured: answered Invalid command, as the replay does
      return {
        ...env(69, 'Device Details'),
        // whatsminer: Name "SM", Driver "bitmicro", Model "M30S+_VE40" (asic-rs src/factory.rs:886);
        // Avalon: Name "AVALON", Driver "avalon", Model "" (asic-rs avalonminer/devdetails.json);
        // Braiins: Model and Chips per board, as pyasic reads them (pyasic@0.79.0:pyasic/miners/backends/braiins_os.py:427-436)
        DEVDETAILS: Array.from({ length: state.flavour === 'cgminer' ? 1 : state.boards }, (_, b) => ({
          DEVDETAILS: b,
          Name: state.flavour === 'whatsminer' ? 'SM' : state.flavour === 'cgminer' ? 'AVALON' : '',
          ID: state.flavour === 'braiins' ? b + 6 : b,
          Driver: state.flavour === 'whatsminer' ? 'bitmicro' : state.flavour === 'braiins' ? 'BitmainS19' : 'avalon',
          Kernel: '',
          Model: state.flavour === 'cgminer' ? '' : state.model,
          ...(state.flavour === 'braiins' ? { Chips: 126 } : {}),
          'Device Path': '',
        })),
        id: 1,
      };
    case 'summary':
      return { ...env(11, 'Summary'), SUMMARY: [summaryRow(state, now)], id: 1 };
    case 'pools':
      return { ...env(7, '2 Pool(s)'), POOLS: pools(state, now), id: 1 };
    case 'devs':
    case 'edevs':
      if (state.flavour === 'bmminer') {
        // stock S19 firmware lists one "BTM_SOC" device with no rates (asic-rs v2020/devs.json)
        const device = { ASC: 0, Name: 'BTM_SOC', ID: 0, Enabled: 'Y', Status: 'Alive', Tenperature: 0.0, 'MHS av': 0.0, 'MHS 5s': 0.0, Accepted: state.accepted, Rejected: state.rejected, 'Hardware Errors': 0, Utility: 0.0 };
        return { ...env(9, '1 ASC(s)'), DEVS: [device], id: 1 };
      }
      if (state.flavour === 'whatsminer' && command === 'edevs') break; // btminer v1 answers devs (asic-rs, pyasic)
      return { ...env(9, `${state.boards} ASC(s)`), DEVS: devsRows(state), id: 1 };
    case 'stats':
      if (state.flavour === 'luxos') {
        return {
          ...env(70, 'LUXminer stats'),
          STATS: [{ CompileTime: 'Tue Apr  8 22:05:35 UTC 2025', Miner: '2025.4.8.220305', Type: state.model }, luxosStats(state, now)],
          id: 1,
        };
      }
      if (state.flavour === 'bmminer') {
        return {
          ...env(70, 'CGMiner stats'),
          STATS: [{ BMMiner: '1.0.0', Miner: 'uart_trans.1.3', CompileTime: 'Fri Jul 14 19:00:00 CST 2023', Type: state.model }, bmminerStats(state, now)],
          id: 1,
        };
      }
      return { ...env(70, 'CGMiner stats'), STATS: [{ STATS: 0, ID: 'POOL0', Elapsed: elapsed(state, now), Calls: 0, Wait: 0, Max: 0, Min: 99999999 }], id: 1 };
    case 'estats':
      if (!hasAvalonEstats(state)) break;
      return {
        ...env(70, 'CGMiner stats'),
        STATS: [
          { STATS: 0, ID: 'AVA100', Elapsed: elapsed(state, now), Calls: 0, Wait: 0.0, Max: 0.0, Min: 99999999.0, 'MM ID0': avalonMMString(state, now), 'MM Count': 1, 'Smart Speed': 1, 'Voltage Level Offset': 0, 'Nonce Mask': 25 },
        ],
        id: 1,
      };
    case 'power':
      if (state.flavour !== 'luxos') break;
      // asic-rs luxminer v1/power.json: {"PSU": false, "Watts": 1051}, code 311
      return { ...env(311, 'Power usage'), POWER: [{ PSU: false, Watts: state.watts }], id: 1 };
    case 'temps':
      if (state.flavour === 'luxos') {
        // asic-rs luxminer v1/temps.json: per board the four sensors, METADATA naming them
        const label = (text: string, position: [number, number]) => ({ Label: text, Position: position });
        return {
          METADATA: [
            {
              BottomLeft: label('Board Exhaust (bottom)', [1, 0]),
              BottomRight: label('Board Intake (bottom)', [1, 1]),
              TopLeft: label('Board Exhaust (top)', [0, 0]),
              TopRight: label('Board Intake (top)', [0, 1]),
            },
          ],
          ...env(201, `${state.boards} Temp(s)`),
          TEMPS: Array.from({ length: state.boards }, (_, b) => {
            const { exhaust, intake } = luxosSensors(state, b);
            return { BottomLeft: exhaust, BottomRight: intake, ID: b, TEMP: b, TopLeft: exhaust, TopRight: intake };
          }),
          id: 1,
        };
      }
      if (state.flavour !== 'braiins') break;
      return {
        ...env(201, `${state.boards} Temp(s)`),
        TEMPS: Array.from({ length: state.boards }, (_, b) => ({ TEMP: b, ID: b + 6, Board: temps(state, b).pcb + 0.5, Chip: temps(state, b).chip + 0.25 })),
        id: 1,
      };
    case 'fans':
      if (state.flavour === 'luxos') {
        // asic-rs luxminer v1/fans.json: FANCTRL and one FANS row per fitted fan (Speed = PWM %)
        const fitted = state.faults.has('fanMissing') ? state.fanCount - 1 : state.fanCount;
        return {
          FANCTRL: [{ MinFans: 3, PowerOffSpeed: 20 }],
          FANS: Array.from({ length: fitted }, (_, f) => ({ FAN: `FAN${f + 1}`, ID: f, RPM: fanRpm(state, f), Speed: 20 })),
          ...env(202, `${fitted} Fan(s)`),
          id: 1,
        };
      }
      if (state.flavour !== 'braiins') break;
      return {
        // BOSminer on an S9 lists four fan slots, the two empty ones at 0 RPM (foreman-apps
        // captures of BOSminer and BOSminer+ 0.2.0); Speed is the PWM duty, the same for all
        ...env(202, `${slots(state)} Fan(s)`),
        FANS: Array.from({ length: slots(state) }, (_, f) => ({ FAN: f, ID: f, RPM: f < state.fanCount ? fanRpm(state, f) : 0, Speed: 40 })),
        id: 1,
      };
    case 'tunerstatus':
      if (state.flavour !== 'braiins') break;
      return {
        ...env(203, 'Tuner Status'),
        TUNERSTATUS: [
          {
            ApproximateChainPowerConsumption: state.watts - 75,
            ApproximateMinerPowerConsumption: state.watts,
            DynamicPowerScaling: 'Disabled',
            PowerLimit: state.watts + 50,
            TunerChainStatus: Array.from({ length: state.boards }, (_, b) => ({
              ApproximatePowerConsumptionWatt: Math.round((state.watts - 75) / state.boards),
              HashchainIndex: b + 6,
              Iteration: 0,
              LoadedProfileCreatedOn: 1595938289,
              PowerLimitWatt: Math.round(state.watts / state.boards),
              StageElapsed: 78,
              // pyasic@0.79.0:pyasic/miners/backends/braiins_os.py:528-532 names the normal states
              Status: state.faults.has('errorCode') && b === 0 ? 'Failed {chip 12 unresponsive}' : state.faults.has('tuning') ? 'Tuning individual chips' : 'Stable',
              TunerRunning: state.faults.has('tuning'),
              TuningElapsed: 98,
            })),
          },
        ],
        id: 1,
      };
    default:
      break;
  }
  if (state.flavour === 'whatsminer') return btminerRefusal(now);
  if (PRIVILEGED_ANSWERED.has(command)) {
    return { STATUS: status(state, 'E', 45, `Access denied to '${command}' command`, now), id: 1 };
  }
  return { STATUS: status(state, 'E', 14, 'Invalid command', now), id: 1 };
}
