// The RPC client against a minimal HTTP endpoint on 127.0.0.1 that answers the way Bitcoin
// Core 28's httprpc.cpp does (401 without body, 503 "Work queue depth exceeded", JSON-RPC 2.0
// error objects, batches). The full simulator tests live in test/bitcoin*.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamHealth } from '../../core/circuit.js';
import { SecretScrubber } from '../../core/logger.js';
import { BitcoinRpc, DEFAULT_IN_FLIGHT, MAX_IN_FLIGHT, MethodNotAllowedError, READ_ONLY_METHODS, resolveRpcTarget, RpcError } from './client.js';

type Handler = (body: unknown, req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let url: string;
let handler: Handler;
const bodies: unknown[] = [];
const rawBodies: string[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodescope-rpc-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const body = JSON.parse(raw) as unknown;
      bodies.push(body);
      rawBodies.push(raw);
      handler(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  bodies.length = 0;
  rawBodies.length = 0;
});

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Answers each call with `answer(method, params)` in JSON-RPC 2.0 form. */
function jsonRpc(answer: (method: string, params: unknown[]) => unknown): Handler {
  return (body, _req, res) => {
    const one = (call: { id: unknown; method: string; params: unknown[] }) => {
      try {
        return { jsonrpc: '2.0', id: call.id, result: answer(call.method, call.params) };
      } catch (error) {
        return { jsonrpc: '2.0', id: call.id, error: error as object };
      }
    };
    reply(res, 200, Array.isArray(body) ? body.map(one) : one(body as never));
  };
}

function client(extra: Partial<ConstructorParameters<typeof BitcoinRpc>[0]> = {}) {
  const secrets = new SecretScrubber();
  const health = new UpstreamHealth('test rpc', { failureThreshold: 3, openMs: 60_000 });
  const rpc = new BitcoinRpc({
    sourceId: 'btc',
    target: resolveRpcTarget('regtest', {
      url,
      user: 'alice',
      password: 'correct-horse',
      timeoutMs: 2_000,
      maxBatch: 3,
      retries: 3,
      circuitOpenMs: 1_000,
    }),
    timeoutMs: 2_000,
    maxBatch: 3,
    retryBaseMs: 1,
    health,
    secrets,
    ...extra,
  });
  return { rpc, health, secrets };
}

describe('resolveRpcTarget', () => {
  it.each([
    ['mainnet', 'http://127.0.0.1:8332/', '/home/u/.bitcoin/.cookie'],
    ['testnet', 'http://127.0.0.1:18332/', '/home/u/.bitcoin/testnet3/.cookie'],
    ['testnet4', 'http://127.0.0.1:48332/', '/home/u/.bitcoin/testnet4/.cookie'],
    ['signet', 'http://127.0.0.1:38332/', '/home/u/.bitcoin/signet/.cookie'],
    ['regtest', 'http://127.0.0.1:18443/', '/home/u/.bitcoin/regtest/.cookie'],
  ] as const)('%s defaults to %s and %s', (network, expectedUrl, cookie) => {
    const target = resolveRpcTarget(network, {
      datadir: '/home/u/.bitcoin',
      timeoutMs: 1_000,
      maxBatch: 1,
      retries: 0,
      circuitOpenMs: 100,
    });
    expect(target.url.toString()).toBe(expectedUrl);
    expect(target.auth).toEqual({ kind: 'cookie', file: cookie });
  });

  it('takes credentials out of the URL', () => {
    const target = resolveRpcTarget('mainnet', {
      url: 'http://bob:s3cret-pass@10.0.0.2:8332',
      timeoutMs: 1_000,
      maxBatch: 1,
      retries: 0,
      circuitOpenMs: 100,
    });
    expect(target.url.toString()).toBe('http://10.0.0.2:8332/');
    expect(target.auth).toEqual({ kind: 'password', user: 'bob', password: 's3cret-pass' });
  });

  it('an explicit cookie file wins over the datadir', () => {
    const target = resolveRpcTarget('signet', {
      cookieFile: '/srv/btc/.cookie',
      datadir: '/x',
      timeoutMs: 1_000,
      maxBatch: 1,
      retries: 0,
      circuitOpenMs: 100,
    });
    expect(target.auth).toEqual({ kind: 'cookie', file: '/srv/btc/.cookie' });
  });
});

describe('allow-list', () => {
  it.each([
    'sendtoaddress',
    'stop',
    'setban',
    'invalidateblock',
    'dumpprivkey',
    'walletpassphrase',
    'sendrawtransaction',
    'addnode',
    'submitblock',
    'importdescriptors',
    'getbalance',
  ])('refuses %s before any request leaves', async (method) => {
    handler = jsonRpc(() => null);
    const { rpc } = client();
    await expect(rpc.call(method)).rejects.toBeInstanceOf(MethodNotAllowedError);
    await expect(rpc.batch([{ method: 'getblockcount' }, { method }])).rejects.toBeInstanceOf(MethodNotAllowedError);
    expect(bodies).toHaveLength(0);
    rpc.close();
  });

  it('holds only read-only methods', () => {
    for (const method of READ_ONLY_METHODS) expect(method).toMatch(/^(get|list|estimate|uptime)/);
  });
});

describe('BitcoinRpc', () => {
  it('sends JSON-RPC 2.0 with basic auth and maps results', async () => {
    let auth = '';
    handler = (body, req, res) => {
      auth = req.headers.authorization ?? '';
      jsonRpc(() => 870_000)(body, req, res);
    };
    const { rpc, health } = client();
    expect(await rpc.call('getblockcount')).toBe(870_000);
    expect(bodies[0]).toMatchObject({ jsonrpc: '2.0', method: 'getblockcount', params: [] });
    // the request text is JSON.stringify's of the request object (a single call) or array (a batch)
    const first = bodies[0] as { id: number };
    expect(rawBodies[0]).toBe(JSON.stringify({ jsonrpc: '2.0', id: first.id, method: 'getblockcount', params: [] }));
    await rpc.batch([
      { method: 'getblockhash', params: [7] },
      { method: 'getblockheader', params: ['ab'.repeat(32), true] },
      { method: 'getblockcount' },
    ]);
    const ids = (bodies[1] as Array<{ id: number }>).map((b) => b.id);
    expect(rawBodies[1]).toBe(
      JSON.stringify([
        { jsonrpc: '2.0', id: ids[0], method: 'getblockhash', params: [7] },
        { jsonrpc: '2.0', id: ids[1], method: 'getblockheader', params: ['ab'.repeat(32), true] },
        { jsonrpc: '2.0', id: ids[2], method: 'getblockcount', params: [] },
      ])
    );
    expect(auth).toBe(`Basic ${Buffer.from('alice:correct-horse').toString('base64')}`);
    expect(health.snapshot().status).toBe('ok');
    rpc.close();
  });

  it('reads a reply as UTF-8 whether or not it holds more than ASCII', async () => {
    // UniValue::write escapes only control characters and quotes: a wallet label or a peer's
    // subversion reaches the client as raw UTF-8 bytes (bitcoin/bitcoin@a05987d:src/univalue/lib/univalue_write.cpp)
    const subversions = ['/Satoshi:28.0.0/', '/Satoshi:28.0.0(Zürich ₿ 🚀)/'];
    handler = jsonRpc((_method, params) => subversions[params[0] as number]);
    const { rpc } = client();
    expect(await rpc.call('getblockhash', [0])).toBe(subversions[0]);
    expect(await rpc.call('getblockhash', [1])).toBe(subversions[1]);
    rpc.close();
  });

  it('splits batches at maxBatch and keeps per-item errors', async () => {
    handler = jsonRpc((method, params) => {
      if (method === 'getblockhash' && params[0] === 99) throw { code: -8, message: 'Block height out of range' };
      return `hash-${String(params[0])}`;
    });
    const { rpc } = client();
    const calls = [1, 2, 3, 4, 99, 6, 7].map((h) => ({ method: 'getblockhash', params: [h] }));
    const out = await rpc.batch(calls);
    expect(bodies).toHaveLength(3); // 3 + 3 + 1
    expect((bodies as unknown[][]).map((b) => b.length)).toEqual([3, 3, 1]);
    expect(out.filter((o) => o.ok)).toHaveLength(6);
    const bad = out[4]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error).toBeInstanceOf(RpcError);
      expect(bad.error.code).toBe(-8);
      expect(bad.error.message).toContain('Block height out of range');
    }
    rpc.close();
  });

  it('sends chunks concurrently when asked and keeps results in call order', async () => {
    // later chunks answer first
    handler = (body, req, res) => {
      const calls = body as Array<{ params: number[] }>;
      const delay = 60 - (calls[0]?.params[0] ?? 0) * 5;
      setTimeout(() => jsonRpc((_m, params) => `hash-${String(params[0])}`)(body, req, res), Math.max(0, delay));
    };
    const { rpc } = client();
    const out = await rpc.batch(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((h) => ({ method: 'getblockhash', params: [h] })),
      { concurrency: 4 }
    );
    expect(bodies).toHaveLength(4);
    expect(out.map((o) => (o.ok ? o.result : null))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((h) => `hash-${h}`));
    rpc.close();
  });

  it('keeps at most maxInFlight requests on the wire (bitcoind\'s threads by default, never past half its work queue), whatever callers ask', async () => {
    // bitcoind queues up to -rpcworkqueue requests before 503 "Work queue depth exceeded":
    // DEFAULT_HTTP_WORKQUEUE=16 (bitcoin/bitcoin@0011534a9a25db20c8f830a18ef3f8b336906e7e:src/httpserver.h:13)
    expect(MAX_IN_FLIGHT).toBeLessThanOrEqual(16 / 2);
    expect(DEFAULT_IN_FLIGHT).toBe(4); // DEFAULT_HTTP_THREADS=4 (src/httpserver.h:12): one a thread
    let open = 0;
    let most = 0;
    handler = (body, req, res) => {
      open++;
      most = Math.max(most, open);
      // held a little so every request the client allows is on the wire together
      setTimeout(() => {
        open--;
        jsonRpc((_m, params) => `hash-${String(params[0])}`)(body, req, res);
      }, 15);
    };
    for (const [asked, bound] of [
      [undefined, DEFAULT_IN_FLIGHT],
      [2, 2],
      [MAX_IN_FLIGHT, MAX_IN_FLIGHT],
      [64, MAX_IN_FLIGHT],
    ] as const) {
      most = 0;
      const { rpc } = client(asked === undefined ? {} : { maxInFlight: asked });
      expect(rpc.maxInFlight).toBe(bound);
      const calls = { method: 'getblockhash', count: 90, params: (i: number) => [i] }; // 30 chunks of maxBatch 3
      const got: string[] = [];
      // a resync asking for far more chunks at once, and single calls beside it, share the bound
      await Promise.all([
        rpc.batchEach<string>(calls, { concurrency: 100 }, (outcomes, _c, offset) =>
          outcomes.forEach((o, i) => (got[offset + i] = o.ok ? o.result : ''))
        ),
        ...Array.from({ length: 10 }, (_, i) => rpc.call('getblockhash', [1000 + i])),
      ]);
      expect(got).toEqual(Array.from({ length: 90 }, (_, i) => `hash-${i}`));
      expect(most).toBe(bound);
      rpc.close();
    }
  });

  it('batchEach hands over each chunk with its offset as it arrives, and stops when the consumer throws', async () => {
    handler = jsonRpc((_m, params) => `hash-${String(params[0])}`);
    const { rpc } = client();
    const calls = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((h) => ({ method: 'getblockhash', params: [h] }));
    const seen: string[] = [];
    await rpc.batchEach<string>(calls, { concurrency: 2 }, (outcomes, _chunk, offset) => {
      outcomes.forEach((o, i) => {
        expect(o.ok && o.result).toBe(`hash-${offset + i}`);
        seen[offset + i] = o.ok ? o.result : '';
      });
    });
    expect(seen).toEqual(calls.map((c) => `hash-${String(c.params[0])}`));

    bodies.length = 0;
    await expect(
      rpc.batchEach(calls, { concurrency: 1 }, () => {
        throw new Error('consumer refused');
      })
    ).rejects.toThrow('consumer refused');
    expect(bodies).toHaveLength(1); // no chunk sent after the refusal

    // calls given as a list of one method send the same requests as the array of them
    bodies.length = 0;
    const fromList: string[] = [];
    await rpc.batchEach<string>(
      { method: 'getblockhash', count: calls.length, params: (i) => [i] },
      { concurrency: 2 },
      (outcomes, _chunk, offset) => outcomes.forEach((o, i) => (fromList[offset + i] = o.ok ? o.result : ''))
    );
    expect(fromList).toEqual(seen);
    expect((bodies as Array<Array<{ method: string; params: unknown[] }>>).flat().map((b) => [b.method, b.params])).toEqual(
      calls.map((c) => [c.method, c.params])
    );
    // a method outside the allow-list is refused before any request, as for an array
    bodies.length = 0;
    await expect(rpc.batchEach({ method: 'sendrawtransaction', count: 2, params: () => ['00'] }, {}, () => {})).rejects.toThrow(
      MethodNotAllowedError
    );
    expect(bodies).toHaveLength(0);

    // a smaller batchSize splits further; a larger one never passes maxBatch (3)
    for (const [batchSize, lengths] of [
      [2, [2, 2, 2, 2, 2]],
      [50, [3, 3, 3, 1]],
    ] as const) {
      bodies.length = 0;
      const offsets: number[] = [];
      await rpc.batchEach(calls, { concurrency: 1, batchSize }, (_outcomes, _chunk, offset) => offsets.push(offset));
      expect((bodies as unknown[][]).map((b) => b.length)).toEqual(lengths);
      expect(offsets).toEqual(lengths.map((_n, i) => lengths.slice(0, i).reduce((s: number, n) => s + n, 0)));
    }
    rpc.close();
  });

  it('reports -28 warm-up as status starting with the node message, not as a failure', async () => {
    handler = jsonRpc(() => {
      throw { code: -28, message: 'Loading block index…' };
    });
    const { rpc, health } = client();
    await expect(rpc.call('getblockchaininfo')).rejects.toMatchObject({ code: -28 });
    const snap = health.snapshot();
    expect(snap.status).toBe('starting');
    expect(snap.message).toContain('Loading block index');
    expect(snap.circuit).toBe('closed');
    handler = jsonRpc(() => 1);
    await rpc.call('getblockcount');
    expect(health.snapshot().status).toBe('ok');
    rpc.close();
  });

  it('backs off and retries a 503 work-queue overflow', async () => {
    let busy = 2;
    handler = (body, req, res) => {
      if (busy-- > 0) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('Work queue depth exceeded');
        return;
      }
      jsonRpc(() => 5)(body, req, res);
    };
    const { rpc, health } = client();
    expect(await rpc.call('getconnectioncount')).toBe(5);
    expect(bodies).toHaveLength(3);
    expect(health.snapshot().status).toBe('ok');
    rpc.close();
  });

  it('gives up on a persistent 503 and reports it', async () => {
    handler = (_body, _req, res) => {
      res.writeHead(503);
      res.end('Work queue depth exceeded');
    };
    const { rpc, health } = client();
    await expect(rpc.call('getconnectioncount')).rejects.toMatchObject({ code: 503 });
    expect(bodies).toHaveLength(4); // first try + 3 retries
    expect(health.snapshot().status).toBe('degraded');
    expect(health.snapshot().message).toContain('work queue');
    rpc.close();
  });

  it('re-reads a rewritten cookie after a 401 and never leaks it', async () => {
    const cookieFile = join(dir, '.cookie');
    let expected = '__cookie__:first0123456789abcdef';
    await writeFile(cookieFile, expected);
    handler = (body, req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from(expected).toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="jsonrpc"' });
        res.end();
        return;
      }
      jsonRpc(() => 'ok')(body, req, res);
    };
    const { rpc, secrets } = client({ target: { url: new URL(url), auth: { kind: 'cookie', file: cookieFile } } });
    expect(await rpc.call('uptime')).toBe('ok');
    // the node restarts and writes a new cookie
    expected = '__cookie__:second9876543210fedcba';
    await writeFile(cookieFile, expected);
    expect(await rpc.call('uptime')).toBe('ok');
    expect(secrets.scrub('first0123456789abcdef second9876543210fedcba')).not.toMatch(/first|second/);
    // a wrong cookie that stays wrong fails with a clear message that holds no secret
    expected = '__cookie__:third-never-written';
    const error = (await rpc.call('uptime').catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('401');
    expect(error.message).not.toContain('second9876543210fedcba');
    rpc.close();
  });

  it('a missing cookie file is a clear error naming the file', async () => {
    const { rpc } = client({
      target: { url: new URL(url), auth: { kind: 'cookie', file: join(dir, 'nope', '.cookie') } },
      retries: 0,
    });
    await expect(rpc.call('uptime')).rejects.toThrow(/cannot read RPC cookie file .*nope.*ENOENT/);
    rpc.close();
  });

  it('times out a slow node and opens the circuit after repeated failures', async () => {
    handler = () => {
      /* never answers */
    };
    const { rpc, health } = client({ timeoutMs: 100 });
    for (let i = 0; i < 3; i++) await expect(rpc.call('uptime')).rejects.toThrow(/timeout after 100 ms/);
    expect(health.snapshot().status).toBe('down');
    const sent = bodies.length;
    await expect(rpc.call('uptime')).rejects.toThrow(/circuit open/);
    expect(bodies.length).toBe(sent); // failed fast, nothing sent
    rpc.close();
    server.closeAllConnections();
  });

  it('a refused connection is an upstream error naming only the host', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { rpc } = client({
      target: {
        url: new URL(`http://127.0.0.1:${port}`),
        auth: { kind: 'password', user: 'alice', password: 'correct-horse' },
      },
      retries: 1,
    });
    const error = (await rpc.call('uptime').catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('correct-horse');
    rpc.close();
  });

  it('maps a legacy JSON-RPC 1.0 style error reply (HTTP 500 with error object)', async () => {
    handler = (body, _req, res) =>
      reply(res, 500, {
        result: null,
        error: { code: -5, message: 'Block not found' },
        id: (body as { id: number }).id,
      });
    const { rpc } = client();
    await expect(rpc.call('getblockheader', ['00'])).rejects.toMatchObject({ code: -5 });
    rpc.close();
  });
});
