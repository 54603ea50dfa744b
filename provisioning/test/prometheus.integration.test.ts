// Debian's real Prometheus scrapes a real proxy (built in-process with startServer) that reads
// the bitcoind and CGMiner-fleet simulators over real sockets; faults are injected in the
// simulators and the catalog's alerts must fire, then resolve, through Prometheus' own
// /api/v1/alerts. The rules are the catalog's, with every duration divided by TIME_SCALE
// (`for: 5m` -> 2500ms, `[1h]` -> 30s) so a run takes seconds; promtool.test.ts checks the
// real durations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../backend-proxy/src/config/schema.ts';
import { startServer } from '../../backend-proxy/src/http/server.ts';
import { startBitcoinSimulator, type BitcoinSimulator } from '../../backend-proxy/src/simulators/bitcoin/index.ts';
import { startCgminerFleet, type CgminerFleet } from '../../backend-proxy/src/simulators/cgminer/fleet.ts';
import { startElectrsSimulator, type ElectrsSimulator } from '../../backend-proxy/src/simulators/electrum/index.ts';
import { RULES } from '../build/rules.ts';
import { isFiring, promAlerts, promQuery, startRulesPrometheus, waitForAlerts } from './prometheusServer.ts';
import type { PromAlert, PrometheusServer } from './prometheusServer.ts';

describe('Prometheus scraping the proxy evaluates the catalog rules', () => {
  let bitcoin: BitcoinSimulator;
  let fleet: CgminerFleet;
  let electrs: ElectrsSimulator;
  let proxy: Awaited<ReturnType<typeof startServer>> | null = null;
  let prometheus: PrometheusServer;
  const work = mkdtempSync(join(tmpdir(), 'nodescope-prometheus-'));

  const alerts = () => promAlerts(prometheus);
  const instant = (query: string) => promQuery(prometheus, query);
  const firing = isFiring;

  /** Polls Prometheus until `done` holds (bounded; the failure message shows what was firing). */
  const waitFor = (what: string, done: (list: PromAlert[]) => boolean, timeoutMs?: number) =>
    waitForAlerts(prometheus, what, done, {
      series: '{__name__=~"mining_up|mining_temperature_max_celsius|mining_fan_min_rpm|mining_fleet_hashrate_hashes_per_second|nodescope_source_up"}',
      timeoutMs,
    });

  beforeAll(async () => {
    bitcoin = await startBitcoinSimulator({ network: 'regtest', seed: 3, peers: 9, initialMempool: 50, feeEstimates: 'always', zmqPort: null });
    fleet = await startCgminerFleet({ count: 5, slowMs: 500 });
    electrs = await startElectrsSimulator({ bitcoin });
    const config = configSchema.parse({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      sources: [
        {
          id: 'btc',
          kind: 'bitcoin',
          network: 'regtest',
          rpc: { url: bitcoin.rpcUrl, cookieFile: bitcoin.cookieFile, timeoutMs: 500, retries: 0, circuitOpenMs: 200 },
          pollSeconds: 0.5,
          slowPollSeconds: 5,
          electrum: { kind: 'electrs', metricsUrl: electrs.metricsUrl },
        },
        {
          id: 'farm',
          kind: 'cgminer',
          miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.name, powerWatts: 3000 })),
          pollSeconds: 1,
          timeoutMs: 400,
          connectTimeoutMs: 300,
          jitter: 0,
        },
      ],
    });
    proxy = await startServer(config, { port: 0 });
    prometheus = await startRulesPrometheus(work, proxy.url, ['--storage.tsdb.retention.time=1h']);
  });

  afterAll(async () => {
    prometheus?.stop();
    await proxy?.close().catch(() => undefined);
    await fleet?.close();
    await electrs?.close();
    await bitcoin?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('loads every catalog rule', async () => {
    const body = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } };
    const loaded = body.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name).sort()).toEqual(RULES.map((r) => r.alert).sort());
  });

  it('a healthy stack fires nothing of what the faults will trigger', async () => {
    // wait until the proxy is scraped and has polled both upstreams
    await waitFor('first scrape with miners up', () => true);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if ((await instant('count(mining_up == 1) and count(nodescope_source_up == 1) >= 2')).length > 0) break;
      if (Date.now() > deadline) throw new Error(`proxy series never appeared in Prometheus: ${prometheus.log()}`);
      await sleep(300);
    }
    const list = await alerts();
    for (const name of ['MinerOffline', 'MinerBoardHot', 'MinerFanStopped', 'ElectrumIndexLagging', 'ElectrumDown', 'NodescopeSourceDown', 'NodescopeProxyDown'])
      expect(firing(list, name), name).toBe(false);
  });

  it('faults fire MinerOffline, MinerBoardHot/Critical, MinerFanStopped, MinerRejectRateHigh, FleetHashrateDrop, ElectrumIndexLagging and NodescopeSourceDown, scoped to what broke', async () => {
    const [offline, hot, fan, rejects] = [fleet.miners[1]!, fleet.miners[2]!, fleet.miners[3]!, fleet.miners[4]!];
    await fleet.setFault(offline.name, 'offline');
    await fleet.setFault(hot.name, 'hot');
    await fleet.setFault(fan.name, 'fan0');
    await fleet.setFault(rejects.name, 'rejects');
    // the index falls behind first (the proxy needs the node's height to see the lag), then the node goes down
    electrs.setLag(6);
    await waitFor('ElectrumIndexLagging', (l) => firing(l, 'ElectrumIndexLagging', { source: 'btc', kind: 'electrs', severity: 'warning' }));
    bitcoin.setFault({ kind: 'down' });
    await bitcoin.faultApplied();
    const list = await waitFor('fault alerts', (l) =>
      firing(l, 'MinerOffline', { source: 'farm', miner: offline.name, severity: 'critical' }) &&
      firing(l, 'MinerBoardHot', { source: 'farm', miner: hot.name, severity: 'warning' }) &&
      firing(l, 'MinerBoardCritical', { source: 'farm', miner: hot.name, severity: 'critical' }) &&
      firing(l, 'MinerFanStopped', { source: 'farm', miner: fan.name }) &&
      firing(l, 'MinerRejectRateHigh', { source: 'farm', miner: rejects.name, severity: 'warning' }) &&
      firing(l, 'FleetHashrateDrop', { source: 'farm' }) &&
      firing(l, 'NodescopeSourceDown', { source: 'btc', severity: 'critical' })
    );
    // scope: only the faulted miners, only the source that is down
    const healthy = fleet.miners[0]!.name;
    expect(list.filter((a) => a.labels.miner === healthy)).toEqual([]);
    expect(list.filter((a) => a.labels.alertname === 'MinerOffline').map((a) => a.labels.miner)).toEqual([offline.name]);
    expect(list.filter((a) => a.labels.alertname === 'NodescopeSourceDown').map((a) => a.labels.source)).toEqual(['btc']);
  });

  it('clearing the faults resolves them (auto-resolve)', async () => {
    await fleet.clearFaults();
    electrs.setLag(0);
    bitcoin.setFault(null);
    await bitcoin.faultApplied();
    const resolving = ['MinerOffline', 'MinerBoardHot', 'MinerBoardCritical', 'MinerFanStopped', 'MinerRejectRateHigh', 'ElectrumIndexLagging', 'NodescopeSourceDown'];
    await waitFor('fault alerts resolved', (l) => !l.some((a) => resolving.includes(a.labels.alertname!)));
  });

  it('a stopped proxy fires NodescopeProxyDown', async () => {
    await proxy!.close();
    proxy = null;
    await waitFor('NodescopeProxyDown', (l) => firing(l, 'NodescopeProxyDown', { job: 'nodescope', severity: 'critical' }));
  });
});
