// The consensus-client rules on Debian's real Prometheus: it scrapes a real proxy (startServer)
// reading the Beacon API simulator and the geth simulator over real sockets; faults injected in the
// simulators must fire the catalog's beacon rules through Prometheus' own /api/v1/alerts, scoped to
// what broke, and resolve when cleared. Durations are the catalog's divided by TIME_SCALE
// (scaledRules.ts); promtool.test.ts checks the real ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../backend-proxy/src/config/schema.ts';
import { startServer } from '../../backend-proxy/src/http/server.ts';
import { startBeaconSimulator, type BeaconSimulator } from '../../backend-proxy/src/simulators/beacon/index.ts';
import { startGethSimulator, type GethSimulator } from '../../backend-proxy/src/simulators/geth/index.ts';
import { isFiring, pollAlerts, promAlerts, promQuery, startRulesPrometheus } from './prometheusServer.ts';
import type { PromAlert, PrometheusServer } from './prometheusServer.ts';

describe('Prometheus evaluates the beacon rules on what the proxy exposes', () => {
  let beacon: BeaconSimulator;
  let geth: GethSimulator;
  let ticker: NodeJS.Timeout | undefined;
  let proxy: Awaited<ReturnType<typeof startServer>> | null = null;
  let prometheus: PrometheusServer;
  const work = mkdtempSync(join(tmpdir(), 'nodescope-beacon-prom-'));

  const alerts = () => promAlerts(prometheus);
  const instant = (query: string) => promQuery(prometheus, query);
  const firing = isFiring;
  const beaconAlerts = (list: PromAlert[]) =>
    list
      .filter((a) => /^Beacon|^EthereumPair/.test(a.labels.alertname ?? ''))
      .map((a) => `${a.labels.alertname}{side=${a.labels.side ?? ''}} ${a.state}`);

  async function waitFor(what: string, done: (list: PromAlert[]) => boolean, timeoutMs = 40_000): Promise<PromAlert[]> {
    const { ok, list: last } = await pollAlerts(prometheus, done, timeoutMs);
    if (ok) return last;
    const series = await instant('{__name__=~"beacon_.*|eth_con_sync_is_syncing"}');
    throw new Error(
      `timed out waiting for ${what}; alerts: ${JSON.stringify(beaconAlerts(last))}\nseries: ${JSON.stringify(series)}`
    );
  }

  beforeAll(async () => {
    beacon = await startBeaconSimulator();
    geth = await startGethSimulator();
    // geth keeps importing (a block every 500 ms, stamped now), as a node at the head does
    ticker = setInterval(() => geth.advance(1), 500);
    const config = configSchema.parse({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      sources: [
        { id: 'geth-1', kind: 'geth', rpcUrl: geth.rpcUrl, pollSeconds: 1, timeoutMs: 500 },
        { id: 'cl-1', kind: 'beacon', url: beacon.url, executionSource: 'geth-1', pollSeconds: 1, timeoutMs: 500 },
      ],
    });
    proxy = await startServer(config, { port: 0 });
    prometheus = await startRulesPrometheus(work, proxy.url, ['--storage.tsdb.retention.time=1h']);
  });

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    prometheus?.stop();
    await proxy?.close().catch(() => undefined);
    await beacon?.close();
    await geth?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a healthy pair fires no beacon rule', async () => {
    const deadline = Date.now() + 20_000;
    // the pair gauge is written once both sides were read
    while ((await instant('beacon_pair_behind{source="cl-1"}')).length < 2) {
      if (Date.now() > deadline) throw new Error(`beacon series never appeared: ${prometheus.log().slice(-1500)}`);
      await sleep(300);
    }
    await sleep(3_000);
    expect(beaconAlerts(await alerts()).filter((a) => a.endsWith('firing'))).toEqual([]);
  });

  it('el_offline fires BeaconElOffline and EthereumPairBehind{side="execution"}, and both resolve', async () => {
    await beacon.setFault('el-offline');
    const list = await waitFor(
      'BeaconElOffline and EthereumPairBehind execution',
      (l) =>
        firing(l, 'BeaconElOffline', { source: 'cl-1' }) &&
        firing(l, 'EthereumPairBehind', { source: 'cl-1', side: 'execution' })
    );
    expect(firing(list, 'EthereumPairBehind', { side: 'consensus' })).toBe(false);
    expect(firing(list, 'BeaconSyncing')).toBe(false);
    await beacon.setFault('none');
    await waitFor(
      'el-offline alerts resolved',
      (l) => !firing(l, 'BeaconElOffline') && !firing(l, 'EthereumPairBehind')
    );
  });

  it('a syncing consensus client beside a synced geth fires BeaconSyncing and EthereumPairBehind{side="consensus"}', async () => {
    await beacon.setFault('syncing', { behind: 300 });
    const list = await waitFor(
      'BeaconSyncing and EthereumPairBehind consensus',
      (l) =>
        firing(l, 'BeaconSyncing', { source: 'cl-1' }) &&
        firing(l, 'EthereumPairBehind', { source: 'cl-1', side: 'consensus' })
    );
    expect(firing(list, 'EthereumPairBehind', { side: 'execution' })).toBe(false);
    await beacon.setFault('none');
    await waitFor('syncing alerts resolved', (l) => !firing(l, 'BeaconSyncing') && !firing(l, 'EthereumPairBehind'));
  });

  it('health 503 fires BeaconNotReady; zero peers fires BeaconPeersLow', async () => {
    await beacon.setFault('unhealthy');
    await waitFor('BeaconNotReady', (l) => firing(l, 'BeaconNotReady', { source: 'cl-1' }));
    await beacon.setFault('none');
    await beacon.setFault('zero-peers');
    await waitFor('BeaconPeersLow', (l) => firing(l, 'BeaconPeersLow', { source: 'cl-1' }));
    await beacon.setFault('none');
    await waitFor('resolved', (l) => !firing(l, 'BeaconNotReady') && !firing(l, 'BeaconPeersLow'));
  });
});
