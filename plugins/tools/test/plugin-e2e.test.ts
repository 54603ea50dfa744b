// The @grafana/plugin-e2e specs need Docker and a real Grafana, which these machines lack: here
// they must typecheck, lint and load (Playwright lists them without starting a browser), so CI
// fails the moment they break. The catalog tools typecheck here too.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/plugins.ts';

const require = createRequire(import.meta.url);
const bin = (pkg: string, file: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);

interface Result {
  status: number;
  output: string;
}

function run(pkg: string, file: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin(pkg, file), ...args],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        resolve({
          status: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          output: `${stdout}${stderr}`,
        });
      }
    );
  });
}

// the four checks run side by side: each is a separate process and most of their time is startup
let results: Record<'specsTypecheck' | 'lint' | 'list' | 'toolsTypecheck', Result>;
beforeAll(async () => {
  const [specsTypecheck, lint, list, toolsTypecheck] = await Promise.all([
    run('typescript', 'bin/tsc', ['-p', 'e2e/plugin-e2e/tsconfig.json']),
    run('eslint', 'bin/eslint.js', ['--max-warnings', '0', 'e2e/plugin-e2e', 'plugins/tools']),
    run('@playwright/test', 'cli.js', ['test', '-c', 'e2e/plugin-e2e', '--list']),
    run('typescript', 'bin/tsc', ['-p', 'plugins/tools/tsconfig.json']),
  ]);
  results = { specsTypecheck: specsTypecheck!, lint: lint!, list: list!, toolsTypecheck: toolsTypecheck! };
});

describe('e2e/plugin-e2e specs', () => {
  it('typecheck against @grafana/plugin-e2e and @playwright/test', () => {
    const result = results.specsTypecheck;
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('lint clean', () => {
    const result = results.lint;
    expect(result.output.trim()).toBe('');
    expect(result.status).toBe(0);
  });

  it('load in Playwright: the datasource, panel and alerting specs are all listed', () => {
    const result = results.list;
    expect(result.status, result.output).toBe(0);
    for (const title of [
      'the provisioned nodescope datasource passes its test',
      'a nodescope datasource made in the UI saves and tests',
      'nodescope-mempool-panel renders on its dashboard',
      'nodescope-peermap-panel renders on its dashboard',
      'nodescope-profitability-panel renders on its dashboard',
      'a provisioned nodescope alert rule is listed',
    ]) {
      expect(result.output).toContain(title);
    }
  });
});

describe('plugins/tools', () => {
  it('typechecks', () => {
    const result = results.toolsTypecheck;
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
