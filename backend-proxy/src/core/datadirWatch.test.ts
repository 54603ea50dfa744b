import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext } from '../../test/helpers.js';
import { DatadirWatch, judgeDisk, type HostWatchConfig } from './datadirWatch.js';
import { HistoryRing } from './history.js';

const CONFIG: HostWatchConfig = {
  datadir: '/unused',
  minFreeShare: 0.1,
  fullWithinDays: 7,
  sampleSeconds: 60,
  trendHours: 24,
};
const GB = 1e9;
const H = 3_600_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodescope-datadir-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A watch of `datadir` that reads the real filesystem and /proc, with its own metrics. */
function watchOnDisk(datadir: string) {
  const ctx = createTestContext();
  return { ctx, watch: new DatadirWatch('btc', { ...CONFIG, datadir }, new HistoryRing(10), ctx.metrics, ctx.logger, Date.now) };
}

describe('DatadirWatch reads the filesystem as df does', () => {
  it('size and available space equal coreutils stat -f (GNU coreutils, f_blocks/f_bavail × f_bsize)', async () => {
    const { ctx, watch } = watchOnDisk(dir);
    await watch.sample();
    // %S fundamental block size, %b total blocks, %a blocks free to non-superuser (stat(1))
    const [bsize, blocks, bavail] = execFileSync('stat', ['-f', '-c', '%S %b %a', dir], { encoding: 'utf8' })
      .trim()
      .split(' ')
      .map(Number);
    const latest = watch.snapshot().latest!;
    expect(latest.size).toBe(blocks! * bsize!);
    // other processes write to this disk between the two reads: allow 256 MiB of drift
    expect(Math.abs(latest.avail - bavail! * bsize!)).toBeLessThan(256 * 2 ** 20);
    const text = await ctx.metrics.registry.metrics();
    expect(text).toContain(`nodescope_datadir_size_bytes{source="btc"} ${blocks! * bsize!}`);
    expect(text).toMatch(/nodescope_datadir_avail_bytes\{source="btc"\} \d+/);
    // one sample is no trend: neither growth nor days are published
    expect(text).not.toMatch(/nodescope_datadir_days_until_full\{/);
  });

  it("the host's memory with each sample: total and available as the kernel's /proc/meminfo gives them (MemTotal, MemAvailable)", async () => {
    const { ctx, watch } = watchOnDisk(dir);
    await watch.sample();
    const meminfo = readFileSync('/proc/meminfo', 'utf8');
    const kB = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(meminfo)![1]) * 1024;
    expect(watch.memory!.total).toBe(kB('MemTotal'));
    // other processes allocate between the two reads: within 256 MiB
    expect(Math.abs(watch.memory!.available - kB('MemAvailable'))).toBeLessThan(256 * 2 ** 20);
    expect(await ctx.metrics.registry.metrics()).toContain(
      `nodescope_host_memory_total_bytes{source="btc"} ${kB('MemTotal')}`
    );
  });

  it('a missing datadir is a degraded component with the errno, never a crash', async () => {
    const { watch } = watchOnDisk(join(dir, 'absent'));
    await watch.sample();
    expect(watch.health()).toEqual({ status: 'degraded', message: 'datadir not readable: ENOENT', lastSuccess: null });
  });

  it('a statfs that never returns (a hung network mount) is called once, and the next samples say so', async () => {
    const ctx = createTestContext();
    let now = Date.UTC(2026, 0, 1);
    let calls = 0;
    const hung = () => {
      calls++;
      return new Promise<never>(() => undefined);
    };
    const watch = new DatadirWatch('btc', CONFIG, new HistoryRing(10), ctx.metrics, ctx.logger, () => now, hung);
    void watch.sample();
    now += 60_000;
    await watch.sample();
    now += 60_000;
    await watch.sample();
    expect(calls).toBe(1);
    expect(watch.health()).toEqual({
      status: 'degraded',
      message: 'datadir statfs not answering for 120 s (a hung network mount?)',
      lastSuccess: null,
    });
  });

  it('samples over hours give growth and days until full on /metrics (statfs answers stated by the test)', async () => {
    const ctx = createTestContext();
    let now = Date.UTC(2026, 0, 1);
    // 4 KiB blocks; 1 TB filesystem; used grows 1.4 GB per hour, as in diskTrend.test.ts;
    // f_bfree − f_bavail = 5 GB reserved for root
    const bsize = 4096;
    const blocks = Math.round((1_000 * GB) / bsize);
    let usedGB = 600;
    const read = async () => {
      const bfree = blocks - Math.round((usedGB * GB) / bsize);
      return { bsize, blocks, bfree, bavail: bfree - Math.round((5 * GB) / bsize) };
    };
    const watch = new DatadirWatch('btc', CONFIG, new HistoryRing(100), ctx.metrics, ctx.logger, () => now, read);
    for (let i = 0; i < 4; i++) {
      await watch.sample();
      now += H;
      usedGB += 1.4;
    }
    const snap = watch.snapshot();
    // last sample: used 604.2 GB, avail 1000 − 604.2 − 5 = 390.8 GB; 390.8 / 33.6 GB/day = 11.63 days
    expect(snap.latest!.avail / GB).toBeCloseTo(390.8, 2);
    expect((snap.trend!.bytesPerSecond * 3_600) / GB).toBeCloseTo(1.4, 4);
    expect(snap.daysUntilFull!).toBeCloseTo(390.8 / 33.6, 3);
    expect(snap.status).toBe('ok');
    const text = await ctx.metrics.registry.metrics();
    const value = (name: string) => Number(new RegExp(`${name}\\{source="btc"\\} (\\S+)`).exec(text)![1]);
    expect(value('nodescope_datadir_days_until_full')).toBeCloseTo(11.631, 3);
    expect(value('nodescope_datadir_growth_bytes_per_second')).toBeCloseTo((1.4 * GB) / 3_600, 0);
  });
});

describe('judgeDisk', () => {
  const sample = (availGB: number, sizeGB = 1_000) => ({
    t: 0,
    size: sizeGB * GB,
    avail: availGB * GB,
    used: (sizeGB - availGB) * GB,
  });
  const trend = (gbPerDay: number) => ({ bytesPerSecond: (gbPerDay * GB) / 86_400, samples: 10, spanSeconds: 86_400 });

  it('degrades below the free share: 80 GB of 1 TB is 8 % < 10 %', () => {
    const j = judgeDisk(CONFIG, sample(80), null, null);
    expect(j.status).toBe('degraded');
    expect(j.message).toBe('low disk space: 80.0 GB free (8.0 %) of 1000.0 GB; growth not known yet (limit 10 %)');
  });

  it('degrades when full within fullWithinDays: 200 GB at 40 GB/day is 5 days < 7', () => {
    const j = judgeDisk(CONFIG, sample(200), trend(40), null);
    expect(j.daysUntilFull).toBeCloseTo(5, 9);
    expect(j.status).toBe('degraded');
    expect(j.message).toBe(
      'disk full within 7 days: 200.0 GB free (20.0 %) of 1000.0 GB; growing 40.0 GB/day, full in 5.0 days'
    );
  });

  it('ok with room and time: 400 GB at 20 GB/day is 20 days', () => {
    const j = judgeDisk(CONFIG, sample(400), trend(20), null);
    expect(j.status).toBe('ok');
    expect(j.daysUntilFull).toBeCloseTo(20, 9);
  });

  it('starting before the first read', () => {
    expect(judgeDisk(CONFIG, null, null, null).status).toBe('starting');
  });
});
