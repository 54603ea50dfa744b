// Underperformance, missing chips and fans, firmware state and error codes, and the expected
// pool, through the whole source over TCP against the fleet simulator: health components, the
// miners frame and /metrics. Each value is worked out from the simulator's stated state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameColumn, MINER_FIELDS } from '@nodescope/shared';
import { startCgminerFleet, type CgminerFleet } from '../src/simulators/cgminer/fleet.js';
import { cgminerConfigSchema } from '../src/sources/cgminer/config.js';
import { createCgminerSource, type CgminerSource } from '../src/sources/cgminer/index.js';
import { createTestContext } from './helpers.js';

const TH = 1e12;
const MINUTE = 60_000;

let fleet: CgminerFleet;
let source: CgminerSource;
let context: ReturnType<typeof createTestContext>;
let clock = 1_800_000_000_000;

beforeAll(async () => {
  // one miner per family: cgminer (Avalon 1066, 50 TH/s, not in the spec table), bmminer
  // (Antminer S19 Pro 110 TH/s), braiins (Antminer S19j Pro 100 TH/s), whatsminer (M30S+_VE40 100 TH/s)
  fleet = await startCgminerFleet({ count: 4, frozen: true });
  context = createTestContext({ now: () => clock, level: 'silent' });
  const config = cgminerConfigSchema.parse({
    id: 'farm',
    kind: 'cgminer',
    miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.flavour, ...(m.flavour === 'cgminer' ? { nominalTerahash: 50 } : {}) })),
    jitter: 0,
    timeoutMs: 2_000,
    expectedPool: { url: 'stratum+tcp://btc.pool-a.example:3333', worker: 'farm' },
    limits: { underperformPercent: 90, underperformWindowSeconds: 600 },
  });
  source = createCgminerSource(config, context) as CgminerSource;
});

afterAll(async () => {
  await source.stop();
  await fleet.close();
});

/** Polls once a minute for `minutes` minutes of the test clock. */
async function pollFor(minutes: number) {
  for (let i = 0; i < minutes; i++) {
    clock += MINUTE;
    await source.fleet.pollNow();
  }
}

const metric = async (name: string, miner: string) =>
  Number(new RegExp(`^${name}\\{source="farm",miner="${miner}"\\} (\\S+)$`, 'm').exec(await context.metrics.registry.metrics())?.[1]);

describe('nominal and expected-pool conditions over the simulator', () => {
  it('a healthy fleet: every new component ok, nominal from firmware or config, no chip or fan missing, on the expected pool', async () => {
    await pollFor(11);
    const health = source.health();
    for (const name of ['hashrate', 'chips', 'fanCount', 'state', 'poolExpected'])
      expect(health.components?.[name], name).toMatchObject({ status: 'ok' });
    // bmminer total_rateideal = 110 TH/s × 1000 GH; braiins Nominal MHS per board; btminer Factory GHS 100000; Avalon: config 50
    expect(await metric('mining_hashrate_nominal_hashes_per_second', 'bmminer')).toBe(110 * TH);
    // the simulator prints each board's Nominal MHS to one decimal: 3 × 33333333.3 MH/s
    expect(await metric('mining_hashrate_nominal_hashes_per_second', 'braiins')).toBeCloseTo(99_999_999.9e6, -1);
    expect(await metric('mining_hashrate_nominal_hashes_per_second', 'whatsminer')).toBe(100 * TH);
    expect(await metric('mining_hashrate_nominal_hashes_per_second', 'cgminer')).toBe(50 * TH);
    expect(await metric('mining_chips_missing', 'bmminer')).toBe(0);
    expect(await metric('mining_fans_missing', 'bmminer')).toBe(0);
    expect(await metric('mining_pool_unexpected', 'whatsminer')).toBe(0);
    const text = await context.metrics.registry.metrics();
    expect(text).toMatch(/^mining_state_info\{source="farm",miner="braiins",state="mining"\} 1$/m);
    expect(text).toMatch(/^mining_state_info\{source="farm",miner="whatsminer",state="mining"\} 1$/m);
  });

  it('faults: hashdrop, missing chips and fan, sleep, error codes, tuning, a hijacked miner', async () => {
    await fleet.setFault('bmminer-0002', 'chipsMissing');
    await fleet.setFault('bmminer-0002', 'fanMissing');
    await fleet.setFault('bmminer-0002', 'hashdrop');
    await fleet.setFault('whatsminer-0004', 'sleep');
    await fleet.setFault('whatsminer-0004', 'errorCode');
    await fleet.setFault('braiins-0003', 'tuning');
    await fleet.setFault('cgminer-0001', 'hijack');
    await pollFor(11);
    const health = source.health();
    // S19 Pro: 114 chips a board, board 0 ten short, board 2 dead (hashdrop: chain_acn 0); stock fan_num 3 of 4
    expect(health.components?.chips?.message).toBe('1 miner with chips or boards missing: bmminer (board 0: 104 of 114 chips, board 2: 0 of 114 chips)');
    expect(health.components?.fanCount?.message).toBe('1 miner with a fan missing: bmminer (1 of 4 missing)');
    // hashdrop: 0.3 × 110 TH/s (the frozen wobble is sin(0) = 0) over the 10 min window = 30 %;
    // the sleeping Whatsminer hashes 0 H/s = 0 % of 100 TH/s
    expect(health.components?.hashrate?.message).toBe('2 miners below 90 % of nominal (10 min): bmminer (30 % of 110 TH/s), whatsminer (0 % of 100 TH/s)');
    // btmineroff "true" and Error Code 0 = 110; tuning is work, not listed
    expect(health.components?.state?.message).toBe('1 miner not mining or reporting errors: whatsminer (sleeping; errors 110)');
    expect(health.components?.poolExpected?.message).toBe(
      '1 miner on an unexpected pool or worker: cgminer (pool stratum+tcp://attacker.pool.example:3333, worker attacker.rig1)'
    );
    expect(health.status).toBe('degraded');
    expect(await metric('mining_chips_missing', 'bmminer')).toBe(10 + 114);
    expect(await metric('mining_fans_missing', 'bmminer')).toBe(1);
    expect(await metric('mining_firmware_errors', 'whatsminer')).toBe(1);
    expect(await metric('mining_pool_unexpected', 'cgminer')).toBe(1);
    const text = await context.metrics.registry.metrics();
    expect(text).toMatch(/^mining_state_info\{source="farm",miner="braiins",state="tuning"\} 1$/m);
    expect(text).toMatch(/^mining_state_info\{source="farm",miner="whatsminer",state="sleeping"\} 1$/m);
    // one state series per miner: the old "mining" one is gone
    expect(text).not.toMatch(/miner="whatsminer",state="mining"/);
    const frame = (await source.queries.miners!({ params: {}, range: { from: 0, to: clock }, intervalMs: 1000, maxDataPoints: 100 }))[0]!;
    const names = frameColumn<string>(frame, MINER_FIELDS.miner)!;
    const at = (field: string, miner: string) => frameColumn<unknown>(frame, field)![names.indexOf(miner)];
    expect(at(MINER_FIELDS.chipsMissing, 'bmminer')).toBe(124);
    expect(at(MINER_FIELDS.state, 'whatsminer')).toBe('sleeping');
    expect(at(MINER_FIELDS.errors, 'whatsminer')).toBe('110');
    expect(at(MINER_FIELDS.poolUnexpected, 'cgminer')).toBe(true);
    expect(at(MINER_FIELDS.poolUnexpected, 'bmminer')).toBe(false);
    expect(at(MINER_FIELDS.nominalHashrate, 'bmminer')).toBe(110 * TH);
  });

  it('a Braiins chain that failed is a firmware error', async () => {
    await fleet.clearFaults();
    await fleet.setFault('braiins-0003', 'errorCode');
    await pollFor(1);
    expect(source.health().components?.state?.message).toBe('1 miner not mining or reporting errors: braiins (errors board 6: Failed)');
  });
});

describe('a simulated AvalonMiner 15-194 read through estats', () => {
  it('boards, fans, measured power, nominal and state from MM ID0; hot, fan0 and errorCode faults', async () => {
    const avalon = await startCgminerFleet({ count: 1, flavours: ['cgminer'], frozen: true, models: { cgminer: { model: 'AvalonMiner 15-194', terahash: 200, watts: 3731 } } });
    const ctx = createTestContext({ level: 'silent' });
    const src = createCgminerSource(
      cgminerConfigSchema.parse({ id: 'avalon', kind: 'cgminer', miners: avalon.miners.map((m) => ({ host: m.host, port: m.port, name: 'a1' })), jitter: 0, timeoutMs: 2_000 }),
      ctx
    ) as CgminerSource;
    try {
      await src.fleet.pollNow();
      const record = src.fleet.poller.find('a1')!;
      const s = record.snapshot!;
      // MGHS: 200 TH/s over three boards = 66666.67 GH/s each (two decimals); MTmax 77 78 77
      expect(s.boards.map((b) => b.hashrate)).toEqual([66_666.67e9, 66_666.67e9, 66_666.67e9]);
      expect(s.boards.map((b) => b.chipTemp)).toEqual([77, 78, 77]);
      expect(s.fans).toEqual([4275, 4282]);
      expect(record.power).toMatchObject({ watts: 3731, source: 'measured' });
      expect([s.nominalHashrate, s.state, s.errors]).toEqual([200 * TH, 'mining', []]);
      for (const fault of ['hot', 'fan0', 'errorCode'] as const) await avalon.setFault(0, fault);
      await src.fleet.pollNow();
      const health = src.health();
      // board 0: 77 + 32 = 109 °C; Fan1 0 RPM; ECHU[1 0 0]
      expect(health.components?.temperature?.message).toBe('1 miner above 85 °C: a1 (109 °C)');
      expect(health.components?.fans?.message).toBe('1 miner with a stopped fan: a1 (1 of 2 at 0 RPM)');
      expect(health.components?.state?.message).toBe('1 miner not mining or reporting errors: a1 (errors ECHU board 0: 1)');
    } finally {
      await src.stop();
      await avalon.close();
    }
  });
});
