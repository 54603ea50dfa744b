// Checks vitest itself does not make: every workspace typechecks (vitest strips types without
// checking them) and eslint finds no error anywhere in the repo.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
const typechecked = rootPackage.workspaces.filter((workspace) => {
  const manifest = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return Boolean(manifest.scripts?.typecheck);
});

describe('repository checks', () => {
  it.each(typechecked)('%s typechecks', async (workspace) => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', join(ROOT, workspace, 'tsconfig.json'), '--noEmit'], {
      cwd: join(ROOT, workspace),
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error)
    );
    expect(result).toBe('');
  }, 240_000);

  it('eslint reports no errors', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const results = await eslint.lintFiles(['.']);
    const errors = results
      .filter((r) => r.errorCount > 0)
      .flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath.replace(ROOT, '')}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(errors).toEqual([]);
  }, 240_000);
});
