// One miner model for four firmware families, from the documents their CGMiner-compatible
// APIs return. Pure: tests feed captured replies straight in.
//
// - cgminer (stock, e.g. Avalon/USB sticks): SUMMARY + DEVS (MHS), POOLS
// - bmminer / Antminer stock firmware: SUMMARY (GHS 5s/GHS av) + STATS (chain_rateN in GH/s,
//   temp_pcbN / temp_chipN "a-b-c-d" strings or temp2_N, fanN up to fan_num, chain_acnN,
//   chain_hwN), POOLS. The model name is VERSION/STATS `Type`.
// - Braiins OS (BOSminer/BOSer): its CGMiner-compatible subset: SUMMARY + DEVS (MHS),
//   TEMPS (Board/Chip per hash chain), FANS (RPM), TUNERSTATUS (ApproximateMinerPowerConsumption
//   = measured power), POOLS, DEVDETAILS (Model)
// - Whatsminer btminer: SUMMARY (MHS, Fan Speed In/Out, Power or Power_RT = measured power,
//   Temperature), EDEVS (per board Temperature, Chip Temp Avg, MHS), POOLS, DEVDETAILS (Model)
import type { ReplyDocument } from './client.js';
import type { ReadOnlyCommand } from './commands.js';

export const FLAVOURS = ['cgminer', 'bmminer', 'braiins', 'whatsminer'] as const;
export type Flavour = (typeof FLAVOURS)[number];

export interface Board {
  index: number;
  /** H/s */
  hashrate: number | null;
  boardTemp: number | null;
  chipTemp: number | null;
  chips: number | null;
  hardwareErrors: number | null;
  status: string;
}

export interface Pool {
  index: number;
  url: string;
  user: string;
  status: string;
  priority: number;
  active: boolean;
  accepted: number;
  rejected: number;
  stale: number;
  /** ms since epoch, null when never or unknown */
  lastShareTime: number | null;
}

export interface MinerSnapshot {
  /** H/s, 5-second rate */
  hashrate: number | null;
  /** H/s, average since start */
  hashrateAvg: number | null;
  boards: Board[];
  /** RPM of each fan the firmware reports as fitted */
  fans: number[];
  accepted: number;
  rejected: number;
  stale: number;
  hardwareErrors: number;
  pools: Pool[];
  /** s */
  uptime: number | null;
  /** W, only when the firmware measures it */
  measuredWatts: number | null;
}

export interface Identity {
  flavour: Flavour;
  model: string | null;
  firmware: string | null;
}

/** Commands one poll sends, per flavour; `multi` = one `+`-joined connection. */
export const POLL_PLAN: Record<Flavour, { multi: boolean; commands: ReadOnlyCommand[] }> = {
  cgminer: { multi: true, commands: ['summary', 'devs', 'pools'] },
  bmminer: { multi: true, commands: ['summary', 'pools', 'stats'] },
  braiins: { multi: true, commands: ['summary', 'pools', 'devs', 'temps', 'fans', 'tunerstatus'] },
  // btminer answers one command per connection reliably; `+` is not used with it
  whatsminer: { multi: false, commands: ['summary', 'pools', 'edevs'] },
};

type Documents = Partial<Record<ReadOnlyCommand, ReplyDocument>>;
type Row = Record<string, unknown>;

export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value == null ? '' : String(value);
}

function rows(document: ReplyDocument | undefined, key: string): Row[] {
  const value = document?.[key];
  return Array.isArray(value) ? value.filter((r): r is Row => typeof r === 'object' && r !== null) : [];
}

function statusDescription(document: ReplyDocument | undefined): string {
  const status = Array.isArray(document?.STATUS) ? document.STATUS[0] : document?.STATUS;
  return typeof status === 'object' && status ? str(status.Description) : '';
}

/** Works out the firmware family from a `version` reply (and `devdetails` when there is one). */
export function identify(version: ReplyDocument | undefined, devdetails?: ReplyDocument): Identity {
  const v = rows(version, 'VERSION')[0] ?? {};
  const description = statusDescription(version);
  const details = rows(devdetails, 'DEVDETAILS')[0];
  const detailModel = details ? str(details.Model) || null : null;
  const type = str(v.Type) || null;
  if ('BOSminer' in v || 'BOSminer+' in v || 'BOSer' in v || /BOS(miner|er)/.test(description)) {
    const firmware = str(v.BOSminer ?? v['BOSminer+'] ?? v.BOSer) || description;
    return { flavour: 'braiins', model: detailModel ?? type, firmware };
  }
  if (/btminer/i.test(description) || 'BTMiner' in v || /whatsminer/i.test(type ?? '')) {
    return { flavour: 'whatsminer', model: detailModel ?? type, firmware: str(v.Miner ?? v.BTMiner) || null };
  }
  if ('BMMiner' in v || /antminer/i.test(type ?? '')) {
    return { flavour: 'bmminer', model: type, firmware: str(v.Miner ?? v.BMMiner) || null };
  }
  return { flavour: 'cgminer', model: detailModel ?? type, firmware: str(v.CGMiner) || null };
}

const RATE_UNITS: Array<[string, number]> = [
  ['THS', 1e12],
  ['GHS', 1e9],
  ['MHS', 1e6],
  ['KHS', 1e3],
];

/** Reads a rate given with any unit prefix (`GHS 5s`, `MHS av` …) as H/s. */
export function rateOf(row: Row | undefined, suffix: string): number | null {
  if (!row) return null;
  for (const [unit, factor] of RATE_UNITS) {
    const value = num(row[`${unit} ${suffix}`]);
    if (value !== null) return value * factor;
  }
  return null;
}

/** Highest number in a bmminer "60-44" / "40-60-39-59" style reading; 0 and "-" are no reading. */
function maxDashed(value: unknown): number | null {
  if (typeof value === 'number') return value > 0 ? value : null;
  if (typeof value !== 'string') return null;
  const parts = value
    .split('-')
    .map((p) => Number(p))
    .filter((p) => Number.isFinite(p) && p > 0);
  return parts.length > 0 ? Math.max(...parts) : null;
}

function positive(value: unknown): number | null {
  const n = num(value);
  return n !== null && n > 0 ? n : null;
}

export function parsePools(document: ReplyDocument | undefined): Pool[] {
  const list = rows(document, 'POOLS').map((p, i) => {
    const lastShare = num(p['Last Share Time']);
    return {
      index: num(p.POOL) ?? i,
      url: str(p.URL ?? p['Stratum URL']),
      user: str(p.User),
      status: str(p.Status) || 'unknown',
      priority: num(p.Priority) ?? i,
      active: p['Stratum Active'] === true,
      accepted: num(p.Accepted) ?? 0,
      rejected: num(p.Rejected) ?? 0,
      stale: num(p.Stale) ?? 0,
      // bmminer sometimes sends "0:00:12" (time since) instead of a Unix time; that is not kept
      lastShareTime: lastShare !== null && lastShare > 0 ? lastShare * 1000 : null,
    };
  });
  // firmware without `Stratum Active`: the alive pool of best priority gets the work
  if (list.length > 0 && !list.some((p) => p.active)) {
    const alive = list.filter((p) => p.status === 'Alive').sort((a, b) => a.priority - b.priority)[0];
    if (alive) alive.active = true;
  }
  return list;
}

function bmminerStats(document: ReplyDocument | undefined): { boards: Board[]; fans: number[]; row: Row | undefined } {
  const row = rows(document, 'STATS').find((r) => 'GHS 5s' in r || 'chain_rate1' in r || 'fan_num' in r);
  if (!row) return { boards: [], fans: [], row };
  const boards: Board[] = [];
  for (let n = 1; n <= 16; n++) {
    const rate = row[`chain_rate${n}`];
    const chips = num(row[`chain_acn${n}`]);
    const hasRate = rate !== undefined && rate !== '';
    if (!hasRate && !(chips !== null && chips > 0)) continue;
    const rateGh = num(rate);
    const chipTemp = maxDashed(row[`temp_chip${n}`]) ?? positive(row[`temp2_${n}`]) ?? positive(row[`temp3_${n}`]);
    const boardTemp = maxDashed(row[`temp_pcb${n}`]) ?? positive(row[`temp${n}`]);
    boards.push({
      index: n - 1,
      hashrate: rateGh === null ? null : rateGh * 1e9,
      boardTemp,
      chipTemp,
      chips,
      hardwareErrors: num(row[`chain_hw${n}`]),
      status: rateGh !== null && rateGh > 0 ? 'Alive' : 'Dead',
    });
  }
  const fanCount = num(row.fan_num);
  const fans: number[] = [];
  if (fanCount !== null) {
    for (let n = 1; n <= fanCount; n++) fans.push(num(row[`fan${n}`]) ?? 0);
  } else {
    for (let n = 1; n <= 8; n++) {
      const rpm = num(row[`fan${n}`]);
      if (rpm !== null && rpm > 0) fans.push(rpm);
    }
  }
  return { boards, fans, row };
}

function devBoards(document: ReplyDocument | undefined): Board[] {
  return rows(document, 'DEVS').map((d, i) => ({
    index: num(d.ASC ?? d.ID ?? d.PGA ?? d.GPU) ?? i,
    hashrate: rateOf(d, '5s') ?? rateOf(d, 'av'),
    boardTemp: positive(d.Temperature),
    chipTemp: positive(d['Chip Temp Avg'] ?? d['Chip Temp Max']),
    chips: num(d['Effective Chips'] ?? d.Chips),
    hardwareErrors: num(d['Hardware Errors']),
    status: str(d.Status) || 'unknown',
  }));
}

/** Turns one poll's documents into the unified snapshot. */
export function toSnapshot(flavour: Flavour, documents: Documents): MinerSnapshot {
  const summary = rows(documents.summary, 'SUMMARY')[0];
  let boards: Board[] = [];
  let fans: number[] = [];
  let measuredWatts: number | null = null;
  let statsRow: Row | undefined;

  switch (flavour) {
    case 'bmminer': {
      const stats = bmminerStats(documents.stats);
      boards = stats.boards;
      fans = stats.fans;
      statsRow = stats.row;
      break;
    }
    case 'braiins': {
      boards = devBoards(documents.devs);
      const temps = rows(documents.temps, 'TEMPS');
      temps.forEach((t, i) => {
        const board = boards[i];
        if (board) {
          board.boardTemp = positive(t.Board);
          board.chipTemp = positive(t.Chip);
        } else {
          boards.push({ index: i, hashrate: null, boardTemp: positive(t.Board), chipTemp: positive(t.Chip), chips: null, hardwareErrors: null, status: 'unknown' });
        }
      });
      fans = rows(documents.fans, 'FANS').map((f) => num(f.RPM) ?? 0);
      measuredWatts = positive(rows(documents.tunerstatus, 'TUNERSTATUS')[0]?.ApproximateMinerPowerConsumption);
      break;
    }
    case 'whatsminer': {
      boards = devBoards(documents.edevs ?? documents.devs);
      if (summary) {
        fans = [num(summary['Fan Speed In']), num(summary['Fan Speed Out'])].filter((f): f is number => f !== null);
        measuredWatts = positive(summary.Power_RT) ?? positive(summary.Power);
      }
      break;
    }
    case 'cgminer':
      boards = devBoards(documents.devs);
      break;
  }

  const hashrate = rateOf(summary, '5s') ?? rateOf(statsRow, '5s') ?? sumBoards(boards);
  return {
    hashrate,
    hashrateAvg: rateOf(summary, 'av') ?? rateOf(statsRow, 'av'),
    boards,
    fans,
    accepted: num(summary?.Accepted) ?? 0,
    rejected: num(summary?.Rejected) ?? 0,
    stale: num(summary?.Stale) ?? 0,
    hardwareErrors: num(summary?.['Hardware Errors']) ?? 0,
    pools: parsePools(documents.pools),
    uptime: num(summary?.Elapsed ?? summary?.Uptime ?? statsRow?.Elapsed),
    measuredWatts,
  };
}

function sumBoards(boards: Board[]): number | null {
  const rates = boards.map((b) => b.hashrate).filter((r): r is number => r !== null);
  return rates.length > 0 ? rates.reduce((a, b) => a + b, 0) : null;
}

/** Hottest reading of any board (chip or PCB), or the summary's single temperature. */
export function maxTemperature(snapshot: MinerSnapshot): number | null {
  let max: number | null = null;
  for (const board of snapshot.boards) {
    for (const t of [board.chipTemp, board.boardTemp]) if (t !== null && (max === null || t > max)) max = t;
  }
  return max;
}

export function rejectPercent(accepted: number, rejected: number, stale = 0): number | null {
  const total = accepted + rejected + stale;
  return total > 0 ? (rejected / total) * 100 : null;
}

export function activePool(snapshot: MinerSnapshot): Pool | undefined {
  return snapshot.pools.find((p) => p.active);
}
