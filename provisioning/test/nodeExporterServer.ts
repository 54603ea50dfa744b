// Debian's real prometheus-node-exporter for the tests: 127.0.0.1 on a free port (its
// --web.listen-address takes no port 0), its output kept for failure messages.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
// a .js import, not .ts: the deploy tests use this file too
import { freePort } from '../../backend-proxy/test/influxd.js';

export const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

export { freePort };

export interface NodeExporter {
  /** host:port, a Prometheus target */
  target: string;
  url: string;
  log(): string;
  stop(): void;
}

/** The installed Debian package version, e.g. 1.5.0-1+b6 (a missing exporter fails with the line to install it). */
export function nodeExporterPackageVersion(): string {
  if (!existsSync(NODE_EXPORTER))
    throw new Error(
      `${NODE_EXPORTER} not found: run scripts/system-deps.sh (apt-get install prometheus-node-exporter)`
    );
  return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'prometheus-node-exporter'], { encoding: 'utf8' }).trim();
}

export async function startNodeExporter(): Promise<NodeExporter> {
  nodeExporterPackageVersion();
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const target = `127.0.0.1:${port}`;
    let output = '';
    const child = spawn(NODE_EXPORTER, [`--web.listen-address=${target}`, '--log.level=warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    const server: NodeExporter = {
      target,
      url: `http://${target}/metrics`,
      log: () => output,
      stop: () => void child.kill('SIGTERM'),
    };
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) break; // the port was taken between freePort and listen: try another
      if (
        await fetch(server.url).then(
          (r) => r.ok,
          () => false
        )
      )
        return server;
      if (Date.now() > deadline) {
        server.stop();
        throw new Error(`node-exporter not ready: ${output}`);
      }
      await sleep(100);
    }
    if (attempt >= 2) throw new Error(`node-exporter exited: ${output}`);
  }
}
