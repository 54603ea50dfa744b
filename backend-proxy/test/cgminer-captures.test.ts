// The cgminer source against replies captured from real miners (test/fixtures/miners, provenance
// and licence in its README), replayed byte for byte by a TCP stand-in: identification, one
// poll through the real client, repair pass and model, and what the fleet's health makes of it.
// Every expected value is read off the capture by hand; the derivation is written beside it.
import { afterEach, describe, expect, it } from 'vitest';
import { sendCommands } from '../src/sources/cgminer/client.js';
import { chipShortfall, DEFAULT_FLEET_LIMITS, fansMissing, fleetConditions, minerNominal, snapshotPoolMismatch } from '../src/sources/cgminer/conditions.js';
import { avalonMM, maxTemperature, activePool } from '../src/sources/cgminer/model.js';
import { cgminerConfigSchema } from '../src/sources/cgminer/config.js';
import { createCgminerSource } from '../src/sources/cgminer/index.js';
import type { MinerRecord } from '../src/sources/cgminer/poller.js';
import { startReplayMiner, startReplayV3, testPoller, type ReplayMiner } from './cgminerReplay.js';
import { assertV3Read, sendV3, speaksV3 } from '../src/sources/cgminer/btminerV3.js';
import { PrivilegedCommandError } from '../src/sources/cgminer/commands.js';
import { assertHttpRead, httpRead } from '../src/sources/cgminer/http.js';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { CAPTURES } from './cgminerReplay.js';
import { createTestContext } from './helpers.js';

const running: ReplayMiner[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => m.close()));
});

async function pollCapture(folder: string): Promise<{ record: MinerRecord; replay: ReplayMiner; repairs: string[] }> {
  const replay = await startReplayMiner(folder);
  running.push(replay);
  const repairs: string[] = [];
  const poller = testPoller('captures', { onRepairs: (kinds) => repairs.push(...kinds) });
  const record = poller.add({ host: replay.host, port: replay.port, name: folder });
  await poller.pollOne(record);
  expect(record.lastError, `poll of ${folder}`).toBeNull();
  expect(record.status).toBe('online');
  return { record, replay, repairs };
}

const GH = 1e9;
const MH = 1e6;

describe('Whatsminer btminer (asic-rs v1 captures)', () => {
  it('is identified although `version` is refused, and polled', async () => {
    const { record, replay } = await pollCapture('whatsminer-btminer');
    // version.reply: STATUS E "invalid cmd", Description "whatsminer v1.1"; devdetails.reply:
    // Driver "bitmicro", Model "M30S+_VE40"; get_version.reply: Msg.fw_ver "20210322.22.REL"
    expect(record.identity).toEqual({ flavour: 'whatsminer', model: 'M30S+_VE40', firmware: '20210322.22.REL' });
    // btminer answers one command per connection; devs as pyasic reads it (btminer.py:93-95),
    // status for btmineroff (btminer.py:708-722)
    expect(replay.received.slice(-4)).toEqual(['summary', 'pools', 'devs', 'status']);
    const s = record.snapshot!;
    // summary.reply: "MHS 5s": 70668114.52, "MHS av": 67753251.19
    expect(s.hashrate).toBeCloseTo(70668114.52 * MH, -3);
    expect(s.hashrateAvg).toBeCloseTo(67753251.19 * MH, -3);
    // summary.reply: "Fan Speed In": 6450, "Fan Speed Out": 6480; "Power_RT": 3427 (measured)
    expect(s.fans).toEqual([6450, 6480]);
    expect(s.measuredWatts).toBe(3427);
    expect(record.power).toMatchObject({ watts: 3427, source: 'measured' });
    // summary.reply: Accepted 2338, Rejected 0, Stale 0, "Hardware Errors" 69, Elapsed 10154
    expect([s.accepted, s.rejected, s.stale, s.hardwareErrors, s.uptime]).toEqual([2338, 0, 0, 69, 10154]);
    // devs.reply, per ASC 0/1/2: "MHS 5s" 20053438.74 / 25567317.81 / 24351292.28,
    // Temperature 70.0 / 69.5 / 71.5, "Chip Temp Avg" 83.33 / 83.67 / 85.34,
    // "Effective Chips" 105, "Hardware Errors" 15 / 47 / 7
    expect(s.boards.map((b) => b.index)).toEqual([0, 1, 2]);
    expect(s.boards.map((b) => b.hashrate! / MH)).toEqual([20053438.74, 25567317.81, 24351292.28].map((v) => expect.closeTo(v, 2)));
    expect(s.boards.map((b) => b.boardTemp)).toEqual([70, 69.5, 71.5]);
    expect(s.boards.map((b) => b.chipTemp)).toEqual([83.33, 83.67, 85.34]);
    expect(s.boards.map((b) => b.chips)).toEqual([105, 105, 105]);
    expect(s.boards.map((b) => b.hardwareErrors)).toEqual([15, 47, 7]);
    expect(maxTemperature(s)).toBe(85.34);
    // pools.reply: POOL 1 is "Stratum Active": true, Last Share Time 1761061364; 3 pools
    expect(s.pools.map((p) => p.index)).toEqual([1, 2, 3]);
    expect(activePool(s)).toMatchObject({ index: 1, url: 'stratum+tcp://btc.example.pool:3333', user: 'asic-rs.test', lastShareTime: 1761061364000 });
    // summary.reply "Factory GHS": 68796 -> 6.8796e13 H/s nominal, from the firmware (it wins
    // over the M30S+ table row of 100 TH/s); "Error Code Count": 0; status.reply "btmineroff": "false"
    expect(s.nominalHashrate).toBe(68_796e9);
    expect(minerNominal(record)).toBe(68_796e9);
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('mining');
    // devdetails.reply is another unit's (an M30S+_VE40: 156 chips a board in
    // pyasic@0.79.0:pyasic/miners/device/models/whatsminer/M3X/M30S_Plus.py:114-119) beside devs.reply's
    // 105-chip boards: 3 × (156 − 105) = 153 chips short, as the mixed capture says
    expect(chipShortfall(record)).toEqual({ missingChips: 153, detail: ['board 0: 105 of 156 chips', 'board 1: 105 of 156 chips', 'board 2: 105 of 156 chips'] });
    // Fan Speed In/Out: the two fans the model has (M30S_Plus.py:118 expected_fans = 2)
    expect(fansMissing(record)).toBe(0);
  });
});

describe('Antminer S19 Pro stock bmminer (asic-rs v2020 captures)', () => {
  it('reads summary, stats and pools', async () => {
    const { record, replay } = await pollCapture('antminer-s19pro-bmminer');
    // version.reply: BMMiner "1.0.0", Miner "49.0.1.3", Type "Antminer S19 Pro"
    expect(record.identity).toEqual({ flavour: 'bmminer', model: 'Antminer S19 Pro', firmware: '49.0.1.3' });
    expect(replay.received.slice(-3)).toEqual(['summary', 'pools', 'stats']);
    const s = record.snapshot!;
    // summary.reply: "GHS 5s": 110566.89, "GHS av": 111834.85
    expect(s.hashrate).toBeCloseTo(110566.89 * GH, -3);
    expect(s.hashrateAvg).toBeCloseTo(111834.85 * GH, -3);
    // stats.reply: chain_rate1..3 "37603.30" "35536.22" "37427.38" GH/s; chain 4 empty ("" and acn 0)
    expect(s.boards.map((b) => b.hashrate! / GH)).toEqual([37603.3, 35536.22, 37427.38].map((v) => expect.closeTo(v, 4)));
    // temp_pcb1..3 "73-45-64-65" "47-50-65-66" "46-44-64-63" -> 73, 66, 64 (highest reading)
    expect(s.boards.map((b) => b.boardTemp)).toEqual([73, 66, 64]);
    // temp_chip1..3 "78-50-69-70" "52-55-70-71" "51-49-69-68" -> 78, 71, 69
    expect(s.boards.map((b) => b.chipTemp)).toEqual([78, 71, 69]);
    // chain_acn 114 each, chain_hw 183 195 184
    expect(s.boards.map((b) => [b.chips, b.hardwareErrors])).toEqual([[114, 183], [114, 195], [114, 184]]);
    // fan_num 4, fan1..4 6000 5880 5040 5040
    expect(s.fans).toEqual([6000, 5880, 5040, 5040]);
    // summary.reply: Accepted 4057, Rejected 11, Stale 1, "Hardware Errors" 562, Elapsed 50474
    expect([s.accepted, s.rejected, s.stale, s.hardwareErrors, s.uptime]).toEqual([4057, 11, 1, 562, 50474]);
    // pools.reply: POOL 0 "Stratum Active" true; "Last Share Time" "0:00:03" is no Unix time
    expect(s.pools).toHaveLength(3);
    expect(activePool(s)).toMatchObject({ index: 0, url: 'stratum+tcp://btc.global.luxor.tech:700', lastShareTime: null });
    // no measured power on stock firmware: the S19 Pro's spec applies
    expect(record.power.source).toBe('model');
    // stats.reply "total_rateideal": 110000.0, "rate_unit": "GH" -> 1.1e14 H/s nominal;
    // chain_acn1..3 114 = S19 Pro's 114 a board (pyasic@0.79.0:.../antminer/X19/S19.py:39-44)
    expect(s.nominalHashrate).toBe(110_000e9);
    expect(chipShortfall(record)).toEqual({ missingChips: 0, detail: [] });
    expect(s.state ?? null).toBeNull(); // stock bmminer says nothing of its state
  });
});

describe('Antminer S9 stock bmminer 2.0.0 (foreman-apps capture "Antminer S9 (bad temps)")', () => {
  it('repairs `}{`, reads the model line of a Type with a newline, skips the −83 placeholder, finds the fans in fan5/fan6', async () => {
    const { record, repairs } = await pollCapture('antminer-s9-bmminer');
    // version.reply: "Type":"Antminer S9\nV1.3.58", "Miner":"30.0.1.3"
    expect(record.identity).toEqual({ flavour: 'bmminer', model: 'Antminer S9', firmware: '30.0.1.3' });
    // stats.reply: ..."Type":"Antminer S9\nV1.3.58"}{"STATS":0,... (no comma between the objects)
    expect(repairs).toContain('missing-comma');
    const s = record.snapshot!;
    // no summary was captured (the stand-in refuses it): the rate comes from STATS "GHS 5s" "13883.81"
    expect(s.hashrate).toBeCloseTo(13883.81 * GH, -3);
    expect(s.uptime).toBe(293628); // STATS Elapsed
    // chains 6, 7, 8 carry the boards (chain_rate6..8 "4618.85" "4624.55" "4640.41", chain_acn 63)
    expect(s.boards.map((b) => b.index)).toEqual([5, 6, 7]);
    expect(s.boards.map((b) => b.hashrate! / GH)).toEqual([4618.85, 4624.55, 4640.41].map((v) => expect.closeTo(v, 4)));
    // temp6 75, temp7 0 (no reading), temp8 73; temp2_6 62, temp2_7 -83 (dead sensor), temp2_8 62
    expect(s.boards.map((b) => b.boardTemp)).toEqual([75, null, 73]);
    expect(s.boards.map((b) => b.chipTemp)).toEqual([62, null, 62]);
    expect(maxTemperature(s)).toBe(75);
    // fan_num 2; fan1..4 0, fan5 3720, fan6 2400: the two fitted fans turn
    expect(s.fans).toEqual([3720, 2400]);
    // pools.reply: POOL 2 has URL "" and Status Dead: an empty slot, not a dead pool
    expect(s.pools.map((p) => p.url)).toEqual(['stratum+tcp://ss.antpool.com:3333', 'stratum+tcp://ss.antpool.com:443']);
    expect(activePool(s)?.index).toBe(0);
    const found = fleetConditions([record], DEFAULT_FLEET_LIMITS, 1_800_000_000_000);
    expect(found).toEqual({ temperature: [], fans: [], shares: [], hashboards: [], pools: [], hashrate: [], chips: [], fanCount: [], state: [], poolExpected: [] });
    // "total_rateideal":13862.52 (GH, no rate_unit); chain_acn6..8 63 = the S9's 63 (X9/S9.py:21-26); fan_num 2 of 2
    expect(s.nominalHashrate).toBeCloseTo(13_862.52e9, -3);
    expect(chipShortfall(record)).toEqual({ missingChips: 0, detail: [] });
    expect(fansMissing(record)).toBe(0);
  });

  it('a hidden `*` fee pool (bmminer 2.0.0 rwglr) is not one of the miner pools, nor the active one', async () => {
    const replay = await startReplayMiner('antminer-s9pro-bmminer-rwglr');
    running.push(replay);
    const { documents } = await sendCommands(replay, ['pools'], { connectTimeoutMs: 2_000, timeoutMs: 2_000 });
    const { parsePools } = await import('../src/sources/cgminer/model.js');
    const pools = parsePools(documents.pools);
    // pools.reply: POOL 0 antpool :3333 "Stratum Active" true; POOL 1 :443 Alive; POOL 2 :25 Dead;
    // POOL 3 URL "*", User "*", Priority 998, "Stratum Active" true
    expect(pools.map((p) => [p.index, p.url, p.status, p.active])).toEqual([
      [0, 'stratum+tcp://stratum.antpool.com:3333', 'Alive', true],
      [1, 'stratum+tcp://stratum.antpool.com:443', 'Alive', false],
      [2, 'stratum+tcp://stratum.antpool.com:25', 'Dead', false],
    ]);
  });
});

describe('Braiins OS S9 (foreman-apps captures)', () => {
  it.each([
    // fans.reply: RPM 1560, 1560, 0, 0; temps.reply Board 53/46/52, Chip 0.0; summary "MHS 5s" 14274425.317759488
    ['braiins-s9-bosminer', '0.2.0-d360818', [1560, 1560], [53, 46, 52], 14274425.317759488, [68, 2]],
    // fans.reply: RPM 2820, 3780, 0, 0; temps.reply Board 75/63/70, Chip 0.0; summary "MHS 5s" 15740915.842676325
    ['braiins-s9-bosminer-plus', '0.2.0-36c56a9363', [2820, 3780], [75, 63, 70], 15740915.842676325, [153, 0]],
  ])('%s: two fitted fans of four slots, no false stopped fan', async (folder, firmware, fans, boardTemps, mhs5s, [accepted, rejected]) => {
    const { record, replay } = await pollCapture(folder);
    // version.reply: VERSION BOSminer / BOSminer+ "<firmware>"; no devdetails captured: model unknown
    expect(record.identity).toEqual({ flavour: 'braiins', model: null, firmware });
    // tunerstatus was not captured: the stand-in refuses that member only, the rest is read
    expect(replay.received).toContain('tunerstatus');
    const s = record.snapshot!;
    expect(s.fanSlots).toHaveLength(4);
    expect(s.fans).toEqual(fans);
    expect(s.hashrate).toBeCloseTo(mhs5s * MH, -3);
    expect(s.boards.map((b) => b.boardTemp)).toEqual(boardTemps);
    // temps.reply Chip 0.0 and devs.reply Temperature 0.0 are placeholders
    expect(s.boards.map((b) => b.chipTemp)).toEqual([null, null, null]);
    expect([s.accepted, s.rejected]).toEqual([accepted, rejected]);
    expect(s.measuredWatts).toBeNull();
    const found = fleetConditions([record], DEFAULT_FLEET_LIMITS, 1_800_000_000_000);
    expect(found.fans).toEqual([]);
    // devs.reply "Nominal MHS" 4668300.0 on each of 3 boards: 14004900 MH/s = 1.40049e13 H/s
    expect(s.nominalHashrate).toBeCloseTo(14_004_900e6, -3);
  });
});

describe('Avalon Q cgminer 4.11.1 (asic-rs captures)', () => {
  it('reads summary, devs and pools; a 0.0 Temperature and a seconds-since-start share time are not values', async () => {
    const { record } = await pollCapture('avalon-q-cgminer');
    // version.reply: CGMiner "4.11.1", PROD "Avalon Q"; devdetails.reply Model ""
    expect(record.identity).toEqual({ flavour: 'cgminer', model: 'Avalon Q', firmware: '4.11.1' });
    const s = record.snapshot!;
    // summary.reply: "MHS 5s": 0.0 (what the miner said at that moment), "MHS av": 44539601.86
    expect(s.hashrate).toBe(0);
    expect(s.hashrateAvg).toBeCloseTo(44539601.86 * MH, -3);
    // devs.reply: one ASC, Temperature 0.0 -> no reading
    expect(s.boards).toHaveLength(1);
    expect(s.boards[0]).toMatchObject({ index: 0, boardTemp: null, chipTemp: null, status: 'Alive' });
    // pools.reply: "Last Share Time": 31279 (seconds since start, Elapsed is 37714)
    expect(activePool(s)).toMatchObject({ index: 0, url: 'stratum+tcp://pool.example.com:4444', lastShareTime: null });
    expect([s.accepted, s.rejected, s.uptime]).toEqual([890, 2, 37714]);
  });
});

describe('Avalon 15-194 cgminer 4.11.1: estats MM strings (pyasic test capture)', () => {
  it('reads boards, chip temperatures, fans, wall power, nominal and state from MM ID0', async () => {
    const { record, replay } = await pollCapture('avalon-1566-cgminer');
    // UpstreamData/pyasic@e2b9d35:tests/miners_tests/backends_tests/avalonminer_tests/version_24102401_25462b2_9ddf522.py
    // version (:33-59): CGMiner "4.11.1", PROD "AvalonMiner 15-194"
    expect(record.identity).toEqual({ flavour: 'cgminer', model: 'AvalonMiner 15-194', firmware: '4.11.1' });
    expect(replay.received).toContain('estats');
    const s = record.snapshot!;
    // estats (:349-368) MM ID0: MGHS[59459.52 61407.83 63139.66] GH/s, MTmax[77 78 77]
    expect(s.boards.map((b) => b.hashrate! / GH)).toEqual([59459.52, 61407.83, 63139.66].map((v) => expect.closeTo(v, 4)));
    expect(s.boards.map((b) => b.chipTemp)).toEqual([77, 78, 77]);
    // no summary was captured: the rate is the boards' sum, 184007.01 GH/s (pyasic's test: 184 TH/s)
    expect(s.hashrate! / GH).toBeCloseTo(184_007.01, 2);
    // Fan1[4275] Fan2[4282]; WALLPOWER[3731] (pyasic's test: wattage 3731)
    expect(s.fans).toEqual([4275, 4282]);
    expect(record.power).toMatchObject({ watts: 3731, source: 'measured' });
    // GHSmm[201920.42] = the nominal; SYSTEMSTATU[Work: In Work, …] = mining; ECHU[0 0 0] ECMM[0]: no error
    expect(s.nominalHashrate).toBeCloseTo(201_920.42e9, -3);
    expect(s.state).toBe('mining');
    expect(s.errors).toEqual([]);
    // pools (:103-230): POOL 0 "Stratum Active" true
    expect(activePool(s)).toMatchObject({ index: 0, url: 'stratum+tcp://stratum.pool.io:3333', user: 'pool_username.real_worker' });
  });

  it('MM strings: error codes and several controllers', () => {
    const mm = avalonMM({
      STATS: [
        { 'MM ID0': 'SYSTEMSTATU[Work: In Idle, Hash Board: 2 ] MGHS[100 0] MTmax[70 0] Fan1[3000] WALLPOWER[1500] GHSmm[120] ECHU[0 512] ECMM[4]' },
        { 'MM ID1': 'MGHS[50] MTmax[66] Fan1[3100] Fan2[3200] WALLPOWER[700] GHSmm[60]' },
      ],
    })!;
    // boards 100, 0 (dead) and 50 GH/s; MTmax 0 is no reading; fans of both controllers; watts and nominal summed
    expect(mm.boards.map((b) => [b.index, b.hashrate, b.chipTemp, b.status])).toEqual([
      [0, 100e9, 70, 'Alive'],
      [1, 0, null, 'Dead'],
      [2, 50e9, 66, 'Alive'],
    ]);
    expect(mm.fans).toEqual([3000, 3100, 3200]);
    expect([mm.wallWatts, mm.nominal]).toEqual([2200, 180e9]);
    // "In Idle" is not claimed as a state (no capture shows what it means)
    expect(mm.state).toBeNull();
    expect(mm.errors).toEqual(['ECHU board 1: 512', 'ECMM 4']);
    expect(avalonMM({ STATS: [{ ID: 'AVA100' }] })).toBeNull();
  });
});

describe('LuxOS on an Antminer S19k Pro (asic-rs luxminer v1 captures)', () => {
  it('is told from bmminer by its LUXminer field and read from summary, stats, power, fans and pools', async () => {
    const { record, replay } = await pollCapture('luxos-s19kpro');
    // 256foundation/asic-rs@fdcd101:asic-rs-firmwares/luxminer/src/test/json/v1/version.json: VERSION
    // "LUXminer": "2025.4.8.220305-57b389c7", "Miner": "2025.4.8.220305", "Type": "Antminer S19k Pro"
    expect(record.identity).toEqual({ flavour: 'luxos', model: 'Antminer S19k Pro', firmware: '2025.4.8.220305' });
    // no devdetails captured: the stand-in refuses that member, version alone identifies
    expect(replay.received.slice(-5)).toEqual(['summary', 'pools', 'stats', 'power', 'fans']);
    const s = record.snapshot!;
    // summary.json: "GHS 5s": 59756.06, "GHS av": 56917.91; Accepted 1483, Rejected 1, Stale 0, HW 0, Elapsed 3453
    expect(s.hashrate).toBeCloseTo(59756.06 * GH, -3);
    expect(s.hashrateAvg).toBeCloseTo(56917.91 * GH, -3);
    expect([s.accepted, s.rejected, s.stale, s.hardwareErrors, s.uptime]).toEqual([1483, 1, 0, 0, 3453]);
    // stats.json: chain_rate1..3 "18910.28" "18939.95" "19067.67", chain_acn 77; chain 4 is
    // "0" / 0 chips / chain_acs4 "" / temp_pcb4 "0-0-0-0" (miner_count 3): an empty slot, no board
    expect(s.boards.map((b) => b.index)).toEqual([0, 1, 2]);
    expect(s.boards.map((b) => b.hashrate! / GH)).toEqual([18910.28, 18939.95, 19067.67].map((v) => expect.closeTo(v, 4)));
    expect(s.boards.map((b) => [b.chips, b.hardwareErrors, b.status])).toEqual([[77, 0, 'Alive'], [77, 0, 'Alive'], [77, 0, 'Alive']]);
    // temp_pcb1..3 "47-34-34-47" "47-33-33-47" "47-34-34-47" (temp_chipN the same strings) -> hottest 47
    expect(s.boards.map((b) => [b.boardTemp, b.chipTemp])).toEqual([[47, 47], [47, 47], [47, 47]]);
    expect(maxTemperature(s)).toBe(47);
    // fans.json: FANS RPM 1920, 1920, 2340, 2340 (ID order)
    expect(s.fans).toEqual([1920, 1920, 2340, 2340]);
    // power.json: POWER[0] "Watts": 1051 -> the firmware's own figure
    expect(s.measuredWatts).toBe(1051);
    expect(record.power).toMatchObject({ watts: 1051, source: 'measured' });
    // stats.json "total_rateideal": 61954.2, "rate_unit": "GH"
    expect(s.nominalHashrate).toBeCloseTo(61_954.2e9, -3);
    // 77 chips a board = the S19k Pro's (pyasic@0.79.0:pyasic/miners/device/models/antminer/X19/S19.py:165-171), 4 fans of 4
    expect(chipShortfall(record)).toEqual({ missingChips: 0, detail: [] });
    expect(fansMissing(record)).toBe(0);
    // pools.json: two groups ("GROUP" 0: POOL 0, 1; "GROUP" 1: POOL 2, 3), POOL 0 and POOL 2 both
    // "Stratum Active" with shares a second old (Accepted 724 and 759): each group has its pool at
    // work; "Last Share Time" "00:00:01" is no Unix time
    expect(s.pools.map((p) => [p.index, p.group, p.status, p.active])).toEqual([[0, 0, 'Alive', true], [1, 0, 'Dead', false], [2, 1, 'Alive', true], [3, 1, 'Dead', false]]);
    expect(activePool(s)).toMatchObject({ url: 'stratum+tcp://ca.stratum.braiins.com:3333', user: 'asic-rs.user1', lastShareTime: null });
    // the expected worker is checked on every group's pool: POOL 2's user is "asic-rs.user2"
    expect(snapshotPoolMismatch({ worker: 'asic-rs.user1' }, s)).toBe('worker asic-rs.user2');
    expect(snapshotPoolMismatch({ worker: 'asic-rs' }, s)).toBeNull();
    expect(snapshotPoolMismatch({ url: 'stratum+tcp://ca.stratum.braiins.com:3333' }, s)).toBeNull();
    expect(s.state ?? null).toBeNull(); // LuxOS's curtail/sleep state is not read
  });
});

describe('Whatsminer API v3 (btminer 20251209.16.Rel2, asic-rs v3 captures)', () => {
  async function pollV3(deviceInfo?: string) {
    const replay = await startReplayV3('whatsminer-v3-m60s', deviceInfo ? { deviceInfo } : {});
    running.push(replay);
    const poller = testPoller('captures');
    // identified on 4028 as btminer with a 2024-11+ fw_ver (see discovery.test.ts); read on its v3 port
    const record = poller.add({ host: replay.host, port: 1, v3Port: replay.port, name: 'm60s', identity: { flavour: 'whatsminer-v3', model: null, firmware: null } });
    await poller.pollOne(record);
    expect(record.lastError).toBeNull();
    return { record, replay };
  }

  it('reads device info, summary, pools and boards over the length-prefixed API', async () => {
    const { record, replay } = await pollV3();
    expect(replay.received).toEqual(['get.device.info', 'get.miner.status:summary', 'get.miner.status:pools', 'get.miner.status:edevs']);
    // get_device_info.json: msg.miner.type "M60S_VK40", msg.system.fwversion "20251209.16.Rel2", miner.working "true"
    expect(record.identity).toEqual({ flavour: 'whatsminer-v3', model: 'M60S_VK40', firmware: '20251209.16.Rel2' });
    const s = record.snapshot!;
    // get_miner_status_summary.json: hash-realtime 171.259, hash-average 170.8 (TH/s); power-realtime 3156.0;
    // fan-speed-in 5400, fan-speed-out 5280; factory-hash 181.051; elapsed 50000
    expect(s.hashrate).toBeCloseTo(171.259e12, -6);
    expect(s.hashrateAvg).toBeCloseTo(170.8e12, -6);
    expect(record.power).toMatchObject({ watts: 3156, source: 'measured' });
    expect(s.fans).toEqual([5400, 5280]);
    expect(s.nominalHashrate).toBeCloseTo(181.051e12, -6);
    expect(s.uptime).toBe(50000);
    expect(s.state).toBe('mining');
    expect(s.errors).toEqual([]);
    // edevs: hash-realtime 57.2 / 57.0 / 57.1 TH/s, chip-temp-avg 74 / 75 / 76, effective-chips 75;
    // summary board-temperature [41.1, 40.1, 41.5]
    expect(s.boards.map((b) => b.hashrate! / 1e12)).toEqual([57.2, 57.0, 57.1].map((v) => expect.closeTo(v, 9)));
    expect(s.boards.map((b) => [b.boardTemp, b.chipTemp, b.chips, b.status])).toEqual([[41.1, 74, 75, 'Alive'], [40.1, 75, 75, 'Alive'], [41.5, 76, 75, 'Alive']]);
    expect(maxTemperature(s)).toBe(76);
    // pools.json: priority 0 "stratum-active" true, account "asic-rs.test"; three pools "alive"
    expect(s.pools.map((p) => [p.index, p.status, p.active])).toEqual([[0, 'Alive', true], [1, 'Alive', false], [2, 'Alive', false]]);
    expect(activePool(s)).toMatchObject({ url: 'stratum+tcp://btc.example.pool:3333', user: 'asic-rs.test' });
  });

  it('reads the error-code list (get_device_info_with_errors.json: codes 264, 265, 266, 267, 270)', async () => {
    const { record } = await pollV3('get_device_info_with_errors');
    expect(record.snapshot!.errors).toEqual(['264', '265', '266', '267', '270']);
  });

  it('sends only allow-listed reads: set.* and unknown params are refused before a socket opens', async () => {
    // pyasic's V3 writes need a salted token (pyasic@0.79.0:pyasic/rpc/btminer.py:1190-1205): never sent
    for (const [cmd, param] of [['set.miner.mode', 'normal'], ['set.system.reboot', null], ['get.miner.status', 'history'], ['constructor', null], ['__proto__', null]] as const) {
      expect(() => assertV3Read(cmd, param), `${cmd} ${param}`).toThrow(PrivilegedCommandError);
      await expect(sendV3({ host: '127.0.0.1', port: 1 }, cmd, param, { connectTimeoutMs: 100, timeoutMs: 100 })).rejects.toThrow(PrivilegedCommandError);
    }
  });

  it('firmware from 2024-11-01 on speaks API v3 (asic-rs firmware.rs:60-68)', () => {
    // the v1 capture's 20210322.22.REL stays on the 4028 API; the v3 capture's 20251209.16.Rel2 moves
    expect([speaksV3('20210322.22.REL'), speaksV3('20241031.1.REL'), speaksV3('20241101.1.REL'), speaksV3('20251209.16.Rel2'), speaksV3(null)]).toEqual([false, false, true, true, false]);
  });
});

describe('AxeOS (Bitaxe, ESP-Miner v2.4.5: asic-rs capture of GET /api/system/info)', () => {
  it('is read over HTTP: identity, rate, one board, fan, measured power, nominal, pools', async () => {
    const body = readFileSync(`${CAPTURES}axeos-bitaxe-supra/system_info.json`, 'utf8');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/api/system/info') res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const poller = testPoller('captures');
      const record = poller.add({ host: '127.0.0.1', port, api: 'axeos', name: 'bitaxe' });
      await poller.pollOne(record);
      expect(record.lastError).toBeNull();
      expect(seen).toEqual(['GET /api/system/info']);
      // "ASICModel": "BM1368", "version": "v2.4.5-3-gb5d1e36-dirty"
      expect(record.identity).toEqual({ flavour: 'axeos', model: 'BM1368', firmware: 'v2.4.5-3-gb5d1e36-dirty' });
      const s = record.snapshot!;
      // "hashRate": 1000 (GH/s) -> 1e12 H/s; one board: "temp" 59.875 (ASIC), "vrTemp" 78, "asicCount" 1
      expect(s.hashrate).toBe(1000e9);
      expect(s.boards).toEqual([{ index: 0, hashrate: 1000e9, boardTemp: 78, chipTemp: 59.875, chips: 1, hardwareErrors: null, status: 'Alive' }]);
      // "fanrpm": 3517; "power": 2.65000009536743 W (four seconds after start: "uptimeSeconds": 4)
      expect(s.fans).toEqual([3517]);
      expect(record.power).toMatchObject({ watts: 2.65000009536743, source: 'measured' });
      expect(s.uptime).toBe(4);
      // no "expectedHashrate" in v2.4.5: smallCoreCount 1276 × asicCount 1 × frequency 490 MH/s = 625,240 MH/s
      expect(s.nominalHashrate).toBe(625_240e6);
      // stratumURL "btc.example.pool" port 3333 user "asic-rs.test" in use ("isUsingFallbackStratum": 0); fallback btc2.example.pool:3333
      expect(s.pools.map((p) => [p.url, p.user, p.active])).toEqual([
        ['stratum+tcp://btc.example.pool:3333', 'asic-rs.test', true],
        ['stratum+tcp://btc2.example.pool:3333', 'asic-rs.test', false],
      ]);
      // "sharesAccepted": 0, "sharesRejected": 0; "overheat_mode": 0, no power_fault: no error; no miningPaused field: no state
      expect([s.accepted, s.rejected, s.errors, s.state]).toEqual([0, 0, [], null]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('config: an `api: axeos` miner defaults to port 80, a CGMiner one to 4028; an unknown api is refused', () => {
    const parse = (miners: unknown[]) => cgminerConfigSchema.parse({ id: 'f', kind: 'cgminer', miners }).miners;
    expect(parse([{ host: '10.0.0.2', api: 'axeos' }, { host: '10.0.0.3' }, { host: '10.0.0.4', api: 'axeos', port: 8080 }]).map((m) => m.port)).toEqual([80, 4028, 8080]);
    expect(() => parse([{ host: '10.0.0.2', api: 'telnet' }])).toThrow();
  });

  it('GETs only the allow-listed paths: writes and odd paths are refused before a socket opens', async () => {
    // ESP-Miner's writes: POST /api/system/restart, /pause, /resume, /identify, PATCH /api/system, /OTA
    // (bitaxeorg/ESP-Miner@5c27713:main/http_server/http_server.c:1946-2022)
    for (const path of ['/api/system/restart', '/api/system/pause', '/api/system', '/api/system/OTA', '/api/system/info/../restart', '/api/system/info?x=1', 'http://evil/api/system/info', '//api/system/info', '__proto__']) {
      expect(() => assertHttpRead('axeos', path), path).toThrow(PrivilegedCommandError);
      await expect(httpRead('axeos', { host: '127.0.0.1', port: 1 }, path, { connectTimeoutMs: 100, timeoutMs: 100 })).rejects.toThrow(PrivilegedCommandError);
    }
  });
});

/** Serves files of a capture folder at fixed paths over HTTP; every request is recorded. */
async function serveHttpCapture(routes: Record<string, string>): Promise<{ port: number; seen: string[]; close(): Promise<unknown> }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const file = req.method === 'GET' && req.url && Object.hasOwn(routes, req.url) ? routes[req.url] : undefined;
    if (file) res.writeHead(200, { 'content-type': 'application/json' }).end(readFileSync(`${CAPTURES}${file}`, 'utf8'));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('ePIC PowerPlay on an S19 XP (asic-rs v1 captures of its HTTP API)', () => {
  it('reads boards, fans, measured power, nominal, the pool and state from /summary, the model from /capabilities', async () => {
    const served = await serveHttpCapture({ '/summary': 'epic-s19xp/summary.json', '/capabilities': 'epic-s19xp/capabilities.json' });
    try {
      const poller = testPoller('captures');
      const record = poller.add({ host: '127.0.0.1', port: served.port, api: 'epic', name: 'epic' });
      await poller.pollOne(record);
      expect(record.lastError).toBeNull();
      expect(served.seen).toEqual(['GET /summary', 'GET /capabilities']);
      // capabilities "Model": "AntMiner S19 XP"; summary "Software": "PowerPlay-BMS v1.5.13"
      expect(record.identity).toEqual({ flavour: 'epic', model: 'AntMiner S19 XP', firmware: '1.5.13' });
      const s = record.snapshot!;
      // HBs: Index 1 Hashrate [49440724.0, 103.1, 0.8] Temperature 67.0; Index 2 [49925124.0, 104.1, 0.8] 64.312 (MH/s)
      expect(s.boards.map((b) => [b.index, b.hashrate, b.boardTemp, b.status])).toEqual([[1, 49440724e6, 67, 'Alive'], [2, 49925124e6, 64.312, 'Alive']]);
      // the rate is their sum, 99365848 MH/s; Session "Average MHs" 90071990.0
      expect(s.hashrate).toBe(99_365_848e6);
      expect(s.hashrateAvg).toBe(90_071_990e6);
      // nominal: 49440724 / 1.031 + 49925124 / 1.041 = 47954145.49… + 47958812.68… = 95912958.2 MH/s
      expect(s.nominalHashrate! / 1e6).toBeCloseTo(49440724 / 1.031 + 49925124 / 1.041, 3);
      expect(s.nominalHashrate! / 1e12).toBeCloseTo(95.913, 3);
      // "Fans Rpm": Speed 1 5971, 2 0, 3 5942, 4 5745, 5-12 null: four fans, one stopped
      expect(s.fans).toEqual([5971, 0, 5942, 5745]);
      // "Power Supply Stats" "Input Power": 2166.6174 (measured)
      expect(record.power).toMatchObject({ watts: 2166.6174, source: 'measured' });
      // Session Accepted 1862, Rejected 2, Uptime 23170; Status "Operating State" "Mining", "Last Error" null
      expect([s.accepted, s.rejected, s.uptime, s.state, s.errors]).toEqual([1862, 2, 23170, 'mining', []]);
      // Stratum "Current Pool" "mine.ocean.xyz:3334", "Current User" "randomuser.randomworker-0x81x19", IsPoolConnected true;
      // "Last Accepted Share Timestamp" 1755134734
      expect(s.pools).toEqual([
        { index: 0, url: 'stratum+tcp://mine.ocean.xyz:3334', user: 'randomuser.randomworker-0x81x19', status: 'Alive', priority: 0, active: true, accepted: 1862, rejected: 2, stale: 0, lastShareTime: 1755134734000 },
      ]);
      // the stopped fan 2 is what the fans component reports
      const found = fleetConditions([record], DEFAULT_FLEET_LIMITS, 1_800_000_000_000);
      expect(found.fans).toEqual([{ miner: 'epic', detail: '1 of 4 at 0 RPM' }]);
      // nothing of StratumConfigs (its "password") reaches the snapshot
      expect(JSON.stringify(s)).not.toContain('password');
    } finally {
      await served.close();
    }
  });

  it('GETs only its reads: ePIC\'s POST commands and other paths are refused before a socket opens', async () => {
    // pyasic@0.79.0:pyasic/web/epic.py:105-139: reboot, softreboot, miner (Stop/Autostart), coin, fanspeed, perpetualtune … are POSTs
    for (const path of ['/reboot', '/softreboot', '/miner', '/coin', '/fanspeed', '/perpetualtune', '/summary/../reboot', '/summary?password=x']) {
      expect(() => assertHttpRead('epic', path), path).toThrow(PrivilegedCommandError);
    }
    expect(() => assertHttpRead('epic', '/summary')).not.toThrow();
  });
});

describe('the whole source over the captures: what the alerts and health see', () => {
  it('every family is polled; no Braiins S9 raises MinerFanStopped from its empty slots; the S9 is not "hot" from a dead sensor', async () => {
    const folders = ['whatsminer-btminer', 'braiins-s9-bosminer', 'braiins-s9-bosminer-plus', 'antminer-s9-bmminer', 'antminer-s19pro-bmminer', 'avalon-q-cgminer'];
    const replays = await Promise.all(folders.map((f) => startReplayMiner(f)));
    running.push(...replays);
    const context = createTestContext();
    const config = cgminerConfigSchema.parse({
      id: 'captures',
      kind: 'cgminer',
      miners: replays.map((r, i) => ({ host: r.host, port: r.port, name: folders[i] })),
      jitter: 0,
      timeoutMs: 2_000,
    });
    const source = createCgminerSource(config, context);
    try {
      await source.fleet.pollNow();
      const metrics = await context.metrics.registry.metrics();
      // MinerFanStopped is `mining_fan_min_rpm < 1` on miners that answer (provisioning/build/rules.ts)
      for (const name of folders) expect(metrics, name).toMatch(new RegExp(`^mining_up\\{source="captures",miner="${name}"\\} 1$`, 'm'));
      // fans.reply: fitted 1560/1560 and 2820/3780 -> slowest 1560 and 2820; S9 bmminer fan5/fan6 3720/2400 -> 2400;
      // Whatsminer in/out 6450/6480 -> 6450; S19 Pro 6000 5880 5040 5040 -> 5040
      const fanMin = (name: string) => Number(new RegExp(`^mining_fan_min_rpm\\{source="captures",miner="${name}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
      expect(folders.slice(0, 5).map(fanMin)).toEqual([6450, 1560, 2820, 2400, 5040]);
      const health = source.health();
      expect(health.components?.fans).toMatchObject({ status: 'ok', message: 'every fan turning' });
      // the S9's hottest board is 75 °C (temp6), not a -83 or 0 placeholder; the one miner above
      // 85 °C is the Whatsminer, whose devs.reply has "Chip Temp Avg": 85.34 on ASC 2
      expect(metrics).toMatch(/^mining_temperature_max_celsius\{source="captures",miner="antminer-s9-bmminer"\} 75$/m);
      expect(health.components?.temperature).toMatchObject({ status: 'degraded', message: '1 miner above 85 °C: whatsminer-btminer (85.3 °C)' });
      // the S9's empty pool slot (URL "", Dead) is no dead pool; BOSminer's second pool is
      // (pools.reply: POOL 1 slushpool, User "!non-existent-user!", Status "Dead")
      expect(health.components?.pools).toMatchObject({
        status: 'degraded',
        message: '1 miner with a dead pool: braiins-s9-bosminer (stratum+tcp://stratum.slushpool.com:3333)',
      });
    } finally {
      await source.stop();
    }
  });
});
