// The app and every nested plugin in one multi-compiler build: dist/ holds the app's module.js
// and plugin.json, dist/datasource/ (and later dist/panels/*/) the nested plugins, each built
// exactly as its standalone catalog build, with its own publicPath under the app.
import path from 'node:path';
import type { Configuration } from 'webpack';
import { createPluginConfig, readPluginJson } from '../webpack.plugin.config.ts';
import { NESTED_PLUGINS } from './src/nested.ts';

const appDir = import.meta.dirname;
const appId = readPluginJson(appDir).id;

export default (env: Record<string, unknown>): Configuration[] => {
  const production = Boolean(env.production);
  const nestedPaths = NESTED_PLUGINS.map((nested) => nested.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return [
    createPluginConfig({ pluginDir: appDir, production, keep: new RegExp(`^(${nestedPaths.join('|')})/`) }),
    ...NESTED_PLUGINS.map((nested) =>
      createPluginConfig({
        pluginDir: path.resolve(appDir, '..', nested.dir),
        distDir: path.join(appDir, 'dist', nested.path),
        publicPath: `public/plugins/${appId}/${nested.path}/`,
        production,
      })
    ),
  ];
};
