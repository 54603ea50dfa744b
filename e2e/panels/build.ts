// Bundles the panel harness page (host.tsx) with esbuild into e2e/dist/panel-host.js, with the
// harness host's settings (harness/build-host.ts: CommonJS @grafana builds, no AMD `define`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleGrafanaPage } from '../harness/build-host.ts';
import { REPO } from '../harness/stale.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PANEL_HOST_BUNDLE = path.resolve(here, '../dist/panel-host.js');

export function buildPanelHost(options: { force?: boolean } = {}): Promise<string> {
  const sources = [here, path.join(here, '../harness/host'), path.join(REPO, 'plugins/shared/src')];
  return bundleGrafanaPage(path.join(here, 'host.tsx'), PANEL_HOST_BUNDLE, sources, options.force);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildPanelHost({ force: true });
  console.log(`panel harness built: ${path.relative(process.cwd(), PANEL_HOST_BUNDLE)} in ${Date.now() - started} ms`);
}
