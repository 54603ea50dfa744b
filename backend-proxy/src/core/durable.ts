// Files the proxy must not lose or corrupt: the history snapshot, the Influx queue, the Loki
// spool. Each is written whole to a temporary file, fsynced, renamed over the old one and the
// directory fsynced, so a crash, a full disk or a read-only remount leaves the last good file in
// place; a failed write removes its temporary file (a full disk is not filled further). FileHealth
// says what happened last, for /api/health and /metrics, and goes back to ok by itself on the
// first write that succeeds once space returns.
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let counter = 0;

export async function writeAtomically(file: string, data: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(file)}.${process.pid}.${++counter}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  // the rename itself is durable only once the directory is (best effort: not every platform allows it)
  const dirHandle = await open(dir, 'r').catch(() => null);
  if (dirHandle) await dirHandle.sync().catch(() => undefined).finally(() => dirHandle.close());
}

const WHY: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'an I/O error',
};

export interface FileHealthComponent {
  status: 'ok' | 'degraded';
  message: string;
  lastSuccess: number | null;
}

/** The last write's outcome for one durable file. */
export class FileHealth {
  private lastError: string | null = null;
  private lastSuccess: number | null = null;
  failures = 0;

  constructor(
    /** what the file is, for messages: "history snapshot", "influx queue" */
    readonly what: string,
    readonly file: string,
    private readonly now: () => number = Date.now
  ) {}

  /** Records a good write; true when it ends a run of failures (worth one log line). */
  ok(): boolean {
    const recovered = this.lastError !== null;
    this.lastError = null;
    this.lastSuccess = this.now();
    return recovered;
  }

  /** Records a failed write; true when it starts a run of failures (worth one log line). */
  failed(error: unknown): boolean {
    const first = this.lastError === null;
    this.failures++;
    const code = (error as NodeJS.ErrnoException).code;
    const why = (code && WHY[code]) ?? (error instanceof Error ? error.message : String(error));
    this.lastError = `${why}${code ? ` (${code})` : ''}`;
    return first;
  }

  get failing(): boolean {
    return this.lastError !== null;
  }

  component(): FileHealthComponent {
    if (this.lastError === null) {
      return { status: 'ok', message: `${this.what} written to ${this.file}`, lastSuccess: this.lastSuccess };
    }
    return {
      status: 'degraded',
      message: `${this.what} not written to ${this.file}: ${this.lastError}; the last good copy is kept and writing resumes by itself`,
      lastSuccess: this.lastSuccess,
    };
  }
}

export interface DurableWriterOptions {
  /** writes at most this often (a burst of changes is one write); 0 = as soon as asked */
  minIntervalMs?: number;
  /** a write failed after a good one (once per run of failures) */
  onFailed?: (error: unknown) => void;
  /** a write succeeded after failed ones */
  onRecovered?: () => void;
}

/**
 * The outbox file of a queue that must survive a restart (the Influx queue, the Loki spool):
 * `save()` asks for a write of `serialize()` as it is when the write runs; asks while one is
 * waiting are one write; writes go one after another through writeAtomically (temp, fsync,
 * rename), and `health` says how the last one went.
 */
export class DurableWriter {
  readonly health: FileHealth;
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private lastAt = 0;
  private hurried = false;
  private wake: (() => void) | null = null;

  constructor(
    what: string,
    readonly file: string,
    private readonly serialize: () => string,
    private readonly options: DurableWriterOptions = {}
  ) {
    this.health = new FileHealth(what, file);
  }

  save(): void {
    if (this.queued) return;
    this.queued = true;
    this.chain = this.chain.then(async () => {
      const wait = this.lastAt + (this.options.minIntervalMs ?? 0) - Date.now();
      if (wait > 0 && !this.hurried) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
      this.queued = false;
      this.lastAt = Date.now();
      try {
        await writeAtomically(this.file, this.serialize());
        if (this.health.ok()) this.options.onRecovered?.();
      } catch (error) {
        // the previous file stays as it was, the entries stay in memory
        if (this.health.failed(error)) this.options.onFailed?.(error);
      }
    });
  }

  /** From now on no write waits out minIntervalMs (closing); a waiting one goes now. */
  hurry(): void {
    this.hurried = true;
    this.wake?.();
  }

  /** Resolves once every write asked for so far is on disk (or failed). */
  async persisted(): Promise<void> {
    await this.chain;
  }
}
