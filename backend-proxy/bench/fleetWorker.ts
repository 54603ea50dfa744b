// Runs the simulated fleet in a worker thread, so the miners' replies do not share the event
// loop of the poller being measured (as real miners do not).
import { parentPort, workerData } from 'node:worker_threads';
import { startCgminerFleet } from '../src/simulators/cgminer/fleet.js';

const { count, latencyMs } = workerData as { count: number; latencyMs: number };
const fleet = await startCgminerFleet({ count, latencyMs });
parentPort!.postMessage({ miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.name, flavour: m.flavour })) });
parentPort!.on('message', (message: string) => {
  if (message === 'counts') parentPort!.postMessage({ counts: fleet.commandCounts() });
  if (message === 'close') void fleet.close().then(() => parentPort!.postMessage({ closed: true }));
});
