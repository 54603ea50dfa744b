// What the Stacks source tests share: the simulator over a log file, and the source's config
// over a simulator.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startStacksSimulator, type StacksSimulator } from '../src/simulators/stacks/index.js';
import { stacksConfigSchema } from '../src/sources/stacks/config.js';
import { tempDir } from './helpers.js';

/**
 * The log tests' starting point: the node log an empty stacks-node.log in a fresh temp folder.
 * `close()` stops the simulator and removes the folder (return it from beforeEach: vitest runs it
 * after the afterEach hooks, which stop the sources reading the folder).
 */
export async function startStacksLogSim(prefix: string, now: () => number) {
  const dir = await tempDir(prefix);
  const logFile = join(dir.path, 'stacks-node.log');
  await writeFile(logFile, '');
  const sim = await startStacksSimulator({ now, logFile });
  const close = async () => {
    await sim.close();
    await dir.remove();
  };
  return { dir, sim, close };
}

/** The stacks source `stx-1` over a simulator's node RPC, node metrics and signer metrics; `extra` sets or overrides fields. */
export function stacksConfigFor(sim: StacksSimulator, extra: Record<string, unknown> = {}) {
  return stacksConfigSchema.parse({
    id: 'stx-1',
    kind: 'stacks',
    rpcUrl: sim.rpcUrl,
    metricsUrl: sim.metricsUrl,
    signer: { metricsUrl: sim.signerMetricsUrl },
    timeoutMs: 1_000,
    ...extra,
  });
}

/** The stacks source `stx-1` following a simulator's node log; its own polls an hour apart (the tests poll). */
export function stacksLogConfigFor(sim: StacksSimulator, extra: Record<string, unknown> = {}) {
  return stacksConfigSchema.parse({ id: 'stx-1', kind: 'stacks', rpcUrl: sim.rpcUrl, logFile: sim.logFile, pollSeconds: 3_600, ...extra });
}
