// Writes the proxy's metrics to InfluxDB as line protocol. Every `intervalSeconds` the prom-client
// registry is snapshotted into lines (lineProtocol.ts: measurement = series name, tags = labels
// incl. `source`/`site`, field `value`, ms timestamps), appended to a bounded queue of batches and
// sent with POST /write?db=&precision=ms (v1) or POST /api/v2/write?org=&bucket=&precision=ms with
// `Authorization: Token` (v2).
//
// No loss across an outage or a restart: a batch leaves the queue only once InfluxDB answered 2xx
// (or refused it for good, see below); a failed send stays at the head and is retried with
// exponential backoff and full jitter (core/retry.ts), honouring Retry-After. The queue is written
// to `queueFile` atomically (core/durable.ts DurableWriter: temp, fsync, rename) after every
// change, and read back at start. Points keep their original timestamps, so a late write fills
// the gap exactly. The queue is bounded by `maxPendingLines`: beyond it the OLDEST lines are
// dropped and counted (nodescope_influx_lines_dropped_total), memory stays bounded.
//
// Answers: 2xx delivered. 400 = InfluxDB parsed and refused the points (bad line, field type
// conflict; a "partial write" already stored the good ones): retrying cannot help, the batch is
// dropped and counted. 413 = too large: the batch is split in two. 401/403/404 (bad token, no such
// database/bucket) are configuration faults an operator fixes without the data being lost: kept
// and retried like 429/5xx/network errors.
//
// Why not @influxdata/influxdb-client: it speaks only /api/v2/write (InfluxDB 1.8+ and 2.x), so
// not Debian's influxdb 1.6 or other pure v1 servers, and its retry buffer lives in memory and
// drops lines after maxRetries/maxRetryTime: it cannot meet "nothing lost across a restart".
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { DurableWriter, type FileHealth } from '../core/durable.js';
import type { SecretScrubber } from '../core/logger.js';
import type { MetricFactory } from '../core/metrics.js';
import { backoffDelay } from '../core/retry.js';
import { influxApi, type InfluxOutputConfig } from './influxConfig.js';
import { registryToLines } from './lineProtocol.js';
import { SingleFlight } from '../core/singleFlight.js';

const gzip = promisify(gzipCallback);

export interface InfluxWriterOptions {
  url: string;
  api: 'v1' | 'v2';
  db?: string | undefined;
  retentionPolicy?: string | undefined;
  bucket?: string | undefined;
  org?: string | undefined;
  token?: string | undefined;
  username?: string | undefined;
  batchSize: number;
  maxPendingLines: number;
  queueFile?: string | undefined;
  timeoutMs: number;
  /** Content-Encoding: gzip */
  gzip?: boolean;
  /** shortest time between two queue-file writes (real time; default 1 s) */
  minSaveIntervalMs?: number;
  retryBaseMs?: number;
  retryMaxMs: number;
  now?: () => number;
  random?: () => number;
  /** removes credentials from any message before it is reported */
  scrub?: (text: string) => string;
  onError?: (message: string) => void;
  /** called when a planned retry is due; the handle flushes then (tests drive flush() themselves) */
  onRetryDue?: () => void;
}

export interface InfluxStats {
  pendingLines: number;
  pendingBatches: number;
  writtenLines: number;
  requests: number;
  failures: number;
  droppedLines: number;
  lastError: string | null;
  lastSuccess: number | null;
}

interface Batch {
  lines: string[];
}

interface QueueFile {
  version: 1;
  batches: string[][];
}

type Outcome = { kind: 'sent' } | { kind: 'refused'; message: string } | { kind: 'split' } | { kind: 'retry'; message: string; afterMs: number };

export class InfluxWriter {
  readonly writeUrl: string;
  readonly stats: InfluxStats = {
    pendingLines: 0,
    pendingBatches: 0,
    writtenLines: 0,
    requests: 0,
    failures: 0,
    droppedLines: 0,
    lastError: null,
    lastSuccess: null,
  };
  private queue: Batch[] = [];
  private inFlight: Batch | null = null;
  private readonly flushing = new SingleFlight<boolean>();
  private attempt = 0;
  private nextAttemptAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** the queue's outbox file (null without a queue file) */
  private readonly queueWriter: DurableWriter | null;
  /** the queue file's last write (null without a queue file) */
  readonly queueFileHealth: FileHealth | null;
  private closed = false;
  private readonly now: () => number;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: InfluxWriterOptions) {
    this.now = options.now ?? Date.now;
    const file = options.queueFile;
    this.queueWriter = file
      ? new DurableWriter('influx queue', file, () => JSON.stringify({ version: 1, batches: this.queue.map((batch) => batch.lines) } satisfies QueueFile), {
          minIntervalMs: options.minSaveIntervalMs ?? 1_000,
          onRecovered: () => this.report(`influx queue file writable again: ${file}`),
          onFailed: (error) => this.report(`influx queue file write failed: ${String(error)}`),
        })
      : null;
    this.queueFileHealth = this.queueWriter?.health ?? null;
    const url = new URL(options.url);
    const base = url.pathname.replace(/\/+$/, '');
    url.search = '';
    const params = new URLSearchParams();
    if (options.api === 'v1') {
      url.pathname = `${base}/write`;
      params.set('db', options.db ?? '');
      if (options.retentionPolicy) params.set('rp', options.retentionPolicy);
    } else {
      url.pathname = `${base}/api/v2/write`;
      params.set('org', options.org ?? '');
      params.set('bucket', options.bucket ?? '');
    }
    params.set('precision', 'ms');
    url.search = params.toString();
    this.writeUrl = url.toString();

    this.headers = { 'content-type': 'text/plain; charset=utf-8' };
    if (options.token) {
      this.headers.authorization =
        options.api === 'v1' && options.username
          ? `Basic ${Buffer.from(`${options.username}:${options.token}`).toString('base64')}`
          : `Token ${options.token}`;
    }
  }

  /** Reads batches a previous run had not delivered (kept in front of anything added since). */
  async load(): Promise<number> {
    const file = this.options.queueFile;
    if (!file) return 0;
    let saved: QueueFile;
    try {
      saved = JSON.parse(await readFile(file, 'utf8')) as QueueFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.report(`influx queue file unreadable, starting empty: ${String(error)}`);
      return 0;
    }
    if (saved.version !== 1 || !Array.isArray(saved.batches)) {
      this.report(`${file}: not a nodescope influx queue, ignored`);
      return 0;
    }
    const restored = saved.batches.filter((lines) => Array.isArray(lines) && lines.length > 0).map((lines) => ({ lines }));
    this.queue = [...restored, ...this.queue];
    this.trim();
    this.updateCounts();
    return restored.reduce((n, batch) => n + batch.lines.length, 0);
  }

  /** Queues lines: appended to the last batch while it has room and is not being sent. */
  add(lines: readonly string[]): void {
    if (lines.length === 0 || this.closed) return;
    const size = this.options.batchSize;
    let offset = 0;
    const last = this.queue.at(-1);
    if (last && last !== this.inFlight && last.lines.length < size) {
      const room = size - last.lines.length;
      last.lines.push(...lines.slice(0, room));
      offset = room;
    }
    for (; offset < lines.length; offset += size) this.queue.push({ lines: lines.slice(offset, offset + size) });
    this.trim();
    this.updateCounts();
    this.save();
  }

  /**
   * Sends queued batches in order until the queue is empty or a send fails. Resolves true when
   * nothing is pending any more. Without `force`, waits out the current backoff (returns false).
   */
  flush(force = true): Promise<boolean> {
    return this.flushing.run(() => this.sendAll(force));
  }

  /** Stops retry timers and writes the queue to disk one last time. */
  async close(): Promise<void> {
    this.closed = true;
    this.queueWriter?.hurry(); // a throttled write goes now, and no later one waits
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.flushing.settled();
    this.save();
    await this.queueWriter?.persisted();
  }

  /** Resolves once every queue write asked for so far is on disk. */
  async persisted(): Promise<void> {
    await this.queueWriter?.persisted();
  }

  get pendingLines(): number {
    return this.stats.pendingLines;
  }

  private async sendAll(force: boolean): Promise<boolean> {
    if (!force && this.now() < this.nextAttemptAt) return false;
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      this.inFlight = batch;
      this.stats.requests++;
      const outcome = await this.send(batch).finally(() => {
        this.inFlight = null;
      });
      const index = this.queue.indexOf(batch);
      if (outcome.kind === 'retry') {
        this.stats.failures++;
        this.stats.lastError = outcome.message;
        const delay = Math.max(
          outcome.afterMs,
          backoffDelay(this.attempt, this.options.retryBaseMs ?? 1_000, this.options.retryMaxMs, this.options.random)
        );
        this.attempt++;
        this.nextAttemptAt = this.now() + delay;
        this.scheduleRetry(delay);
        if (this.attempt === 1 || this.attempt % 10 === 0) {
          this.report(`${outcome.message}; ${this.stats.pendingLines} lines kept, retry ${this.attempt} in ${delay} ms`);
        }
        return false;
      }
      if (outcome.kind === 'split') {
        const half = Math.ceil(batch.lines.length / 2);
        this.queue.splice(index, 1, { lines: batch.lines.slice(0, half) }, { lines: batch.lines.slice(half) });
      } else {
        this.queue.splice(index, 1);
        if (outcome.kind === 'sent') {
          this.stats.writtenLines += batch.lines.length;
          this.stats.lastSuccess = this.now();
          this.stats.lastError = null;
        } else {
          this.stats.droppedLines += batch.lines.length;
          this.stats.lastError = outcome.message;
          this.report(`${outcome.message} (batch of ${batch.lines.length} lines dropped)`);
        }
        this.attempt = 0;
        this.nextAttemptAt = 0;
      }
      this.updateCounts();
      this.save();
    }
    return true;
  }

  private async send(batch: Batch): Promise<Outcome> {
    try {
      const text = batch.lines.join('\n');
      const response = await fetch(this.writeUrl, {
        method: 'POST',
        headers: this.options.gzip ? { ...this.headers, 'content-encoding': 'gzip' } : this.headers,
        body: this.options.gzip ? await gzip(text) : text,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const answer = await response.text().catch(() => '');
      if (response.ok) return { kind: 'sent' };
      const message = this.scrub(`influx write ${response.status}: ${answer.trim().slice(0, 300)}`);
      if (response.status === 413) {
        if (batch.lines.length > 1) return { kind: 'split' };
        return { kind: 'refused', message };
      }
      if (response.status === 400 || (response.status > 400 && response.status < 500 && ![401, 403, 404, 408, 429].includes(response.status))) {
        return { kind: 'refused', message };
      }
      return { kind: 'retry', message, afterMs: retryAfterMs(response.headers.get('retry-after')) };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const name = (error as Error).name === 'TimeoutError' ? 'timeout' : undefined;
      return { kind: 'retry', message: this.scrub(`influx write failed: ${cause ?? name ?? (error as Error).message ?? String(error)}`), afterMs: 0 };
    }
  }

  private scheduleRetry(delayMs: number): void {
    if (!this.options.onRetryDue || this.closed) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.options.onRetryDue?.();
    }, delayMs);
    this.retryTimer.unref();
  }

  /** Drops the oldest lines beyond maxPendingLines, never from the batch being sent. */
  private trim(): void {
    let excess = this.queue.reduce((n, batch) => n + batch.lines.length, 0) - this.options.maxPendingLines;
    if (excess <= 0) return;
    let dropped = 0;
    for (let i = 0; i < this.queue.length && excess > 0; ) {
      const batch = this.queue[i]!;
      if (batch === this.inFlight) {
        i++;
        continue;
      }
      const take = Math.min(excess, batch.lines.length);
      batch.lines.splice(0, take);
      excess -= take;
      dropped += take;
      if (batch.lines.length === 0) this.queue.splice(i, 1);
      else i++;
    }
    this.stats.droppedLines += dropped;
    this.report(`influx queue full (${this.options.maxPendingLines} lines): dropped the ${dropped} oldest`);
  }

  private updateCounts(): void {
    this.stats.pendingBatches = this.queue.length;
    this.stats.pendingLines = this.queue.reduce((n, batch) => n + batch.lines.length, 0);
  }

  /**
   * Writes the queue file; requests during a write coalesce into one more write, at most one per
   * `minSaveIntervalMs` (a large backlog going out batch by batch is not rewritten per batch).
   * close() writes at once. A crash can then re-send up to that long of delivered batches: InfluxDB
   * stores a point with the same series and timestamp once, so that costs nothing.
   */
  private save(): void {
    this.queueWriter?.save();
  }

  private scrub(text: string): string {
    let out = this.options.scrub ? this.options.scrub(text) : text;
    if (this.options.token) out = out.split(this.options.token).join('[redacted]');
    return out;
  }

  private report(message: string): void {
    this.options.onError?.(this.scrub(message));
  }
}

/** Retry-After in seconds or as an HTTP date; 0 when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.min(seconds, 3_600) * 1_000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, Math.min(at - now, 3_600_000)) : 0;
}

export interface InfluxWriterDeps {
  registry: Registry;
  logger: Logger;
  secrets: SecretScrubber;
  /** where the writer's own nodescope_influx_* metrics go (the same registry in the proxy) */
  metrics?: MetricFactory;
  now?: () => number;
  random?: () => number;
  /** false in tests that call collect()/flush() themselves */
  timers?: boolean;
  /**
   * runs before each snapshot: refreshes values that are otherwise set only when /metrics is
   * scraped (e.g. nodescope_source_up / nodescope_source_status)
   */
  beforeCollect?: () => void;
}

export interface InfluxWriterHandle {
  writer: InfluxWriter;
  /** snapshots the registry into the queue now; resolves to the number of lines added */
  collect(): Promise<number>;
  /** collects, then tries to deliver everything pending (ignores the backoff); true when all went */
  flush(): Promise<boolean>;
  /** stops the timer, collects a last time, tries one delivery, writes the queue file */
  stop(): Promise<void>;
}

export async function startInfluxWriter(config: InfluxOutputConfig, deps: InfluxWriterDeps): Promise<InfluxWriterHandle> {
  const now = deps.now ?? Date.now;
  if (config.token) deps.secrets.add(config.token);
  const logger = deps.logger.child({ output: 'influx' });
  const api = influxApi(config);
  let stopped = false;
  const writer = new InfluxWriter({
    url: config.url,
    api,
    db: config.db,
    retentionPolicy: config.retentionPolicy,
    bucket: config.bucket,
    org: config.org,
    token: config.token,
    username: config.username,
    batchSize: config.batchSize,
    maxPendingLines: config.maxPendingLines,
    queueFile: config.queueFile,
    timeoutMs: config.timeoutSeconds * 1_000,
    gzip: config.gzip,
    retryMaxMs: config.retryMaxSeconds * 1_000,
    now,
    ...(deps.random ? { random: deps.random } : {}),
    scrub: (text) => deps.secrets.scrub(text),
    onError: (message) => logger.warn(message),
    ...(deps.timers === false
      ? {}
      : {
          onRetryDue: () => {
            if (!stopped) writer.flush(false).catch((error: unknown) => logger.error({ err: error }, 'influx flush failed'));
          },
        }),
  });

  const self = deps.metrics
    ? {
        pending: deps.metrics.gauge('nodescope_influx_pending_lines', 'Lines waiting to be written to InfluxDB'),
        written: deps.metrics.counter('nodescope_influx_lines_written_total', 'Lines InfluxDB accepted'),
        dropped: deps.metrics.counter('nodescope_influx_lines_dropped_total', 'Lines dropped: refused by InfluxDB (400) or over maxPendingLines'),
        failures: deps.metrics.counter('nodescope_influx_write_failures_total', 'Write requests that failed and will be retried'),
      }
    : null;
  const reported = { written: 0, dropped: 0, failures: 0 };
  const updateSelfMetrics = () => {
    if (!self) return;
    const labels = { source: 'proxy' };
    self.pending.set(labels, writer.stats.pendingLines);
    for (const key of ['written', 'dropped', 'failures'] as const) {
      const total = key === 'written' ? writer.stats.writtenLines : key === 'dropped' ? writer.stats.droppedLines : writer.stats.failures;
      if (total > reported[key]) self[key].inc(labels, total - reported[key]);
      reported[key] = total;
    }
  };

  const restored = await writer.load();
  if (restored > 0) logger.info({ lines: restored, file: config.queueFile }, 'influx queue restored');
  logger.info({ url: writer.writeUrl, api, intervalSeconds: config.intervalSeconds }, 'influx writer started');

  const collect = async (): Promise<number> => {
    try {
      deps.beforeCollect?.();
    } catch (error) {
      logger.error({ err: error }, 'influx beforeCollect failed');
    }
    updateSelfMetrics();
    const lines = await registryToLines(deps.registry, now());
    writer.add(lines);
    return lines.length;
  };

  let tick: Promise<unknown> = Promise.resolve();
  const timer =
    deps.timers === false
      ? undefined
      : setInterval(() => {
          tick = collect()
            .then(() => writer.flush(false))
            .catch((error: unknown) => logger.error({ err: error }, 'influx collect failed'));
        }, config.intervalSeconds * 1_000);
  timer?.unref();
  if (restored > 0 && deps.timers !== false) void writer.flush(false);

  return {
    writer,
    collect,
    async flush() {
      await collect();
      return writer.flush(true);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await tick;
      await collect().catch((error: unknown) => logger.error({ err: error }, 'influx collect failed'));
      await writer.flush(true).catch(() => false);
      await writer.close();
      if (writer.stats.pendingLines > 0) {
        logger.warn({ lines: writer.stats.pendingLines, file: config.queueFile ?? null }, 'influx lines still pending at shutdown');
      }
    },
  };
}
