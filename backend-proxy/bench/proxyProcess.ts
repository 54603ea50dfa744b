// Starts the real proxy binary (dist/src/cli.js) in its own process, so the load generator in
// the bench process does not share its event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

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
