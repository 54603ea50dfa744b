// cgminer source against the fleet simulator over real TCP on loopback: every firmware flavour,
// every repaired defect, every fault, discovery on a loopback CIDR, and proof from the
// simulator's side that no privileged command ever arrives.
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frameColumn, type DataFrameJSON, MINER_FIELDS, FLEET_FIELDS } from '@nodescope/shared';
import { startCgminerFleet, type CgminerFleet } from '../src/simulators/cgminer/fleet.js';
import { sendCommands, CgminerStatusError } from '../src/sources/cgminer/client.js';
import { PrivilegedCommandError, READ_ONLY_COMMANDS } from '../src/sources/cgminer/commands.js';
import { cgminerConfigSchema } from '../src/sources/cgminer/config.js';
import { fleetOf } from '../src/sources/capabilities.js';
import { createCgminerSource, type CgminerSource } from '../src/sources/cgminer/index.js';
import { QueryInputError, UpstreamError, type QueryInput } from '../src/sources/types.js';
import { createTestContext } from './helpers.js';

const query = (params: QueryInput['params'] = {}, range = { from: 0, to: Date.now() + 60_000 }): QueryInput => ({
  params,
  range,
  intervalMs: 1000,
  maxDataPoints: 1000,
});

function row(frame: DataFrameJSON, miner: string): Record<string, unknown> {
  const names = frameColumn<string>(frame, MINER_FIELDS.miner)!;
  const index = names.indexOf(miner);
  expect(index, `miner ${miner} in table`).toBeGreaterThanOrEqual(0);
  return Object.fromEntries(frame.schema.fields.map((f, i) => [f.name, frame.data.values[i]![index]]));
}

function build(fleet: CgminerFleet, extra: Record<string, unknown> = {}) {
  const context = createTestContext();
  const config = cgminerConfigSchema.parse({
    id: 'farm',
    kind: 'cgminer',
    miners: fleet.miners.map((m) => ({
      host: m.host,
      port: m.port,
      name: m.name,
      // the stock cgminer rig reports a model the power table does not know: config power applies
      ...(m.flavour === 'cgminer' ? { powerWatts: 1200 } : {}),
    })),
    // generous: the suite shares the machine; only the slow fault (3 s) must exceed it
    timeoutMs: 1_000,
    connectTimeoutMs: 1_000,
    jitter: 0,
    concurrency: 8,
    ...extra,
  });
  const source = createCgminerSource(config, context) as CgminerSource;
  return { source, context };
}

describe('cgminer source over TCP', () => {
  let fleet: CgminerFleet;
  let source: CgminerSource;
  let context: ReturnType<typeof createTestContext>;

  beforeAll(async () => {
    fleet = await startCgminerFleet({ count: 4, slowMs: 3_000 });
    ({ source, context } = build(fleet));
  });
  afterEach(async () => {
    await fleet.clearFaults();
  });
  afterAll(async () => {
    await source.stop();
    await fleet.close();
  });

  it('reads every firmware flavour into one model', async () => {
    await source.fleet.pollNow();
    const [table] = await source.queries.miners!(query());
    const expected = {
      'cgminer-0001': { flavour: 'cgminer', model: 'Avalon 1066', powerSource: 'config', powerWatts: 1200, th: 50 },
      'bmminer-0002': { flavour: 'bmminer', model: 'Antminer S19 Pro', powerSource: 'model', powerWatts: 3250, th: 110 },
      'braiins-0003': { flavour: 'braiins', model: 'Antminer S19j Pro', powerSource: 'measured', powerWatts: 2950, th: 100 },
      // btminer's devdetails Model carries the hardware revision (asic-rs@fdcd101:src/factory.rs:886)
      'whatsminer-0004': { flavour: 'whatsminer', model: 'M30S+_VE40', powerSource: 'measured', powerWatts: 3400, th: 100 },
    };
    for (const [name, want] of Object.entries(expected)) {
      const r = row(table!, name);
      expect(r).toMatchObject({ flavour: want.flavour, model: want.model, status: 'online', powerSource: want.powerSource, powerWatts: want.powerWatts });
      // simulator wobble is ±1 % of nominal
      expect(r.hashrate as number).toBeGreaterThan(want.th * 1e12 * 0.98);
      expect(r.hashrate as number).toBeLessThan(want.th * 1e12 * 1.02);
      expect(r.maxTemp as number).toBeGreaterThan(50);
      expect(r.pool).toBe('stratum+tcp://btc.pool-a.example:3333');
    }
    const bm = fleet.miners[1]!;
    const [boards, fans] = await source.queries['miner.devices']!(query({ miner: bm.name }));
    expect(frameColumn(boards!, 'chipTemp')).toEqual([72, 74, 76]);
    expect(frameColumn(fans!, 'rpm')).toEqual([5400, 5460, 5520, 5580]);
    const [pools] = await source.queries['miner.pools']!(query({ miner: bm.name }));
    expect(frameColumn(pools!, 'active')).toEqual([true, false]);
    const [summary] = await source.queries['fleet.summary']!(query());
    expect(frameColumn(summary!, FLEET_FIELDS.online)).toEqual([4]);
    expect(frameColumn(summary!, FLEET_FIELDS.powerWatts)).toEqual([1200 + 3250 + 2950 + 3400]);
    expect(source.health().status).toBe('ok');
  });

  it('repairs each flavour\'s broken JSON on the wire and counts the repairs', async () => {
    for (const miner of fleet.miners) await fleet.setFault(miner.index, 'brokenJson');
    await source.fleet.pollNow();
    const [table] = await source.queries.miners!(query());
    for (const miner of fleet.miners) expect(row(table!, miner.name)).toMatchObject({ status: 'online', error: '' });
    const text = await context.metrics.registry.metrics();
    for (const kind of ['leading-comma', 'missing-comma', 'trailing-comma', 'control', 'control-in-string', 'non-finite']) {
      expect(text).toMatch(new RegExp(`mining_json_repairs_total\\{source="farm",kind="${kind}"\\} [1-9]`));
    }
  });

  it('an unrepairable reply is an error on a reachable miner, not an offline one', async () => {
    await source.fleet.pollNow();
    await fleet.setFault(0, 'garbage');
    await source.fleet.pollNow();
    const r = row((await source.queries.miners!(query()))[0]!, fleet.miners[0]!.name);
    expect(r.status).toBe('online');
    expect(r.error).toMatch(/unrepairable JSON/);
  });

  it('offline and back online: status, since-times and annotations', async () => {
    const miner = fleet.miners[2]!;
    await source.fleet.pollNow();
    await fleet.setFault(miner.index, 'offline');
    await source.fleet.pollNow();
    let r = row((await source.queries.miners!(query()))[0]!, miner.name);
    expect(r.status).toBe('offline');
    expect(r.hashrate).toBe(0);
    const offlineSince = r.since as number;
    expect(source.health().status).toBe('degraded');
    await fleet.setFault(miner.index, 'offline', false);
    await source.fleet.pollNow();
    r = row((await source.queries.miners!(query()))[0]!, miner.name);
    expect(r.status).toBe('online');
    expect(r.since as number).toBeGreaterThanOrEqual(offlineSince);
    const notes = await source.annotations!['miner.status']!({ from: 0, to: Date.now() + 1000 });
    const mine = notes.filter((n) => n.tags.includes(miner.name)).map((n) => n.tags[1]);
    expect(mine).toEqual(expect.arrayContaining(['offline', 'online']));
    expect(fleetOf(source)!.miners().find((m) => m.name === miner.name)!.status).toBe('online');
  });

  it('hot board, fan 0, reject spike and hashrate drop show in the table and history', async () => {
    const [cg, bm, br, wm] = fleet.miners as [typeof fleet.miners[0], typeof fleet.miners[0], typeof fleet.miners[0], typeof fleet.miners[0]];
    await source.fleet.pollNow();
    await fleet.setFault(bm.index, 'hot');
    await fleet.setFault(br.index, 'fan0');
    await fleet.setFault(wm.index, 'rejects');
    await fleet.setFault(cg.index, 'hashdrop');
    await fleet.setFault(br.index, 'hashdrop');
    await source.fleet.pollNow();
    const [table] = await source.queries.miners!(query());
    expect(row(table!, bm.name).maxTemp as number).toBeGreaterThan(100);
    expect(row(table!, br.name).fanMin).toBe(0);
    expect(row(table!, cg.name).hashrate as number).toBeLessThan(50e12 * 0.35);
    // the Avalon has one device (asic-rs avalonminer/devs.json): the three-board Braiins shows the dead board
    const [boards] = await source.queries['miner.devices']!(query({ miner: br.name }));
    expect(frameColumn(boards!, 'status')).toEqual(['Alive', 'Alive', 'Dead']);
    const [history] = await source.queries['miner.history']!(query({ miner: wm.name }));
    const rejected = frameColumn<number | null>(history!, 'rejected')!;
    expect(rejected.at(-1)).toBe(25);
    const metrics = await context.metrics.registry.metrics();
    expect(metrics).toMatch(new RegExp(`mining_fan_min_rpm\\{source="farm",miner="${br.name}"\\} 0`));
    expect(metrics).toMatch(new RegExp(`mining_temperature_max_celsius\\{source="farm",miner="${bm.name}"\\} 10\\d`));
    expect(metrics).toMatch(new RegExp(`mining_up\\{source="farm",miner="${bm.name}"\\} 1`));
    expect(metrics).toMatch(/mining_shares_rejected_total\{source="farm",miner="whatsminer-0004"\} \d+/);
  });

  it('a slow miner hits the per-miner timeout and goes offline without holding up the others', async () => {
    const slow = fleet.miners[3]!;
    await fleet.setFault(slow.index, 'slow');
    await source.fleet.pollNow();
    const [table] = await source.queries.miners!(query());
    expect(row(table!, slow.name)).toMatchObject({ status: 'offline' });
    expect(row(table!, slow.name).error).toMatch(/no complete reply within 1000 ms/);
    expect(row(table!, fleet.miners[0]!.name).status).toBe('online');
  });

  it('a pool switch becomes an annotation', async () => {
    const miner = fleet.miners[1]!;
    await source.fleet.pollNow();
    await fleet.setFault(miner.index, 'poolSwitch');
    await source.fleet.pollNow();
    const notes = await source.annotations!['miner.status']!({ from: 0, to: Date.now() + 1000 });
    expect(notes.some((n) => n.tags.includes('pool') && n.text.includes('pool-b'))).toBe(true);
    const [pools] = await source.queries['miner.pools']!(query({ miner: miner.name }));
    expect(frameColumn(pools!, 'active')).toEqual([false, true]);
  });

  it('bad query params are client errors', async () => {
    await expect(source.queries['miner.devices']!(query())).rejects.toThrow(QueryInputError);
    await expect(source.queries['miner.pools']!(query({ miner: 'no-such-rig' }))).rejects.toThrow(/unknown miner "no-such-rig"/);
    await expect(source.queries.miners!(query({ status: 'sleeping' }))).rejects.toThrow(QueryInputError);
    const [online] = await source.queries.miners!(query({ status: 'online' }));
    expect(frameColumn(online!, MINER_FIELDS.status)!.every((s) => s === 'online')).toBe(true);
    const vars = await source.variables!.miners!({});
    expect(vars.map((v) => v.value)).toEqual(fleet.miners.map((m) => m.name));
  });

  it('the STATUS envelope: an E reply becomes a CgminerStatusError with its code', async () => {
    // btminer has no `version`: {"STATUS":"E","Code":14,"Msg":"invalid cmd","Description":"whatsminer v1.1"}
    // (the refusal recorded in test/fixtures/miners/README.md; a bare STATUS letter, as btminer's own replies have)
    const wm = fleet.miners[3]!;
    const error = await sendCommands(wm, ['version'], { connectTimeoutMs: 2_000, timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CgminerStatusError);
    expect(error).toMatchObject({ statusCode: 14, statusLetter: 'E', description: 'whatsminer v1.1' });
    expect((error as Error).message).toBe('version: miner replied E code 14: invalid cmd');
  });

  it('privileged or unknown commands are refused before any socket opens', async () => {
    const before = fleet.connections;
    for (const command of [['restart'], ['quit'], ['summary', 'addpool'], ['summary+restart'], ['ascset|0,freq,700'], ['pgaset'], ['switchpool'], ['setconfig'], ['reboot'], ['power_off'], ['privileged'], []]) {
      await expect(sendCommands(fleet.miners[0]!, command, { connectTimeoutMs: 300, timeoutMs: 400 })).rejects.toThrow(PrivilegedCommandError);
    }
    expect(fleet.connections).toBe(before);
  });

  it('no command outside the read-only list ever reached the simulator (checked on its side)', () => {
    const received = Object.keys(fleet.commandCounts());
    expect(received.length).toBeGreaterThan(3);
    for (const command of received) expect(READ_ONLY_COMMANDS as readonly string[]).toContain(command);
  });
});

describe('the simulator counts what it receives (so the check above can fail)', () => {
  it('a raw privileged command sent around the client is counted and denied with code 45', async () => {
    const fleet = await startCgminerFleet({ count: 1, flavours: ['cgminer'] });
    try {
      const miner = fleet.miners[0]!;
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: miner.host, port: miner.port }, () => socket.write('{"command":"restart"}'));
        let text = '';
        socket.on('data', (d) => (text += d.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(fleet.commandCounts()).toEqual({ restart: 1 });
      expect(JSON.parse(reply.replace(/\u0000$/, '')).STATUS[0]).toMatchObject({ STATUS: 'E', Code: 45 });
    } finally {
      await fleet.close();
    }
  });
});

describe('discovery on a loopback CIDR', () => {
  it('finds the miners on 127.77.0.0/28, skips empty addresses, shows progress, feeds variables', async () => {
    const fleet = await startCgminerFleet({ hosts: ['127.77.0.2', '127.77.0.5', '127.77.0.9'], flavours: ['bmminer', 'braiins', 'whatsminer'] });
    const port = fleet.miners[0]!.port;
    const context = createTestContext();
    const config = cgminerConfigSchema.parse({
      id: 'scan',
      kind: 'cgminer',
      discover: { cidr: '127.77.0.0/28', port, timeoutMs: 1_500, concurrency: 4, everySeconds: 0 },
      timeoutMs: 2_000,
      jitter: 0,
    });
    const source = createCgminerSource(config, context) as CgminerSource;
    try {
      const running = source.fleet.discoverNow();
      expect(source.fleet.progress.running).toBe(true);
      expect(source.fleet.progress.total).toBe(14); // /28 without network and broadcast
      await running;
      expect(source.fleet.progress).toMatchObject({ running: false, scanned: 14, found: 3 });
      const vars = await source.variables!.miners!({});
      expect(vars.map((v) => v.value)).toEqual([`127.77.0.2:${port}`, `127.77.0.5:${port}`, `127.77.0.9:${port}`]);
      await source.fleet.pollNow();
      const [table] = await source.queries.miners!(query());
      expect(frameColumn(table!, MINER_FIELDS.flavour)).toEqual(['bmminer', 'braiins', 'whatsminer']);
      expect(frameColumn(table!, MINER_FIELDS.status)).toEqual(['online', 'online', 'online']);
      // identification used read-only commands only
      expect(Object.keys(fleet.commandCounts()).every((c) => (READ_ONLY_COMMANDS as readonly string[]).includes(c))).toBe(true);
    } finally {
      await source.stop();
      await fleet.close();
    }
  });

  it('config refuses a range wider than /16 and non-CIDR text', () => {
    expect(() => cgminerConfigSchema.parse({ id: 'x', kind: 'cgminer', discover: { cidr: '10.0.0.0/8' } })).toThrow(/CIDR/);
    expect(() => cgminerConfigSchema.parse({ id: 'x', kind: 'cgminer', discover: { cidr: 'http://evil/' } })).toThrow(/CIDR/);
  });
});

it('a reply without NUL on a connection left open is taken at the deadline; a cut one is refused', async () => {
  const { createServer } = await import('node:net');
  const bodies = [
    '{"STATUS":[{"STATUS":"S","When":1,"Code":22,"Msg":"CGMiner versions","Description":"cgminer 4.11.1"}],"VERSION":[{"CGMiner":"4.11.1","API":"3.7"}],"id":1}',
    '{"STATUS":[{"STATUS":"S","When":1,"Code":22,"Msg":"CGMiner versions"',
  ];
  let next = 0;
  const server = createServer((socket) => socket.once('data', () => socket.write(bodies[next++]!))); // never ends, never NUL
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const endpoint = { host: '127.0.0.1', port: (server.address() as { port: number }).port };
  try {
    const ok = await sendCommands(endpoint, ['version'], { connectTimeoutMs: 1_000, timeoutMs: 500 });
    expect(ok.documents.version?.VERSION).toEqual([{ CGMiner: '4.11.1', API: '3.7' }]);
    await expect(sendCommands(endpoint, ['version'], { connectTimeoutMs: 1_000, timeoutMs: 500 })).rejects.toThrow(/unrepairable JSON/);
  } finally {
    server.close();
  }
});

it('a miner that connects and never answers is held to the total timeout, not the shorter connect timeout', async () => {
  // one timer serves both deadlines (client.ts): once connected it is set again for the rest of the total
  const { createServer } = await import('node:net');
  const server = createServer((socket) => socket.on('data', () => undefined)); // reads, never replies
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const endpoint = { host: '127.0.0.1', port: (server.address() as { port: number }).port };
  try {
    await expect(sendCommands(endpoint, ['summary'], { connectTimeoutMs: 50, timeoutMs: 300 })).rejects.toThrow(
      `127.0.0.1:${endpoint.port}: no complete reply within 300 ms`
    );
  } finally {
    server.close();
  }
});

it('connection refused is an UpstreamError naming the address', async () => {
  const fleet = await startCgminerFleet({ count: 1 });
  const { host, port } = fleet.miners[0]!;
  await fleet.close();
  await expect(sendCommands({ host, port }, ['summary'], { connectTimeoutMs: 300, timeoutMs: 400 })).rejects.toThrow(UpstreamError);
});

describe('the pools variable narrowed to some miners', () => {
  it('lists the pools of the named miners only (one, a comma list, Grafana multi-value), the fleet for all', async () => {
    const fleet = await startCgminerFleet({ count: 3 });
    try {
      // a miner that never answered has no pools to list
      const [up, alsoUp, down] = fleet.miners;
      await fleet.setFault(down!.index, 'offline');
      const { source } = build(fleet);
      await source.fleet.pollNow();
      const pools = async (miner?: string) => (await source.variables!.pools!(miner === undefined ? {} : { miner })).map((v) => v.value);
      const everyPool = ['stratum+tcp://btc.pool-a.example:3333', 'stratum+tcp://btc.pool-b.example:443'];
      expect(await pools()).toEqual(everyPool);
      expect(await pools('all')).toEqual(everyPool);
      expect(await pools('$__all')).toEqual(everyPool);
      expect(await pools(down!.name)).toEqual([]);
      expect(await pools(up!.name)).toEqual(everyPool);
      expect(await pools(`{${down!.name},${alsoUp!.name}}`)).toEqual(everyPool);
      expect(await pools(` ${down!.name} , ${down!.name} `)).toEqual([]);
      await expect(pools('no-such-rig')).rejects.toThrow(QueryInputError);
      await source.stop();
    } finally {
      await fleet.close();
    }
  });
});
