// The getmempoolentry text the simulator writes without building objects, against the object
// Bitcoin Core builds: entryToJSON, bitcoin/bitcoin@a05987d:src/rpc/mempool.cpp:286-336 (pushKV
// order: vsize, weight, time, height, descendantcount, descendantsize, ancestorcount,
// ancestorsize, wtxid, fees{base, modified, ancestor, descendant}, depends, spentby,
// bip125-replaceable, unbroadcast), written compact as UniValue::write does, amounts by
// ValueFromAmount with 8 decimals (bitcoin/bitcoin@a05987d:src/core_write.cpp:26-37).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BitcoinSimulator, startBitcoinSimulator } from '../index.js';
import { Mempool, NO_LINKS, type MempoolTx } from '../mempool.js';
import { postRaw } from '../testkit.js';
import type { RpcContext } from './common.js';
import { entryMap, entryText } from './mempool.js';

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
