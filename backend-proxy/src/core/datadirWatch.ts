// Free space under a node's data directory, read with statfs(2) as df reads it, sampled into a
// history ring so the growth fit (diskTrend.ts) survives restarts. Health component `disk`,
// nodescope_datadir_* gauges. Only for a datadir the proxy can see (same host or a mount).
import { statfs } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import type { Logger } from 'pino';
import { daysUntilFull, linearTrend, type SizeSample, type Trend } from './diskTrend.js';
import type { HistoryRing } from './history.js';
import type { MetricFactory } from './metrics.js';

/** The `host` block of a bitcoin/stacks/geth source (config/common.ts hostWatchSchema). */
export interface HostWatchConfig {
  datadir: string;
  minFreeShare: number;
  fullWithinDays: number;
  sampleSeconds: number;
  trendHours: number;
}

export interface DiskSample {
  t: number;
  /** filesystem size, bytes (f_blocks · f_bsize) */
  size: number;
  /** available to unprivileged users, bytes (f_bavail · f_bsize): what df shows as Avail */
  avail: number;
  /** used, bytes ((f_blocks − f_bfree) · f_bsize): df's Used */
  used: number;
}

export interface DiskSnapshot {
  latest: DiskSample | null;
  trend: Trend | null;
  /** null: not filling, or too little history for a trend */
  daysUntilFull: number | null;
  status: 'ok' | 'degraded' | 'starting';
  message: string;
  lastSuccess: number | null;
}

type StatFs = (path: string) => Promise<{ bsize: number; blocks: number; bfree: number; bavail: number }>;

/** The host's memory, bytes. */
export interface HostMemory {
  total: number;
  /** MemAvailable: Node 22's os.freemem() reads it from /proc/meminfo (libuv uv_get_free_memory) */
  available: number;
}
const readMemory = (): HostMemory => ({ total: totalmem(), available: freemem() });

/** Ring length for a trend window: every sample of it, within bounds. */
export function diskRingSize(config: HostWatchConfig): number {
  return Math.min(20_000, Math.max(10, Math.ceil((config.trendHours * 3_600) / config.sampleSeconds) + 1));
}

export function toDiskSample(
  t: number,
  s: { bsize: number; blocks: number; bfree: number; bavail: number }
): DiskSample {
  return { t, size: s.blocks * s.bsize, avail: s.bavail * s.bsize, used: (s.blocks - s.bfree) * s.bsize };
}

const GB = 1e9;
const fmtGB = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;

/** Health of a disk from its latest sample and trend, against the configured limits. */
export function judgeDisk(
  config: HostWatchConfig,
  latest: DiskSample | null,
  trend: Trend | null,
  error: string | null
): Omit<DiskSnapshot, 'lastSuccess'> {
  if (!latest) {
    return {
      latest,
      trend,
      daysUntilFull: null,
      status: error ? 'degraded' : 'starting',
      message: error ?? 'datadir not read yet',
    };
  }
  const days = daysUntilFull(latest.avail, trend);
  const share = latest.size > 0 ? latest.avail / latest.size : 0;
  const free = `${fmtGB(latest.avail)} free (${(share * 100).toFixed(1)} %) of ${fmtGB(latest.size)}`;
  const growth = trend ? `; growing ${fmtGB(trend.bytesPerSecond * 86_400)}/day` : '; growth not known yet';
  const full = days === null ? '' : `, full in ${days.toFixed(1)} days`;
  const text = free + growth + full;
  if (error)
    return { latest, trend, daysUntilFull: days, status: 'degraded', message: `${error} (last read: ${text})` };
  if (share < config.minFreeShare) {
    return {
      latest,
      trend,
      daysUntilFull: days,
      status: 'degraded',
      message: `low disk space: ${text} (limit ${(config.minFreeShare * 100).toFixed(0)} %)`,
    };
  }
  if (days !== null && days < config.fullWithinDays) {
    return {
      latest,
      trend,
      daysUntilFull: days,
      status: 'degraded',
      message: `disk full within ${config.fullWithinDays} days: ${text}`,
    };
  }
  return { latest, trend, daysUntilFull: days, status: 'ok', message: text };
}

export class DatadirWatch {
  private timer: NodeJS.Timeout | undefined;
  private error: string | null = null;
  private lastSuccess: number | null = null;
  private readonly labels: { source: string };
  private readonly g;
  /** when the statfs call still running started (null: none running) */
  private pendingSince: number | null = null;
  /** the memory of the host the proxy shares with the node, read with each sample */
  memory: HostMemory | null = null;

  constructor(
    sourceId: string,
    readonly config: HostWatchConfig,
    private readonly ring: HistoryRing<DiskSample>,
    factory: MetricFactory,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly read: StatFs = statfs,
    private readonly readMem: () => HostMemory = readMemory
  ) {
    this.labels = { source: sourceId };
    this.g = {
      size: factory.gauge('nodescope_datadir_size_bytes', "Size of the filesystem holding the node's data directory"),
      avail: factory.gauge(
        'nodescope_datadir_avail_bytes',
        "Space available to the node on its data directory's filesystem"
      ),
      growth: factory.gauge(
        'nodescope_datadir_growth_bytes_per_second',
        'Growth of used space, least squares over trendHours'
      ),
      days: factory.gauge(
        'nodescope_datadir_days_until_full',
        'Days until the filesystem is full at the fitted growth (absent when not filling)'
      ),
      memTotal: factory.gauge('nodescope_host_memory_total_bytes', 'Memory of the host the proxy shares with the node'),
      memAvailable: factory.gauge(
        'nodescope_host_memory_available_bytes',
        "Memory available on that host without swapping (the kernel's MemAvailable)"
      ),
    };
  }

  /** One statfs; failures become the health message (a missing mount must not crash the proxy). */
  async sample(): Promise<void> {
    this.memory = this.readMem();
    this.g.memTotal.set(this.labels, this.memory.total);
    this.g.memAvailable.set(this.labels, this.memory.available);
    // statfs on a hung network mount blocks a libuv pool thread until the mount answers: one
    // call at a time, so a dead mount holds one thread, not one per sample, and says so
    if (this.pendingSince !== null) {
      const seconds = Math.round((this.now() - this.pendingSince) / 1_000);
      if (!this.error?.startsWith('datadir statfs'))
        this.logger.warn({ datadir: this.config.datadir, seconds }, 'datadir statfs not answering');
      this.error = `datadir statfs not answering for ${seconds} s (a hung network mount?)`;
      this.publish();
      return;
    }
    this.pendingSince = this.now();
    try {
      const sample = toDiskSample(this.now(), await this.read(this.config.datadir));
      this.ring.push(sample);
      if (this.error) this.logger.info({ datadir: this.config.datadir }, 'datadir readable again');
      this.error = null;
      this.lastSuccess = sample.t;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      if (!this.error) this.logger.warn({ datadir: this.config.datadir, code }, 'datadir not readable');
      this.error = `datadir not readable: ${code}`;
    } finally {
      this.pendingSince = null;
    }
    this.publish();
  }

  snapshot(): DiskSnapshot {
    const samples = this.ring.toArray();
    const latest = samples.at(-1) ?? null;
    const trend = linearTrend(
      samples.map((s): SizeSample => ({ t: s.t, bytes: s.used })),
      this.config.trendHours * 3_600_000
    );
    return { ...judgeDisk(this.config, latest, trend, this.error), lastSuccess: this.lastSuccess };
  }

  health(): { status: 'ok' | 'degraded' | 'starting'; message: string; lastSuccess: number | null } {
    const { status, message, lastSuccess } = this.snapshot();
    return { status, message, lastSuccess };
  }

  private publish(): void {
    const { latest, trend, daysUntilFull: days } = this.snapshot();
    if (!latest) return;
    this.g.size.set(this.labels, latest.size);
    this.g.avail.set(this.labels, latest.avail);
    if (trend) this.g.growth.set(this.labels, trend.bytesPerSecond);
    else this.g.growth.remove(this.labels);
    if (days === null) this.g.days.remove(this.labels);
    else this.g.days.set(this.labels, days);
  }

  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.config.sampleSeconds * 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
