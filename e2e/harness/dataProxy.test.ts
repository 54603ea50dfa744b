// The harness's data source proxy against Grafana's own test cases. Expected values are the
// ones Grafana's tests assert, cited by test name:
//   T = MoonLabLtd/grafana@27f61a7e7ffe09048e782438de685fb898aa05f7:pkg/api/pluginproxy/ds_proxy_test.go
//       (a mirror of grafana main; the route cases are also in
//       grafana/grafana@00d660d5083ca750731d5dcdc444a1b218f07f52:pkg/api/pluginproxy/ds_proxy_test.go)
// and the source lines in dataProxy.ts's header.
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyRoute,
  AUTH_FAILED,
  cleanRelativePath,
  clearCookieHeader,
  direct,
  extractProxyPath,
  joinURLFragments,
  matchRoute,
  type PluginRoute,
  type ProxiedDatasource,
  proxyRequest,
  ROUTE_ACCESS_DENIED,
  type TemplateData,
} from './dataProxy.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

// T "Plugin with routes": the routes and data source of TestIntegrationDataSourceProxy_routeRule
const ROUTES: PluginRoute[] = [
  { path: 'api/v4/', url: 'https://www.google.com', reqRole: 'Editor', headers: [{ name: 'x-header', content: 'my secret {{.SecureJsonData.key}}' }] },
  { path: 'api/admin', url: 'https://www.google.com', reqRole: 'Admin', headers: [{ name: 'x-header', content: 'my secret {{.SecureJsonData.key}}' }] },
  { path: 'api/anon', url: 'https://www.google.com', headers: [{ name: 'x-header', content: 'my secret {{.SecureJsonData.key}}' }] },
  {
    path: 'api/common',
    url: '{{.JsonData.dynamicUrl}}',
    urlParams: [{ name: '{{.JsonData.queryParam}}', content: '{{.SecureJsonData.key}}' }],
    headers: [{ name: 'x-header', content: 'my secret {{.SecureJsonData.key}}' }],
  },
  { path: 'api/restricted', reqRole: 'Admin' },
  { path: 'api/body', url: 'http://www.test.com' },
  { path: 'mypath', url: 'https://example.com/api/v1/' },
  { path: 'api/rbac-home' },
  { path: 'api/rbac-restricted' },
  { path: 'encodedPath', url: 'http://encoded.com' },
];
const DATA: TemplateData = {
  JsonData: { clientId: 'asd', dynamicUrl: 'https://dynamic.grafana.com', queryParam: 'apiKey' },
  SecureJsonData: { key: '123' },
  URL: '',
};

/** What ApplyRoute makes of the test's request (GET http://localhost/asd) for a proxy path and a route. */
function applied(proxyPath: string, route: PluginRoute, data = DATA) {
  const req = { url: new URL('http://localhost/asd'), headers: {} as Record<string, string> };
  applyRoute(req, proxyPath, route, data);
  return req;
}

describe('route rules (T TestIntegrationDataSourceProxy_routeRule "Plugin with routes")', () => {
  it('"When matching route path": the route URL plus what follows the route path, and its header', () => {
    const req = applied('api/v4/some/method', ROUTES[0]!);
    expect(req.url.toString()).toBe('https://www.google.com/some/method');
    expect(req.headers['x-header']).toBe('my secret 123');
  });

  it('"When matching route path and has dynamic url": URL and URL params from the templates', () => {
    const req = applied('api/common/some/method', ROUTES[3]!);
    expect(req.url.toString()).toBe('https://dynamic.grafana.com/some/method?apiKey=123');
    expect(req.headers['x-header']).toBe('my secret 123');
  });

  it('"When matching route path with no url": the request URL stays', () => {
    expect(applied('', ROUTES[4]!).url.toString()).toBe('http://localhost/asd');
  });

  it('"When matching route path and has setting url": {{.URL}} is the data source URL', () => {
    const route: PluginRoute = {
      path: 'api/common',
      url: '{{.URL}}',
      headers: [{ name: 'x-header', content: 'my secret {{.SecureJsonData.key}}' }],
      urlParams: [{ name: '{{.JsonData.queryParam}}', content: '{{.SecureJsonData.key}}' }],
    };
    const req = applied('api/common/some/method', route, { ...DATA, URL: 'https://dynamic.grafana.com' });
    expect(req.url.toString()).toBe('https://dynamic.grafana.com/some/method?apiKey=123');
    expect(req.headers['x-header']).toBe('my secret 123');
  });

  it('"When matching route path ending with a slash"', () => {
    expect(applied('mypath/some-route/', ROUTES[6]!).url.toString()).toBe('https://example.com/api/v1/some-route/');
  });

  it('"When matching proxy path is already encoded": escapes are kept', () => {
    expect(applied('/our%20devices', ROUTES[9]!).url.toString()).toBe('http://encoded.com/our%20devices');
  });

  describe('"Validating request" (user is an Editor)', () => {
    it('"plugin route with valid role"', () => {
      expect(matchRoute(ROUTES, 'GET', 'api/v4/some/method', 'Editor')).toEqual({ route: ROUTES[0] });
    });
    it('"plugin route with admin role and user is editor"', () => {
      expect(matchRoute(ROUTES, 'GET', 'api/admin', 'Editor')).toEqual({ denied: ROUTE_ACCESS_DENIED });
    });
    it('"plugin route with admin role and user is admin"', () => {
      expect(matchRoute(ROUTES, 'GET', 'api/admin', 'Admin')).toEqual({ route: ROUTES[1] });
    });
    it('"path with slashes and user is editor": //api//admin is cleaned to api/admin first', () => {
      expect(matchRoute(ROUTES, 'GET', '//api//admin', 'Editor')).toEqual({ denied: ROUTE_ACCESS_DENIED });
    });
  });

  // T "Regression of 116273: Fallback routes should apply fallback route roles": Admin routes for
  // GET, POST, PUT, DELETE on the configured path; a Viewer sends GET to the input path
  it.each([
    { input: 'api/v2/leak-ur-secrets', configured: '', denied: true },
    { input: '', configured: '', denied: true },
    { input: '.', configured: '.', denied: true },
    { input: '', configured: '.', denied: false },
    { input: 'api', configured: '.', denied: false },
  ])('regression 116273: input "$input", route path "$configured" → denied $denied', ({ input, configured, denied }) => {
    const routes = ['GET', 'POST', 'PUT', 'DELETE'].map((method) => ({ path: configured, reqRole: 'Admin', method }));
    const result = matchRoute(routes, 'GET', input, 'Viewer');
    expect(result.denied === ROUTE_ACCESS_DENIED).toBe(denied);
  });

  it('T Test_PathCheck: the route is chosen by path, then its role applies (Viewer on "b")', () => {
    const routes: PluginRoute[] = [
      { path: 'a', url: 'https://www.google.com', reqRole: 'Editor', method: 'GET' },
      { path: 'b', url: 'https://www.google.com', reqRole: 'Viewer', method: 'GET' },
    ];
    expect(matchRoute(routes, 'GET', 'b', 'Viewer')).toEqual({ route: routes[1] });
  });

  // T TestDataSourceProxy_LokiRouteAccessControl (its method part): two routes on one path, one
  // per method; each request takes the route of its own method
  it('one route per method: GET takes the GET route, POST the POST route', () => {
    const routes: PluginRoute[] = [
      { path: 'api/v1/rules', method: 'GET' },
      { path: 'api/v1/rules', method: 'POST' },
    ];
    expect(matchRoute(routes, 'GET', 'api/v1/rules', 'Viewer').route).toBe(routes[0]);
    expect(matchRoute(routes, 'POST', 'api/v1/rules', 'Viewer').route).toBe(routes[1]);
  });

  // ds_proxy.go:299 compares route.Method with the request method as strings: no list syntax
  it('a method list such as "GET,POST" matches neither GET nor POST; "" and "*" match any method', () => {
    const listed: PluginRoute[] = [{ path: 'api', method: 'GET,POST', url: 'http://proxy/api' }];
    expect(matchRoute(listed, 'GET', 'api/health', 'Admin')).toEqual({});
    expect(matchRoute(listed, 'POST', 'api/query', 'Admin')).toEqual({});
    for (const method of ['', '*', undefined]) {
      expect(matchRoute([{ path: 'api', method }], 'PATCH', 'api/x', 'Viewer').route).toBeDefined();
    }
  });

  it('the first route that matches wins', () => {
    const routes: PluginRoute[] = [
      { path: 'api', method: 'GET', url: 'http://first' },
      { path: 'api/health', method: 'GET', url: 'http://second' },
    ];
    expect(matchRoute(routes, 'GET', 'api/health', 'Admin').route).toBe(routes[0]);
  });
});

describe('helpers, against their Go originals', () => {
  it('extractProxyPath (datasourceproxy.go proxyPathRegexp) keeps the escaped rest', () => {
    expect(extractProxyPath('/api/datasources/proxy/uid/nodescope/api/health')).toBe('api/health');
    expect(extractProxyPath('/api/datasources/proxy/1/path/%2Ftest%2Ftest%2F')).toBe('path/%2Ftest%2Ftest%2F');
    expect(extractProxyPath('/api/datasources/proxy/uid/nodescope')).toBe('');
    expect(extractProxyPath('/api/other')).toBeUndefined();
  });

  it('JoinURLFragments (pkg/util/url.go): one slash, an empty b leaves a', () => {
    expect(joinURLFragments('/api', 'health')).toBe('/api/health');
    expect(joinURLFragments('/api/', '/health')).toBe('/api/health');
    expect(joinURLFragments('/api', '/health')).toBe('/api/health');
    expect(joinURLFragments('/api', '')).toBe('/api');
  });

  it('CleanRelativePath (pkg/plugins): rooted, cleaned, made relative; the root is "."', () => {
    expect(cleanRelativePath('//api//admin')).toBe('api/admin');
    expect(cleanRelativePath('api/v4/')).toBe('api/v4');
    expect(cleanRelativePath('')).toBe('.');
    expect(cleanRelativePath('../../etc')).toBe('etc');
  });

  // T "When proxying a data source with (no) keepCookies specified"
  it('ClearCookieHeader: all cookies dropped unless keepCookies names them', () => {
    const cookies = 'grafana_user=admin; grafana_remember=99; grafana_sess=11; JSESSION_ID=test';
    expect(clearCookieHeader(cookies, [])).toBeUndefined();
    expect(clearCookieHeader(cookies, ['JSESSION_ID'])).toBe('JSESSION_ID=test');
    // proxyutil.go:57-66: "[]" keeps all, "x[]" a prefix; the login cookie never (ds_proxy.go director)
    expect(clearCookieHeader(`${cookies}; grafana_session=s`, ['[]'])).toBe('JSESSION_ID=test; grafana_remember=99; grafana_sess=11; grafana_user=admin');
    expect(clearCookieHeader(cookies, ['grafana_[]'])).toBe('grafana_remember=99; grafana_sess=11; grafana_user=admin');
  });

  // T "When proxying a custom datasource"
  it('a data source URL with a path, no route: URL joined, Origin/Referer cleared, other headers kept', () => {
    const ds: ProxiedDatasource = { url: 'http://host/root/', jsonData: {}, secureJsonData: {} };
    const out = direct({ ds, proxyPath: '/path/to/folder/', search: '', headers: { origin: 'grafana.com', referer: 'grafana.com', 'x-canary': 'stillthere' } });
    expect(out.url?.toString()).toBe('http://host/root/path/to/folder/');
    expect(out.headers['x-canary']).toBe('stillthere');
    expect(out.headers.origin).toBeUndefined();
    expect(out.headers.referer).toBeUndefined();
    // proxyutil.go:28: the referer survives as X-Grafana-Referer
    expect(out.headers['x-grafana-referer']).toBe('grafana.com');
  });

  // T TestDataSourceProxy_userAgentHeader "When DataProxyForwardUserAgent config is disabled"
  it('the User-Agent is Grafana\'s, not the browser\'s', () => {
    const out = direct({ ds: { url: 'http://graphite:8080', jsonData: {}, secureJsonData: {} }, proxyPath: '/render', search: '', headers: { 'user-agent': 'original-client/1.0' } });
    expect(out.headers['user-agent']).toBe('Grafana/12.4.10');
  });

  it('X-Forwarded-Host/Port/Proto are removed and X-Forwarded-For gets the client (proxyutil.go:34-48, then Go\'s reverse proxy)', () => {
    const out = direct({
      ds: { url: 'http://proxy', jsonData: {}, secureJsonData: {} },
      proxyPath: 'api/health',
      search: '',
      headers: { 'x-forwarded-host': 'evil', 'x-forwarded-port': '1', 'x-forwarded-proto': 'gopher', 'x-forwarded-for': '10.0.0.9' },
      remoteAddress: '127.0.0.1',
    });
    expect(out.headers['x-forwarded-host']).toBeUndefined();
    expect(out.headers['x-forwarded-port']).toBeUndefined();
    expect(out.headers['x-forwarded-proto']).toBeUndefined();
    expect(out.headers['x-forwarded-for']).toBe('10.0.0.9, 127.0.0.1, 127.0.0.1');
  });

  it('a data source without URL and no matching route has nowhere to go', () => {
    expect(direct({ ds: { url: '', jsonData: {}, secureJsonData: {} }, proxyPath: 'api/health', search: '', headers: {} }).url).toBeUndefined();
  });
});

// ---- over HTTP: an upstream, and a "Grafana" serving the data proxy for one data source ----

interface Upstream {
  url: string;
  seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  closers.push(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}

async function upstream(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const server = await listen((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    answer(req, res);
  });
  return { ...server, seen };
}

async function grafana(ds: ProxiedDatasource, routes: PluginRoute[]): Promise<string> {
  const server = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://grafana');
    const proxyPath = extractProxyPath(url.pathname);
    if (proxyPath === undefined) return void res.writeHead(404).end();
    proxyRequest(req, res, { ...ds, type: 'test-datasource' }, proxyPath, url.search, { routes: () => routes });
  });
  return `${server.url}/api/datasources/proxy/uid/ds`;
}

const datasourceRoutes = (): PluginRoute[] => (JSON.parse(readFileSync(path.join(here, '../../plugins/datasource/src/plugin.json'), 'utf8')) as { routes: PluginRoute[] }).routes;

describe('request handling over HTTP (T TestDataSourceProxy_requestHandling)', () => {
  const backend = () =>
    upstream((_req, res) => {
      res.setHeader('set-cookie', 'flavor=chocolateChip');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('I am the backend');
    });

  it('"should remove proxied Set-Cookie header" and "should set Content-Security-Policy header"', async () => {
    const up = await backend();
    const base = await grafana({ url: up.url, jsonData: {}, secureJsonData: {} }, []);
    const response = await fetch(`${base}/render`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('I am the backend');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
  });

  it('"Data source returns status code 401": 400 "Authentication to data source failed", upstream headers gone', async () => {
    const up = await upstream((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Access to the server"' });
      res.end('Not authenticated');
    });
    const base = await grafana({ url: up.url, jsonData: {}, secureJsonData: {} }, []);
    const response = await fetch(`${base}/render`);
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBeNull();
    // the body ds_proxy.go:141 writes
    expect(await response.text()).toBe('Authentication to data source failed');
    expect(AUTH_FAILED).toBe('Authentication to data source failed');
  });

  it('"Data source should handle proxy path url encoding correctly"', async () => {
    const up = await backend();
    const base = await grafana({ url: up.url, jsonData: {}, secureJsonData: {} }, []);
    await fetch(`${base}/path/%2Ftest%2Ftest%2F?query=%2Ftest%2Ftest%2F`);
    expect(up.seen[0]!.url).toBe('/path/%2Ftest%2Ftest%2F?query=%2Ftest%2Ftest%2F');
  });

  it('cookies from the browser are not forwarded; hop-by-hop headers are not either', async () => {
    const up = await backend();
    const base = await grafana({ url: up.url, jsonData: {}, secureJsonData: {} }, []);
    await fetch(`${base}/render`, { headers: { cookie: 'grafana_session=abc; other=1', 'x-forwarded-host': 'evil.example' } });
    expect(up.seen[0]!.headers.cookie).toBeUndefined();
    expect(up.seen[0]!.headers['x-forwarded-host']).toBeUndefined();
    expect(up.seen[0]!.headers['user-agent']).toBe('Grafana/12.4.10');
  });

  it('an unreachable upstream is 502 (reverse_proxy.go errorHandler)', async () => {
    const gone = await listen(() => {});
    await gone.close();
    const base = await grafana({ url: gone.url, jsonData: {}, secureJsonData: {} }, []);
    expect((await fetch(`${base}/render`)).status).toBe(502);
  });
});

describe('the nodescope data source behind the ported data proxy', () => {
  const proxy = () =>
    upstream((req, res) => {
      const ok = req.headers.authorization === 'Bearer right-key';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { status: 'ok', sources: [] } : { error: 'missing or wrong API key' }));
    });

  it.each(['GET', 'POST'])('%s api/* matches its route: the key is added server side', async (method) => {
    const up = await proxy();
    const base = await grafana({ url: up.url, jsonData: { proxyUrl: up.url }, secureJsonData: { apiKey: 'right-key' } }, datasourceRoutes());
    const response = await fetch(`${base}/api/${method === 'GET' ? 'health' : 'query'}`, { method, body: method === 'POST' ? '{}' : undefined });
    expect(response.status).toBe(200);
    expect(up.seen[0]).toMatchObject({ method, url: method === 'GET' ? '/api/health' : '/api/query' });
    expect(up.seen[0]!.headers.authorization).toBe('Bearer right-key');
  });

  it('the old "GET,POST" route matched nothing: a provisioned data source got 400 from the key-less request', async () => {
    const up = await proxy();
    const old = datasourceRoutes().slice(0, 1).map((route) => ({ ...route, method: 'GET,POST' }));
    const base = await grafana({ url: up.url, jsonData: { proxyUrl: up.url }, secureJsonData: { apiKey: 'right-key' } }, old);
    const response = await fetch(`${base}/api/health`);
    expect(up.seen[0]!.headers.authorization).toBeUndefined();
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(AUTH_FAILED);
  });

  it('…and one created in the UI (no url) got 502', async () => {
    const up = await proxy();
    const old = datasourceRoutes().slice(0, 1).map((route) => ({ ...route, method: 'GET,POST' }));
    const base = await grafana({ url: '', jsonData: { proxyUrl: up.url }, secureJsonData: { apiKey: 'right-key' } }, old);
    expect((await fetch(`${base}/api/health`)).status).toBe(502);
    expect(up.seen).toHaveLength(0);
  });

  it('a wrong key reaches the browser as 400 "Authentication to data source failed"', async () => {
    const up = await proxy();
    const base = await grafana({ url: up.url, jsonData: { proxyUrl: up.url }, secureJsonData: { apiKey: 'wrong-key' } }, datasourceRoutes());
    const response = await fetch(`${base}/api/health`);
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(AUTH_FAILED);
  });
});
