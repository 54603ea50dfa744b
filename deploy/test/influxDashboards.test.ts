// The InfluxDB path end to end: a proxy with a simulated bitcoind writes through its Influx
// writer (outputs.influx, v1 API) into Debian's real influxd; then every InfluxQL query of the
// provisioned InfluxDB dashboards (provisioning/dashboards/influxdb/*.json) is run as Grafana
// would run it ($timeFilter, $__interval, the template variable at "All") and must return data.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, hasInfluxd, Influxd } from '../../backend-proxy/test/influxd.js';
import { configSchema } from '../../backend-proxy/src/config/schema.js';
import { startServer } from '../../backend-proxy/src/http/server.js';
import { startBitcoinSimulator, type BitcoinSimulator } from '../../backend-proxy/src/simulators/bitcoin/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dashboardDir = join(root, 'provisioning/dashboards/influxdb');
const dashboards = existsSync(dashboardDir) ? readdirSync(dashboardDir).filter((f) => f.endsWith('.json')) : [];

interface Target {
  query?: string;
  rawQuery?: boolean;
  datasource?: { type?: string };
}

/** Every InfluxQL text in a dashboard: panel targets and query variables. */
function influxQueries(dashboard: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const target = node as Target;
      if (typeof target.query === 'string' && /^\s*(SELECT|SHOW)\b/i.test(target.query)) found.push(target.query);
      Object.values(node).forEach(walk);
    }
  };
  walk(dashboard);
  return [...new Set(found)];
}

/** Grafana's InfluxQL macros and a multi-value variable at "All" (allValue .*). */
const expand = (query: string) =>
  query
    .replace(/\$timeFilter/g, 'time > now() - 10m')
    .replace(/\$__interval/g, '1s')
    .replace(/\/\^\$\{?[a-z_]+\}?\$\//g, '/^.*$/')
    .replace(/\$\{?[a-z_]+\}?/g, '.*');

describe.skipIf(!hasInfluxd || dashboards.length === 0)('InfluxDB dashboards against the Influx writer and a real influxd', () => {
  let dir: string;
  let influxd: Influxd;
  let simulator: BitcoinSimulator;
  let proxy: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nodescope-influx-dash-'));
    influxd = new Influxd(dir, await freePort(), await freePort());
    await influxd.start();
    await influxd.query('CREATE DATABASE nodescope');
    simulator = await startBitcoinSimulator({ network: 'regtest', auth: { user: 'nodescope', password: 'influx-dash-rpc-pass' }, txPerSecond: 20 });
    const config = configSchema.parse({
      server: { port: 0, logLevel: 'silent', site: 'lab' },
      sources: [
        {
          id: 'btc-main',
          kind: 'bitcoin',
          network: 'regtest',
          rpc: { url: simulator.rpcUrl, user: 'nodescope', password: 'influx-dash-rpc-pass' },
          pollSeconds: 0.5,
          slowPollSeconds: 0.5,
        },
      ],
      outputs: { influx: { url: influxd.url, db: 'nodescope', intervalSeconds: 1 } },
    });
    proxy = await startServer(config);
  });

  afterAll(async () => {
    await proxy?.close();
    await simulator?.close();
    await influxd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every panel and variable query returns data', async () => {
    // a few snapshots a second apart: enough for derivatives over 1 s intervals
    const deadline = Date.now() + 30_000;
    for (;;) {
      const result = await influxd.query('SELECT count("value") FROM "bitcoin_blocks"');
      const count = Number(result.results[0]?.series?.[0]?.values[0]?.[1] ?? 0);
      if (count >= 4) break;
      if (Date.now() > deadline) throw new Error(`the writer delivered ${count} bitcoin_blocks points in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const empty: string[] = [];
    let checked = 0;
    for (const file of dashboards) {
      const queries = influxQueries(JSON.parse(readFileSync(join(dashboardDir, file), 'utf8')));
      expect(queries.length, file).toBeGreaterThan(0);
      for (const query of queries) {
        const result = await influxd.query(expand(query));
        const statement = result.results[0]!;
        expect(statement.error, `${file}: ${query}`).toBeUndefined();
        const values = (statement.series ?? []).flatMap((series) => series.values).filter((row) => row.slice(1).some((v) => v !== null));
        if (values.length === 0) empty.push(`${file}: ${query}`);
        checked++;
      }
    }
    expect(empty, 'queries without data').toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
