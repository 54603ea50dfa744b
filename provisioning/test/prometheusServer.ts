// Debian's real Prometheus for the tests: 127.0.0.1 on a free port, its config and data in the
// caller's temp folder, its output kept for failure messages.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { freePort } from '../../backend-proxy/test/influxd.ts';
import { PROMETHEUS } from './paths.ts';

export interface PrometheusServer {
  url: string;
  /** what Prometheus printed so far */
  log(): string;
  stop(): void;
}

/** Writes `config` as work/prometheus.yml (rule_files are relative to work), starts Prometheus and waits until it is ready. */
export async function startPrometheus(work: string, config: object, extraArgs: string[] = []): Promise<PrometheusServer> {
  writeFileSync(join(work, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(
    PROMETHEUS,
    [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...extraArgs, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const server: PrometheusServer = { url, log: () => output, stop: () => void child.kill('SIGTERM') };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${output}`);
    if (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)) return server;
    if (Date.now() > deadline) {
      server.stop();
      throw new Error(`prometheus not ready: ${output}`);
    }
    await sleep(200);
  }
}
