// Stacks and geth sources through the whole proxy: a YAML config naming both kinds, the real
// registry, the HTTP API over a real port, against the simulators.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { startServer } from '../src/http/server.js';
import { startBitcoinSimulator } from '../src/simulators/bitcoin/index.js';
import { startGethSimulator } from '../src/simulators/geth/index.js';
import { startStacksSimulator } from '../src/simulators/stacks/index.js';
import { LogCapture, tempDir, waitFor } from './helpers.js';

const API_KEY = 'stacks-geth-test-key-0123';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup() {
  const dir = await tempDir('nodescope-stacks-http-');
  closers.push(dir.remove);
  const logFile = join(dir.path, 'node.log');
  await writeFile(logFile, '');
  const stacks = await startStacksSimulator({ logFile });
  closers.push(stacks.close);
  const geth = await startGethSimulator();
  closers.push(geth.close);
  const config = parseConfig(
    `server: { port: 0, apiKey: ${API_KEY} }
sources:
  - { id: stx-1, kind: stacks, rpcUrl: ${stacks.rpcUrl}, metricsUrl: ${stacks.metricsUrl},
      signer: { metricsUrl: ${stacks.signerMetricsUrl} }, logFile: ${logFile}, logs: { pollMs: 50, backfillBytes: 0 } }
  - { id: geth-1, kind: geth, rpcUrl: ${geth.rpcUrl}, metricsUrl: ${geth.metricsUrl} }`,
    'test.yaml',
    {}
  );
  const logs = new LogCapture();
  const proxy = await startServer(config, { port: 0, logDestination: logs });
  closers.push(() => proxy.close());
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${proxy.url}${path}`, { ...init, headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' } });
  const query = async (sourceId: string, q: string, params: Record<string, unknown> = {}) => {
    const res = await call('/api/query', { method: 'POST', body: JSON.stringify({ queries: [{ refId: 'A', sourceId, query: q, params }] }) });
    return { status: res.status, body: (await res.json()) as { results: { A: { frames: Array<{ schema: { name: string; fields: Array<{ name: string }>; meta?: unknown } ; data: { values: unknown[][] } }>; error?: string; status?: number } } } };
  };
  return { stacks, geth, proxy, call, query, logs };
}

describe('stacks and geth through the proxy', () => {
  it('serves every query of both kinds over /api/query', async () => {
    const { query, stacks } = await setup();
    for (const q of ['node.info', 'node.neighbors', 'signer.status']) {
      const { status, body } = await query('stx-1', q);
      expect(status, q).toBe(200);
      expect(body.results.A.error, q).toBeUndefined();
      expect(body.results.A.frames[0]?.schema.name).toBe(q);
    }
    await stacks.appendLog(6);
    const logs = await waitFor(async () => {
      const { body } = await query('stx-1', 'logs', { level: 'warning' });
      return body.results.A.frames[0]?.data.values[0]?.length === 1 ? body : null;
    }, 'the warning line');
    expect(logs!.results.A.frames[0]?.schema.meta).toMatchObject({ type: 'log-lines', preferredVisualisationType: 'logs' });

    for (const q of ['chain.head', 'network.peers', 'txpool.status', 'fees.history', 'sync.status']) {
      const { status, body } = await query('geth-1', q);
      expect(status, q).toBe(200);
      expect(body.results.A.error, q).toBeUndefined();
      expect(body.results.A.frames[0]?.schema.name).toMatch(new RegExp(`^${q.replace('.', '\\.')}`));
    }
  });

  it('bad params are a 4xx result for that query, with a clear message', async () => {
    const { query } = await setup();
    const fees = await query('geth-1', 'fees.history', { blocks: 5_000 });
    expect(fees.body.results.A).toMatchObject({ error: expect.stringMatching(/blocks must be an integer from 1 to 1024/), status: 400 });
    const logs = await query('stx-1', 'logs', { level: 'shouting' });
    expect(logs.body.results.A).toMatchObject({ error: expect.stringMatching(/unknown level "shouting"/), status: 400 });
  });

  it('/metrics carries both kinds with their source labels; /api/health reports them', async () => {
    const { call } = await setup();
    const text = await waitFor(async () => {
      const body = await (await call('/metrics')).text();
      return body.includes('geth_chain_head_block{source="geth-1"}') && body.includes('stacks_signer_nonce{source="stx-1"}') ? body : null;
    }, 'mirrored series on /metrics');
    expect(text).toContain('stacks_node_stacks_tip_height{source="stx-1"} 171000');
    expect(text).toContain('geth_rpc_head_block{source="geth-1"} 21000000');
    expect(text).toContain('stacks_log_lines_total{source="stx-1",service="node",level="info"}');
    const health = (await (await call('/api/health')).json()) as { sources: Array<{ id: string; status: string }> };
    expect(health.sources.map((s) => [s.id, s.status]).sort()).toEqual([
      ['geth-1', 'ok'],
      ['stx-1', 'ok'],
    ]);
  });

  it('streams new log lines over /api/stream (SSE), filtered by params', async () => {
    const { proxy, stacks } = await setup();
    const controller = new AbortController();
    const params = encodeURIComponent(JSON.stringify({ level: 'error' }));
    const res = await fetch(`${proxy.url}/api/stream?sourceId=stx-1&query=logs&params=${params}`, {
      headers: { authorization: `Bearer ${API_KEY}` },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    await stacks.appendLog(6); // one ERRO line among six
    let text = '';
    while (!text.includes('event: frame')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const data = JSON.parse(text.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as { schema: { name: string }; data: { values: unknown[][] } };
    expect(data.schema.name).toBe('logs');
    expect(data.data.values[2]).toEqual(['error']);
  });

  it('answers a log stream with a level it does not know with that reason, not a failed start', async () => {
    const { proxy } = await setup();
    const params = encodeURIComponent(JSON.stringify({ level: 'shouting' }));
    const res = await fetch(`${proxy.url}/api/stream?sourceId=stx-1&query=logs&params=${params}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const text = await res.text();
    expect(text).toContain('event: error');
    expect(text).toMatch(/unknown level \\"shouting\\"/);
  });

  it('measures the burn height lag against a real bitcoin source (bitcoind simulator)', async () => {
    const bitcoin = await startBitcoinSimulator({ network: 'regtest', seed: 11, initialHeight: 870_003, zmqPort: null });
    closers.push(bitcoin.close);
    const stacks = await startStacksSimulator({ burnBlockHeight: 870_000 });
    closers.push(stacks.close);
    const config = parseConfig(
      `server: { port: 0, apiKey: ${API_KEY} }
sources:
  - { id: btc-main, kind: bitcoin, network: regtest, rpc: { url: ${bitcoin.rpcUrl}, cookieFile: ${bitcoin.cookieFile} } }
  - { id: stx-1, kind: stacks, rpcUrl: ${stacks.rpcUrl}, bitcoinSource: btc-main, maxBurnLag: 2 }`,
      'test.yaml',
      {}
    );
    const proxy = await startServer(config, { port: 0, logDestination: new LogCapture() });
    closers.push(() => proxy.close());
    const res = await fetch(`${proxy.url}/api/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ queries: [{ refId: 'A', sourceId: 'stx-1', query: 'node.info' }] }),
    });
    const frame = ((await res.json()) as { results: { A: { frames: Array<{ schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } }> } } }).results.A.frames[0]!;
    const column = (name: string) => frame.data.values[frame.schema.fields.findIndex((f) => f.name === name)]?.[0];
    expect(column('bitcoin_height')).toBe(870_003);
    expect(column('burn_block_lag')).toBe(3);
    const health = (await (await fetch(`${proxy.url}/api/health`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
      sources: Array<{ id: string; status: string; message: string }>;
    };
    expect(health.sources.find((s) => s.id === 'stx-1')).toMatchObject({ status: 'degraded', message: expect.stringMatching(/3 blocks behind bitcoin/) });
  });

  it('a stacks config with a wrong field names it', () => {
    expect(() => parseConfig('sources:\n  - { id: stx-1, kind: stacks, rpcUrl: ftp://x }\n', 'bad.yaml', {})).toThrow(/sources\[0\] \(id stx-1\)\.rpcUrl/);
    expect(() => parseConfig('sources:\n  - { id: g, kind: geth, adminPeers: yes-please }\n', 'bad.yaml', {})).toThrow(/adminPeers/);
  });
});
