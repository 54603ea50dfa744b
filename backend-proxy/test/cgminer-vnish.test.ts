// VNish (AnthillOS) over its web API. No published capture of a VNish reply was found; the
// vendor's OpenAPI document is the reference (test/fixtures/miners/vnish-api-doc, from
// 256foundation/asic-rs@fdcd101:meta/vnish/v1.3.4/api-doc.json): the replies below and the
// simulator's are validated against its schemas before anything is read from them, and the
// expected values are derived by hand from the replies, field by field as the document names them.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { PrivilegedCommandError } from '../src/sources/cgminer/commands.js';
import { assertHttpRead, HTTP_READS } from '../src/sources/cgminer/http.js';
import { vnishSnapshot, vnishUptime } from '../src/sources/cgminer/vnish.js';
import { vnishInfo, vnishStatus, vnishSummary } from '../src/simulators/cgminer/vnish.js';
import type { SimMinerState } from '../src/simulators/cgminer/flavours.js';
import { CAPTURES, testPoller } from './cgminerReplay.js';

const doc = JSON.parse(readFileSync(`${CAPTURES}vnish-api-doc/api-doc-v1.3.4.json`, 'utf8')) as {
  paths: Record<string, Record<string, { security?: unknown[] }>>;
  components: { schemas: Record<string, unknown> };
};
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'vnish', components: doc.components });
const validator = (schema: string) => ajv.compile({ $ref: `vnish#/components/schemas/${schema}` });
const valid = (schema: string, value: unknown): string[] => {
  const check = validator(schema);
  return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

// A reply per schema, written from the document (every required field, the document's types and enums)
const INFO = {
  fw_name: 'Vnish',
  fw_version: '1.3.4',
  build_time: '2025-03-10 12:00:00',
  platform: 'aml',
  install_type: 'nand',
  algorithm: 'sha256d',
  hr_measure: 'GH/s',
  miner: 'Antminer S19j Pro',
  model: 's19jpro',
  serial: 'JYZZF4BBCJBJG0542',
  system: {
    os: 'GNU/Linux',
    miner_name: 'rig-7',
    file_system_version: '1.3.4',
    uptime: '2 days, 3:04',
    network_status: {
      mac: '02:00:00:00:00:07',
      ip: '10.0.0.7',
      netmask: '255.255.255.0',
      gateway: '10.0.0.1',
      dns: ['10.0.0.1'],
      hostname: 'rig-7',
    },
    mem_total: 245000,
    mem_free: 120000,
    mem_free_percent: 49,
    mem_buf: 10000,
    mem_buf_percent: 4,
  },
};
const pool = (id: number, url: string, pool_type: string, status: string, accepted: number, rejected: number) => ({
  id,
  url,
  pool_type,
  user: pool_type === 'DevFee' ? 'fee' : 'acct.rig7',
  status,
  asic_boost: true,
  diff: '65.5K',
  accepted,
  rejected,
  stale: 1,
  ls_diff: 65536,
  ls_time: '0:00:02',
  diffa: 65536,
  ping: 40,
});
const chain = (id: number, rt: number, pcbMax: number, chipMax: number, state: string) => ({
  id,
  frequency: 525,
  voltage: 1300,
  power_consumption: 1020,
  hashrate_ideal: 34666.67,
  hashrate_rt: rt,
  hashrate_percentage: 100,
  hr_error: 0.01,
  hw_errors: 3,
  pcb_temp: { min: 44, max: pcbMax },
  chip_temp: { min: 60, max: chipMax },
  chip_statuses: { red: 0, orange: 0, grey: 0 },
  status: state === 'failure' ? { state, description: 'no chips found' } : { state },
});
const SUMMARY = {
  miner: {
    miner_status: { miner_state: 'mining', miner_state_time: 183840, throttled: 100 },
    miner_type: 'Antminer S19j Pro (Vnish 1.3.4)',
    hr_stock: 104000,
    average_hashrate: 103500000,
    instant_hashrate: 69200000,
    hr_realtime: 69200.5,
    hr_nominal: 104000,
    hr_average: 103500,
    pcb_temp: { min: 44, max: 61 },
    chip_temp: { min: 60, max: 76 },
    power_consumption: 3068,
    power_usage: 30,
    power_efficiency: 29.5,
    hw_errors_percent: 0.01,
    hr_error: 0.01,
    hw_errors: 9,
    devfee_percent: 2.8,
    devfee: 1937.6,
    found_blocks: 0,
    best_share: 123456789,
    restart_count: 0,
    pools: [
      pool(0, 'stratum+tcp://btc.pool-a.example:3333', 'UserPool', 'active', 900, 4),
      pool(1, 'stratum+tcp://btc.pool-b.example:443', 'UserPool', 'offline', 0, 0),
      pool(2, 'stratum+tcp://fee.example:3333', 'DevFee', 'working', 30, 0),
    ],
    cooling: {
      fan_num: 4,
      fan_duty: 60,
      settings: { mode: { name: 'auto', param: 60 } },
      fans: [
        { id: 0, rpm: 5400, status: 'ok', max_rpm: 6000 },
        { id: 1, rpm: 5460, status: 'ok', max_rpm: 6000 },
        { id: 2, rpm: 5520, status: 'ok', max_rpm: 6000 },
        { id: 3, rpm: 0, status: 'lost', max_rpm: 6000 },
      ],
    },
    chains: [
      chain(1, 34600.25, 58, 72, 'mining'),
      chain(2, 34600.25, 61, 76, 'mining'),
      chain(3, 0, 59, 70, 'failure'),
    ],
  },
};

describe('VNish web API (vendor OpenAPI document v1.3.4)', () => {
  it('the test replies are what the document describes', () => {
    expect(valid('InfoJson', INFO)).toEqual([]);
    expect(valid('Summary', SUMMARY)).toEqual([]);
    // and the validator does refuse what the document does not allow (a fan status outside its enum)
    const bad = structuredClone(SUMMARY);
    bad.miner.cooling.fans[0]!.status = 'spinning';
    expect(valid('Summary', bad).length).toBeGreaterThan(0);
  });

  it('reads /info and /summary over HTTP, without logging in', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      const body = req.url === '/api/v1/info' ? INFO : req.url === '/api/v1/summary' ? SUMMARY : undefined;
      if (body) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const poller = testPoller('v');
      const record = poller.add({
        host: '127.0.0.1',
        port: (server.address() as { port: number }).port,
        api: 'vnish',
        name: 'rig-7',
      });
      await poller.pollOne(record);
      expect(record.lastError).toBeNull();
      expect(seen).toEqual(['GET /api/v1/info -', 'GET /api/v1/summary -']);
      // InfoJson: miner "Antminer S19j Pro", fw_version "1.3.4"
      expect(record.identity).toEqual({ flavour: 'vnish', model: 'Antminer S19j Pro', firmware: '1.3.4' });
      const s = record.snapshot!;
      // hr_measure "GH/s": hr_realtime 69200.5, hr_average 103500, hr_nominal 104000 GH/s
      expect([s.hashrate, s.hashrateAvg, s.nominalHashrate]).toEqual([69200.5e9, 103500e9, 104000e9]);
      // chains id 1..3 (from 1): hashrate_rt 34600.25, 34600.25, 0; pcb_temp.max 58, 61, 59; chip_temp.max 72, 76, 70; chain 3 "failure"
      expect(s.boards.map((b) => [b.index, b.hashrate, b.boardTemp, b.chipTemp, b.hardwareErrors, b.status])).toEqual([
        [0, 34600.25e9, 58, 72, 3, 'Alive'],
        [1, 34600.25e9, 61, 76, 3, 'Alive'],
        [2, 0, 59, 70, 3, 'failure'],
      ]);
      // fans 5400, 5460, 5520 and fan 3 "lost" (reads 0 RPM)
      expect(s.fans).toEqual([5400, 5460, 5520, 0]);
      // power_consumption 3068 W, the firmware's figure (power_usage 30 is the deprecated efficiency: not watts)
      expect(record.power).toMatchObject({ watts: 3068, source: 'measured' });
      // user pools only (the DevFee pool is the firmware's); pool 0 "active" in use, pool 1 "offline" = Dead
      expect(s.pools.map((p) => [p.index, p.url, p.status, p.active, p.accepted, p.rejected])).toEqual([
        [0, 'stratum+tcp://btc.pool-a.example:3333', 'Alive', true, 900, 4],
        [1, 'stratum+tcp://btc.pool-b.example:443', 'Dead', false, 0, 0],
      ]);
      // shares of the user pools: 900 + 0 accepted, 4 rejected, 1 + 1 stale; hw_errors 9
      expect([s.accepted, s.rejected, s.stale, s.hardwareErrors]).toEqual([900, 4, 2, 9]);
      // miner_state "mining"; the failed chain is an error
      expect([s.state, s.errors]).toEqual(['mining', ['chain 3: failure (no chips found)']]);
      // system.uptime "2 days, 3:04" = 2 × 86400 + 3 × 3600 + 4 × 60
      expect(s.uptime).toBe(183_840);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('miner_state and uptime forms', () => {
    const withState = (miner_state: string, extra = {}) =>
      vnishSnapshot(INFO, {
        miner: {
          ...SUMMARY.miner,
          chains: [],
          miner_status: { miner_state, miner_state_time: 1, throttled: 100, ...extra },
        },
      });
    expect(['mining', 'auto-tuning', 'stopped', 'initializing'].map((m) => withState(m).state)).toEqual([
      'mining',
      'tuning',
      'sleeping',
      null,
    ]);
    expect(withState('failure', { description: 'PSU error', failure_code: 7 }).errors).toEqual([
      'failure: PSU error (code 7)',
    ]);
    // "MH/s" scales every rate by 1e6
    expect(vnishSnapshot({ ...INFO, hr_measure: 'MH/s' }, SUMMARY).hashrate).toBe(69200.5e6);
    expect([
      vnishUptime('10 days, 18:00'),
      vnishUptime('5:07'),
      vnishUptime('3 days'),
      vnishUptime('soon'),
      vnishUptime(null),
    ]).toEqual([928_800, 18_420, 259_200, null, null]);
  });

  it('sends only GETs the document serves without a token; writes and settings are refused before a socket opens', () => {
    // every allow-listed path is a GET in the document whose security list is absent or contains the empty requirement
    for (const path of HTTP_READS.vnish) {
      const op = doc.paths[path.replace('/api/v1', '')]?.get;
      expect(op, path).toBeDefined();
      expect(op!.security === undefined || op!.security.some((s) => Object.keys(s as object).length === 0), path).toBe(
        true
      );
    }
    for (const path of [
      '/api/v1/unlock',
      '/api/v1/settings',
      '/api/v1/mining/stop',
      '/api/v1/system/reboot',
      '/api/v1/find-miner',
      '/api/v1/apikeys',
      '/api/v1/summary/../unlock',
    ]) {
      expect(() => assertHttpRead('vnish', path), path).toThrow(PrivilegedCommandError);
    }
  });
});

describe('the simulated VNish miner', () => {
  const sim = (...faults: string[]): SimMinerState => ({
    name: 'vnish-0001',
    flavour: 'vnish',
    model: 'Antminer S19j Pro',
    terahash: 104,
    watts: 3068,
    boards: 3,
    fanCount: 4,
    startedAt: 0,
    accepted: 10,
    rejected: 1,
    stale: 0,
    hardwareErrors: 3,
    polls: 1,
    faults: new Set(faults) as SimMinerState['faults'],
  });

  it.each([[], ['sleep'], ['errorCode'], ['hashdrop'], ['hijack', 'poolSwitch'], ['fanMissing', 'tuning']])(
    'answers what the document describes (faults %j)',
    (...faults) => {
      const s = sim(...(faults as string[]));
      expect(valid('InfoJson', vnishInfo(s, 200_000_000))).toEqual([]);
      expect(valid('Summary', vnishSummary(s, 200_000_000))).toEqual([]);
      expect(valid('StatusPane', vnishStatus(s, 200_000_000))).toEqual([]);
    }
  );

  it("faults reach the proxy's reading", () => {
    const read = (...faults: string[]) => vnishSnapshot(vnishInfo(sim(...faults), 0), vnishSummary(sim(...faults), 0));
    const normal = read();
    expect([
      normal.boards.length,
      normal.fans.length,
      normal.measuredWatts,
      normal.state,
      normal.errors,
      normal.pools.length,
    ]).toEqual([3, 4, 3068, 'mining', [], 2]);
    expect(read('hot').boards[0]!.chipTemp).toBe(normal.boards[0]!.chipTemp! + 32);
    expect(read('fan0').fans[0]).toBe(0);
    expect(read('fanMissing').fans).toHaveLength(3);
    expect(read('hashdrop').boards.map((b) => b.status)).toEqual(['Alive', 'Alive', 'failure']);
    expect(read('sleep')).toMatchObject({ state: 'sleeping', hashrate: 0 });
    expect(read('tuning').state).toBe('tuning');
    expect(read('errorCode').errors).toEqual(['failure: Chain 1 has not enough chips (code 1)']);
    expect(read('hijack').pools.find((p) => p.active)).toMatchObject({
      url: 'stratum+tcp://attacker.pool.example:3333',
      user: 'attacker.rig1',
    });
    expect(read('poolSwitch').pools.map((p) => [p.status, p.active])).toEqual([
      ['Dead', false],
      ['Alive', true],
    ]);
  });
});
