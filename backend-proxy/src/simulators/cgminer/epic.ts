// An Antminer on ePIC PowerPlay (umcOS): the HTTP API on port 4028 (GET /summary, /capabilities,
// /temps, /network), and the web dashboard on port 80 whose page says "Miner Web Dashboard",
// which is how pyasic tells ePIC (pyasic@0.79.0:pyasic/miners/factory.py:938-939). Reply shapes
// and field order follow asic-rs's captures of an S19 XP (256foundation/asic-rs@fdcd101:
// asic-rs-firmwares/epic/src/test/json/v1/{summary,capabilities,temps,network}.json, kept in
// backend-proxy/test/fixtures/miners/epic-s19xp). Anything else (every POST included) is 404 and
// counted.
import type { Server } from 'node:http';
import type { SimMinerState } from './flavours.js';
import { listenHttpSim, portOf, type HttpSimHooks, type HttpSimRequest } from './httpSim.js';

function boardMhs(state: SimMinerState, board: number): number {
  if (state.faults.has('sleep')) return 0;
  if (state.faults.has('hashdrop') && board === state.boards - 1) return 0;
  const wobble = 1 + 0.01 * Math.sin(state.polls);
  const share =
    (state.terahash * 1e6 * wobble) / (state.faults.has('hashdrop') ? Math.max(1, state.boards - 1) : state.boards);
  return Math.round(share);
}

const boardTemp = (state: SimMinerState, board: number) =>
  64.25 + board + (state.faults.has('hot') && board === 0 ? 32 : 0);

export function epicSummary(state: SimMinerState, now: number): Record<string, unknown> {
  const hijack = state.faults.has('hijack');
  const fans = Array.from({ length: 12 }, (_, i) => [
    `Fans Speed ${i + 1}`,
    i < state.fanCount ? (state.faults.has('fan0') && i === 0 ? 0 : 5971 - i * 29) : null,
  ]);
  const uptime = Math.max(1, Math.floor((now - state.startedAt) / 1000));
  const mhs = Array.from({ length: state.boards }, (_, b) => boardMhs(state, b));
  return {
    'Disable Board On Failure': true,
    'Enable Boards On Idle': false,
    Fans: {
      'Fan Mode': { Auto: { 'Idle Speed': 20, 'Target Temperature': 60 } },
      'Fans Speed': 100,
      'Minimum Working Fans': 0,
    },
    'Fans Rpm': Object.fromEntries(fans),
    HBStatus: Array.from({ length: state.boards }, (_, b) => ({ Detected: true, Enabled: true, Index: b })),
    HBs: Array.from({ length: state.boards }, (_, b) => ({
      'Core Clock': [],
      'Core Clock Avg': 487.5,
      // [MH/s, % of the board's ideal, error %]: at 100 % the nominal is the rate itself
      Hashrate: [mhs[b], state.faults.has('hashdrop') || state.faults.has('sleep') ? 0.0 : 100.0, 0.8],
      Index: b,
      'Input Current': 0.0,
      'Input Power': 0.0,
      'Input Voltage': 12.6,
      'Output Current': 0.0,
      'Output Power': 0.0,
      'Output Voltage': 0.0,
      Temperature: boardTemp(state, b),
    })),
    Hostname: 'cminer32092035',
    HwConfig: { 'Boards Target Clock': Array.from({ length: state.boards }, (_, b) => ({ Data: 485.0, Index: b })) },
    IdleOnConnectionLost: true,
    'Last License Error': null,
    Mining: { Algorithm: 'SHA-256', Coin: 'BTC' },
    Misc: { 'Critical Temp': 100.0, 'Locate Miner State': false, 'Shutdown Temp': 85.0 },
    'OS Type': 'umcOS',
    Overdrive: false,
    PerpetualTune: {
      Algorithm: {
        VoltageOptimizer: {
          'Min Throttle Target': 50,
          Optimized: false,
          Target: Math.round(state.terahash),
          'Throttle Step': 5,
          'Throttle Target': null,
          Unit: 'TH/s',
        },
      },
      Running: true,
    },
    'Power Supply Stats': {
      'Input Current': 0.0,
      'Input Power': state.faults.has('sleep') ? 95.0 : state.watts,
      'Input Voltage': 0.0,
      'Output Current': 0.0,
      'Output Power': 0.0,
      'Output Voltage': 12.595,
      'Target Voltage': 12600,
    },
    PresetInfo: { 'Target Power': 3000 },
    Session: {
      Accepted: state.accepted,
      'Active HBs': state.boards,
      'Average MHs': Math.round(state.terahash * 1e6),
      Difficulty: 262144.0,
      'Last Accepted Share Timer': 25,
      'Last Accepted Share Timestamp': Math.floor(now / 1000) - 25,
      'Last Work Timer': 34,
      'Last Work Timestamp': Math.floor(now / 1000) - 34,
      LastAverageMHs: { Hashrate: Math.round(state.terahash * 1e6), Timestamp: Math.floor(now / 1000) - 3600 },
      Rejected: state.rejected,
      'Startup String': new Date(state.startedAt).toUTCString().replace('GMT', '+0000'),
      'Startup Timestamp': Math.floor(state.startedAt / 1000),
      Submitted: state.accepted + state.rejected,
      Uptime: uptime,
      WorkReceived: 641,
    },
    Software: 'PowerPlay-BMS v1.5.13',
    Status: {
      'Last Command': null,
      'Last Command Result': null,
      'Last Error': state.faults.has('errorCode') ? 'Board 0 failed to respond' : null,
      'Operating State': state.faults.has('sleep') ? 'Idling' : 'Mining',
    },
    Stratum: {
      'Average Latency': 0.038288616,
      'Config Id': 0,
      'Current Pool': hijack
        ? 'attacker.pool.example:3333'
        : state.faults.has('poolSwitch')
          ? 'btc.pool-b.example:443'
          : 'btc.pool-a.example:3333',
      'Current User': hijack ? 'attacker.rig1' : `farm.${state.name}`,
      IsPoolConnected: true,
      'Worker Unique Id': true,
      'Worker Unique Id Variant': 'IpAddress',
    },
    StratumConfigs: [
      { login: `farm.${state.name}`, password: 'x', pool: 'stratum+tcp://btc.pool-a.example:3333' },
      { login: `farm.${state.name}`, password: 'x', pool: 'stratum+tcp://btc.pool-b.example:443' },
    ],
  };
}

export function epicCapabilities(state: SimMinerState): Record<string, unknown> {
  return {
    'Board Serial Numbers': Array.from({ length: state.boards }, (_, b) => `YNAHYPDBCJEBC0D6${b}`),
    'Chip Type': 'BM1366',
    'Chips Per Bank': 10,
    Coins: ['BTC'],
    'Default Clock': 485,
    'Default Hashrate': Math.round(state.terahash),
    'Max HBs': state.boards,
    Model: state.model,
    'Model Subtype': 'BHB56801',
    'Performance Estimator': { 'Chip Count': 110, 'Hashes Per Second Per Chip': 894.0 },
  };
}

function epicTemps(state: SimMinerState): unknown[] {
  return Array.from({ length: state.boards }, (_, b) => ({
    Data: [boardTemp(state, b) - 12, boardTemp(state, b)],
    Index: b,
    Total: 0.0,
  }));
}

const PAGE = '<!doctype html><html><head><title>Miner Web Dashboard</title></head><body></body></html>';

/** Serves one simulated ePIC miner: its API on `apiPort`, its dashboard on `webPort` (0 = none). */
export async function listenEpic(
  host: string,
  apiPort: number,
  webPort: number,
  state: SimMinerState,
  received: Map<string, number>,
  hooks: HttpSimHooks
): Promise<{ servers: Server[]; port: number }> {
  const api = ({ key, res, json }: HttpSimRequest) => {
    if (key === 'GET /summary') {
      hooks.onPoll();
      return json(epicSummary(state, hooks.now()));
    }
    if (key === 'GET /capabilities') return json(epicCapabilities(state));
    if (key === 'GET /temps') return json(epicTemps(state));
    if (key === 'GET /network')
      return json({
        dhcp: {
          address: host,
          dns: '127.0.0.1',
          gateway: '127.0.0.1',
          mac_address: 'E6:D4:41:51:64:28',
          netmask: '255.0.0.0',
        },
      });
    res.writeHead(404).end();
  };
  const web = ({ key, res }: HttpSimRequest) => {
    if (key === 'GET /') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    res.writeHead(404).end();
  };
  const apiServer = await listenHttpSim(host, apiPort, state, received, hooks, api);
  const servers = [apiServer];
  if (webPort > 0) servers.push(await listenHttpSim(host, webPort, state, received, hooks, web));
  return { servers, port: portOf(apiServer) };
}
