// The chain view's alerts on Debian's real Prometheus: it scrapes a real proxy whose chain view
// compares three simulated bitcoind of one history. btc-b stops getting blocks (BitcoinNodeBehind),
// btc-c is left on a block btc-a reorganized away from (BitcoinNodeOnStaleBranch: the block is a
// valid-fork in btc-a's getchaintips, bitcoin/bitcoin@000c7e4cdb4cd0c3e8292c6257642f9ac2d95b59:
// src/rpc/blockchain.cpp getchaintips); btc-a fires nothing. Durations are the catalog's divided by
// TIME_SCALE (scaledRules.ts); thresholds are not scaled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../backend-proxy/src/config/schema.ts';
import { startServer } from '../../backend-proxy/src/http/server.ts';
import { startBitcoinSimulator, type BitcoinSimulator } from '../../backend-proxy/src/simulators/bitcoin/index.ts';
import { firingSources, pollAlerts, startRulesPrometheus, type PrometheusServer } from './prometheusServer.ts';

describe('Prometheus evaluates the chain view rules over three simulated nodes', () => {
  const work = mkdtempSync(join(tmpdir(), 'nodescope-chain-prom-'));
  const sims: Record<string, BitcoinSimulator> = {};
  let proxy: Awaited<ReturnType<typeof startServer>> | null = null;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    const historyStart = Math.floor(Date.now() / 1000);
    for (const [i, id] of ['btc-a', 'btc-b', 'btc-c'].entries()) {
      sims[id] = await startBitcoinSimulator({
        network: 'regtest',
        seed: 9,
        historyStart,
        minerSalt: i + 1,
        zmqPort: null,
        peers: 2,
      });
    }
    const config = configSchema.parse({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      sources: [
        ...Object.entries(sims).map(([id, sim]) => ({
          id,
          kind: 'bitcoin',
          network: 'regtest',
          rpc: { url: sim.rpcUrl, cookieFile: sim.cookieFile, timeoutMs: 1_000 },
          pollSeconds: 1,
        })),
        { id: 'nodes', kind: 'chain', sources: ['btc-a', 'btc-b', 'btc-c'], pollSeconds: 1 },
      ],
    });
    proxy = await startServer(config, { port: 0 });
    prometheus = await startRulesPrometheus(work, proxy.url);
  });

  afterAll(async () => {
    prometheus?.stop();
    await proxy?.close().catch(() => undefined);
    for (const sim of Object.values(sims)) await sim.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a node without new blocks and a node left on a reorganized-away block fire, each for itself', async () => {
    const { 'btc-a': a, 'btc-b': b, 'btc-c': c } = sims as Record<'btc-a' | 'btc-b' | 'btc-c', BitcoinSimulator>;
    // c mines a block and a takes it; then a reorganizes onto a longer branch of b's: c's block is
    // a valid-fork at a, and c keeps it (it hears of nothing else)
    c.mineBlock();
    a.syncFrom(c);
    b.mineBlock();
    b.mineBlock();
    expect(a.syncFrom(b)).toBe('reorged');
    // then a mines on and b hears nothing more: b falls behind by three
    for (let i = 0; i < 3; i++) a.mineBlock();
    const { list } = await pollAlerts(
      prometheus,
      (l) =>
        firingSources(l, 'BitcoinNodeBehind').length > 0 && firingSources(l, 'BitcoinNodeOnStaleBranch').length > 0,
      60_000
    );
    const firingFor = (name: string) => firingSources(list, name);
    // heights above the shared tip h: a h+5, b h+2, c h+1 on its own block (behind by 4 too, and stale)
    expect({ behind: firingFor('BitcoinNodeBehind').sort(), stale: firingFor('BitcoinNodeOnStaleBranch') }).toEqual({
      behind: ['btc-b', 'btc-c'],
      stale: ['btc-c'],
    });
    const behind = list.find((x) => x.labels.alertname === 'BitcoinNodeBehind' && x.labels.source === 'btc-b');
    expect(behind?.labels).toMatchObject({ view: 'nodes', severity: 'warning', domain: 'bitcoin' });
  });
});
