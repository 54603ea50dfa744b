#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exitOnSignal } from '../cli.js';
import { type ElectrumSimulatorOptions, startElectrsSimulator, startFulcrumSimulator } from '../electrum/index.js';
import { type BitcoinSimulatorOptions, startBitcoinSimulator } from './index.js';
import type { SimNetwork } from './network.js';

const USAGE = `bitcoind simulator (Bitcoin Core 28 JSON-RPC + zmqpubsequence)

  --network mainnet|testnet|testnet4|signet|regtest   (default regtest)
  --host 127.0.0.1        --port N (RPC, 0 = any)      --datadir DIR (default: temp dir)
  --zmq-port N (0 = any; omit for no ZMQ)              --control-port N (demo control API)
  --auth user:password    (default: cookie file in the datadir)
  --seed N  --initial-height N  --initial-mempool N  --peers N
  --tx-per-second N       --block-interval-ms N        --warmup-ms N
  --electrs-port N        electrs-style Prometheus metrics tracking this node (0 = any)
  --fulcrum-port N        Fulcrum-style /stats JSON tracking this node (0 = any)
  --electrum-lag N        blocks the Electrum index stays behind the node (default 0)
`;

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

export interface CliOptions {
  simulator: BitcoinSimulatorOptions;
  electrsPort?: number;
  fulcrumPort?: number;
  electrumLag: number;
}

export function optionsFromArgs(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      network: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      datadir: { type: 'string' },
      'zmq-port': { type: 'string' },
      'control-port': { type: 'string' },
      auth: { type: 'string' },
      seed: { type: 'string' },
      'initial-height': { type: 'string' },
      'initial-mempool': { type: 'string' },
      peers: { type: 'string' },
      'tx-per-second': { type: 'string' },
      'block-interval-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      'electrs-port': { type: 'string' },
      'fulcrum-port': { type: 'string' },
      'electrum-lag': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const networks = ['mainnet', 'testnet', 'testnet4', 'signet', 'regtest'];
  if (values.network !== undefined && !networks.includes(values.network))
    throw new Error(`--network must be one of ${networks.join(', ')}`);
  let auth: BitcoinSimulatorOptions['auth'];
  if (values.auth !== undefined) {
    const colon = values.auth.indexOf(':');
    if (colon < 1) throw new Error('--auth must be user:password');
    auth = { user: values.auth.slice(0, colon), password: values.auth.slice(colon + 1) };
  }
  const options: BitcoinSimulatorOptions = {
    network: values.network as SimNetwork | undefined,
    host: values.host,
    port: int(values.port, 'port'),
    datadir: values.datadir,
    zmqPort: int(values['zmq-port'], 'zmq-port') ?? null,
    controlPort: int(values['control-port'], 'control-port'),
    auth,
    seed: int(values.seed, 'seed'),
    initialHeight: int(values['initial-height'], 'initial-height'),
    initialMempool: int(values['initial-mempool'], 'initial-mempool'),
    peers: int(values.peers, 'peers'),
    txPerSecond: int(values['tx-per-second'], 'tx-per-second'),
    blockIntervalMs: int(values['block-interval-ms'], 'block-interval-ms'),
    warmupMs: int(values['warmup-ms'], 'warmup-ms'),
  };
  for (const key of Object.keys(options) as Array<keyof BitcoinSimulatorOptions>)
    if (options[key] === undefined) delete options[key];
  const cli: CliOptions = { simulator: options, electrumLag: int(values['electrum-lag'], 'electrum-lag') ?? 0 };
  const electrsPort = int(values['electrs-port'], 'electrs-port');
  const fulcrumPort = int(values['fulcrum-port'], 'fulcrum-port');
  if (electrsPort !== undefined) cli.electrsPort = electrsPort;
  if (fulcrumPort !== undefined) cli.fulcrumPort = fulcrumPort;
  return cli;
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  const sim = await startBitcoinSimulator(options.simulator);
  const host = options.simulator.host;
  // an Electrum server (electrs or Fulcrum) indexing this node, when its port was given
  const indexer = <T>(port: number | undefined, start: (o: ElectrumSimulatorOptions) => Promise<T>) =>
    port === undefined
      ? null
      : start({ bitcoin: sim, port, lagBlocks: options.electrumLag, ...(host ? { host } : {}) });
  const electrs = await indexer(options.electrsPort, startElectrsSimulator);
  const fulcrum = await indexer(options.fulcrumPort, startFulcrumSimulator);
  // one JSON line the demo script can read; the cookie's content is never printed
  process.stdout.write(
    `${JSON.stringify({ rpcUrl: sim.rpcUrl, zmqSequence: sim.zmqSequenceEndpoint, cookieFile: sim.cookieFile, datadir: sim.datadir, network: sim.network, control: sim.controlUrl, electrsMetrics: electrs?.metricsUrl ?? null, fulcrumStats: fulcrum?.statsUrl ?? null })}\n`
  );
  exitOnSignal(() => Promise.all([electrs?.close(), fulcrum?.close()]).then(() => sim.close()));
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) void main();
