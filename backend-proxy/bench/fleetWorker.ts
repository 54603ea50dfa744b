// Runs part of the simulated fleet in its own process, apart from the poller being measured: its
// replies must not share the poller's event loop (real miners do not), a process holds at most
// ~20k sockets, and the fleet's memory and CPU are not the poller's (reported apart, from here).
// Options come as JSON in argv[2].
import { startCgminerFleet } from '../src/simulators/cgminer/fleet.js';

interface FleetWorkerOptions {
  count: number;
  latencyMs: number;
  /** one miner per address 127.<20 + part>.y.z, all on one port (the layout for more miners than free ports) */
  part: number;
}

const hostsOf = (part: number, count: number) =>
  Array.from({ length: count }, (_, i) => `127.${20 + part}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`);

const options = JSON.parse(process.argv[2]!) as FleetWorkerOptions;
const send = (message: unknown) => process.send!(message);
const fleet = await startCgminerFleet({ hosts: hostsOf(options.part, options.count), latencyMs: options.latencyMs });
send({ miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.name, flavour: m.flavour })) });
// a clean exit on the bench's SIGTERM (a --cpu-prof run then writes this process's profile too)
process.on('SIGTERM', () => process.exit(0));
process.on('message', (message: string) => {
  if (message === 'counts') send({ counts: fleet.commandCounts() });
  if (message === 'rss') send({ rss: process.memoryUsage().rss });
  if (message === 'cpu') {
    const cpu = process.cpuUsage();
    send({ cpu: cpu.user + cpu.system });
  }
  if (message === 'close') void fleet.close().then(() => send({ closed: true }));
});
