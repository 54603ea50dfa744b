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
//   Temperature), DEVS (per board Temperature, Chip Temp Avg, MHS), POOLS, DEVDETAILS (Model,
//   Driver `bitmicro`); no `version` command (identified by its refusal or by devdetails)
// - LuxOS (LUXminer): bmminer's SUMMARY/STATS/POOLS (it imitates bmminer, `Type` "Antminer …")
//   plus its own POWER (Watts) and FANS (RPM); identified by VERSION `LUXminer`
import type { ReplyDocument } from './client.js';
import type { ReadOnlyCommand } from './commands.js';

export const FLAVOURS = ['cgminer', 'bmminer', 'braiins', 'whatsminer', 'luxos', 'whatsminer-v3', 'axeos', 'epic', 'vnish'] as const;
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
  /** LuxOS pool group (`GROUP`): each group has a pool at work */
  group?: number;
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
  /**
   * Braiins OS only: RPM of every fan slot `fans` lists, fitted or empty (an S9 lists four,
   * two of them empty); the poller keeps the fitted ones in `fans` (see `fittedFans`)
   */
  fanSlots?: number[];
  accepted: number;
  rejected: number;
  stale: number;
  hardwareErrors: number;
  pools: Pool[];
  /** s */
  uptime: number | null;
  /** W, only when the firmware measures it */
  measuredWatts: number | null;
  /** H/s the firmware says this unit should do (bmminer `total_rateideal`, Braiins `Nominal MHS`, btminer `Factory GHS`) */
  nominalHashrate?: number | null;
  /** what the firmware says it is doing, where it says so (Braiins tuner, btminer `status`) */
  state?: OperatingState | null;
  /** firmware error codes or board faults, as the firmware names them */
  errors?: string[];
}

export type OperatingState = 'mining' | 'sleeping' | 'tuning';

export interface Identity {
  flavour: Flavour;
  model: string | null;
  firmware: string | null;
}

/**
 * Commands one poll sends, per flavour: `joined` as one `summary+pools+…` request on one
 * connection (cgminer answers each member in its own section: ckolivas/cgminer@b8491c6:
 * API-README:112-140, api.c:5119-5185), `alone` each on a connection of its own. pyasic sends
 * the same joined requests to every CGMiner-API family (pyasic@0.79.0:pyasic/miners/base.py:480-505
 * collects a read's commands into one `multicommand`; rpc/base.py:108-126 joins them with `+`).
 * Firmware that refuses the joined form is polled one command at a time (poller.ts).
 */
export const POLL_PLAN: Record<Flavour, { joined: ReadOnlyCommand[]; alone?: ReadOnlyCommand[] }> = {
  // estats: Avalon's `MM ID` strings carry boards, temperatures, fans and wall power (as pyasic
  // reads them: pyasic@0.79.0:pyasic/miners/backends/avalonminer.py:164-200, 272-470); firmware
  // without it refuses that member only
  cgminer: { joined: ['summary', 'devs', 'pools', 'estats'] },
  bmminer: { joined: ['summary', 'pools', 'stats'] },
  braiins: { joined: ['summary', 'pools', 'devs', 'temps', 'fans', 'tunerstatus'] },
  // btminer joins its CGMiner-compatible reads but not `status` or the `get_*` commands: pyasic
  // sends those alone and the rest as one `+` request (pyasic@0.79.0:pyasic/rpc/btminer.py:239-282,
  // "commands starting with get_ and the status command aren't supported" :249). `devs`, as
  // pyasic (pyasic@0.79.0:pyasic/miners/backends/btminer.py:93-95) and asic-rs read it;
  // `status` says whether btminer is mining (`btmineroff`), as pyasic reads it
  // (pyasic@0.79.0:pyasic/miners/backends/btminer.py:708-722)
  whatsminer: { joined: ['summary', 'pools', 'devs'], alone: ['status'] },
  // LuxOS: what pyasic reads for hashrate, boards, nominal, power, fans and pools
  // (pyasic@0.79.0:pyasic/miners/backends/luxminer.py:34-66: summary, stats, power, fans, pools);
  // it answers `+` requests as cgminer does (pyasic's LUXMiner.get_config sends one, :146-147)
  luxos: { joined: ['summary', 'pools', 'stats', 'power', 'fans'] },
  // btminer 2024-11 and later: polled over API v3 (port 4433, btminerV3.ts `V3_POLL`), not here
  'whatsminer-v3': { joined: [] },
  // HTTP firmware: read with GETs (http.ts `HTTP_READS`), not CGMiner commands
  axeos: { joined: [] },
  epic: { joined: [] },
  vnish: { joined: [] },
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

/** The model line of a `Type`: stock S9 bmminer sends "Antminer S9\nV1.3.58" (foreman-apps capture). */
function modelLine(value: string | null): string | null {
  const line = value?.split(/[\r\n]/)[0]?.trim();
  return line ? line : null;
}

/**
 * Works out the firmware family from a `version` reply (and `devdetails` when there is one).
 * `refusal` is the STATUS Description of a refused `version`: btminer has no `version` and
 * answers "invalid cmd" with Description "whatsminer v1.1".
 */
export function identify(version: ReplyDocument | undefined, devdetails?: ReplyDocument, refusal = ''): Identity {
  const v = rows(version, 'VERSION')[0] ?? {};
  const description = statusDescription(version) || refusal;
  const details = rows(devdetails, 'DEVDETAILS')[0];
  const detailModel = details ? modelLine(str(details.Model)) : null;
  const driver = details ? str(details.Driver) : '';
  const type = modelLine(str(v.Type) || null);
  if ('BOSminer' in v || 'BOSminer+' in v || 'BOSer' in v || /BOS(miner|er)/.test(description)) {
    const firmware = str(v.BOSminer ?? v['BOSminer+'] ?? v.BOSer) || description;
    return { flavour: 'braiins', model: detailModel ?? type, firmware };
  }
  // pyasic@0.79.0:pyasic/miners/factory.py:1072-1073 ("BTMINER" or "BITMICRO" in the reply);
  // the refusal's "whatsminer v1.1" is btminer's own answer to `version`
  if (/btminer|whatsminer/i.test(description) || 'BTMiner' in v || /bitmicro/i.test(driver) || /whatsminer/i.test(type ?? '')) {
    return { flavour: 'whatsminer', model: detailModel ?? type, firmware: str(v.Miner ?? v.BTMiner) || null };
  }
  // LuxOS imitates bmminer (`Type` "Antminer S19k Pro") but names itself in VERSION `LUXminer`
  // and every STATUS Description ("LUXminer 2025.4.8.220305-57b389c7"): pyasic looks for
  // "LUXMINER" in the reply (pyasic@0.79.0:pyasic/miners/factory.py:1074-1075), asic-rs too
  // (256foundation/asic-rs@fdcd101:asic-rs-firmwares/luxminer/src/firmware.rs:56-58). Its model
  // is `Type` up to a " (" suffix (factory.py:1510-1520), its version VERSION `Miner` (luxminer.py:398-407)
  if ('LUXminer' in v || /luxminer/i.test(description)) {
    return { flavour: 'luxos', model: type ? type.split(' (')[0]!.trim() : detailModel, firmware: str(v.Miner ?? v.LUXminer) || null };
  }
  if ('BMMiner' in v || /antminer/i.test(type ?? '')) {
    return { flavour: 'bmminer', model: type, firmware: str(v.Miner ?? v.BMMiner) || null };
  }
  // Avalon names itself in VERSION `PROD` ("Avalon Q"), as pyasic reads it
  // (pyasic@0.79.0:pyasic/miners/factory.py:1376-1380); its devdetails Model is ""
  return { flavour: 'cgminer', model: detailModel ?? type ?? modelLine(str(v.PROD) || null), firmware: str(v.CGMiner) || null };
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

/**
 * A sensor reading that is a temperature. Firmware fills empty and dead sensors with
 * placeholders, not temperatures: 0 for an empty slot (every capture), −83 for a dead chip
 * sensor on a stock S9 (`temp2_7`, foreman-apps capture), 0.0 for the Avalon Q's `Temperature`
 * (asic-rs capture). No board runs at or below 0 °C or at 200 °C.
 */
export function temperature(value: unknown): number | null {
  const n = num(value);
  return n !== null && n > 0 && n < 200 ? n : null;
}

/** Highest temperature in a bmminer "60-44" / "40-60-39-59" style reading; 0 and "-" are no reading. */
function maxDashed(value: unknown): number | null {
  if (typeof value === 'number') return temperature(value);
  if (typeof value !== 'string') return null;
  const parts = value
    .split('-')
    .map((p) => temperature(p))
    .filter((p): p is number => p !== null);
  return parts.length > 0 ? Math.max(...parts) : null;
}

function positive(value: unknown): number | null {
  const n = num(value);
  return n !== null && n > 0 ? n : null;
}

/** Unix seconds before 2001: a firmware's "seconds since start", not a time (Avalon Q: 31279). */
const MIN_UNIX_SECONDS = 1_000_000_000;

export function parsePools(document: ReplyDocument | undefined): Pool[] {
  const list = rows(document, 'POOLS')
    // a pool whose URL is "*" (user "*", priority 998) is a firmware's hidden fee pool that
    // reports "Stratum Active": true beside the user's pool (foreman-apps capture of an S9
    // bmminer 2.0.0 rwglr): not one of the miner's pools
    .filter((p) => str(p.URL).trim() !== '*')
    // an unconfigured slot (URL "", Status "Dead": stock S9, D3, E3, L3 captures in foreman-apps)
    // is not a dead pool
    .filter((p) => str(p.URL ?? p['Stratum URL']).trim() !== '')
    .map((p, i) => {
    const lastShare = num(p['Last Share Time']);
    const group = num(p.GROUP);
    return {
      index: num(p.POOL) ?? i,
      ...(group !== null ? { group } : {}),
      url: str(p.URL ?? p['Stratum URL']),
      user: str(p.User),
      status: str(p.Status) || 'unknown',
      priority: num(p.Priority) ?? i,
      active: p['Stratum Active'] === true,
      accepted: num(p.Accepted) ?? 0,
      rejected: num(p.Rejected) ?? 0,
      stale: num(p.Stale) ?? 0,
      // bmminer sometimes sends "0:00:12" (time since) and Avalon seconds since start instead
      // of a Unix time; neither is kept
      lastShareTime: lastShare !== null && lastShare >= MIN_UNIX_SECONDS ? lastShare * 1000 : null,
    };
  });
  // one pool gets the work: of those saying `Stratum Active`, the best priority; firmware
  // without the flag: the alive pool of best priority. LuxOS splits the work between pool groups
  // (`GROUP`, by quota): each group has its pool at work (asic-rs luxminer v1/pools.json: POOL 0
  // in group 0 and POOL 2 in group 1 both "Stratum Active", both with shares a second old)
  const byPriority = [...list].sort((a, b) => a.priority - b.priority);
  const groups = [...new Set(list.map((p) => p.group))];
  const active = new Set<Pool>();
  for (const group of groups) {
    const members = byPriority.filter((p) => p.group === group);
    const pick = members.find((p) => p.active) ?? members.find((p) => p.status === 'Alive');
    if (pick) active.add(pick);
  }
  for (const p of list) p.active = active.has(p);
  return list;
}

function bmminerStats(document: ReplyDocument | undefined, skipEmptySlots = false): { boards: Board[]; fans: number[]; row: Row | undefined } {
  const row = rows(document, 'STATS').find((r) => 'GHS 5s' in r || 'chain_rate1' in r || 'fan_num' in r);
  if (!row) return { boards: [], fans: [], row };
  const boards: Board[] = [];
  for (let n = 1; n <= 16; n++) {
    const rate = row[`chain_rate${n}`];
    const chips = num(row[`chain_acn${n}`]);
    const hasRate = rate !== undefined && rate !== '';
    if (!hasRate && !(chips !== null && chips > 0)) continue;
    const rateGh = num(rate);
    // LuxOS lists a fourth chain on a three-board S19k Pro: rate "0", no chips, `chain_acs4` ""
    // and temp_pcb4 "0-0-0-0" (asic-rs luxminer v1/stats.json, `miner_count` 3): an empty slot,
    // not a dead board (a dead board still has its temperature sensors)
    if (skipEmptySlots && !(rateGh ?? 0) && !(chips ?? 0) && maxDashed(row[`temp_pcb${n}`]) === null && maxDashed(row[`temp_chip${n}`]) === null) continue;
    // temp_pcbN "60-44" matches tempN 60 and temp_chipN "79-65" matches temp2_N 79 in the S9 SE
    // capture (check_cgminer): tempN is the PCB, temp2_N the chips
    const chipTemp = maxDashed(row[`temp_chip${n}`]) ?? temperature(row[`temp2_${n}`]) ?? temperature(row[`temp3_${n}`]);
    const boardTemp = maxDashed(row[`temp_pcb${n}`]) ?? temperature(row[`temp${n}`]);
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
  return { boards, fans: bmminerFans(row), row };
}

/**
 * `fan_num` fans, read from the first block of four slots (fan1-4 or fan5-8) where one
 * turns, as pyasic does (pyasic@0.79.0:pyasic/miners/backends/bmminer.py:228-241): a stock S9
 * says fan_num 2 with fan1-4 at 0 and its fans in fan5/fan6 (foreman-apps capture). A 0 inside
 * that block is a stopped fan; without fan_num, the turning fans are the fitted ones.
 */
function bmminerFans(row: Row): number[] {
  const fanCount = num(row.fan_num);
  const rpm = (n: number) => num(row[`fan${n}`]) ?? 0;
  if (fanCount === null) {
    return Array.from({ length: 8 }, (_, i) => rpm(i + 1)).filter((r) => r > 0);
  }
  const offset = [1, 5].find((first) => [0, 1, 2, 3].some((i) => rpm(first + i) > 0)) ?? 1;
  return Array.from({ length: Math.max(0, Math.min(fanCount, 16)) }, (_, i) => rpm(offset + i));
}

/**
 * Fans fitted to a Braiins OS miner. BOSminer's `fans` lists every slot the control board has
 * (four on an S9, two of them empty at 0 RPM: foreman-apps captures of BOSminer 0.2.0 and
 * BOSminer+ 0.2.0), with nothing saying which are fitted. Fitted are the first
 * `max(expected, seen)` slots: `expected` is the model's fan count (pyasic keeps that many:
 * pyasic@0.79.0:pyasic/miners/backends/braiins_os.py:499-505), `seen` is one past the last
 * slot ever seen turning on this miner, so a fan that stops later still counts as stopped.
 */
export function fittedFans(slots: readonly number[], expected: number | null, seen: number): number[] {
  const turning = slots.reduce((last, rpm, i) => (rpm > 0 ? i + 1 : last), 0);
  const count = Math.min(slots.length, Math.max(expected ?? 0, seen, turning));
  return slots.slice(0, count);
}

/**
 * Fans of an Antminer model, from pyasic's model table (pyasic@0.79.0:
 * pyasic/miners/device/models/antminer/X9/S9.py:26, X9/T9.py:26 → 2; X17/S17.py:25,
 * X19/S19.py:25 → 4); null when unknown or water-cooled (no fans to count).
 */
export function expectedFans(model: string | null | undefined): number | null {
  const m = (model ?? '').toLowerCase();
  if (/hyd|hydro|immersion/.test(m)) return null;
  if (/\b[st]9/.test(m)) return 2;
  if (/\b[st](17|19|21)/.test(m)) return 4;
  return null;
}

function devBoards(document: ReplyDocument | undefined): Board[] {
  return rows(document, 'DEVS').map((d, i) => ({
    index: num(d.ASC ?? d.ID ?? d.PGA ?? d.GPU) ?? i,
    hashrate: rateOf(d, '5s') ?? rateOf(d, 'av'),
    boardTemp: temperature(d.Temperature),
    chipTemp: temperature(d['Chip Temp Avg'] ?? d['Chip Temp Max']),
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
  let fanSlots: number[] | undefined;

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
          board.boardTemp = temperature(t.Board);
          board.chipTemp = temperature(t.Chip);
        } else {
          boards.push({ index: i, hashrate: null, boardTemp: temperature(t.Board), chipTemp: temperature(t.Chip), chips: null, hardwareErrors: null, status: 'unknown' });
        }
      });
      fanSlots = rows(documents.fans, 'FANS').map((f) => num(f.RPM) ?? 0);
      // without what the poller knows (model, slots seen turning): the turning ones count
      fans = fittedFans(fanSlots, null, 0);
      measuredWatts = positive(rows(documents.tunerstatus, 'TUNERSTATUS')[0]?.ApproximateMinerPowerConsumption);
      break;
    }
    case 'luxos': {
      const stats = bmminerStats(documents.stats, true);
      boards = stats.boards;
      statsRow = stats.row;
      // FANS RPM in the order listed, as pyasic reads them (pyasic@0.79.0:pyasic/miners/backends/luxminer.py:341-359);
      // stats `fanN` as bmminer when `fans` was refused
      const listed = rows(documents.fans, 'FANS').map((f) => num(f.RPM) ?? 0);
      fans = listed.length > 0 ? listed : stats.fans;
      // POWER[0].Watts (luxminer.py:313-325; asic-rs capture 1051 with "PSU": false, i.e. the
      // firmware's own estimate on a unit whose PSU does not report)
      measuredWatts = positive(rows(documents.power, 'POWER')[0]?.Watts);
      break;
    }
    case 'whatsminer': {
      boards = devBoards(documents.devs ?? documents.edevs);
      if (summary) {
        fans = [num(summary['Fan Speed In']), num(summary['Fan Speed Out'])].filter((f): f is number => f !== null);
        measuredWatts = positive(summary.Power_RT) ?? positive(summary.Power);
      }
      break;
    }
    case 'cgminer': {
      boards = devBoards(documents.devs);
      const mm = avalonMM(documents.estats);
      if (mm) {
        if (mm.boards.length > 0) boards = mm.boards;
        fans = mm.fans;
        measuredWatts = mm.wallWatts;
      }
      break;
    }
  }

  let nominal: number | null = null;
  let state: OperatingState | null = null;
  let errors: string[] | undefined;
  switch (flavour) {
    case 'luxos':
    case 'bmminer': {
      // LuxOS as well (pyasic@0.79.0:pyasic/miners/backends/luxminer.py:361-382)
      // STATS `total_rateideal` in `rate_unit` (GH when absent), as pyasic reads it
      // (pyasic@0.79.0:pyasic/miners/backends/bmminer.py:257-265); S19 Pro capture 110000.0 GH
      const ideal = positive(statsRow?.total_rateideal);
      if (ideal !== null) nominal = ideal * (RATE_UNITS.find(([u]) => u === `${str(statsRow?.rate_unit).toUpperCase() || 'GH'}S`)?.[1] ?? 1e9);
      break;
    }
    case 'braiins': {
      // `Nominal MHS` per board, summed (pyasic@0.79.0:pyasic/miners/backends/braiins_os.py:556-575)
      const perBoard = rows(documents.devs, 'DEVS').map((d) => positive(d['Nominal MHS'])).filter((n): n is number => n !== null);
      if (perBoard.length > 0) nominal = perBoard.reduce((a, b) => a + b, 0) * 1e6;
      const tuner = braiinsTuner(documents.tunerstatus);
      state = tuner.state;
      errors = tuner.errors;
      break;
    }
    case 'whatsminer': {
      // `Factory GHS` (pyasic@0.79.0:pyasic/miners/backends/btminer.py:644-660)
      const factory = positive(summary?.['Factory GHS']);
      if (factory !== null) nominal = factory * 1e9;
      errors = btminerErrors(summary);
      state = btminerState(documents.status);
      break;
    }
    case 'cgminer': {
      const mm = avalonMM(documents.estats);
      if (mm) {
        nominal = mm.nominal;
        state = mm.state;
        errors = mm.errors;
      }
      break;
    }
    default:
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
    ...(fanSlots ? { fanSlots } : {}),
    nominalHashrate: nominal,
    state,
    ...(errors ? { errors } : {}),
  };
}

// Braiins tuner chain states that are normal work, as pyasic sorts them
// (pyasic@0.79.0:pyasic/miners/backends/braiins_os.py:509-535): "Stable" is mining, the two
// tuning stages are tuning; any other status ("Failed {…}", …) is a board fault.
const TUNING_STATES = new Set(['Testing performance profile', 'Tuning individual chips']);

export function braiinsTuner(document: ReplyDocument | undefined): { state: OperatingState | null; errors: string[] } {
  const list = rows(document, 'TUNERSTATUS')[0]?.TunerChainStatus;
  const chains = Array.isArray(list) ? list.filter((c): c is Row => typeof c === 'object' && c !== null) : [];
  if (chains.length === 0) return { state: null, errors: [] };
  const errors: string[] = [];
  let tuning = false;
  for (const chain of chains) {
    const status = str(chain.Status);
    if (status === 'Stable') continue;
    if (TUNING_STATES.has(status)) tuning = true;
    else errors.push(`board ${str(chain.HashchainIndex)}: ${status.split(' {')[0]}`);
  }
  return { state: tuning ? 'tuning' : 'mining', errors };
}

/**
 * btminer error codes: `Error Code Count` and `Error Code 0..n-1` in SUMMARY, as pyasic reads
 * them (pyasic@0.79.0:pyasic/miners/backends/btminer.py:618-625); the capture has Count 0.
 */
export function btminerErrors(summary: Row | undefined): string[] {
  const count = num(summary?.['Error Code Count']);
  if (count === null || count <= 0) return [];
  const codes: string[] = [];
  for (let i = 0; i < Math.min(count, 64); i++) {
    const code = summary?.[`Error Code ${i}`];
    if (code !== undefined && code !== null && code !== '') codes.push(String(typeof code === 'object' ? Object.keys(code as object)[0] : code));
  }
  return codes;
}

/** btminer `status` Msg.btmineroff: "true" = the miner is stopped (sleeping), "false" = mining (asic-rs status.json capture). */
export function btminerState(document: ReplyDocument | undefined): OperatingState | null {
  const msg = document?.Msg;
  if (typeof msg !== 'object' || msg === null) return null;
  const off = (msg as Row).btmineroff ?? (msg as Row).mineroff;
  if (off === 'true' || off === true) return 'sleeping';
  if (off === 'false' || off === false) return 'mining';
  return null;
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

/** The pool at work (the first group's, where the firmware splits work between groups). */
export function activePool(snapshot: MinerSnapshot): Pool | undefined {
  return snapshot.pools.find((p) => p.active);
}

/** Every pool at work: one, or one per LuxOS pool group. */
export function activePools(snapshot: MinerSnapshot): Pool[] {
  return snapshot.pools.filter((p) => p.active);
}


/** `Key[value]` fields of an Avalon `MM ID` string; a value with spaces is a list. */
export function parseMMString(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of text.matchAll(/(\w+)\[([^\]]*)\]/g)) out.set(match[1]!, match[2]!.trim());
  return out;
}

const numbers = (value: string | undefined): number[] =>
  (value ?? '')
    .split(/\s+/)
    .map((v) => num(v))
    .filter((v): v is number => v !== null);

/**
 * Avalon `estats`: each `MM ID<n>` string of the STATS rows, read as pyasic reads it
 * (pyasic@0.79.0:pyasic/miners/backends/avalonminer.py): `MGHS` per-board GH/s (:295),
 * `MTmax` per-board hottest chip (:316), `Fan1`..`FanN` RPM (:453-475), `WALLPOWER` measured
 * wall power (:438-451), `GHSmm` the nominal GH/s (:388-406). `SYSTEMSTATU[Work: In Work, …]`
 * is mining; `ECHU` (per board) and `ECMM` non-zero are error codes. Null without an MM string.
 */
export function avalonMM(document: ReplyDocument | undefined): {
  boards: Board[];
  fans: number[];
  wallWatts: number | null;
  nominal: number | null;
  state: OperatingState | null;
  errors: string[];
} | null {
  const strings = rows(document, 'STATS').flatMap((row) =>
    Object.keys(row)
      .filter((k) => /^MM ID\d+$/.test(k) && typeof row[k] === 'string')
      .map((k) => parseMMString(row[k] as string))
  );
  if (strings.length === 0) return null;
  const boards: Board[] = [];
  const fans: number[] = [];
  const errors: string[] = [];
  let wallWatts = 0;
  let nominal = 0;
  let mining = false;
  for (const mm of strings) {
    const rates = numbers(mm.get('MGHS'));
    const hottest = numbers(mm.get('MTmax'));
    rates.forEach((ghs, i) =>
      boards.push({ index: boards.length, hashrate: ghs * 1e9, boardTemp: null, chipTemp: temperature(hottest[i]), chips: null, hardwareErrors: null, status: ghs > 0 ? 'Alive' : 'Dead' })
    );
    for (let n = 1; mm.has(`Fan${n}`); n++) fans.push(num(mm.get(`Fan${n}`)) ?? 0);
    wallWatts += positive(mm.get('WALLPOWER')) ?? 0;
    nominal += positive(mm.get('GHSmm')) ?? 0;
    if (/Work:\s*In Work/i.test(mm.get('SYSTEMSTATU') ?? '')) mining = true;
    numbers(mm.get('ECHU')).forEach((code, i) => {
      if (code !== 0) errors.push(`ECHU board ${i}: ${code}`);
    });
    for (const code of numbers(mm.get('ECMM'))) if (code !== 0) errors.push(`ECMM ${code}`);
  }
  return { boards, fans, wallWatts: wallWatts > 0 ? wallWatts : null, nominal: nominal > 0 ? nominal * 1e9 : null, state: mining ? 'mining' : null, errors };
}
