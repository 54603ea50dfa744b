import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStale, newestMtime } from './stale.ts';

const root = mkdtempSync(path.join(tmpdir(), 'nodescope-stale-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** writes `file` with its modification time at `seconds` */
function touch(file: string, seconds: number): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'x');
  utimesSync(file, seconds, seconds);
  return file;
}

describe('stale', () => {
  const src = path.join(root, 'src');
  touch(path.join(src, 'a.ts'), 1_000);
  touch(path.join(src, 'deep/er/b.ts'), 3_000);
  const single = touch(path.join(root, 'settings.ts'), 2_000);

  it('newestMtime: the newest file at any depth below a folder, a file its own, a missing path 0', () => {
    expect(newestMtime(src)).toBe(3_000_000);
    expect(newestMtime(single)).toBe(2_000_000);
    expect(newestMtime(path.join(root, 'missing'))).toBe(0);
  });

  it('isStale: a missing output, or one older than any source; not one at least as new as all', () => {
    expect(isStale(path.join(root, 'out/missing.js'), [src])).toBe(true);
    const out = touch(path.join(root, 'out/module.js'), 2_500);
    expect(isStale(out, [single])).toBe(false);
    expect(isStale(out, [single, src])).toBe(true);
    utimesSync(out, 3_000, 3_000);
    expect(isStale(out, [single, src, path.join(root, 'missing')])).toBe(false);
  });
});
