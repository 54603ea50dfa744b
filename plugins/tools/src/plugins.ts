// The plugins nodescope ships to Grafana's catalog, found from the root workspaces: every
// workspace below plugins/ with a src/plugin.json is one catalog plugin (the app carries its
// nested plugins in its own dist, see plugins/app/src/nested.ts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

export interface CatalogPlugin {
  /** npm workspace path, e.g. `plugins/panels/mempool` */
  workspace: string;
  dir: string;
  distDir: string;
  id: string;
  type: string;
  /** package.json `version`: what %VERSION% becomes and what the zip is named by */
  version: string;
  license: string | undefined;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function catalogPlugins(root = REPO_ROOT): CatalogPlugin[] {
  const { workspaces = [] } = readJson<{ workspaces?: string[] }>(path.join(root, 'package.json'));
  return workspaces
    .filter(
      (workspace) => workspace.startsWith('plugins/') && existsSync(path.join(root, workspace, 'src/plugin.json'))
    )
    .map((workspace) => {
      const dir = path.join(root, workspace);
      const pluginJson = readJson<{ id: string; type: string }>(path.join(dir, 'src/plugin.json'));
      const packageJson = readJson<{ version: string; license?: string }>(path.join(dir, 'package.json'));
      return {
        workspace,
        dir,
        distDir: path.join(dir, 'dist'),
        id: pluginJson.id,
        type: pluginJson.type,
        version: packageJson.version,
        license: packageJson.license,
      };
    });
}

export function zipName(plugin: { id: string; version: string }): string {
  return `${plugin.id}-${plugin.version}.zip`;
}
