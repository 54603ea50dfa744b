// The compose `demo` profile without Docker: the simulators launcher (deploy/compose/simulators.mjs)
// started on ephemeral ports, the demo proxy config (deploy/compose/proxy.demo.yaml) with its fixed
// ports swapped for those, and a proxy built from it: every configured source must reach its
// simulator (credentials, ports and protocols agree) and report itself up in /api/health.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../backend-proxy/src/config/load.js';
import { startServer } from '../../backend-proxy/src/http/server.js';
import { DEMO_PORTS, MINER_BASE_PORT, startDemoSimulators } from '../compose/simulators.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const API_KEY = 'demo-test-api-key-51c0';

interface Published {
  fixed: number;
  port: number;
}
interface Health {
  status: string;
  sources: Array<{ id: string; kind: string; status: string; message?: string }>;
}

describe('compose demo profile: simulators launcher + proxy.demo.yaml', () => {
  let demo: { published: Record<string, Published>; close: () => Promise<void> };
  let proxy: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    demo = (await startDemoSimulators({
      load: (path: string) => import(/* @vite-ignore */ `${root}backend-proxy/src/simulators/${path.replace(/\.js$/, '.ts')}`),
      bind: '127.0.0.1',
      fixedPorts: false,
      btcPassword: 'demo-bitcoin-rpc-pass',
      ftPassword: 'demo-freqtrade-pass',
      miners: 4,
    })) as typeof demo;
    let text = readFileSync(`${root}deploy/compose/proxy.demo.yaml`, 'utf8');
    for (const { fixed, port } of Object.values(demo.published)) {
      text = text.replace(new RegExp(`(?<=[:\\s])${fixed}\\b`, 'g'), String(port));
    }
    const config = parseConfig(text, 'proxy.demo.yaml', {
      NODESCOPE_API_KEY: API_KEY,
      BTC_SIM_PASSWORD: 'demo-bitcoin-rpc-pass',
      FT_SIM_PASSWORD: 'demo-freqtrade-pass',
      SIMULATORS_HOST: '127.0.0.1',
      NODESCOPE_LOG_LEVEL: 'silent',
    });
    // no files under /var/lib and no InfluxDB here: the writer has its own tests
    const { historyFile: _history, ...server } = config.server;
    proxy = await startServer({ ...config, server: { ...server, host: '127.0.0.1', port: 0 }, outputs: {} });
  });

  afterAll(async () => {
    await proxy?.close();
    await demo?.close();
  });

  it('publishes every port the demo config uses', () => {
    const fixed = Object.values(demo.published).map((p) => p.fixed);
    for (const port of Object.values(DEMO_PORTS as Record<string, number>)) expect(fixed).toContain(port);
    for (let i = 0; i < 4; i++) expect(fixed).toContain(MINER_BASE_PORT + i);
    const text = readFileSync(`${root}deploy/compose/proxy.demo.yaml`, 'utf8');
    for (const match of text.matchAll(/:(\d{4,5})\b|port: (\d{4,5})\b/g)) {
      const port = Number(match[1] ?? match[2]);
      if (port !== 8787 && port !== 8086) expect(fixed, `port ${port} in proxy.demo.yaml`).toContain(port);
    }
  });

  it('every demo source reaches its simulator and reports ok', async () => {
    const deadline = Date.now() + 30_000;
    let health: Health | null = null;
    while (Date.now() < deadline) {
      const response = await fetch(`${proxy.url}/api/health`, { headers: { authorization: `Bearer ${API_KEY}` } });
      health = (await response.json()) as Health;
      if (health.sources.length > 0 && health.sources.every((s) => s.status === 'ok')) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(health!.sources.map((s) => s.kind).sort()).toEqual(['bitcoin', 'cgminer', 'freqtrade', 'stacks']);
    for (const source of health!.sources) expect(source.status, `${source.id}: ${source.message ?? ''}`).toBe('ok');
  });
});
