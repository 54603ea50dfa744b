import { describe, expect, it } from 'vitest';
import { type BitcoinSimulator, startBitcoinSimulator } from './index.js';
import { postRaw, rpc, startForSuite } from './testkit.js';

describe('bitcoind simulator: injected faults', () => {
  let sim: BitcoinSimulator;
  startForSuite(async () => (sim = await startBitcoinSimulator({ seed: 21, authFailureDelayMs: 0 })));

  it('down: refuses connections until the fault is cleared, then serves on the same port', async () => {
    sim.setFault({ kind: 'down' });
    await sim.faultApplied();
    await expect(rpc(sim, 'getblockcount')).rejects.toThrow(/fetch failed/);
    sim.setFault(null);
    await sim.faultApplied();
    expect(await rpc(sim, 'getblockcount')).toBe(200);
  });

  it('slow: delays every answer', async () => {
    sim.setFault({ kind: 'slow', delayMs: 5_000 });
    // a client deadline far below the delay gives up; the answer itself is intact afterwards
    await expect(
      postRaw(sim, '{"method":"getblockcount","id":1}', { signal: AbortSignal.timeout(100) })
    ).rejects.toThrow();
    sim.setFault({ kind: 'slow', delayMs: 1 });
    expect(await rpc(sim, 'getblockcount')).toBe(200);
    sim.setFault(null);
  });

  it('warmup: -28 for every method, HTTP 500 for 1.0, 200 for 2.0, per element in a batch', async () => {
    sim.setFault({ kind: 'warmup' });
    const legacy = await postRaw(sim, '{"method":"getblockchaininfo","id":1}');
    expect(legacy.status).toBe(500);
    expect(legacy.json).toEqual({ result: null, error: { code: -28, message: 'Loading block index…' }, id: 1 });
    // unknown methods too: the warm-up check comes before the method lookup
    const unknown = await postRaw(sim, '{"method":"nosuch","id":2}');
    expect((unknown.json as { error: { code: number } }).error.code).toBe(-28);
    const v2 = await postRaw(sim, '{"jsonrpc":"2.0","method":"getblockcount","id":3}');
    expect(v2.status).toBe(200);
    expect(v2.json).toEqual({ jsonrpc: '2.0', error: { code: -28, message: 'Loading block index…' }, id: 3 });
    sim.setFault({ kind: 'warmup', message: 'Verifying blocks…' });
    const batch = await postRaw(sim, '[{"method":"getblockcount","id":1},{"method":"uptime","id":2}]');
    expect(batch.status).toBe(200);
    expect((batch.json as Array<{ error: { code: number; message: string } }>).map((e) => e.error)).toEqual([
      { code: -28, message: 'Verifying blocks…' },
      { code: -28, message: 'Verifying blocks…' },
    ]);
    sim.setFault(null);
    expect(await rpc(sim, 'getblockcount')).toBe(200);
  });

  it('workQueue: 503 "Work queue depth exceeded" as plain text from the HTTP layer, before auth', async () => {
    sim.setFault({ kind: 'workQueue' });
    for (const auth of [undefined, null]) {
      const reply = await postRaw(sim, '{"method":"getblockcount","id":1}', auth === null ? { auth: null } : {});
      expect(reply.status).toBe(503);
      expect(reply.text).toBe('Work queue depth exceeded');
      expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    }
    expect(sim.receivedRequests.at(-1)).toEqual({ method: 'getblockcount', version: '1.0', outcome: 'work-queue' });
    sim.setFault(null);
    expect(await rpc(sim, 'getblockcount')).toBe(200);
  });
});

describe('bitcoind simulator: a real work queue', () => {
  it('answers 503 to requests beyond threads + queue depth while slow ones are in flight', async () => {
    const sim = await startBitcoinSimulator({ seed: 6, rpcWorkQueue: { threads: 1, depth: 1 } });
    try {
      sim.setFault({ kind: 'slow', delayMs: 60_000 });
      // two requests occupy the thread and the queue slot...
      const stuck = [
        postRaw(sim, '{"method":"getblockcount","id":1}'),
        postRaw(sim, '{"method":"getblockcount","id":2}'),
      ];
      const settled = Promise.allSettled(stuck);
      for (let i = 0; i < 500 && sim.rpcInFlight() < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(sim.rpcInFlight()).toBe(2);
      // ...so the next ones are refused at once
      const refused = await postRaw(sim, '{"method":"getblockcount","id":3}');
      expect(refused.status).toBe(503);
      expect(refused.text).toBe('Work queue depth exceeded');
      await sim.close();
      expect((await settled).every((r) => r.status === 'rejected')).toBe(true);
    } finally {
      await sim.close();
    }
  });
});

describe('bitcoind simulator: control endpoint', () => {
  it('drives faults, blocks, reorgs and restarts over HTTP', async () => {
    const sim = await startBitcoinSimulator({ seed: 4, controlPort: 0, warmupMs: 20, restartDownMs: 10 });
    try {
      const post = async (route: string, body?: unknown) => {
        const response = await fetch(new URL(route, sim.controlUrl as string), {
          method: 'POST',
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      expect((await post('/transactions?count=5')).body.txids).toHaveLength(5);
      const mined = await post('/mine?count=2');
      expect(mined.body.height).toBe(202);
      const reorg = await post('/reorg?depth=2');
      expect(reorg.body.hashes).toHaveLength(3);
      expect(sim.tipHeight()).toBe(203);
      expect((await post('/fault', { kind: 'warmup' })).body.fault).toEqual({ kind: 'warmup' });
      await expect(rpc(sim, 'getblockcount')).rejects.toMatchObject({ code: -28 });
      expect((await post('/fault', {})).body.fault).toBeNull();
      expect(await rpc(sim, 'getblockcount')).toBe(203);
      expect((await post('/fault', { kind: 'bogus' })).status).toBe(400);
      expect((await post('/reorg?depth=zero')).status).toBe(400);
      const cookie = sim.credentials();
      expect((await post('/restart')).body.restarted).toBe(true);
      expect(sim.credentials()).not.toBe(cookie);
      const state = await (await fetch(new URL('/state', sim.controlUrl as string))).json();
      expect(state).toMatchObject({ tipHeight: 203, fault: null });
    } finally {
      await sim.close();
    }
  });
});

describe('bitcoind simulator: load mode and auto-mining', () => {
  it('adds transactions at the configured rate and mines on its own', async () => {
    const sim = await startBitcoinSimulator({ seed: 8, txPerSecond: 2000, blockIntervalMs: 150 });
    try {
      const start = sim.tipHeight();
      // wait for observable progress, not for a time
      for (let i = 0; i < 200 && (sim.mempoolSequence() < 200 || sim.tipHeight() < start + 1); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(sim.mempoolSequence()).toBeGreaterThanOrEqual(200);
      expect(sim.tipHeight()).toBeGreaterThan(start);
    } finally {
      await sim.close();
    }
  });
});
