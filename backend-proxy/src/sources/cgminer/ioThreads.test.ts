import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../../core/errors.js';
import { startCgminerFleet, type CgminerFleet } from '../../simulators/cgminer/fleet.js';
import type { SimFault } from '../../simulators/cgminer/flavours.js';
import { testPoller } from '../../../test/cgminerReplay.js';
import { ioThreadCount, IoThreads } from './ioThreads.js';
import { FleetPoller, type MinerRecord } from './poller.js';
import { nulExchange, type Exchange } from './tcp.js';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function threads(count = 2): IoThreads {
  const io = new IoThreads(count);
  cleanups.push(() => io.close());
  return io;
}

async function listen(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { server, port: (server.address() as { port: number }).port };
}

/** What an exchange settles to, as plain data (an error's class, message and code). */
async function outcome(exchange: Exchange, port: number, options = { connectTimeoutMs: 500, timeoutMs: 500 }) {
  try {
    return { reply: await exchange({ host: '127.0.0.1', port }, '{"command":"summary"}', options) };
  } catch (error) {
    const e = error as UpstreamError;
    return { error: { upstream: e instanceof UpstreamError, name: e.name, message: e.message, code: e.code } };
  }
}

describe('ioThreadCount', () => {
  it.each([
    ['auto', 1, 0],
    ['auto', 2, 1],
    ['auto', 8, 4],
    [0, 8, 0],
    [3, 2, 3],
  ] as const)('%s on %i CPUs: %i threads', (setting, cpus, expected) => {
    expect(ioThreadCount(setting, cpus)).toBe(expected);
  });
});

describe('IoThreads', () => {
  it('settles each exchange as nulExchange does on this thread: a reply up to the NUL, refused, closed without a reply, too large, timed out', async () => {
    const io = threads();
    const replying = await listen((socket) => socket.once('data', () => socket.end('{"STATUS":[{"STATUS":"S"}],"id":1}\u0000ignored')));
    const silent = await listen((socket) => socket.once('data', () => socket.end()));
    const hanging = await listen((socket) => socket.resume()); // reads, never answers
    const big = await listen((socket) => socket.once('data', () => socket.end(`${'x'.repeat(64)}\u0000`)));
    const closed = await listen((socket) => socket.resume());
    await new Promise((resolve) => closed.server.close(resolve));
    const cases: Array<[number, { connectTimeoutMs: number; timeoutMs: number; maxBytes?: number }]> = [
      [replying.port, { connectTimeoutMs: 500, timeoutMs: 500 }],
      [silent.port, { connectTimeoutMs: 500, timeoutMs: 500 }],
      [hanging.port, { connectTimeoutMs: 500, timeoutMs: 150 }],
      [big.port, { connectTimeoutMs: 500, timeoutMs: 500, maxBytes: 16 }],
      [closed.port, { connectTimeoutMs: 500, timeoutMs: 500 }],
    ];
    for (const [port, options] of cases) {
      const plain = await outcome(nulExchange, port, options);
      expect(await outcome(io.exchange, port, options), `port ${port}`).toEqual(plain);
    }
    // and the outcomes are the ones named, not five equal failures
    const seen = await Promise.all(cases.map(([port, options]) => outcome(io.exchange, port, options)));
    expect(seen[0]).toEqual({ reply: { text: '{"STATUS":[{"STATUS":"S"}],"id":1}', bytes: 34 } });
    expect(seen.slice(1).map((s) => s.error?.code)).toEqual(['empty', 'timeout', 'too-large', 'ECONNREFUSED']);
    expect(seen.slice(1).every((s) => s.error?.upstream)).toBe(true);
  });

  it('close() fails the exchanges in flight; the next exchange starts new threads', async () => {
    const io = threads(1);
    const hanging = await listen((socket) => socket.resume()); // reads, never answers
    const inFlight = outcome(io.exchange, hanging.port, { connectTimeoutMs: 5_000, timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await io.close();
    expect((await inFlight).error).toMatchObject({ upstream: true, code: 'stopped' });
    const replying = await listen((socket) => socket.once('data', () => socket.end('{}\u0000')));
    expect(await outcome(io.exchange, replying.port)).toEqual({ reply: { text: '{}', bytes: 2 } });
  });

  it('a thread that cannot start (its module missing, as from a bundle without it) leaves the exchanges to this thread', async () => {
    const io = new IoThreads(1, new URL('./no-such-worker.js', import.meta.url));
    cleanups.push(() => io.close());
    const replying = await listen((socket) => socket.once('data', () => socket.end('{"id":1}\u0000')));
    const answers = await Promise.all([outcome(io.exchange, replying.port), outcome(io.exchange, replying.port)]);
    expect(answers).toEqual([0, 1].map(() => ({ reply: { text: '{"id":1}', bytes: 8 } })));
    expect(io.unavailable).toMatch(/no-such-worker|Cannot find module/);
    expect(await outcome(io.exchange, replying.port)).toEqual({ reply: { text: '{"id":1}', bytes: 8 } });
  });
});

describe('FleetPoller on I/O threads', () => {
  // the same frozen fleet read by two pollers, one exchanging on this thread, one on I/O threads:
  // every record must come out the same, with faults that fail, cut or repair a reply
  const FAULTS: Array<[number, SimFault]> = [
    [1, 'offline'],
    [2, 'garbage'],
    [3, 'brokenJson'],
    [5, 'slow'],
    [6, 'brokenJson'],
    [7, 'errorCode'],
  ];
  const at = Date.UTC(2026, 0, 1);

  async function frozenFleet(): Promise<CgminerFleet> {
    const fleet = await startCgminerFleet({ count: 8, frozen: true, now: () => at, slowMs: 1_000 });
    cleanups.push(() => fleet.close());
    for (const [miner, fault] of FAULTS) await fleet.setFault(miner, fault);
    return fleet;
  }

  function poller(fleet: CgminerFleet, io?: { threads: IoThreads; minMiners: number }): FleetPoller {
    const p = testPoller('s', undefined, { client: { connectTimeoutMs: 300, timeoutMs: 300 }, concurrency: 4, now: () => at, ...(io ? { io } : {}) });
    for (const m of fleet.miners) p.add({ host: m.host, port: m.port, name: m.name });
    return p;
  }

  const view = (r: MinerRecord) => ({ status: r.status, lastError: r.lastError, identity: r.identity, snapshot: r.snapshot, unjoined: r.unjoined, history: r.history.toArray() });

  it('reads the same records as the poll on this thread, identification and faults included', async () => {
    const fleet = await frozenFleet();
    const io = threads();
    const exchange = vi.spyOn(io, 'exchange');
    const plain = poller(fleet);
    const threaded = poller(fleet, { threads: io, minMiners: 0 });
    for (let round = 0; round < 2; round++) {
      await plain.pollAll();
      await threaded.pollAll();
      const a = [...plain.miners.values()];
      const b = [...threaded.miners.values()];
      a.forEach((record, i) => expect(view(b[i]!), record.name).toEqual(view(record)));
    }
    // refused; cut in half while being identified; timed out: the rest online
    expect([...threaded.miners.values()].map((r) => r.lastError?.replace(/^[\d.:]+: /, '') ?? r.status)).toEqual([
      'online',
      'connection refused',
      'the miner answered neither version nor devdetails',
      'online',
      'online',
      'no complete reply within 300 ms',
      'online',
      'online',
    ]);
    expect(exchange).toHaveBeenCalled();
  });

  it('a fleet below minMiners stays on this thread', async () => {
    const fleet = await frozenFleet();
    const io = threads(1);
    const exchange = vi.spyOn(io, 'exchange');
    await poller(fleet, { threads: io, minMiners: 9 }).pollAll();
    expect(exchange).not.toHaveBeenCalled();
    await poller(fleet, { threads: io, minMiners: 8 }).pollAll();
    expect(exchange).toHaveBeenCalled();
  });
});
