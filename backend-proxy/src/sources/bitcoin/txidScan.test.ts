// scanRawMempool against JSON.parse on the reply `getrawmempool false true` gets: Core's
// {"txids":[...],"mempool_sequence":N} (getrawmempool at
// bitcoin/bitcoin@a05987defdd2c7400f6057953535f76aeb52fa28:src/rpc/mempool.cpp:379, the
// simulator's CORE_SHAPES_COMMIT, whose coreShapes.test checks its answer against that shape), in
// the JSON-RPC 2.0 reply our client's requests get and in the 1.0 form (result, error, id).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startBitcoinSimulator } from '../../simulators/bitcoin/index.js';
import { scanRawMempool } from './txidScan.js';

const hex = (i: number) => (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8);

function reply2(txids: string[], id: number, sequence = 42): string {
  return JSON.stringify({ jsonrpc: '2.0', result: { txids, mempool_sequence: sequence }, id });
}

describe('scanRawMempool', () => {
  it('gives what JSON.parse gives, in both reply forms and for an empty mempool', () => {
    for (const n of [0, 1, 2, 1000]) {
      const txids = Array.from({ length: n }, (_, i) => hex(i + 1));
      const bodies = [reply2(txids, 7), JSON.stringify({ result: { txids, mempool_sequence: 9 }, error: null, id: 7 })];
      for (const body of bodies) {
        const scanned = scanRawMempool(body, [7]);
        expect(scanned).not.toBeNull();
        expect(scanned![0]).toEqual((JSON.parse(body) as { result: unknown }).result);
      }
    }
  });

  it('returns null (the caller then parses the reply) for any other form', () => {
    const txids = [hex(1), hex(2)];
    const good = reply2(txids, 3);
    const cases: Array<[string, string]> = [
      ['another id', reply2(txids, 4)],
      ['an error', JSON.stringify({ result: null, error: { code: -1, message: 'x' }, id: 3 })],
      ['whitespace in the list', good.replace(`${hex(1)}","`, `${hex(1)}", "`)],
      ['an escape in a txid', good.replace(hex(1), `\\u0061${hex(1).slice(6)}`)],
      ['a short txid', good.replace(hex(1), hex(1).slice(1))],
      ['a number in the list', good.replace(`"${hex(2)}"`, '1'.repeat(66))],
      ['no txids key', JSON.stringify({ jsonrpc: '2.0', result: [hex(1)], id: 3 })],
      ['a cut reply', good.slice(0, good.length - 5)],
    ];
    for (const [what, body] of cases) expect(scanRawMempool(body, [3]), what).toBeNull();
    // each of those is still JSON (but the cut reply): JSON.parse gives a value, only the fast path stands aside
    expect(scanRawMempool(good, [3])![0]!.txids).toEqual(txids);
    for (const [, body] of cases.slice(0, -1)) expect(() => JSON.parse(body)).not.toThrow();
  });

  it("reads the simulator's own getrawmempool false true reply as JSON.parse does", async () => {
    const sim = await startBitcoinSimulator({ initialMempool: 500 });
    try {
      const cookie = readFileSync(sim.cookieFile!, 'utf8').trim();
      const res = await fetch(sim.rpcUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(cookie).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'getrawmempool', params: [false, true] }),
      });
      const body = await res.text();
      const scanned = scanRawMempool(body, [11]);
      expect(scanned).not.toBeNull();
      expect(scanned![0]!.txids).toHaveLength(500);
      expect(scanned![0]).toEqual((JSON.parse(body) as { result: unknown }).result);
    } finally {
      await sim.close();
    }
  });
});
