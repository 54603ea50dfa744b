// Builds the panel plugins (and the app that bundles them) when a dist is missing or older than
// its sources, so harness runs never test stale bundles.
import path from 'node:path';
import { buildWorkspaceIfStale, REPO } from '../harness/stale.ts';

export const PANELS = ['mempool', 'peermap', 'profitability'] as const;

export async function ensurePanelsBuilt(options: { app?: boolean } = {}): Promise<void> {
  const shared = path.join(REPO, 'plugins/shared/src');
  const ui = path.join(REPO, 'plugins/ui/src');
  for (const panel of PANELS) {
    const src = path.join(REPO, 'plugins/panels', panel, 'src');
    await buildWorkspaceIfStale(`plugins/panels/${panel}`, path.join(REPO, 'plugins/panels', panel, 'dist/module.js'), [src, shared, ui]);
  }
  if (options.app) {
    const sources = [shared, ui, path.join(REPO, 'plugins/app/src'), ...PANELS.map((p) => path.join(REPO, 'plugins/panels', p, 'src'))];
    await buildWorkspaceIfStale('plugins/app', path.join(REPO, 'plugins/app/dist/panels/mempool/module.js'), sources);
  }
}
