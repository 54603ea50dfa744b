// cgminer source wiring beyond the poll itself: metric detail levels, pool-switch series,
// streams, history rings snapshotted and restored, the simulators' control CLIs.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameColumn, type DataFrameJSON } from '@nodescope/shared';
import { startFleetControl } from '../src/simulators/cgminer/cli.js';
import { startCgminerFleet, type CgminerFleet } from '../src/simulators/cgminer/fleet.js';
import { startMarketControl } from '../src/simulators/market/cli.js';
import { startMarketSimulator } from '../src/simulators/market/index.js';
import { createCgminerSource, type CgminerSource } from '../src/sources/cgminer/index.js';
import type { Identity } from '../src/sources/cgminer/model.js';
import { FleetPoller } from '../src/sources/cgminer/poller.js';
import { HistoryStore } from '../src/core/history.js';
import type { QueryInput } from '../src/sources/types.js';
import { createTestContext, tempDir } from './helpers.js';
import { cgminerConfigFor } from './cgminerConfig.js';

const query = (params: QueryInput['params'] = {}): QueryInput => ({ params, range: { from: 0, to: Date.now() + 60_000 }, intervalMs: 1000, maxDataPoints: 1000 });

let fleet: CgminerFleet;
beforeAll(async () => {
  fleet = await startCgminerFleet({ count: 2, flavours: ['bmminer', 'braiins'] });
});
afterAll(async () => {
  await fleet.close();
});

function build(extra: Record<string, unknown> = {}, context = createTestContext()) {
  const config = cgminerConfigFor(fleet, extra);
  return { source: createCgminerSource(config, context) as CgminerSource, context };
}

describe('metricsDetail', () => {
  it.each([
    ['fleet', ['mining_up', 'mining_hashrate_hashes_per_second'], ['mining_temperature_max_celsius', 'mining_board_temperature_celsius']],
    ['miner', ['mining_temperature_max_celsius', 'mining_fan_min_rpm', 'mining_power_watts', 'mining_info'], ['mining_board_temperature_celsius', 'mining_fan_rpm{']],
    ['boards', ['mining_board_temperature_celsius', 'mining_fan_rpm{', 'mining_pool_up'], []],
  ])('%s', async (detail, present, absent) => {
    const { source, context } = build({ metricsDetail: detail });
    await source.fleet.pollNow();
    const text = await context.metrics.registry.metrics();
    for (const name of present) expect(text).toMatch(new RegExp(`^${name.replace('{', '\\{')}.*source="farm"`, 'm'));
    for (const name of absent) expect(text).not.toMatch(new RegExp(`^${name.replace('{', '\\{')}`, 'm'));
    expect(text).toMatch(/mining_fleet_miners\{source="farm",status="online"\} 2/);
  });
});

it('a pool switch replaces the mining_pool_active_info series instead of leaving the old one', async () => {
  const { source, context } = build();
  await source.fleet.pollNow();
  await fleet.setFault(0, 'poolSwitch');
  try {
    await source.fleet.pollNow();
    const lines = (await context.metrics.registry.metrics()).split('\n').filter((l) => l.startsWith('mining_pool_active_info') && l.includes('bmminer-0001'));
    expect(lines).toEqual(['mining_pool_active_info{source="farm",miner="bmminer-0001",pool="stratum+tcp://btc.pool-b.example:443"} 1']);
  } finally {
    await fleet.setFault(0, 'poolSwitch', false);
  }
});

it('streams fleet.summary and miners after each poll cycle, and stop unsubscribes', async () => {
  const { source } = build();
  const got: DataFrameJSON[] = [];
  const stop = source.streams!['fleet.summary']!((frame) => got.push(frame), {});
  const stopMiners = source.streams!.miners!((frame) => got.push(frame), {});
  await source.fleet.pollNow();
  expect(got.map((f) => f.schema.name)).toEqual(['fleet.summary', 'miners']);
  stop();
  stopMiners();
  await source.fleet.pollNow();
  expect(got).toHaveLength(2);
});

it('miner history rings are snapshotted to disk and come back after a restart', async () => {
  const dir = await tempDir();
  try {
    const file = join(dir.path, 'history.json');
    const first = build({}, createTestContext({ historyFile: file }));
    await first.source.fleet.pollNow();
    await first.source.fleet.pollNow();
    await first.context.history.snapshot();

    const context = createTestContext({ historyFile: file });
    await context.history.restore();
    const second = build({}, context);
    const [history] = await second.source.queries['miner.history']!(query({ miner: fleet.miners[0]!.name }));
    expect(frameColumn(history!, 'time')).toHaveLength(2);
    expect((frameColumn<number>(history!, 'hashrate') ?? [])[0]).toBeGreaterThan(100e12);
  } finally {
    await dir.remove();
  }
});

it('firmware that refuses `version+devdetails` is identified with the commands one by one', async () => {
  const picky = await startCgminerFleet({ count: 2, flavours: ['whatsminer', 'bmminer'], noMultiCommand: ['whatsminer'] });
  const context = createTestContext();
  const source = createCgminerSource(
    cgminerConfigFor(picky, {}, 'picky'),
    context
  ) as CgminerSource;
  try {
    await source.fleet.pollNow();
    const [table] = await source.queries.miners!(query());
    expect(frameColumn(table!, 'flavour')).toEqual(['whatsminer', 'bmminer']);
    expect(frameColumn(table!, 'model')).toEqual(['M30S+_VE40', 'Antminer S19 Pro']);
    expect(frameColumn(table!, 'status')).toEqual(['online', 'online']);
    // whatsminer: one refused `+` try, then version and devdetails alone; bmminer: the `+` form only
    expect(picky.miners[0]!.received.get('version')).toBe(2);
    expect(picky.miners[1]!.received.get('version')).toBe(1);
  } finally {
    await source.stop();
    await picky.close();
  }
});

it('a joined poll reads what the same commands one by one read; firmware refusing `+` is asked one by one from then on', async () => {
  // two fleets on one frozen clock and state: one answers joined requests, one refuses every `a+b`
  // as a whole (an unknown command, as cgminer answers a name it does not know: ckolivas/cgminer@b8491c6:api.c:5165-5180)
  const at = Date.UTC(2026, 0, 1);
  const flavours = ['cgminer', 'bmminer', 'braiins', 'whatsminer'] as const;
  const joined = await startCgminerFleet({ count: 4, flavours: [...flavours], frozen: true, now: () => at });
  const picky = await startCgminerFleet({ count: 4, flavours: [...flavours], frozen: true, now: () => at, noMultiCommand: [...flavours] });
  const poll = (sim: CgminerFleet) => {
    const poller = new FleetPoller({ sourceId: 's', client: { connectTimeoutMs: 2_000, timeoutMs: 2_000 }, concurrency: 4, jitterMs: 0, historySize: 5, history: new HistoryStore(), now: () => at });
    // identities known (as after discovery), so only the poll's own requests are counted
    for (const m of sim.miners) poller.add({ host: m.host, port: m.port, name: m.name, identity: { flavour: m.flavour, model: m.model, firmware: null } as Identity });
    return poller;
  };
  try {
    const a = poll(joined);
    const b = poll(picky);
    await a.pollAll();
    await b.pollAll();
    const records = (p: FleetPoller) => [...p.miners.values()];
    expect(records(a).map((r) => r.status)).toEqual(['online', 'online', 'online', 'online']);
    expect(records(b).map((r) => r.status)).toEqual(['online', 'online', 'online', 'online']);
    records(a).forEach((r, i) => expect(records(b)[i]!.snapshot, r.name).toEqual(r.snapshot));
    // one connection per miner, whatsminer two (`status` alone); the picky fleet: one refused
    // joined try each, then every command alone (4 + 3 + 6 + 4)
    expect(joined.connections).toBe(5);
    expect(picky.connections).toBe(4 + 17);
    await a.pollAll();
    await b.pollAll();
    expect(joined.connections).toBe(10);
    expect(picky.connections).toBe(21 + 17);
    records(a).forEach((r, i) => expect(records(b)[i]!.snapshot, r.name).toEqual(r.snapshot));
  } finally {
    await joined.close();
    await picky.close();
  }
});

it('a Whatsminer that refuses `status` sent alone is still polled from its joined reply (no state), not failed', async () => {
  // btminer's refusal as the simulator answers an unknown command (flavours.ts btminerRefusal);
  // every other request goes through to a simulated Whatsminer
  const { createServer, connect } = await import('node:net');
  const sim = await startCgminerFleet({ count: 1, flavours: ['whatsminer'] });
  const miner = sim.miners[0]!;
  const front = createServer((client) => {
    client.once('data', (request) => {
      if (JSON.parse(request.toString()).command === 'status') {
        client.end('{"STATUS":"E","When":1,"Code":14,"Msg":"invalid cmd","Description":"whatsminer v1.1"}\u0000');
        return;
      }
      const upstream = connect({ host: miner.host, port: miner.port }, () => upstream.write(request));
      upstream.pipe(client);
      upstream.on('error', () => client.destroy());
    });
  });
  await new Promise<void>((resolve) => front.listen({ host: '127.0.0.1', port: 0 }, resolve));
  try {
    const poller = new FleetPoller({ sourceId: 's', client: { connectTimeoutMs: 2_000, timeoutMs: 2_000 }, concurrency: 1, jitterMs: 0, historySize: 5, history: new HistoryStore(), now: Date.now });
    const record = poller.add({ host: '127.0.0.1', port: (front.address() as { port: number }).port, name: 'wm', identity: { flavour: 'whatsminer', model: miner.model, firmware: null } });
    await poller.pollAll();
    expect(record.status).toBe('online');
    expect(record.lastError).toBeNull();
    expect(record.snapshot?.hashrate).toBeGreaterThan(50e12);
    expect(record.snapshot?.state ?? null).toBeNull();
    expect(miner.received.get('summary')).toBe(1);
  } finally {
    front.close();
    await sim.close();
  }
});

it('the fleet control API sets faults and reports received commands', async () => {
  const control = await startFleetControl(fleet);
  try {
    const response = await fetch(`${control.url}/faults`, { method: 'POST', body: JSON.stringify({ miner: 'braiins-0002', fault: 'fan0' }) });
    expect(response.status).toBe(200);
    expect(fleet.miners[1]!.state.faults.has('fan0')).toBe(true);
    const bad = await fetch(`${control.url}/faults`, { method: 'POST', body: JSON.stringify({ miner: 'braiins-0002', fault: 'explode' }) });
    expect(bad.status).toBe(400);
    const miners = (await (await fetch(`${control.url}/miners`)).json()) as Array<{ name: string; faults: string[] }>;
    expect(miners[1]).toMatchObject({ name: 'braiins-0002', faults: ['fan0'] });
  } finally {
    await fleet.setFault(1, 'fan0', false);
    await control.close();
  }
});

it('the market control API sets faults and market state', async () => {
  const sim = await startMarketSimulator();
  const control = await startMarketControl(sim);
  try {
    await fetch(`${control.url}/fault`, { method: 'POST', body: JSON.stringify({ api: 'coingecko', fault: 'ratelimit' }) });
    const limited = await fetch(`${sim.url}/api/v3/simple/price?ids=bitcoin&vs_currencies=usd`);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { status: { error_code: number } }).status.error_code).toBe(429);
    await fetch(`${control.url}/fault`, { method: 'POST', body: JSON.stringify({ api: 'coingecko', fault: 'ok' }) });
    await fetch(`${control.url}/state`, { method: 'POST', body: JSON.stringify({ priceUsd: 50_000 }) });
    expect(await (await fetch(`${sim.url}/api/v3/simple/price?ids=bitcoin&vs_currencies=usd,eur`)).json()).toEqual({ bitcoin: { usd: 50_000, eur: 46_000 } });
    expect(await (await fetch(`${sim.url}/q/getblockcount`)).text()).toBe('870000');
  } finally {
    await control.close();
    await sim.close();
  }
});

describe('an unreachable miner, as an operator reads it', () => {
  it('is logged once when it goes and once when it returns, and no component vouches for miners nobody could ask', async () => {
    const { source, context } = build({ timeoutMs: 300 });
    await source.fleet.pollNow();
    const lines = () => context.logs.lines.filter((line) => line.includes('bmminer-0001') && /offline|back online/.test(line));
    await fleet.setFault(0, 'offline');
    await fleet.setFault(1, 'offline');
    try {
      for (let i = 0; i < 3; i++) await source.fleet.pollNow();
      expect(lines()).toHaveLength(1);
      expect(lines()[0]).toMatch(/"level":40.*bmminer-0001 offline/);
      const health = source.health();
      expect(health.status).toBe('down');
      // every miner offline: "every fan turning" would be a claim about miners nobody asked
      expect(health.components!.fans).toMatchObject({ status: 'down', message: 'not checked: none of 2 miners answered' });
      await fleet.setFault(1, 'offline', false);
      await source.fleet.pollNow();
      expect(source.health().components!.fans!.message).toBe('every fan turning (of the 1 of 2 miners that answered)');
    } finally {
      await fleet.setFault(0, 'offline', false);
      await fleet.setFault(1, 'offline', false);
    }
    await source.fleet.pollNow();
    expect(lines()).toHaveLength(2);
    expect(lines()[1]).toMatch(/"level":30.*bmminer-0001 back online/);
    await source.stop();
  });
});
