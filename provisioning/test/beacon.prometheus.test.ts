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
import { isFiring, promAlerts, promQuery, startRulesPrometheus, waitForAlerts } from './prometheusServer.ts';
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

  const waitFor = (what: string, done: (list: PromAlert[]) => boolean) =>
    waitForAlerts(prometheus, what, done, { series: '{__name__=~"beacon_.*|eth_con_sync_is_syncing"}', show: beaconAlerts });

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

  // each side of the pair falling behind: the beacon rule for it and EthereumPairBehind naming that
  // side (not the other), both resolving when the fault clears
  it.each([
    [
      'el_offline fires BeaconElOffline and EthereumPairBehind{side="execution"}, and both resolve',
      { fault: 'el-offline', options: {}, alert: 'BeaconElOffline', behind: 'execution', ahead: 'consensus', quiet: ['BeaconSyncing'] },
    ],
    [
      'a syncing consensus client beside a synced geth fires BeaconSyncing and EthereumPairBehind{side="consensus"}',
      { fault: 'syncing', options: { behind: 300 }, alert: 'BeaconSyncing', behind: 'consensus', ahead: 'execution', quiet: [] },
    ],
  ] as const)('%s', async (_title, { fault, options, alert, behind, ahead, quiet }) => {
    await beacon.setFault(fault, options);
    const list = await waitFor(
      `${alert} and EthereumPairBehind ${behind}`,
      (l) => firing(l, alert, { source: 'cl-1' }) && firing(l, 'EthereumPairBehind', { source: 'cl-1', side: behind })
    );
    expect(firing(list, 'EthereumPairBehind', { side: ahead })).toBe(false);
    for (const other of quiet) expect(firing(list, other)).toBe(false);
    await beacon.setFault('none');
    await waitFor(`${fault} alerts resolved`, (l) => !firing(l, alert) && !firing(l, 'EthereumPairBehind'));
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
