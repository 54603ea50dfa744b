import { Buffer } from 'node:buffer';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { scanMempoolEntries } from './entryScan.js';

// Built in Core's own order and bytes: entryToJSON's keys (bitcoin/bitcoin@81405fc7abbd1889f3978b8924e7acbe12b3403b:src/rpc/mempool.cpp:533-572,
// with `chunkweight` and `fees.chunk` of that master; Core 28 has neither), each batch item
// {"jsonrpc":"2.0","result":…,"id":…} and the body written compact with a line feed
// (same commit, src/httprpc.cpp:245: `reply.write() + "\n"`).
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
function coreEntry(i: number, opts: { chunk?: boolean; depends?: string[]; spentby?: string[] } = {}): string {
  const entry: Record<string, unknown> = {
    vsize: 141 + i,
    weight: 561 + 4 * i,
    time: 1_733_000_000 + i,
    height: 875_000,
    descendantcount: 1,
    descendantsize: 141,
    ancestorcount: 1,
    ancestorsize: 141,
    wtxid: 'c'.repeat(64),
  };
  if (opts.chunk) entry.chunkweight = 561;
  const fees: Record<string, number> = { base: 0.00001234 + i / 1e8, modified: 0.00001234, ancestor: 0.00001234, descendant: 0.00001234 };
  if (opts.chunk) fees.chunk = 0.00001234;
  entry.fees = fees;
  entry.depends = opts.depends ?? [];
  entry.spentby = opts.spentby ?? [];
  entry['bip125-replaceable'] = false;
  entry.unbroadcast = false;
  return JSON.stringify({ jsonrpc: '2.0', result: entry, id: 100 + i });
}
const ids = [100, 101, 102];
const body = (items: string[]) => `[${items.join(',')}]\n`;
const projection = (text: string) =>
  (JSON.parse(text) as Array<{ result: { vsize: number; time: number; fees: { base: number }; depends: string[]; spentby: string[] } }>).map(
    ({ result: r }) => ({ vsize: r.vsize, time: r.time, fees: { base: r.fees.base }, depends: r.depends, spentby: r.spentby })
  );

describe('scanMempoolEntries', () => {
  it('reads the fields the store keeps exactly as JSON.parse does (Core 28 and master shapes)', () => {
    for (const chunk of [false, true]) {
      const text = body([
        coreEntry(0, { chunk }),
        coreEntry(1, { chunk, depends: [A], spentby: [B, A] }),
        coreEntry(2, { chunk, depends: [A, B] }),
      ]);
      expect(scanMempoolEntries(text, ids)).toEqual(projection(text));
    }
  });

  it('reads fee amounts bit-for-bit as JSON.parse (8-decimal BTC amounts)', () => {
    const amounts = ['0.00000001', '0.00100978', '21000000.00000000', '1.23456789', '0.10000000', '0.5', '7.1', '0.1234567', '12.0'];
    // and many amounts across the range, as ValueFromAmount writes them (8 decimals)
    let x = 0x9e3779b9;
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      const sats = Math.floor((x / 2 ** 32) ** 4 * 2.1e15) + (x & 0xff);
      amounts.push(`${Math.floor(sats / 1e8)}.${String(sats % 1e8).padStart(8, '0')}`);
    }
    for (const amount of amounts) {
      const text = body([coreEntry(0).replace(/"base":[^,]+/, `"base":${amount}`)]);
      expect(scanMempoolEntries(text, [100])![0]!.fees.base).toBe(JSON.parse(amount));
    }
    // more than 8 decimals, an exponent, a negative: JSON's grammar reads them, still equal
    for (const amount of ['0.000000001', '1.5e-7', '-0.00000001', '0.123456789012']) {
      const text = body([coreEntry(0).replace(/"base":[^,]+/, `"base":${amount}`)]);
      expect(scanMempoolEntries(text, [100])![0]!.fees.base).toBe(JSON.parse(amount));
    }
  });

  it('gives up (null: the caller parses with JSON.parse) on anything but the exact compact form', () => {
    const good = [coreEntry(0), coreEntry(1), coreEntry(2)];
    expect(scanMempoolEntries(body(good), ids)).not.toBeNull();
    const cases: Array<[string, string]> = [
      ['an error item (a transaction that left the mempool)', body([good[0]!, '{"jsonrpc":"2.0","error":{"code":-5,"message":"Transaction not in mempool"},"id":101}', good[2]!])],
      ['indented JSON', JSON.stringify(JSON.parse(body(good)), null, 2)],
      ['an id out of place', body([good[1]!, good[0]!, good[2]!])],
      ['a missing fees object (pre-23 `fee`)', body([good[0]!.replace(/"fees":\{[^}]*\}/, '"fee":0.00001234'), good[1]!, good[2]!])],
      ['fewer items than calls', body(good.slice(0, 2))],
      ['more items than calls', body([...good, coreEntry(3)])],
      ['an escaped string in depends', body([coreEntry(0, { depends: ['a\\"b'] }), good[1]!, good[2]!])],
      ['a non-JSON number', body([good[0]!.replace('"vsize":141', '"vsize":0x8d'), good[1]!, good[2]!])],
      ['trailing garbage', body(good) + 'x'],
      ['a single reply, not a batch', good[0]!],
    ];
    for (const [what, text] of cases) expect(scanMempoolEntries(text, ids), what).toBeNull();
  });
});

describe('scanMempoolEntries memory', () => {
  it('keeps no reply alive through the txids it returns', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heldAfterGc = () => {
      for (let i = 0; i < 3; i++) gc();
      return process.memoryUsage().heapUsed;
    };
    // 40 replies of 500 entries (~250 KB each, ~10 MB in all); one entry in each has a parent,
    // and only those parents' txids are kept, as a fill keeps them until it links parents
    const kept: string[][] = [];
    const before = heldAfterGc();
    for (let r = 0; r < 40; r++) {
      const items = Array.from({ length: 500 }, (_, i) => coreEntry(i, i === 7 ? { depends: [A] } : {}));
      const replyIds = Array.from({ length: 500 }, (_, i) => 100 + i);
      // a body built at run time (as a socket's bytes decoded), not a literal the test holds
      const scanned = scanMempoolEntries(Buffer.from(body(items)).toString('latin1'), replyIds);
      expect(scanned).not.toBeNull();
      kept.push(scanned![7]!.depends);
    }
    const grown = heldAfterGc() - before;
    expect(kept.flat()).toEqual(new Array(40).fill(A));
    // 40 txid strings are a few KB; slices of the replies would hold all ~10 MB of them
    expect(grown).toBeLessThan(2_000_000);
  });
});
