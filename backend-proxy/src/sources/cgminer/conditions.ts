// What is wrong with miners that still answer: hot boards, stopped fans, rejected shares, dead
// hash boards, dead pools. Pure: records in, named findings out. The source's health shows them
// as components, with the thresholds the alert rules use (provisioning/build/rules.ts), so
// "Save & test" and /api/health say what the alerts will say.
import type { SourceHealth } from '../types.js';
import { activePools, maxTemperature, rejectPercent, type MinerSnapshot, type Pool } from './model.js';
import { modelLayout, nominalHashrate } from './nominal.js';
import type { MinerRecord } from './poller.js';

export interface FleetLimits {
  /** a board above this is hot (the MinerBoardHot alert's threshold) */
  hotCelsius: number;
  /** share of rejected shares over the window that counts as too many (MinerRejectRateHigh) */
  rejectPercent: number;
  rejectWindowMs: number;
  /** fewer shares than this in the window say nothing yet */
  minShares: number;
  /** a miner averaging below this share of its nominal hashrate over the window underperforms */
  underperformShare: number;
  underperformWindowMs: number;
}

export const DEFAULT_FLEET_LIMITS: FleetLimits = {
  hotCelsius: 85,
  rejectPercent: 5,
  rejectWindowMs: 15 * 60_000,
  minShares: 20,
  underperformShare: 0.9,
  underperformWindowMs: 30 * 60_000,
};

/** One miner's finding: its name and what is seen, e.g. `s9-03 (104 °C)`. */
export interface Finding {
  miner: string;
  detail: string;
}

export type ConditionName = 'temperature' | 'fans' | 'shares' | 'hashboards' | 'pools' | 'hashrate' | 'chips' | 'fanCount' | 'state' | 'poolExpected';

export type FleetConditions = Record<ConditionName, Finding[]>;

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** Rejected share of the shares found in the window's samples, or null below `minShares`. */
export function windowRejectPercent(record: MinerRecord, limits: FleetLimits, now: number): number | null {
  let accepted = 0;
  let rejected = 0;
  const since = now - limits.rejectWindowMs;
  record.history.walkBack((sample) => {
    if (sample.t < since) return false;
    // a first sample has no deltas; history from before accepted deltas were kept has only
    // rejects, which would read as 100 % rejected
    if (sample.accepted == null || sample.rejected === null) return;
    accepted += sample.accepted;
    rejected += sample.rejected;
  });
  if (accepted + rejected < limits.minShares) return null;
  return rejectPercent(accepted, rejected, 0);
}

/** Nominal H/s of a miner: the firmware's figure, else the model table, else the config's. */
export function minerNominal(record: MinerRecord): number | null {
  const nominal = nominalHashrate(record.snapshot?.nominalHashrate, record.configModel ?? record.identity?.model);
  return nominal.hashrate ?? (record.configNominal ?? null);
}

/**
 * Mean hashrate of the window's samples, or null until the history covers the whole window (a
 * miner just started or just added says nothing yet). Offline samples count as 0 H/s.
 */
export function windowHashrate(record: MinerRecord, windowMs: number, now: number): number | null {
  const since = now - windowMs;
  let sum = 0;
  let count = 0;
  let covered = false;
  record.history.walkBack((sample) => {
    if (sample.t <= since) {
      covered = true;
      return false;
    }
    if (sample.hashrate === null) return;
    sum += sample.hashrate;
    count++;
  });
  return covered && count > 0 ? sum / count : null;
}

/** Boards short of chips and boards missing, against the model's layout. */
export function chipShortfall(record: MinerRecord): { missingChips: number; detail: string[] } | null {
  const layout = modelLayout(record.configModel ?? record.identity?.model);
  const snapshot = record.snapshot;
  if (!layout || !snapshot) return null;
  const detail: string[] = [];
  let missingChips = 0;
  for (const board of snapshot.boards) {
    if (board.chips === null || board.chips >= layout.chipsPerBoard) continue;
    missingChips += layout.chipsPerBoard - board.chips;
    detail.push(`board ${board.index}: ${board.chips} of ${layout.chipsPerBoard} chips`);
  }
  // a board the firmware does not list at all is missing every chip (only when boards are listed per chain)
  const listed = snapshot.boards.length;
  if (listed > 0 && listed < layout.boards && snapshot.boards.some((b) => b.chips !== null)) {
    missingChips += (layout.boards - listed) * layout.chipsPerBoard;
    detail.push(`${listed} of ${layout.boards} boards`);
  }
  return { missingChips, detail };
}

/** Fans the model should have that the firmware does not report (a fan unplugged or dead). */
export function fansMissing(record: MinerRecord): number | null {
  const layout = modelLayout(record.configModel ?? record.identity?.model);
  if (!layout || !record.snapshot || layout.fans === 0) return null;
  return Math.max(0, layout.fans - record.snapshot.fans.length);
}

export interface ExpectedPool {
  /** stratum URL; scheme, case and a trailing slash do not matter */
  url?: string;
  /** the worker (`account.worker`) or the account alone (any worker of it) */
  worker?: string;
}

const poolKey = (url: string) =>
  url
    .trim()
    .toLowerCase()
    .replace(/^[a-z0-9+.-]+:\/\//, '')
    .replace(/\/+$/, '');

/** null when the active pool is the expected one (or nothing is expected), else what differs. */
/**
 * The first pool at work that is not the expected one (a LuxOS miner works on one pool per group:
 * a hijacked second group is as much a hijack), or null.
 */
export function snapshotPoolMismatch(expected: ExpectedPool | null | undefined, snapshot: MinerSnapshot): string | null {
  const pools = activePools(snapshot);
  if (pools.length === 0) return poolMismatch(expected, undefined);
  for (const pool of pools) {
    const mismatch = poolMismatch(expected, pool);
    if (mismatch) return mismatch;
  }
  return null;
}

export function poolMismatch(expected: ExpectedPool | null | undefined, active: Pool | undefined): string | null {
  if (!expected || (!expected.url && !expected.worker)) return null;
  if (!active) return 'no active pool';
  const wrong: string[] = [];
  if (expected.url && poolKey(expected.url) !== poolKey(active.url)) wrong.push(`pool ${active.url}`);
  if (expected.worker) {
    const user = active.user.trim();
    const ok = expected.worker.includes('.') ? user === expected.worker : user === expected.worker || user.startsWith(`${expected.worker}.`);
    if (!ok) wrong.push(`worker ${user || '(none)'}`);
  }
  return wrong.length > 0 ? wrong.join(', ') : null;
}

/** Whether a miner's conditions can be judged now: it answered its latest poll. An offline miner's
 * last snapshot is history: "offline" already says what matters. */
export function answeredLatestPoll(record: MinerRecord): boolean {
  return record.status === 'online' && record.snapshot !== null;
}

export function fleetConditions(records: readonly MinerRecord[], limits: FleetLimits, now: number): FleetConditions {
  const found: FleetConditions = { temperature: [], fans: [], shares: [], hashboards: [], pools: [], hashrate: [], chips: [], fanCount: [], state: [], poolExpected: [] };
  for (const record of records) {
    const snapshot = record.snapshot;
    if (!answeredLatestPoll(record) || !snapshot) continue;
    const miner = record.name;
    const hottest = maxTemperature(snapshot);
    if (hottest !== null && hottest > limits.hotCelsius) found.temperature.push({ miner, detail: `${round(hottest)} °C` });
    const stopped = snapshot.fans.filter((rpm) => rpm === 0).length;
    if (stopped > 0) found.fans.push({ miner, detail: `${stopped} of ${snapshot.fans.length} at 0 RPM` });
    const rejects = windowRejectPercent(record, limits, now);
    if (rejects !== null && rejects > limits.rejectPercent) found.shares.push({ miner, detail: `${round(rejects)} % rejected` });
    // a board at 0 H/s while another hashes is dead (all at 0 is a miner still starting)
    const boards = snapshot.boards.filter((b) => b.hashrate !== null);
    const dead = boards.filter((b) => b.hashrate === 0);
    if (dead.length > 0 && dead.length < boards.length)
      found.hashboards.push({ miner, detail: `board ${dead.map((b) => b.index).join(', ')} at 0 H/s` });
    // a pool the user disabled is not a fault; one the firmware gave up on is
    const deadPools = snapshot.pools.filter((p) => p.status.toLowerCase() === 'dead');
    if (deadPools.length > 0) found.pools.push({ miner, detail: deadPools.map((p) => p.url).join(', ') });
    const nominal = minerNominal(record);
    const average = nominal ? windowHashrate(record, limits.underperformWindowMs, now) : null;
    if (nominal && average !== null && average < limits.underperformShare * nominal)
      found.hashrate.push({ miner, detail: `${round((average / nominal) * 100, 0)} % of ${round(nominal / 1e12)} TH/s` });
    const chips = chipShortfall(record);
    if (chips && chips.detail.length > 0) found.chips.push({ miner, detail: chips.detail.join(', ') });
    const missing = fansMissing(record);
    if (missing) found.fanCount.push({ miner, detail: `${missing} of ${modelLayout(record.configModel ?? record.identity?.model)!.fans} missing` });
    const errors = snapshot.errors ?? [];
    if (snapshot.state === 'sleeping' || errors.length > 0)
      found.state.push({ miner, detail: [snapshot.state === 'sleeping' ? 'sleeping' : '', errors.length > 0 ? `errors ${errors.join(', ')}` : ''].filter(Boolean).join('; ') });
    const mismatch = snapshotPoolMismatch(record.expectedPool, snapshot);
    if (mismatch) found.poolExpected.push({ miner, detail: mismatch });
  }
  return found;
}

const WHAT: Record<ConditionName, (limits: FleetLimits) => { bad: string; ok: string }> = {
  temperature: (l) => ({ bad: `above ${l.hotCelsius} °C`, ok: `every board at or below ${l.hotCelsius} °C` }),
  fans: () => ({ bad: 'with a stopped fan', ok: 'every fan turning' }),
  shares: (l) => ({
    bad: `rejecting over ${l.rejectPercent} % of shares (${round(l.rejectWindowMs / 60_000)} min)`,
    ok: `rejects at or below ${l.rejectPercent} %`,
  }),
  hashboards: () => ({ bad: 'with a dead hash board', ok: 'every hash board hashing' }),
  pools: () => ({ bad: 'with a dead pool', ok: 'no dead pool' }),
  hashrate: (l) => ({
    bad: `below ${round(l.underperformShare * 100, 0)} % of nominal (${round(l.underperformWindowMs / 60_000)} min)`,
    ok: `hashing at or above ${round(l.underperformShare * 100, 0)} % of nominal`,
  }),
  chips: () => ({ bad: 'with chips or boards missing', ok: 'every board with its chips' }),
  fanCount: () => ({ bad: 'with a fan missing', ok: 'every fan present' }),
  state: () => ({ bad: 'not mining or reporting errors', ok: 'no firmware error' }),
  poolExpected: () => ({ bad: 'on an unexpected pool or worker', ok: 'every miner on its expected pool' }),
};

/** `2 miners above 85 °C: s9-01 (91 °C), s9-07 (104 °C)`; at most 5 named. */
export function describeFindings(name: ConditionName, findings: readonly Finding[], limits: FleetLimits): string {
  const what = WHAT[name](limits);
  if (findings.length === 0) return what.ok;
  const named = findings.slice(0, 5).map((f) => `${f.miner} (${f.detail})`);
  const more = findings.length > 5 ? `, +${findings.length - 5} more` : '';
  return `${findings.length} miner${findings.length === 1 ? '' : 's'} ${what.bad}: ${named.join(', ')}${more}`;
}

/**
 * The fleet's health: reachability (`main`) first, then each condition as a component. Any
 * finding makes an otherwise ok fleet degraded, with every finding's summary in the message.
 */
export function fleetHealth(
  main: SourceHealth,
  conditions: FleetConditions,
  limits: FleetLimits,
  /** miners whose latest poll answered (only they were checked), of how many */
  reach?: { checked: number; total: number }
): SourceHealth {
  const components: NonNullable<SourceHealth['components']> = {};
  const problems: string[] = [];
  for (const name of Object.keys(conditions) as ConditionName[]) {
    const findings = conditions[name];
    // "every fan turning" would be a claim about miners nobody could ask
    if (reach && reach.checked === 0) {
      const message = reach.total === 0 ? 'no miner to check' : `not checked: none of ${reach.total} miners answered`;
      components[name] = { status: reach.total === 0 ? 'starting' : 'down', message, lastSuccess: main.lastSuccess };
      continue;
    }
    const partly = reach && reach.checked < reach.total && findings.length === 0 ? ` (of the ${reach.checked} of ${reach.total} miners that answered)` : '';
    const message = describeFindings(name, findings, limits) + partly;
    components[name] = { status: findings.length > 0 ? 'degraded' : 'ok', message, lastSuccess: main.lastSuccess };
    if (findings.length > 0) problems.push(message);
  }
  if (problems.length === 0) return { ...main, components };
  const status = main.status === 'ok' ? 'degraded' : main.status;
  return { ...main, status, message: [main.message, ...problems].join('; '), components };
}
