// What the Stacks source tests share: the simulator over a log file, and the source's config
// over a simulator.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startStacksSimulator, type StacksSimulator } from '../src/simulators/stacks/index.js';
import { stacksConfigSchema } from '../src/sources/stacks/config.js';
import { tempDir } from './helpers.js';

/** The log tests' starting point: the node log an empty stacks-node.log in a fresh temp folder (remove it after closing the simulator). */
export async function startStacksLogSim(prefix: string, now: () => number) {
  const dir = await tempDir(prefix);
  const logFile = join(dir.path, 'stacks-node.log');
  await writeFile(logFile, '');
  const sim = await startStacksSimulator({ now, logFile });
  return { dir, sim };
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
