// The proxy's durable files on a disk that fills up or turns read-only: a real tmpfs of a few
// hundred KiB, mounted for the test (root only; elsewhere the tests say why they skip). The last
// good copy survives, no temporary file is left behind, /api/health and /metrics say what
// happened, and writing resumes by itself once space (or write access) returns.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFrame } from '@nodescope/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { HistoryStore } from '../src/core/history.js';
import { startServer } from '../src/http/server.js';
import { InfluxWriter } from '../src/outputs/influx.js';
import { LokiPusher } from '../src/outputs/loki.js';
import type { Source } from '../src/sources/types.js';
import { LogCapture } from './helpers.js';

const mountPoint = join(tmpdir(), `nodescope-tmpfs-${process.pid}`);
let mounted = false;
let whyNot = '';

// a fresh 1 MiB file system for each test
beforeEach(() => {
  mkdirSync(mountPoint, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    mounted = false;
    whyNot = `cannot mount a tmpfs here (needs root): ${(error as Error).message.split('\n')[0]}`;
  }
});

afterEach(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Fills the file system with a filler file; returns the function that frees it. */
function fillDisk(dir: string): () => void {
  const filler = join(dir, 'filler');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeFileSync(filler, chunk, { flag: 'a' });
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
  return () => rmSync(filler, { force: true });
}

const remount = (mode: 'ro' | 'rw') => execFileSync('mount', ['-o', `remount,${mode}`, mountPoint]);
const tempFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('durable files on a full or read-only disk', () => {
  it('history snapshot: kept, reported, resumed', async (ctx) => {
    if (!mounted) return ctx.skip(whyNot);
    const dir = join(mountPoint, 'history');
    mkdirSync(dir);
    const file = join(dir, 'history.json');
    const errors: unknown[] = [];
    let recovered = 0;
    const store = new HistoryStore({ file, onError: (error) => errors.push(error), onRecover: () => recovered++ });
    const ring = store.ring<number>('r', 100_000);
    for (let i = 0; i < 10; i++) ring.push(i);
    await store.snapshot();
    const good = readFileSync(file, 'utf8');

    const free = fillDisk(dir);
    for (let i = 0; i < 50_000; i++) ring.push(i); // a snapshot larger than what is left
    await expect(store.snapshot()).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(store.snapshot()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readFileSync(file, 'utf8')).toBe(good); // the last good snapshot, whole
    expect(tempFiles(dir)).toEqual([]);
    expect(errors).toHaveLength(1); // one report per run of failures, not one per attempt
    expect(store.fileHealth!.component()).toMatchObject({ status: 'degraded', message: expect.stringContaining('the disk is full (ENOSPC)') });

    free();
    await store.snapshot();
    expect(JSON.parse(readFileSync(file, 'utf8')).rings.r).toHaveLength(50_010 > 100_000 ? 100_000 : 50_010);
    expect(store.fileHealth!.component().status).toBe('ok');
    expect(recovered).toBe(1);

    remount('ro');
    try {
      await expect(store.snapshot()).rejects.toMatchObject({ code: 'EROFS' });
      expect(store.fileHealth!.component().message).toContain('read-only (EROFS)');
    } finally {
      remount('rw');
    }
    await store.snapshot();
    expect(store.fileHealth!.component().status).toBe('ok');
  });

  it('influx queue and loki spool: kept, reported once, resumed', async (ctx) => {
    if (!mounted) return ctx.skip(whyNot);
    const dir = join(mountPoint, 'outputs');
    mkdirSync(dir);
    const reports: string[] = [];
    const influx = new InfluxWriter({
      url: 'http://127.0.0.1:9/',
      api: 'v2',
      bucket: 'b',
      org: 'o',
      batchSize: 1_000,
      maxPendingLines: 1_000_000,
      queueFile: join(dir, 'influx-queue.json'),
      timeoutMs: 100,
      retryMaxMs: 1_000,
      minSaveIntervalMs: 0,
      onError: (message) => reports.push(message),
    });
    const loki = new LokiPusher({ url: 'http://127.0.0.1:9', spoolFile: join(dir, 'loki-spool.json'), autoFlush: false, onError: (message) => reports.push(message) });
    influx.add(['m v=1 1']);
    loki.push([{ labels: { job: 'x' }, time: 1, line: 'first' }]);
    await Promise.all([influx.persisted(), loki.persisted()]);
    const goodInflux = readFileSync(join(dir, 'influx-queue.json'), 'utf8');
    const goodLoki = readFileSync(join(dir, 'loki-spool.json'), 'utf8');

    const free = fillDisk(dir);
    const big = 'x'.repeat(400); // 600 lines of it fit in 1 MiB twice, once the disk is freed
    for (let i = 0; i < 3; i++) {
      influx.add(Array.from({ length: 200 }, (_, j) => `m v=${i * 1_000 + j},s="${big}" ${j}`));
      loki.push(Array.from({ length: 200 }, (_, j) => ({ labels: { job: 'x' }, time: j, line: big })));
      await Promise.all([influx.persisted(), loki.persisted()]);
    }
    expect(readFileSync(join(dir, 'influx-queue.json'), 'utf8')).toBe(goodInflux);
    expect(readFileSync(join(dir, 'loki-spool.json'), 'utf8')).toBe(goodLoki);
    expect(tempFiles(dir)).toEqual([]);
    expect(influx.queueFileHealth!.component()).toMatchObject({ status: 'degraded', message: expect.stringContaining('ENOSPC') });
    expect(loki.spoolHealth!.component()).toMatchObject({ status: 'degraded', message: expect.stringContaining('ENOSPC') });
    expect(reports.filter((r) => r.includes('write failed'))).toHaveLength(2); // one each

    free();
    influx.add(['m v=2 2']);
    loki.push([{ labels: { job: 'x' }, time: 2, line: 'after' }]);
    await Promise.all([influx.persisted(), loki.persisted()]);
    expect(influx.queueFileHealth!.component().status).toBe('ok');
    expect(loki.spoolHealth!.component().status).toBe('ok');
    // nothing was lost in memory while the disk was full: the file now holds every line
    expect(JSON.parse(readFileSync(join(dir, 'influx-queue.json'), 'utf8')).batches.flat()).toHaveLength(602);
    expect(JSON.parse(readFileSync(join(dir, 'loki-spool.json'), 'utf8')).entries).toHaveLength(602);
    await influx.close();
  });

  it('/api/health names the file and /metrics says 0, until writing works again', async (ctx) => {
    if (!mounted) return ctx.skip(whyNot);
    const dir = join(mountPoint, 'proxy');
    mkdirSync(dir);
    const config = parseConfig(
      `server: { port: 0, historyFile: ${join(dir, 'history.json')}, snapshotSeconds: 3600 }\nsources:\n  - { id: btc-main, kind: bitcoin, network: regtest }`,
      'disk.yaml',
      {}
    );
    const proxy = await startServer(config, {
      port: 0,
      logDestination: new LogCapture(),
      createSource: (c, context): Source => {
        const ring = context.history.ring<string>('big', 10_000);
        for (let i = 0; i < 200; i++) ring.push('y'.repeat(2_000));
        return {
          id: c.id,
          kind: c.kind,
          name: c.id,
          queries: { 'chain.info': async () => [recordFrame('chain', { height: 1 })] },
          health: () => ({ status: 'ok', message: 'ok', lastSuccess: null }),
          start: async () => {},
          stop: async () => {},
        };
      },
    });
    try {
      const health = async () => (await (await fetch(`${proxy.url}/api/health`)).json()) as { status: string; files?: Record<string, { status: string; message: string }> };
      const metric = async () => /nodescope_file_write_ok\{[^}]*file="history"[^}]*\} (\d)/.exec(await (await fetch(`${proxy.url}/metrics`)).text())?.[1];
      await proxy.context.history.snapshot();
      expect((await health()).files?.history?.status).toBe('ok');
      const free = fillDisk(dir);
      await expect(proxy.context.history.snapshot()).rejects.toBeTruthy();
      const bad = await health();
      expect(bad.status).toBe('degraded');
      expect(bad.files?.history?.message).toContain('the disk is full');
      expect(await metric()).toBe('0');
      free();
      await proxy.context.history.snapshot();
      expect((await health()).files?.history?.status).toBe('ok');
      expect(await metric()).toBe('1');
    } finally {
      await proxy.close();
    }
  });
});
