// Follows a growing log file the way `tail -F` does, by polling: new complete lines are handed
// to `onLines`. Rotation (the path now names another inode: logrotate's rename + create) is
// handled by draining the old file to its end before opening the new one, so no line written
// just before the rotation is lost; truncation (copytruncate, `> file`) by restarting at 0 when
// the file became shorter than our offset, or its first bytes changed (a truncate followed by
// more writes than we had read before our next poll). Polling instead of fs.watch: inotify misses renames on
// some filesystems (NFS, Docker bind mounts) and tests can drive `poll()` without timers.
//
// Across a restart of the proxy the follower resumes from a saved `LogPosition` (the file's
// dev+inode, the offset after the last whole line handed over, a hash of its first bytes): when
// the path still names that file, not shorter and with the same head, reading goes on at the
// offset (the backfill before it is replayed for the view only). Otherwise the file was rotated or
// truncated meanwhile: the rest of the old file is read if logrotate left it at `<path>.1`, and the
// file now at the path is read from its start, since every line in it was written after the save.
import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { SingleFlight } from '../../core/singleFlight.js';

/**
 * Why lines are handed over: `live` lines are new; `backfill` lines were read back from before a
 * fresh start (a previous run may have handled them); `replay` lines lie before a resumed position
 * (a previous run did handle them: show them, do not count or push them again).
 */
export type LogLineOrigin = 'live' | 'backfill' | 'replay';

/** Where a follower stood: enough to go on after a restart without reading a line twice. */
export interface LogPosition {
  path: string;
  dev: number;
  ino: number;
  /** bytes up to the end of the last whole line handed over */
  offset: number;
  headLength: number;
  /** sha256 (hex) of the file's first headLength bytes */
  headHash: string;
}

export interface LogFollowerOptions {
  onLines: (lines: string[], origin: LogLineOrigin) => void;
  /** a position saved by an earlier run; used on the first open only */
  resume?: LogPosition | null;
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
  /** how the first open began: resumed at a saved position, or a fallback */
  resumed: 'position' | 'rotated' | 'fresh' | null;
}

const CHUNK = 64 * 1024;
/** bytes at the start of the file remembered to notice a truncate-and-refill between two polls */
const HEAD_BYTES = 256;

export class LogFollower {
  private handle: FileHandle | null = null;
  private inode = -1;
  private dev = -1;
  private origin: LogLineOrigin = 'live';
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  private head: Buffer = Buffer.alloc(0);
  private firstOpen = true;
  private readonly running = new SingleFlight<number>();
  private timer: NodeJS.Timeout | undefined;
  readonly stats: LogFollowerStats;

  constructor(
    readonly path: string,
    private readonly options: LogFollowerOptions
  ) {
    this.stats = { path, open: false, offset: 0, lines: 0, rotations: 0, truncations: 0, lastError: null, resumed: null };
  }

  /** Reads whatever is new; resolves to the number of lines delivered. Concurrent calls share one pass. */
  poll(): Promise<number> {
    return this.running.run(() => this.pass());
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
    await this.running.settled();
    await this.closeHandle();
  }

  /** Where reading stands (after the last whole line handed over); null before the file was opened. */
  position(): LogPosition | null {
    if (this.inode < 0) return null;
    return {
      path: this.path,
      dev: this.dev,
      ino: this.inode,
      offset: this.offset - this.partial.length,
      headLength: this.head.length,
      headHash: sha256(this.head),
    };
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
      const resume = this.firstOpen ? this.options.resume : null;
      if (resume && !(resume.dev === current.dev && resume.ino === current.ino)) delivered += await this.finishRotated(resume);
      this.handle = await open(this.path, 'r');
      this.inode = current.ino;
      this.dev = current.dev;
      this.stats.open = true;
      this.partial = Buffer.alloc(0);
      this.head = Buffer.alloc(0);
      this.offset = 0;
      if (resume) {
        if (await this.resumable(this.handle, resume, current)) {
          this.stats.resumed = 'position';
          delivered += await this.replayBefore(resume.offset);
        } else this.stats.resumed = 'rotated';
      } else if (this.firstOpen && (this.options.startAt ?? 'end') === 'end') {
        if (this.options.resume === null || this.options.resume === undefined) this.stats.resumed ??= 'fresh';
        this.origin = 'backfill';
        const backfill = this.options.backfillBytes ?? 0;
        this.offset = Math.max(0, current.size - backfill);
        if (this.offset > 0) await this.skipToNextLine();
      }
      this.firstOpen = false;
    }
    try {
      delivered += await this.drain(false);
    } finally {
      this.origin = 'live';
    }
    this.stats.lastError = null;
    return delivered;
  }

  /** The saved position still names this file: same identity, not shorter, same first bytes. */
  private async resumable(handle: FileHandle, resume: LogPosition, current: { dev: number; ino: number; size: number }): Promise<boolean> {
    if (resume.dev !== current.dev || resume.ino !== current.ino || current.size < resume.offset || resume.offset < 0) return false;
    if (resume.headLength > current.size) return false;
    const head = Buffer.alloc(resume.headLength);
    const { bytesRead } = await handle.read(head, 0, resume.headLength, 0);
    return bytesRead === resume.headLength && sha256(head) === resume.headHash;
  }

  /** Hands over (as `replay`) up to backfillBytes of whole lines before `offset`, then stands at it. */
  private async replayBefore(offset: number): Promise<number> {
    const backfill = this.options.backfillBytes ?? 0;
    let delivered = 0;
    if (backfill > 0 && offset > 0) {
      this.offset = Math.max(0, offset - backfill);
      if (this.offset > 0) await this.skipToNextLine();
      this.origin = 'replay';
      try {
        if (this.offset < offset) delivered += await this.readUntil(this.handle!, offset);
        // the saved offset ends a whole line, so nothing is left partial; a cut line is dropped
        this.partial = Buffer.alloc(0);
      } finally {
        this.origin = 'live';
      }
    }
    this.offset = offset;
    return delivered;
  }

  /** The saved file was rotated away while we were down: read its rest if it is still at <path>.1. */
  private async finishRotated(resume: LogPosition): Promise<number> {
    const rotated = `${this.path}.1`;
    let handle: FileHandle | null = null;
    try {
      const old = await stat(rotated);
      if (old.dev !== resume.dev || old.ino !== resume.ino || old.size < resume.offset) return 0;
      handle = await open(rotated, 'r');
      this.partial = Buffer.alloc(0);
      this.offset = resume.offset;
      let delivered = await this.readUntil(handle, old.size);
      if (this.partial.length > 0) delivered += this.emit([this.partial.toString('utf8')]);
      this.partial = Buffer.alloc(0);
      this.stats.rotations++;
      return delivered;
    } catch {
      return 0; // no rotated file beside it (or not readable): its rest is lost, the new file is read whole
    } finally {
      await handle?.close().catch(() => undefined);
    }
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
    let delivered = await this.readUntil(handle, size);
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

  private async readUntil(handle: FileHandle, end: number): Promise<number> {
    let delivered = 0;
    const buffer = Buffer.allocUnsafe(CHUNK);
    while (this.offset < end) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, end - this.offset), this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      delivered += this.consume(buffer.subarray(0, bytesRead));
    }
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
      this.options.onLines(kept, this.origin);
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

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
