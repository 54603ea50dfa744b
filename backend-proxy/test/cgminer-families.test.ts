// The newer firmware families (LuxOS, Whatsminer API v3, AxeOS, ePIC, VNish) end to end: the fleet simulator (one process, a free port per
// miner) polled by the real source, identification included, and only allow-listed reads
// arriving at the miners. The simulator's answers are held against real captures in
// cgminer-simulator-shapes.test.ts, the source's readings against the captures in
// cgminer-captures.test.ts, and both against pyasic in test/python/test_pyasic_cgminer.py.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCgminerFleet, type CgminerFleet } from '../src/simulators/cgminer/fleet.js';
import { cgminerConfigSchema } from '../src/sources/cgminer/config.js';
import { createCgminerSource, type CgminerSource } from '../src/sources/cgminer/index.js';
import { READ_ONLY_COMMANDS } from '../src/sources/cgminer/commands.js';
import { V3_READS } from '../src/sources/cgminer/btminerV3.js';
import { HTTP_READS } from '../src/sources/cgminer/http.js';
import { createTestContext } from './helpers.js';

let fleet: CgminerFleet;
let source: CgminerSource;

beforeAll(async () => {
  fleet = await startCgminerFleet({
    count: 5,
    flavours: ['luxos', 'whatsminer-v3', 'axeos', 'epic', 'vnish'],
    frozen: true,
  });
  const config = cgminerConfigSchema.parse({
    id: 'families',
    kind: 'cgminer',
    jitter: 0,
    // generous: the suite runs beside others on a loaded machine
    timeoutMs: 10_000,
    miners: fleet.miners.map((m) => ({
      host: m.host,
      port: m.port,
      name: m.flavour,
      ...(m.flavour === 'axeos' || m.flavour === 'epic' || m.flavour === 'vnish' ? { api: m.flavour } : {}),
      ...(m.v3Port !== undefined ? { v3Port: m.v3Port } : {}),
    })),
  });
  source = createCgminerSource(config, createTestContext());
  await source.fleet.pollNow();
});

afterAll(async () => {
  await source?.stop();
  await fleet?.close();
});

describe('LuxOS, Whatsminer API v3, AxeOS, ePIC and VNish through the source', () => {
  it('each is identified and read', () => {
    const records = Object.fromEntries([...source.fleet.poller.miners.values()].map((r) => [r.name, r]));
    expect(
      Object.fromEntries(
        Object.entries(records).map(([name, r]) => [
          name,
          [r.status, r.lastError, r.identity?.flavour, r.identity?.model],
        ])
      )
    ).toEqual({
      luxos: ['online', null, 'luxos', 'Antminer S19k Pro'],
      'whatsminer-v3': ['online', null, 'whatsminer-v3', 'M60S_VK40'],
      axeos: ['online', null, 'axeos', 'BM1368'],
      epic: ['online', null, 'epic', 'AntMiner S19 XP'],
      vnish: ['online', null, 'vnish', 'Antminer S19j Pro'],
    });
    // the frozen simulator's nominal rates (fleet.ts DEFAULT_MODELS): 120, 180, 0.7, 141, 104 TH/s
    expect(Object.values(records).map((r) => r.snapshot!.hashrate! / 1e12)).toEqual(
      [120, 180, 0.7, 141, 104].map((v) => expect.closeTo(v, 6))
    );
    // each reports its power: LuxOS POWER Watts, v3 power-realtime, AxeOS power, ePIC Input Power, VNish power_consumption
    expect(Object.values(records).map((r) => [r.power.source, r.power.watts])).toEqual([
      ['measured', 2760],
      ['measured', 3300],
      ['measured', 15],
      ['measured', 3010],
      ['measured', 3068],
    ]);
  });

  it('only allow-listed reads reached the miners', () => {
    const allowed = new Set<string>([
      ...READ_ONLY_COMMANDS,
      ...Object.keys(V3_READS),
      ...Object.values(HTTP_READS).flatMap((paths) => paths.map((p) => `GET ${p}`)),
    ]);
    const received = Object.keys(fleet.commandCounts());
    expect(received.filter((c) => !allowed.has(c))).toEqual([]);
    expect(received).toEqual(
      expect.arrayContaining([
        'power',
        'get.miner.status',
        'GET /api/system/info',
        'GET /summary',
        'GET /capabilities',
        'GET /api/v1/info',
        'GET /api/v1/summary',
      ])
    );
  });
});
