// Whatsminer API v3 (btminer firmware from 2024-11 on): TCP, default port 4433, one request per
// connection, each message a 4-byte little-endian length then JSON: `{"cmd":"get.miner.status",
// "param":"summary"}` -> `{"code":0,"desc":…,"msg":{…},"when":…}`, `code` 0 = success
// (pyasic@0.79.0:pyasic/rpc/btminer.py:1157-1282; 256foundation/asic-rs@fdcd101:
// asic-rs-firmwares/whatsminer/src/backends/v3/rpc.rs:71-160, port 4433 at :165-168).
// Reads only: `set.*` commands need a salted token and are never sent; every (cmd, param) pair is
// checked against the allow-list below before a socket opens. I/O in `sendV3`, the rest is pure.
import { UpstreamError } from '../types.js';
import { CgminerStatusError, type ClientOptions, type MinerEndpoint } from './client.js';
import { DEFAULT_MAX_BYTES, tcpExchange } from './tcp.js';
import { PrivilegedCommandError } from './commands.js';
import { num, parsePools, temperature } from './model.js';
import type { Board, Identity, MinerSnapshot, OperatingState } from './model.js';
import { list, obj, type Row } from './reply.js';

/** The default API v3 port (asic-rs v3/rpc.rs:168, pyasic rpc/btminer.py:1158, factory.py:1026). */
export const V3_PORT = 4433;

/**
 * The reads of API v3 and the params each takes, as pyasic and asic-rs send them
 * (pyasic@0.79.0:pyasic/rpc/btminer.py:1315-1349; asic-rs v3/mod.rs:91-144, firmware.rs
 * `get.device.info` with param "miner"). Nothing else is ever sent.
 */
export const V3_READS: Readonly<Record<string, readonly (string | null)[]>> = {
  'get.device.info': [null, 'miner', 'salt'],
  'get.miner.status': ['summary', 'pools', 'edevs'],
  'get.miner.setting': [null],
  'get.fan.setting': [null],
};

/** What one poll sends: device info (model, firmware, error codes, working), summary, pools, per-board edevs. */
export const V3_POLL: ReadonlyArray<{ cmd: string; param: string | null; key: V3Key }> = [
  { cmd: 'get.device.info', param: null, key: 'device' },
  { cmd: 'get.miner.status', param: 'summary', key: 'summary' },
  { cmd: 'get.miner.status', param: 'pools', key: 'pools' },
  { cmd: 'get.miner.status', param: 'edevs', key: 'edevs' },
];

export type V3Key = 'device' | 'summary' | 'pools' | 'edevs';
export type V3Documents = Partial<Record<V3Key, Record<string, unknown>>>;

/** Throws unless (cmd, param) is an allow-listed read. */
export function assertV3Read(cmd: string, param: string | null): void {
  const params = Object.prototype.hasOwnProperty.call(V3_READS, cmd) ? V3_READS[cmd] : undefined;
  if (!params || !params.includes(param)) {
    const shown = /^[a-z._-]{1,40}$/.test(cmd) ? `"${cmd}"` : 'a non-command string';
    throw new PrivilegedCommandError(
      `refused ${shown}: only Whatsminer API v3 reads are sent (${Object.keys(V3_READS).join(', ')})`
    );
  }
}

/** Frames a request: 4-byte little-endian length, then the JSON. */
export function frameV3(body: Record<string, unknown>): Buffer {
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(json.length, 0);
  return Buffer.concat([header, json]);
}

/** Sends one allow-listed read and returns the reply's JSON object (code 0), else throws. */
export async function sendV3(
  endpoint: MinerEndpoint,
  cmd: string,
  param: string | null,
  options: ClientOptions
): Promise<Record<string, unknown>> {
  assertV3Read(cmd, param); // before any socket exists
  const body = param === null ? { cmd } : { cmd, param };
  const text = await exchangeV3(endpoint, frameV3(body), options);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UpstreamError(`${cmd}: the API v3 reply is not JSON`, 'bad-json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UpstreamError(`${cmd}: the API v3 reply is not a JSON object`, 'bad-json');
  const reply = value as Record<string, unknown>;
  // asic-rs v3/rpc.rs:71-95: `code` 0 is success, anything else (or none) a refusal with `msg`
  if (reply.code !== 0) {
    const msg = typeof reply.msg === 'string' ? reply.msg.slice(0, 200) : 'error';
    const code = typeof reply.code === 'number' ? reply.code : undefined;
    throw new CgminerStatusError(`${cmd}: miner replied code ${code ?? '?'}: ${msg}`, code, 'E');
  }
  return reply;
}

function exchangeV3(endpoint: MinerEndpoint, request: Buffer, options: ClientOptions): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let buffer = Buffer.alloc(0);
  return tcpExchange(endpoint, request, options, (where) => ({
    data(chunk) {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length < 4) return undefined;
      const length = buffer.readUInt32LE(0);
      if (length > maxBytes) return new UpstreamError(`${where}: reply larger than ${maxBytes} bytes`, 'too-large');
      return buffer.length >= 4 + length ? { reply: buffer.subarray(4, 4 + length).toString('utf8') } : undefined;
    },
    end: () =>
      new UpstreamError(
        `${where}: connection closed before the whole reply`,
        buffer.length === 0 ? 'empty' : 'bad-json'
      ),
  }));
}

/**
 * Whether a btminer firmware version speaks API v3: its date part (`20251209.16.Rel2`) is
 * 2024-11-01 or later, as asic-rs decides (asic-rs-firmwares/whatsminer/src/firmware.rs:60-68,
 * `date >= 20241101`) and pyasic (pyasic@0.79.0:pyasic/miners/backends/btminer.py:38-51, later than 2024.11.0).
 */
export function speaksV3(firmware: string | null | undefined): boolean {
  const date = /^(\d{8})/.exec(firmware ?? '')?.[1];
  return date !== undefined && Number(date) >= 20241101;
}

const TH = 1e12;
const th = (value: unknown): number | null => {
  const n = num(value);
  return n === null ? null : n * TH;
};

/** Model and firmware from `get.device.info` (msg.miner.type, msg.system.fwversion), as pyasic and asic-rs read them. */
export function v3Identity(device: Row | undefined, known: Identity): Identity {
  const msg = obj(device?.msg);
  const type = obj(msg.miner).type;
  const fw = obj(msg.system).fwversion;
  return {
    flavour: 'whatsminer-v3',
    model: typeof type === 'string' && type !== '' ? type.slice(0, 100) : known.model,
    firmware: typeof fw === 'string' && fw !== '' ? fw.slice(0, 100) : known.firmware,
  };
}

/**
 * One poll's API v3 replies as the unified snapshot. Field by field, as pyasic reads them
 * (pyasic@0.79.0:pyasic/miners/backends/btminer.py) and asic-rs (v3/mod.rs):
 * summary `hash-realtime`/`hash-average` TH/s (:1318-1341), `power-realtime` W (:1298-1316),
 * `fan-speed-in`/`-out` (:1113-1130), `factory-hash` TH/s nominal (:1343-1369), `elapsed` s;
 * `board-temperature[i]` per board; edevs `hash-realtime`, `chip-temp-avg`, `effective-chips`
 * (:1205-1256 reads the same rows); pools `url`, `account`, `status`, `pool-priority`,
 * `stratum-active` (asic-rs v3/mod.rs:600-625); device.info `miner.working` "true"/"false"
 * (mining/sleeping, asic-rs :587) and `error-code` entries, each keyed by its code (:1152-1187).
 */
export function v3Snapshot(docs: V3Documents): MinerSnapshot {
  const summary = obj(obj(docs.summary?.msg).summary);
  const edevs = list(obj(docs.edevs?.msg).edevs);
  const boardTemps = Array.isArray(summary['board-temperature']) ? (summary['board-temperature'] as unknown[]) : [];
  const boards: Board[] = edevs.map((d, i) => {
    const rate = th(d['hash-realtime']) ?? th(d['hash-average']);
    return {
      index: num(d.id) ?? i,
      hashrate: rate,
      boardTemp: temperature(boardTemps[i]),
      chipTemp: temperature(d['chip-temp-avg']),
      chips: num(d['effective-chips']),
      hardwareErrors: null,
      status: rate !== null && rate > 0 ? 'Alive' : 'Dead',
    };
  });
  // the v3 pools rows in the CGMiner names parsePools knows (status "alive" -> "Alive")
  const pools = parsePools({
    POOLS: list(obj(docs.pools?.msg).pools).map((p, i) => ({
      POOL: i,
      URL: p.url,
      User: p.account,
      Status: typeof p.status === 'string' ? p.status.charAt(0).toUpperCase() + p.status.slice(1) : undefined,
      Priority: p['pool-priority'],
      'Stratum Active': p['stratum-active'],
    })),
  });
  const device = obj(docs.device?.msg);
  const working = obj(device.miner).working;
  const state: OperatingState | null =
    working === 'true' || working === true ? 'mining' : working === 'false' || working === false ? 'sleeping' : null;
  const errors = list(device['error-code']).flatMap((entry) =>
    Object.keys(entry).filter((k) => k !== 'reason' && /^\d+$/.test(k))
  );
  const watts = num(summary['power-realtime']);
  const factory = num(summary['factory-hash']);
  const fans = [num(summary['fan-speed-in']), num(summary['fan-speed-out'])].filter((f): f is number => f !== null);
  return {
    hashrate: th(summary['hash-realtime']),
    hashrateAvg: th(summary['hash-average']),
    boards,
    fans,
    accepted: 0,
    rejected: 0,
    stale: 0,
    hardwareErrors: 0,
    pools,
    uptime: num(summary.elapsed),
    measuredWatts: watts !== null && watts > 0 ? watts : null,
    // pyasic drops −0.001 a board, btminer's "no figure" (btminer.py:1360-1363): only positive figures count
    nominalHashrate: factory !== null && factory > 0 ? factory * TH : null,
    state,
    errors,
  };
}
