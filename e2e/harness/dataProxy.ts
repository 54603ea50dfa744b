// Grafana's data source proxy (/api/datasources/proxy/uid/<uid>/<path>) as a port of its Go
// source, so that the harness fails where a real Grafana would. References (read, not copied):
//   DS  = grafana/grafana@00d660d5083ca750731d5dcdc444a1b218f07f52:pkg/api/pluginproxy/ds_proxy.go
//   NEW = MoonLabLtd/grafana@0b37f54b48c8194f479809e275f060185303a1c9:pkg/api/pluginproxy/ds_proxy.go
//         (a mirror of grafana main: the same loop, with paths cleaned before the prefix test)
//   AR  = grafana/grafana@05f6710454fce61388b734e2eb0bf98dc36fe63c:pkg/api/pluginproxy/ds_auth_provider.go
//   PU  = grafana/grafana@05000f132e4b1c22b1b10a9ee18741bfd7527be3:pkg/util/proxyutil/proxyutil.go
//   RP  = grafana/grafana@0388560e27db689edc27f6c7e4a20b3be1317e3e:pkg/util/proxyutil/reverse_proxy.go
//   GO  = go1.26.8 src/net/http/httputil/reverseproxy.go (Grafana's reverse proxy underneath)
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import path from 'node:path';

export interface PluginRoute {
  path: string;
  method?: string;
  url?: string;
  reqRole?: string;
  headers?: Array<{ name: string; content: string }>;
  urlParams?: Array<{ name: string; content: string }>;
}

export interface ProxiedDatasource {
  /** the data source's own URL (provisioning `url:`); "" when created in the UI without one */
  url: string;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export type OrgRole = 'Viewer' | 'Editor' | 'Admin';

/** ds_proxy.go's JsonApiErr message when a route's reqRole is above the user's (NEW validateRequest). */
export const ROUTE_ACCESS_DENIED = 'plugin proxy route access denied';
/** The body Grafana sends instead of an upstream 401 (DS:131-147). */
export const AUTH_FAILED = 'Authentication to data source failed';
/** The harness's Grafana version, sent as the data proxy's User-Agent (DS:237). */
export const GRAFANA_USER_AGENT = 'Grafana/12.4.10';
/** Grafana's login cookie, never forwarded even when keepCookies names it (NEW director: ClearCookieHeader(..., LoginCookieName)). */
export const LOGIN_COOKIE_NAME = 'grafana_session';

/** pkg/services/datasourceproxy/datasourceproxy.go proxyPathRegexp: what follows the data source in the URL, still escaped. */
export function extractProxyPath(escapedPath: string): string | undefined {
  const match = /^\/api\/datasources\/proxy\/([\d]+|uid\/[\w-]+)\/?/.exec(escapedPath);
  return match ? escapedPath.slice(match[0].length) : undefined;
}

/** pkg/plugins CleanRelativePath: filepath.Rel("/", filepath.Clean(filepath.Join("/", p))). */
export function cleanRelativePath(p: string): string {
  const cleaned = path.posix.normalize(`/${p}`).replace(/\/+$/, '') || '/';
  return cleaned === '/' ? '.' : cleaned.slice(1);
}

/** org.RoleType.Includes: Admin includes Editor includes Viewer. */
function roleIncludes(user: OrgRole, required: string): boolean {
  const rank: Record<string, number> = { Viewer: 1, Editor: 2, Admin: 3 };
  return (rank[user] ?? 0) >= (rank[required] ?? 0);
}

/**
 * validateRequest's route loop (DS:297-316, NEW): the first route whose method is "", "*" or
 * exactly the request method (no list syntax: "GET,POST" matches nothing) and whose cleaned path
 * prefixes the cleaned proxy path. Its role is checked only once it matched; an unmatched request
 * is allowed and goes to the data source URL without any route's headers.
 */
export function matchRoute(routes: readonly PluginRoute[], method: string, proxyPath: string, role: OrgRole): { route?: PluginRoute; denied?: string } {
  for (const route of routes) {
    const routeMethod = route.method ?? '';
    if (routeMethod !== '' && routeMethod !== '*' && routeMethod !== method) continue;
    let r1 = cleanRelativePath(proxyPath);
    let r2 = cleanRelativePath(route.path);
    // grafana issue 116273: "" (or what cleans to ".") is the empty prefix, unless it was "." itself
    if (r1 === '.' && proxyPath !== '.') r1 = '';
    if (r2 === '.' && route.path !== '.') r2 = '';
    if (!r1.startsWith(r2)) continue;
    if (route.reqRole && !roleIncludes(role, route.reqRole)) return { denied: ROUTE_ACCESS_DENIED };
    return { route };
  }
  return {};
}

/** pkg/util/url.go JoinURLFragments: one slash between the two, b empty leaves a. */
export function joinURLFragments(a: string, b: string): string {
  if (b.length === 0) return a;
  const aslash = a.endsWith('/');
  const bslash = b.startsWith('/');
  if (aslash && bslash) return a + b.slice(1);
  if (!aslash && !bslash) return `${a}/${b}`;
  return a + b;
}

/** Go's url.URL.Path: "" for "http://host" (WHATWG URL says "/"), escapes kept as written. */
export function goPath(raw: string): string {
  const pathname = new URL(raw).pathname;
  return pathname === '/' && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i.test(raw) ? '' : pathname;
}

export interface TemplateData {
  JsonData: Record<string, unknown>;
  SecureJsonData: Record<string, string>;
  URL: string;
}

/** Go text/template for the `{{ .JsonData.x }}`, `{{ .SecureJsonData.x }}` and `{{ .URL }}` forms plugin routes use. */
export function interpolate(template: string, data: TemplateData): string {
  return template.replace(/\{\{\s*\.(JsonData|SecureJsonData|URL)(?:\.(\w+))?\s*\}\}/g, (_whole, scope: keyof TemplateData, key?: string) => {
    const value = scope === 'URL' ? data.URL : key ? (data[scope] as Record<string, unknown>)[key] : undefined;
    // text/template prints a missing map key as "<no value>"
    return value === undefined || value === null ? '<no value>' : String(value);
  });
}

/** A request as the director sees it: URL, and headers by lower-case name. */
export interface OutgoingRequest {
  url: URL;
  headers: Record<string, string>;
}

/**
 * ApplyRoute (AR:17-44): the route's URL (scheme, host, path joined with what follows the route
 * path), its urlParams added to the query, its headers set (replacing what the request had).
 */
export function applyRoute(req: OutgoingRequest, proxyPath: string, route: PluginRoute, data: TemplateData): void {
  const rest = proxyPath.startsWith(route.path) ? proxyPath.slice(route.path.length) : proxyPath;
  if (route.url) {
    const raw = interpolate(route.url, data);
    const routeUrl = new URL(raw);
    req.url.protocol = routeUrl.protocol;
    req.url.host = routeUrl.host;
    req.url.pathname = joinURLFragments(goPath(raw), rest);
  }
  for (const param of route.urlParams ?? []) req.url.searchParams.append(interpolate(param.name, data), interpolate(param.content, data));
  for (const header of route.headers ?? []) req.headers[header.name.toLowerCase()] = interpolate(header.content, data);
}

/** ClearCookieHeader (PU:52-92): drop every cookie but the keepCookies ones ("[]" all, "x[]" a prefix), never the login cookie; sorted by name. */
export function clearCookieHeader(cookieHeader: string | undefined, keepCookies: readonly string[], skip: readonly string[] = [LOGIN_COOKIE_NAME]): string | undefined {
  if (!cookieHeader) return undefined;
  const kept = new Map<string, string>();
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    for (const keep of keepCookies) {
      if (keep === '[]' || (keep.endsWith('[]') ? name.startsWith(keep.slice(0, -2)) : name === keep)) kept.set(name, value);
    }
  }
  for (const name of skip) kept.delete(name);
  if (kept.size === 0) return undefined;
  return [...kept.keys()].sort().map((name) => `${name}=${kept.get(name)}`).join('; ');
}

/** GO:365-375 hop-by-hop headers, removed in both directions (plus those a Connection header names). */
const HOP_HEADERS = ['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function withoutHopHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_HEADERS.includes(name) || named.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface DirectorInput {
  ds: ProxiedDatasource;
  route?: PluginRoute;
  proxyPath: string;
  search: string;
  headers: IncomingHttpHeaders;
  remoteAddress?: string;
}

/**
 * The director (DS:180-277) followed by wrapDirector/PrepareProxyRequest (RP:67-75, PU:26-49)
 * and Go's own X-Forwarded-For step (GO:519-530). Returns undefined for the URL when the data
 * source has none and no route gives one: Go's transport then fails and Grafana answers 502.
 */
export function direct(input: DirectorInput): { url?: URL; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(withoutHopHeaders(input.headers))) {
    // host and content-length belong to the connection Node opens; cookies are handled below
    if (name === 'host' || name === 'content-length' || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const data: TemplateData = { JsonData: input.ds.jsonData, SecureJsonData: input.ds.secureJsonData, URL: input.ds.url };
  // the request starts at the data source URL (DS:180-205); "" or unparsable leaves no host
  let url = new URL('http://unset.invalid');
  let hasTarget = false;
  try {
    if (input.ds.url) {
      const target = new URL(input.ds.url);
      url = new URL(target.origin);
      url.pathname = joinURLFragments(goPath(input.ds.url), input.proxyPath);
      hasTarget = true;
    }
  } catch {
    hasTarget = false;
  }
  url.search = input.search;
  // X-DS-Authorization becomes Authorization (DS:219-223)
  if (headers['x-ds-authorization']) {
    headers.authorization = headers['x-ds-authorization'];
    delete headers['x-ds-authorization'];
  }
  // send_user_header is off by default: the header is removed (ApplyUserHeader)
  delete headers['x-grafana-user'];
  const keep = Array.isArray(input.ds.jsonData.keepCookies) ? (input.ds.jsonData.keepCookies as unknown[]).map(String) : [];
  const cookie = clearCookieHeader(input.headers.cookie, keep);
  if (cookie) headers.cookie = cookie;
  headers['user-agent'] = GRAFANA_USER_AGENT;
  if (input.route) {
    applyRoute({ url, headers }, input.proxyPath, input.route, data);
    hasTarget ||= Boolean(input.route.url);
  }
  // PrepareProxyRequest (PU:26-49)
  headers['x-grafana-referer'] = headers.referer ?? '';
  delete headers.origin;
  delete headers.referer;
  delete headers['x-forwarded-host'];
  delete headers['x-forwarded-port'];
  delete headers['x-forwarded-proto'];
  if (input.remoteAddress) {
    headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${input.remoteAddress}` : input.remoteAddress;
    // httputil.ReverseProxy (Director mode) appends the client address once more (GO:519-530)
    headers['x-forwarded-for'] = `${headers['x-forwarded-for']}, ${input.remoteAddress}`;
  }
  return { url: hasTarget ? url : undefined, headers };
}

/** The response side: hop-by-hop headers out (GO), Set-Cookie dropped and CSP sandbox added (RP:79-85, PU:96-99). */
export function responseHeaders(upstream: IncomingHttpHeaders): Record<string, string | string[]> {
  const out = withoutHopHeaders(upstream);
  delete out['set-cookie'];
  out['content-security-policy'] = 'sandbox';
  return out;
}

export interface DataProxyOptions {
  /** the routes of the data source's plugin.json */
  routes(dsType: string): readonly PluginRoute[];
  /** the signed-in user's org role (the harness user is an Admin) */
  role?: OrgRole;
  /** every request sent upstream, for tests */
  onForward?(forward: { method: string; url: string; headers: Record<string, string> }): void;
}

/** Serves one data proxy request for a stored data source, as Grafana's HandleRequest (DS:108-170) does. */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, ds: ProxiedDatasource & { type: string }, escapedProxyPath: string, search: string, options: DataProxyOptions): void {
  const method = req.method ?? 'GET';
  const matched = matchRoute(options.routes(ds.type), method, escapedProxyPath, options.role ?? 'Admin');
  if (matched.denied) {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: matched.denied }));
    return;
  }
  const { url, headers } = direct({ ds, route: matched.route, proxyPath: escapedProxyPath, search, headers: req.headers, remoteAddress: req.socket.remoteAddress });
  options.onForward?.({ method, url: url ? url.pathname + url.search : '', headers });
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // Go: "unsupported protocol scheme"; errorHandler answers 502 with no body (RP:95-115)
    req.resume();
    res.writeHead(502);
    res.end();
    return;
  }
  const client = url.protocol === 'https:' ? https : http;
  const upstream = client.request(url, { method, headers }, (upstreamRes) => {
    if (upstreamRes.statusCode === 401) {
      // DS:131-147: the upstream's 401 becomes Grafana's 400 with its own body and no upstream headers
      upstreamRes.resume();
      // (Go's server sniffs the type of a body sent without one: text/plain)
      res.writeHead(400, { 'content-security-policy': 'sandbox', 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(AUTH_FAILED)) });
      res.end(AUTH_FAILED);
      return;
    }
    res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders(upstreamRes.headers));
    res.flushHeaders();
    upstreamRes.pipe(res);
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (res.headersSent) return void res.end();
    // RP:95-115: a timeout is 504, anything else 502, both without a body
    res.writeHead(error.code === 'ETIMEDOUT' ? 504 : 502);
    res.end();
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}
