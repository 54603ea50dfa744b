// Bundles the panel harness page (host.tsx) with esbuild into e2e/dist/panel-host.js, with the
// same settings as harness/build-host.ts (CommonJS @grafana builds, no AMD `define`).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../..');
export const PANEL_HOST_BUNDLE = path.resolve(here, '../dist/panel-host.js');

const grafanaCommonJs: Plugin = {
  name: 'grafana-commonjs',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@grafana\/(data|ui|runtime|schema|i18n|e2e-selectors)$/ }, (args) => ({
      path: path.join(REPO, 'node_modules', args.path, 'dist/cjs/index.cjs'),
    }));
  },
};

function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return time;
}

export async function buildPanelHost(options: { force?: boolean } = {}): Promise<string> {
  const sources = Math.max(newest(here), newest(path.join(here, '../harness/host')), newest(path.join(REPO, 'plugins/shared/src')));
  if (!options.force && existsSync(PANEL_HOST_BUNDLE) && statSync(PANEL_HOST_BUNDLE).mtimeMs >= sources) return PANEL_HOST_BUNDLE;
  await build({
    entryPoints: [path.join(here, 'host.tsx')],
    outfile: PANEL_HOST_BUNDLE,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    jsx: 'automatic',
    logLevel: 'warning',
    logOverride: { 'package.json': 'silent' },
    alias: { 'monaco-editor': path.join(here, '../harness/host/stubs/monaco-editor.ts') },
    define: { define: 'undefined', 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.css': 'text', '.svg': 'text', '.woff2': 'file', '.png': 'file' },
    plugins: [grafanaCommonJs],
  });
  return PANEL_HOST_BUNDLE;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildPanelHost({ force: true });
  console.log(`panel harness built: ${path.relative(process.cwd(), PANEL_HOST_BUNDLE)} in ${Date.now() - started} ms`);
}
