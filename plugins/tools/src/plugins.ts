// The plugins nodescope ships, found from the root workspaces. Every workspace below plugins/
// with a src/plugin.json is a plugin, but only one is shipped: the app, which carries the
// datasource and the panels as nested plugins in its own dist (plugins/app/src/nested.ts).
// Zipping them standalone as well would give Grafana two plugins with one id (it loads one of
// them) and the catalog refuses a second plugin under an id it already lists.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NESTED_PLUGINS } from '../../app/src/nested.ts';

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

/** Every plugin workspace: the app and the plugins it nests (for versions, sources and listings). */
export function workspacePlugins(root = REPO_ROOT): CatalogPlugin[] {
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

/** The folders (relative to plugins/) of the plugins the app carries (plugins/app/src/nested.ts). */
export function nestedDirs(): string[] {
  return NESTED_PLUGINS.map((plugin) => plugin.dir);
}

/** What is shipped: the workspaces no app nests (today the app alone). */
export function catalogPlugins(root = REPO_ROOT): CatalogPlugin[] {
  const nested = new Set(nestedDirs().map((dir) => `plugins/${dir}`));
  return workspacePlugins(root).filter((plugin) => !nested.has(plugin.workspace));
}

/** The shipped plugin that carries `id` nested in its dist, if `id` is a nested plugin. */
export function carrierOf(id: string, root = REPO_ROOT): CatalogPlugin | undefined {
  const nested = workspacePlugins(root).find((plugin) => plugin.id === id && !catalogPlugins(root).some((shipped) => shipped.id === id));
  return nested ? catalogPlugins(root).find((plugin) => plugin.type === 'app') : undefined;
}
