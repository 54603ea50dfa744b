// Demo upstreams for the docker-compose `demo` profile: starts the proxy's protocol-faithful
// simulators (bitcoind RPC, Stacks node + signer, Freqtrade bot, CGMiner fleet, price/difficulty
// APIs) and publishes each on a FIXED port on every interface, so the proxy container reaches them
// as simulators:<port> (deploy/compose/proxy.demo.yaml). The simulators listen on 127.0.0.1
// ephemeral ports; a plain TCP forwarder per fixed port connects the two (no simulator needs a
// bind-address option).
//
// Runs on the built proxy (npm run build -w plugins/shared -w backend-proxy), as in the image:
//   node deploy/compose/simulators.mjs
// Env: BTC_SIM_PASSWORD, FT_SIM_PASSWORD (>= 8 chars, the same the proxy config reads),
//      SIM_BIND (default 0.0.0.0), SIM_MINERS (default 4), SIM_DIST (another backend-proxy dist/).
import { createServer, connect } from 'node:net';
import { pathToFileURL } from 'node:url';

/** The fixed ports proxy.demo.yaml uses; miners take MINER_BASE_PORT, +1, +2, … */
export const DEMO_PORTS = {
  'bitcoin.rpc': 18443,
  'bitcoin.control': 18500,
  'stacks.rpc': 20443,
  'stacks.metrics': 9153,
  'stacks.signer': 30001,
  freqtrade: 8080,
  market: 8090,
};
export const MINER_BASE_PORT = 4028;

/** Accepts on bind:port and pipes each connection to 127.0.0.1:target. */
function forward(bind, port, target) {
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bind, () => resolve(server));
  });
}

/**
 * Starts every demo simulator. `load(path)` imports a simulator module by its path under
 * backend-proxy's simulators/ (e.g. 'bitcoin/index.js'). `fixedPorts: false` publishes on
 * ephemeral ports instead (tests); `published` maps each name to the fixed port it stands for
 * and the port it really listens on.
 */
export async function startDemoSimulators({ load, bind = '0.0.0.0', fixedPorts = true, btcPassword, ftPassword, miners = 4 }) {
  const simulators = [];
  const forwarders = [];
  const published = {};
  const portOf = (url) => Number(new URL(url).port);
  const publish = async (name, fixed, url) => {
    const server = await forward(bind, fixedPorts ? fixed : 0, portOf(url));
    forwarders.push(server);
    published[name] = { fixed, port: server.address().port };
  };
  const close = async () => {
    for (const server of forwarders) server.close();
    await Promise.allSettled(simulators.map((simulator) => simulator.close()));
  };

  try {
    const { startBitcoinSimulator } = await load('bitcoin/index.js');
    const bitcoin = await startBitcoinSimulator({
      network: 'regtest',
      auth: { user: 'nodescope', password: btcPassword },
      initialHeight: 870_000,
      initialMempool: 3_000,
      txPerSecond: 5,
      blockIntervalMs: 120_000,
      controlPort: 0,
    });
    simulators.push(bitcoin);
    await publish('bitcoin.rpc', DEMO_PORTS['bitcoin.rpc'], bitcoin.rpcUrl);
    if (bitcoin.controlUrl) await publish('bitcoin.control', DEMO_PORTS['bitcoin.control'], bitcoin.controlUrl);

    const { startStacksSimulator } = await load('stacks/index.js');
    const stacks = await startStacksSimulator({});
    simulators.push(stacks);
    await publish('stacks.rpc', DEMO_PORTS['stacks.rpc'], stacks.rpcUrl);
    await publish('stacks.metrics', DEMO_PORTS['stacks.metrics'], stacks.metricsUrl);
    await publish('stacks.signer', DEMO_PORTS['stacks.signer'], stacks.signerMetricsUrl);

    const { startFreqtradeSimulator } = await load('freqtrade/index.js');
    const freqtrade = await startFreqtradeSimulator({ username: 'freqtrader', password: ftPassword, control: true, autoStepMs: 20_000 });
    simulators.push(freqtrade);
    await publish('freqtrade', DEMO_PORTS.freqtrade, freqtrade.url);

    const { startMarketSimulator } = await load('market/index.js');
    const market = await startMarketSimulator({});
    simulators.push(market);
    await publish('market', DEMO_PORTS.market, market.url);

    const { startCgminerFleet } = await load('cgminer/fleet.js');
    const fleet = await startCgminerFleet({ count: miners });
    simulators.push(fleet);
    for (const [i, miner] of fleet.miners.entries()) {
      await publish(`miner.${i + 1}`, MINER_BASE_PORT + i, `tcp://127.0.0.1:${miner.port}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { published, close };
}

async function main() {
  // SIM_DIST: another build of backend-proxy (its dist/ folder)
  const dist = process.env.SIM_DIST
    ? pathToFileURL(`${process.env.SIM_DIST.replace(/\/?$/, '/')}src/simulators/`)
    : new URL('../../backend-proxy/dist/src/simulators/', import.meta.url);
  const btcPassword = process.env.BTC_SIM_PASSWORD;
  const ftPassword = process.env.FT_SIM_PASSWORD;
  for (const [name, value] of [['BTC_SIM_PASSWORD', btcPassword], ['FT_SIM_PASSWORD', ftPassword]]) {
    if (!value || value.length < 8) {
      console.error(`simulators: set ${name} (at least 8 characters)`);
      process.exit(2);
    }
  }
  const bind = process.env.SIM_BIND ?? '0.0.0.0';
  const demo = await startDemoSimulators({
    load: (path) => import(new URL(path, dist).href),
    bind,
    btcPassword,
    ftPassword,
    miners: Number(process.env.SIM_MINERS ?? 4),
  });
  const ports = Object.fromEntries(Object.entries(demo.published).map(([name, { port }]) => [name, port]));
  console.log(`simulators listening on ${bind}: ${JSON.stringify(ports)}`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error('simulators: failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
