// Pool read-API simulators: Braiins Pool and Luxor, each answering the documented GETs with the
// documented shapes, for one account whose workers the test sets. Only for faults and scale; the
// shapes follow the pools' documents (sources/cgminer/pools/model.ts names them):
//  - Braiins: /accounts/{profile,workers,rewards}/json/btc/, amounts as strings, rates in
//    `hash_rate_unit` (Gh/s here, as in the documented samples), token in Pool-Auth-Token or the
//    older SlushPool-Auth-Token (and their X- forms), else 401
//  - Luxor: /v1/pool/{summary,workers}/BTC?subaccount_names=…, rates as strings in H/s in the
//    summary, token in `authorization`, else 401
// Every request is recorded (method, path, query) so a test can prove what was sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type SimPoolKind = 'braiins' | 'luxor';

export interface SimPoolWorker {
  /** the worker's stratum user, "account.worker" */
  user: string;
  /** H/s the pool credits */
  hashrate: number;
  active: boolean;
}

export interface SimPoolState {
  account: string;
  token: string;
  workers: SimPoolWorker[];
  /** BTC earned over the last full day (Braiins daily_rewards) / last 24 h (Luxor revenue_24h) */
  earningsPerDay: number;
  balance: number;
  faults: Set<'down' | 'malformed' | 'slow'>;
}

export interface SimPool {
  kind: SimPoolKind;
  url: string;
  state: SimPoolState;
  requests: Array<{ method: string; path: string; query: Record<string, string> }>;
  close(): Promise<void>;
}

const GH = 1e9;
const DAY = 86_400;

/** Braiins amounts: strings with 8 decimals ("0.00011940"). */
const btc = (n: number) => n.toFixed(8);

function braiins(state: SimPoolState, path: string, now: number): unknown {
  const active = state.workers.filter((w) => w.active);
  const total = active.reduce((s, w) => s + w.hashrate, 0);
  switch (path) {
    case '/accounts/profile/json/btc/':
      return {
        username: state.account,
        btc: {
          all_time_reward: btc(state.earningsPerDay * 30),
          hash_rate_unit: 'Gh/s',
          hash_rate_5m: Number((total / GH).toFixed(4)),
          hash_rate_60m: Number((total / GH).toFixed(4)),
          hash_rate_24h: Number((total / GH).toFixed(4)),
          hash_rate_yesterday: Number((total / GH).toFixed(4)),
          low_workers: 0,
          off_workers: state.workers.length - active.length,
          ok_workers: active.length,
          dis_workers: 0,
          current_balance: btc(state.balance),
          today_reward: btc(state.earningsPerDay / 2),
          estimated_reward: btc(state.earningsPerDay / 144),
          shares_5m: 123,
          shares_60m: 1476,
          shares_24h: 35424,
          shares_yesterday: 0,
        },
      };
    case '/accounts/workers/json/btc/':
      return {
        btc: {
          workers: Object.fromEntries(
            state.workers.map((w) => [
              w.user,
              {
                state: w.active ? 'ok' : 'off',
                last_share: Math.floor(now / 1000) - (w.active ? 5 : 3_600),
                hash_rate_unit: 'Gh/s',
                hash_rate_scoring: Number((w.hashrate / GH).toFixed(4)),
                hash_rate_5m: Number(((w.active ? w.hashrate : 0) / GH).toFixed(4)),
                hash_rate_60m: Number((w.hashrate / GH).toFixed(4)),
                hash_rate_24h: Number((w.hashrate / GH).toFixed(4)),
                shares_5m: 90304,
                shares_60m: 1125762,
                shares_24h: 20945364,
              },
            ])
          ),
        },
      };
    case '/accounts/rewards/json/btc/': {
      const today = Math.floor(now / 1000 / DAY) * DAY;
      const day = (offset: number, total: number) => ({
        date: today - offset * DAY,
        total_reward: btc(total),
        mining_reward: btc(total),
        bos_plus_reward: btc(0),
        referral_bonus: btc(0),
        referral_reward: btc(0),
        calculation_date: today - offset * DAY + 3_600,
      });
      // oldest first; the most recent full day is yesterday
      return { btc: { daily_rewards: [day(2, state.earningsPerDay * 0.9), day(1, state.earningsPerDay)] } };
    }
    default:
      return undefined;
  }
}

function luxor(state: SimPoolState, path: string, query: Record<string, string>, now: number): unknown {
  if (query.subaccount_names !== state.account) return { status: 404 };
  const active = state.workers.filter((w) => w.active);
  const total = active.reduce((s, w) => s + w.hashrate, 0);
  const subaccounts = [{ id: 1, name: state.account }];
  switch (path) {
    case '/v1/pool/summary/BTC':
      return {
        currency_type: 'BTC',
        subaccounts,
        hashrate_5m: String(Math.round(total)),
        hashrate_24h: String(Math.round(total)),
        efficiency_5m: 0.99,
        uptime_24h: 0.99,
        revenue_24h: [{ currency_type: 'BTC', revenue_type: 'MINING', revenue: state.earningsPerDay }],
        active_miners: active.length,
        hashprice: [{ currency_type: 'BTC', value: 0.0000005 }],
        balance: [{ currency_type: 'BTC', revenue: state.balance }],
      };
    case '/v1/pool/workers/BTC':
      return {
        currency_type: 'BTC',
        subaccounts,
        total_inactive: state.workers.length - active.length,
        total_active: active.length,
        workers: state.workers.map((w, i) => ({
          id: String(i + 1),
          currency_type: 'BTC',
          subaccount_name: state.account,
          // Luxor names a worker without its subaccount ("worker-1" in the get-workers sample)
          name: w.user.startsWith(`${state.account}.`) ? w.user.slice(state.account.length + 1) : w.user,
          firmware: '1.0.0',
          hashrate: w.active ? w.hashrate : 0,
          efficiency: 0.99,
          stale_shares: 0,
          rejected_shares: 0,
          last_share_time: new Date(now - (w.active ? 5_000 : 3_600_000)).toISOString(),
          status: w.active ? 'ACTIVE' : 'INACTIVE',
        })),
        pagination: { page_number: 1, page_size: Number(query.page_size ?? 10), item_count: state.workers.length, previous_page_url: null, next_page_url: null },
      };
    default:
      return undefined;
  }
}

const BRAIINS_TOKEN_HEADERS = ['pool-auth-token', 'x-pool-auth-token', 'slushpool-auth-token', 'x-slushpool-auth-token'];

export async function startPoolSimulator(kind: SimPoolKind, state: Omit<SimPoolState, 'faults'> & { faults?: SimPoolState['faults'] }, now: () => number = Date.now): Promise<SimPool> {
  const full: SimPoolState = { ...state, faults: state.faults ?? new Set() };
  const requests: SimPool['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const query = Object.fromEntries(url.searchParams);
    // Luxor's API lives under /api (https://app.luxor.tech/api/v1/...)
    const path = kind === 'luxor' ? url.pathname.replace(/^\/api(?=\/)/, '') : url.pathname;
    requests.push({ method: req.method ?? '', path, query });
    const send = (status: number, body: unknown) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    };
    const answer = () => {
      if (full.faults.has('down')) return send(503, { detail: 'Service Unavailable' });
      const token = kind === 'braiins' ? BRAIINS_TOKEN_HEADERS.map((h) => req.headers[h]).find((v) => typeof v === 'string') : req.headers.authorization;
      if (token !== full.token) return send(401, kind === 'braiins' ? 'Unauthorized' : { detail: 'Unauthorized' });
      if (req.method !== 'GET') return send(405, { detail: 'Method Not Allowed' });
      const body = kind === 'braiins' ? braiins(full, path, now()) : luxor(full, path, query, now());
      if (body === undefined) return send(404, { detail: 'Not Found' });
      if (typeof body === 'object' && body !== null && (body as { status?: number }).status === 404) return send(404, { detail: 'subaccount not found' });
      if (full.faults.has('malformed')) return send(200, '{"btc": {"hash_rate_5m": ');
      send(200, body);
    };
    if (full.faults.has('slow')) setTimeout(answer, 3_000).unref();
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    kind,
    url: kind === 'luxor' ? `http://127.0.0.1:${port}/api` : `http://127.0.0.1:${port}`,
    state: full,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
