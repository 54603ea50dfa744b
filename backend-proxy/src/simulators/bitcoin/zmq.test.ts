import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BitcoinSimulator, encodeSequenceBody, startBitcoinSimulator } from './index.js';
import { SequenceSubscriber, rpc } from './testkit.js';

// Expected bytes from SendSequenceMsg, bitcoin/bitcoin@a05987defdd2c7400f6057953535f76aeb52fa28:
// src/zmq/zmqpublishnotifier.cpp:264-274, read as interface_zmq.py:72-81 reads them (same commit).
describe('zmqpubsequence wire format', () => {
  it('encodes A/R with an 8-byte LE mempool sequence and C/D without, hash bytes in RPC order', () => {
    const txid = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
    const a = encodeSequenceBody({ label: 'A', hash: txid, mempoolSequence: 0x0102030405 });
    expect(a).toHaveLength(41);
    expect(a.subarray(0, 32).toString('hex')).toBe(txid);
    expect(String.fromCharCode(a[32] as number)).toBe('A');
    expect(a.subarray(33).toString('hex')).toBe('0504030201000000');
    const c = encodeSequenceBody({ label: 'C', hash: txid });
    expect(c).toHaveLength(33);
    expect(c[32]).toBe('C'.charCodeAt(0));
  });
});

describe('bitcoind simulator: zmqpubsequence over a real socket', () => {
  let sim: BitcoinSimulator;
  let sub: SequenceSubscriber;
  beforeAll(async () => {
    sim = await startBitcoinSimulator({ seed: 5, zmqPort: 0, initialMempool: 50 });
    sub = await SequenceSubscriber.connect(sim);
  });
  afterAll(async () => {
    sub.close();
    await sim.close();
  });
  afterEach(async () => {
    await sub.drain();
  });

  it('announces the endpoint in getzmqnotifications', async () => {
    expect(sim.zmqSequenceEndpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(await rpc(sim, 'getzmqnotifications')).toEqual([
      { type: 'pubsequence', address: sim.zmqSequenceEndpoint, hwm: 1000 },
    ]);
  });

  it('publishes A for each new transaction: topic, 41-byte body, txid as getrawmempool shows it, consecutive counters', async () => {
    const before = await rpc<{ mempool_sequence: number }>(sim, 'getrawmempool', [false, true]);
    const txids = sim.addTransactions(3);
    const messages = await sub.receiveN(3);
    expect(messages.map((m) => m.topic)).toEqual(['sequence', 'sequence', 'sequence']);
    expect(messages.map((m) => m.bodyLength)).toEqual([41, 41, 41]);
    expect(messages.map((m) => m.label)).toEqual(['A', 'A', 'A']);
    expect(messages.map((m) => m.hash)).toEqual(txids);
    expect(messages.map((m) => m.mempoolSequence)).toEqual([
      before.mempool_sequence,
      before.mempool_sequence + 1,
      before.mempool_sequence + 2,
    ]);
    const counters = messages.map((m) => m.counter);
    expect(counters).toEqual([counters[0], (counters[0] as number) + 1, (counters[0] as number) + 2]);
    const pool = await rpc<{ txids: string[]; mempool_sequence: number }>(sim, 'getrawmempool', [false, true]);
    for (const txid of txids) expect(pool.txids).toContain(txid);
    expect(pool.mempool_sequence).toBe(before.mempool_sequence + 3);
  });

  it('confirms with C (33 bytes) and no R, while the mempool sequence moves once per confirmed tx', async () => {
    const before = await rpc<{ txids: string[]; mempool_sequence: number }>(sim, 'getrawmempool', [false, true]);
    const hash = sim.mineBlock();
    const [next] = sim.addTransactions(1);
    const messages = await sub.receiveN(2);
    expect(messages[0]).toMatchObject({ label: 'C', hash, mempoolSequence: null, bodyLength: 33 });
    const block = await rpc<{ tx: string[] }>(sim, 'getblock', [hash]);
    const confirmed = block.tx.slice(1);
    expect(confirmed.length).toBeGreaterThan(0);
    expect(confirmed.every((t) => before.txids.includes(t))).toBe(true);
    expect(messages[1]).toMatchObject({
      label: 'A',
      hash: next,
      mempoolSequence: before.mempool_sequence + confirmed.length,
    });
    expect(messages[1]?.counter).toBe((messages[0]?.counter as number) + 1);
    expect(await sub.drain()).toEqual([]);
  });

  it('publishes R for an evicted transaction and each descendant', async () => {
    const entries = sim.mempoolEntries();
    const parent =
      [...entries].find(([txid]) => [...entries.values()].some((e) => e.depends.includes(txid)))?.[0] ??
      sim.mempoolTxids()[0];
    const seq = sim.mempoolSequence();
    sim.removeTransaction(parent as string);
    const messages = await sub.drain();
    expect(messages[0]).toMatchObject({ label: 'R', hash: parent, mempoolSequence: seq, bodyLength: 41 });
    expect(messages.every((m) => m.label === 'R')).toBe(true);
    expect(messages.map((m) => m.mempoolSequence)).toEqual(messages.map((_m, i) => seq + i));
    for (const m of messages) expect(sim.mempoolTxids()).not.toContain(m.hash);
  });

  it('reorg: D for each disconnected block, A for returning transactions, then C for each new block', async () => {
    sim.addTransactions(30);
    sim.mineBlock();
    sim.addTransactions(30);
    await sub.drain();
    const oldTip = sim.tipHash();
    const oldParent = (await rpc<{ previousblockhash: string }>(sim, 'getblockheader', [oldTip])).previousblockhash;
    const returning = (await rpc<{ tx: string[] }>(sim, 'getblock', [oldTip])).tx.slice(1);
    const hashes = sim.reorg(2);
    const messages = await sub.drain();
    const labels = messages.map((m) => m.label).join('');
    expect(labels).toMatch(/^DDA*CCC$/);
    expect(messages.slice(0, 2).map((m) => m.hash)).toEqual([oldTip, oldParent]);
    expect(messages.slice(-3).map((m) => m.hash)).toEqual(hashes);
    const readded = messages.filter((m) => m.label === 'A').map((m) => m.hash);
    expect(readded).toEqual(expect.arrayContaining(returning));
    for (const txid of readded) expect(sim.mempoolTxids()).toContain(txid);
    const counters = messages.map((m) => m.counter);
    expect(counters).toEqual(counters.map((_c, i) => (counters[0] as number) + i));
  });

  it('zmqDrop leaves a gap in the message counter', async () => {
    sim.addTransactions(1);
    const [first] = await sub.receiveN(1);
    sim.setFault({ kind: 'zmqDrop', count: 3 });
    sim.addTransactions(5);
    const after = await sub.receiveN(2);
    expect(after[0]?.counter).toBe((first?.counter as number) + 1 + 3);
    expect(after[1]?.counter).toBe((first?.counter as number) + 5);
    sim.setFault(null);
  });

  it('zmqSilent publishes nothing while RPC answers; afterwards the counter shows the loss', async () => {
    sim.addTransactions(1);
    const [first] = await sub.receiveN(1);
    sim.setFault({ kind: 'zmqSilent' });
    const silentTxids = sim.addTransactions(4);
    const height = sim.tipHeight();
    sim.mineBlock();
    expect(await rpc(sim, 'getblockcount')).toBe(height + 1);
    sim.setFault(null);
    const [next] = sim.addTransactions(1);
    const [message] = await sub.receiveN(1);
    expect(message?.hash).toBe(next);
    expect(message?.counter).toBe((first?.counter as number) + 1 + silentTxids.length + 1);
  });
});

describe('bitcoind simulator: restart', () => {
  it('rewrites the cookie, answers -28 while warming up, restarts counters and the mempool sequence, keeps the mempool', async () => {
    const sim = await startBitcoinSimulator({
      seed: 9,
      zmqPort: 0,
      initialMempool: 25,
      warmupMs: 800,
      restartDownMs: 100,
      authFailureDelayMs: 0,
    });
    const sub = await SequenceSubscriber.connect(sim);
    try {
      const oldCookie = sim.credentials();
      const mempoolBefore = sim.mempoolTxids().sort();
      const restarting = sim.restart();
      // poll through the restart: connection refused first, then -28, then answers
      const seen = new Set<string>();
      for (;;) {
        try {
          await rpc(sim, 'getblockcount');
          if (seen.has('warmup')) break;
          seen.add('ok');
        } catch (error) {
          const code = (error as { code?: number }).code;
          if (code === -28) {
            seen.add('warmup');
            expect((error as { status?: number }).status).toBe(500);
            expect((error as Error).message).toMatch(/…$/);
          } else seen.add('refused');
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      await restarting;
      expect(seen.has('warmup')).toBe(true);
      expect(sim.credentials()).not.toBe(oldCookie);
      expect(sim.credentials()).toMatch(/^__cookie__:[0-9a-f]{64}$/);
      expect(sim.mempoolTxids().sort()).toEqual(mempoolBefore);
      const pool = await rpc<{ txids: string[]; mempool_sequence: number }>(sim, 'getrawmempool', [false, true]);
      expect(pool.mempool_sequence).toBe(mempoolBefore.length + 1);
      const [txid] = sim.addTransactions(1);
      let message = await sub.receive();
      while (message.hash !== txid) message = await sub.receive();
      // counters restart at 0: the reloaded mempool's A messages came first
      expect(message.counter).toBe(mempoolBefore.length);
      expect(message.mempoolSequence).toBe(mempoolBefore.length + 1);
    } finally {
      sub.close();
      await sim.close();
    }
  });
});
