// What the tests that run a real upstream binary share: where scripts/go-deps.sh installs the
// pinned builds, a free loopback port to hand the binary, and a stop that always ends it (SIGKILL
// after a grace period) and removes its temp folder.
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $NODESCOPE_TOOLS, else ~/.cache/nodescope/bin: where scripts/go-deps.sh puts geth and lnd. */
export const toolPath = (name: string) => join(process.env.NODESCOPE_TOOLS || join(homedir(), '.cache', 'nodescope', 'bin'), name);

/** A port free right now on 127.0.0.1 (for binaries that take ports as flags, or log the address they were given rather than the one bound). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `exited`: the child's exit code once it exits. `stop()`: SIGTERM, SIGKILL if it is still
 * running after `graceMs`, then `dir` removed; a second call only removes `dir` again.
 */
export function supervise(child: ChildProcess, dir: string, graceMs: number): { exited: Promise<number | null>; stop(): Promise<void> } {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  return { exited, stop };
}
