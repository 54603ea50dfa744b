// Property-based fuzzing of every proxy route against a proxy wired to a simulator of every
// upstream. Requests are generated (fast-check, fixed seed: a failure names its seed and
// index), sent over real sockets, and each answer is checked: never a 5xx, a 4xx always
// carries a clear message, no secret in any answer. Afterwards the simulators are asked what
// reached them: only allow-listed read-only calls, whatever the requests said.
// Paths are sent byte for byte (node:http, not fetch, which would normalise them) in the
// spellings attackers use to slip past a key check: percent-encoded letters, dot segments,
// doubled slashes, absolute-form targets; every request without the key must get 401 unless its
// route is one of the public ones, however it was spelled.
// NODESCOPE_FUZZ_RUNS sets the count (CI: 10,000; `npm run fuzz`: 100,000).
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_QUERY_NAMES, QUERIES_BY_KIND, type SourceKind } from '@nodescope/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { startServer } from '../src/http/server.js';
import { startSimulatedStack, type SimulatedStack } from '../src/simulators/stack.js';
import { READ_ONLY_METHODS } from '../src/sources/bitcoin/client.js';
import { READ_ONLY_COMMANDS } from '../src/sources/cgminer/commands.js';
import { READ_ENDPOINTS } from '../src/sources/freqtrade/client.js';
import { CLN_READ_METHODS, LND_READ_CALLS } from '../src/sources/lightning/client.js';
import { BEACON_READ_PATHS } from '../src/sources/beacon/client.js';
import { GETH_ADMIN_READ_METHODS, GETH_READ_METHODS } from '../src/sources/geth/client.js';
import { STACKS_RPC_PATHS } from '../src/sources/stacks/client.js';
import { LogCapture } from './helpers.js';

const RUNS = Number(process.env.NODESCOPE_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.NODESCOPE_FUZZ_SEED ?? 20261123);
const CONCURRENCY = 16;
const API_KEY = 'fuzz-api-key-0123456789abcdef';

const SOURCE_KINDS: Record<string, SourceKind> = {
  'btc-main': 'bitcoin',
  'stx-1': 'stacks',
  'geth-1': 'geth',
  'farm-a': 'cgminer',
  profit: 'profitability',
  'bot-1': 'freqtrade',
  'bot-2': 'freqtrade',
  'ln-lnd': 'lightning',
  'ln-cln': 'lightning',
  'beacon-1': 'beacon',
};
const SOURCE_IDS = Object.keys(SOURCE_KINDS);
/** what an attacker would try to make the proxy send upstream or reach */
const HOSTILE = [
  'stop',
  'sendrawtransaction',
  'getwalletinfo',
  'dumpprivkey',
  'walletpassphrase',
  'generatetoaddress',
  'restart',
  'quit',
  'addpool|stratum+tcp://evil:3333,u,p',
  'ascset|0,freq,100',
  'pgarestart|0',
  'switchpool|1',
  'summary+restart',
  'admin_addPeer',
  'personal_unlockAccount',
  'eth_sendTransaction',
  'debug_setHead',
  'forceexit',
  'forcebuy',
  '/api/v1/stop',
  '/api/v1/forceexit',
  '../../etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  '127.0.0.1:22',
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'prototype',
  '\u0000',
  "'; DROP TABLE trades; --",
  '%00',
  '${NODESCOPE_API_KEY}',
];

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 3, arbitrary: fc.constantFrom(...ALL_QUERY_NAMES) },
  { weight: 3, arbitrary: fc.constantFrom(...SOURCE_IDS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) }
);
const paramValue = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(text, { maxLength: 3 }),
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 })
);
const paramName = fc.oneof(
  fc.constantFrom('constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'),
  fc.constantFrom('count', 'miner', 'bot', 'pair', 'targets', 'mode', 'command', 'method', 'host', 'url', 'band', 'limit', 'offset', 'level', 'search', 'cidr', 'port', 'electricityPerKwh', 'jPerTh', 'hashrate', 'poolFeePercent', 'merge'),
  fc.string({ maxLength: 70 })
);
const params = fc.dictionary(paramName, paramValue, { maxKeys: 5 });
const query = fc.record(
  { refId: fc.oneof(fc.constantFrom('A', 'B', 'C'), fc.string({ maxLength: 70 })), sourceId: text, query: text, params },
  { requiredKeys: ['refId', 'sourceId', 'query'] }
);
/** a real source with a query of its kind: gets past validation, so params are what is fuzzed */
const wellFormedQuery = fc
  .constantFrom(...SOURCE_IDS)
  .chain((sourceId) =>
    fc.record({
      refId: fc.constantFrom('A', 'B', 'C', 'D'),
      sourceId: fc.constant(sourceId),
      query: fc.constantFrom(...QUERIES_BY_KIND[SOURCE_KINDS[sourceId]!]),
      params: fc.oneof(fc.constant({}), params),
    })
  );
const timeMs = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer(), fc.double());
const queryBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      queries: fc.uniqueArray(wellFormedQuery, { minLength: 1, maxLength: 3, selector: (q) => q.refId }),
      range: fc.record({ from: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), to: fc.integer({ min: 1_800_000_000_000, max: 1_900_000_000_000 }) }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ queries: fc.array(query, { minLength: 1, maxLength: 4 }), range: fc.record({ from: timeMs, to: timeMs }), maxDataPoints: fc.integer({ min: -5, max: 200_000 }) }, { requiredKeys: ['queries'] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }
);

type FuzzRequest = { method: string; path: string; body?: string; contentType?: string; auth: 'ok' | 'none' | 'wrong' | 'garbage'; public?: boolean };

/** Routes anyone may call (the rest need the key, however their path is spelled). */
const PUBLIC_PATHS = new Set(['/healthz', '/metrics']);

/** The same target, spelled as attackers spell it: each keeps the route a router would match. */
const SPELLINGS: Array<(path: string) => string> = [
  (path) => path,
  // percent-encode one letter of the path (the router decodes it)
  (path) => {
    const [route = '', query] = path.split(/(?=\?)/);
    const i = [...route].findIndex((c, index) => index > 0 && /[a-z]/.test(c));
    const spelled = i < 0 ? route : `${route.slice(0, i)}%${route.charCodeAt(i).toString(16)}${route.slice(i + 1)}`;
    return query === undefined ? spelled : spelled + query;
  },
  (path) => `/x/..${path}`,
  (path) => `/.${path}`,
  (path) => `/${path}`,
  (path) => `http://nodescope.invalid${path}`,
  (path) => path.replace('/api/', '/api//'),
];
// most requests as written (so enough get past validation), one in four respelled
const spelling = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: SPELLINGS.length - 1 }) });

const search = (entries: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(entries)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])
  ).toString();

const request: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: queryBody.map((b) => ({ method: 'POST', path: '/api/query', body: JSON.stringify(b) })) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((b) => ({ method: 'POST', path: '/api/query', body: b })) },
      {
        weight: 3,
        arbitrary: fc
          .record({ name: text, sourceId: text, kind: text, network: text, miner: text, extra: text }, { requiredKeys: [] })
          .map((q) => ({ method: 'GET', path: `/api/variables?${search(q)}` })),
      },
      {
        weight: 3,
        arbitrary: fc
          .record({ sourceId: text, type: fc.oneof(text, fc.constantFrom('blocks', 'reorgs', 'trades', 'miner.status', 'difficulty')), from: timeMs, to: timeMs }, { requiredKeys: [] })
          .map((q) => ({ method: 'GET', path: `/api/annotations?${search(q)}` })),
      },
      {
        weight: 2,
        arbitrary: fc
          .record({ sourceId: text, query: text, params: fc.oneof(text, params.map((p) => JSON.stringify(p))) }, { requiredKeys: [] })
          .map((q) => ({ method: 'GET', path: `/api/stream?${search(q)}` })),
      },
      { weight: 1, arbitrary: fc.constantFrom('/api/health', '/api/sources', '/healthz', '/metrics').map((path) => ({ method: 'GET', path, public: PUBLIC_PATHS.has(path) })) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), fc.oneof(text, fc.webPath()))
          .map(([method, path]): { method: string; path: string; body?: string } => ({
            method,
            path: `/${encodeURIComponent(path)}`,
            ...(method === 'GET' ? {} : { body: '{}' }),
          })),
      }
    ),
    fc.constantFrom<FuzzRequest['auth']>('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'none', 'wrong', 'garbage'),
    fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
    spelling
  )
  .map(([req, auth, contentType, spell]): FuzzRequest => {
    const routed: Omit<FuzzRequest, 'auth'> = req;
    const path = req.path.startsWith('/api/') || PUBLIC_PATHS.has(req.path) ? SPELLINGS[spell]!(req.path) : req.path;
    return { ...routed, path, auth, ...(routed.body !== undefined ? { contentType } : {}) };
  });

let stack: SimulatedStack;
let proxy: Awaited<ReturnType<typeof startServer>>;
let dir: string;
const logs = new LogCapture();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodescope-fuzz-'));
  stack = await startSimulatedStack({ dir, profile: 'test', bitcoinAuth: 'password' });
  const config = parseConfig(
    stringify({ server: { port: 0, apiKey: '${NODESCOPE_API_KEY}', logLevel: 'info', maxQueries: 10 }, sources: stack.sources }),
    'fuzz.yaml',
    { ...stack.env, NODESCOPE_API_KEY: API_KEY }
  );
  proxy = await startServer(config, { port: 0, logDestination: logs });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A 4xx names what is wrong: `{error}`, or per query in `results` for /api/query. */
function explainsItself(body: string): boolean {
  let parsed: { error?: unknown; results?: Record<string, { error?: unknown; status?: number }> };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return false;
  }
  if (typeof parsed.error === 'string') return parsed.error.length >= 5;
  const failed = Object.values(parsed.results ?? {}).filter((r) => (r.status ?? 200) >= 400);
  return failed.length > 0 && failed.every((r) => typeof r.error === 'string' && r.error.length >= 5);
}

/** Sends the request target verbatim; an accepted stream is answered by its status alone. */
function send(req: FuzzRequest): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (req.auth === 'ok') headers.authorization = `Bearer ${API_KEY}`;
  if (req.auth === 'wrong') headers.authorization = 'Bearer not-the-key-not-the-key';
  if (req.auth === 'garbage') headers.authorization = 'Basic \u00ff\u00fe==';
  if (req.contentType) headers['content-type'] = req.contentType;
  // framed as fetch frames it (node:http sends a DELETE body unframed otherwise)
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  const { port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.path, headers }, (res) => {
      if (res.headers['content-type']?.startsWith('text/event-stream')) {
        res.destroy();
        resolve({ status: res.statusCode ?? 0, text: '' });
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    request.on('error', reject);
    request.end(req.body);
  });
}

describe(`fuzzing every route (${RUNS.toLocaleString('en-US')} requests)`, () => {
  it('never answers 5xx, always explains a 4xx, never leaks a secret, and only read-only calls reach upstream', async () => {
    const requests = fc.sample(request, { numRuns: RUNS, seed: SEED });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const secrets = [...stack.secrets, API_KEY];
    let next = 0;
    const worker = async () => {
      while (next < requests.length && failures.length < 5) {
        const index = next++;
        const req = requests[index]!;
        const { status, text: body } = await send(req).catch((error: Error) => ({ status: -1, text: error.message }));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const sent = req.body ?? '';
        const where = `request #${index} (seed ${SEED}) ${req.method} ${req.path.slice(0, 200)} body=${sent.slice(0, 200)}`;
        if (status < 200 || status >= 500) failures.push(`${where}: status ${status}: ${body.slice(0, 300)}`);
        if (status >= 400) {
          if (!explainsItself(body)) failures.push(`${where}: ${status} without a clear error: ${body.slice(0, 300)}`);
        }
        if (req.auth !== 'ok' && !req.public && status !== 401) failures.push(`${where}: ${status} without the key`);
        for (const secret of secrets) if (body.includes(secret)) failures.push(`${where}: answer contains a secret`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures).toEqual([]);
    // the generator reached past validation often enough to mean something
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS / 10);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(RUNS / 20);

    // the proxy still serves
    expect((await send({ method: 'GET', path: '/healthz', auth: 'none' })).status).toBe(200);

    // from the upstreams' side: nothing but allow-listed reads ever arrived
    const bitcoinMethods = new Set(stack.bitcoin.received);
    expect([...bitcoinMethods].filter((m) => !READ_ONLY_METHODS.has(m))).toEqual([]);
    const minerCommands = Object.keys(stack.fleet.commandCounts());
    expect(minerCommands.length).toBeGreaterThan(0);
    expect(minerCommands.filter((c) => !(READ_ONLY_COMMANDS as readonly string[]).includes(c))).toEqual([]);
    const gethAllowed = new Set<string>([...GETH_READ_METHODS, ...GETH_ADMIN_READ_METHODS]);
    expect([...new Set(stack.geth.received)].filter((m) => !gethAllowed.has(m))).toEqual([]);
    const ftPaths = new Set<string>([...Object.values(READ_ENDPOINTS).map((e) => e.path), '/api/v1/token/login', '/api/v1/token/refresh']);
    for (const bot of stack.bots) {
      expect(bot.received.filter((r) => !ftPaths.has(r.path))).toEqual([]);
      expect(bot.received.filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/v1/token/'))).toEqual([]);
    }
    const stacksRpc = new Set<string>(STACKS_RPC_PATHS);
    expect(stack.stacks.received.filter((r) => r.target === 'rpc' && !stacksRpc.has(r.path))).toEqual([]);
    expect(stack.stacks.received.every((r) => r.method === 'GET')).toBe(true);
    const lndAllowed = new Set<string>(Object.values(LND_READ_CALLS).map((c) => `${c.method} ${c.path}`));
    expect(stack.lightning.lnd.received.filter((r) => !lndAllowed.has(r))).toEqual([]);
    const clnAllowed = new Set<string>(CLN_READ_METHODS.map((m) => `POST /v1/${m}`));
    expect(stack.lightning.cln.received.filter((r) => !clnAllowed.has(r))).toEqual([]);
    const beaconAllowed = new Set<string>(BEACON_READ_PATHS.map((p) => `GET ${p}`));
    expect(stack.beacon.received.length).toBeGreaterThan(0);
    expect(stack.beacon.received.filter((r) => !beaconAllowed.has(r))).toEqual([]);

    // and no secret in any log line
    for (const secret of secrets) expect(logs.text).not.toContain(secret);
  }, 300_000);
});
