import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber } from '../core/logger.js';
import { MetricFactory } from '../core/metrics.js';
import { influxOutputSchema } from './influxConfig.js';
import { InfluxWriter, retryAfterMs, startInfluxWriter, type InfluxWriterOptions } from './influx.js';

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  lines: string[];
}

/** A write endpoint answering like InfluxDB: 204 on success, or the next scripted fault. */
async function startReceiver() {
  const received: Received[] = [];
  const script: Array<{ status: number; body?: string; headers?: Record<string, string> }> = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://x');
      const next = script.shift();
      if (!next || next.status < 300) {
        received.push({
          method: request.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          contentEncoding: request.headers['content-encoding'],
          lines: (request.headers['content-encoding'] === 'gzip' ? gunzipSync(Buffer.concat(chunks)) : Buffer.concat(chunks))
            .toString('utf8')
            .split('\n'),
        });
      }
      const status = next?.status ?? 204;
      response.writeHead(status, { 'content-type': 'application/json', ...next?.headers });
      response.end(status === 204 ? undefined : (next?.body ?? JSON.stringify({ error: 'scripted' })));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    script,
    lines: () => received.flatMap((r) => r.lines),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let receiver: Receiver;
let dir: string;
beforeEach(async () => {
  receiver = await startReceiver();
  dir = await mkdtemp(join(tmpdir(), 'nodescope-influx-'));
});
afterEach(async () => {
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
});

const TOKEN = 'tok-3f9a7c1e-secret';

function writer(overrides: Partial<InfluxWriterOptions> = {}): { writer: InfluxWriter; errors: string[] } {
  const errors: string[] = [];
  const w = new InfluxWriter({
    url: receiver.url,
    api: 'v1',
    db: 'nodescope',
    batchSize: 5,
    maxPendingLines: 1_000,
    timeoutMs: 5_000,
    retryMaxMs: 1_000,
    random: () => 0.5,
    onError: (message) => errors.push(message),
    ...overrides,
  });
  return { writer: w, errors };
}

const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => `m,source=s value=${from + i} ${1_000 + from + i}`);

describe('InfluxWriter wire format', () => {
  it('v1: POST /write?db=&rp=&precision=ms, text body one point per line, Basic auth with a username', async () => {
    const { writer: w } = writer({ retentionPolicy: 'autogen', username: 'proxy', token: TOKEN });
    w.add(lines(0, 2));
    expect(await w.flush()).toBe(true);
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/write');
    expect(Object.fromEntries(request!.query)).toEqual({ db: 'nodescope', rp: 'autogen', precision: 'ms' });
    expect(request!.authorization).toBe(`Basic ${Buffer.from(`proxy:${TOKEN}`).toString('base64')}`);
    expect(request!.contentType).toMatch(/^text\/plain/);
    expect(request!.contentEncoding).toBeUndefined();
    expect(request!.lines).toEqual(lines(0, 2));
  });

  it('gzips the body when asked (Content-Encoding: gzip)', async () => {
    const { writer: w } = writer({ gzip: true });
    w.add(lines(0, 3));
    expect(await w.flush()).toBe(true);
    expect(receiver.received[0]!.contentEncoding).toBe('gzip');
    expect(receiver.lines()).toEqual(lines(0, 3));
  });

  it('v2: POST /api/v2/write?org=&bucket=&precision=ms with Authorization: Token, keeping a base path', async () => {
    const { writer: w } = writer({ url: `${receiver.url}/influx/`, api: 'v2', db: undefined, org: 'my org', bucket: 'btc/autogen', token: TOKEN });
    w.add(lines(0, 1));
    expect(await w.flush()).toBe(true);
    const [request] = receiver.received;
    expect(request!.path).toBe('/influx/api/v2/write');
    expect(Object.fromEntries(request!.query)).toEqual({ org: 'my org', bucket: 'btc/autogen', precision: 'ms' });
    expect(request!.authorization).toBe(`Token ${TOKEN}`);
  });

  it('v1 without a username sends the token as Token, without a token no Authorization', async () => {
    expect(writer({ token: TOKEN }).writer['headers'].authorization).toBe(`Token ${TOKEN}`);
    expect(writer().writer['headers'].authorization).toBeUndefined();
  });
});

describe('batching', () => {
  it('cuts batches of batchSize lines, filling the last batch first, in order', async () => {
    const { writer: w } = writer();
    w.add(lines(0, 3));
    w.add(lines(3, 9)); // 2 fill the first batch, then 5 and 2
    expect(w.stats).toMatchObject({ pendingLines: 12, pendingBatches: 3 });
    expect(await w.flush()).toBe(true);
    expect(receiver.received.map((r) => r.lines.length)).toEqual([5, 5, 2]);
    expect(receiver.lines()).toEqual(lines(0, 12));
    expect(w.stats).toMatchObject({ pendingLines: 0, writtenLines: 12, requests: 3 });
  });
});

describe('retries and refusals', () => {
  it('keeps a batch through 503s and connection errors, backing off, and delivers it later in order', async () => {
    let clock = 10_000;
    const { writer: w, errors } = writer({ now: () => clock, retryBaseMs: 1_000 });
    receiver.script.push({ status: 503, body: '{"error":"engine: cache maximum memory size exceeded"}' }, { status: 500 });
    w.add(lines(0, 7));
    expect(await w.flush()).toBe(false);
    expect(w.stats).toMatchObject({ pendingLines: 7, failures: 1 });
    expect(errors[0]).toContain('influx write 503');
    // backoff: full jitter of min(max, base * 2^0) with random 0.5 → 500 ms
    expect(await w.flush(false)).toBe(false);
    expect(w.stats.failures).toBe(1);
    clock += 500;
    expect(await w.flush(false)).toBe(false); // the scripted 500
    expect(w.stats.failures).toBe(2);
    clock += 1_000;
    expect(await w.flush(false)).toBe(true);
    expect(receiver.lines()).toEqual(lines(0, 7));
    expect(w.stats).toMatchObject({ pendingLines: 0, writtenLines: 7, droppedLines: 0 });
  });

  it('keeps lines when nothing listens (connection refused)', async () => {
    await receiver.close();
    const { writer: w, errors } = writer({ url: receiver.url });
    w.add(lines(0, 3));
    expect(await w.flush()).toBe(false);
    expect(errors[0]).toMatch(/influx write failed: ECONNREFUSED/);
    expect(w.stats).toMatchObject({ pendingLines: 3, droppedLines: 0, failures: 1 });
    receiver = await startReceiver(); // afterEach closes it
  });

  it('honours Retry-After on 429', async () => {
    let clock = 0;
    const { writer: w } = writer({ now: () => clock });
    receiver.script.push({ status: 429, headers: { 'retry-after': '7' } });
    w.add(lines(0, 1));
    expect(await w.flush()).toBe(false);
    clock = 6_999;
    expect(await w.flush(false)).toBe(false);
    expect(receiver.received).toHaveLength(0);
    clock = 7_000;
    expect(await w.flush(false)).toBe(true);
  });

  it('keeps batches on 401/403/404 (fixable configuration), drops a 400-refused batch and goes on', async () => {
    const { writer: w, errors } = writer();
    receiver.script.push({ status: 404, body: '{"error":"database not found: \\"nodescope\\""}' });
    w.add(lines(0, 10));
    expect(await w.flush()).toBe(false);
    expect(w.stats.pendingLines).toBe(10);
    receiver.script.push({ status: 400, body: '{"error":"partial write: field type conflict"}' });
    expect(await w.flush()).toBe(true);
    expect(receiver.lines()).toEqual(lines(5, 5));
    expect(w.stats).toMatchObject({ droppedLines: 5, writtenLines: 5, pendingLines: 0 });
    expect(errors.some((e) => e.includes('field type conflict') && e.includes('dropped'))).toBe(true);
  });

  it('splits a batch InfluxDB finds too large (413)', async () => {
    const { writer: w } = writer();
    receiver.script.push({ status: 413, body: '{"error":"Request Entity Too Large"}' });
    w.add(lines(0, 5));
    expect(await w.flush()).toBe(true);
    expect(receiver.received.map((r) => r.lines.length)).toEqual([3, 2]);
    expect(receiver.lines()).toEqual(lines(0, 5));
  });

  it('bounds the queue: the oldest lines go first and are counted', async () => {
    const { writer: w, errors } = writer({ maxPendingLines: 8 });
    w.add(lines(0, 6));
    w.add(lines(6, 6));
    expect(w.stats).toMatchObject({ pendingLines: 8, droppedLines: 4 });
    expect(errors[0]).toContain('dropped the 4 oldest');
    expect(await w.flush()).toBe(true);
    expect(receiver.lines()).toEqual(lines(4, 8));
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(retryAfterMs('soon')).toBe(0);
    expect(retryAfterMs(null)).toBe(0);
  });
});

describe('queue file', () => {
  it('persists pending batches atomically and a new writer (a restarted proxy) delivers them first', async () => {
    const queueFile = join(dir, 'influx-queue.json');
    await receiver.close(); // outage
    const first = writer({ queueFile }).writer;
    first.add(lines(0, 7));
    expect(await first.flush()).toBe(false);
    await first.close();
    const saved = JSON.parse(await readFile(queueFile, 'utf8')) as { version: number; batches: string[][] };
    expect(saved.version).toBe(1);
    expect(saved.batches.flat()).toEqual(lines(0, 7));

    receiver = await startReceiver();
    const second = writer({ url: receiver.url, queueFile }).writer;
    expect(await second.load()).toBe(7);
    second.add(lines(7, 2));
    expect(await second.flush()).toBe(true);
    expect(receiver.lines()).toEqual(lines(0, 9));
    await second.persisted();
    expect(JSON.parse(await readFile(queueFile, 'utf8'))).toEqual({ version: 1, batches: [] });
  });

  it('writes the file at most once per minSaveIntervalMs, and at once on close()', async () => {
    const queueFile = join(dir, 'throttled.json');
    const { writer: w } = writer({ queueFile, minSaveIntervalMs: 60_000 });
    w.add(lines(0, 1)); // first write goes at once
    await new Promise((resolve) => setTimeout(resolve, 100));
    w.add(lines(1, 1));
    w.add(lines(2, 1)); // these wait for the interval
    await new Promise((resolve) => setTimeout(resolve, 100));
    const early = JSON.parse(await readFile(queueFile, 'utf8')) as { batches: string[][] };
    expect(early.batches.flat()).toEqual(lines(0, 1));
    await w.close(); // does not wait the minute out
    const final = JSON.parse(await readFile(queueFile, 'utf8')) as { batches: string[][] };
    expect(final.batches.flat()).toEqual(lines(0, 3));
  });

  it('ignores an unreadable queue file with a message', async () => {
    const queueFile = join(dir, 'q.json');
    await writeFile(queueFile, '{not json');
    const { writer: w, errors } = writer({ queueFile });
    expect(await w.load()).toBe(0);
    expect(errors[0]).toContain('unreadable');
  });
});

describe('startInfluxWriter (registry snapshots)', () => {
  it('writes every series with its labels, its own metrics, and never logs the token', async () => {
    const logs: string[] = [];
    const secrets = new SecretScrubber();
    const logger = createLogger({ level: 'debug', scrubber: secrets, destination: { write: (line: string) => void logs.push(line) } });
    const metrics = new MetricFactory(new Registry());
    metrics.registry.setDefaultLabels({ site: 'lab' });
    const peers = metrics.gauge('bitcoin_peers', 'peers');
    peers.set({ source: 'btc-main' }, 8);
    let clock = 1_700_000_000_000;
    const config = influxOutputSchema.parse({ url: receiver.url, bucket: 'b', org: 'o', token: TOKEN, batchSize: 100 });
    // the server echoes the request's credentials in its error, as some proxies in front of InfluxDB do
    receiver.script.push({ status: 401, body: `{"error":"unauthorized: Token ${TOKEN}"}` });
    let refreshed = 0;
    const handle = await startInfluxWriter(config, {
      registry: metrics.registry,
      logger,
      secrets,
      metrics,
      now: () => clock,
      timers: false,
      beforeCollect: () => void refreshed++,
    });
    expect(await handle.flush()).toBe(false);
    clock += 10_000;
    peers.set({ source: 'btc-main' }, 9);
    expect(await handle.flush()).toBe(true);
    expect(receiver.received[0]!.path).toBe('/api/v2/write');
    const written = receiver.lines();
    expect(written).toContain('bitcoin_peers,site=lab,source=btc-main value=8 1700000000000');
    expect(written).toContain('bitcoin_peers,site=lab,source=btc-main value=9 1700000010000');
    expect(written).toContain('nodescope_influx_write_failures_total,site=lab,source=proxy value=1 1700000010000');
    expect(refreshed).toBe(2);
    await handle.stop();
    const text = logs.join('');
    expect(text).toContain('unauthorized');
    expect(text).not.toContain(TOKEN);
    expect(handle.writer.stats.lastError ?? '').not.toContain(TOKEN);
  });
});

describe('outputs.influx config', () => {
  it('infers the API and demands db (v1) or bucket + org (v2)', () => {
    expect(influxOutputSchema.parse({ url: 'http://i:8086', db: 'x' })).toMatchObject({ intervalSeconds: 10, batchSize: 5_000 });
    const v2 = influxOutputSchema.safeParse({ url: 'http://i:8086', bucket: 'b' });
    expect(v2.success).toBe(false);
    expect(JSON.stringify(v2.error?.issues)).toContain('"org"');
    expect(influxOutputSchema.safeParse({ url: 'http://i:8086', api: 'v1', bucket: 'b' }).success).toBe(false);
    expect(influxOutputSchema.safeParse({ url: 'http://i:8086', db: 'x', token: 'short' }).success).toBe(false);
  });
});
