import { type ElectrumSimulatorBase, type ElectrumSimulatorOptions, rateFor, type Scrape, startIndexServer } from './common.js';

export interface FulcrumSimulator extends ElectrumSimulatorBase {
  statsUrl: string;
}

/** QVariantMap keeps keys sorted; Fulcrum's JSON therefore lists them in code-unit order */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as Record<string, unknown>).sort())
    out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

const USER_AGENTS = [
  'Electrum 4.5.5',
  'Electrum 4.5.8',
  'Sparrow 2.0.0',
  'electrum-client 0.19',
  'BlueWallet',
  'Electrum 4.4.6',
];

/** the shape of Fulcrum's GET /stats (Controller::stats: Bitcoin Daemon, Controller, Server Manager, ...) */
export function renderFulcrumStats(options: ElectrumSimulatorOptions, { seed, elapsed, height }: Scrape, port: number): unknown {
  const chain =
    { mainnet: 'main', testnet: 'test', testnet4: 'testnet4', signet: 'signet', regtest: 'regtest' }[
      options.bitcoin.network ?? 'mainnet'
    ] ?? 'main';
  const clientCount = options.clients ?? 8;
  const clients: unknown[] = [];
  let requestsTotal = 0;
  for (let i = 0; i < clientCount; i++) {
    const name = `Client.${i + 3}`;
    const connected = elapsed + 60 + i * 37;
    const requests = Math.floor(connected * rateFor(name, 0.05, 2, seed));
    requestsTotal += requests;
    clients.push({
      [name]: {
        activeTimers: {},
        connectedTime: Math.round(connected * 1000) / 1000,
        errCt: 0,
        extantBatchProcessors: {},
        id: i + 3,
        idleTime: Math.round(rateFor(name, 0.1, 30, seed) * 1000) / 1000,
        isProxied: false,
        isSsl: i % 2 === 0,
        isSubscribedToHeaders: true,
        local: '10.0.0.2:50001',
        maxBuffer: 16_000_000,
        nBytesReceived: requests * 120,
        nBytesSent: requests * 410,
        nErrorReplies: 0,
        nErrorsSent: 0,
        nNotificationsSent: Math.floor(requests / 20),
        nRequestsRcv: requests,
        nResultsSent: requests,
        nSubscriptions: 10 + i * 3,
        nTxBroadcastErrors: 0,
        nTxBytesSent: 0,
        nTxSent: 0,
        perIPData: {
          extantBatchRequestCosts: 0,
          isWhiteListed: false,
          nBitcoinDRequests: Math.floor(requests / 4),
          nClients: 1,
          nExtantBatchRequests: 0,
          nSubscriptions: 10 + i * 3,
        },
        readBytesAvailable: 0,
        remote: `10.0.${i}.${20 + i}:${50_000 + i}`,
        userAgent: USER_AGENTS[i % USER_AGENTS.length],
        version: ['1.4.2', '1.4'],
        writeBackLog: 0,
      },
    });
  }
  const subs = clients.reduce<number>((s, _c, i) => s + 10 + i * 3, 0);
  const stats = {
    'Bitcoin Daemon': {
      activeTimers: {},
      'bitcoind info': {
        hasDSProofRPC: false,
        hasEstimateSmartFee: true,
        hasSubmitPackageRPC: true,
        isBU: false,
        isBchd: false,
        isCore: true,
        isFlowee: false,
        isLTC: false,
        isTwoArgEstimateSmartFee: true,
        isZeroArgEstimateFee: false,
        lacksGetZmqNotifications: false,
        relayfee: 1e-5,
        sendRawTransactionRequiresMaxBurnAmount: true,
        subversion: '/Satoshi:28.0.0/',
        version: '28.0.0',
        warnings: '',
        zmqNotifications: [],
      },
      'extant request contexts': 0,
      'request context table size': 0,
      'request timeout count': 0,
      'request zombie count': 0,
      'rpc clients': [
        {
          'BitcoinD.1': {
            activeTimers: {},
            connectedTime: Math.round((elapsed + 5) * 1000) / 1000,
            id: 1,
            nBytesReceived: Math.floor(elapsed * 9_000),
            nBytesSent: Math.floor(elapsed * 700),
            nRequestsSent: Math.floor(elapsed * 3),
          },
        },
      ],
    },
    // Options::toMap; credentials are shown as <hidden> by Fulcrum itself
    Config: {
      admin: [],
      banner: null,
      bitcoind: '127.0.0.1:8332',
      'bitcoind-tls': false,
      cert: null,
      checkdb: false,
      datadir: '/var/lib/fulcrum',
      debug: false,
      donation: null,
      'hasIPv6 listener': false,
      key: null,
      peering: true,
      peering_announce_self: true,
      peering_enforce_unique_ip: true,
      polltime: 2,
      rpccookie: null,
      rpcpassword: '<hidden>',
      rpcuser: '<hidden>',
      ssl: [],
      stats: [`127.0.0.1:${port}`],
      tcp: [`0.0.0.0:50001`],
      trace: false,
      ws: [],
      wss: [],
    },
    Controller: {
      Chain: chain,
      'Chain tip':
        options.bitcoin.hashAt?.(height) ?? (height === options.bitcoin.tipHeight() ? options.bitcoin.tipHash() : null),
      Coin: 'BTC',
      'Header count': height + 1,
      StateMachine: null,
      TxNum: height * 2_100 + 1,
      'TxNum -> TxHash (latest)': 'a'.repeat(64),
      'UTXO set': 180_000_000,
      'UTXO set bytes': '12345.678 MB',
      'ZMQ Notifiers (active)': {},
      activeTimers: {},
      tasks: [],
    },
    Jemalloc: {},
    'Memory Usage': { 'physical kB': 2_480_512, 'virtual kB': 6_210_048 },
    Misc: {
      'Job Queue (Thread Pool)': {
        'Num. active jobs': 0,
        'Num. threads': 4,
        'Total jobs run': Math.floor(elapsed * 20),
      },
    },
    'Server Manager': {
      PeerMgr: null,
      Servers: { 'TcpSrv 0.0.0.0:50001': { clients, numClients: clientCount } },
      bannerFile: null,
      bans: { Banned_IPAddrs: {}, Banned_Peers: {} },
      donationAddress: 'bc1qsimulatorxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'number of clients': clientCount,
      'number of clients (max lifetime)': clientCount + 4,
      'number of clients (total lifetime connections)': clientCount + 40,
      'transactions sent': 0,
      'transactions sent (bytes)': 0,
    },
    Storage: { caches: {}, 'merge calls (headers)': height, 'merge calls (scripthash_history)': requestsTotal },
    SubsMgr: {
      'Num. active client subscriptions': subs,
      'Num. unique scripthashes subscribed (including zombies)': subs,
      activeTimers: {},
    },
    'SubsMgr (DSPs)': { 'Num. active client subscriptions': 0, activeTimers: {} },
    'SubsMgr (Txs)': { 'Num. active client subscriptions': 0, activeTimers: {} },
    simdjson: {},
  };
  return sortKeys(stats);
}

/**
 * Fulcrum's stats HTTP server (--stats): GET /stats answers pretty JSON, other paths a 404 text.
 */
export async function startFulcrumSimulator(options: ElectrumSimulatorOptions): Promise<FulcrumSimulator> {
  const base = await startIndexServer(
    options,
    (res) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Internal Server Error\r\n'),
    (req, res, scrape, port) => {
      if ((req.url ?? '/').split('?')[0] !== '/stats') {
        res
          .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end('Error: Unknown endpoint. /stats & /debug are the only valid endpoint I understand.\r\n');
        return;
      }
      const body = `${JSON.stringify(renderFulcrumStats(options, scrape, port), null, 4)}\r\n`;
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
      });
      res.end(body);
    }
  );
  return { ...base, statsUrl: `${base.url}stats` };
}
