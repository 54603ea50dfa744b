// The fleet simulator's normal answers held against replies captured from real miners
// (test/fixtures/miners, provenance in its README): the same STATUS form and code, the same
// data section, and every field both carry of the same JSON type (a bmminer "GHS 5s" is a
// string in one and a number in the other only if the capture says so). Fields the proxy
// reads must be in both. The simulator is only trusted where this holds.
import { describe, expect, it } from 'vitest';
import { replyFor, type SimFlavour, type SimMinerState } from '../src/simulators/cgminer/flavours.js';
import { parseMinerJson } from '../src/sources/cgminer/repair.js';
import { parseMMString } from '../src/sources/cgminer/model.js';
import { loadCaptures } from './cgminerReplay.js';

function state(flavour: SimFlavour, model: string): SimMinerState {
  return {
    name: 'm', flavour, model, terahash: 100, watts: 3000, boards: flavour === 'cgminer' ? 1 : 3, fanCount: flavour === 'whatsminer' || /S9/.test(model) ? 2 : 4,
    startedAt: 0, accepted: 10, rejected: 1, stale: 0, hardwareErrors: 1, polls: 1, faults: new Set(),
  };
}

type Doc = Record<string, unknown>;
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const statusOf = (d: Doc) => (Array.isArray(d.STATUS) ? { form: 'array', ...(d.STATUS[0] as Doc) } : { form: 'bare', STATUS: d.STATUS, Code: d.Code });

/** field -> [simulator type, capture type] for every field both rows carry with different JSON types */
function typeClashes(sim: Doc, real: Doc): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {};
  for (const key of Object.keys(sim)) if (key in real && kind(sim[key]) !== kind(real[key])) out[key] = [kind(sim[key]), kind(real[key])];
  return out;
}

// What model.ts reads from each section (besides the STATUS envelope)
const READ: Record<string, string[]> = {
  SUMMARY: ['Elapsed', 'Accepted', 'Rejected', 'Stale', 'Hardware Errors'],
  POOLS: ['POOL', 'URL', 'User', 'Status', 'Priority', 'Stratum Active', 'Accepted', 'Rejected', 'Stale', 'Last Share Time'],
  DEVS: ['ASC', 'Status', 'Temperature', 'Hardware Errors'],
  FANS: ['RPM'],
  TEMPS: ['Board', 'Chip'],
  DEVDETAILS: ['Model', 'Driver'],
};

const CASES: Array<{ flavour: SimFlavour; model: string; capture: string; commands: string[]; extra?: Record<string, string[]>; unread?: string[] }> = [
  {
    // bmminer's devs (one BTM_SOC device, "Tenperature" sic) is not read by the proxy
    flavour: 'bmminer', model: 'Antminer S19 Pro', capture: 'antminer-s19pro-bmminer', commands: ['version', 'summary', 'pools', 'stats', 'devs'], unread: ['DEVS'],
    extra: { SUMMARY: ['GHS 5s', 'GHS av'], VERSION: ['BMMiner', 'Miner', 'Type'] },
  },
  {
    // a simulated stock S9: fans in fan5/fan6, chains 6..8, tempN/temp2_N only
    flavour: 'bmminer', model: 'Antminer S9', capture: 'antminer-s9-bmminer', commands: ['version', 'stats', 'pools'],
    extra: { VERSION: ['BMMiner', 'Miner', 'Type'] },
  },
  {
    flavour: 'braiins', model: 'Antminer S9', capture: 'braiins-s9-bosminer', commands: ['fans', 'temps'],
  },
  {
    flavour: 'whatsminer', model: 'M30S+_VE40', capture: 'whatsminer-btminer', commands: ['version', 'devdetails', 'get_version', 'get_psu', 'status', 'summary', 'pools', 'devs'],
    extra: { SUMMARY: ['MHS 5s', 'MHS av', 'Fan Speed In', 'Fan Speed Out', 'Power', 'Power_RT'], DEVS: ['MHS 5s', 'Chip Temp Avg', 'Effective Chips'] },
  },
  {
    // the version capture is BOSminer 0.2.0, the simulator BOSer: only the sections below compare
    flavour: 'braiins', model: 'Antminer S19j Pro', capture: 'braiins-s9-bosminer', commands: ['summary', 'pools', 'fans', 'temps', 'devs'],
    extra: { SUMMARY: ['MHS 5s', 'MHS av'], DEVS: ['MHS 5s', 'ID'] },
  },
  {
    flavour: 'cgminer', model: 'Avalon Q', capture: 'avalon-q-cgminer', commands: ['version', 'devdetails', 'summary', 'devs', 'pools'],
    extra: { SUMMARY: ['MHS 5s', 'MHS av'], VERSION: ['CGMiner', 'PROD'] },
  },  {
    // estats: the MM ID0 string's fields are held against the capture's below
    flavour: 'cgminer', model: 'AvalonMiner 15-194', capture: 'avalon-1566-cgminer', commands: ['version', 'estats', 'pools'],
    extra: { VERSION: ['CGMiner', 'PROD'], STATS: ['MM ID0', 'ID'] },
  },
  {
    // LuxOS: `temps` is served (exhaust/intake sensors) but the proxy reads board temperatures from `stats`
    flavour: 'luxos', model: 'Antminer S19k Pro', capture: 'luxos-s19kpro', commands: ['version', 'summary', 'pools', 'stats', 'power', 'fans', 'temps'], unread: ['TEMPS'],
    extra: { VERSION: ['LUXminer', 'Miner', 'Type'], SUMMARY: ['GHS 5s', 'GHS av'], POWER: ['Watts'], STATS: ['Type'] },
  },
];

describe('the simulated LuxOS stats row', () => {
  it('carries the keys the proxy and pyasic read, in the capture\'s forms, and an empty fourth chain', () => {
    const captured = (parseMinerJson(loadCaptures('luxos-s19kpro').get('stats')!).value as { STATS: Doc[] }).STATS[1]!;
    const simulated = (replyFor(state('luxos', 'Antminer S19k Pro'), 'stats', 1_761_061_371_000) as { STATS: Doc[] }).STATS[1]!;
    // pyasic@0.79.0:pyasic/miners/backends/luxminer.py:280-306 (chain_rateN, chain_acnN, temp_chipN, temp_pcbN), :372-374, :393
    const read = ['GHS 5s', 'GHS av', 'Elapsed', 'fan_num', 'total_rateideal', 'rate_unit', ...[1, 2, 3, 4].flatMap((n) => [`chain_rate${n}`, `chain_acn${n}`, `chain_acs${n}`, `chain_hw${n}`, `temp_pcb${n}`, `temp_chip${n}`])];
    for (const key of read) {
      expect(captured, `capture has ${key}`).toHaveProperty([key]);
      expect(kind(simulated[key]), key).toBe(kind(captured[key]));
    }
    // the capture's shapes: "47-34-34-47" (four sensors, exhaust-intake-intake-exhaust), chain 4 "0" / 0 / "" / "0-0-0-0"
    expect(String(simulated.temp_chip1)).toMatch(/^(\d+)-(\d+)-\2-\1$/);
    expect([simulated.chain_rate4, simulated.chain_acn4, simulated.chain_acs4, simulated.temp_pcb4]).toEqual([captured.chain_rate4, captured.chain_acn4, captured.chain_acs4, captured.temp_pcb4]);
    expect(typeClashes(simulated, captured)).toEqual({});
  });
});

describe('the simulated AvalonMiner 15-194 MM ID0 string', () => {
  it('carries every field the proxy reads, in the capture\'s forms', () => {
    const captured = parseMinerJson(loadCaptures('avalon-1566-cgminer').get('estats')!).value as { STATS: Array<Record<string, string>> };
    const simulated = replyFor(state('cgminer', 'AvalonMiner 15-194'), 'estats', 1_761_061_371_000) as { STATS: Array<Record<string, string>> };
    const real = parseMMString(captured.STATS[0]!['MM ID0']!);
    const sim = parseMMString(simulated.STATS[0]!['MM ID0']!);
    for (const key of ['SYSTEMSTATU', 'Fan1', 'Fan2', 'WALLPOWER', 'GHSmm', 'MGHS', 'MTmax', 'ECHU', 'ECMM']) {
      expect(sim.has(key), key).toBe(true);
      // the same form: a list of as many numbers, or one value
      expect(sim.get(key)!.split(/\s+/).length, key).toBe(real.get(key)!.split(/\s+/).length);
    }
    expect(sim.get('SYSTEMSTATU')).toBe(real.get('SYSTEMSTATU'));
  });
});

describe.each(CASES)('simulated $flavour $model answers as the $capture capture', ({ flavour, model, capture, commands, extra, unread = [] }) => {
  const real = loadCaptures(capture);
  it.each(commands)('%s', (command) => {
    const captured = parseMinerJson(real.get(command)!).value as Doc;
    const simulated = replyFor(state(flavour, model), command, 1_761_061_371_000);
    const [simStatus, realStatus] = [statusOf(simulated), statusOf(captured)];
    expect({ form: simStatus.form, STATUS: simStatus.STATUS }).toEqual({ form: realStatus.form, STATUS: realStatus.STATUS });
    // asic-rs's devdetails line (src/factory.rs:886) keeps only STATUS and Msg
    if (realStatus.Code !== undefined) expect(simStatus.Code).toBe(realStatus.Code);
    // btminer's own replies: Msg is an object of the same fields
    if (realStatus.form === 'bare') {
      if (typeof captured.Msg === 'object') expect(Object.keys(simulated.Msg as Doc).sort()).toEqual(Object.keys(captured.Msg as Doc).sort());
      else expect(simulated.Msg).toEqual(captured.Msg);
      return;
    }
    const sections = Object.keys(captured).filter((k) => k !== 'STATUS' && k !== 'id');
    expect(Object.keys(simulated).filter((k) => k !== 'STATUS' && k !== 'id')).toEqual(sections);
    for (const section of sections) {
      const simRows = simulated[section] as Doc[];
      const realRows = captured[section] as Doc[];
      // stats: the version object first, then the counters
      for (let i = 0; i < Math.min(simRows.length, realRows.length); i++) {
        expect(typeClashes(simRows[i]!, realRows[i]!), `${section}[${i}] field types`).toEqual({});
      }
      // the same number of fan slots and temperature rows (an S9's four fan slots, two empty)
      if (section === 'FANS' || section === 'TEMPS') expect(simRows.length).toBe(realRows.length);
      // a stock S9's stats carry the same fan, chain and temperature keys (fan1..8, chains 6..8)
      if (section === 'STATS' && /S9/.test(model)) {
        const turning = (row: Doc) => Object.keys(row).filter((k) => /^(fan\d+|chain_rate\d+|chain_acn\d+)$/.test(k) && row[k] !== 0 && row[k] !== '').sort();
        expect(turning(simRows[1]!)).toEqual(turning(realRows[1]!)); // fan5 fan6, chains 6 7 8
        for (const key of ['fan_num', 'temp6', 'temp7', 'temp8', 'temp2_6', 'temp2_7', 'temp2_8']) expect(simRows[1]).toHaveProperty([key]);
        expect(simRows[1]).not.toHaveProperty(['temp_pcb6']);
      }
      for (const field of [...(unread.includes(section) ? [] : (READ[section] ?? [])), ...(extra?.[section] ?? [])]) {
        expect(realRows[0], `capture ${section} has ${field}`).toHaveProperty([field]);
        expect(simRows[0], `simulator ${section} has ${field}`).toHaveProperty([field]);
      }
    }
  });
});

describe('the simulated LuxOS miner\'s faults reach the proxy\'s reading', () => {
  it('hot, fan0, hashdrop and fanMissing', async () => {
    const { toSnapshot } = await import('../src/sources/cgminer/model.js');
    const read = (...faults: string[]) => {
      const s = { ...state('luxos', 'Antminer S19k Pro'), faults: new Set(faults) } as SimMinerState;
      const docs = Object.fromEntries(['summary', 'pools', 'stats', 'power', 'fans'].map((c) => [c, replyFor(s, c, 1_761_061_371_000)]));
      return toSnapshot('luxos', docs);
    };
    const normal = read();
    expect(normal.boards).toHaveLength(3); // the empty fourth chain is no board
    expect(normal.measuredWatts).toBe(3000);
    // hot: board 0's exhaust sensors +32 °C (72 -> 104)
    expect(read('hot').boards[0]!.chipTemp).toBe(normal.boards[0]!.chipTemp! + 32);
    expect(read('fan0').fans[0]).toBe(0);
    const dropped = read('hashdrop');
    expect(dropped.boards.map((b) => b.status)).toEqual(['Alive', 'Alive', 'Dead']); // a dead board keeps its sensors: still a board
    expect(read('fanMissing').fans).toHaveLength(3);
  });
});

describe('the simulated Whatsminer API v3 answers as the asic-rs v3 captures', () => {
  const real = loadCaptures('whatsminer-v3-m60s');
  const sim = { ...state('whatsminer-v3', 'M60S_VK40'), fanCount: 2 } as SimMinerState;
  const sameShape = (simulated: unknown, captured: unknown, where: string): void => {
    expect(kind(simulated), where).toBe(kind(captured));
    if (kind(captured) === 'object') {
      const [s, c] = [simulated as Doc, captured as Doc];
      // every field of the capture is there (chipdataN/pcbsnN serials aside), of the same JSON type, down the tree
      for (const key of Object.keys(c).filter((k) => !/^(chipdata|pcbsn)\d$/.test(k))) {
        expect(s, `${where}.${key}`).toHaveProperty([key]);
        sameShape(s[key], c[key], `${where}.${key}`);
      }
    } else if (kind(captured) === 'array' && (captured as unknown[]).length > 0 && kind((captured as unknown[])[0]) === 'object') {
      sameShape((simulated as unknown[])[0], (captured as unknown[])[0], `${where}[0]`);
    }
  };
  it.each([
    ['get.device.info', null, 'get_device_info'],
    ['get.miner.status', 'summary', 'get_miner_status_summary'],
    ['get.miner.status', 'pools', 'get_miner_status_pools'],
    ['get.miner.status', 'edevs', 'get_miner_status_edevs'],
  ])('%s %s', async (cmd, param, file) => {
    const { replyV3 } = await import('../src/simulators/cgminer/btminerV3.js');
    sameShape(replyV3(sim, cmd, param, 1_773_869_570_000), JSON.parse(real.get(file)!), file);
  });
  it('errorCode carries the error-code list in the capture\'s form', async () => {
    const { replyV3 } = await import('../src/simulators/cgminer/btminerV3.js');
    const faulty = { ...sim, faults: new Set(['errorCode']) } as SimMinerState;
    sameShape(replyV3(faulty, 'get.device.info', null, 0), JSON.parse(real.get('get_device_info_with_errors')!), 'with errors');
  });
});

describe('the simulated Whatsminer API v3 miner\'s faults reach the proxy\'s reading', () => {
  it('hot, fan0, hashdrop, sleep, errorCode, hijack, poolSwitch, chipsMissing', async () => {
    const { replyV3 } = await import('../src/simulators/cgminer/btminerV3.js');
    const { v3Snapshot } = await import('../src/sources/cgminer/btminerV3.js');
    const read = (...faults: string[]) => {
      const s = { ...state('whatsminer-v3', 'M60S_VK40'), faults: new Set(faults) } as SimMinerState;
      const at = (cmd: string, param: string | null) => replyV3(s, cmd, param, 1_773_869_570_000);
      return v3Snapshot({ device: at('get.device.info', null), summary: at('get.miner.status', 'summary'), pools: at('get.miner.status', 'pools'), edevs: at('get.miner.status', 'edevs') });
    };
    const normal = read();
    expect([normal.state, normal.errors, normal.fans.length, normal.boards.length, normal.measuredWatts]).toEqual(['mining', [], 2, 3, 3000]);
    expect(read('hot').boards[0]!.chipTemp).toBe(normal.boards[0]!.chipTemp! + 32);
    expect(read('fan0').fans[0]).toBe(0);
    expect(read('hashdrop').boards.map((b) => b.status)).toEqual(['Alive', 'Alive', 'Dead']);
    expect(read('sleep')).toMatchObject({ state: 'sleeping', hashrate: 0 });
    expect(read('errorCode').errors).toEqual(['264']);
    expect(read('hijack').pools.find((p) => p.active)).toMatchObject({ url: 'stratum+tcp://attacker.pool.example:3333', user: 'attacker.rig1' });
    expect(read('poolSwitch').pools.map((p) => [p.status, p.active])).toEqual([['Dead', false], ['Alive', true]]);
    expect(read('chipsMissing').boards[0]!.chips).toBe(normal.boards[0]!.chips! - 10);
  });
});

describe('the simulated AxeOS miner answers as the asic-rs capture', () => {
  it('every field of GET /api/system/info, of the same JSON type', async () => {
    const { axeosInfo } = await import('../src/simulators/cgminer/axeos.js');
    const { readFileSync } = await import('node:fs');
    const { CAPTURES } = await import('./cgminerReplay.js');
    const captured = JSON.parse(readFileSync(`${CAPTURES}axeos-bitaxe-supra/system_info.json`, 'utf8')) as Doc;
    const simulated = axeosInfo({ ...state('axeos', 'BM1368'), terahash: 0.7, watts: 15 } as SimMinerState, 1_773_869_570_000);
    for (const key of Object.keys(captured)) expect(simulated, key).toHaveProperty([key]);
    expect(typeClashes(simulated, captured)).toEqual({});
  });

  it('faults reach the proxy\'s reading: hot, fan0, hashdrop, sleep, errorCode, hijack, poolSwitch', async () => {
    const { axeosInfo } = await import('../src/simulators/cgminer/axeos.js');
    const { axeosSnapshot } = await import('../src/sources/cgminer/axeos.js');
    const read = (...faults: string[]) => axeosSnapshot(axeosInfo({ ...state('axeos', 'BM1368'), terahash: 0.7, watts: 15, faults: new Set(faults) } as SimMinerState, 0));
    const normal = read();
    expect([normal.hashrate, normal.measuredWatts, normal.nominalHashrate, normal.state, normal.errors]).toEqual([700e9 * (1 + 0.01 * Math.sin(1)), 15, 700e9, 'mining', []].map((v) => (typeof v === 'number' ? expect.closeTo(v, -7) : v)));
    expect(read('hot').boards[0]!.chipTemp).toBe(normal.boards[0]!.chipTemp! + 32);
    expect(read('fan0').fans).toEqual([0]);
    expect(read('hashdrop').hashrate! / normal.hashrate!).toBeCloseTo(0.3, 2);
    expect(read('sleep')).toMatchObject({ state: 'sleeping', hashrate: 0 });
    expect(read('errorCode').errors).toEqual(['Power Fault Detected.']);
    expect(read('hijack').pools.find((p) => p.active)).toMatchObject({ url: 'stratum+tcp://attacker.pool.example:3333', user: 'attacker.rig1' });
    expect(read('poolSwitch').pools.find((p) => p.active)?.url).toBe('stratum+tcp://btc.pool-b.example:443');
  });
});

describe('the simulated ePIC miner answers as the asic-rs captures', () => {
  // the capture's fields, down the tree, of the same JSON type (lists compared by their first entry)
  const sameShape = (simulated: unknown, captured: unknown, where: string): void => {
    if (captured === null) return; // a null field ("Last Error", unused fan slots) may hold a value
    expect(kind(simulated), where).toBe(kind(captured));
    if (kind(captured) === 'object') {
      for (const key of Object.keys(captured as Doc)) {
        expect(simulated as Doc, `${where}.${key}`).toHaveProperty([key]);
        sameShape((simulated as Doc)[key], (captured as Doc)[key], `${where}.${key}`);
      }
    } else if (kind(captured) === 'array' && (captured as unknown[]).length > 0) {
      sameShape((simulated as unknown[])[0], (captured as unknown[])[0], `${where}[0]`);
    }
  };
  const read = async (file: string) => {
    const { readFileSync } = await import('node:fs');
    const { CAPTURES } = await import('./cgminerReplay.js');
    return JSON.parse(readFileSync(`${CAPTURES}epic-s19xp/${file}`, 'utf8')) as Doc;
  };
  const sim = { ...state('epic', 'AntMiner S19 XP'), terahash: 141, watts: 3010 } as SimMinerState;

  it('/summary carries every field of the capture', async () => {
    const { epicSummary } = await import('../src/simulators/cgminer/epic.js');
    sameShape(epicSummary(sim, 1_755_134_759_000), await read('summary.json'), 'summary');
  });

  it('/capabilities carries the fields read and those around them', async () => {
    const { epicCapabilities } = await import('../src/simulators/cgminer/epic.js');
    const captured = await read('capabilities.json');
    const simulated = epicCapabilities(sim);
    for (const key of Object.keys(simulated)) sameShape(simulated[key], captured[key], `capabilities.${key}`);
    expect(Object.keys(simulated)).toContain('Model');
  });

  it('faults reach the proxy\'s reading: hot, fan0, hashdrop, sleep, errorCode, hijack', async () => {
    const { epicSummary } = await import('../src/simulators/cgminer/epic.js');
    const { epicSnapshot } = await import('../src/sources/cgminer/epic.js');
    const snap = (...faults: string[]) => epicSnapshot(epicSummary({ ...sim, faults: new Set(faults) } as SimMinerState, 0));
    const normal = snap();
    expect([normal.boards.length, normal.fans.length, normal.measuredWatts, normal.state]).toEqual([3, 4, 3010, 'mining']);
    // at 100 % of ideal the nominal is the rate
    expect(normal.nominalHashrate).toBeCloseTo(normal.hashrate!, -6);
    expect(snap('hot').boards[0]!.boardTemp).toBe(normal.boards[0]!.boardTemp! + 32);
    expect(snap('fan0').fans[0]).toBe(0);
    expect(snap('hashdrop').boards.map((b) => b.status)).toEqual(['Alive', 'Alive', 'Dead']);
    expect(snap('sleep')).toMatchObject({ state: 'sleeping', hashrate: 0 });
    expect(snap('errorCode').errors).toEqual(['Board 0 failed to respond']);
    expect(snap('hijack').pools[0]).toMatchObject({ url: 'stratum+tcp://attacker.pool.example:3333', user: 'attacker.rig1', active: true });
  });
});
