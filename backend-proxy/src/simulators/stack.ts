// A simulator of every upstream kind plus the proxy config that points at them: what the demo
// runs, and what whole-proxy tests (fuzzing, secrets, faults) run against. Every credential here
// is a known value, so tests can scan everything the proxy emits for it.
import { join } from 'node:path';
import { startBitcoinSimulator, type BitcoinSimulator } from './bitcoin/index.js';
import { startCgminerFleet, type CgminerFleet } from './cgminer/fleet.js';
import { startElectrsSimulator, type ElectrsSimulator } from './electrum/index.js';
import { startFreqtradeSimulator, type FreqtradeSimulator } from './freqtrade/index.js';
import { GETH_STOCK_HTTP_NAMESPACES, startGethSimulator, type GethSimulator } from './geth/index.js';
import { writeSimulatorGeoDatabases } from './geoip/index.js';
import { startLightningSimulator, type LightningSimulator } from './lightning/index.js';
import { startBeaconSimulator, type BeaconSimulator } from './beacon/index.js';
import { startMarketSimulator, type MarketSimulator } from './market/index.js';
import { startStacksSimulator, type StacksSimulator } from './stacks/index.js';

export interface SimulatedStackOptions {
  /** folder for the bitcoind datadir and the Stacks log (must exist) */
  dir: string;
  /** demo: mainnet-like load and block times; test: small and quiet */
  profile: 'demo' | 'test';
  /** bitcoind auth: the cookie file (default) or a fixed user/password */
  bitcoinAuth?: 'cookie' | 'password';
  miners?: number;
  bots?: number;
}

export interface SimulatedStack {
  bitcoin: BitcoinSimulator;
  /** a second node of the same chain, following `bitcoin` at every tick (the chain view compares them) */
  bitcoinBackup: BitcoinSimulator;
  electrs: ElectrsSimulator;
  fleet: CgminerFleet;
  market: MarketSimulator;
  stacks: StacksSimulator;
  geth: GethSimulator;
  /** a consensus client's Beacon API, following the wall clock, paired with geth-1 */
  beacon: BeaconSimulator;
  /** an lnd REST gateway and a Core Lightning clnrest, both following the simulated bitcoind */
  lightning: { lnd: LightningSimulator; cln: LightningSimulator };
  bots: FreqtradeSimulator[];
  /** the `sources` array of a proxy config (secrets as ${ENV} references, see `env`) */
  sources: Array<Record<string, unknown>>;
  /** the environment those references need */
  env: Record<string, string>;
  /** every credential in play, to scan outputs for */
  secrets: string[];
  /** advances the chains that do not move by themselves (Stacks, Geth) */
  tick(): void;
  close(): Promise<void>;
}

export const STACK_SECRETS = {
  bitcoinRpcPassword: 'sim-bitcoin-rpc-password-7f3a',
  freqtradePassword: 'sim-freqtrade-password-91c2',
  lndMacaroonHex: '0201036c6e6402f801030a10b3bf6906c1937139ac0684ac4417aea71201301a160a0761646472657373120472656164120577726974651a13',
  clnRune: 'sim-cln-rune-tU2BDR0x4Qa9vFwtEhFFp2MuSgbnJqTn7gl1V9Ee5bQ9MA==',
} as const;

export async function startSimulatedStack(options: SimulatedStackOptions): Promise<SimulatedStack> {
  const demo = options.profile === 'demo';
  const closers: Array<() => Promise<unknown>> = [];
  try {
    // one history for both nodes of the chain view: same seed, same anchor
    const historyStart = Math.floor(Date.now() / 1000);
    const bitcoin = await startBitcoinSimulator({
      historyStart,
      network: demo ? 'mainnet' : 'regtest',
      datadir: join(options.dir, 'bitcoind'),
      zmqPort: 0,
      seed: 21,
      initialMempool: demo ? 25_000 : 300,
      txPerSecond: demo ? 7 : 0,
      blockIntervalMs: demo ? 120_000 : 0,
      peers: 24,
      ...(options.bitcoinAuth === 'password'
        ? { auth: { user: 'nodescope', password: STACK_SECRETS.bitcoinRpcPassword } }
        : {}),
      ...(demo ? { controlPort: 0 } : {}),
    });
    closers.push(() => bitcoin.close());
    const bitcoinBackup = await startBitcoinSimulator({
      historyStart,
      network: demo ? 'mainnet' : 'regtest',
      datadir: join(options.dir, 'bitcoind-backup'),
      zmqPort: null,
      seed: 21,
      minerSalt: 2,
      initialMempool: 0,
      peers: 8,
      auth: { user: 'nodescope', password: STACK_SECRETS.bitcoinRpcPassword },
    });
    closers.push(() => bitcoinBackup.close());
    // synthetic city + ASN databases covering the simulator's public peer ranges (our own test
    // data, not a real GeoIP product), so the peer map has places to show
    const geoip = await writeSimulatorGeoDatabases(options.dir);

    const electrs = await startElectrsSimulator({ bitcoin, lagBlocks: 0, clients: 6 });
    closers.push(() => electrs.close());

    const fleet = await startCgminerFleet({ count: options.miners ?? (demo ? 12 : 4), latencyMs: demo ? 5 : 0 });
    closers.push(() => fleet.close());
    if (demo) {
      // a farm is never all green: one hot board, one miner with a stopped fan
      await fleet.setFault(3, 'hot');
      await fleet.setFault(7, 'fan0');
    }

    const market = await startMarketSimulator();
    closers.push(() => market.close());

    const stacks = await startStacksSimulator({ logFile: join(options.dir, 'stacks-node.log'), signerLogFile: join(options.dir, 'stacks-signer.log') });
    closers.push(() => stacks.close());

    // a node started as the README asks (--http.api eth,net,web3,txpool); stock geth has no txpool over HTTP
    const geth = await startGethSimulator({ namespaces: [...GETH_STOCK_HTTP_NAMESPACES, 'txpool'] });
    closers.push(() => geth.close());
    const beacon = await startBeaconSimulator();
    closers.push(() => beacon.close());

    // lightning nodes at the simulated bitcoind's height, so a bitcoinSource comparison starts in sync
    const lnd = await startLightningSimulator({ implementation: 'lnd', macaroonHex: STACK_SECRETS.lndMacaroonHex, blockHeight: bitcoin.tipHeight() });
    closers.push(() => lnd.close());
    const cln = await startLightningSimulator({ implementation: 'cln', rune: STACK_SECRETS.clnRune, blockHeight: bitcoin.tipHeight() });
    closers.push(() => cln.close());

    const botNames = ['momentum', 'grid', 'scalper'].slice(0, options.bots ?? 2);
    const bots = await Promise.all(
      botNames.map((name, index) =>
        startFreqtradeSimulator({
          seed: index + 1,
          botName: name,
          password: STACK_SECRETS.freqtradePassword,
          ...(demo ? { autoStepMs: 10_000 } : {}),
        })
      )
    );
    for (const bot of bots) closers.push(() => bot.close());

    const sources: Array<Record<string, unknown>> = [
      {
        id: 'btc-main',
        name: demo ? 'Bitcoin Core (simulated mainnet)' : 'Bitcoin Core',
        kind: 'bitcoin',
        network: demo ? 'mainnet' : 'regtest',
        rpc:
          options.bitcoinAuth === 'password'
            ? { url: bitcoin.rpcUrl, user: 'nodescope', password: '${BITCOIN_RPC_PASSWORD}' }
            : { url: bitcoin.rpcUrl, cookieFile: bitcoin.cookieFile ?? undefined },
        ...(bitcoin.zmqSequenceEndpoint ? { zmq: { sequence: bitcoin.zmqSequenceEndpoint } } : {}),
        electrum: { kind: 'electrs', metricsUrl: electrs.url },
        geoip,
      },
      {
        id: 'btc-backup',
        name: 'Bitcoin Core (second node)',
        kind: 'bitcoin',
        network: demo ? 'mainnet' : 'regtest',
        rpc: { url: bitcoinBackup.rpcUrl, user: 'nodescope', password: '${BITCOIN_RPC_PASSWORD}' },
      },
      // one chain, several nodes: the two bitcoin sources compared (tips, lag, forks, reorgs)
      { id: 'btc-nodes', name: 'Bitcoin nodes', kind: 'chain', sources: ['btc-main', 'btc-backup'], pollSeconds: demo ? 10 : 2 },
      {
        id: 'stx-1',
        name: 'Stacks node',
        kind: 'stacks',
        rpcUrl: stacks.rpcUrl,
        metricsUrl: stacks.metricsUrl,
        signer: { metricsUrl: stacks.signerMetricsUrl, logFile: stacks.signerLogFile },
        logFile: stacks.logFile,
        bitcoinSource: 'btc-main',
      },
      { id: 'geth-1', name: 'Geth', kind: 'geth', rpcUrl: geth.rpcUrl, metricsUrl: geth.metricsUrl },
      { id: 'beacon-1', name: 'Consensus client', kind: 'beacon', url: beacon.url, executionSource: 'geth-1' },
      { id: 'ln-lnd', name: 'lnd', kind: 'lightning', implementation: 'lnd', url: lnd.url, macaroonHex: '${LND_MACAROON_HEX}', bitcoinSource: 'btc-main' },
      { id: 'ln-cln', name: 'Core Lightning', kind: 'lightning', implementation: 'cln', url: cln.url, rune: '${CLN_RUNE}', bitcoinSource: 'btc-main' },
      {
        id: 'farm-a',
        name: 'Farm A',
        kind: 'cgminer',
        miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.name, model: m.model })),
        pollSeconds: demo ? 10 : 2,
      },
      {
        id: 'profit',
        name: 'Profitability',
        kind: 'profitability',
        fleets: ['farm-a'],
        bitcoinSource: 'btc-main',
        electricityPerKwh: 0.07,
        currency: 'usd',
        poolFeePercent: 2,
        priceApis: { coingecko: market.url, coincap: market.url },
        difficultyApis: { mempool: market.url, blockchainInfo: market.url },
        sampleSeconds: demo ? 30 : 5,
      },
      ...bots.map((bot, index) => ({
        id: `bot-${index + 1}`,
        name: `Freqtrade ${botNames[index]}`,
        kind: 'freqtrade',
        url: bot.url,
        username: bot.username,
        password: '${FREQTRADE_PASSWORD}',
      })),
    ];

    return {
      bitcoin,
      bitcoinBackup,
      electrs,
      fleet,
      market,
      stacks,
      geth,
      beacon,
      lightning: { lnd, cln },
      bots,
      sources,
      env: {
        BITCOIN_RPC_PASSWORD: STACK_SECRETS.bitcoinRpcPassword,
        FREQTRADE_PASSWORD: STACK_SECRETS.freqtradePassword,
        LND_MACAROON_HEX: STACK_SECRETS.lndMacaroonHex,
        CLN_RUNE: STACK_SECRETS.clnRune,
      },
      secrets: Object.values(STACK_SECRETS),
      tick() {
        stacks.advance({ stacks: 1, burn: Math.random() < 0.2 ? 1 : 0 });
        void stacks.appendLog(3);
        void stacks.appendSignerLog(3);
        geth.advance(1);
        // the second node receives what the first mined
        bitcoinBackup.syncFrom(bitcoin);
        // the lightning nodes follow bitcoind's tip
        for (const ln of [lnd, cln]) ln.advance(Math.max(0, bitcoin.tipHeight() - ln.state.blockHeight));
      },
      async close() {
        await Promise.allSettled(closers.reverse().map((close) => close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(closers.reverse().map((close) => close()));
    throw error;
  }
}
