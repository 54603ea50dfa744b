// Demo upstreams for the docker-compose `demo` profile: starts the proxy's protocol-faithful
// simulators (bitcoind RPC, Stacks node + signer, Freqtrade bot, CGMiner fleet, price/difficulty
// APIs) and publishes each on a FIXED port on every interface, so the proxy container reaches them
// as simulators:<port>. The simulators listen on 127.0.0.1 ephemeral ports; a plain TCP forwarder
// per fixed port connects the two (no simulator needs a bind-address option).
//
// Runs on the built proxy (npm run build -w plugins/shared -w backend-proxy), as in the image:
//   node deploy/compose/simulators.mjs
// Env: BTC_SIM_PASSWORD, FT_SIM_PASSWORD (>= 8 chars, the same the proxy config reads),
//      SIM_BIND (default 0.0.0.0), SIM_MINERS (default 4).
// Fixed ports: bitcoind RPC 18443 (regtest), bitcoin control 18500, stacks RPC 20443,
// stacks metrics 9153, signer metrics 30001, freqtrade 8080, market APIs 8090, miners 4028…
import { createServer, connect } from 'node:net';

// SIM_DIST: another build of backend-proxy (its dist/ folder), e.g. in tests
const dist = process.env.SIM_DIST
  ? new URL(`file://${process.env.SIM_DIST.replace(/\/?$/, '/')}src/simulators/`)
  : new URL('../../backend-proxy/dist/src/simulators/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);

const bind = process.env.SIM_BIND ?? '0.0.0.0';
const btcPassword = process.env.BTC_SIM_PASSWORD;
const ftPassword = process.env.FT_SIM_PASSWORD;
for (const [name, value] of [['BTC_SIM_PASSWORD', btcPassword], ['FT_SIM_PASSWORD', ftPassword]]) {
  if (!value || value.length < 8) {
    console.error(`simulators: set ${name} (at least 8 characters)`);
    process.exit(2);
  }
}

/** Accepts on bind:port and pipes each connection to 127.0.0.1:target. */
function forward(port, target) {
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
const portOf = (url) => Number(new URL(url).port);

const simulators = [];
const forwarders = [];
const published = {};
async function publish(name, port, url) {
  forwarders.push(await forward(port, portOf(url)));
  published[name] = port;
}

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
await publish('bitcoin.rpc', 18443, bitcoin.rpcUrl);
if (bitcoin.controlUrl) await publish('bitcoin.control', 18500, bitcoin.controlUrl);

const { startStacksSimulator } = await load('stacks/index.js');
const stacks = await startStacksSimulator({});
simulators.push(stacks);
await publish('stacks.rpc', 20443, stacks.rpcUrl);
await publish('stacks.metrics', 9153, stacks.metricsUrl);
await publish('stacks.signer', 30001, stacks.signerMetricsUrl);

const { startFreqtradeSimulator } = await load('freqtrade/index.js');
const freqtrade = await startFreqtradeSimulator({ username: 'freqtrader', password: ftPassword, control: true, autoStepMs: 20_000 });
simulators.push(freqtrade);
await publish('freqtrade', 8080, freqtrade.url);

const { startMarketSimulator } = await load('market/index.js');
const market = await startMarketSimulator({});
simulators.push(market);
await publish('market', 8090, market.url);

const { startCgminerFleet } = await load('cgminer/fleet.js');
const fleet = await startCgminerFleet({ count: Number(process.env.SIM_MINERS ?? 4) });
simulators.push(fleet);
for (const [i, miner] of fleet.miners.entries()) await publish(`miner.${miner.name}`, 4028 + i, `tcp://127.0.0.1:${miner.port}`);

console.log(`simulators listening on ${bind}: ${JSON.stringify(published)}`);

const stop = async () => {
  for (const server of forwarders) server.close();
  await Promise.allSettled(simulators.map((simulator) => simulator.close()));
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
