import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LokiReceiver } from '../simulators/stacks/lokiReceiver.js';
import { LokiPusher, nanosString, toPushBody, type LokiEntry } from './loki.js';

const entry = (line: string, time = 1_700_000_000_000, labels: Record<string, string> = { source: 'stx-1', level: 'info' }): LokiEntry => ({
  labels,
  time,
  line,
});

let receiver: LokiReceiver;
let dir: string;
const pushers: LokiPusher[] = [];
const pusher = (options: Partial<ConstructorParameters<typeof LokiPusher>[0]> = {}) => {
  const p = new LokiPusher({ url: receiver.url, autoFlush: false, random: () => 0.5, ...options });
  pushers.push(p);
  return p;
};

beforeEach(async () => {
  receiver = new LokiReceiver();
  await receiver.start();
  dir = await mkdtemp(join(tmpdir(), 'nodescope-loki-'));
});
afterEach(async () => {
  for (const p of pushers.splice(0)) await p.stop();
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('LokiPusher', () => {
  it('posts the push API JSON to /loki/api/v1/push with the tenant header', async () => {
    const p = pusher({ tenant: 'team-a' });
    p.push([entry('a', 1_700_000_000_001), entry('b', 1_700_000_000_000), entry('c', 1_700_000_000_002, { source: 'stx-1', level: 'warning' })]);
    expect(await p.flush()).toBe(true);
    const request = receiver.requests[0];
    expect(request?.path).toBe('/loki/api/v1/push');
    expect(request?.headers['x-scope-orgid']).toBe('team-a');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      streams: [
        { stream: { source: 'stx-1', level: 'info' }, values: [['1700000000000000000', 'b'], ['1700000000001000000', 'a']] },
        { stream: { source: 'stx-1', level: 'warning' }, values: [['1700000000002000000', 'c']] },
      ],
    });
    expect(p.stats).toMatchObject({ sent: 3, batches: 1, pending: 0, failures: 0 });
  });

  it('loses no line across a restart of the target (down, then 503, then up)', async () => {
    const p = pusher({ batchMaxLines: 2 });
    p.push([entry('l1'), entry('l2'), entry('l3')]);
    expect(await p.flush()).toBe(true);
    expect(receiver.lines).toEqual(['l1', 'l2', 'l3']);
    expect(p.stats.batches).toBe(2);

    await receiver.stop();
    p.push([entry('written during outage 1'), entry('written during outage 2'), entry('written during outage 3')]);
    expect(await p.flush()).toBe(false);
    expect(p.pending).toBe(3);
    expect(p.stats.lastError).toMatch(/loki push failed: (ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET)/);

    await receiver.start(); // same port
    receiver.status = 503; // Loki still starting (ring not ready)
    expect(await p.flush()).toBe(false);
    expect(p.stats.lastError).toMatch(/503/);
    receiver.status = 429;
    expect(await p.flush()).toBe(false);

    receiver.status = 204;
    expect(await p.flush()).toBe(true);
    expect(receiver.lines).toEqual(['l1', 'l2', 'l3', 'written during outage 1', 'written during outage 2', 'written during outage 3']);
    expect(p.stats).toMatchObject({ pending: 0, failures: 3, dropped: 0 });
  });

  it('honours the backoff between automatic attempts but not on a forced flush', async () => {
    let now = 1_000;
    const p = pusher({ now: () => now, retryBaseMs: 1_000, random: () => 0.99 });
    await receiver.stop();
    p.push([entry('x')]);
    expect(await p.flush()).toBe(false);
    await receiver.start();
    expect(await p.flush(false)).toBe(false); // still backing off: no request made
    expect(receiver.requests).toHaveLength(0);
    now += 1_000;
    expect(await p.flush(false)).toBe(true);
    expect(receiver.lines).toEqual(['x']);
  });

  it('keeps undelivered lines in the spool file across a restart of the proxy', async () => {
    const spoolFile = join(dir, 'spool', 'loki.json');
    await receiver.stop();
    const first = pusher({ spoolFile });
    first.push([entry('s1'), entry('s2')]);
    expect(await first.flush()).toBe(false);
    await first.stop();

    const second = pusher({ spoolFile });
    await second.start();
    expect(second.pending).toBe(2);
    await receiver.start();
    second.push([entry('s3')]);
    expect(await second.flush()).toBe(true);
    expect(receiver.lines).toEqual(['s1', 's2', 's3']);
    await second.persisted();

    const third = pusher({ spoolFile });
    await third.start();
    expect(third.pending).toBe(0); // delivered lines left the spool
  });

  it('drops (and counts) a batch Loki refuses for good instead of retrying it forever', async () => {
    const errors: string[] = [];
    const p = pusher({ onError: (m) => errors.push(m), bearerToken: 'tok-secret-123' });
    receiver.status = 400;
    p.push([entry('too old')]);
    expect(await p.flush()).toBe(true);
    expect(p.stats).toMatchObject({ dropped: 1, pending: 0, sent: 0 });
    expect(errors[0]).toMatch(/400/);
    expect(receiver.requests[0]?.headers.authorization).toBe('Bearer tok-secret-123');
    expect(JSON.stringify(p.stats)).not.toContain('tok-secret-123');
  });

  it('bounds the queue, dropping the oldest lines', () => {
    const p = pusher({ maxPending: 3 });
    p.push(['1', '2', '3', '4', '5'].map((l) => entry(l)));
    expect(p.pending).toBe(3);
    expect(p.stats.dropped).toBe(2);
  });

  it('flushes by itself when autoFlush is on', async () => {
    const p = pusher({ autoFlush: true, batchMaxWaitMs: 5 });
    p.push([entry('auto')]);
    await receiver.waitFor(1);
    expect(receiver.lines).toEqual(['auto']);
  });

  it.each([
    ['http://loki:3100', 'http://loki:3100/loki/api/v1/push'],
    ['http://loki:3100/', 'http://loki:3100/loki/api/v1/push'],
    ['http://vl:9428/insert/loki/api/v1/push', 'http://vl:9428/insert/loki/api/v1/push'],
    ['http://gw/tenant-x', 'http://gw/tenant-x/loki/api/v1/push'],
  ])('derives the push URL from %s', (url, expected) => {
    expect(new LokiPusher({ url, autoFlush: false }).pushUrl).toBe(expected);
  });
});

describe('toPushBody / nanosString', () => {
  it('writes exact nanosecond strings beyond 2^53', () => {
    expect(nanosString(1_700_000_000_123, 456_789)).toBe('1700000000123456789');
    expect(toPushBody([]).streams).toEqual([]);
  });
});
