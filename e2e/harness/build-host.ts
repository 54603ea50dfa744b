// Bundles the harness host page with esbuild into e2e/dist/host.js. Run by the e2e
// workspace's `build` script and, when missing or stale, by the harness tests themselves.
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HOST_ENTRY = path.join(here, 'host/index.tsx');
export const HOST_BUNDLE = path.resolve(here, '../dist/host.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const REPO = path.resolve(here, '../..');

/**
 * The host takes @grafana/* from their CommonJS builds: their .mjs files import CommonJS
 * packages (react-custom-scrollbars-2, …) by default import, which esbuild resolves in Node
 * mode to the whole exports object, and React then gets an object instead of a component.
 */
const grafanaCommonJs: Plugin = {
  name: 'grafana-commonjs',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@grafana\/(data|ui|runtime|schema|i18n|e2e-selectors)$/ }, (args) => ({
      path: path.join(REPO, 'node_modules', args.path, 'dist/cjs/index.cjs'),
    }));
  },
};

export async function buildHost(options: { force?: boolean } = {}): Promise<string> {
  const stale = !existsSync(HOST_BUNDLE) || statSync(HOST_BUNDLE).mtimeMs < Math.max(newestSource(path.join(here, 'host')), statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (!options.force && !stale) return HOST_BUNDLE;
  await build({
    entryPoints: [HOST_ENTRY],
    outfile: HOST_BUNDLE,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    jsx: 'automatic',
    logLevel: 'warning',
    // systemjs declares "type": "script", which esbuild reports but handles
    logOverride: { 'package.json': 'silent' },
    alias: { 'monaco-editor': path.join(here, 'host/stubs/monaco-editor.ts') },
    define: {
      // lodash and others would see SystemJS's AMD `define` and register as AMD modules
      define: 'undefined',
      'process.env.NODE_ENV': '"production"',
      global: 'window',
    },
    loader: { '.css': 'text', '.svg': 'text', '.woff2': 'file', '.png': 'file' },
    plugins: [grafanaCommonJs],
  });
  return HOST_BUNDLE;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildHost({ force: true });
  console.log(`harness host built: ${path.relative(process.cwd(), HOST_BUNDLE)} in ${Date.now() - started} ms`);
}
