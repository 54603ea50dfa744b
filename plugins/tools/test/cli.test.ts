// The command lines behind `npm run package`, `npm run sign` and the release workflow's validate
// step: exit codes and what they print.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/plugins.ts';
import { FIXTURE_ID, FIXTURE_VERSION, fixtureArchive, setText } from './fixture.ts';

function node(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'plugins/tools/src', script), ...args],
      { cwd: REPO_ROOT, encoding: 'utf8', env },
      (error, stdout, stderr) => {
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      }
    );
  });
}

const toZip = (archive: Map<string, Uint8Array>) => zipSync(Object.fromEntries(archive));

describe('package.ts', () => {
  it('writes the zip and its checksums for the plugin asked for, and prints them', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'nodescope-cli-'));
    const result = await node('package.ts', ['--only', 'nodescope-suite-app', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const version = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'plugins/app/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const zip = path.join(out, `nodescope-suite-app-${version}.zip`);
    for (const file of [zip, `${zip}.sha1`, `${zip}.md5`]) expect(existsSync(file), file).toBe(true);
    expect(result.stdout).toContain(`sha1 ${readFileSync(`${zip}.sha1`, 'utf8').split(' ')[0]}`);
  });

  it('refuses a nested plugin on its own (it ships inside the app under the same id)', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'nodescope-cli-'));
    const result = await node('package.ts', ['--only', 'nodescope-mempool-panel', '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nodescope-mempool-panel ships only inside nodescope-suite-app (nested); package nodescope-suite-app');
    expect(readdirSync(out)).toEqual([]);
  });

  it('rejects an unknown argument', async () => {
    const result = await node('package.ts', ['--fast']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/unknown argument --fast/);
  });
});

describe('validate.ts', () => {
  it('exits 0 on a valid zip and 1 on a broken one, naming the rule', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nodescope-cli-'));
    const good = path.join(dir, `${FIXTURE_ID}-${FIXTURE_VERSION}.zip`);
    writeFileSync(good, toZip(fixtureArchive()));
    const passed = await node('validate.ts', [good]);
    expect(passed.status, passed.stdout).toBe(0);
    expect(passed.stdout).toContain('0 errors');

    const broken = fixtureArchive();
    setText(broken, 'README.md', '');
    const bad = path.join(dir, `broken/${FIXTURE_ID}-${FIXTURE_VERSION}.zip`);
    mkdirSync(path.dirname(bad));
    writeFileSync(bad, toZip(broken));
    const failed = await node('validate.ts', [good, bad]);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('readme/missing-readme');
  });
});

describe('sign.ts', () => {
  it('stops before any request when GRAFANA_ACCESS_POLICY_TOKEN is missing', async () => {
    const env = { ...process.env };
    delete env.GRAFANA_ACCESS_POLICY_TOKEN;
    const result = await node('sign.ts', [], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/GRAFANA_ACCESS_POLICY_TOKEN is not set/);
  });
});
