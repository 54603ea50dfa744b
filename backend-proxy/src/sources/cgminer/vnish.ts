// VNish (AnthillOS) web API, read without logging in: GET /api/v1/info and /api/v1/summary, which
// the vendor's OpenAPI document ("xminer-api", VNish v1.3.4, kept in
// backend-proxy/test/fixtures/miners/vnish-api-doc) serves without a token (`/info` has no
// security requirement, `/summary` lists the empty one `{}`), unlike the settings and every write
// (unlock, mining start/stop, settings, find-miner), which are never sent. Fields as asic-rs
// reads them (256foundation/asic-rs@fdcd101:asic-rs-firmwares/vnish/src/backends/v1_3_0/mod.rs).
// Pure: tests feed replies straight in.
import { num, parsePools, temperature } from './model.js';
import type { Board, Identity, MinerSnapshot, OperatingState } from './model.js';
import { list, obj, text } from './reply.js';

export const VNISH_POLL = ['/api/v1/info', '/api/v1/summary'] as const;

/** Model: /info `miner` (the pretty name, as asic-rs firmware.rs:38-52 reads it), else `model`; firmware `fw_version`. */
export function vnishIdentity(info: unknown): Identity {
  const row = obj(info);
  const model = text(row.miner) || text(row.model);
  const version = text(row.fw_version);
  return {
    flavour: 'vnish',
    model: model ? model.slice(0, 100) : null,
    firmware: version ? version.slice(0, 100) : null,
  };
}

/** `hr_measure` of /info ("GH/s" | "MH/s") is the unit of every `hr_*`/`hashrate_*` figure; asic-rs assumes GH/s. */
function rateUnit(info: unknown): number {
  return text(obj(info).hr_measure) === 'MH/s' ? 1e6 : 1e9;
}

/** /info `system.uptime` "10 days, 18:00" or "5:07" (hours:minutes), as asic-rs parses it (mod.rs:665-712). */
export function vnishUptime(value: unknown): number | null {
  const s = text(value).trim();
  const m = /^(?:(\d+)\s*days?)?,?\s*(?:(\d+):(\d{2}))?$/.exec(s);
  if (!s || !m || (m[1] === undefined && m[2] === undefined)) return null;
  return Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3_600 + Number(m[3] ?? 0) * 60;
}

// PoolStatus (api-doc): active = the pool getting work, working = alive, rejecting = alive but
// refusing shares, offline = dead, disabled = switched off (asic-rs mod.rs:767-773 sorts them the same)
const POOL_STATUS: Record<string, string> = {
  active: 'Alive',
  working: 'Alive',
  rejecting: 'Rejecting',
  offline: 'Dead',
  disabled: 'Disabled',
};

/**
 * /summary `miner` (AntmMinerStats) as the unified snapshot: `hr_realtime`/`hr_average`/`hr_nominal`;
 * per chain `hashrate_rt`, `pcb_temp.max`, `chip_temp.max`, `hw_errors`, `status.state`; `cooling.fans[].rpm`
 * (a fan with status "lost" reads 0); `power_consumption` W (the firmware's figure); user pools only
 * (`pool_type` DevFee and Refund are the firmware's own), `status` "active" the one in use;
 * `miner_status.miner_state`: mining, auto-tuning = tuning, stopped = sleeping, failure = an error
 * with its `description`; a chain in state failure/disconnected is an error too.
 */
export function vnishSnapshot(info: unknown, summary: unknown): MinerSnapshot {
  const unit = rateUnit(info);
  const miner = obj(obj(summary).miner);
  const rate = (value: unknown) => {
    const n = num(value);
    return n === null ? null : n * unit;
  };
  const errors: string[] = [];
  const boards: Board[] = list(miner.chains).map((chain, i) => {
    const hashrate = rate(chain.hashrate_rt);
    const state = text(obj(chain.status).state);
    if (state === 'failure' || state === 'disconnected') {
      const why = text(obj(chain.status).description);
      errors.push(`chain ${num(chain.id) ?? i + 1}: ${state}${why ? ` (${why.slice(0, 100)})` : ''}`);
    }
    return {
      // VNish numbers chains from 1 (asic-rs mod.rs:385-389)
      index: (num(chain.id) ?? i + 1) - 1,
      hashrate,
      boardTemp: temperature(obj(chain.pcb_temp).max),
      chipTemp: temperature(obj(chain.chip_temp).max),
      chips: null,
      hardwareErrors: num(chain.hw_errors),
      status:
        state === 'mining' ? 'Alive' : state === '' ? (hashrate !== null && hashrate > 0 ? 'Alive' : 'Dead') : state,
    };
  });
  const fans = list(obj(miner.cooling).fans).map((f) => (text(f.status) === 'lost' ? 0 : (num(f.rpm) ?? 0)));
  const userPools = list(miner.pools).filter((p) => (text(p.pool_type) || 'UserPool') === 'UserPool');
  const pools = parsePools({
    POOLS: userPools.map((p, i) => ({
      POOL: num(p.id) ?? i,
      URL: p.url,
      User: p.user,
      Status: POOL_STATUS[text(p.status)] ?? 'unknown',
      Priority: num(p.id) ?? i,
      'Stratum Active': text(p.status) === 'active',
      Accepted: p.accepted,
      Rejected: p.rejected,
      Stale: p.stale,
    })),
  });
  const status = obj(miner.miner_status);
  const minerState = text(status.miner_state);
  const state: OperatingState | null =
    minerState === 'mining'
      ? 'mining'
      : minerState === 'auto-tuning'
        ? 'tuning'
        : minerState === 'stopped'
          ? 'sleeping'
          : null;
  if (minerState === 'failure')
    errors.unshift(
      `failure${text(status.description) ? `: ${text(status.description).slice(0, 150)}` : ''}${num(status.failure_code) !== null ? ` (code ${num(status.failure_code)})` : ''}`
    );
  const watts = num(miner.power_consumption);
  const nominal = rate(miner.hr_nominal);
  const sum = (key: 'accepted' | 'rejected' | 'stale') => userPools.reduce((total, p) => total + (num(p[key]) ?? 0), 0);
  return {
    hashrate: rate(miner.hr_realtime),
    hashrateAvg: rate(miner.hr_average),
    boards,
    fans,
    accepted: sum('accepted'),
    rejected: sum('rejected'),
    stale: sum('stale'),
    hardwareErrors: num(miner.hw_errors) ?? 0,
    pools,
    uptime: vnishUptime(obj(obj(info).system).uptime),
    measuredWatts: watts !== null && watts > 0 ? watts : null,
    nominalHashrate: nominal !== null && nominal > 0 ? nominal : null,
    state,
    errors,
  };
}
