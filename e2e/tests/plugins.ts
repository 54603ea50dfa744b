// The harness serves what `npm run build` produced; when a dist is missing or older than its
// sources (a test run without a fresh build), the plugin workspaces are built here first.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PLUGIN_DISTS = {
  datasource: path.join(REPO, 'plugins/datasource/dist'),
  app: path.join(REPO, 'plugins/app/dist'),
  nestedDatasource: path.join(REPO, 'plugins/app/dist/datasource'),
};

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return time;
}

function stale(moduleJs: string, sources: string[]): boolean {
  return !existsSync(moduleJs) || statSync(moduleJs).mtimeMs < Math.max(...sources.map(newest));
}

export async function ensurePluginsBuilt(): Promise<void> {
  const run = promisify(execFile);
  const shared = path.join(REPO, 'plugins/shared/src');
  const datasourceSrc = path.join(REPO, 'plugins/datasource/src');
  if (stale(path.join(PLUGIN_DISTS.datasource, 'module.js'), [datasourceSrc, shared])) {
    await run('npm', ['run', 'build', '-w', 'plugins/datasource'], { cwd: REPO });
  }
  if (stale(path.join(PLUGIN_DISTS.nestedDatasource, 'module.js'), [datasourceSrc, shared, path.join(REPO, 'plugins/app/src')])) {
    await run('npm', ['run', 'build', '-w', 'plugins/app'], { cwd: REPO });
  }
}
