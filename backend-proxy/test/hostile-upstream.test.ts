// Upstreams that answer without end: a reply larger than any real one, and a chunked body that
// never finishes. Each read stops at its bound (size or time) with a clear error; the connection
// is dropped, and memory stays bounded.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamHealth } from '../src/core/circuit.js';
import { BodyTooLargeError, readBodyText } from '../src/core/body.js';
import { SecretScrubber } from '../src/core/logger.js';
import { BitcoinRpc, MAX_REPLY_BYTES } from '../src/sources/bitcoin/client.js';
import { GethRpcClient } from '../src/sources/geth/client.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server whose every answer is `answer(res)`; resolves to its URL and how the last reply ended. */
async function serve(answer: (res: ServerResponse) => void) {
  const state = { aborted: 0, sentBytes: 0 };
  const server = createServer((req, res) => {
    req.resume();
    res.on('close', () => {
      if (!res.writableFinished) state.aborted++;
    });
    answer(res);
  });
  server.keepAliveTimeout = 100;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, state, server };
}

/** Writes 1 MiB chunks for as long as the client reads (a "1 GB" body that is never finished). */
function endless(res: ServerResponse) {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  res.writeHead(200, { 'content-type': 'application/json' });
  const pump = () => {
    while (!res.destroyed && res.write(chunk)) {
      /* until the socket pushes back */
    }
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

/** Sends one byte every 50 ms and never ends. */
function trickle(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'application/json' });
  const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 50);
  res.on('close', () => clearInterval(timer));
}

describe('readBodyText', () => {
  it('stops an endless body at its bound and closes the connection', async () => {
    const { url, state } = await serve(endless);
    const response = await fetch(url);
    await expect(readBodyText(response, 1024 * 1024)).rejects.toBeInstanceOf(BodyTooLargeError);
    await expect.poll(() => state.aborted).toBe(1);
  });

  it('refuses a declared Content-Length over the bound without reading it', async () => {
    const { url } = await serve((res) => {
      res.writeHead(200, { 'content-length': String(1024 ** 3) });
      res.write('x');
    });
    const started = performance.now();
    await expect(readBodyText(await fetch(url), 1024 * 1024)).rejects.toThrow('larger than 1 MiB');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('geth client against a hostile endpoint', () => {
  const client = (url: string, timeoutMs = 2_000) => new GethRpcClient({ url, timeoutMs, sourceId: 'geth-x', allowAdmin: false });

  it('an endless reply: a clear error at 32 MiB, memory bounded', async () => {
    const { url, state } = await serve(endless);
    const before = process.memoryUsage().rss;
    await expect(client(url, 30_000).call('eth_blockNumber')).rejects.toThrow(/geth eth_blockNumber: reply larger than 32 MiB/);
    // the 32 MiB read plus its text, not the gigabytes the server would send
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
    await expect.poll(() => state.aborted).toBe(1);
  });

  it('a body that never ends: the timeout', async () => {
    const { url } = await serve(trickle);
    await expect(client(url, 500).call('eth_blockNumber')).rejects.toThrow(/geth eth_blockNumber: timeout/);
  });
});

describe('bitcoind client against a hostile endpoint', () => {
  const rpc = (url: string, timeoutMs: number) =>
    new BitcoinRpc({
      target: { url: new URL(url), auth: { kind: 'password', user: 'u', password: 'password-123' } },
      sourceId: 'btc-x',
      timeoutMs,
      maxBatch: 100,
      retries: 0,
      health: new UpstreamHealth('rpc'),
      secrets: new SecretScrubber(),
    });

  it(`an endless reply: a clear error at ${MAX_REPLY_BYTES / 1_048_576} MiB, not the whole body`, async () => {
    const { url, state } = await serve(endless);
    await expect(rpc(url, 60_000).call('getblockcount')).rejects.toThrow(/larger than 256 MiB; not read/);
    await expect.poll(() => state.aborted).toBe(1);
  });

  it('a body that never ends: the timeout', async () => {
    const { url } = await serve(trickle);
    await expect(rpc(url, 500).call('getblockcount')).rejects.toThrow(/RPC timeout after 500 ms/);
  });
});
