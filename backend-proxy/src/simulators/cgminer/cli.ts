// Starts a simulated fleet for the demo or by hand, prints its endpoints as JSON, and serves a
// small control API on 127.0.0.1 for faults:
//   node dist/src/simulators/cgminer/cli.js --miners 20 [--flavours bmminer,whatsminer] [--latency 0] [--control-port 0]
//   node dist/src/simulators/cgminer/cli.js --hosts 127.91.0.1,127.91.0.2 --port 4028 \
//        --flavours bmminer,braiins --model "bmminer=Antminer S9:13.5:1323" --frozen
// --hosts puts one miner on each address, all on --port (clients that only ever dial 4028,
// such as pyasic's MinerFactory, find them there); --model sets a family's model, TH/s and W;
// --frozen keeps counters and rates still, so two clients read the same state.
//   GET  /miners                       -> [{name, host, port, flavour, model, faults}]
//   GET  /commands                     -> {command: count} received by all miners
//   POST /faults {"miner":"bmminer-0002","fault":"hot","on":true}
import { ControlError, startControlServer } from '../control.js';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startCgminerFleet, type CgminerFleet, type FleetOptions } from './fleet.js';
import { SIM_FAULTS, type SimFault, type SimFlavour } from './flavours.js';

export async function startFleetControl(fleet: CgminerFleet, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = await startControlServer(
    {
      get: {
        miners: () => fleet.miners.map((m) => ({ name: m.name, host: m.host, port: m.port, flavour: m.flavour, model: m.model, faults: [...m.state.faults] })),
        commands: () => fleet.commandCounts(),
      },
      post: {
        faults: async (_query, body) => {
          const { miner, fault, on } = body as { miner: string | number; fault: SimFault; on?: boolean };
          if (!SIM_FAULTS.includes(fault)) throw new ControlError(`fault must be one of ${SIM_FAULTS.join(', ')}`);
          await fleet.setFault(miner, fault, on !== false).catch((error: unknown) => {
            throw new ControlError(error instanceof Error ? error.message : String(error), 404);
          });
          return { ok: true };
        },
      },
    },
    port
  );
  return { url: server.url(), close: () => server.close() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      miners: { type: 'string', default: '8' },
      flavours: { type: 'string' },
      latency: { type: 'string', default: '0' },
      'control-port': { type: 'string', default: '0' },
      hosts: { type: 'string' },
      port: { type: 'string', default: '0' },
      model: { type: 'string', multiple: true },
      frozen: { type: 'boolean', default: false },
    },
  });
  const models: FleetOptions['models'] = {};
  for (const text of values.model ?? []) {
    const match = /^(cgminer|bmminer|braiins|whatsminer|luxos|whatsminer-v3|axeos|epic|vnish)=([^:]+):([\d.]+):([\d.]+)$/.exec(text);
    if (!match) throw new Error(`--model wants family=Model:TH:W, got ${JSON.stringify(text)}`);
    models[match[1] as SimFlavour] = { model: match[2]!, terahash: Number(match[3]), watts: Number(match[4]) };
  }
  const fleet = await startCgminerFleet({
    count: Number(values.miners),
    latencyMs: Number(values.latency),
    frozen: values.frozen,
    models,
    ...(values.hosts ? { hosts: values.hosts.split(','), port: Number(values.port) } : {}),
    ...(values.flavours ? { flavours: values.flavours.split(',') as SimFlavour[] } : {}),
  });
  const control = await startFleetControl(fleet, Number(values['control-port']));
  console.log(JSON.stringify({ control: control.url, miners: fleet.miners.map((m) => ({ name: m.name, host: m.host, port: m.port, flavour: m.flavour, ...(m.v3Port !== undefined ? { v3Port: m.v3Port } : {}) })) }));
  const stop = () => void Promise.all([fleet.close(), control.close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
