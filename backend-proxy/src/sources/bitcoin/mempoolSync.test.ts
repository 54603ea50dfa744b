// MempoolSync's "ZMQ silent" diagnosis on a held clock, with the RPC answered by hand and the ZMQ
// messages handed in directly, so the order of message, fetch, failure and poll is exact.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, SecretScrubber } from '../../core/logger.js';
import { RpcError, type BitcoinRpc } from './client.js';
import { MempoolSync, type MempoolEntryRpc } from './mempoolSync.js';
import type { SequenceMessage } from './zmq.js';

const POLL_MS = 60_000; // no poll tick and no retry fires within a test
const QUIET_MS = 3 * POLL_MS; // observeNodeMempool's threshold: max(3 x pollMs, 1 s)
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()!();
});

/** A synced sync over an empty mempool; getmempoolentry answers when the test says so. */
async function syncedOnEmptyMempool() {
  const clock = { now: 1_000_000 };
  const fetches: Array<{ txids: string[]; fail: (error: Error) => void; answer: (outcomes?: unknown[]) => void }> = [];
  const rpc = {
    call: async (method: string) => {
      if (method !== 'getrawmempool') throw new Error(`unexpected ${method}`);
      return { txids: [], mempool_sequence: 1 };
    },
    // the fill of the empty mempool asks for nothing; every later fetch waits for the test, which
    // answers each transaction with an entry as Core 28 writes it (fees.base in BTC)
    batchEach: (
      calls: { count: number; params: (i: number) => string[] },
      _options: unknown,
      onChunk: (outcomes: Array<{ ok: true; result: MempoolEntryRpc }>, chunk: number, offset: number) => void
    ) => {
      const txids = Array.from({ length: calls.count }, (_, i) => calls.params(i)[0]!);
      if (txids.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) =>
        fetches.push({
          txids,
          fail: reject,
          answer: (outcomes?: unknown[]) => {
            onChunk(
              (outcomes as Array<{ ok: true; result: MempoolEntryRpc }> | undefined) ??
                txids.map(() => ({ ok: true, result: { vsize: 141, time: 1_700_000_000, fees: { base: 0.00000282 } } })),
              0,
              0
            );
            resolve();
          },
        })
      );
    },
  } as unknown as BitcoinRpc;
  const sync = new MempoolSync({
    // nothing listens there: messages are handed in below, as the subscriber would
    endpoint: 'tcp://127.0.0.1:9',
    cap: 1_000,
    pollMs: POLL_MS,
    maxBatch: 10,
    rpc,
    logger: createLogger({ level: 'silent', scrubber: new SecretScrubber() }),
    now: () => clock.now,
  });
  stops.push(() => sync.stop());
  sync.start();
  await vi.waitFor(() => expect(sync.status().synced).toBe(true));
  const receive = (message: SequenceMessage) =>
    (sync as unknown as { onMessage(m: SequenceMessage): void }).onMessage(message);
  return { sync, clock, fetches, receive };
}

describe('MempoolSync: ZMQ silent', () => {
  it('is declared when nothing arrives while the node mempool changes', async () => {
    const { sync, clock } = await syncedOnEmptyMempool();
    clock.now += QUIET_MS;
    sync.observeNodeMempool(3);
    expect(sync.status().silent).toBe(true);
  });

  it('is not declared while the entries of a message that did arrive are still being fetched, or failed to be', async () => {
    const { sync, clock, fetches, receive } = await syncedOnEmptyMempool();
    receive({ hash: 'a'.repeat(64), label: 'A', mempoolSequence: 1, counter: 0 });
    await vi.waitFor(() => expect(fetches).toHaveLength(1));
    // a slow node (or a loaded proxy): the getmempoolentry for the add outlasts the quiet time
    clock.now += QUIET_MS;
    sync.observeNodeMempool(1);
    expect(sync.status().silent).toBe(false);
    // it times out: the event is gone from the queue and a resync is due, ZMQ did its part
    fetches[0]!.fail(new Error('RPC timeout after 1000 ms'));
    await vi.waitFor(() => expect(sync.status().lastError).toMatch(/timeout/));
    clock.now += QUIET_MS;
    sync.observeNodeMempool(1);
    expect(sync.status().silent).toBe(false);
    expect(sync.health().message).not.toMatch(/silent/);
  });
});

describe('MempoolSync: the serial worker', () => {
  it('holds events while the resync a block disconnection asked for runs: the worker that asked is the one that resyncs', async () => {
    const { sync, fetches, receive } = await syncedOnEmptyMempool();
    const rpc = (sync as unknown as { options: { rpc: { call: (method: string) => Promise<unknown> } } }).options.rpc;
    const call = rpc.call;
    let snapshots = 0;
    let release = () => {};
    rpc.call = async (method: string) => {
      if (method === 'getrawmempool') {
        snapshots++;
        await new Promise<void>((resolve) => (release = resolve));
      }
      return call(method);
    };
    // 'D' (blockdisconnected) puts the block's transactions back: the worker asks for a resync itself
    receive({ hash: 'b'.repeat(64), label: 'D', counter: 0 });
    await vi.waitFor(() => expect(snapshots).toBe(1));
    // an add while the snapshot is out waits for it (its sequence is checked against the snapshot's)
    receive({ hash: 'a'.repeat(64), label: 'A', mempoolSequence: 1, counter: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fetches).toHaveLength(0);
    expect(snapshots).toBe(1);
    release();
    await vi.waitFor(() => expect(fetches).toHaveLength(1));
    expect(snapshots).toBe(1);
  });
});

describe('MempoolSync: adds fetched ahead of the worker', () => {
  const txid = (c: string) => c.repeat(64);
  const add = (c: string, sequence: number) => ({ hash: txid(c), label: 'A' as const, mempoolSequence: sequence, counter: sequence - 1 });

  it("asks for an add's entry as it arrives, not after the add before it is in, and applies them in arrival order", async () => {
    const { sync, fetches, receive } = await syncedOnEmptyMempool();
    receive(add('a', 1));
    await vi.waitFor(() => expect(fetches).toHaveLength(1));
    receive(add('b', 2));
    // b is on the wire while a's reply is still out
    await vi.waitFor(() => expect(fetches).toHaveLength(2));
    expect(fetches.map((f) => f.txids)).toEqual([[txid('a')], [txid('b')]]);
    fetches[1]!.answer();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // b's reply came first, but a was announced first: neither is applied before a
    expect(sync.store.has(txid('b'))).toBe(false);
    fetches[0]!.answer();
    await vi.waitFor(() => expect(sync.store.size).toBe(2));
  });

  // Bitcoin Core doc/zmq.md, the `sequence` topic: the mempool sequence is published with every
  // mempool event "to allow a total ordering of mempool events to be constructed"; R is a removal
  // "for non-block inclusion reason" (e.g. replaced). An add applied after the removal that
  // followed it would keep a transaction the node no longer holds.
  it('applies an add and the removal that follows it in that order, whichever reply comes first', async () => {
    const { sync, fetches, receive } = await syncedOnEmptyMempool();
    receive(add('a', 1));
    receive(add('b', 2));
    receive({ hash: txid('a'), label: 'R', mempoolSequence: 3, counter: 2 });
    await vi.waitFor(() => expect(fetches).toHaveLength(2));
    fetches[1]!.answer();
    fetches[0]!.answer();
    await vi.waitFor(() => expect(sync.store.has(txid('b'))).toBe(true));
    expect(sync.store.has(txid('a'))).toBe(false);
    expect(sync.store.size).toBe(1);
  });

  // Core's getmempoolentry of a transaction no longer in the mempool: RPC_INVALID_ADDRESS_OR_KEY
  // (-5) "Transaction not in mempool": getmempoolentry at
  // bitcoin/bitcoin@a05987defdd2c7400f6057953535f76aeb52fa28:src/rpc/mempool.cpp:555 (the simulator's
  // CORE_SHAPES_COMMIT, simulators/bitcoin/rpc.ts; its requireMempoolTx answers the same)
  it("gives each add of a shared request its own entry, and skips one the node no longer has (-5)", async () => {
    const { sync, fetches, receive } = await syncedOnEmptyMempool();
    ['a', 'b', 'c', 'd', 'e', 'f', '9'].forEach((c, i) => receive(add(c, i + 1)));
    await vi.waitFor(() => expect(fetches).toHaveLength(4));
    const entry = (vsize: number) => ({ ok: true, result: { vsize, time: 1_700_000_000, fees: { base: 0.00001 } } });
    fetches[0]!.answer([entry(100)]);
    await vi.waitFor(() => expect(fetches).toHaveLength(5));
    expect(fetches[4]!.txids).toEqual([txid('e'), txid('f'), txid('9')]);
    const gone = new RpcError('getmempoolentry: Transaction not in mempool (code -5)', -5, 'Transaction not in mempool');
    // the shared request answers first: nothing of it is applied before b, c, d
    fetches[4]!.answer([entry(500), { ok: false, error: gone }, entry(700)]);
    fetches[1]!.answer([entry(200)]);
    fetches[2]!.answer([entry(300)]);
    fetches[3]!.answer([entry(400)]);
    await vi.waitFor(() => expect(sync.store.size).toBe(6));
    const view = sync.store.view();
    const vsizes = Object.fromEntries([...view.slots].map((slot) => [view.txid(slot)[0], view.vsize(slot)]));
    expect(vsizes).toEqual({ a: 100, b: 200, c: 300, d: 400, e: 500, 9: 700 });
    expect(sync.status().resyncs).toBe(1); // a -5 is not a failure: its removal follows on ZMQ
  });

  it('keeps at most 4 requests out; the adds that arrive meanwhile go together in the next', async () => {
    const { sync, fetches, receive } = await syncedOnEmptyMempool();
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    names.forEach((c, i) => receive(add(c, i + 1)));
    await vi.waitFor(() => expect(fetches).toHaveLength(4));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetches).toHaveLength(4);
    fetches[0]!.answer();
    await vi.waitFor(() => expect(fetches).toHaveLength(5));
    expect(fetches[4]!.txids).toEqual([txid('e'), txid('f')]);
    for (const fetch of fetches.slice(1)) fetch.answer();
    await vi.waitFor(() => expect(sync.store.size).toBe(6));
    expect(sync.status().resyncs).toBe(1); // the initial fill only: no event was lost on the way
  });

  // the adds' fetches are held in a Map (not a WeakMap, whose ephemerons cost the collector per
  // add): an add must leave it when it leaves the queue, applied or skipped, or it would leak
  it('holds no fetch of an add once the add left the queue, applied or skipped (-5)', async () => {
    const { sync, fetches, receive } = await syncedOnEmptyMempool();
    const held = () => (sync as unknown as { addFetches: Map<unknown, unknown> }).addFetches.size;
    ['a', 'b', 'c', 'd', 'e', 'f'].forEach((c, i) => receive(add(c, i + 1)));
    await vi.waitFor(() => expect(fetches).toHaveLength(4));
    expect(held()).toBe(4); // e and f wait for a request
    const gone = new RpcError('getmempoolentry: Transaction not in mempool (code -5)', -5, 'Transaction not in mempool');
    for (const fetch of fetches.slice(0, 4)) fetch.answer();
    await vi.waitFor(() => expect(fetches).toHaveLength(5));
    fetches[4]!.answer([{ ok: true, result: { vsize: 141, time: 1_700_000_000, fees: { base: 0.00000282 } } }, { ok: false, error: gone }]);
    await vi.waitFor(() => expect(sync.store.size).toBe(5));
    await vi.waitFor(() => expect(held()).toBe(0));
  });
});
