import { describe, expect, it } from 'vitest';
import type { ReplyDocument } from './client.js';
import { assertReadOnly, PrivilegedCommandError, READ_COMMANDS_BY_FAMILY } from './commands.js';
import { expectedFans, fittedFans, identify, maxTemperature, parsePools, POLL_PLAN, rateOf, rejectPercent, temperature, toSnapshot } from './model.js';

// Cut from captured replies: Antminer S9 SE `stats` and Whatsminer `summary` from
// check_cgminer's test/ReplyExamples.hs; Braiins OS `version`/`fans` from BOSMiner-py's README
// and `temps`/`tunerstatus` from the Braiins OS API documentation.
const S9SE_STATS: ReplyDocument = {
  STATUS: [{ STATUS: 'S', When: 1566688097, Code: 70, Msg: 'CGMiner stats', Description: 'cgminer 4.9.0' }],
  STATS: [
    { BMMiner: '4.9.0', Miner: '13.10.1.3', CompileTime: 'Thu Jul 11 11:11:08 CST 2019', Type: 'Antminer S9 SE' },
    {
      STATS: 0, ID: 'BTM_SOC0', Elapsed: 356805, 'GHS 5s': '15656.60', 'GHS av': 16172.4, miner_count: 3,
      fan_num: 2, fan1: 1920, fan2: 1920, fan3: 0, fan4: 0,
      temp1: 60, temp2: 61, temp3: 62, temp4: 0, temp2_1: 79, temp2_2: 79, temp2_3: 79, temp2_4: 0,
      temp_pcb1: '60-44', temp_pcb2: '61-45', temp_pcb3: '62-44', temp_pcb4: '-',
      temp_chip1: '79-65', temp_chip2: '79-66', temp_chip3: '79-65', temp_chip4: '-',
      chain_acn1: 60, chain_acn2: 60, chain_acn3: 60, chain_acn4: 0,
      chain_hw1: 3141, chain_hw2: 1604, chain_hw3: 2554, chain_hw4: 0,
      chain_rate1: '5123.58', chain_rate2: '5057.61', chain_rate3: '5475.41', chain_rate4: '',
    },
  ],
  id: 1,
};

const WHATSMINER_SUMMARY: ReplyDocument = {
  STATUS: [{ STATUS: 'S', When: 1093410, Code: 11, Msg: 'Summary', Description: 'cgminer 4.9.2' }],
  SUMMARY: [
    {
      Elapsed: 1092753, 'MHS av': 33964601.57, 'MHS 5s': 35523530.1, Accepted: 374583, Rejected: 1269, 'Hardware Errors': 1046,
      Stale: 0, Temperature: 75.0, 'Fan Speed In': 6360, 'Fan Speed Out': 6390, Voltage: 1170, Uptime: 1093411,
    },
  ],
  id: 1,
};

describe('identify', () => {
  it('bmminer from VERSION with BMMiner and Type', () => {
    const version = { VERSION: [{ BMMiner: '4.9.0', API: '3.1', Miner: '13.10.1.3', Type: 'Antminer S9 SE' }] };
    expect(identify(version)).toEqual({ flavour: 'bmminer', model: 'Antminer S9 SE', firmware: '13.10.1.3' });
  });

  it('Braiins OS from BOSer (BOSMiner-py capture) with the model from devdetails', () => {
    const version = {
      STATUS: [{ STATUS: 'S', When: 1684938931, Code: 22, Msg: 'BOSer versions', Description: 'BOSer boser-buildroot 0.1.0-0ce150e9' }],
      VERSION: [{ API: '3.7', BOSer: 'boser-buildroot 0.1.0-0ce150e9' }],
    };
    const details = { DEVDETAILS: [{ DEVDETAILS: 0, Model: 'Antminer S19j Pro' }] };
    expect(identify(version, details)).toEqual({ flavour: 'braiins', model: 'Antminer S19j Pro', firmware: 'boser-buildroot 0.1.0-0ce150e9' });
  });

  it('Whatsminer from BTMiner; plain cgminer otherwise', () => {
    expect(identify({ VERSION: [{ BTMiner: '2.0.5', API: '3.1' }] }, { DEVDETAILS: [{ Model: 'M30S+' }] }).flavour).toBe('whatsminer');
    expect(identify({ VERSION: [{ CGMiner: '4.11.1', API: '3.7' }] })).toEqual({ flavour: 'cgminer', model: null, firmware: '4.11.1' });
  });
});

describe('toSnapshot', () => {
  it('bmminer S9 SE stats: chains in GH/s, dashed temps, fans up to fan_num', () => {
    const snap = toSnapshot('bmminer', { stats: S9SE_STATS });
    expect(snap.hashrate).toBeCloseTo(15656.6e9, 0); // "GHS 5s" string, GH/s -> H/s
    expect(snap.hashrateAvg).toBeCloseTo(16172.4e9, 0);
    expect(snap.boards).toHaveLength(3); // chain 4 is empty
    expect(snap.boards[0]).toMatchObject({ index: 0, boardTemp: 60, chipTemp: 79, chips: 60, hardwareErrors: 3141 });
    expect(snap.boards[2]!.hashrate).toBeCloseTo(5475.41e9, 0);
    expect(snap.fans).toEqual([1920, 1920]);
    expect(snap.uptime).toBe(356805);
    expect(maxTemperature(snap)).toBe(79);
  });

  it('Whatsminer summary: MHS rates, in/out fans, counters, uptime', () => {
    const snap = toSnapshot('whatsminer', { summary: WHATSMINER_SUMMARY });
    expect(snap.hashrate).toBeCloseTo(35523530.1e6, 0);
    expect(snap.fans).toEqual([6360, 6390]);
    expect(snap).toMatchObject({ accepted: 374583, rejected: 1269, hardwareErrors: 1046, uptime: 1092753, measuredWatts: null });
    expect(rejectPercent(snap.accepted, snap.rejected, snap.stale)).toBeCloseTo((1269 / (374583 + 1269)) * 100, 10);
  });

  it('Braiins: temps per chain, fans, measured power from tunerstatus', () => {
    const snap = toSnapshot('braiins', {
      summary: { SUMMARY: [{ 'MHS 5s': 14_000_000, 'MHS av': 13_900_000, Accepted: 10, Rejected: 1 }] },
      devs: { DEVS: [{ ID: 6, 'MHS 5s': 4_600_000 }, { ID: 7, 'MHS 5s': 4_700_000 }, { ID: 8, 'MHS 5s': 4_700_000 }] },
      temps: { TEMPS: [{ TEMP: 0, ID: 6, Board: 85.5, Chip: 107.0 }, { TEMP: 1, ID: 7, Board: 85.875, Chip: 108.9375 }, { TEMP: 2, ID: 8, Board: 84.4375, Chip: 105.4375 }] },
      fans: { FANS: [{ FAN: 0, ID: 0, RPM: 3226, Speed: 32 }, { FAN: 1, ID: 1, RPM: 3315, Speed: 32 }] },
      tunerstatus: { TUNERSTATUS: [{ ApproximateChainPowerConsumption: 1344, ApproximateMinerPowerConsumption: 1419, PowerLimit: 1420 }] },
    });
    expect(snap.hashrate).toBe(14e12);
    expect(snap.boards.map((b) => b.chipTemp)).toEqual([107, 108.9375, 105.4375]);
    expect(snap.fans).toEqual([3226, 3315]);
    expect(snap.measuredWatts).toBe(1419);
  });

  it('missing documents give an empty but valid snapshot', () => {
    const snap = toSnapshot('cgminer', {});
    expect(snap).toMatchObject({ hashrate: null, boards: [], fans: [], accepted: 0, pools: [] });
  });
});

describe('rates and pools', () => {
  it.each([
    [{ 'THS 5s': 1.5 }, 1.5e12],
    [{ 'GHS 5s': '100.5' }, 100.5e9],
    [{ 'MHS 5s': 2 }, 2e6],
    [{ 'KHS 5s': 3 }, 3e3],
    [{ 'MHS 5s': null }, null],
  ])('%o -> %s H/s', (row, expected) => {
    expect(rateOf(row as Record<string, unknown>, '5s')).toBe(expected);
  });

  it('the active pool is the one with Stratum Active, else the alive one of best priority', () => {
    const withFlag = parsePools({ POOLS: [{ POOL: 0, URL: 'a', Status: 'Alive', Priority: 0, 'Stratum Active': false }, { POOL: 1, URL: 'b', Status: 'Alive', Priority: 1, 'Stratum Active': true }] });
    expect(withFlag.find((p) => p.active)?.url).toBe('b');
    const noFlag = parsePools({ POOLS: [{ POOL: 0, URL: 'a', Status: 'Dead', Priority: 0 }, { POOL: 1, URL: 'b', Status: 'Alive', Priority: 1 }] });
    expect(noFlag.find((p) => p.active)?.url).toBe('b');
  });

  it('bmminer "Last Share Time" as "0:00:12" is not read as a time', () => {
    expect(parsePools({ POOLS: [{ URL: 'a', 'Last Share Time': '0:00:12' }] })[0]!.lastShareTime).toBeNull();
  });
});

describe('Whatsminer identification', () => {
  // btminer's answer to `version`, as test/fixtures/miners/README.md records it
  const refusal = 'whatsminer v1.1';
  // asic-rs@fdcd101:src/factory.rs:886 (first DEVDETAILS row)
  const details = { STATUS: [{ STATUS: 'S', Msg: 'Device Details' }], DEVDETAILS: [{ DEVDETAILS: 0, Name: 'SM', ID: 0, Driver: 'bitmicro', Kernel: '', Model: 'M30S+_VE40' }] };

  it('from the refused version\'s Description', () => {
    expect(identify(undefined, undefined, refusal)).toEqual({ flavour: 'whatsminer', model: null, firmware: null });
  });

  it('from devdetails Driver bitmicro alone (pyasic@0.79.0:pyasic/miners/factory.py:1072-1073)', () => {
    expect(identify(undefined, details)).toEqual({ flavour: 'whatsminer', model: 'M30S+_VE40', firmware: null });
  });
});

describe('fitted fans', () => {
  it.each([
    // foreman-apps BOSminer 0.2.0 S9 fans: RPM 1560, 1560, 0, 0; the model unknown, nothing seen before
    [[1560, 1560, 0, 0], null, 0, [1560, 1560]],
    // the same S9 after fan 1 stopped: slot 1 was seen turning, so it is a stopped fan, not an empty slot
    [[1560, 0, 0, 0], null, 2, [1560, 0]],
    // an S9 (2 fans, pyasic X9/S9.py:26) whose fans both stopped before the proxy ever saw them
    [[0, 0, 0, 0], 2, 0, [0, 0]],
    // an S19 (4 fans, pyasic X19/S19.py:25) with one stopped
    [[5400, 5460, 0, 5580], 4, 0, [5400, 5460, 0, 5580]],
  ])('slots %j, model fans %s, seen %i -> %j', (slots, expected, seen, fans) => {
    expect(fittedFans(slots, expected, seen)).toEqual(fans);
  });

  it.each([
    ['Antminer S9', 2],
    ['Antminer S9j', 2],
    ['Antminer T9+', 2],
    ['Antminer S19j Pro', 4],
    ['Antminer S17 Pro', 4],
    ['Antminer S19 XP Hyd', null],
    ['M30S+_VE40', null],
    [null, null],
  ])('%s has %s fans', (model, fans) => {
    expect(expectedFans(model)).toBe(fans);
  });

  it('a Braiins snapshot without what the poller knows keeps the turning fans, and every slot in fanSlots', () => {
    const snap = toSnapshot('braiins', { fans: { FANS: [{ FAN: 0, RPM: 2820 }, { FAN: 1, RPM: 3780 }, { FAN: 2, RPM: 0 }, { FAN: 3, RPM: 0 }] } });
    expect(snap.fans).toEqual([2820, 3780]);
    expect(snap.fanSlots).toEqual([2820, 3780, 0, 0]);
  });
});

describe('placeholders are not temperatures', () => {
  it.each([
    [-83, null], // stock S9 temp2_7, foreman-apps capture
    [0, null], // empty slot
    ['0.0', null],
    [62, 62],
    [85.34, 85.34],
    [255, null],
  ])('%j -> %j', (value, expected) => {
    expect(temperature(value)).toBe(expected);
  });

  it('an empty pool slot (URL "", Dead) and a "*" fee pool are left out; the active pool is the best-priority active one', () => {
    const pools = parsePools({
      POOLS: [
        { POOL: 3, URL: '*', User: '*', Status: 'Alive', Priority: 998, 'Stratum Active': true },
        { POOL: 0, URL: 'stratum+tcp://a:3333', Status: 'Alive', Priority: 0, 'Stratum Active': true },
        { POOL: 2, URL: '', Status: 'Dead', Priority: 2, 'Stratum Active': false },
      ],
    });
    expect(pools.map((p) => [p.index, p.active])).toEqual([[0, true]]);
  });
});

describe('LuxOS', () => {
  // 256foundation/asic-rs@fdcd101:asic-rs-firmwares/luxminer/src/test/json/v1/version.json
  const LUXOS_VERSION: ReplyDocument = {
    STATUS: [{ Code: 22, Description: 'LUXminer 2025.4.8.220305-57b389c7', Msg: 'LUXminer versions', STATUS: 'S', When: 1760242394 }],
    VERSION: [{ API: '3.7', CompileTime: 'Tue Apr  8 22:05:35 UTC 2025', LUXminer: '2025.4.8.220305-57b389c7', Miner: '2025.4.8.220305', Type: 'Antminer S19k Pro' }],
  };

  it('is LuxOS, not bmminer, although its Type says Antminer', () => {
    expect(identify(LUXOS_VERSION)).toEqual({ flavour: 'luxos', model: 'Antminer S19k Pro', firmware: '2025.4.8.220305' });
    // pyasic cuts a " (" suffix off the Type (pyasic@0.79.0:pyasic/miners/factory.py:1510-1520)
    const suffixed = { ...LUXOS_VERSION, VERSION: [{ LUXminer: '2025.4.8', Miner: '2025.4.8', Type: 'Antminer S21 (LuxOS)' }] };
    expect(identify(suffixed).model).toBe('Antminer S21');
    // a refused `version` whose Description names LUXminer still says LuxOS (pyasic looks for "LUXMINER" anywhere: factory.py:1074-1075)
    expect(identify(undefined, undefined, 'LUXminer 2025.4.8.220305-57b389c7').flavour).toBe('luxos');
    // stock bmminer stays bmminer (asic-rs v2020/version.json)
    expect(identify({ VERSION: [{ BMMiner: '1.0.0', Miner: '49.0.1.3', Type: 'Antminer S19 Pro' }] }).flavour).toBe('bmminer');
  });

  it('a dead board with live sensors is a board; an empty slot (no rate, chips or sensors) is not', () => {
    const row = (chain4: Record<string, unknown>) => ({
      STATS: [
        { Type: 'Antminer S19k Pro' },
        { 'GHS 5s': 100, fan_num: 4, chain_rate1: '100.0', chain_acn1: 77, temp_pcb1: '47-34-34-47', temp_chip1: '47-34-34-47', ...chain4 },
      ],
    });
    const empty = toSnapshot('luxos', { stats: row({ chain_rate4: '0', chain_acn4: 0, chain_acs4: '', temp_pcb4: '0-0-0-0', temp_chip4: '0-0-0-0' }) });
    expect(empty.boards).toHaveLength(1);
    const dead = toSnapshot('luxos', { stats: row({ chain_rate4: '0', chain_acn4: 0, chain_acs4: '', temp_pcb4: '40-30-30-40', temp_chip4: '40-30-30-40' }) });
    expect(dead.boards.map((b) => [b.index, b.hashrate, b.status])).toEqual([[0, 100e9, 'Alive'], [3, 0, 'Dead']]);
    // without `fans`, stats fanN up to fan_num (bmminer's reading)
    expect(toSnapshot('luxos', { stats: { STATS: [{}, { fan_num: 2, fan1: 3000, fan2: 3100 }] } }).fans).toEqual([3000, 3100]);
  });

  it('polls only commands on its own allow-list; its writes are refused before a socket opens', () => {
    for (const flavour of ['cgminer', 'bmminer', 'braiins', 'whatsminer', 'luxos'] as const) {
      const own: readonly string[] = [...READ_COMMANDS_BY_FAMILY.cgminer, ...(flavour === 'bmminer' ? [] : READ_COMMANDS_BY_FAMILY[flavour])];
      for (const command of [...POLL_PLAN[flavour].joined, ...(POLL_PLAN[flavour].alone ?? [])]) expect(own, `${flavour} ${command}`).toContain(command);
    }
    // LUXMinerRPCAPI's writes (pyasic@0.79.0:pyasic/rpc/luxminer.py:256 curtail, :267 sleep, :278 wakeup,
    // :632 profileset, :544 ledset, :689 resetminer, :664 rebootdevice, :849 updaterun, :834 voltageset)
    for (const write of ['curtail', 'sleep', 'wakeup', 'profileset', 'ledset', 'resetminer', 'rebootdevice', 'updaterun', 'voltageset', 'atmset', 'fanset', 'logon']) {
      expect(() => assertReadOnly([write]), write).toThrow(PrivilegedCommandError);
    }
  });
});
