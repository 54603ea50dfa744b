// Tests leave the tree clean: what a run writes is git-ignored, only the on-purpose refresh
// (npm run screenshots -w e2e) writes the committed pictures.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMITTED_SCREENSHOTS, SCREENSHOTS } from './browser.ts';

const git = (...args: string[]) => execFileSync('git', args, { cwd: COMMITTED_SCREENSHOTS, encoding: 'utf8' });

describe('screenshots', () => {
  it.skipIf(process.env.NODESCOPE_UPDATE_SCREENSHOTS === '1')('a test run writes where git ignores it', () => {
    expect(path.relative(COMMITTED_SCREENSHOTS, SCREENSHOTS)).toBe('.out');
    // check-ignore prints the path and exits 0 only when git ignores it
    expect(git('check-ignore', path.join(SCREENSHOTS, 'config-editor-dark.png')).trim()).not.toBe('');
  });

  it('the committed pictures are not ignored', () => {
    expect(() => git('check-ignore', path.join(COMMITTED_SCREENSHOTS, 'config-editor-dark.png'))).toThrow();
  });
});
