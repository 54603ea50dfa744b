// The getmempoolentry text the simulator writes without building objects, against the object
// Bitcoin Core builds: entryToJSON, bitcoin/bitcoin@a05987d:src/rpc/mempool.cpp:286-336 (pushKV
// order: vsize, weight, time, height, descendantcount, descendantsize, ancestorcount,
// ancestorsize, wtxid, fees{base, modified, ancestor, descendant}, depends, spentby,
// bip125-replaceable, unbroadcast), written compact as UniValue::write does, amounts by
// ValueFromAmount with 8 decimals (bitcoin/bitcoin@a05987d:src/core_write.cpp:26-37).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BitcoinSimulator, startBitcoinSimulator } from '../index.js';
import { Mempool, NO_LINKS, type MempoolTx } from '../mempool.js';
import { postRaw, rpc } from '../testkit.js';
import type { RpcContext } from './common.js';
import { entryBatchReply, entryMap, entryText } from './mempool.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');

function tx(n: number, vsize: number, fee: number, parents: readonly string[] = NO_LINKS): MempoolTx {
  return {
    txid: hash(n),
    wtxid: hash(n + 0x1000),
    size: vsize + 40,
    weight: vsize * 4 - 3,
    vsize,
    fee,
    nIn: 1,
    nOut: 2,
    outValue: 100_000,
    segwit: true,
    time: 1_732_000_000 + n,
    height: 870_000,
    parents,
    children: NO_LINKS,
  };
}

/** ValueFromAmount by hand: sign, whole coins, 8 decimals (amounts here are whole satoshis) */
const valueFromAmount = (sats: number) =>
  JSON.rawJSON(`${Math.floor(sats / 1e8)}.${String(sats % 1e8).padStart(8, '0')}`);

/** the object entryToJSON pushes, in its order, with the package figures worked out by hand */
function coreEntry(
  t: MempoolTx,
  pkg: { ancCount: number; ancSize: number; ancFees: number; descCount: number; descSize: number; descFees: number },
  depends: string[],
  spentby: string[]
): string {
  return JSON.stringify({
    vsize: t.vsize,
    weight: t.weight,
    time: t.time,
    height: t.height,
    descendantcount: pkg.descCount,
    descendantsize: pkg.descSize,
    ancestorcount: pkg.ancCount,
    ancestorsize: pkg.ancSize,
    wtxid: t.wtxid,
    fees: {
      base: valueFromAmount(t.fee),
      modified: valueFromAmount(t.fee),
      ancestor: valueFromAmount(pkg.ancFees),
      descendant: valueFromAmount(pkg.descFees),
    },
    depends,
    spentby,
    'bip125-replaceable': false,
    unbroadcast: false,
  });
}

describe('simulator getmempoolentry text', () => {
  // a lone transaction, and a chain grandparent -> parent -> child plus a second child of the parent
  const pool = new Mempool();
  const lone = tx(1, 141, 282);
  const grand = tx(2, 200, 200);
  const parent = tx(3, 150, 3_000, [grand.txid]);
  const child = tx(4, 110, 123_456_789, [parent.txid]);
  const sibling = tx(5, 300, 600, [parent.txid]);
  for (const t of [lone, grand, parent, child, sibling]) pool.add(t);
  const ctx = { node: { mempool: pool } } as unknown as RpcContext;

  it('a transaction without relatives is its own package', () => {
    expect(entryText(lone, ctx)).toBe(
      coreEntry(lone, { ancCount: 1, ancSize: 141, ancFees: 282, descCount: 1, descSize: 141, descFees: 282 }, [], [])
    );
    // the amounts as UniValue writes them: never 2.82e-6
    expect(entryText(lone, ctx)).toContain('"fees":{"base":0.00000282,"modified":0.00000282,');
  });

  it('ancestor and descendant packages count every relative once, lists in link order', () => {
    expect(entryText(pool.entries.get(parent.txid)!, ctx)).toBe(
      coreEntry(
        parent,
        // ancestors: parent + grand; descendants: parent + child + sibling
        { ancCount: 2, ancSize: 350, ancFees: 3_200, descCount: 3, descSize: 560, descFees: 3_000 + 123_456_789 + 600 },
        [grand.txid],
        [child.txid, sibling.txid]
      )
    );
    expect(entryText(pool.entries.get(child.txid)!, ctx)).toBe(
      coreEntry(
        child,
        {
          ancCount: 3,
          ancSize: 460,
          ancFees: 200 + 3_000 + 123_456_789,
          descCount: 1,
          descSize: 110,
          descFees: 123_456_789,
        },
        [parent.txid],
        []
      )
    );
    expect(entryText(pool.entries.get(child.txid)!, ctx)).toContain('"ancestor":1.23459989,');
  });

  it('the verbose map is {txid: entry} in the order given', () => {
    const text = entryMap([lone, pool.entries.get(grand.txid)!], ctx).text;
    expect(JSON.parse(text)).toEqual({
      [lone.txid]: JSON.parse(entryText(lone, ctx)),
      [grand.txid]: JSON.parse(entryText(pool.entries.get(grand.txid)!, ctx)),
    });
    expect(text.startsWith(`{"${lone.txid}":{"vsize":141,`)).toBe(true);
  });
});

describe('simulator getmempoolentry over HTTP, batched', () => {
  let sim: BitcoinSimulator;
  beforeAll(async () => {
    sim = await startBitcoinSimulator({ seed: 12, initialMempool: 400 });
  });
  afterAll(() => sim.close());

  it('a batch answers each item in place: pre-written results, an error item, JSON-RPC 1.0 and 2.0 shapes', async () => {
    const [a, b] = sim.mempoolTxids();
    const missing = 'ab'.repeat(32);
    const body = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'getmempoolentry', params: [a] },
      { jsonrpc: '2.0', id: 2, method: 'getmempoolentry', params: [missing] },
      { id: 'x', method: 'getmempoolentry', params: [b] },
    ]);
    const reply = await postRaw(sim, body);
    expect(reply.status).toBe(200);
    const single = async (txid: string) =>
      (await postRaw(sim, JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'getmempoolentry', params: [txid] }))).text;
    const entryA = (await single(a!)).slice('{"jsonrpc":"2.0","result":'.length, -',"id":0}\n'.length);
    const entryB = (await single(b!)).slice('{"jsonrpc":"2.0","result":'.length, -',"id":0}\n'.length);
    // JSONRPCReplyObj (bitcoin/bitcoin@a05987d:src/rpc/request.cpp, as http.test.ts checks): 2.0 has no error key on
    // success and no result on error; 1.0 has both; RPC_INVALID_ADDRESS_OR_KEY (-5) for a missing tx
    expect(reply.text).toBe(
      `[{"jsonrpc":"2.0","result":${entryA},"id":1},` +
        `{"jsonrpc":"2.0","error":{"code":-5,"message":"Transaction not in mempool"},"id":2},` +
        `{"result":${entryB},"error":null,"id":"x"}]\n`
    );
    expect(JSON.parse(entryA).vsize).toBe(sim.mempoolEntries().get(a!)!.vsize);
  });
});

describe('simulator getmempoolentry batch replies from the raw body', () => {
  /** xorshift32: the same operations every run */
  function draws(seed: number): () => number {
    let x = seed;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 0x1_0000_0000;
    };
  }

  /** the client's batch body for `txids`, answered by entryBatchReply, as text */
  const batchText = (txids: string[], ctx: RpcContext) =>
    entryBatchReply(
      `[${txids.map((t, i) => `{"jsonrpc":"2.0","id":${i},"method":"getmempoolentry","params":["${t}"]}`).join(',')}]`,
      ctx
    )!.body.toString('latin1');
  /** the one entry of a one-item reply */
  const onlyEntry = (txid: string, ctx: RpcContext) =>
    batchText([txid], ctx).slice('[{"jsonrpc":"2.0","result":'.length, -',"id":0}]\n'.length);

  it("a parent's entry as a child arrives and leaves (Core's packages, worked out by hand)", () => {
    const pool = new Mempool();
    const ctx = { node: { mempool: pool } } as unknown as RpcContext;
    const parent = tx(10, 150, 3_000);
    pool.add(parent);
    const alone = coreEntry(
      parent,
      { ancCount: 1, ancSize: 150, ancFees: 3_000, descCount: 1, descSize: 150, descFees: 3_000 },
      [],
      []
    );
    expect(onlyEntry(parent.txid, ctx)).toBe(alone);
    const child = tx(11, 110, 50_000, [parent.txid]);
    pool.add(child);
    expect(entryText(parent, ctx)).toBe(
      coreEntry(
        parent,
        { ancCount: 1, ancSize: 150, ancFees: 3_000, descCount: 2, descSize: 260, descFees: 53_000 },
        [],
        [child.txid]
      )
    );
    pool.remove(child.txid);
    expect(onlyEntry(parent.txid, ctx)).toBe(alone);
  });

  it('equal entryText after adds, CPFP chains, removals, blocks and a reload', () => {
    const random = draws(0x5eed);
    const pool = new Mempool();
    const ctx = { node: { mempool: pool } } as unknown as RpcContext;
    let n = 100;
    const check = (step: string) => {
      const txids = [...pool.entries.keys()];
      const want = `[${txids.map((t, i) => `{"jsonrpc":"2.0","result":${entryText(pool.entries.get(t)!, ctx)},"id":${i}}`).join(',')}]\n`;
      if (batchText(txids, ctx) !== want) throw new Error(`${step}: entryBatchReply and entryText differ`);
    };
    for (let round = 0; round < 60; round++) {
      // adds: a third spend one or two mempool transactions (chains grow over the rounds)
      const ids = [...pool.entries.keys()];
      for (let k = 0; k < 8; k++) {
        const parents =
          ids.length > 0 && random() < 0.35
            ? [...new Set([ids[Math.floor(random() * ids.length)]!, ids[Math.floor(random() * ids.length)]!])].slice(
                0,
                1 + Math.floor(random() * 2)
              )
            : NO_LINKS;
        // fees from 1 sat to ~21 BTC: amounts with and without whole coins
        pool.add(tx(n++, 100 + Math.floor(random() * 400), Math.floor(random() ** 6 * 2.1e9) + 1, parents));
      }
      check(`round ${round} adds`);
      // a removal anywhere in a chain (replaced, expired), its relatives left in place
      const all = [...pool.entries.keys()];
      pool.remove(all[Math.floor(random() * all.length)]!);
      check(`round ${round} removal`);
      if (round % 10 === 9) {
        // a block: the template's transactions leave, parents before children
        for (const t of pool.selectForBlock(4_000 * 6)) pool.remove(t.txid);
        check(`round ${round} block`);
      }
    }
    // a reload (chain.ts reloadMempool): copies of the entries re-added
    const saved = [...pool.entries.values()];
    pool.entries.clear();
    for (const t of saved) {
      const parents = t.parents.filter((p) => pool.entries.has(p));
      pool.add({ ...t, parents: parents.length === 0 ? NO_LINKS : parents, children: NO_LINKS });
    }
    check('reload');
    expect(pool.size).toBeGreaterThan(200);
    expect([...pool.entries.values()].filter((t) => t.parents.length > 0).length).toBeGreaterThan(50);
  });
});

describe('simulator getmempoolentry batches read without JSON.parse', () => {
  let sim: BitcoinSimulator;
  beforeAll(async () => {
    sim = await startBitcoinSimulator({ seed: 21, initialMempool: 600 });
  });
  afterAll(() => sim.close());

  /** the proxy's RPC client's form (client.ts post): compact, jsonrpc, id, method, params */
  const clientBody = (txids: string[], firstId: number) =>
    `[${txids.map((t, i) => `{"jsonrpc":"2.0","id":${firstId + i},"method":"getmempoolentry","params":["${t}"]}`).join(',')}]`;

  it('answers what the general path answers, after blocks, a reorg and a restart', async () => {
    for (const step of ['start', 'block', 'adds', 'reorg', 'restart']) {
      if (step === 'block') sim.mineBlock();
      if (step === 'adds') sim.addTransactions(300);
      if (step === 'reorg') sim.reorg(1);
      if (step === 'restart') await sim.restart();
      const txids = sim.mempoolTxids().slice(0, 400);
      const body = clientBody(txids, 7);
      const before = sim.received.length;
      const fast = await postRaw(sim, body);
      expect(sim.received.length - before).toBe(txids.length);
      // the same calls with a space after the bracket: not the client's form, so the general path
      const general = await postRaw(sim, `[ ${body.slice(1)}`);
      expect(fast.status).toBe(200);
      expect(fast.text).toBe(general.text);
      // and against the node's own package figures (ancestorStats / descendantStats, not the text)
      const entries = sim.mempoolEntries();
      const replies = fast.json as Array<{
        id: number;
        result: {
          vsize: number;
          ancestorsize: number;
          descendantsize: number;
          fees: { base: number; ancestor: number; descendant: number };
          depends: string[];
        };
      }>;
      replies.forEach((reply, i) => {
        const want = entries.get(txids[i]!)!;
        expect(reply.id, step).toBe(7 + i);
        expect({
          vsize: reply.result.vsize,
          ancestorsize: reply.result.ancestorsize,
          descendantsize: reply.result.descendantsize,
          depends: reply.result.depends,
        }).toEqual({
          vsize: want.vsize,
          ancestorsize: want.ancestorsize,
          descendantsize: want.descendantsize,
          depends: want.depends,
        });
        expect(reply.result.fees.ancestor).toBeCloseTo(want.ancestorfees, 8);
        expect(reply.result.fees.descendant).toBeCloseTo(want.descendantfees, 8);
      });
    }
  });

  it('leaves every other form to the general path', () => {
    const pool = new Mempool();
    const a = hash(0xabc);
    pool.add(tx(0xabc, 141, 282));
    const ctx = { node: { mempool: pool } } as unknown as RpcContext;
    expect(
      entryBatchReply(
        `[${'{"jsonrpc":"2.0","id":3,"method":"getmempoolentry","params":["' + a + '"]}'}]`,
        ctx
      )?.body.toString()
    ).toBe(`[{"jsonrpc":"2.0","result":${entryText(pool.entries.get(a)!, ctx)},"id":3}]\n`);
    const item = (id: string, txid = a!) =>
      `{"jsonrpc":"2.0","id":${id},"method":"getmempoolentry","params":["${txid}"]}`;
    // an id String(number) would not write back the same, a missing or upper-case txid, other
    // methods, params or spacing, trailing bytes
    for (const body of [
      `[${item('01')}]`,
      `[${item('1.5')}]`,
      `[${item('1234567890123456')}]`,
      `[${item('"x"')}]`,
      `[${item('1', 'ab'.repeat(32))}]`,
      `[${item('1', a!.toUpperCase())}]`,
      `[${item('1').replace('getmempoolentry', 'getrawtransaction')}]`,
      `[${item('1').replace(`"]}`, `",true]}`)}]`,
      `[${item('1')}]\n`,
      `[${item('1')},]`,
      `[]`,
      item('1'),
    ])
      expect(entryBatchReply(body, ctx), body).toBeNull();
  });

  it('getrawmempool lists the mempool as it is after each change', async () => {
    const list = async () => rpc<{ txids: string[]; mempool_sequence: number }>(sim, 'getrawmempool', [false, true]);
    let seen = await list();
    expect(seen.txids).toEqual(sim.mempoolTxids());
    for (const change of [
      () => sim.addTransactions(5),
      () => sim.removeTransaction(sim.mempoolTxids()[3]!),
      () => sim.mineBlock(),
    ]) {
      change();
      const next = await list();
      expect(next.txids).toEqual(sim.mempoolTxids());
      expect(next.mempool_sequence).toBe(sim.mempoolSequence());
      expect(next.mempool_sequence).toBeGreaterThan(seen.mempool_sequence);
      seen = next;
    }
    expect(await rpc<string[]>(sim, 'getrawmempool', [])).toEqual(sim.mempoolTxids());
  });
});
