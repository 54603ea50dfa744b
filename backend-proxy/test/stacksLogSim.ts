// The log tests' starting point: a Stacks simulator whose node log is an empty stacks-node.log
// in a fresh temp folder (remove the folder after closing the simulator).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startStacksSimulator } from '../src/simulators/stacks/index.js';
import { tempDir } from './helpers.js';

export async function startStacksLogSim(prefix: string, now: () => number) {
  const dir = await tempDir(prefix);
  const logFile = join(dir.path, 'stacks-node.log');
  await writeFile(logFile, '');
  const sim = await startStacksSimulator({ now, logFile });
  return { dir, sim };
}
