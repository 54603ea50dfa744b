// Static server of the panel harness: the page, its bundle, the scenarios, Grafana's fonts and
// icons, and every built plugin at /public/plugins/<id>/ (standalone dists and the app with its
// nested panels) as Grafana serves them. Panels need no data source proxy: scenarios carry data.
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverPlugins, GRAFANA_VERSION, ICONS, inside, INTER_FONTS, TYPES } from '../harness/server.ts';
import { PANEL_HOST_BUNDLE } from './build.ts';
import type { PanelScenario } from './scenario.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCENARIOS = path.join(here, 'scenarios');

function page(theme: 'dark' | 'light', appUrl: string): string {
  const boot = {
    settings: { appUrl, appSubUrl: '', buildInfo: { version: GRAFANA_VERSION, commit: 'harness', env: 'production', edition: 'Open Source' }, featureToggles: {}, datasources: {}, panels: {}, apps: {}, bootData: {} },
    user: { id: 1, login: 'admin', isSignedIn: true, orgId: 1, orgRole: 'Admin', theme, lightTheme: theme === 'light', timezone: 'utc', weekStart: 'monday', locale: 'en-US', language: 'en-US', regionalFormat: 'en-US' },
    navTree: [],
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nodescope panel harness</title>
<script>window.grafanaBootData = ${JSON.stringify(boot)}; window.public_cdn_path = '/public/';</script>
</head><body class="theme-${theme}"><div id="root"></div><script src="/panel-host.js"></script></body></html>`;
}

export interface PanelHarnessServer {
  url: string;
  close(): Promise<void>;
}

/** `scenarios`: extra scenarios served from memory (e.g. with frames fetched from a live proxy). */
export async function startPanelHarness(port = 0, scenarios: Map<string, PanelScenario> = new Map()): Promise<PanelHarnessServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    const p = decodeURIComponent(url.pathname);
    const send = (file: string | undefined) => {
      if (!file || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ message: `not found: ${p}` }));
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      createReadStream(file).pipe(res);
    };
    if (p === '/' || p === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page(url.searchParams.get('theme') === 'light' ? 'light' : 'dark', `http://${req.headers.host ?? 'localhost'}/`));
    }
    if (p === '/panel-host.js' || p === '/panel-host.js.map') return send(p.endsWith('.map') ? `${PANEL_HOST_BUNDLE}.map` : PANEL_HOST_BUNDLE);
    if (p.startsWith('/panel-scenarios/')) {
      const extra = scenarios.get(p.slice('/panel-scenarios/'.length).replace(/\.json$/, ''));
      if (extra) {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        return res.end(JSON.stringify(extra));
      }
      return send(inside(SCENARIOS, p.slice('/panel-scenarios/'.length)));
    }
    if (p.startsWith('/public/fonts/inter/')) return send(inside(INTER_FONTS, p.slice('/public/fonts/inter/'.length)));
    if (p.startsWith('/public/build/img/icons/')) return send(inside(ICONS, p.slice('/public/build/img/icons/'.length)));
    const plugin = /^\/public\/plugins\/([^/]+)\/(.+)$/.exec(p);
    if (plugin) {
      const found = discoverPlugins().get(plugin[1]!);
      return send(found ? inside(found.dir, plugin[2]!) : undefined);
    }
    return send(undefined);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
