// The harness serves what `npm run build` produced; when a dist is missing (a test run without
// a build first) the plugin workspaces are built here.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PLUGIN_DISTS = {
  datasource: path.join(REPO, 'plugins/datasource/dist'),
  app: path.join(REPO, 'plugins/app/dist'),
  nestedDatasource: path.join(REPO, 'plugins/app/dist/datasource'),
};

export async function ensurePluginsBuilt(): Promise<void> {
  const run = promisify(execFile);
  if (!existsSync(path.join(PLUGIN_DISTS.datasource, 'module.js'))) {
    await run('npm', ['run', 'build', '-w', 'plugins/datasource'], { cwd: REPO });
  }
  if (!existsSync(path.join(PLUGIN_DISTS.nestedDatasource, 'module.js'))) {
    await run('npm', ['run', 'build', '-w', 'plugins/app'], { cwd: REPO });
  }
}
