// AxeOS (ESP-Miner: Bitaxe, NerdAxe and kin): one read, GET /api/system/info, whose fields are
// written by bitaxeorg/ESP-Miner@5c27713:main/http_server/system_api_json.c (telemetry :46-118,
// configuration and pools :120-220). Pure: tests feed captured replies straight in.
import { num, parsePools, temperature, type Identity, type MinerSnapshot, type OperatingState } from './model.js';
import { obj, text } from './reply.js';

export const AXEOS_POLL = ['/api/system/info'] as const;

/**
 * Model: `ASICModel` ("BM1368"), as pyasic names the model from it
 * (pyasic@0.79.0:pyasic/miners/factory.py:1548-1559, BM1368 = Supra, BM1366 = Ultra, BM1370 =
 * Gamma: :686-691); firmware: `version` ("v2.4.5-3-gb5d1e36-dirty" in asic-rs's capture).
 */
export function axeosIdentity(info: unknown): Identity {
  const row = obj(info);
  const model = text(row.ASICModel);
  const version = text(row.version);
  return {
    flavour: 'axeos',
    model: model && model !== 'Unknown' ? model.slice(0, 100) : null,
    firmware: version ? version.slice(0, 100) : null,
  };
}

/** `stratum+tcp://host:port` from AxeOS's host-only `stratumURL` and its port (a URL with a scheme kept as it is). */
function poolUrl(host: string, port: unknown): string {
  if (host === '') return '';
  if (/^[a-z0-9+.-]+:\/\//i.test(host)) return host;
  const p = num(port);
  return `stratum+tcp://${host}${p !== null && p > 0 ? `:${p}` : ''}`;
}

/**
 * `/api/system/info` as the unified snapshot: `hashRate` GH/s (pyasic reads it in GH:
 * pyasic@0.79.0:pyasic/miners/backends/espminer.py:92-111), one board with the ASIC `temp` as chip
 * temperature and `vrTemp` (the voltage regulator) as board temperature (espminer.py:176-193 reads
 * the same two), `asicCount` chips, `fanrpm` (espminer.py:200-215), `power` W measured by the
 * board's power monitor, `sharesAccepted`/`sharesRejected`, `uptimeSeconds`; nominal
 * `expectedHashrate` GH/s, else `smallCoreCount` × `asicCount` × `frequency` MH/s (espminer.py:113-149);
 * pools: the primary (`stratumURL`/`stratumPort`/`stratumUser`) and the fallback, the one in use
 * per `isUsingFallbackStratum`; `miningPaused` true = sleeping; `power_fault`, `hardware_fault`
 * and `overheat_mode` 1 are firmware errors.
 */
export function axeosSnapshot(info: unknown): MinerSnapshot {
  const row = obj(info);
  const gh = num(row.hashRate);
  const hashrate = gh === null ? null : gh * 1e9;
  const asics = num(row.asicCount);
  const fallback = num(row.isUsingFallbackStratum) === 1;
  const accepted = num(row.sharesAccepted) ?? 0;
  const rejected = num(row.sharesRejected) ?? 0;
  const pools = parsePools({
    POOLS: [
      {
        POOL: 0,
        URL: poolUrl(text(row.stratumURL), row.stratumPort),
        User: row.stratumUser,
        Priority: 0,
        'Stratum Active': !fallback,
        Status: fallback ? 'unknown' : 'Alive',
        Accepted: fallback ? 0 : accepted,
        Rejected: fallback ? 0 : rejected,
      },
      {
        POOL: 1,
        URL: poolUrl(text(row.fallbackStratumURL), row.fallbackStratumPort),
        User: row.fallbackStratumUser,
        Priority: 1,
        'Stratum Active': fallback,
        Status: fallback ? 'Alive' : 'unknown',
        Accepted: fallback ? accepted : 0,
        Rejected: fallback ? rejected : 0,
      },
    ],
  });
  let nominal = num(row.expectedHashrate);
  if (nominal !== null && nominal > 0) nominal *= 1e9;
  else {
    const cores = num(row.smallCoreCount);
    const freq = num(row.frequency);
    nominal =
      cores !== null && asics !== null && freq !== null && cores * asics * freq > 0 ? cores * asics * freq * 1e6 : null;
  }
  const paused = row.miningPaused;
  const state: OperatingState | null = paused === true ? 'sleeping' : paused === false ? 'mining' : null;
  const errors = [text(row.power_fault), text(row.hardware_fault), num(row.overheat_mode) === 1 ? 'overheat mode' : '']
    .filter((e) => e !== '')
    .map((e) => e.slice(0, 200));
  const watts = num(row.power);
  const fan = num(row.fanrpm);
  return {
    hashrate,
    hashrateAvg: null,
    boards: [
      {
        index: 0,
        hashrate,
        boardTemp: temperature(row.vrTemp),
        chipTemp: temperature(row.temp),
        chips: asics,
        hardwareErrors: null,
        status: hashrate !== null && hashrate > 0 ? 'Alive' : 'Dead',
      },
    ],
    fans: fan === null ? [] : [fan],
    accepted,
    rejected,
    stale: 0,
    hardwareErrors: 0,
    pools,
    uptime: num(row.uptimeSeconds),
    measuredWatts: watts !== null && watts > 0 ? watts : null,
    nominalHashrate: nominal,
    state,
    errors,
  };
}
