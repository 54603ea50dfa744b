// Logs an operator can live with: a node that is down is one warning with its cause,
// not a line per retry, and a query that meets it is one line without a stack trace; the
// proxy's "listening" line appears once. Through the real app with its real logger.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { buildApp, type ProxyApp } from '../src/http/app.js';
import { startServer } from '../src/http/server.js';
import { LogCapture, waitFor } from './helpers.js';

let proxy: ProxyApp | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** A loopback port nothing listens on: connections are refused, as with a stopped bitcoind. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const parse = (logs: LogCapture) => logs.lines.map((line) => JSON.parse(line) as Record<string, unknown> & { level: number; msg: string });

describe('logs', () => {
  it('a down node: one warning per loop with the cause, queries one line each without a stack', async () => {
    const port = await closedPort();
    const logs = new LogCapture();
    const config = configSchema.parse({
      server: { host: '127.0.0.1', port: 0 },
      sources: [{ id: 'btc', kind: 'bitcoin', network: 'regtest', rpc: { url: `http://127.0.0.1:${port}`, user: 'u', password: 'password-1', retries: 0, circuitOpenMs: 100 }, pollSeconds: 0.1, slowPollSeconds: 0.2, geoip: false }],
    });
    proxy = await buildApp(config, { logDestination: logs });
    await proxy.start();
    // many polls and mempool retries go by
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (let i = 0; i < 3; i++) {
      const reply = await proxy.app.inject({ method: 'POST', url: '/api/query', payload: { queries: [{ refId: 'A', sourceId: 'btc', query: 'blocks.recent', params: { count: 3 + i } }] } });
      expect(reply.json().results.A.status).toBe(502);
    }
    const lines = parse(logs).filter((line) => line.level >= 40);
    const about = (msg: string) => lines.filter((line) => line.msg === msg);
    expect(about('bitcoind poll failed')).toHaveLength(1);
    expect(about('mempool sync failed; will retry')).toHaveLength(1);
    expect(String(about('bitcoind poll failed')[0]!.error)).toMatch(/ECONNREFUSED/);
    expect(logs.text).not.toMatch(/"stack"/);
    expect(lines.length).toBeLessThanOrEqual(2 + 3);
  });

  it('says "listening" once', async () => {
    const logs = new LogCapture();
    const started = await startServer(configSchema.parse({ server: { host: '127.0.0.1', port: 0 } }), { logDestination: logs });
    proxy = started;
    await waitFor(() => logs.text.includes('listening on'), 'listening line');
    expect(logs.text.match(/listening/gi)).toHaveLength(1);
  });
});
