// Bounded in-memory history rings, snapshotted atomically to disk (write temp, fsync, rename)
// and restored at start, so a restart loses at most one snapshot interval of samples.
import { readFile } from 'node:fs/promises';
import { FileHealth, writeAtomically } from './durable.js';

/** A sample's time (ms) when it has a numeric `t`, the convention of every clock-stamped ring. */
function timeOf(item: unknown): number | undefined {
  const t = typeof item === 'object' && item !== null ? (item as { t?: unknown }).t : undefined;
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}

/**
 * A bounded ring, oldest first. Rings of samples stamped with a time `t` stay in time order when
 * the clock that stamps them steps back (NTP correcting a clock that ran ahead, a VM restored):
 * a sample older than the newest is kept, and the samples stamped after it are dropped, since
 * the clock that stamped them ran ahead of the one now trusted (counted in droppedAhead). Readers
 * (range filters, rates between neighbours, windows walked back from the newest) rely on that
 * order. A forward step needs nothing: it leaves a gap in time, which is what happened.
 */
export class HistoryRing<T> {
  private items: T[] = [];
  private head = 0;
  /** samples dropped because a later sample was stamped before them (the clock stepped back) */
  droppedAhead = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be >= 1, got ${capacity}`);
  }

  push(item: T): void {
    const t = timeOf(item);
    if (t !== undefined) {
      const lastT = timeOf(this.last());
      if (lastT !== undefined && t < lastT) {
        // rare: rebuild without the samples stamped after this one
        const kept = this.toArray().filter((old) => !((timeOf(old) ?? -Infinity) > t));
        this.droppedAhead += this.items.length - kept.length;
        this.load(kept);
      }
    }
    if (this.items.length < this.capacity) {
      this.items.push(item);
    } else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.head === 0 ? this.items.slice() : [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  get length(): number {
    return this.items.length;
  }

  last(): T | undefined {
    if (this.items.length === 0) return undefined;
    return this.items[(this.head + this.items.length - 1) % this.items.length];
  }

  /** Newest first, without copying; stop early by returning false from `visit`. */
  walkBack(visit: (item: T) => boolean | void): void {
    const n = this.items.length;
    for (let k = 1; k <= n; k++) if (visit(this.items[(this.head + n - k) % n]!) === false) return;
  }

  load(items: T[]): void {
    this.items = items.slice(-this.capacity);
    this.head = 0;
  }
}

export interface HistoryStoreOptions {
  /** file the rings are snapshotted to; no persistence when absent */
  file?: string;
  snapshotMs?: number;
  /** a snapshot failed after the last one succeeded (once per run of failures) */
  onError?: (error: unknown) => void;
  /** a snapshot succeeded after failures */
  onRecover?: () => void;
}

interface SnapshotFile {
  version: 1;
  at: number;
  rings: Record<string, unknown[]>;
}

export class HistoryStore {
  private readonly rings = new Map<string, HistoryRing<unknown>>();
  private restored: Record<string, unknown[]> = {};
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | null = null;
  lastSnapshotAt: number | null = null;
  /** the snapshot file's last write (null without a file) */
  readonly fileHealth: FileHealth | null;

  constructor(private readonly options: HistoryStoreOptions = {}) {
    this.fileHealth = options.file ? new FileHealth('history snapshot', options.file) : null;
  }

  /** Samples all rings dropped because the clock stepped back (see HistoryRing). */
  get droppedAhead(): number {
    let n = 0;
    for (const ring of this.rings.values()) n += ring.droppedAhead;
    return n;
  }

  /** Gets or creates a ring; a ring restored from disk gets its items back here. */
  ring<T>(key: string, capacity: number): HistoryRing<T> {
    let ring = this.rings.get(key) as HistoryRing<T> | undefined;
    if (!ring) {
      ring = new HistoryRing<T>(capacity);
      const saved = this.restored[key];
      if (saved) ring.load(saved as T[]);
      this.rings.set(key, ring as HistoryRing<unknown>);
    }
    return ring;
  }

  async restore(): Promise<number> {
    if (!this.options.file) return 0;
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const parsed = JSON.parse(text) as SnapshotFile;
    if (parsed.version !== 1 || typeof parsed.rings !== 'object') throw new Error(`${this.options.file}: not a nodescope history snapshot`);
    this.restored = parsed.rings;
    for (const [key, ring] of this.rings) {
      const saved = this.restored[key];
      if (saved) ring.load(saved);
    }
    return Object.values(parsed.rings).reduce((n, items) => n + items.length, 0);
  }

  async snapshot(): Promise<void> {
    const file = this.options.file;
    if (!file) return;
    // one write at a time; a snapshot asked for during a write waits for it, then writes anew
    while (this.writing) await this.writing;
    const rings: Record<string, unknown[]> = { ...this.restored };
    for (const [key, ring] of this.rings) rings[key] = ring.toArray();
    const body: SnapshotFile = { version: 1, at: Date.now(), rings };
    this.writing = writeAtomically(file, JSON.stringify(body));
    try {
      await this.writing;
      this.lastSnapshotAt = body.at;
      if (this.fileHealth?.ok()) this.options.onRecover?.();
    } catch (error) {
      if (this.fileHealth?.failed(error) !== false) this.options.onError?.(error);
      throw error;
    } finally {
      this.writing = null;
    }
  }

  start(): void {
    if (!this.options.file || this.timer) return;
    this.timer = setInterval(() => {
      this.snapshot().catch(() => undefined); // reported once per run of failures, in snapshot()
    }, this.options.snapshotMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.snapshot();
  }
}

