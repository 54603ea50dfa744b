// Pool-side view of a mining account, from the pools' read APIs, and its reconciliation with
// what the fleet's miners report. Pure: documents in, numbers out.
//
// Braiins Pool (https://academy.braiins.com/en/braiins-pool/monitoring/, "API configuration"):
//   GET /accounts/profile/json/btc/  {username, btc: {hash_rate_unit, hash_rate_5m, hash_rate_60m,
//       hash_rate_24h, ok_workers, low_workers, off_workers, dis_workers, current_balance,
//       today_reward, estimated_reward, all_time_reward, ...}} (amounts are strings in BTC)
//   GET /accounts/workers/json/btc/  {btc: {workers: {"user.worker": {state ok|low|off|dis,
//       last_share, hash_rate_unit, hash_rate_5m, hash_rate_60m, hash_rate_24h, ...}}}}
//   GET /accounts/rewards/json/btc/  {btc: {daily_rewards: [{date, total_reward, mining_reward, ...}]}}
//   The sample documents used in the tests are those a public client tests against
//   (shadowylab/braiinspool@51f3456:src/model.rs:406-427, 454-484; rewards fields :253-282).
// Luxor (https://docs.luxor.tech/docs/mining/api/reporting/get-summary, .../get-workers):
//   GET /v1/pool/summary/{currency}?subaccount_names=…  {hashrate_5m, hashrate_24h (strings, H/s),
//       revenue_24h: [{currency_type, revenue_type, revenue}], active_miners, balance: [...]}
//   GET /v1/pool/workers/{currency}?subaccount_names=…  {total_active, total_inactive,
//       workers: [{name, subaccount_name, hashrate, status ACTIVE|INACTIVE, last_share_time}]}
// Braiins and Luxor send amounts and rates as numeric strings: num() reads both, as for miners
import { num } from '../model.js';
import type { MinerRecord } from '../poller.js';

export type PoolKind = 'braiins' | 'luxor';

export interface PoolWorker {
  /** the stratum user as the pool names the worker ("account.worker") */
  name: string;
  /** H/s over the pool's short window (Braiins 5 min; Luxor's current figure) */
  hashrate: number;
  /** the pool counts it as hashing */
  active: boolean;
  state: string;
}

export interface PoolAccountView {
  /** H/s the pool credits over its short window (5 min) */
  hashrate5m: number;
  /** H/s the pool credits over 24 h */
  hashrate24h: number | null;
  /** BTC earned per day: Braiins the last day of daily_rewards, Luxor revenue_24h */
  earningsPerDay: number | null;
  /** BTC not yet paid out */
  balance: number | null;
  workers: PoolWorker[];
}

type Row = Record<string, unknown>;

const obj = (value: unknown): Row => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Row) : {});

/** Braiins `hash_rate_unit`: "Gh/s", "Th/s", "Ph/s" (and H/s, Mh/s, Eh/s for completeness). */
export function unitFactor(unit: unknown): number {
  const u = String(unit ?? 'Gh/s').trim().toLowerCase();
  const prefix = u.replace(/h\/s$/, '');
  const factors: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15, e: 1e18 };
  const factor = factors[prefix];
  if (factor === undefined) throw new Error(`unknown hash rate unit ${JSON.stringify(String(unit)).slice(0, 20)}`);
  return factor;
}

export function parseBraiins(profile: unknown, workers: unknown, rewards: unknown): PoolAccountView {
  const btc = obj(obj(profile).btc);
  if (!('hash_rate_5m' in btc)) throw new Error('Braiins profile without btc.hash_rate_5m');
  const factor = unitFactor(btc.hash_rate_unit);
  const list = Object.entries(obj(obj(obj(workers).btc).workers)).map(([name, raw]) => {
    const w = obj(raw);
    const state = String(w.state ?? '').toLowerCase();
    return {
      name,
      hashrate: (num(w.hash_rate_5m) ?? 0) * unitFactor(w.hash_rate_unit ?? btc.hash_rate_unit),
      // ok = hashing, low = hashing below its alert limit; off and dis (disabled) are not
      active: state === 'ok' || state === 'low',
      state,
    };
  });
  const days = (obj(obj(rewards).btc).daily_rewards as unknown[] | undefined) ?? [];
  const latest = (Array.isArray(days) ? days : [])
    .map(obj)
    .filter((d) => num(d.date) !== null)
    .sort((a, b) => num(b.date)! - num(a.date)!)[0];
  return {
    hashrate5m: (num(btc.hash_rate_5m) ?? 0) * factor,
    hashrate24h: num(btc.hash_rate_24h) === null ? null : num(btc.hash_rate_24h)! * factor,
    earningsPerDay: latest ? num(latest.total_reward) : null,
    balance: num(btc.current_balance),
    workers: list,
  };
}

const btcTotal = (entries: unknown, field: string): number | null => {
  if (!Array.isArray(entries)) return null;
  const btc = entries.map(obj).filter((e) => String(e.currency_type).toUpperCase() === 'BTC');
  return btc.length > 0 ? btc.reduce((sum, e) => sum + (num(e[field]) ?? 0), 0) : null;
};

export function parseLuxor(summary: unknown, workers: unknown): PoolAccountView {
  const s = obj(summary);
  if (!('hashrate_5m' in s)) throw new Error('Luxor summary without hashrate_5m');
  const list = (Array.isArray(obj(workers).workers) ? (obj(workers).workers as unknown[]) : []).map((raw) => {
    const w = obj(raw);
    const state = String(w.status ?? '').toUpperCase();
    return { name: String(w.name ?? ''), hashrate: num(w.hashrate) ?? 0, active: state === 'ACTIVE', state };
  });
  return {
    hashrate5m: num(s.hashrate_5m) ?? 0,
    hashrate24h: num(s.hashrate_24h),
    earningsPerDay: btcTotal(s.revenue_24h, 'revenue'),
    // the balance entries carry the amount in `revenue` (Luxor get-summary sample)
    balance: btcTotal(s.balance, 'revenue'),
    workers: list,
  };
}

/** The worker part of a stratum user: Luxor lists workers without the subaccount ("worker-1"). */
const workerKey = (kind: PoolKind, account: string, user: string): string =>
  kind === 'luxor' && user.startsWith(`${account}.`) ? user.slice(account.length + 1) : user;

export interface Reconciliation {
  /** H/s the fleet's miners on this account report (sum of their rates) */
  reported: number;
  /** H/s the pool credits (its 5 min figure) */
  credited: number;
  /** credited / reported, null when the fleet reports nothing on this account */
  ratio: number | null;
  /** fleet miners mining for the account that the pool does not see hashing */
  notAtPool: string[];
  /** workers the pool sees hashing that no fleet miner is on */
  unknownAtPool: string[];
}

/**
 * What the pool credits against what the fleet reports for one account. A fleet miner counts for
 * the account when its active pool's user is the account or `account.worker`.
 */
export function reconcile(kind: PoolKind, account: string, view: PoolAccountView, miners: ReadonlyArray<{ name: string; user: string; hashrate: number }>): Reconciliation {
  const mine = miners.filter((m) => m.user === account || m.user.startsWith(`${account}.`));
  const reported = mine.reduce((sum, m) => sum + m.hashrate, 0);
  const byName = new Map(view.workers.map((w) => [w.name, w]));
  const fleetUsers = new Set(mine.map((m) => workerKey(kind, account, m.user)));
  const notAtPool = mine.filter((m) => !byName.get(workerKey(kind, account, m.user))?.active).map((m) => m.name);
  const unknownAtPool = view.workers.filter((w) => w.active && !fleetUsers.has(w.name)).map((w) => w.name);
  return { reported, credited: view.hashrate5m, ratio: reported > 0 ? view.hashrate5m / reported : null, notAtPool, unknownAtPool };
}

/** The fleet side of a reconciliation: online miners, their active pool's user and 5 s rate. */
export function fleetOnAccounts(records: readonly MinerRecord[]): Array<{ name: string; user: string; hashrate: number }> {
  const out: Array<{ name: string; user: string; hashrate: number }> = [];
  for (const r of records) {
    if (r.status !== 'online' || !r.snapshot) continue;
    const active = r.snapshot.pools.find((p) => p.active);
    if (active) out.push({ name: r.name, user: active.user.trim(), hashrate: r.snapshot.hashrate ?? 0 });
  }
  return out;
}
