// Builds the panel plugins (and the app that bundles them) when a dist is missing or older than
// its sources, so harness runs never test stale bundles.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PANELS = ['mempool', 'peermap', 'profitability'] as const;

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return time;
}

const stale = (moduleJs: string, sources: string[]) => !existsSync(moduleJs) || statSync(moduleJs).mtimeMs < Math.max(...sources.map(newest));

export async function ensurePanelsBuilt(options: { app?: boolean } = {}): Promise<void> {
  const run = promisify(execFile);
  const shared = path.join(REPO, 'plugins/shared/src');
  const ui = path.join(REPO, 'plugins/ui/src');
  for (const panel of PANELS) {
    const src = path.join(REPO, 'plugins/panels', panel, 'src');
    if (stale(path.join(REPO, 'plugins/panels', panel, 'dist/module.js'), [src, shared, ui])) {
      await run('npm', ['run', 'build', '-w', `plugins/panels/${panel}`], { cwd: REPO });
    }
  }
  if (options.app) {
    const sources = [shared, ui, path.join(REPO, 'plugins/app/src'), ...PANELS.map((p) => path.join(REPO, 'plugins/panels', p, 'src'))];
    if (stale(path.join(REPO, 'plugins/app/dist/panels/mempool/module.js'), sources)) await run('npm', ['run', 'build', '-w', 'plugins/app'], { cwd: REPO });
  }
}
