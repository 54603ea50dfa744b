// Bundles the harness host page with esbuild into e2e/dist/host.js. Run by the e2e
// workspace's `build` script and, when missing or stale, by the harness tests themselves.
// The panel harness page (panels/build.ts) is bundled with the same settings.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { isStale, REPO } from './stale.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HOST_ENTRY = path.join(here, 'host/index.tsx');
export const HOST_BUNDLE = path.resolve(here, '../dist/host.js');

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

/**
 * Bundles a page that runs Grafana's packages in the browser (`entry` → `outfile`, with its
 * source map) unless `outfile` is newer than every one of `sources` and this file.
 */
export async function bundleGrafanaPage(entry: string, outfile: string, sources: string[], force = false): Promise<string> {
  if (!force && !isStale(outfile, [...sources, fileURLToPath(import.meta.url)])) return outfile;
  await build({
    entryPoints: [entry],
    outfile,
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
  return outfile;
}

export function buildHost(options: { force?: boolean } = {}): Promise<string> {
  return bundleGrafanaPage(HOST_ENTRY, HOST_BUNDLE, [path.join(here, 'host')], options.force);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildHost({ force: true });
  console.log(`harness host built: ${path.relative(process.cwd(), HOST_BUNDLE)} in ${Date.now() - started} ms`);
}
