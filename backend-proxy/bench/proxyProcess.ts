// Starts the real proxy binary (dist/src/cli.js) and the bitcoind simulator each in its own
// process, so the load generator in the bench process does not share their event loops.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const SIM_CLI = fileURLToPath(new URL('../src/simulators/bitcoin/cli.js', import.meta.url));

export interface ProxyProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startProxyProcess(config: unknown, dir: string, name: string, nodeArgs: string[] = []): Promise<ProxyProcess> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, stringify(config));
  return startServerProcess([...nodeArgs, CLI, '--config', file], name);
}

/** Any Node script that prints `listening on <url>` once it listens (the proxy, the bare baseline). */
export async function startServerProcess(args: string[], name: string): Promise<ProxyProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy ${name} did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^"\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`proxy ${name} exited with ${code}:\n${output}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface SimProcess {
  rpcUrl: string;
  zmqSequence: string | null;
  cookieFile: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The regtest bitcoind simulator (dist/src/simulators/bitcoin/cli.js) with `args`, once it
 * printed its addresses; `nodeArgs` go to its node (V8 flags).
 */
export async function startSimProcess(args: string[], nodeArgs: string[] = []): Promise<SimProcess> {
  const child = spawn(process.execPath, [...nodeArgs, SIM_CLI, '--network', 'regtest', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const info = await new Promise<{ rpcUrl: string; zmqSequence: string | null; cookieFile: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bitcoind simulator did not start in 60 s')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line && output.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => reject(new Error(`bitcoind simulator exited (${code})`)));
  });
  return {
    ...info,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}
