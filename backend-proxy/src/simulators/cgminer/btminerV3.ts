// A Whatsminer on btminer firmware from 2024-11 on: on 4028 it still names itself as btminer does
// (`version` refused, `devdetails` Driver "bitmicro", `get_version` fw_ver "20251209.16.Rel2"),
// which is how pyasic and asic-rs learn to switch to API v3; the readings come from API v3 on
// port 4433: 4-byte little-endian length + JSON each way (pyasic@0.79.0:pyasic/rpc/btminer.py:
// 1177-1282; 256foundation/asic-rs@fdcd101:asic-rs-firmwares/whatsminer/src/backends/v3/rpc.rs:
// 120-160). Reply shapes follow asic-rs's captures of an M60S_VK40
// (asic-rs-firmwares/whatsminer/src/test/json/v3/{get_device_info,get_device_info_with_errors,
// get_miner_status_summary,get_miner_status_pools,get_miner_status_edevs}.json, kept in
// backend-proxy/test/fixtures/miners/whatsminer-v3-m60s).
import { createServer, type Server, type Socket } from 'node:net';
import type { SimMinerState } from './flavours.js';

export const V3_FIRMWARE = '20251209.16.Rel2';

function boardShare(state: SimMinerState, board: number, th: number): number {
  if (state.faults.has('hashdrop') && state.boards > 1 && board === state.boards - 1) return 0;
  return th / (state.faults.has('hashdrop') ? Math.max(1, state.boards - 1) : state.boards);
}

function rateTh(state: SimMinerState): number {
  if (state.faults.has('sleep')) return 0;
  const wobble = 1 + 0.01 * Math.sin(state.polls);
  return state.terahash * wobble * (state.faults.has('hashdrop') ? 0.3 : 1);
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** The JSON an API v3 read answers with (`code` 0), or a refusal (`code` non-zero). */
export function replyV3(state: SimMinerState, cmd: string, param: unknown, now: number): Record<string, unknown> {
  const when = Math.floor(now / 1000);
  const ok = (desc: string, msg: Record<string, unknown>) => ({ code: 0, desc, msg, when });
  const th = rateTh(state);
  const hot = (b: number) => (state.faults.has('hot') && b === 0 ? 32 : 0);
  if (cmd === 'get.device.info') {
    return ok('get.device.info', {
      // errorCode: one entry keyed by its code with its time, and a reason (the _with_errors capture's form)
      ...(state.faults.has('errorCode')
        ? { 'error-code': [{ '264': '2026-05-23 09:19:10', reason: 'Power xfer error. code: 0xffffffffc0000000' }] }
        : {}),
      miner: {
        'board-num': String(state.boards),
        'detect-hash-rate': Array.from({ length: state.boards }, () =>
          Math.round((state.terahash * 1000) / state.boards)
        ).join(':'),
        'fast-boot': 'disable',
        'hash-board': 'K40',
        'hash-percent': '0',
        'miner-sn': `BTM3CS40HD2408310000000000000${String(state.name.length).padStart(4, '0')}`,
        'pool-strategy': 'FAILOVER',
        type: state.model,
        working: state.faults.has('sleep') ? 'false' : 'true',
      },
      network: {
        dns: '127.0.0.1',
        gateway: '127.0.0.1',
        hostname: 'WhatsMiner',
        ip: '127.0.0.1',
        mac: 'CE:02:01:00:8C:36',
        netmask: '255.0.0.0',
        proto: 'dhcp',
      },
      power: {
        fanspeed: 6344,
        hwversion: 'RT0159',
        mode: '1',
        model: 'P221B',
        sn: '1436B2429603097',
        swversion: '230224.220429',
        type: 'P221B',
        vendor: '1',
      },
      salt: 'uhCiDyVj',
      system: {
        api: '3.0.2',
        apiswitch: '1',
        'control-board-version': 'CB6V10',
        fwversion: V3_FIRMWARE,
        ledstatus: 'auto',
        platform: 'H616',
      },
    });
  }
  if (cmd === 'get.miner.status' && param === 'summary') {
    const chip = (b: number) => 72 + b * 2 + hot(b);
    return ok('get.miner.status', {
      summary: {
        Debug: '',
        'board-temperature': Array.from({ length: state.boards }, (_, b) => round(41.1 + b * 0.5 + hot(b), 1)),
        'bootup-time': 1323,
        'chip-temp-avg': 75.5,
        'chip-temp-max': Math.max(...Array.from({ length: state.boards }, (_, b) => chip(b) + 6)),
        'chip-temp-min': 68.0,
        elapsed: Math.max(1, Math.floor((now - state.startedAt) / 1000)),
        'environment-temperature': 28.5,
        'factory-hash': state.terahash,
        'fan-speed-in': state.faults.has('fan0') ? 0 : 5400,
        'fan-speed-out': 5280,
        'freq-avg': 625,
        'hash-15min': round(th, 3),
        'hash-1min': round(th, 3),
        'hash-average': round(th, 3),
        'hash-realtime': round(th, 3),
        'power-5min': state.watts,
        'power-limit': 3600,
        'power-rate': round(state.watts / Math.max(1, th), 1),
        'power-realtime': state.faults.has('sleep') ? 0 : state.watts,
        'up-freq-finish': 1,
      },
    });
  }
  if (cmd === 'get.miner.status' && param === 'pools') {
    const hijack = state.faults.has('hijack');
    const switched = state.faults.has('poolSwitch');
    const urls = [
      hijack ? 'stratum+tcp://attacker.pool.example:3333' : 'stratum+tcp://btc.pool-a.example:3333',
      'stratum+tcp://btc.pool-b.example:443',
    ];
    return ok('get.miner.status', {
      pools: urls.map((url, i) => ({
        account: hijack && i === 0 ? 'attacker.rig1' : `farm.${state.name}`,
        'pool-priority': i,
        status: switched && i === 0 ? 'dead' : 'alive',
        'stratum-active': switched ? i === 1 : i === 0,
        url,
      })),
    });
  }
  if (cmd === 'get.miner.status' && param === 'edevs') {
    return ok('get.miner.status', {
      edevs: Array.from({ length: state.boards }, (_, b) => {
        const rate = boardShare(state, b, th);
        const chip = 72 + b * 2 + hot(b);
        return {
          'chip-temp-avg': chip,
          'chip-temp-max': chip + 6,
          'chip-temp-min': chip - 6,
          'effective-chips':
            rate === 0 && !state.faults.has('sleep') ? 0 : state.faults.has('chipsMissing') && b === 0 ? 65 : 75,
          'factory-hash': round(state.terahash / state.boards, 2),
          freq: 625.0,
          'hash-average': round(rate, 3),
          'hash-realtime': round(rate, 3),
          id: b,
          status: rate > 0 ? 'alive' : 'dead',
        };
      }),
    });
  }
  // no capture of a refusal: a non-zero code with a message, which is what asic-rs reads as one (v3/rpc.rs:71-95)
  return { code: -1, msg: 'invalid cmd', desc: cmd, when };
}

/** Serves API v3 on host:port for one miner; every cmd received is counted (set.* included). */
export function listenV3(
  host: string,
  port: number,
  state: SimMinerState,
  received: Map<string, number>,
  hooks: { now: () => number; onSummary: () => void; sockets: Set<Socket> }
): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      hooks.sockets.add(socket);
      socket.on('close', () => hooks.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      let buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        if (buffer.length < 4) return;
        const length = buffer.readUInt32LE(0);
        if (length > 64 * 1024) return void socket.destroy();
        if (buffer.length < 4 + length) return;
        let request: { cmd?: unknown; param?: unknown } = {};
        try {
          request = JSON.parse(buffer.subarray(4, 4 + length).toString('utf8')) as typeof request;
        } catch {
          // answered below as an unknown command
        }
        const cmd = typeof request.cmd === 'string' ? request.cmd : '';
        received.set(cmd, (received.get(cmd) ?? 0) + 1);
        if (cmd === 'get.miner.status' && request.param === 'summary') hooks.onSummary();
        if (state.faults.has('garbage')) return void socket.end(Buffer.from([0xff, 0xff]));
        const body = Buffer.from(JSON.stringify(replyV3(state, cmd, request.param, hooks.now())), 'utf8');
        const header = Buffer.alloc(4);
        header.writeUInt32LE(body.length, 0);
        socket.end(Buffer.concat([header, body]));
      });
    });
    server.once('error', reject);
    server.listen({ host, port, backlog: 511 }, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as { port: number }).port });
    });
  });
}
