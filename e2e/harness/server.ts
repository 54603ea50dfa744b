// The harness server: serves the host page, the plugins' dist folders at /public/plugins/<id>/
// as Grafana does, the scenarios, and Grafana's data source proxy
// (/api/datasources/proxy/uid/<uid>/<path>, ported in dataProxy.ts) forwarding to a running
// nodescope proxy with the matching route's headers rendered from jsonData/secureJsonData on
// the server side, so the API key stays out of the browser here too.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHost, HOST_BUNDLE } from './build-host.ts';
import { type BackendBridge, isBackendPath } from './bridge.ts';
import { extractProxyPath, type PluginRoute, proxyRequest } from './dataProxy.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../..');
const SCENARIOS = path.resolve(here, '../scenarios');
export const INTER_FONTS = path.join(REPO, 'node_modules/inter-ui/web');
// @grafana/ui's Icon fetches public/build/img/icons/<set>/<name>.svg; the npm package ships them
export const ICONS = path.join(REPO, 'node_modules/@grafana/ui/dist/public/img/icons');
const SPINNER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8z"/></svg>';
export const GRAFANA_VERSION = '12.4.10';

/** content types of what the harness servers send, by file extension */
export const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.md': 'text/markdown; charset=utf-8',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
};

export interface HarnessServerOptions {
  /** where the harness's data source proxy forwards to, e.g. http://127.0.0.1:8787 */
  proxyUrl: string;
  /** the proxy's API key; held server side as secureJsonData, like Grafana */
  apiKey?: string;
  port?: number;
  host?: string;
  /** the data source's own `url` (default: the proxy URL, as provisioned); "" is a data source created in the UI */
  datasourceUrl?: string;
  /** Grafana under a sub-path (root_url …/grafana/): "/grafana"; its API answers only there */
  subPath?: string;
  /** uid of the provisioned nodescope data source */
  datasourceUid?: string;
  /** build the host bundle first when it is missing or older than its sources (default true) */
  buildHost?: boolean;
  /**
   * the datasource's Go backend (bridge.ts): /api/ds/query, /api/datasources/uid/<uid>/health and
   * …/resources/* go there, and a save hands it the new settings, as Grafana does
   */
  backend?: BackendBridge;
  /** Grafana Live (the bridge's /api/live/ws); default on with a backend, off shows the datasource's SSE fallback */
  live?: boolean;
}

export interface HarnessServer {
  url: string;
  /** requests the data source proxy forwarded, with the headers it set (tests check the key injection) */
  forwarded: Array<{ method: string; url: string; authorization?: string; headers: Record<string, string> }>;
  close(): Promise<void>;
}

interface PluginJson {
  id: string;
  type: string;
  routes?: PluginRoute[];
}

interface StoredDatasource {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
  typeName: string;
  access: 'proxy';
  url: string;
  basicAuth: boolean;
  isDefault: boolean;
  readOnly: boolean;
  withCredentials: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

/** Every built plugin under plugins/: standalone dists, panels, and the app (nested ones are served through it). */
export function discoverPlugins(root = path.join(REPO, 'plugins')): Map<string, { dir: string; json: PluginJson }> {
  const found = new Map<string, { dir: string; json: PluginJson }>();
  const candidates: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    candidates.push(path.join(root, entry.name, 'dist'));
    if (entry.name === 'panels') {
      for (const panel of readdirSync(path.join(root, 'panels'), { withFileTypes: true })) {
        if (panel.isDirectory()) candidates.push(path.join(root, 'panels', panel.name, 'dist'));
      }
    }
  }
  for (const dir of candidates) {
    const file = path.join(dir, 'plugin.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as PluginJson;
    found.set(json.id, { dir, json });
  }
  return found;
}

function bootData(theme: 'dark' | 'light', appUrl: string, appSubUrl: string, liveEnabled: boolean) {
  return {
    settings: {
      appUrl,
      appSubUrl,
      // Grafana Live (the bridge's centrifuge server) exists only with the datasource backend
      liveEnabled,
      buildInfo: { version: GRAFANA_VERSION, commit: 'harness', env: 'production', edition: 'Open Source', latestVersion: '', hasUpdate: false, hideVersion: false },
      featureToggles: {},
      datasources: {},
      panels: {},
      apps: {},
      defaultDatasource: 'nodescope',
      bootData: {},
    },
    user: {
      id: 1,
      login: 'admin',
      name: 'admin',
      isSignedIn: true,
      orgId: 1,
      orgName: 'Main Org.',
      orgRole: 'Admin',
      isGrafanaAdmin: true,
      theme,
      lightTheme: theme === 'light',
      timezone: 'utc',
      weekStart: 'monday',
      locale: 'en-US',
      language: 'en-US',
      regionalFormat: 'en-US',
      helpFlags1: 0,
      hasEditPermissionInFolders: true,
    },
    navTree: [],
  };
}

function indexHtml(theme: 'dark' | 'light', appUrl: string, appSubUrl: string, liveEnabled: boolean): string {
  // @grafana/runtime reads window.grafanaBootData when it is first imported; the base href is
  // Grafana's (public/views/index.html: <base href="[[.AppSubUrl]]/" />)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nodescope plugin harness</title>
<base href="${appSubUrl}/">
<script>window.grafanaBootData = ${JSON.stringify(bootData(theme, appUrl, appSubUrl, liveEnabled))}; window.public_cdn_path = '/public/';</script>
</head><body class="theme-${theme}"><div id="root"></div><script src="/host.js"></script></body></html>`;
}

function sendFile(res: ServerResponse, file: string): void {
  if (!existsSync(file) || !statSync(file).isFile()) return sendJson(res, 404, { message: `not found: ${path.basename(file)}` });
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** `relative` resolved below `base`, or undefined when it would leave it (dot segments). */
export function inside(base: string, relative: string): string | undefined {
  const full = path.resolve(base, `.${path.posix.normalize(`/${relative}`)}`);
  return full.startsWith(base) ? full : undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startHarnessServer(options: HarnessServerOptions): Promise<HarnessServer> {
  if (options.buildHost !== false) await buildHost();
  const uid = options.datasourceUid ?? 'nodescope';
  const forwarded: HarnessServer['forwarded'] = [];
  // provisioned like provisioning/datasources: the proxy URL and key of the running proxy
  const datasources = new Map<string, StoredDatasource>([
    [
      uid,
      {
        id: 1,
        uid,
        orgId: 1,
        name: 'nodescope',
        type: 'nodescope-crypto-datasource',
        typeName: 'nodescope',
        access: 'proxy',
        // as provisioning/datasources sets it; a request no plugin route matches goes here, without the key
        url: options.datasourceUrl ?? options.proxyUrl,
        basicAuth: false,
        isDefault: true,
        readOnly: false,
        withCredentials: false,
        jsonData: { proxyUrl: options.proxyUrl },
        secureJsonData: options.apiKey ? { apiKey: options.apiKey } : {},
      },
    ],
  ]);
  const publicView = (ds: StoredDatasource) => {
    const { secureJsonData, ...rest } = ds;
    return { ...rest, secureJsonFields: Object.fromEntries(Object.keys(secureJsonData).filter((k) => secureJsonData[k]).map((k) => [k, true])) };
  };

  const proxy = (req: IncomingMessage, res: ServerResponse, dsUid: string, escapedProxyPath: string, search: string) => {
    const ds = datasources.get(dsUid);
    if (!ds) return sendJson(res, 404, { message: 'Data source not found' });
    // Grafana's data proxy, ported from its source (dataProxy.ts): exact route methods, 401 → 400
    proxyRequest(req, res, ds, escapedProxyPath, search, {
      routes: (type) => discoverPlugins().get(type)?.json.routes ?? [],
      onForward: ({ method, url, headers }) => forwarded.push({ method, url, authorization: headers.authorization, headers }),
    });
  };

  // Grafana's datasource API served by the plugin binary: the request as the browser sent it
  const toBackend = async (req: IncomingMessage, res: ServerResponse, pathAndSearch: string) => {
    const backend = options.backend;
    if (!backend) return sendJson(res, 404, { message: 'the harness runs without the datasource backend' });
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(await readBody(req));
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'accept', 'x-plugin-id', 'x-datasource-uid']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(`${backend.url}${pathAndSearch}`, { method: req.method, headers, body });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  };

  const subPath = (options.subPath ?? '').replace(/\/+$/, '');
  const liveEnabled = Boolean(options.backend) && options.live !== false;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    if (subPath && (url.pathname === subPath || url.pathname.startsWith(`${subPath}/`))) {
      url.pathname = url.pathname.slice(subPath.length) || '/';
    } else if (subPath && url.pathname.startsWith('/api/')) {
      // behind a reverse proxy that forwards only the sub-path, the API is not at the root
      return sendJson(res, 404, { message: `not found: Grafana is served under ${subPath}/` });
    }
    const p = decodeURIComponent(url.pathname);
    const handle = async () => {
      const proxyMatch = /^\/api\/datasources\/proxy\/uid\/([\w-]+)(?:\/|$)/.exec(url.pathname);
      if (proxyMatch) return proxy(req, res, proxyMatch[1]!, extractProxyPath(url.pathname) ?? '', url.search);
      if (isBackendPath(url.pathname)) return toBackend(req, res, `${url.pathname}${url.search}`);
      const dsMatch = /^\/api\/datasources\/uid\/([^/]+)$/.exec(p);
      if (dsMatch) {
        const ds = datasources.get(dsMatch[1]!);
        if (!ds) return sendJson(res, 404, { message: 'Data source not found' });
        if (req.method === 'PUT' || req.method === 'POST') {
          const update = JSON.parse((await readBody(req)).toString() || '{}') as { jsonData?: Record<string, unknown>; secureJsonData?: Record<string, string> };
          if (update.jsonData) ds.jsonData = update.jsonData;
          // Grafana keeps a stored secret unless the form sends a new value or resets it
          for (const [key, value] of Object.entries(update.secureJsonData ?? {})) {
            if (value) ds.secureJsonData[key] = value;
            else delete ds.secureJsonData[key];
          }
          await options.backend?.updateSettings(ds.jsonData, ds.secureJsonData);
        }
        return sendJson(res, 200, publicView(ds));
      }
      if (p === '/' || p === '/index.html') {
        const theme = url.searchParams.get('theme') === 'light' ? 'light' : 'dark';
        res.writeHead(200, { 'content-type': TYPES['.html']! });
        return res.end(indexHtml(theme, `http://${req.headers.host ?? 'localhost'}${subPath}/`, subPath, liveEnabled));
      }
      if (p === '/host.js' || p === '/host.js.map') return sendFile(res, p.endsWith('.map') ? `${HOST_BUNDLE}.map` : HOST_BUNDLE);
      if (p === '/scenarios/' || p === '/scenarios') {
        const names = readdirSync(SCENARIOS).filter((f) => f.endsWith('.json'));
        return sendJson(res, 200, names.map((f) => JSON.parse(readFileSync(path.join(SCENARIOS, f), 'utf8')) as { name: string; description?: string }).map(({ name, description }) => ({ name, description })));
      }
      if (p.startsWith('/scenarios/')) {
        const file = inside(SCENARIOS, p.slice('/scenarios/'.length));
        return file ? sendFile(res, file) : sendJson(res, 400, { message: 'bad path' });
      }
      if (p.startsWith('/public/fonts/inter/')) {
        const file = inside(INTER_FONTS, p.slice('/public/fonts/inter/'.length));
        return file ? sendFile(res, file) : sendJson(res, 400, { message: 'bad path' });
      }
      if (p === '/public/build/img/icons/unicons/spinner.svg' && !existsSync(path.join(ICONS, 'unicons/spinner.svg'))) {
        // the one icon Grafana ships outside the npm package (loading states)
        res.writeHead(200, { 'content-type': TYPES['.svg']! });
        return res.end(SPINNER_SVG);
      }
      if (p.startsWith('/public/build/img/icons/')) {
        const file = inside(ICONS, p.slice('/public/build/img/icons/'.length));
        return file ? sendFile(res, file) : sendJson(res, 400, { message: 'bad path' });
      }
      const pluginMatch = /^\/public\/plugins\/([^/]+)\/(.+)$/.exec(p);
      if (pluginMatch) {
        const plugin = discoverPlugins().get(pluginMatch[1]!);
        if (!plugin) return sendJson(res, 404, { message: `plugin ${pluginMatch[1]} is not built` });
        const file = inside(plugin.dir, pluginMatch[2]!);
        return file ? sendFile(res, file) : sendJson(res, 400, { message: 'bad path' });
      }
      return sendJson(res, 404, { message: `not found: ${p}` });
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(error) });
    });
  });

  // Grafana Live: the websocket upgrade of <subPath>/api/live/ws goes to the bridge's centrifuge
  // server as it came (Grafana serves it itself: pkg/services/live/live.go routes GET /api/live/ws)
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    const pathname = subPath && url.pathname.startsWith(`${subPath}/`) ? url.pathname.slice(subPath.length) : url.pathname;
    if (!options.backend || !liveEnabled || pathname !== '/api/live/ws' || (subPath && pathname === url.pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const target = new URL(options.backend.url);
    const upstream: Socket = connect(Number(target.port), target.hostname, () => {
      const lines = [`GET /api/live/ws${url.search} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upgraded.add(socket);
    upgraded.add(upstream);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
      upgraded.delete(socket);
      upgraded.delete(upstream);
    };
    socket.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of upgraded) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
