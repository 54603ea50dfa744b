import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BitcoinSimulator, RECEIVED_LOG_MAX, startBitcoinSimulator } from './index.js';
import { postRaw, rpc, startForSuite } from './testkit.js';

describe('bitcoind simulator: HTTP JSON-RPC like Core 28', () => {
  let sim: BitcoinSimulator;
  startForSuite(async () => (sim = await startBitcoinSimulator({ seed: 7, authFailureDelayMs: 0 })));

  it('answers JSON-RPC 1.0 with result, error null and id', async () => {
    const reply = await postRaw(sim, '{"jsonrpc":"1.0","id":"a","method":"getblockcount","params":[]}');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.text).toBe('{"result":200,"error":null,"id":"a"}\n');
  });

  it('treats a request without jsonrpc as legacy and omits id when the request had none', async () => {
    const reply = await postRaw(sim, '{"method":"getblockcount"}');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ result: 200, error: null });
  });

  it('answers JSON-RPC 2.0 without an error key on success', async () => {
    const reply = await postRaw(sim, '{"jsonrpc":"2.0","id":5,"method":"getblockcount"}');
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('{"jsonrpc":"2.0","result":200,"id":5}\n');
  });

  it('maps 1.0 errors to HTTP statuses: -32601 -> 404, others -> 500', async () => {
    const missing = await postRaw(sim, '{"id":1,"method":"stop"}');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ result: null, error: { code: -32601, message: 'Method not found' }, id: 1 });
    const outOfRange = await postRaw(sim, '{"id":2,"method":"getblockhash","params":[99999]}');
    expect(outOfRange.status).toBe(500);
    expect(outOfRange.json).toEqual({ result: null, error: { code: -8, message: 'Block height out of range' }, id: 2 });
  });

  it('keeps 2.0 errors inside HTTP 200 without a result key', async () => {
    const reply = await postRaw(sim, '{"jsonrpc":"2.0","id":"x","method":"getblockhash","params":[-1]}');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ jsonrpc: '2.0', error: { code: -8, message: 'Block height out of range' }, id: 'x' });
  });

  it('answers a 2.0 notification with 204 and no body, but still runs it', async () => {
    const before = sim.received.length;
    const reply = await postRaw(sim, '{"jsonrpc":"2.0","method":"getblockcount"}');
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expect(sim.received.slice(before)).toEqual(['getblockcount']);
  });

  it('reports parse errors as -32700 with id null and HTTP 500', async () => {
    const reply = await postRaw(sim, '{"method":');
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ result: null, error: { code: -32700, message: 'Parse error' }, id: null });
    const scalar = await postRaw(sim, '42');
    expect(scalar.json).toEqual({
      result: null,
      error: { code: -32700, message: 'Top-level object parse error' },
      id: null,
    });
  });

  it('reports invalid requests as -32600 with HTTP 400', async () => {
    const noMethod = await postRaw(sim, '{"id":3}');
    expect(noMethod.status).toBe(400);
    expect(noMethod.json).toEqual({ result: null, error: { code: -32600, message: 'Missing method' }, id: 3 });
    const badVersion = await postRaw(sim, '{"jsonrpc":"3.0","id":4,"method":"getblockcount"}');
    expect(badVersion.status).toBe(400);
    expect((badVersion.json as { error: { message: string } }).error.message).toBe('JSON-RPC version not supported');
    const badParams = await postRaw(sim, '{"jsonrpc":"2.0","id":5,"method":"getblockcount","params":"x"}');
    expect(badParams.status).toBe(400);
    expect(badParams.json).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Params must be an array or object' },
      id: 5,
    });
  });

  it('runs batch elements independently and always answers 200', async () => {
    const reply = await postRaw(
      sim,
      JSON.stringify([
        { method: 'getblockcount', id: 1 },
        { method: 'invalidmethod', id: 2 },
        { jsonrpc: '2.0', method: 'getblockhash', params: [0], id: 3 },
        { jsonrpc: '2.0', method: 'getblockcount' },
        { jsonrpc: '2.0', method: 'getblockhash', params: ['zero'], id: 4 },
      ])
    );
    expect(reply.status).toBe(200);
    const items = reply.json as Array<Record<string, unknown>>;
    expect(items).toHaveLength(4);
    expect(items[0]).toEqual({ result: 200, error: null, id: 1 });
    expect(items[1]).toEqual({ result: null, error: { code: -32601, message: 'Method not found' }, id: 2 });
    expect(items[2]).toMatchObject({ jsonrpc: '2.0', id: 3 });
    expect(items[2]?.result).toMatch(/^[0-7][0-9a-f]{63}$/);
    expect(items[3]).toMatchObject({ jsonrpc: '2.0', id: 4, error: { code: -3 } });
  });

  it('answers an all-notification batch with 204 and an empty batch with []', async () => {
    const notes = await postRaw(
      sim,
      '[{"jsonrpc":"2.0","method":"getblockcount"},{"jsonrpc":"2.0","method":"uptime"}]'
    );
    expect(notes.status).toBe(204);
    const empty = await postRaw(sim, '[]');
    expect(empty.status).toBe(200);
    expect(empty.text).toBe('[]\n');
  });

  it('keeps the previous element id for a non-object batch element, as bitcoind reuses its request object', async () => {
    const reply = await postRaw(sim, '[{"method":"getblockcount","id":9},5]');
    expect((reply.json as unknown[])[1]).toEqual({
      result: null,
      error: { code: -32600, message: 'Invalid Request object' },
      id: 9,
    });
  });

  it("matches Core 28's interface_rpc.py cases", async () => {
    // regtest genesis, as getblockhash(0) answers on every regtest node
    const genesis = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
    expect(await rpc(sim, 'getblockhash', [0])).toBe(genesis);
    const empty = await postRaw(sim, '');
    expect(empty.status).toBe(500);
    expect(empty.json).toEqual({ result: null, error: { code: -32700, message: 'Parse error' }, id: null });
    const numericVersion = await postRaw(sim, '{"jsonrpc":2,"method":"getblockcount"}');
    expect(numericVersion.status).toBe(400);
    expect(numericVersion.json).toEqual({
      result: null,
      error: { code: -32600, message: 'jsonrpc field must be a string' },
    });
    const nullId = await postRaw(sim, '{"jsonrpc":"2.0","id":null,"method":"getblockcount"}');
    expect(nullId.status).toBe(200);
    expect(nullId.json).toEqual({ jsonrpc: '2.0', result: 200, id: null });
    const batch = await postRaw(
      sim,
      JSON.stringify([
        { method: 'getblockcount' },
        { version: '1.1', method: 'invalidmethod', id: 2 },
        { jsonrpc: '1.0', method: 'getblockhash', params: [0], id: 3 },
        { pizza: 'sausage', id: 4 },
        { jsonrpc: '2.1', method: 'getblockcount', id: 5 },
      ])
    );
    expect(batch.status).toBe(200);
    expect(batch.json).toEqual([
      { result: 200, error: null },
      { result: null, error: { code: -32601, message: 'Method not found' }, id: 2 },
      { result: genesis, error: null, id: 3 },
      { result: null, error: { code: -32600, message: 'Missing method' }, id: 4 },
      { result: null, error: { code: -32600, message: 'JSON-RPC version not supported' }, id: 5 },
    ]);
  });

  it('accepts named parameters, including args', async () => {
    const hash = await rpc<string>(sim, 'getblockhash', { height: 1 });
    expect(await rpc(sim, 'getblockhash', [1])).toBe(hash);
    expect(await rpc(sim, 'getblockhash', { args: [1] })).toBe(hash);
    await expect(rpc(sim, 'getblockhash', { depth: 1 })).rejects.toMatchObject({
      code: -8,
      message: 'Unknown named parameter depth',
    });
  });

  it('answers missing or extra arguments with the help text as -1', async () => {
    await expect(rpc(sim, 'getblockhash', [])).rejects.toMatchObject({
      code: -1,
      message: expect.stringContaining('getblockhash "height"'),
    });
    await expect(rpc(sim, 'getblockcount', [1])).rejects.toMatchObject({ code: -1 });
  });

  it('never serves wallet, mining or admin writes', async () => {
    for (const method of [
      'stop',
      'sendrawtransaction',
      'generatetoaddress',
      'getbalance',
      'sendtoaddress',
      'setban',
      'invalidateblock',
      'submitblock',
      'prioritisetransaction',
    ]) {
      const reply = await postRaw(sim, JSON.stringify({ method, id: method, params: [] }));
      expect(reply.status, method).toBe(404);
      expect((reply.json as { error: { code: number } }).error.code).toBe(-32601);
    }
  });

  it('refuses GET with 405 and text, and unknown paths with 404', async () => {
    const get = await postRaw(sim, '', { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.text).toBe('JSONRPC server handles only POST requests');
    const other = await postRaw(sim, '{"method":"getblockcount"}', { path: '/rest/chaininfo.json' });
    expect(other.status).toBe(404);
  });

  it('answers missing and wrong credentials with 401, an empty body and WWW-Authenticate', async () => {
    const before = sim.receivedRequests.length;
    for (const auth of [null, '__cookie__:wrong', 'Zm9v']) {
      const reply = await postRaw(sim, '{"method":"getblockcount","id":1}', { auth });
      expect(reply.status).toBe(401);
      expect(reply.text).toBe('');
      expect(reply.headers.get('www-authenticate')).toBe('Basic realm="jsonrpc"');
    }
    // the refused requests are logged as arrived, but were not executed
    expect(sim.receivedRequests.slice(before).map((r) => r.outcome)).toEqual([
      'unauthorized',
      'unauthorized',
      'unauthorized',
    ]);
  });

  it('records every method name that arrived, unknown ones included', async () => {
    const before = sim.received.length;
    await postRaw(sim, '[{"method":"getblockcount","id":1},{"method":"nosuchmethod","id":2}]');
    await postRaw(sim, '{"method":"getwalletinfo","id":3}');
    expect(sim.received.slice(before)).toEqual(['getblockcount', 'nosuchmethod', 'getwalletinfo']);
  });

  it('writes the cookie like bitcoind: <datadir>/regtest/.cookie, owner-only, __cookie__:<64 hex>', async () => {
    expect(sim.cookieFile).toBe(path.join(sim.datadir, 'regtest', '.cookie'));
    const content = await readFile(sim.cookieFile as string, 'utf8');
    expect(content).toMatch(/^__cookie__:[0-9a-f]{64}$/);
    expect((await stat(sim.cookieFile as string)).mode & 0o777).toBe(0o600);
    expect(content).toBe(sim.credentials());
  });
});

describe('bitcoind simulator: networks and static credentials', () => {
  it('puts each network in its own datadir sub-directory', async () => {
    const expected = { mainnet: '', testnet: 'testnet3', testnet4: 'testnet4', signet: 'signet' } as const;
    for (const [network, subdir] of Object.entries(expected)) {
      const sim = await startBitcoinSimulator({ network: network as keyof typeof expected, peers: 2 });
      try {
        expect(sim.cookieFile).toBe(path.join(sim.datadir, subdir, '.cookie'));
        const info = await rpc<{ chain: string }>(sim, 'getblockchaininfo');
        expect(info.chain).toBe({ mainnet: 'main', testnet: 'test', testnet4: 'testnet4', signet: 'signet' }[network]);
      } finally {
        await sim.close();
      }
    }
  });

  it('accepts rpcuser/rpcpassword and writes no cookie', async () => {
    const sim = await startBitcoinSimulator({ auth: { user: 'alice', password: 's3cret' }, authFailureDelayMs: 0 });
    try {
      expect(sim.cookieFile).toBeNull();
      expect((await postRaw(sim, '{"method":"getblockcount","id":1}', { auth: 'alice:s3cret' })).status).toBe(200);
      expect((await postRaw(sim, '{"method":"getblockcount","id":1}', { auth: 'alice:wrong' })).status).toBe(401);
    } finally {
      await sim.close();
    }
  });

  it('removes its temporary datadir and cookie on close', async () => {
    const sim = await startBitcoinSimulator();
    await sim.close();
    await expect(stat(sim.datadir)).rejects.toThrow();
  });

  it('keeps a bounded log of the requests it received, newest last', async () => {
    const sim = await startBitcoinSimulator({ authFailureDelayMs: 0 });
    try {
      const batch = (method: string, count: number) =>
        postRaw(sim, JSON.stringify(Array.from({ length: count }, (_, id) => ({ jsonrpc: '2.0', id, method }))));
      expect((await batch('getblockcount', RECEIVED_LOG_MAX)).status).toBe(200);
      expect(sim.received).toHaveLength(RECEIVED_LOG_MAX);
      expect((await batch('getbestblockhash', 3)).status).toBe(200);
      expect(sim.received).toHaveLength(RECEIVED_LOG_MAX / 2 + 3);
      expect(sim.receivedRequests).toHaveLength(RECEIVED_LOG_MAX / 2 + 3);
      expect(sim.received.slice(-4)).toEqual([
        'getblockcount',
        'getbestblockhash',
        'getbestblockhash',
        'getbestblockhash',
      ]);
    } finally {
      await sim.close();
    }
  });
});
