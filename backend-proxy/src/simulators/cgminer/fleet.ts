// A fleet of simulated CGMiner-API miners in one process: one TCP listener per miner, either
// many ports on 127.0.0.1 or one port on many 127.x.y.z addresses (Linux routes all of 127/8
// to lo). Each reply ends with a NUL and the connection closes, as cgminer does. Every
// command received is counted, privileged ones included, so tests can prove from this side
// that none ever arrives.
import { createServer, type Server, type Socket } from 'node:net';
import { advance, btminerRefusal, replyFor, type SimFault, type SimFlavour, type SimMinerState } from './flavours.js';
import { listenV3 } from './btminerV3.js';
import { listenAxeos } from './axeos.js';
import { listenEpic } from './epic.js';
import { listenVnish } from './vnish.js';
import { V3_PORT } from '../../sources/cgminer/btminerV3.js';

export interface FleetOptions {
  /** number of miners (ignored when `hosts` is given: one miner per host) */
  count?: number;
  /** flavours assigned round-robin; default all four */
  flavours?: SimFlavour[];
  models?: Partial<Record<SimFlavour, { model: string; terahash: number; watts: number }>>;
  /** listen address for the many-ports layout; default 127.0.0.1 */
  host?: string;
  /** one miner per address, all on `port` (0 = one free port found for all) */
  hosts?: string[];
  port?: number;
  /** delay of the `slow` fault */
  slowMs?: number;
  /** delay of every reply: a miner's own answer time plus the LAN (0 = answer at once) */
  latencyMs?: number;
  /** families whose firmware does not split `a+b` requests: they answer 14 Invalid command */
  noMultiCommand?: SimFlavour[];
  /** counters and rates stay put (two clients compared on one state) */
  frozen?: boolean;
  now?: () => number;
  /** API v3 port of `whatsminer-v3` miners in the `hosts` layout (default 4433, where pyasic and asic-rs dial); a free port otherwise */
  v3Port?: number;
  /** HTTP port of `axeos`, `vnish` miners and the ePIC dashboard in the `hosts` layout (default 80, where the firmware and pyasic's web API are); a free port otherwise */
  httpPort?: number;
}

export interface SimMiner {
  index: number;
  name: string;
  host: string;
  port: number;
  flavour: SimFlavour;
  model: string;
  state: SimMinerState;
  /** command -> times received (privileged and unknown commands included) */
  received: Map<string, number>;
  /** `whatsminer-v3`: where its API v3 listens (same host) */
  v3Port?: number;
}

export interface CgminerFleet {
  miners: SimMiner[];
  setFault(miner: number | string, fault: SimFault, on?: boolean): Promise<void>;
  clearFaults(): Promise<void>;
  /** all commands received by all miners */
  commandCounts(): Record<string, number>;
  /** connections accepted so far */
  readonly connections: number;
  close(): Promise<void>;
}

const DEFAULT_MODELS: Record<SimFlavour, { model: string; terahash: number; watts: number }> = {
  cgminer: { model: 'Avalon 1066', terahash: 50, watts: 3250 },
  bmminer: { model: 'Antminer S19 Pro', terahash: 110, watts: 3250 },
  braiins: { model: 'Antminer S19j Pro', terahash: 100, watts: 2950 },
  // devdetails Model as btminer prints it, hardware revision included (asic-rs src/factory.rs:886)
  whatsminer: { model: 'M30S+_VE40', terahash: 100, watts: 3400 },
  // the asic-rs LuxOS capture's model (luxminer v1/version.json); Bitmain's 120 TH/s, 2760 W bin
  luxos: { model: 'Antminer S19k Pro', terahash: 120, watts: 2760 },
  // Bitaxe Supra (pyasic@0.79.0:pyasic/miners/factory.py:688 BM1368); ~0.7 TH/s at ~15 W
  axeos: { model: 'BM1368', terahash: 0.7, watts: 15 },
  // the asic-rs ePIC capture's model (capabilities.json "AntMiner S19 XP", "Default Hashrate": 143)
  epic: { model: 'AntMiner S19 XP', terahash: 141, watts: 3010 },
  vnish: { model: 'Antminer S19j Pro', terahash: 104, watts: 3068 },
  // the asic-rs API v3 capture's model (v3/get_device_info.json "M60S_VK40", factory-hash 181.051 TH/s)
  'whatsminer-v3': { model: 'M60S_VK40', terahash: 180, watts: 3300 },
};

/** The defects each family's firmware is known for (see sources/cgminer/repair.ts). */
function breakJson(flavour: SimFlavour, text: string): string {
  switch (flavour) {
    case 'bmminer':
      // Antminer Z9-Mini/DR5: no comma between the version object and the stats object;
      // and the `[,{` bmminer sends at the start of an array
      return text.replace('},{"STATS":0', '}{"STATS":0').replace('"POOLS":[{', '"POOLS":[,{');
    case 'whatsminer':
      // btminer: trailing comma, raw newlines and a stray control byte
      return text
        .replace('"Error Code Count":0}', '"Error Code Count":0,}')
        .replace('"Accepted":', '\n"Accepted":')
        .replace('"Pool Stale%"', '\u0001"Pool Stale%"')
        .replace(/"PCB SN":"HEM1E0/, '"PCB SN":"HEM1E0\n');
    case 'cgminer':
      // printf of a division by zero right after start
      return text.replace(/"Work Utility":[0-9.]+/, '"Work Utility":inf').replace(/"Utility":[0-9.]+/, '"Utility":-nan');
    case 'braiins':
      return text.replace(/"Utility":[0-9.]+/, '"Utility":nan').replace(/,"id":1}/, ',"id":1,}');
    case 'axeos':
    case 'epic':
    case 'vnish':
      return text; // HTTP: brokenJson cuts the body (axeos.ts, epic.ts)
    case 'whatsminer-v3':
      return text; // its 4028 answers are btminer's own short replies; API v3 JSON has no known defect
    case 'luxos':
      // no LuxOS defect is known from a capture: the bmminer `}{` it may have inherited
      return text.replace('},{"Calls":0', '}{"Calls":0');
  }
}

export async function startCgminerFleet(options: FleetOptions = {}): Promise<CgminerFleet> {
  const flavours = options.flavours ?? (['cgminer', 'bmminer', 'braiins', 'whatsminer'] as SimFlavour[]);
  const now = options.now ?? Date.now;
  const slowMs = options.slowMs ?? 2_000;
  const latencyMs = options.latencyMs ?? 0;
  const layout = options.hosts
    ? options.hosts.map((host) => ({ host, port: options.port ?? 0 }))
    : Array.from({ length: options.count ?? 10 }, () => ({ host: options.host ?? '127.0.0.1', port: 0 }));

  const miners: SimMiner[] = [];
  const servers = new Map<SimMiner, Server>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  // an HTTP-only miner (AxeOS, VNish) on one port
  async function listenAxeosOf(miner: SimMiner, port: number): Promise<number> {
    const started = await (miner.flavour === 'vnish' ? listenVnish : listenAxeos)(miner.host, port, miner.state, miner.received, {
      now,
      onPoll: () => advance(miner.state),
      sockets,
      delayMs: () => (miner.state.faults.has('slow') ? slowMs : latencyMs),
    });
    servers.set(miner, started.server);
    return started.port;
  }

  const webPorts = new Map<SimMiner, number>();
  async function listenEpicOf(miner: SimMiner, apiPort: number, webPort: number): Promise<number> {
    const started = await listenEpic(miner.host, apiPort, webPort, miner.state, miner.received, {
      now,
      onPoll: () => advance(miner.state),
      sockets,
      delayMs: () => (miner.state.faults.has('slow') ? slowMs : latencyMs),
    });
    servers.set(miner, started.servers[0]!);
    if (started.servers[1]) {
      secondServers.set(miner, started.servers[1]);
      webPorts.set(miner, (started.servers[1].address() as { port: number }).port);
    }
    return started.port;
  }

  // a miner's second listener: API v3 of a whatsminer-v3, the web dashboard of an ePIC
  const secondServers = new Map<SimMiner, Server>();
  async function listenV3Of(miner: SimMiner, port: number): Promise<number> {
    const started = await listenV3(miner.host, port, miner.state, miner.received, { now, onSummary: () => advance(miner.state), sockets });
    secondServers.set(miner, started.server);
    return started.port;
  }


  const handle = (miner: SimMiner, socket: Socket): void => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      buffer += chunk.toString('utf8');
      const request = parseRequest(buffer);
      if (!request) {
        if (buffer.length > 64 * 1024) socket.destroy();
        return;
      }
      answered = true;
      const commands = request.split('+').map((c) => c.trim().split('|')[0] ?? '');
      for (const command of commands) miner.received.set(command, (miner.received.get(command) ?? 0) + 1);
      if (commands.includes('summary')) advance(miner.state);
      const at = now();
      let document: Record<string, unknown>;
      if (commands.length === 1) {
        document = replyFor(miner.state, commands[0]!, at);
      } else if (options.noMultiCommand?.includes(miner.flavour)) {
        document = replyFor(miner.state, request, at); // the whole `a+b` is one unknown command
      } else {
        // cgminer answers each member of a joined request in its own section, an unknown one
        // with its own "Invalid command" (ckolivas/cgminer@b8491c6:api.c:5139-5183). btminer
        // does not join `status` and the `get_*` commands (pyasic sends them alone:
        // pyasic@0.79.0:pyasic/rpc/btminer.py:249); what it answers for them in a joined request
        // is not captured: here its own refusal, in their section
        const unjoinable = (c: string) => miner.flavour === 'whatsminer' && (c === 'status' || c.startsWith('get_'));
        const replies = commands.map((c) => (unjoinable(c) ? btminerRefusal(at) : replyFor(miner.state, c, at)));
        document = Object.fromEntries([...commands.map((c, i) => [c, [replies[i]]]), ['id', 1]]);
      }
      let text = JSON.stringify(document);
      const faults = miner.state.faults;
      if (faults.has('brokenJson')) text = breakJson(miner.flavour, text);
      const send = (): void => {
        if (socket.destroyed) return;
        if (faults.has('garbage')) {
          // cut mid-document and close: nothing can repair this
          socket.end(text.slice(0, Math.floor(text.length / 2)));
          return;
        }
        socket.end(`${text}\u0000`); // the NUL byte cgminer ends a reply with
      };
      const delay = faults.has('slow') ? slowMs : latencyMs;
      if (delay > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, delay);
        timers.add(timer);
      } else send();
    });
  };

  const listen = (miner: SimMiner, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const server = createServer((socket) => handle(miner, socket));
      server.once('error', reject);
      server.listen({ host: miner.host, port, backlog: 511 }, () => {
        server.off('error', reject);
        servers.set(miner, server);
        resolve((server.address() as { port: number }).port);
      });
    });

  const startedAt = now();
  let sharedPort = options.hosts ? (options.port ?? 0) : 0;
  for (const [index, slot] of layout.entries()) {
    const flavour = flavours[index % flavours.length]!;
    const spec = { ...DEFAULT_MODELS[flavour], ...(options.models?.[flavour] ?? {}) };
    const name = `${flavour}-${String(index + 1).padStart(4, '0')}`;
    const miner: SimMiner = {
      index,
      name,
      host: slot.host,
      port: 0,
      flavour,
      model: spec.model,
      received: new Map(),
      state: {
        name,
        flavour,
        model: spec.model,
        terahash: spec.terahash,
        watts: spec.watts,
        // an Avalon answers devs with one device (asic-rs avalonminer/devs.json)
        boards: flavour === 'cgminer' ? 1 : 3,
        // S9/T9: two fans (pyasic X9/S9.py:26); Whatsminer: in and out; others four
        fanCount: flavour === 'whatsminer' || flavour === 'whatsminer-v3' || /\b[ST]9/i.test(spec.model) ? 2 : 4,
        startedAt: startedAt - 3_600_000 - index * 1000,
        accepted: 1000 + index,
        rejected: 2,
        stale: 0,
        hardwareErrors: 5,
        polls: 0,
        faults: new Set(),
        frozen: options.frozen ?? false,
      },
    };
    if (flavour === 'axeos' || flavour === 'vnish') {
      miner.port = await listenAxeosOf(miner, options.hosts ? (options.httpPort ?? 80) : 0);
      miners.push(miner);
      continue;
    }
    if (flavour === 'epic') {
      // its HTTP API on the fleet's port (4028 for pyasic), its dashboard on 80 in the hosts layout
      miner.port = await listenEpicOf(miner, options.hosts ? sharedPort : 0, options.hosts ? (options.httpPort ?? 80) : 0);
      if (options.hosts && sharedPort === 0) sharedPort = miner.port;
      miners.push(miner);
      continue;
    }
    miner.port = await listen(miner, options.hosts ? sharedPort : 0);
    if (options.hosts && sharedPort === 0) sharedPort = miner.port;
    if (flavour === 'whatsminer-v3') miner.v3Port = await listenV3Of(miner, options.hosts ? (options.v3Port ?? V3_PORT) : 0);
    miners.push(miner);
  }

  const find = (key: number | string): SimMiner => {
    const miner = typeof key === 'number' ? miners[key] : miners.find((m) => m.name === key || `${m.host}:${m.port}` === key);
    if (!miner) throw new Error(`no simulated miner ${key}`);
    return miner;
  };

  const closeServer = async (miner: SimMiner): Promise<void> => {
    const close = (map: Map<SimMiner, Server>) =>
      new Promise<void>((resolve) => {
        const server = map.get(miner);
        map.delete(miner);
        if (!server) return resolve();
        server.close(() => resolve());
      });
    await Promise.all([close(servers), close(secondServers)]);
  };

  const setFault = async (key: number | string, fault: SimFault, on = true): Promise<void> => {
    const miner = find(key);
    if (fault === 'offline') {
      // offline = nothing listens: connection refused, as with a miner powered off
      if (on && servers.has(miner)) await closeServer(miner);
      if (!on && !servers.has(miner)) {
        if (miner.flavour === 'axeos' || miner.flavour === 'vnish') await listenAxeosOf(miner, miner.port);
        else if (miner.flavour === 'epic') await listenEpicOf(miner, miner.port, webPorts.get(miner) ?? 0);
        else await listen(miner, miner.port);
        if (miner.v3Port !== undefined) await listenV3Of(miner, miner.v3Port);
      }
    }
    if (on) miner.state.faults.add(fault);
    else miner.state.faults.delete(fault);
  };

  return {
    miners,
    get connections() {
      return connections;
    },
    setFault,
    async clearFaults() {
      for (const miner of miners) {
        if (miner.state.faults.has('offline')) await setFault(miner.index, 'offline', false);
        miner.state.faults.clear();
      }
    },
    commandCounts() {
      const counts: Record<string, number> = {};
      for (const miner of miners) for (const [command, n] of miner.received) counts[command] = (counts[command] ?? 0) + n;
      return counts;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await Promise.all(miners.map((m) => closeServer(m)));
    },
  };
}

/** The command text of a complete request (JSON `{"command":…}` or plain `cmd|param`), or null while incomplete. */
function parseRequest(buffer: string): string | null {
  const text = buffer.replace(/\u0000/g, '').trim();
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { command?: unknown; parameter?: unknown };
      const command = typeof parsed.command === 'string' ? parsed.command : '';
      return parsed.parameter !== undefined ? `${command}|${String(parsed.parameter)}` : command;
    } catch {
      return null;
    }
  }
  return text.length > 0 ? text : null;
}
