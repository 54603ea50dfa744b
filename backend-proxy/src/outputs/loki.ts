// Pushes log lines to Loki's HTTP push API (POST /loki/api/v1/push, JSON body
// {"streams":[{"stream":{labels},"values":[["<unix ns>","line"]]}]}; VictoriaLogs serves the same
// at /insert/loki/api/v1/push). Lines wait in a bounded queue and go out in batches; a failed
// batch (network error, 429, 5xx) stays queued and is retried with backoff and jitter, so a Loki
// restart loses nothing. The queue is also written to a spool file (temp + rename), so lines not
// yet accepted survive a restart of the proxy too. A 4xx other than 429 means Loki will never take
// that batch (bad labels, too old): it is dropped and counted rather than retried forever.
import { readFile } from 'node:fs/promises';
import { DurableWriter, type FileHealth } from '../core/durable.js';
import type { LogPush, LogPushEntry, LogPushOptions, LogPushStats } from '../core/logPush.js';
import { backoffDelay } from '../core/retry.js';
import { SingleFlight } from '../core/singleFlight.js';

export type LokiEntry = LogPushEntry;

export interface LokiPusherOptions extends LogPushOptions {
  /** sent as Authorization: Bearer; scrubbed from errors */
  bearerToken?: string;
  timeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  random?: () => number;
  /** off in tests that drive flush() themselves */
  autoFlush?: boolean;
}

export type LokiStats = LogPushStats;

export class LokiPusher implements LogPush {
  private queue: LokiEntry[] = [];
  private attempt = 0;
  private nextAttemptAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly flushing = new SingleFlight<boolean>();
  /** the queue's outbox file (null without a spool file) */
  private readonly spoolWriter: DurableWriter | null;
  private stopped = false;
  /** entries at the head of the queue that are being sent right now: trim() must not drop them */
  private inFlight = 0;
  readonly pushUrl: string;
  private readonly basicAuth: string | null = null;
  readonly stats: LokiStats = { pending: 0, sent: 0, batches: 0, failures: 0, dropped: 0, lastError: null, lastSuccess: null };
  /** the spool file's last write (null without a spool file) */
  readonly spoolHealth: FileHealth | null;
  private readonly now: () => number;

  constructor(private readonly options: LokiPusherOptions) {
    const file = options.spoolFile;
    // as the history file and the Influx queue: temp, fsync, rename, so a crash or a full disk keeps the last good spool
    this.spoolWriter = file
      ? new DurableWriter('loki spool', file, () => JSON.stringify({ version: 1, entries: this.queue }), {
          onRecovered: () => this.report(`loki spool writable again: ${file}`),
          onFailed: (error) => this.report(`loki spool write failed: ${String(error)}`),
        })
      : null;
    this.spoolHealth = this.spoolWriter?.health ?? null;
    const url = new URL(options.url);
    // fetch refuses user:password@ URLs and repeats the URL in its error: use a header instead
    if (url.username || url.password) {
      this.basicAuth = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
      url.username = '';
      url.password = '';
    }
    if (!/\/push\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/$/, '')}/loki/api/v1/push`;
    this.pushUrl = url.toString();
    this.now = options.now ?? Date.now;
  }

  /** Loads lines a previous run had not delivered. */
  async start(): Promise<void> {
    this.stopped = false;
    if (!this.options.spoolFile) return;
    try {
      const saved = JSON.parse(await readFile(this.options.spoolFile, 'utf8')) as { version: number; entries: LokiEntry[] };
      if (saved.version === 1 && Array.isArray(saved.entries)) {
        this.queue = [...saved.entries, ...this.queue];
        this.trim();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.report(`loki spool unreadable, starting empty: ${String(error)}`);
    }
    this.stats.pending = this.queue.length;
    if (this.queue.length > 0) this.schedule(0);
  }

  push(entries: LokiEntry[]): void {
    if (entries.length === 0) return;
    this.queue.push(...entries);
    this.trim();
    this.stats.pending = this.queue.length;
    this.persist();
    const full = this.queue.length >= (this.options.batchMaxLines ?? 500);
    this.schedule(full ? 0 : (this.options.batchMaxWaitMs ?? 1_000));
  }

  /**
   * Sends queued lines batch by batch until the queue is empty or one batch fails. Resolves to true
   * when everything queued at the call was delivered. Honours the backoff unless `force`.
   */
  flush(force = true): Promise<boolean> {
    return this.flushing.run(() => this.sendAll(force));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing.settled();
    this.persist();
    await this.spoolWriter?.persisted();
  }

  get pending(): number {
    return this.queue.length;
  }

  private async sendAll(force: boolean): Promise<boolean> {
    if (!force && this.now() < this.nextAttemptAt) return false;
    const max = this.options.batchMaxLines ?? 500;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, max);
      this.inFlight = batch.length;
      const outcome = await this.send(batch).finally(() => {
        this.inFlight = 0;
      });
      if (outcome === 'retry') {
        this.stats.failures++;
        this.nextAttemptAt = this.now() + backoffDelay(this.attempt, this.options.retryBaseMs ?? 500, this.options.retryMaxMs ?? 30_000, this.options.random);
        this.attempt++;
        this.schedule(Math.max(0, this.nextAttemptAt - this.now()));
        return false;
      }
      // delivered or permanently refused: either way it leaves the queue (only the batch we sent)
      this.queue.splice(0, batch.length);
      if (outcome === 'sent') {
        this.stats.sent += batch.length;
        this.stats.batches++;
        this.stats.lastSuccess = this.now();
        this.stats.lastError = null;
      } else this.stats.dropped += batch.length;
      this.attempt = 0;
      this.nextAttemptAt = 0;
      this.stats.pending = this.queue.length;
      this.persist();
    }
    return true;
  }

  private async send(batch: LokiEntry[]): Promise<'sent' | 'refused' | 'retry'> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.tenant) headers['x-scope-orgid'] = this.options.tenant;
    if (this.options.bearerToken) headers.authorization = `Bearer ${this.options.bearerToken}`;
    else if (this.basicAuth) headers.authorization = `Basic ${this.basicAuth}`;
    try {
      const response = await fetch(this.pushUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify(toPushBody(batch)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      const text = await response.text().catch(() => '');
      if (response.ok) return 'sent';
      const message = `loki push ${response.status}: ${text.slice(0, 200)}`;
      this.stats.lastError = this.scrub(message);
      if (response.status === 429 || response.status >= 500) return 'retry';
      this.report(`${this.stats.lastError} (batch of ${batch.length} lines dropped)`);
      return 'refused';
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      this.stats.lastError = this.scrub(`loki push failed: ${cause ?? (error as Error).message ?? String(error)}`);
      return 'retry';
    }
  }

  private schedule(delayMs: number): void {
    if (this.options.autoFlush === false || this.stopped) return;
    if (this.timer) {
      if (delayMs > 0) return; // a flush is already planned
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush(false).catch((error: unknown) => this.report(String(error)));
    }, delayMs);
    this.timer.unref();
  }

  private trim(): void {
    const max = this.options.maxPending ?? 100_000;
    if (this.queue.length > max) {
      const excess = this.queue.length - max;
      this.queue.splice(this.inFlight, excess);
      this.stats.dropped += excess;
      this.report(`loki queue full: dropped the ${excess} oldest lines`);
    }
  }

  /** Writes the queue to the spool file; writes coalesce so a burst costs one write. */
  private persist(): void {
    this.spoolWriter?.save();
  }

  /** Resolves once every spool write requested so far is on disk. */
  async persisted(): Promise<void> {
    await this.spoolWriter?.persisted();
  }

  private scrub(message: string): string {
    const token = this.options.bearerToken;
    return token ? message.split(token).join('[redacted]') : message;
  }

  private report(message: string): void {
    this.options.onError?.(message);
  }
}

/** Groups entries by label set into Loki streams, values in time order, times as ns strings. */
export function toPushBody(entries: LokiEntry[]): { streams: Array<{ stream: Record<string, string>; values: Array<[string, string]> }> } {
  const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string, number, number]> }>();
  for (const entry of entries) {
    const key = JSON.stringify(Object.entries(entry.labels).sort(([a], [b]) => a.localeCompare(b)));
    let stream = streams.get(key);
    if (!stream) streams.set(key, (stream = { stream: entry.labels, values: [] }));
    stream.values.push([nanosString(entry.time, entry.nanos ?? 0), entry.line, entry.time, entry.nanos ?? 0]);
  }
  return {
    streams: [...streams.values()].map(({ stream, values }) => ({
      stream,
      values: values.sort((a, b) => a[2] - b[2] || a[3] - b[3]).map(([ns, line]) => [ns, line] as [string, string]),
    })),
  };
}

export function nanosString(ms: number, nanos = 0): string {
  return (BigInt(Math.trunc(ms)) * 1_000_000n + BigInt(Math.trunc(nanos))).toString();
}
