// Runs the simulated fleet apart from the poller being measured (its replies must not share the
// poller's event loop, as real miners do not): in a worker thread, or as a forked process when
// the fleet is large (a process holds at most ~20k sockets, and its memory is not the poller's).
// Options come as workerData, or as JSON in argv[2] when forked.
import { parentPort, workerData } from 'node:worker_threads';
import { startCgminerFleet } from '../src/simulators/cgminer/fleet.js';

interface FleetWorkerOptions {
  count: number;
  latencyMs: number;
  /** one miner per address 127.<20 + part>.y.z, all on one port (the layout for more miners than free ports) */
  part?: number;
}

const hostsOf = (part: number, count: number) =>
  Array.from({ length: count }, (_, i) => `127.${20 + part}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`);

const forked = parentPort === null;
const options = (forked ? JSON.parse(process.argv[2]!) : workerData) as FleetWorkerOptions;
const send = (message: unknown) => (forked ? process.send!(message) : parentPort!.postMessage(message));
const fleet = await startCgminerFleet(
  options.part !== undefined
    ? { hosts: hostsOf(options.part, options.count), latencyMs: options.latencyMs }
    : { count: options.count, latencyMs: options.latencyMs }
);
send({ miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.name, flavour: m.flavour })) });
const onMessage = (message: string) => {
  if (message === 'counts') send({ counts: fleet.commandCounts() });
  if (message === 'rss') send({ rss: process.memoryUsage().rss });
  if (message === 'close') void fleet.close().then(() => send({ closed: true }));
};
if (forked) process.on('message', onMessage);
else parentPort!.on('message', onMessage);
