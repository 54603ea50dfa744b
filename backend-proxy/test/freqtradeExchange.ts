// A stand-in for Binance's public spot REST API, just what a dry-run freqtrade bot asks through
// ccxt: exchangeInfo (markets), klines (candles), ticker/24hr and depth (prices), time. The bot's
// exchange URLs point here via `exchange.ccxt_config.urls` (ccxt deep-merges user config into its
// describe()), so a real freqtrade runs offline. Shapes follow Binance's spot API documentation
// (GET /api/v3/exchangeInfo, /klines, /ticker/24hr, /depth). Prices step once a minute and the
// book has no spread, so dry-run limit orders at the ask fill at once (freqtrade
// exchange.py _dry_is_price_crossed: buy fills when limit >= best ask).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const SYMBOLS: Record<string, { base: string; quote: string; price: number }> = {
  BTCUSDT: { base: 'BTC', quote: 'USDT', price: 60_000 },
  ETHUSDT: { base: 'ETH', quote: 'USDT', price: 3_000 },
};

const STEPS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 };

/** Price of a symbol during the minute that holds `ms`: a slow wave around its base price. */
export function standinPrice(symbol: string, ms: number): number {
  const base = SYMBOLS[symbol]?.price ?? 1;
  const minute = ms - (ms % 60_000);
  return Math.round(base * (1 + 0.01 * Math.sin(minute / 600_000)) * 100) / 100;
}

function symbolInfo(symbol: string, base: string, quote: string) {
  return {
    symbol,
    status: 'TRADING',
    baseAsset: base,
    baseAssetPrecision: 8,
    quoteAsset: quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ['LIMIT', 'MARKET', 'STOP_LOSS_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    permissions: ['SPOT'],
    permissionSets: [['SPOT']],
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: '0.01', maxPrice: '1000000.00', tickSize: '0.01' },
      { filterType: 'LOT_SIZE', minQty: '0.00001', maxQty: '9000.0', stepSize: '0.00001' },
      { filterType: 'NOTIONAL', minNotional: '5.0', applyMinToMarket: true, maxNotional: '9000000', applyMaxToMarket: false, avgPriceMins: 5 },
    ],
  };
}

export interface ExchangeStandin {
  url: string;
  paths: string[];
  close(): Promise<void>;
}

export async function startExchangeStandin(): Promise<ExchangeStandin> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    paths.push(url.pathname);
    const now = Date.now();
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const q = url.searchParams;
    const p = url.pathname;
    if (p.endsWith('/time')) return send(200, { serverTime: now });
    if (p.endsWith('/exchangeInfo')) {
      return send(200, {
        timezone: 'UTC',
        serverTime: now,
        rateLimits: [],
        exchangeFilters: [],
        symbols: Object.entries(SYMBOLS).map(([symbol, s]) => symbolInfo(symbol, s.base, s.quote)),
      });
    }
    if (p.endsWith('/klines')) {
      const symbol = q.get('symbol') ?? '';
      const step = STEPS[q.get('interval') ?? ''];
      if (!SYMBOLS[symbol] || !step) return send(400, { code: -1121, msg: 'Invalid symbol or interval.' });
      const limit = Math.min(1000, Number(q.get('limit') ?? 500));
      const end = now - (now % step);
      const startParam = q.get('startTime');
      let t = startParam ? Number(startParam) - (Number(startParam) % step) : end - (limit - 1) * step;
      const rows: unknown[] = [];
      for (; t <= end && rows.length < limit; t += step) {
        const open = standinPrice(symbol, t);
        const close = standinPrice(symbol, t + step - 1);
        rows.push([t, String(open), String(Math.max(open, close) * 1.001), String(Math.min(open, close) * 0.999), String(close), '10.0', t + step - 1, '100', 10, '5', '50', '0']);
      }
      return send(200, rows);
    }
    if (p.endsWith('/ticker/24hr') || p.endsWith('/ticker/bookTicker') || p.endsWith('/ticker/price')) {
      const tickers = Object.keys(SYMBOLS).map((symbol) => {
        const price = String(standinPrice(symbol, now));
        return {
          symbol,
          priceChange: '0',
          priceChangePercent: '0',
          weightedAvgPrice: price,
          prevClosePrice: price,
          lastPrice: price,
          lastQty: '1',
          bidPrice: price,
          bidQty: '5',
          askPrice: price,
          askQty: '5',
          openPrice: price,
          highPrice: price,
          lowPrice: price,
          volume: '1000',
          quoteVolume: String(1000 * Number(price)),
          openTime: now - 86_400_000,
          closeTime: now,
          firstId: 1,
          lastId: 2,
          count: 2,
          price,
        };
      });
      const one = q.get('symbol');
      return send(200, one ? tickers.find((t) => t.symbol === one) : tickers);
    }
    if (p.endsWith('/depth')) {
      const price = String(standinPrice(q.get('symbol') ?? '', now));
      return send(200, { lastUpdateId: 1, bids: [[price, '5']], asks: [[price, '5']] });
    }
    return send(404, { code: -1, msg: `not in the stand-in: ${p}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
