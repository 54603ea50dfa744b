// npm run demo: a simulator of every upstream, the proxy on 127.0.0.1:8787 with a config written
// to .demo/proxy.yaml (read it: it is the example to copy for real nodes), and, when the plugins
// have been built, the plugin harness (datasource views, :3000) and the three panels fed by the
// proxy (:3001). A default port that is taken is replaced by a free one (3000 is Grafana's);
// the banner prints the addresses actually used. Ctrl-C stops everything.
//   NODESCOPE_DEMO_PORT (proxy, 8787), NODESCOPE_HARNESS_PORT (3000), NODESCOPE_PANELS_PORT (3001),
//   NODESCOPE_API_KEY, NODESCOPE_DEMO_DIR (where .demo goes; default ./.demo)
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from './config/load.js';
import { choosePort, portSetting, PortTakenError } from './demoPorts.js';
import { startServer } from './http/server.js';
import { startSimulatedStack } from './simulators/stack.js';

const root = resolve(process.env.NODESCOPE_DEMO_ROOT ?? process.cwd());
const dir = resolve(process.env.NODESCOPE_DEMO_DIR ?? join(root, '.demo'));
const API_KEY = process.env.NODESCOPE_API_KEY ?? 'demo-api-key-change-me';

async function ports() {
  const pick = (variable: string, fallback: number, what: string) => {
    const setting = portSetting(process.env, variable, fallback);
    return choosePort(setting.port, { variable, explicit: setting.explicit, what });
  };
  // one after the other, so two defaults never get the same replacement
  const proxy = await pick('NODESCOPE_DEMO_PORT', 8787, 'proxy');
  const harness = await pick('NODESCOPE_HARNESS_PORT', 3000, 'harness');
  const panels = await pick('NODESCOPE_PANELS_PORT', 3001, 'panels');
  return { proxy, harness, panels };
}

async function main(): Promise<void> {
  const chosen = await ports();
  for (const choice of Object.values(chosen)) if (choice.note) console.log(choice.note);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const closers: Array<() => Promise<unknown> | void> = [];

  const stack = await startSimulatedStack({ dir, profile: 'demo' });
  closers.push(() => stack.close());
  const ticker = setInterval(() => stack.tick(), 5_000);
  closers.push(() => clearInterval(ticker));

  const config = {
    server: {
      host: '127.0.0.1',
      port: chosen.proxy.port,
      apiKey: '${NODESCOPE_API_KEY}',
      historyFile: join(dir, 'history.json'),
      logLevel: 'info',
    },
    sources: stack.sources,
  };
  const configFile = join(dir, 'proxy.yaml');
  await writeFile(configFile, `# written by npm run demo: the simulators' addresses change every run\n${stringify(config)}`);
  const proxy = await startServer(await loadConfig(configFile, { ...process.env, ...stack.env, NODESCOPE_API_KEY: API_KEY }), {
    handleSignals: false,
  });
  closers.push(() => proxy.close());

  const [harness, panels] = await Promise.all([
    startChild('harness', join(root, 'e2e', 'harness', 'cli.ts'), ['--port', String(chosen.harness.port), '--proxy', proxy.url], /^harness on (\S+?)\/? /),
    startChild('panels', join(root, 'e2e', 'panels', 'live.ts'), ['--port', String(chosen.panels.port), '--proxy', proxy.url], /^panels on (\S+?)\/? /),
  ]);
  for (const child of [harness, panels]) if (child.process) closers.push(() => void child.process!.kill('SIGTERM'));

  const curl = `curl -s -H 'Authorization: Bearer ${API_KEY}'`;
  const panelLinks = panels.url
    ? ['live-mempool', 'live-peers', 'live-profitability'].map((name) => `${panels.url}/?scenario=${name}`).join('\n              ')
    : panels.reason;
  console.log(`
nodescope demo is running (Ctrl-C stops it)

  proxy       ${proxy.url}      config: ${configFile}
  API key     ${API_KEY}
  harness     ${harness.url ? `${harness.url}/   (datasource scenarios: the plugins as Grafana loads them, with live data)` : harness.reason}
  panels      ${panelLinks}
              (the mempool, peer map and profitability panels on the proxy's frames; reload for newer data, ?theme=light)

Try:
  ${curl} ${proxy.url}/api/health
  ${curl} ${proxy.url}/api/sources
  ${curl} ${proxy.url}/api/query -H 'content-type: application/json' \\
       -d '{"queries":[{"refId":"A","sourceId":"btc-main","query":"fees.estimates"}]}'
  ${curl} -N '${proxy.url}/api/stream?sourceId=btc-main&query=mempool.summary'
  curl -s ${proxy.url}/metrics | grep -E '^(bitcoin_blocks|mining_|freqtrade_)' | head
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

interface Child {
  process?: ChildProcess;
  /** the address it printed once listening */
  url?: string;
  /** why there is no url */
  reason: string;
}

/**
 * Starts one of the e2e workspace's servers (TypeScript run directly: Node 22 strips types) and
 * waits for its "<name> on <url>" line, so the banner shows where it really listens.
 */
async function startChild(name: string, script: string, args: string[], ready: RegExp): Promise<Child> {
  const built = join(root, 'plugins', 'app', 'dist', 'module.js');
  if (!existsSync(script) || !existsSync(built)) return { reason: 'not started (build the plugins first: npm run build)' };
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODESCOPE_API_KEY: API_KEY } });
  return new Promise<Child>((resolve) => {
    let buffer = '';
    let settled = false;
    const settle = (result: Child) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => settle({ process: child, reason: `${name}: not listening after 120 s` }), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (settled) return void process.stdout.write(chunk);
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n').find((l) => ready.test(l));
      if (line) settle({ process: child, url: ready.exec(line)![1], reason: '' });
    });
    child.once('exit', (code) => settle({ reason: `${name} exited (code ${String(code)}) before listening` }));
  });
}

main().catch((error: unknown) => {
  // a port problem is the user's to fix: one line, no stack
  if (error instanceof PortTakenError) console.error(`npm run demo: ${error.message}`);
  else console.error('demo failed:', error);
  process.exit(1);
});
