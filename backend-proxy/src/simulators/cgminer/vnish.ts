// An Antminer on VNish (AnthillOS): its web API on port 80, built from the vendor's OpenAPI
// document (VNish v1.3.4 "xminer-api", published in 256foundation/asic-rs@fdcd101:
// meta/vnish/v1.3.4/api-doc.json, kept in backend-proxy/test/fixtures/miners/vnish-api-doc):
// GET /api/v1/info (InfoJson), /api/v1/summary (Summary: AntmMinerStats), /api/v1/status
// (StatusPane); every reply is validated against those schemas in
// test/cgminer-simulator-shapes.test.ts. No capture of a real VNish reply was found. GET / is the
// UI, whose page names "AnthillOS" (how pyasic and asic-rs tell VNish: pyasic@0.79.0:
// pyasic/miners/factory.py:936-937; asic-rs vnish/src/firmware.rs:70-72). POST /api/v1/unlock
// answers a token (clients that log in first get one); every other request is 404 and counted.
import type { SimMinerState } from './flavours.js';
import { listenHttpSim, portOf, type ListenHttpMiner } from './httpSim.js';

export function vnishInfo(state: SimMinerState, now: number): Record<string, unknown> {
  const up = Math.max(60, Math.floor((now - state.startedAt) / 1000));
  const days = Math.floor(up / 86_400);
  const hm = `${Math.floor((up % 86_400) / 3600)}:${String(Math.floor((up % 3600) / 60)).padStart(2, '0')}`;
  return {
    fw_name: 'Vnish',
    fw_version: '1.3.4',
    build_time: '2025-03-10 12:00:00',
    build_uuid: '00000000-0000-0000-0000-000000000000',
    platform: 'xil',
    install_type: 'nand',
    algorithm: 'sha256d',
    hr_measure: 'GH/s',
    miner: state.model,
    model: state.model
      .toLowerCase()
      .replace(/^antminer\s+/, '')
      .replace(/\s+/g, ''),
    serial: 'JYZZF4BBCJBJG0542',
    system: {
      os: 'GNU/Linux',
      miner_name: state.name,
      file_system_version: '1.3.4',
      network_status: {
        mac: '02:00:00:00:00:01',
        ip: '127.0.0.1',
        netmask: '255.0.0.0',
        gateway: '127.0.0.1',
        dns: ['127.0.0.1'],
        hostname: state.name,
        dhcp: true,
      },
      uptime: days > 0 ? `${days} days, ${hm}` : hm,
      mem_total: 245_000,
      mem_free: 120_000,
      mem_free_percent: 49,
      mem_buf: 10_000,
      mem_buf_percent: 4,
    },
  };
}

function minerState(state: SimMinerState): string {
  if (state.faults.has('sleep')) return 'stopped';
  if (state.faults.has('tuning')) return 'auto-tuning';
  if (state.faults.has('errorCode')) return 'failure';
  return 'mining';
}

export function vnishSummary(state: SimMinerState, now: number): Record<string, unknown> {
  const stopped = state.faults.has('sleep');
  const wobble = 1 + 0.01 * Math.sin(state.polls);
  const ghs = stopped ? 0 : state.terahash * 1000 * wobble * (state.faults.has('hashdrop') ? 0.3 : 1);
  const perBoard = (b: number) =>
    state.faults.has('hashdrop')
      ? b === state.boards - 1
        ? 0
        : ghs / Math.max(1, state.boards - 1)
      : ghs / state.boards;
  const hot = (b: number) => (state.faults.has('hot') && b === 0 ? 32 : 0);
  const pools = state.faults.has('hijack')
    ? [
        ['stratum+tcp://attacker.pool.example:3333', 'attacker.rig1'],
        ['stratum+tcp://btc.pool-b.example:443', `farm.${state.name}`],
      ]
    : [
        ['stratum+tcp://btc.pool-a.example:3333', `farm.${state.name}`],
        ['stratum+tcp://btc.pool-b.example:443', `farm.${state.name}`],
      ];
  const switched = state.faults.has('poolSwitch');
  const round2 = (n: number) => Math.round(n * 100) / 100;
  return {
    miner: {
      miner_status: {
        miner_state: minerState(state),
        miner_state_time: Math.max(1, Math.floor((now - state.startedAt) / 1000)),
        throttled: 100,
        ...(state.faults.has('errorCode') ? { description: 'Chain 1 has not enough chips', failure_code: 1 } : {}),
      },
      miner_type: `${state.model} (Vnish 1.3.4)`,
      hr_stock: round2(state.terahash * 1000),
      average_hashrate: round2(state.terahash * 1e6),
      instant_hashrate: round2(ghs * 1000),
      hr_realtime: round2(ghs),
      hr_nominal: round2(state.terahash * 1000),
      hr_average: round2(state.terahash * 1000),
      pcb_temp: { min: 45, max: 58 + (state.faults.has('hot') ? 32 : 0) },
      chip_temp: { min: 60, max: 72 + (state.boards - 1) * 2 + (state.faults.has('hot') ? 32 : 0) },
      power_consumption: stopped ? 0 : state.watts,
      power_usage: Math.round(state.watts / state.terahash),
      power_efficiency: round2(state.watts / state.terahash),
      hw_errors_percent: 0.01,
      hr_error: 0.01,
      hw_errors: state.hardwareErrors,
      devfee_percent: 2.8,
      devfee: round2(ghs * 0.028),
      pools: [
        ...pools.map(([url, user], id) => ({
          id,
          url,
          pool_type: 'UserPool',
          user,
          status: switched ? (id === 0 ? 'offline' : 'active') : id === 0 ? 'active' : 'working',
          asic_boost: true,
          diff: '65.5K',
          accepted: (switched ? id === 1 : id === 0) ? state.accepted : 0,
          rejected: (switched ? id === 1 : id === 0) ? state.rejected : 0,
          stale: 0,
          ls_diff: 65536,
          ls_time: '0:00:02',
          diffa: 65536,
          ping: 40,
        })),
        // the firmware's own fee pool (PoolType DevFee), not one of the user's
        {
          id: 2,
          url: 'stratum+tcp://devfee.vnish.example:3333',
          pool_type: 'DevFee',
          user: 'vnish.fee',
          status: 'working',
          asic_boost: true,
          diff: '65.5K',
          accepted: 12,
          rejected: 0,
          stale: 0,
          ls_diff: 65536,
          ls_time: '0:01:10',
          diffa: 65536,
          ping: 50,
        },
      ],
      cooling: {
        fan_num: state.faults.has('fanMissing') ? state.fanCount - 1 : state.fanCount,
        fan_duty: 60,
        settings: { mode: { name: 'auto', param: 60 } },
        fans: Array.from({ length: state.faults.has('fanMissing') ? state.fanCount - 1 : state.fanCount }, (_, f) => ({
          id: f,
          rpm: state.faults.has('fan0') && f === 0 ? 0 : 5400 + f * 60,
          status: 'ok',
          max_rpm: 6000,
        })),
      },
      chains: Array.from({ length: state.boards }, (_, b) => ({
        id: b + 1,
        frequency: 525,
        voltage: 1300,
        power_consumption: Math.round(state.watts / state.boards),
        hashrate_ideal: round2((state.terahash * 1000) / state.boards),
        hashrate_rt: round2(perBoard(b)),
        hashrate_percentage: 100,
        hr_error: 0.01,
        hw_errors: Math.floor(state.hardwareErrors / state.boards),
        pcb_temp: { min: 45 + b, max: 58 + b + hot(b) },
        chip_temp: { min: 60 + b, max: 72 + b * 2 + hot(b) },
        chip_statuses: { red: 0, orange: 0, grey: 0 },
        status:
          perBoard(b) > 0 || stopped
            ? { state: stopped ? 'stopped' : 'mining' }
            : { state: 'failure', description: 'no chips found' },
      })),
      found_blocks: 0,
      best_share: 123_456_789,
      restart_count: 0,
    },
  };
}

export function vnishStatus(state: SimMinerState, now: number): Record<string, unknown> {
  return {
    miner_state: minerState(state),
    miner_state_time: Math.max(1, Math.floor((now - state.startedAt) / 1000)),
    throttled: 100,
    restart_required: false,
    reboot_required: false,
    find_miner: false,
    unlocked: false,
  };
}

const PAGE = '<!doctype html><html><head><title>AnthillOS</title></head><body><div id="app"></div></body></html>';

/** Serves one simulated VNish miner's web API on host:port. */
export const listenVnish: ListenHttpMiner = async (host, port, state, received, hooks) => {
  const server = await listenHttpSim(host, port, state, received, hooks, ({ key, res, json }) => {
    const now = hooks.now();
    if (key === 'GET /') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (key === 'GET /api/v1/info') return json(vnishInfo(state, now));
    if (key === 'GET /api/v1/summary') {
      hooks.onPoll();
      return json(vnishSummary(state, now));
    }
    if (key === 'GET /api/v1/status') return json(vnishStatus(state, now));
    if (key === 'POST /api/v1/unlock') return json({ token: 'simulated-session-token' });
    res.writeHead(404).end();
  });
  return { server, port: portOf(server) };
};
