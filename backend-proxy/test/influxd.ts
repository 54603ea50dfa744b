// A real InfluxDB 1.x (Debian's influxd) for tests: 127.0.0.1 ports, every directory in a temp
// folder, no usage reporting, no self-monitoring; stop() and start() again keep the data (outages).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from './helpers.js';

// several test folders take freePort from here
export { freePort } from './realBinary.js';

export const hasInfluxd = spawnSync('influxd', ['version'], { stdio: 'ignore' }).status === 0;

export class Influxd {
  private child: ChildProcess | null = null;
  output = '';
  constructor(
    private readonly dir: string,
    readonly httpPort: number,
    private readonly rpcPort: number
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  async start(): Promise<void> {
    const config = join(this.dir, 'influxdb.conf');
    await writeFile(
      config,
      [
        'reporting-disabled = true',
        `bind-address = "127.0.0.1:${this.rpcPort}"`,
        '[meta]',
        `  dir = "${join(this.dir, 'meta')}"`,
        '[data]',
        `  dir = "${join(this.dir, 'data')}"`,
        `  wal-dir = "${join(this.dir, 'wal')}"`,
        '  query-log-enabled = false',
        '[http]',
        `  bind-address = "127.0.0.1:${this.httpPort}"`,
        '  log-enabled = false',
        '[monitor]',
        '  store-enabled = false',
        '[continuous_queries]',
        '  enabled = false',
        '',
      ].join('\n')
    );
    const child = spawn('influxd', ['-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`influxd exited: ${this.output.slice(-500)}`);
        return (await fetch(`${this.url}/ping`).catch(() => null))?.status === 204;
      },
      'influxd /ping',
      15_000,
      50
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }

  async query(q: string, db = 'nodescope'): Promise<{ results: Array<{ series?: Array<{ name: string; columns: string[]; values: unknown[][] }>; error?: string }> }> {
    const params = new URLSearchParams({ db, q, epoch: 'ms' });
    const response = await fetch(`${this.url}/query?${params}`, { method: 'POST' });
    if (response.status !== 200) throw new Error(`influxd /query ${response.status}: ${await response.text()}`);
    return (await response.json()) as never;
  }
}

