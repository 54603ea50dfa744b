// ePIC PowerPlay (umcOS) firmware: an HTTP API on port 4028, GET /summary and /capabilities
// (POSTs with the web password are its writes, never sent). Read as pyasic reads it
// (pyasic@0.79.0:pyasic/miners/backends/epic.py) and checked against asic-rs's capture
// (256foundation/asic-rs@fdcd101:asic-rs-firmwares/epic/src/test/json/v1/{summary,capabilities}.json).
// Pure: tests feed captured replies straight in. The summary also carries the pools' passwords
// (`StratumConfigs[].password`): only the named fields below are read, nothing is passed on whole.
import { num, parsePools, temperature } from './model.js';
import type { Board, Identity, MinerSnapshot, OperatingState } from './model.js';
import { list, obj, text } from './reply.js';

export const EPIC_POLL = ['/summary', '/capabilities'] as const;

const MH = 1e6;

/**
 * Model: capabilities `Model` ("AntMiner S19 XP"), as pyasic names it (pyasic@0.79.0:
 * pyasic/miners/factory.py:1484-1498); firmware: summary `Software` "PowerPlay-BMS v1.5.13" ->
 * "1.5.13" (epic.py:281-295).
 */
export function epicIdentity(summary: unknown, capabilities: unknown): Identity {
  const model = text(obj(capabilities).Model);
  const software = text(obj(summary).Software);
  const version = software.split(' ')[1]?.replace(/^v/, '') ?? '';
  return {
    flavour: 'epic',
    model: model ? model.slice(0, 100) : null,
    firmware: (version || software || '').slice(0, 100) || null,
  };
}

/**
 * `/summary` as the unified snapshot: per board (`HBs`) `Hashrate[0]` MH/s and `Temperature`
 * (epic.py:317-398), the miner's rate their sum (:230-251) and `Session."Average MHs"` the average;
 * `Fans Rpm` slots that are not null (:297-315); `Power Supply Stats."Input Power"` measured W
 * (:214-228); nominal Σ `Hashrate[0]` / (`Hashrate[1]` / 100), the share of ideal each board
 * reports (:253-279); `Session` Accepted/Rejected/Uptime; the pool in use, `Stratum."Current Pool"`
 * (host:port) and `"Current User"`, connected per `IsPoolConnected` (:449-480);
 * `Status."Operating State"` "Mining" = mining, "Idling" = sleeping (:400-413); `Status."Last Error"`.
 */
export function epicSnapshot(summary: unknown): MinerSnapshot {
  const row = obj(summary);
  const boards: Board[] = list(row.HBs).map((hb, i) => {
    const rates = Array.isArray(hb.Hashrate) ? hb.Hashrate : [];
    const mhs = num(rates[0]);
    return {
      index: num(hb.Index) ?? i,
      hashrate: mhs === null ? null : mhs * MH,
      boardTemp: temperature(hb.Temperature),
      chipTemp: null,
      chips: null,
      hardwareErrors: null,
      status: mhs !== null && mhs > 0 ? 'Alive' : 'Dead',
    };
  });
  const rates = boards.map((b) => b.hashrate).filter((r): r is number => r !== null);
  let nominal = 0;
  for (const hb of list(row.HBs)) {
    const rates = Array.isArray(hb.Hashrate) ? hb.Hashrate : [];
    const mhs = num(rates[0]);
    const percent = num(rates[1]);
    if (mhs !== null) nominal += mhs / (percent !== null && percent > 0 ? percent / 100 : 1);
  }
  const fans = Object.entries(obj(row['Fans Rpm']))
    .sort(([a], [b]) => (num(a.replace(/\D+/g, '')) ?? 0) - (num(b.replace(/\D+/g, '')) ?? 0))
    .map(([, rpm]) => num(rpm))
    .filter((rpm): rpm is number => rpm !== null);
  const session = obj(row.Session);
  const stratum = obj(row.Stratum);
  const current = text(stratum['Current Pool']);
  const connected = stratum.IsPoolConnected === true;
  const pools = parsePools({
    POOLS: current
      ? [
          {
            POOL: num(stratum['Config Id']) ?? 0,
            URL: /^[a-z0-9+.-]+:\/\//i.test(current) ? current : `stratum+tcp://${current}`,
            User: stratum['Current User'],
            Status: connected ? 'Alive' : 'Dead',
            Priority: 0,
            'Stratum Active': connected,
            Accepted: session.Accepted,
            Rejected: session.Rejected,
            'Last Share Time': session['Last Accepted Share Timestamp'],
          },
        ]
      : [],
  });
  const operating = text(obj(row.Status)['Operating State']);
  const state: OperatingState | null = operating === 'Mining' ? 'mining' : operating === 'Idling' ? 'sleeping' : null;
  const lastError = obj(row.Status)['Last Error'];
  const watts = num(obj(row['Power Supply Stats'])['Input Power']);
  const average = num(session['Average MHs']);
  return {
    hashrate: rates.length > 0 ? rates.reduce((a, b) => a + b, 0) : null,
    hashrateAvg: average === null ? null : average * MH,
    boards,
    fans,
    accepted: num(session.Accepted) ?? 0,
    rejected: num(session.Rejected) ?? 0,
    stale: 0,
    hardwareErrors: 0,
    pools,
    uptime: num(session.Uptime),
    measuredWatts: watts !== null && watts > 0 ? watts : null,
    nominalHashrate: nominal > 0 ? nominal * MH : null,
    state,
    errors:
      lastError === null || lastError === undefined || lastError === ''
        ? []
        : [String(typeof lastError === 'object' ? JSON.stringify(lastError) : lastError).slice(0, 200)],
  };
}
