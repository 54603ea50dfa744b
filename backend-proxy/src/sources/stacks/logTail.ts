// Follows a growing log file the way `tail -F` does, by polling: new complete lines are handed
// to `onLines`. Rotation (the path now names another inode: logrotate's rename + create) is
// handled by draining the old file to its end before opening the new one, so no line written
// just before the rotation is lost; truncation (copytruncate, `> file`) by restarting at 0 when
// the file became shorter than our offset, or its first bytes changed (a truncate followed by
// more writes than we had read before our next poll). Polling instead of fs.watch: inotify misses renames on
// some filesystems (NFS, Docker bind mounts) and tests can drive `poll()` without timers.
import { open, stat, type FileHandle } from 'node:fs/promises';

export interface LogFollowerOptions {
  onLines: (lines: string[]) => void;
  /** where to begin on the first open: the end (default, like tail -F) or the start */
  startAt?: 'end' | 'start';
  /** with startAt 'end', also read this many trailing bytes once so the view is not empty */
  backfillBytes?: number;
  /** a line longer than this is cut (a runaway line must not grow memory without bound) */
  maxLineBytes?: number;
  onError?: (error: unknown) => void;
}

export interface LogFollowerStats {
  path: string;
  open: boolean;
  offset: number;
  lines: number;
  rotations: number;
  truncations: number;
  lastError: string | null;
}

const CHUNK = 64 * 1024;
/** bytes at the start of the file remembered to notice a truncate-and-refill between two polls */
const HEAD_BYTES = 256;

export class LogFollower {
  private handle: FileHandle | null = null;
  private inode = -1;
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  private head: Buffer = Buffer.alloc(0);
  private firstOpen = true;
  private running: Promise<number> | null = null;
  private timer: NodeJS.Timeout | undefined;
  readonly stats: LogFollowerStats;

  constructor(
    readonly path: string,
    private readonly options: LogFollowerOptions
  ) {
    this.stats = { path, open: false, offset: 0, lines: 0, rotations: 0, truncations: 0, lastError: null };
  }

  /** Reads whatever is new; resolves to the number of lines delivered. Concurrent calls share one pass. */
  poll(): Promise<number> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.poll().catch((error: unknown) => this.options.onError?.(error));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    await this.closeHandle();
  }

  private async pass(): Promise<number> {
    let delivered = 0;
    let current: Awaited<ReturnType<typeof stat>>;
    try {
      current = await stat(this.path);
    } catch (error) {
      // the file is gone (between rotate's rename and create): finish the old one, wait for the new
      if (this.handle) delivered += await this.drain(true);
      // a file that appears later is new: read it from its start, as tail -F does
      this.firstOpen = false;
      this.stats.lastError = `cannot stat ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
      return delivered;
    }
    if (this.handle && current.ino !== this.inode) {
      delivered += await this.drain(true);
      await this.closeHandle();
      this.stats.rotations++;
    }
    if (!this.handle) {
      this.handle = await open(this.path, 'r');
      this.inode = current.ino;
      this.stats.open = true;
      this.partial = Buffer.alloc(0);
      this.head = Buffer.alloc(0);
      this.offset = 0;
      if (this.firstOpen && (this.options.startAt ?? 'end') === 'end') {
        const backfill = this.options.backfillBytes ?? 0;
        this.offset = Math.max(0, current.size - backfill);
        if (this.offset > 0) await this.skipToNextLine();
      }
      this.firstOpen = false;
    }
    delivered += await this.drain(false);
    this.stats.lastError = null;
    return delivered;
  }

  /** Reads from the offset to the end of the open file; `final` also flushes an unterminated last line. */
  private async drain(final: boolean): Promise<number> {
    const handle = this.handle;
    if (!handle) return 0;
    const { size } = await handle.stat();
    if (size < this.offset || !(await this.sameHead(handle, size))) {
      this.stats.truncations++;
      this.offset = 0;
      this.partial = Buffer.alloc(0);
      this.head = Buffer.alloc(0);
    }
    let delivered = 0;
    const buffer = Buffer.allocUnsafe(CHUNK);
    while (this.offset < size) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, size - this.offset), this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      delivered += this.consume(buffer.subarray(0, bytesRead));
    }
    if (this.head.length < HEAD_BYTES && size > this.head.length) {
      const length = Math.min(HEAD_BYTES, size);
      const head = Buffer.alloc(length);
      const { bytesRead } = await handle.read(head, 0, length, 0);
      this.head = head.subarray(0, bytesRead);
    }
    if (final && this.partial.length > 0) {
      delivered += this.emit([this.partial.toString('utf8')]);
      this.partial = Buffer.alloc(0);
    }
    this.stats.offset = this.offset;
    return delivered;
  }

  private consume(chunk: Buffer): number {
    const lines: string[] = [];
    let data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    let newline = data.indexOf(0x0a);
    while (newline >= 0) {
      lines.push(this.cut(data.subarray(0, newline)).toString('utf8'));
      data = data.subarray(newline + 1);
      newline = data.indexOf(0x0a);
    }
    this.partial = Buffer.from(this.cut(data));
    return this.emit(lines);
  }

  private cut(bytes: Buffer): Buffer {
    const max = this.options.maxLineBytes ?? 64 * 1024;
    return bytes.length > max ? bytes.subarray(0, max) : bytes;
  }

  private emit(lines: string[]): number {
    const kept = lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
    if (kept.length > 0) {
      this.stats.lines += kept.length;
      this.options.onLines(kept);
    }
    return kept.length;
  }

  private async sameHead(handle: FileHandle, size: number): Promise<boolean> {
    if (this.head.length === 0) return true;
    if (size < this.head.length) return false;
    const now = Buffer.alloc(this.head.length);
    const { bytesRead } = await handle.read(now, 0, this.head.length, 0);
    return bytesRead === this.head.length && now.equals(this.head);
  }

  /** After a backfill seek, drop the (probably partial) first line. */
  private async skipToNextLine(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    const buffer = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.offset - 1);
    const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
    this.offset = newline < 0 ? this.offset - 1 + bytesRead : this.offset + newline;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    this.stats.open = false;
    await handle?.close().catch(() => undefined);
  }
}
