// What the harness serves (plugin dists, page bundles) is rebuilt when it is missing or older
// than any of its sources, so a run never tests stale output and a fresh one is not rebuilt.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function newestBelow(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newestBelow(full) : statSync(full).mtimeMs);
  }
  return time;
}

/** The newest modification time of a file, or of any file below a folder; 0 when it is missing. */
export function newestMtime(source: string): number {
  if (!existsSync(source)) return 0;
  const stat = statSync(source);
  return stat.isDirectory() ? newestBelow(source) : stat.mtimeMs;
}

/** `output` is missing or older than the newest of `sources` (files or folders). */
export function isStale(output: string, sources: string[]): boolean {
  return !existsSync(output) || statSync(output).mtimeMs < Math.max(...sources.map(newestMtime));
}

/** `npm run build -w <workspace>` when `output` is stale against `sources`. */
export async function buildWorkspaceIfStale(workspace: string, output: string, sources: string[]): Promise<void> {
  if (isStale(output, sources)) await promisify(execFile)('npm', ['run', 'build', '-w', workspace], { cwd: REPO });
}
