import { appendFile, mkdtemp, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFollower } from './logTail.js';

let dir: string;
let file: string;
let got: string[];
let follower: LogFollower | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodescope-tail-'));
  file = join(dir, 'stacks.log');
  got = [];
});
afterEach(async () => {
  await follower?.stop();
  follower = undefined;
  await rm(dir, { recursive: true, force: true });
});

const follow = (options: Partial<ConstructorParameters<typeof LogFollower>[1]> = {}) =>
  (follower = new LogFollower(file, { onLines: (lines) => got.push(...lines), ...options }));

/** A follower of a log that exists and is empty, after its first poll. */
async function followEmptyLog(options: Parameters<typeof follow>[0] = {}): Promise<LogFollower> {
  await writeFile(file, '');
  const f = follow(options);
  await f.poll();
  return f;
}

describe('LogFollower', () => {
  it('starts at the end by default and delivers only complete new lines', async () => {
    await writeFile(file, 'old 1\nold 2\n');
    const f = follow();
    expect(await f.poll()).toBe(0);
    await appendFile(file, 'new 1\nnew 2 partial');
    expect(await f.poll()).toBe(1);
    expect(got).toEqual(['new 1']);
    await appendFile(file, ' done\r\n');
    await f.poll();
    expect(got).toEqual(['new 1', 'new 2 partial done']);
  });

  it('backfills whole trailing lines when asked, or reads from the start', async () => {
    await writeFile(file, 'aaaa\nbbbb\ncccc\n');
    await follow({ backfillBytes: 7 }).poll();
    expect(got).toEqual(['cccc']);
    await follower?.stop();
    got = [];
    await follow({ startAt: 'start' }).poll();
    expect(got).toEqual(['aaaa', 'bbbb', 'cccc']);
  });

  it('survives rename rotation without losing the lines written just before it', async () => {
    const f = await followEmptyLog();
    await appendFile(file, 'before 1\n');
    await f.poll();
    await appendFile(file, 'before 2\nunterminated');
    await rename(file, `${file}.1`); // logrotate: rename, then create
    expect(await f.poll()).toBe(2); // old file drained even though the path is gone
    await writeFile(file, 'after 1\n');
    await f.poll();
    expect(got).toEqual(['before 1', 'before 2', 'unterminated', 'after 1']);
    expect(f.stats.rotations).toBe(1);
  });

  it('handles rotation when the new file already exists at the next poll', async () => {
    const f = await followEmptyLog();
    await appendFile(file, 'x1\n');
    await rename(file, `${file}.1`);
    await writeFile(file, 'y1\ny2\n');
    await f.poll();
    expect(got).toEqual(['x1', 'y1', 'y2']);
  });

  it('restarts from 0 after truncation (copytruncate)', async () => {
    const f = await followEmptyLog();
    await appendFile(file, 'one long line before truncation\n');
    await f.poll();
    await truncate(file, 0);
    await appendFile(file, 'short\n');
    await f.poll();
    expect(got).toEqual(['one long line before truncation', 'short']);
    expect(f.stats.truncations).toBe(1);
  });

  it('notices a truncation refilled past the old offset before the next poll', async () => {
    const f = await followEmptyLog();
    await appendFile(file, 'INFO [1700000000.000001] old line\n');
    await f.poll();
    await truncate(file, 0);
    await appendFile(file, 'INFO [1700000001.000001] new line one, longer than before\nINFO [1700000001.000002] new two\n');
    await f.poll();
    expect(got).toEqual(['INFO [1700000000.000001] old line', 'INFO [1700000001.000001] new line one, longer than before', 'INFO [1700000001.000002] new two']);
    expect(f.stats.truncations).toBe(1);
  });

  it('waits for a missing file and reports it, then follows it from its start once created', async () => {
    const f = follow();
    expect(await f.poll()).toBe(0);
    expect(f.stats.lastError).toMatch(/ENOENT/);
    await writeFile(file, 'first\n');
    await f.poll();
    await appendFile(file, 'second\n');
    await f.poll();
    expect(got).toEqual(['first', 'second']); // a file created after start is read from its start
    expect(f.stats.lastError).toBeNull();
    await unlink(file);
    await f.poll();
    expect(f.stats.lastError).toMatch(/ENOENT/);
  });

  it('cuts runaway lines and handles multi-byte UTF-8 split across reads', async () => {
    const f = await followEmptyLog({ maxLineBytes: 10 });
    await appendFile(file, `${'x'.repeat(100)}\n`);
    await f.poll();
    expect(got).toEqual(['x'.repeat(10)]);
    const euro = Buffer.from('€ ok\n');
    await appendFile(file, euro.subarray(0, 1));
    await f.poll();
    await appendFile(file, euro.subarray(1));
    await f.poll();
    expect(got[1]).toBe('€ ok');
  });
});

describe('LogFollower position', () => {
  it('saves the offset after the last whole line, so a partial line is read whole after a resume', async () => {
    await writeFile(file, 'one\ntwo\nthr');
    const first = follow({ startAt: 'start' });
    await first.poll();
    expect(got).toEqual(['one', 'two']);
    const saved = first.position();
    expect(saved).toMatchObject({ path: file, offset: 8, headLength: 11 });
    await first.stop();

    await appendFile(file, 'ee\nfour\n');
    got = [];
    const origins: string[] = [];
    follower = new LogFollower(file, {
      resume: saved,
      backfillBytes: 4,
      onLines: (lines, origin) => {
        got.push(...lines);
        origins.push(...lines.map(() => origin));
      },
    });
    await follower.poll();
    // 'two' lies before the saved offset: replayed for the view only; the rest is new
    expect(got).toEqual(['two', 'three', 'four']);
    expect(origins).toEqual(['replay', 'live', 'live']);
    expect(follower.stats.resumed).toBe('position');
  });

  it('does not resume into a file with other first bytes at the same path', async () => {
    await writeFile(file, 'alpha\nbeta\n');
    const first = follow({ startAt: 'start' });
    await first.poll();
    const saved = first.position()!;
    await first.stop();
    // same inode, rewritten in place and longer than the saved offset
    await writeFile(file, 'gamma\ndelta\nepsilon\n');
    got = [];
    follower = new LogFollower(file, { resume: saved, backfillBytes: 1_000, onLines: (lines) => got.push(...lines) });
    await follower.poll();
    expect(got).toEqual(['gamma', 'delta', 'epsilon']);
    expect(follower.stats.resumed).toBe('rotated');
  });
});
