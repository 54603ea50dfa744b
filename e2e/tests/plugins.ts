// The harness serves what `npm run build` produced; when a dist is missing or older than its
// sources (a test run without a fresh build), the plugin workspaces are built here first.
import path from 'node:path';
import { buildWorkspaceIfStale, REPO } from '../harness/stale.ts';

export { REPO };
export const PLUGIN_DISTS = {
  datasource: path.join(REPO, 'plugins/datasource/dist'),
  app: path.join(REPO, 'plugins/app/dist'),
  nestedDatasource: path.join(REPO, 'plugins/app/dist/datasource'),
};

export async function ensurePluginsBuilt(): Promise<void> {
  const shared = path.join(REPO, 'plugins/shared/src');
  const datasourceSrc = path.join(REPO, 'plugins/datasource/src');
  await buildWorkspaceIfStale('plugins/datasource', path.join(PLUGIN_DISTS.datasource, 'module.js'), [datasourceSrc, shared]);
  await buildWorkspaceIfStale('plugins/app', path.join(PLUGIN_DISTS.nestedDatasource, 'module.js'), [datasourceSrc, shared, path.join(REPO, 'plugins/app/src')]);
}
