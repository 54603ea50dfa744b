// Local stand-ins for the public price and difficulty APIs the profitability source reads,
// with their exact response shapes and their failure modes. One HTTP server on 127.0.0.1
// answers all four APIs' paths, so each configured base URL can point at it.
//
//   CoinGecko       GET /api/v3/simple/price?ids=bitcoin&vs_currencies=usd  -> {"bitcoin":{"usd":97000}}
//                   429 body: {"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit…"}}
//   CoinCap v2      GET /v2/assets/bitcoin -> {"data":{"id":"bitcoin",…,"priceUsd":"97000.12…"},"timestamp":…}
//   mempool.space   GET /api/blocks/tip/height -> text "870000"
//                   GET /api/v1/difficulty-adjustment -> {progressPercent, difficultyChange, estimatedRetargetDate, …}
//                   GET /api/v1/mining/hashrate/3d -> {hashrates:[…], difficulty:[…], currentHashrate, currentDifficulty}
//                   GET /api/v1/mining/reward-stats/144 -> {startBlock, endBlock, totalReward, totalFee, totalTx} (sats as strings)
//   blockchain.info GET /q/getdifficulty -> text "102289407543323.8"; GET /q/getblockcount -> text "870000"
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const MARKET_APIS = ['coingecko', 'coincap', 'mempool', 'blockchainInfo'] as const;
export type MarketApi = (typeof MARKET_APIS)[number];

/** ok, HTTP 500, 429 rate limit, a body that is not what the API sends, a reply slower than any sane timeout, or a dropped connection. */
export type MarketFault = 'ok' | 'error500' | 'ratelimit' | 'malformed' | 'slow' | 'down';

export interface MarketState {
  /** USD per BTC; other currencies via `rates` (units of currency per USD) */
  priceUsd: number;
  rates: Record<string, number>;
  difficulty: number;
  height: number;
  /** average fees per block over the last 144, sats */
  feesPerBlockSats: number;
  /** mempool.space's estimate of the next change, percent */
  difficultyChangePercent: number;
}

export interface MarketSimulatorOptions {
  port?: number;
  host?: string;
  state?: Partial<MarketState>;
  slowMs?: number;
  now?: () => number;
}

export interface MarketSimulator {
  url: string;
  port: number;
  state: MarketState;
  setFault(api: MarketApi, fault: MarketFault): void;
  /** requests received per API */
  requests: Record<MarketApi, number>;
  close(): Promise<void>;
}

const DEFAULT_STATE: MarketState = {
  priceUsd: 97_000,
  rates: { usd: 1, eur: 0.92, gbp: 0.79, chf: 0.88, jpy: 151.2 },
  difficulty: 102_289_407_543_323.8,
  height: 870_000,
  feesPerBlockSats: 12_500_000,
  difficultyChangePercent: 1.85,
};

function apiOf(path: string): MarketApi | null {
  if (path.startsWith('/api/v3/')) return 'coingecko';
  if (path.startsWith('/v2/')) return 'coincap';
  if (path.startsWith('/api/')) return 'mempool';
  if (path.startsWith('/q/')) return 'blockchainInfo';
  return null;
}

export async function startMarketSimulator(options: MarketSimulatorOptions = {}): Promise<MarketSimulator> {
  const state: MarketState = { ...DEFAULT_STATE, ...options.state, rates: { ...DEFAULT_STATE.rates, ...(options.state?.rates ?? {}) } };
  const faults: Record<MarketApi, MarketFault> = { coingecko: 'ok', coincap: 'ok', mempool: 'ok', blockchainInfo: 'ok' };
  const requests: Record<MarketApi, number> = { coingecko: 0, coincap: 0, mempool: 0, blockchainInfo: 0 };
  const now = options.now ?? Date.now;
  const slowMs = options.slowMs ?? 5_000;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const text = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  };

  const answer = (api: MarketApi, url: URL, res: ServerResponse): void => {
    const path = url.pathname;
    const fault = faults[api];
    if (fault === 'error500') return text(res, 500, 'Internal Server Error');
    if (fault === 'ratelimit') {
      if (api === 'coingecko') {
        return json(res, 429, {
          status: {
            error_code: 429,
            error_message: "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits.",
          },
        });
      }
      return api === 'coincap' ? json(res, 429, { error: 'rate limit exceeded' }) : text(res, 429, 'Too Many Requests');
    }
    if (fault === 'malformed') {
      // an HTML error page behind a CDN, as these APIs send when degraded
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<html><body>Service temporarily unavailable</body></html>');
    }
    const priceIn = (currency: string) => {
      const rate = state.rates[currency];
      return rate === undefined ? undefined : Math.round(state.priceUsd * rate * 100) / 100;
    };
    switch (api) {
      case 'coingecko': {
        if (path !== '/api/v3/simple/price') break;
        const ids = (url.searchParams.get('ids') ?? '').split(',');
        const currencies = (url.searchParams.get('vs_currencies') ?? '').split(',').filter(Boolean);
        if (currencies.length === 0) return json(res, 400, { error: 'Missing parameter vs_currencies' });
        const body: Record<string, Record<string, number>> = {};
        if (ids.includes('bitcoin')) {
          body.bitcoin = {};
          for (const c of currencies) {
            const price = priceIn(c.toLowerCase());
            if (price !== undefined) body.bitcoin[c.toLowerCase()] = price;
          }
        }
        return json(res, 200, body);
      }
      case 'coincap':
        if (path !== '/v2/assets/bitcoin') break;
        return json(res, 200, {
          data: {
            id: 'bitcoin',
            rank: '1',
            symbol: 'BTC',
            name: 'Bitcoin',
            supply: '19790000.0000000000000000',
            maxSupply: '21000000.0000000000000000',
            marketCapUsd: (state.priceUsd * 19_790_000).toFixed(16),
            volumeUsd24Hr: '12345678901.2345678901234567',
            priceUsd: state.priceUsd.toFixed(16),
            changePercent24Hr: '0.5234000000000000',
            vwap24Hr: state.priceUsd.toFixed(16),
            explorer: 'https://blockchain.info/',
          },
          timestamp: now(),
        });
      case 'mempool': {
        if (path === '/api/blocks/tip/height') return text(res, 200, String(state.height));
        const nextRetargetHeight = (Math.floor(state.height / 2016) + 1) * 2016;
        const remainingBlocks = nextRetargetHeight - state.height;
        if (path === '/api/v1/difficulty-adjustment') {
          return json(res, 200, {
            progressPercent: ((2016 - remainingBlocks) / 2016) * 100,
            difficultyChange: state.difficultyChangePercent,
            estimatedRetargetDate: now() + remainingBlocks * 600_000,
            remainingBlocks,
            remainingTime: remainingBlocks * 600_000,
            previousRetarget: -0.64,
            previousTime: Math.floor(now() / 1000) - (2016 - remainingBlocks) * 600,
            nextRetargetHeight,
            timeAvg: 589_200,
            adjustedTimeAvg: 589_200,
            timeOffset: 0,
            expectedBlocks: 2016 - remainingBlocks + 0.4,
          });
        }
        if (path === '/api/v1/mining/hashrate/3d') {
          const hashrate = (state.difficulty * 2 ** 32) / 600;
          const t = Math.floor(now() / 1000);
          return json(res, 200, {
            hashrates: [0, 1, 2].map((d) => ({ timestamp: t - (3 - d) * 86_400, avgHashrate: hashrate })),
            difficulty: [{ time: t - 86_400 * 5, height: nextRetargetHeight - 2016, difficulty: state.difficulty, adjustment: 0.9936 }],
            currentHashrate: hashrate,
            currentDifficulty: state.difficulty,
          });
        }
        if (path === '/api/v1/mining/reward-stats/144') {
          const subsidySats = Math.floor(5_000_000_000 / 2 ** Math.floor(state.height / 210_000));
          return json(res, 200, {
            startBlock: state.height - 143,
            endBlock: state.height,
            totalReward: String((subsidySats + state.feesPerBlockSats) * 144),
            totalFee: String(state.feesPerBlockSats * 144),
            totalTx: String(144 * 3_900),
          });
        }
        break;
      }
      case 'blockchainInfo':
        if (path === '/q/getdifficulty') return text(res, 200, String(state.difficulty));
        if (path === '/q/getblockcount') return text(res, 200, String(state.height));
        break;
    }
    text(res, 404, 'Not Found');
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const api = apiOf(url.pathname);
    if (!api || req.method !== 'GET') return text(res, 404, 'Not Found');
    requests[api]++;
    const fault = faults[api];
    if (fault === 'down') return void req.socket.destroy();
    if (fault === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer(api, url, res);
      }, slowMs);
      timers.add(timer);
      return;
    }
    answer(api, url, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen({ host, port: options.port ?? 0 }, resolve));
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://${host}:${port}`,
    port,
    state,
    requests,
    setFault(api, fault) {
      faults[api] = fault;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
