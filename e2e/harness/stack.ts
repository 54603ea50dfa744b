// What the harness tests run against: the real nodescope proxy (buildApp from backend-proxy)
// on 127.0.0.1 with protocol-faithful simulators behind it (bitcoind, a Stacks node, a small
// CGMiner-API fleet, one Freqtrade bot), plus one source whose node is down, the datasource's Go
// backend (the real gpx_nodescope through grafana-bridge) and the harness server in front.
import { buildApp, type ProxyApp } from '../../backend-proxy/src/http/app.ts';
import { configSchema } from '../../backend-proxy/src/config/schema.ts';
import { startBitcoinSimulator, type BitcoinSimulator } from '../../backend-proxy/src/simulators/bitcoin/index.ts';
import { type HarnessServer, startHarnessServer } from './server.ts';
import { type BackendBridge, startBackendBridge } from './bridge.ts';
import { startStacksSimulator, type StacksSimulator } from '../../backend-proxy/src/simulators/stacks/index.ts';
import { startCgminerFleet, type CgminerFleet } from '../../backend-proxy/src/simulators/cgminer/fleet.ts';
import { startFreqtradeSimulator, type FreqtradeSimulator } from '../../backend-proxy/src/simulators/freqtrade/index.ts';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const TEST_API_KEY = 'harness-api-key-5f1d0c';

export interface Stack {
  proxyUrl: string;
  harness: HarnessServer;
  /** the datasource's Go backend behind the harness's /api/ds/query, …/health, …/resources */
  backend: BackendBridge;
  bitcoin: BitcoinSimulator;
  stacks: StacksSimulator;
  fleet: CgminerFleet;
  bot: FreqtradeSimulator;
  proxy: ProxyApp;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const bitcoin = await startBitcoinSimulator({ network: 'regtest', seed: 8, initialMempool: 400, peers: 8, feeEstimates: 'always', txPerSecond: 40 });
  const dir = await mkdtemp(path.join(tmpdir(), 'nodescope-harness-'));
  const logFile = path.join(dir, 'stacks-node.log');
  await writeFile(logFile, '');
  const stacks = await startStacksSimulator({ logFile });
  // one miner of each firmware family (cgminer, bmminer, Braiins OS, btminer) and one bot
  const fleet = await startCgminerFleet({ count: 4 });
  const bot = await startFreqtradeSimulator({ seed: 1, botName: 'momentum' });
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0, apiKey: TEST_API_KEY, logLevel: 'warn' },
    sources: [
      {
        id: 'btc-main',
        name: 'btc-main',
        kind: 'bitcoin',
        network: 'regtest',
        rpc: { url: bitcoin.rpcUrl, ...(bitcoin.cookieFile ? { cookieFile: bitcoin.cookieFile } : {}), retries: 0, timeoutMs: 2_000 },
        ...(bitcoin.zmqSequenceEndpoint ? { zmq: { sequence: bitcoin.zmqSequenceEndpoint } } : {}),
        pollSeconds: 1,
      },
      {
        id: 'stx-1',
        name: 'stx-1',
        kind: 'stacks',
        rpcUrl: stacks.rpcUrl,
        metricsUrl: stacks.metricsUrl,
        signer: { metricsUrl: stacks.signerMetricsUrl },
        logFile,
        logs: { pollMs: 50, backfillBytes: 0 },
      },
      { id: 'farm-a', name: 'Farm A', kind: 'cgminer', miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.name, model: m.model })), pollSeconds: 2 },
      { id: 'bot-1', name: 'Freqtrade momentum', kind: 'freqtrade', url: bot.url, username: bot.username, password: bot.password, pollSeconds: 2 },
      // nothing listens on port 9: Save & test must show this source as down
      { id: 'btc-offline', name: 'btc-offline', kind: 'bitcoin', network: 'signet', rpc: { url: 'http://127.0.0.1:9', user: 'u', password: 'offline-password', retries: 0, timeoutMs: 1_000, circuitOpenMs: 60_000 }, pollSeconds: 30 },
    ],
  });
  const proxy = await buildApp(config, { logDestination: { write: () => {} } });
  await proxy.start();
  // node log lines for the logs view (the source follows the file like tail -F)
  await stacks.appendLog(60);
  // a few fresh blocks for the annotation editor (block events)
  for (let i = 0; i < 3; i++) bitcoin.mineBlock();
  await proxy.app.listen({ host: '127.0.0.1', port: 0 });
  const proxyUrl = `http://127.0.0.1:${(proxy.app.server.address() as AddressInfo).port}`;
  const backend = await startBackendBridge({ proxyUrl, apiKey: TEST_API_KEY });
  const harness = await startHarnessServer({ proxyUrl, apiKey: TEST_API_KEY, backend });
  return {
    proxyUrl,
    harness,
    backend,
    bitcoin,
    stacks,
    fleet,
    bot,
    proxy,
    async close() {
      await harness.close();
      await backend.close();
      await proxy.close();
      await bitcoin.close();
      await stacks.close();
      await fleet.close();
      await bot.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
