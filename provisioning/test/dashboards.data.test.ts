// Every panel query of every provisioned dashboard returns data against the demo stack: one
// proxy (startServer) over the simulators of every upstream kind; the datasource dashboards'
// targets go through POST /api/query as the datasource sends them, the Prometheus dashboards'
// expressions through Debian's real Prometheus scraping that proxy.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../backend-proxy/src/config/schema.ts';
import { startServer } from '../../backend-proxy/src/http/server.ts';
import { startBitcoinSimulator, type BitcoinSimulator } from '../../backend-proxy/src/simulators/bitcoin/index.ts';
import { startCgminerFleet, type CgminerFleet } from '../../backend-proxy/src/simulators/cgminer/fleet.ts';
import { startFreqtradeSimulator } from '../../backend-proxy/src/simulators/freqtrade/index.ts';
import { startGethSimulator } from '../../backend-proxy/src/simulators/geth/index.ts';
import { startLightningSimulator } from '../../backend-proxy/src/simulators/lightning/index.ts';
import { startBeaconSimulator } from '../../backend-proxy/src/simulators/beacon/index.ts';
import { startMarketSimulator } from '../../backend-proxy/src/simulators/market/index.ts';
import { startStacksSimulator } from '../../backend-proxy/src/simulators/stacks/index.ts';
import { DASHBOARDS } from '../build/dashboards.ts';
import { dashboard, type Json } from '../build/grafana.ts';
import { REPO } from './paths.ts';
import { startNodeExporter } from './nodeExporterServer.ts';
import { startPrometheus, type PrometheusServer } from './prometheusServer.ts';
import { freePort, hasInfluxd, Influxd } from '../../backend-proxy/test/influxd.ts';

type Closer = { close(): Promise<void> };
type Obj = Record<string, unknown>;

/** Source ids of the demo config, by the dashboards' source variables. */
const SOURCE_VARS: Record<string, string> = { chain: 'chain', node: 'btc', farm: 'farm', profit: 'profit', bot: 'bot', stacks: 'stx', geth: 'geth', lightning: 'ln', beacon: 'cl' };
// electrum.stats needs the bitcoin source's Electrs/Fulcrum reader and the electrum simulator
const ELECTRUM_READY =
  existsSync(join(REPO, 'backend-proxy/src/simulators/electrum/index.ts')) &&
  readFileSync(join(REPO, 'backend-proxy/src/sources/bitcoin/index.ts'), 'utf8').includes("'electrum.stats'");

interface Frame {
  schema: { fields: Array<{ name: string; type?: string }> };
  data: { values: unknown[][] };
}

function panels(json: Json): Obj[] {
  return ((json.panels as Obj[]) ?? []).flatMap((p) => [p, ...((p.panels as Obj[] | undefined) ?? [])]).filter((p) => p.type !== 'row');
}

describe('every dashboard query returns data against the demo stack', () => {
  const closers: Closer[] = [];
  let proxyUrl = '';
  let prometheus: PrometheusServer;
  let vars: Record<string, string | string[]> = {};
  let electrumConfig: Obj = {};
  let influxd: Influxd | undefined;
  const work = mkdtempSync(join(tmpdir(), 'nodescope-dashdata-'));

  beforeAll(async () => {
    // two nodes of one chain (same seed and history anchor) for the chain view
    const historyStart = Math.floor(Date.now() / 1000);
    const bitcoin: BitcoinSimulator = await startBitcoinSimulator({ network: 'regtest', seed: 5, peers: 10, initialMempool: 400, feeEstimates: 'always', zmqPort: 0, historyStart });
    const bitcoin2 = await startBitcoinSimulator({ network: 'regtest', seed: 5, peers: 3, zmqPort: null, historyStart, minerSalt: 2 });
    closers.push(bitcoin2);
    closers.push(bitcoin);
    // a few blocks for blocks.recent, then a fresh mempool for the projected blocks
    bitcoin.mineBlock();
    bitcoin.mineBlock();
    bitcoin2.syncFrom(bitcoin);
    bitcoin.mineBlock(); // the second node one block behind
    bitcoin.addTransactions(300);
    if (ELECTRUM_READY) {
      const { startElectrsSimulator } = await import('../../backend-proxy/src/simulators/electrum/index.ts');
      const electrs = await startElectrsSimulator({ bitcoin });
      closers.push(electrs);
      electrumConfig = { electrum: { kind: 'electrs', metricsUrl: electrs.metricsUrl } };
    }
    const fleet: CgminerFleet = await startCgminerFleet({ count: 3 });
    closers.push(fleet);
    const logFile = join(work, 'stacks.log');
    const signerLogFile = join(work, 'stacks-signer.log');
    const stacks = await startStacksSimulator({ logFile, signerLogFile });
    closers.push(stacks);
    await stacks.appendLog(40);
    stacks.advance({ stacks: 5, burn: 1 });
    await stacks.appendSignerLog(20);
    const bot = await startFreqtradeSimulator({ password: 'demo-password-123', botName: 'demo', seed: 3 });
    closers.push(bot);
    // txpool enabled (--http.api eth,net,web3,txpool): the dashboards' txpool panels read txpool_status
    const geth = await startGethSimulator({ peers: 25, namespaces: ['eth', 'net', 'web3', 'txpool'] });
    closers.push(geth);
    // a consensus client following the wall clock, paired with geth
    const beacon = await startBeaconSimulator();
    closers.push(beacon);
    const market = await startMarketSimulator();
    closers.push(market);
    // an lnd at bitcoind's height, so lightning_blocks_behind has a value
    const lnd = await startLightningSimulator({ implementation: 'lnd', macaroonHex: '0201036c6e640258030a10', blockHeight: bitcoin.tipHeight() });
    closers.push(lnd);

    // the proxy's InfluxDB writer into Debian's influxd 1.x, for the InfluxDB dashboard
    if (hasInfluxd) {
      influxd = new Influxd(work, await freePort(), await freePort());
      await influxd.start();
      await influxd.query('CREATE DATABASE nodescope');
    }

    const config = configSchema.parse({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      ...(influxd ? { outputs: { influx: { url: influxd.url, db: 'nodescope', intervalSeconds: 1 } } } : {}),
      sources: [
        {
          id: 'btc',
          kind: 'bitcoin',
          network: 'regtest',
          rpc: { url: bitcoin.rpcUrl, cookieFile: bitcoin.cookieFile, timeoutMs: 2_000 },
          zmq: { sequence: bitcoin.zmqSequenceEndpoint },
          pollSeconds: 0.5,
          slowPollSeconds: 1,
          // the Host dashboard's datadir panels: statfs of this test's work folder
          host: { datadir: work, sampleSeconds: 1 },
          ...electrumConfig,
        },
        { id: 'farm', kind: 'cgminer', miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.name, powerWatts: 3000 })), pollSeconds: 1, jitter: 0 },
        {
          id: 'stx',
          kind: 'stacks',
          rpcUrl: stacks.rpcUrl,
          metricsUrl: stacks.metricsUrl,
          signer: { metricsUrl: stacks.signerMetricsUrl, logFile: signerLogFile },
          logFile,
          bitcoinSource: 'btc',
          pollSeconds: 1,
        },
        { id: 'btc2', kind: 'bitcoin', network: 'regtest', rpc: { url: bitcoin2.rpcUrl, cookieFile: bitcoin2.cookieFile, timeoutMs: 2_000 }, pollSeconds: 1 },
        { id: 'chain', kind: 'chain', sources: ['btc', 'btc2'], pollSeconds: 1 },
        { id: 'geth', kind: 'geth', rpcUrl: geth.rpcUrl, metricsUrl: geth.metricsUrl, pollSeconds: 1 },
        { id: 'cl', kind: 'beacon', url: beacon.url, executionSource: 'geth', pollSeconds: 1 },
        {
          id: 'profit',
          kind: 'profitability',
          fleets: ['farm'],
          bitcoinSource: 'btc',
          electricityPerKwh: 0.08,
          priceApis: { coingecko: market.url, coincap: market.url },
          difficultyApis: { mempool: market.url, blockchainInfo: market.url },
          sampleSeconds: 1,
        },
        { id: 'bot', kind: 'freqtrade', url: bot.url, username: bot.username, password: bot.password },
        { id: 'ln', kind: 'lightning', implementation: 'lnd', url: lnd.url, macaroonHex: '0201036c6e640258030a10', bitcoinSource: 'btc', pollSeconds: 1 },
      ],
    });
    const proxy = await startServer(config, { port: 0 });
    closers.unshift({ close: () => proxy.close() });
    proxyUrl = proxy.url;

    // wait until every source has answered once
    const deadline = Date.now() + 20_000;
    for (;;) {
      const health = (await (await fetch(`${proxyUrl}/api/health`)).json()) as { sources: Array<{ id: string; status: string }> };
      if (health.sources.every((s) => s.status === 'ok' || s.status === 'degraded')) break;
      if (Date.now() > deadline) throw new Error(`sources not up: ${JSON.stringify(health)}`);
      await sleep(250);
    }
    const miners = (await (await fetch(`${proxyUrl}/api/variables?sourceId=farm&name=miners`)).json()) as Array<{ value: string }> | { values: Array<{ value: string }> };
    const minerList = Array.isArray(miners) ? miners : miners.values;
    vars = { ...SOURCE_VARS, network: '', miner: minerList[0]!.value, level: ['error', 'warn', 'info'], kwh: '0.08', jth: '21.5', minerModel: 'Antminer S21', minerPrice: '3500' };

    // Prometheus scraping the same proxy, and Debian's real node-exporter for the Host dashboard
    const nodeExporter = await startNodeExporter();
    closers.push({ close: async () => nodeExporter.stop() });
    prometheus = await startPrometheus(work, {
      global: { scrape_interval: '1s', scrape_timeout: '900ms' },
      scrape_configs: [
        { job_name: 'nodescope', static_configs: [{ targets: [new URL(proxyUrl).host] }] },
        { job_name: 'node', static_configs: [{ targets: [nodeExporter.target] }] },
      ],
    });
  });

  afterAll(async () => {
    prometheus?.stop();
    for (const c of closers) await c.close().catch(() => undefined);
    await influxd?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const interpolate = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/\$(\w+)/g, (whole, name: string) => (typeof vars[name] === 'string' ? (vars[name] as string) : whole));
    if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' && /^\$\w+$/.test(v) && Array.isArray(vars[v.slice(1)]) ? (vars[v.slice(1)] as string[]) : [interpolate(v)]));
    return value;
  };

  const nodescopeDashboards = DASHBOARDS.nodescope.map((spec) => dashboard(spec)).filter((d) => panels(d).some((p) => ((p.targets as Obj[]) ?? []).some((t) => (t.datasource as Obj).uid === 'nodescope')));

  it.each(nodescopeDashboards.map((d) => [d.uid as string, d] as const))('%s: every nodescope target answers with rows', async (uid, json) => {
    if (uid === 'nodescope-electrum' && !ELECTRUM_READY) {
      // the bitcoin source has no electrum.stats handler yet: the query must at least fail cleanly (4xx, no crash)
      const res = await fetch(`${proxyUrl}/api/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ queries: [{ refId: 'A', sourceId: 'btc', query: 'electrum.stats' }], range: { from: Date.now() - 3_600_000, to: Date.now() } }),
      });
      expect(res.status).toBeLessThan(500);
      return;
    }
    const problems: string[] = [];
    for (const panel of panels(json)) {
      const targets = ((panel.targets as Obj[]) ?? []).filter((t) => (t.datasource as Obj).uid === 'nodescope');
      if (targets.length === 0) continue;
      const queries = targets.map((t) => ({
        refId: t.refId,
        sourceId: interpolate(t.sourceId),
        query: t.query,
        ...(t.params ? { params: Object.fromEntries(Object.entries(t.params as Obj).map(([k, v]) => [k, interpolate(v)])) } : {}),
      }));
      const now = Date.now();
      const res = await fetch(`${proxyUrl}/api/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ queries, range: { from: now - 6 * 3_600_000, to: now + 60_000 }, intervalMs: 15_000, maxDataPoints: 1_000 }),
      });
      const body = (await res.json()) as { results: Record<string, { frames?: Frame[]; error?: string }> };
      const fieldNames = new Set<string>();
      let timeField = false;
      for (const q of queries) {
        const result = body.results?.[String(q.refId)];
        const where = `"${String(panel.title)}" ${String(q.query)}`;
        if (!result) problems.push(`${where}: no result (HTTP ${res.status})`);
        else if (result.error) problems.push(`${where}: ${result.error}`);
        else if (!result.frames?.some((f) => f.schema.fields.length > 0 && (f.data.values[0]?.length ?? 0) > 0)) problems.push(`${where}: no rows`);
        for (const f of result?.frames ?? [])
          for (const field of f.schema.fields) {
            fieldNames.add(field.name);
            if (field.type === 'time' && (f.data.values[0]?.length ?? 0) > 0) timeField = true;
          }
      }
      // a time series panel needs a time field, or Grafana shows "Data does not have a time field"
      if ((panel.type === 'timeseries' || panel.type === 'state-timeline') && !timeField) problems.push(`"${String(panel.title)}": ${String(panel.type)} panel but no time field in the frames`);
      // the field names the panel's options pick must be in the frames (catches renamed fields)
      const names = [...fieldNames];
      const where = `"${String(panel.title)}"`;
      const regex = (text: string) => new RegExp(/^\/(.*)\/$/.exec(text)?.[1] ?? `^${text}$`);
      const picked = ((panel.options as Obj | undefined)?.reduceOptions as Obj | undefined)?.fields;
      if (typeof picked === 'string' && picked !== '' && !names.some((n) => regex(picked).test(n))) problems.push(`${where}: stat fields ${picked} match none of ${names.join(',')}`);
      for (const t of (panel.transformations as Obj[] | undefined) ?? []) {
        const options = t.options as Obj;
        const include = options.include as { names?: string[]; pattern?: string } | undefined;
        for (const n of include?.names ?? []) if (!fieldNames.has(n)) problems.push(`${where}: ${String(t.id)} names missing field ${n}`);
        if (include?.pattern && !names.some((n) => new RegExp(include.pattern!).test(n))) problems.push(`${where}: ${String(t.id)} pattern ${include.pattern} matches nothing`);
        if (t.id === 'groupBy') for (const n of Object.keys(options.fields as Obj)) if (!fieldNames.has(n)) problems.push(`${where}: groupBy field ${n} missing`);
      }
      for (const o of ((panel.fieldConfig as Obj).overrides as Array<{ matcher: { id: string; options: string } }>) ?? [])
        if (o.matcher.id === 'byName' && !fieldNames.has(o.matcher.options)) problems.push(`${where}: override for missing field ${o.matcher.options}`);
    }
    expect(problems).toEqual([]);
  });

  // expressions whose series only exist after something went wrong: they must evaluate, may be empty
  const MAY_BE_EMPTY = [
    /nodescope_upstream_errors_total/,
    /nodescope_query_errors_total/,
    /nodescope_coalesced_requests_total/,
    // growth needs 10 minutes of samples; days until full, a disk that fills
    /nodescope_datadir_days_until_full/,
    /nodescope_datadir_growth_bytes_per_second/,
    /bitcoin_size_on_disk_growth_bytes_per_second/,
    /-deriv\(node_filesystem_avail_bytes/,
  ];

  it('every Prometheus dashboard expression evaluates to data', async () => {
    // three scrapes at least, so rate() windows have two samples
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('count_over_time(up{job="nodescope"}[1m]) >= 4')}`).then(
        async (r) => ((await r.json()) as { data: { result: unknown[] } }).data.result.length > 0,
        () => false
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`prometheus never scraped the proxy: ${prometheus.log()}`);
      await sleep(500);
    }
    const problems: string[] = [];
    const exprVars: Record<string, string> = { source: '.*', beacon: '.*', instance: '.*', miner: '.*', node: SOURCE_VARS.node!, chain: SOURCE_VARS.chain!, __rate_interval: '10s', __interval: '1s', __range: '1m' };
    const specs = [...DASHBOARDS.prometheus, ...DASHBOARDS.nodescope].map((s) => dashboard(s));
    for (const json of specs) {
      for (const panel of panels(json)) {
        for (const t of (panel.targets as Obj[]) ?? []) {
          if ((t.datasource as Obj).type !== 'prometheus') continue;
          const expr = String(t.expr).replace(/\$(\w+)/g, (whole, name: string) => exprVars[name] ?? whole);
          const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
          const body = (await res.json()) as { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string> }> } };
          const where = `${String(json.uid)} "${String(panel.title)}": ${expr}`;
          if (body.status !== 'success') problems.push(`${where}: ${body.error}`);
          else if ((body.data?.result.length ?? 0) === 0 && !MAY_BE_EMPTY.some((re) => re.test(expr))) problems.push(`${where}: empty`);
          // every {{label}} of the legend is a label of the series (else the legend shows it raw)
          for (const m of String(t.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g))
            for (const series of body.data?.result ?? []) if (!(m[1]! in series.metric)) problems.push(`${where}: legend {{${m[1]}}} is not a label of ${JSON.stringify(series.metric)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.skipIf(!hasInfluxd)('every InfluxDB dashboard query returns series from what the proxy wrote', async () => {
    const problems: string[] = [];
    const run = async (q: string) => (await influxd!.query(q)).results[0] ?? {};
    // a few write intervals, so derivative() has two points per series
    const deadline = Date.now() + 20_000;
    while (((await run('SELECT count("value") FROM "bitcoin_blocks"')).series?.[0]?.values[0]?.[1] as number | undefined ?? 0) < 3) {
      if (Date.now() > deadline) throw new Error(`the proxy wrote nothing to influxd: ${influxd!.output.slice(-800)}`);
      await sleep(500);
    }
    for (const spec of DASHBOARDS.influxdb) {
      const json = dashboard(spec);
      // query variables; the datasource variable ($ds_influxdb) lists datasources, not series
      for (const v of (((json.templating as Obj).list as Obj[]) ?? []).filter((x) => x.type === 'query')) {
        const result = await run(String(v.query));
        if (result.error || !result.series?.length) problems.push(`variable ${String(v.name)}: ${result.error ?? 'no values'}`);
      }
      for (const panel of panels(json)) {
        for (const t of (panel.targets as Obj[]) ?? []) {
          const q = String(t.query).replace(/\$timeFilter/g, 'time > now() - 1h').replace(/\$__interval/g, '1s').replace(/\$source/g, '.*');
          const result = await run(q);
          if (result.error || !result.series?.length) problems.push(`"${String(panel.title)}": ${q}: ${result.error ?? 'no series'}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
