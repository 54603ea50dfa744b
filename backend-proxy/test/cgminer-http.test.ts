// The whole path for a mining site: YAML config (as the README shows it) -> buildApp ->
// cgminer + profitability sources -> fleet and market simulators, through /api/query,
// /api/variables, /api/health and /metrics.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { frameColumn, type DataFrameJSON } from '@nodescope/shared';
import { parseConfig } from '../src/config/load.js';
import { buildApp, type ProxyApp } from '../src/http/app.js';
import { startCgminerFleet, type CgminerFleet } from '../src/simulators/cgminer/fleet.js';
import { startMarketSimulator, type MarketSimulator } from '../src/simulators/market/index.js';
import { LogCapture, waitFor } from './helpers.js';

let fleet: CgminerFleet;
let market: MarketSimulator;
let proxy: ProxyApp;

beforeAll(async () => {
  fleet = await startCgminerFleet({ count: 4 });
  market = await startMarketSimulator({ state: { priceUsd: 100_000, difficulty: 1e14, height: 870_000, feesPerBlockSats: 12_500_000 } });
  const miners = fleet.miners.map((m) => `{ host: ${m.host}, port: ${m.port}, name: ${m.name}${m.flavour === 'cgminer' ? ', powerWatts: 1200' : ''} }`).join(', ');
  const yaml = `
server: { host: 127.0.0.1, port: 0, logLevel: warn }
sources:
  - { id: farm-a, kind: cgminer, miners: [${miners}], pollSeconds: 30, concurrency: 8, timeoutMs: 2000, jitter: 0 }
  - { id: profit, kind: profitability, fleets: [farm-a], electricityPerKwh: 0.08, currency: usd, poolFeePercent: 2,
      priceApis: { coingecko: ${market.url}, coincap: ${market.url} },
      difficultyApis: { mempool: ${market.url}, blockchainInfo: ${market.url} } }
`;
  proxy = await buildApp(parseConfig(yaml, 'mining.yaml'), { logDestination: new LogCapture() });
  await proxy.start();
});

afterAll(async () => {
  await proxy?.close();
  await fleet?.close();
  await market?.close();
});

async function query(sourceId: string, name: string, params: Record<string, unknown> = {}): Promise<{ frames: DataFrameJSON[]; error?: string }> {
  const response = await proxy.app.inject({
    method: 'POST',
    url: '/api/query',
    payload: { queries: [{ refId: 'A', sourceId, query: name, params }], range: { from: 0, to: Date.now() + 60_000 }, intervalMs: 1000, maxDataPoints: 100 },
  });
  // a request whose every query is rejected for its params is a 400 as a whole
  expect(response.statusCode).toBe(params.miner === undefined && name.startsWith('miner.') ? 400 : 200);
  return (response.json() as { results: { A: { frames: DataFrameJSON[]; error?: string } } }).results.A;
}

it('serves the fleet, per-miner profit and metrics over HTTP', async () => {
  await waitFor(async () => frameColumn((await query('farm-a', 'fleet.summary')).frames[0]!, 'online')?.[0] === 4, 'first poll of 4 miners');

  const miners = await query('farm-a', 'miners');
  expect(frameColumn(miners.frames[0]!, 'flavour')).toEqual(['cgminer', 'bmminer', 'braiins', 'whatsminer']);

  const profit = await query('profit', 'miners');
  expect(profit.error).toBeUndefined();
  expect(frameColumn(profit.frames[0]!, 'powerWatts')).toEqual([1200, 3250, 2950, 3400]);
  expect(frameColumn<number>(profit.frames[1]!, 'costPerDay')![0]).toBeCloseTo(((1200 + 3250 + 2950 + 3400) * 24 * 0.08) / 1000, 9);

  const market = await query('profit', 'market');
  expect(frameColumn<number>(market.frames[0]!, 'hashprice')![0]).toBeCloseTo(0.0653788447, 9);

  const bad = await query('farm-a', 'miner.devices', {});
  expect(bad.error).toMatch(/parameter "miner" is required/);

  const vars = await proxy.app.inject({ method: 'GET', url: '/api/variables?sourceId=farm-a&name=miners' });
  expect(vars.statusCode).toBe(200);
  expect(JSON.stringify(vars.json())).toContain('bmminer-0002');

  const metrics = (await proxy.app.inject({ method: 'GET', url: '/metrics' })).body;
  expect(metrics).toMatch(/^mining_up\{source="farm-a",miner="whatsminer-0004"\} 1$/m);
  expect(metrics).toMatch(/^mining_fleet_miners\{source="farm-a",status="online"\} 4$/m);
  expect(metrics).toMatch(/^profitability_fleet_cost_per_day\{source="profit",fleet="farm-a",currency="usd"\} 20\.736$/m); // 10,800 W · 24 h · 0.08 USD/kWh

  const health = (await proxy.app.inject({ method: 'GET', url: '/api/health' })).json() as { sources: Array<{ id: string; status: string }> };
  expect(health.sources.find((s) => s.id === 'farm-a')?.status).toBe('ok');

  // nothing outside the read-only list reached any miner through the whole HTTP path
  expect(Object.keys(fleet.commandCounts()).sort()).toEqual(['devdetails', 'devs', 'estats', 'fans', 'get_version', 'pools', 'stats', 'status', 'summary', 'temps', 'tunerstatus', 'version']);
});
