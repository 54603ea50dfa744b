// One webpack setup for every nodescope plugin, following @grafana/create-plugin's
// .config/webpack/webpack.config.ts: an AMD `module.js` with Grafana's externals, plugin.json,
// README, CHANGELOG, LICENSE and img/ copied, %VERSION% / %TODAY% replaced from package.json.
// Run with `webpack --disable-interpret -c`: Node 22 strips the types itself, so no ts-node.
import fs from 'node:fs';
import path from 'node:path';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';

const SHARED_SOURCE = path.resolve(import.meta.dirname, 'shared/src/index.ts');
const REPO_ROOT = path.resolve(import.meta.dirname, '..');

/**
 * What Grafana's loader provides to plugins (create-plugin's externals list; the names match
 * public/app/features/plugins/loader/sharedDependencies.ts). Bundling any of these would give a
 * plugin its own React or @grafana/data next to Grafana's, which breaks hooks and contexts.
 */
export const GRAFANA_EXTERNALS: Array<string | RegExp> = [
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'react-router-dom',
  'd3',
  'angular',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
];

export interface PluginBuildOptions {
  /** Folder holding the plugin's package.json and src/plugin.json. */
  pluginDir: string;
  /** Where module.js lands; `<pluginDir>/dist` when standalone, a sub folder of the app's dist when nested. */
  distDir?: string;
  /** URL prefix Grafana serves the plugin from, e.g. `public/plugins/nodescope-suite-app/datasource/`. */
  publicPath?: string;
  production: boolean;
  /** Paths below distDir that this build must not clean (the app keeps its nested plugins). */
  keep?: RegExp;
}

interface PluginJson {
  id: string;
  type: string;
}

export function readPluginJson(pluginDir: string): PluginJson {
  return JSON.parse(fs.readFileSync(path.join(pluginDir, 'src/plugin.json'), 'utf8')) as PluginJson;
}

function readPackageVersion(pluginDir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(pluginDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Replaces create-plugin's template variables; `%PLUGIN_ID%` too, with this plugin's own id. */
export function replaceTemplateVariables(text: string, values: { version: string; today: string; id: string }): string {
  return text
    .replace(/%VERSION%/g, values.version)
    .replace(/%TODAY%/g, values.today)
    .replace(/%PLUGIN_ID%/g, values.id);
}

function firstExisting(...candidates: string[]): string | undefined {
  return candidates.find((candidate) => fs.existsSync(candidate));
}

export function createPluginConfig(options: PluginBuildOptions): Configuration {
  const pluginDir = path.resolve(options.pluginDir);
  const sourceDir = path.join(pluginDir, 'src');
  const distDir = path.resolve(options.distDir ?? path.join(pluginDir, 'dist'));
  const pluginJson = readPluginJson(pluginDir);
  const values = { version: readPackageVersion(pluginDir), today: new Date().toISOString().slice(0, 10), id: pluginJson.id };
  const transformText = (content: Buffer) => replaceTemplateVariables(content.toString('utf8'), values);
  const license = firstExisting(path.join(pluginDir, 'LICENSE'), path.join(REPO_ROOT, 'LICENSE'));

  return {
    name: pluginJson.id,
    context: sourceDir,
    mode: options.production ? 'production' : 'development',
    devtool: options.production ? 'source-map' : 'eval-source-map',
    entry: { module: './module' },
    externals: GRAFANA_EXTERNALS,
    module: {
      rules: [
        {
          exclude: /node_modules/,
          test: /\.[tj]sx?$/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2015',
                loose: false,
                parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
                // classic runtime: JSX becomes React.createElement on the host's React, so no
                // react/jsx-runtime copy ends up in module.js
                transform: { react: { runtime: 'classic' } },
              },
            },
          },
        },
        {
          test: /\.(png|jpe?g|gif|svg)$/,
          type: 'asset/resource',
          generator: { outputPath: 'img/', filename: options.production ? '[hash][ext]' : '[file]' },
        },
      ],
    },
    output: {
      clean: options.keep ? { keep: options.keep } : true,
      filename: '[name].js',
      library: { type: 'amd' },
      path: distDir,
      publicPath: options.publicPath ?? `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
    },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: 'plugin.json', to: '.', transform: transformText },
          { from: path.join(pluginDir, 'README.md'), to: '.', transform: transformText, noErrorOnMissing: true },
          { from: path.join(pluginDir, 'CHANGELOG.md'), to: '.', noErrorOnMissing: true },
          ...(license ? [{ from: license, to: '.' }] : []),
          { from: 'img/**/*', to: '.', noErrorOnMissing: true },
        ],
      }),
    ],
    resolve: {
      extensions: ['.js', '.jsx', '.ts', '.tsx'],
      // the shared vocabulary is compiled from source, so a plugin build never waits for its dist
      alias: { '@nodescope/shared': SHARED_SOURCE },
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
    },
    performance: { hints: false },
    stats: 'errors-warnings',
  };
}

/** A standalone plugin build, run from the plugin's folder by its `build` script. */
export default (env: Record<string, unknown>): Configuration =>
  createPluginConfig({ pluginDir: process.cwd(), production: Boolean(env.production) });
