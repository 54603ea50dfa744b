// Secrets never leave the proxy: with every source configured with known credentials (RPC
// password or cookie, Freqtrade password and the JWTs it is issued, the Influx token, the API
// key), every route is driven — every query of every kind, every variable, annotation type and
// stream, /metrics — in health and under faults that make upstreams fail and errors flow, and
// everything the proxy emits (bodies, frames, SSE events, log lines) is scanned.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { QUERIES_BY_KIND, querySpec, type SourceKind } from '@nodescope/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { startServer } from '../src/http/server.js';
import { startSimulatedStack, type SimulatedStack } from '../src/simulators/stack.js';
import { LogCapture, tempDir, waitFor } from './helpers.js';

const API_KEY = 'secrets-api-key-5d1e9a0b';
const INFLUX_TOKEN = 'influx-token-8c7b6a5f4e';

/** A loopback port with nothing listening: the Influx writer fails and logs, token in hand. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(['password', 'cookie'] as const)('no secret leaves the proxy (bitcoind auth: %s)', (bitcoinAuth) => {
  let stack: SimulatedStack;
  let proxy: Awaited<ReturnType<typeof startServer>>;
  let remove: () => Promise<void>;
  const logs = new LogCapture();
  const emitted: string[] = [];

  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${proxy.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${API_KEY}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
    const text = await res.text();
    emitted.push(text);
    return { status: res.status, text };
  };

  const sources = () => (stack.sources as Array<{ id: string; kind: SourceKind }>).map((s) => ({ id: s.id, kind: s.kind }));

  /** Every query of every source, with a miner/bot picked from the variables where one is needed. */
  async function driveEverything(): Promise<void> {
    const declared = JSON.parse((await call('/api/sources')).text) as {
      sources: Array<{ id: string; variables: string[]; annotations: string[]; streams: string[] }>;
    };
    await call('/api/health');
    await call('/metrics');
    const params: Record<string, string> = {};
    for (const source of declared.sources) {
      for (const name of source.variables) {
        const { text } = await call(`/api/variables?name=${encodeURIComponent(name)}&sourceId=${source.id}`);
        const first = (JSON.parse(text) as { values?: Array<{ value: string }> }).values?.[0]?.value;
        if (first && name === 'miners') params.miner = first;
        if (first && name === 'pairs') params.pair = first;
      }
      for (const type of source.annotations) {
        await call(`/api/annotations?sourceId=${source.id}&type=${encodeURIComponent(type)}&from=0&to=${Date.now() + 60_000}`);
      }
      for (const query of source.streams) {
        const controller = new AbortController();
        const res = await fetch(`${proxy.url}/api/stream?sourceId=${source.id}&query=${encodeURIComponent(query)}`, {
          headers: { authorization: `Bearer ${API_KEY}` },
          signal: controller.signal,
        });
        const reader = res.body!.getReader();
        const stop = setTimeout(() => controller.abort(), 300);
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            emitted.push(new TextDecoder().decode(value));
          }
        } catch {
          // aborted: the stream was read for 300 ms
        } finally {
          clearTimeout(stop);
        }
      }
    }
    for (const { id, kind } of sources()) {
      // each query gets the params it takes (the catalog refuses others), so every one reaches its upstream
      const queries = QUERIES_BY_KIND[kind].map((query, index) => ({
        refId: `Q${index}`,
        sourceId: id,
        query,
        params: Object.fromEntries(Object.entries(params).filter(([name]) => Object.hasOwn(querySpec(kind, query)?.params ?? {}, name))),
      }));
      await call('/api/query', { method: 'POST', body: JSON.stringify({ queries }) });
    }
    await call('/metrics');
  }

  beforeAll(async () => {
    const dir = await tempDir();
    remove = dir.remove;
    stack = await startSimulatedStack({ dir: dir.path, profile: 'test', bitcoinAuth });
    const config = parseConfig(
      stringify({
        server: { port: 0, apiKey: '${NODESCOPE_API_KEY}', logLevel: 'debug', historyFile: join(dir.path, 'history.json') },
        sources: stack.sources,
        outputs: {
          influx: {
            url: `http://127.0.0.1:${await closedPort()}`,
            bucket: 'nodescope',
            org: 'nodescope',
            token: '${INFLUX_TOKEN}',
            intervalSeconds: 1,
          },
        },
      }),
      'secrets.yaml',
      { ...stack.env, NODESCOPE_API_KEY: API_KEY, INFLUX_TOKEN }
    );
    proxy = await startServer(config, { port: 0, logDestination: logs });
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await stack?.close();
    await remove?.();
  });

  it('in health, under faults, and after a credential rotation', async () => {
    // healthy: sources answer, JWTs are issued, the cookie is read
    await waitFor(async () => JSON.parse((await call('/api/health')).text).sources.some((s: { status: string }) => s.status === 'ok'), 'a healthy source');
    await driveEverything();

    // failing: errors carry upstream messages and addresses
    stack.bitcoin.setFault({ kind: 'warmup' });
    for (const bot of stack.bots) bot.setFault('reject-tokens');
    await stack.fleet.setFault(0, 'brokenJson');
    await driveEverything();
    stack.bitcoin.setFault({ kind: 'down' });
    for (const bot of stack.bots) bot.setFault('down');
    await driveEverything();

    // recovered, after bitcoind restarted with a new cookie
    stack.bitcoin.setFault(null);
    for (const bot of stack.bots) {
      bot.setFault('down', false);
      bot.setFault('reject-tokens', false);
    }
    await stack.fleet.clearFaults();
    await stack.bitcoin.restart().catch((error: Error) => {
      throw new Error(`bitcoind simulator restart failed: ${error.message}`);
    });
    await waitFor(
      async () => JSON.parse((await call('/api/health')).text).sources.find((s: { id: string }) => s.id === 'btc-main')?.status === 'ok',
      'bitcoind to be back',
      20_000
    );
    await driveEverything();
    // let the Influx writer fail a few times with its token
    await waitFor(() => logs.text.toLowerCase().includes('influx'), 'the influx writer to log its failure');

    const secrets = [...stack.secrets, API_KEY, INFLUX_TOKEN];
    if (stack.bitcoin.cookieFile) secrets.push((await readFile(stack.bitcoin.cookieFile, 'utf8')).split(':')[1]!.trim());
    // the JWTs the bots issued during the run
    for (const bot of stack.bots) secrets.push(...bot.issuedTokens);
    expect(secrets.length).toBeGreaterThan(5);

    const everything = emitted.join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    expect(logs.lines.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(8);
      expect(everything.includes(secret), `a response contains ${secret.slice(0, 4)}…`).toBe(false);
      expect(logs.text.includes(secret), `a log line contains ${secret.slice(0, 4)}…`).toBe(false);
    }
    // each line names its source once (a source must not bind again what the app bound)
    const repeated = logs.lines.filter((line) => (line.match(/"source":/g) ?? []).length > 1 || (line.match(/"kind":/g) ?? []).length > 1);
    expect(repeated, 'log lines with "source" or "kind" twice').toEqual([]);
  }, 120_000);
});
