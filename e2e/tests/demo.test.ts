// `npm run demo` as a user runs it (the built demo, `node backend-proxy/dist/src/demo.js`), with
// :3000 taken as it is on a machine running Grafana: the demo must pick another port and print it,
// the harness must answer there, and the three panels must render in Chromium from the running
// proxy's frames. A port the user sets by variable that is taken stops the demo with one line.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPanelHost } from '../panels/build.ts';
import { ensurePanelsBuilt } from '../panels/plugins.ts';
import { launchChromium } from './browser.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO = path.join(REPO, 'backend-proxy/dist/src/demo.js');
const API_KEY = 'demo-e2e-api-key-7c21';

/** Holds a port (3000 when it is free; when it is not, something already holds it, which is the point). */
async function hold(port: number): Promise<net.Server | null> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function runDemo(env: Record<string, string>): { child: ChildProcess; output: () => string; errors: () => string } {
  let out = '';
  let err = '';
  const child = spawn(process.execPath, [DEMO], {
    cwd: REPO,
    env: { ...process.env, NODESCOPE_API_KEY: API_KEY, NODESCOPE_DEMO_DIR: mkdtempSync(path.join(tmpdir(), 'nodescope-demo-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return { child, output: () => out, errors: () => err };
}

async function until<T>(what: string, get: () => T | undefined, ms = 150_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The processes below `root` (Linux /proc), each with its command line. */
function descendants(root: number): Map<number, string> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // the ppid is the second field after the parenthesised command name
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found = new Map<number, string>();
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parents) {
      if (ppid !== parent || found.has(pid)) continue;
      found.set(pid, commandLine(pid) ?? '');
      queue.push(pid);
    }
  }
  return found;
}

function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}

let held: net.Server | null;
let demo: ReturnType<typeof runDemo>;
let banner: string;
let browser: Browser;

beforeAll(async () => {
  // what `npm run demo` builds first: the proxy (dist; scripts/test.sh builds every workspace
  // before the tests), the plugins and the harness pages
  if (!existsSync(DEMO)) await promisify(execFile)('npm', ['run', 'build', '-w', 'backend-proxy'], { cwd: REPO });
  await Promise.all([ensurePanelsBuilt({ app: true }), buildPanelHost()]);
  held = await hold(3000);
  demo = runDemo({});
  banner = await until('the demo banner', () => (/\nTry:\n/.test(demo.output()) ? demo.output() : undefined));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  demo?.child.kill('SIGTERM');
  await new Promise((resolve) => held?.close(resolve) ?? resolve(undefined));
});

describe('npm run demo', () => {
  it('with :3000 taken, picks another port for the harness, says so, and the harness answers there', async () => {
    const harness = /^ {2}harness +(http:\/\/127\.0\.0\.1:(\d+))\//m.exec(banner);
    expect(harness, banner).not.toBeNull();
    expect(harness![2]).not.toBe('3000');
    expect(banner).toContain(`harness: port 3000 is in use, using ${harness![2]} instead (set NODESCOPE_HARNESS_PORT to choose)`);
    const page = await fetch(`${harness![1]}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('nodescope plugin harness');
  });

  it.each([
    ['live-mempool', 'mempool-panel'],
    ['live-peers', 'peermap-panel'],
    ['live-profitability', 'profitability-panel'],
  ])('shows %s with the running proxy’s data in Chromium', async (scenario, testId) => {
    const url = new RegExp(`(http://127\\.0\\.0\\.1:\\d+)/\\?scenario=${scenario}`).exec(banner)?.[1];
    expect(url, banner).toBeDefined();
    const json = (await (await fetch(`${url}/panel-scenarios/${scenario}.json`)).json()) as { dataset: string; frames: Array<{ schema?: { name?: string }; data: { values: unknown[][] } }> };
    // frames from the proxy, not a canned dataset, with rows in them
    expect(json.dataset).toBe('inline');
    expect(json.frames.some((frame) => (frame.data.values[0]?.length ?? 0) > 0), JSON.stringify(json.frames.map((f) => f.schema?.name))).toBe(true);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${url}/?scenario=${scenario}&theme=dark`);
    await page.waitForFunction(() => document.body.dataset.status !== undefined, null, { timeout: 60_000 });
    expect(await page.evaluate(() => document.body.dataset.status), await page.evaluate(() => document.body.dataset.error ?? '')).toBe('rendered');
    await expect.poll(() => page.getByTestId(testId).count(), { timeout: 30_000 }).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  // last: it stops the demo the other tests share
  it.runIf(process.platform === 'linux')('stopped with SIGTERM (kill, a service manager), the demo leaves none of its processes running', async () => {
    const children = descendants(demo.child.pid!);
    // the harness starts grafana-bridge, which starts the plugin binary: grandchildren of the demo
    expect([...children.values()].some((command) => command.includes('grafana-bridge')), [...children.values()].join('\n')).toBe(true);
    const exited = new Promise((resolve) => demo.child.once('exit', resolve));
    demo.child.kill('SIGTERM');
    await exited;
    // a pid counts as left only while it still runs the same command (pids are reused)
    const left = () => [...children].filter(([pid, command]) => commandLine(pid) === command).map(([, command]) => command);
    await until('every process of the demo gone', () => (left().length === 0 ? true : undefined), 15_000).catch(() => {
      throw new Error(`still running after the demo exited:\n${left().join('\n')}`);
    });
  });

  it('a taken port the user asked for stops the demo with one line naming the variable', async () => {
    const blocker = (await hold(0))!;
    const port = (blocker.address() as net.AddressInfo).port;
    const run = runDemo({ NODESCOPE_HARNESS_PORT: String(port) });
    const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
    await new Promise((resolve) => blocker.close(resolve));
    expect(code).toBe(1);
    expect(run.errors().trim().split('\n')).toEqual([
      `npm run demo: harness: port ${port} (NODESCOPE_HARNESS_PORT) is already in use on 127.0.0.1; set NODESCOPE_HARNESS_PORT to a free port, or unset it to let the demo pick one`,
    ]);
  });
});
