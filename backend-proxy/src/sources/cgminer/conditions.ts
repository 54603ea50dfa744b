// What is wrong with miners that still answer: hot boards, stopped fans, rejected shares, dead
// hash boards, dead pools. Pure: records in, named findings out. The source's health shows them
// as components, with the thresholds the alert rules use (provisioning/build/rules.ts), so
// "Save & test" and /api/health say what the alerts will say.
import type { SourceHealth } from '../types.js';
import { maxTemperature, rejectPercent } from './model.js';
import type { MinerRecord } from './poller.js';

export interface FleetLimits {
  /** a board above this is hot (the MinerBoardHot alert's threshold) */
  hotCelsius: number;
  /** share of rejected shares over the window that counts as too many (MinerRejectRateHigh) */
  rejectPercent: number;
  rejectWindowMs: number;
  /** fewer shares than this in the window say nothing yet */
  minShares: number;
}

export const DEFAULT_FLEET_LIMITS: FleetLimits = {
  hotCelsius: 85,
  rejectPercent: 5,
  rejectWindowMs: 15 * 60_000,
  minShares: 20,
};

/** One miner's finding: its name and what is seen, e.g. `s9-03 (104 °C)`. */
export interface Finding {
  miner: string;
  detail: string;
}

export type ConditionName = 'temperature' | 'fans' | 'shares' | 'hashboards' | 'pools';

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

export function fleetConditions(records: readonly MinerRecord[], limits: FleetLimits, now: number): FleetConditions {
  const found: FleetConditions = { temperature: [], fans: [], shares: [], hashboards: [], pools: [] };
  for (const record of records) {
    const snapshot = record.snapshot;
    // an offline miner's last snapshot is history: "offline" already says what matters
    if (record.status !== 'online' || !snapshot) continue;
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
export function fleetHealth(main: SourceHealth, conditions: FleetConditions, limits: FleetLimits): SourceHealth {
  const components: NonNullable<SourceHealth['components']> = {};
  const problems: string[] = [];
  for (const name of Object.keys(conditions) as ConditionName[]) {
    const findings = conditions[name];
    const message = describeFindings(name, findings, limits);
    components[name] = { status: findings.length > 0 ? 'degraded' : 'ok', message, lastSuccess: main.lastSuccess };
    if (findings.length > 0) problems.push(message);
  }
  if (problems.length === 0) return { ...main, components };
  const status = main.status === 'ok' ? 'degraded' : main.status;
  return { ...main, status, message: [main.message, ...problems].join('; '), components };
}
