// npm run demo: a simulator of every upstream, the proxy on 127.0.0.1:8787 with a config written
// to .demo/proxy.yaml (read it: it is the example to copy for real nodes), and the plugin
// harness when it has been built. Ctrl-C stops everything.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from './config/load.js';
import { startServer } from './http/server.js';
import { startSimulatedStack } from './simulators/stack.js';

const root = resolve(process.env.NODESCOPE_DEMO_ROOT ?? process.cwd());
const dir = join(root, '.demo');
const PROXY_PORT = Number(process.env.NODESCOPE_DEMO_PORT ?? 8787);
const HARNESS_PORT = Number(process.env.NODESCOPE_HARNESS_PORT ?? 3000);
const API_KEY = process.env.NODESCOPE_API_KEY ?? 'demo-api-key-change-me';

async function main(): Promise<void> {
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
      port: PROXY_PORT,
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

  const harness = await startHarness(proxy.url);
  if (harness) closers.push(() => void harness.kill('SIGTERM'));

  const curl = `curl -s -H 'Authorization: Bearer ${API_KEY}'`;
  console.log(`
nodescope demo is running (Ctrl-C stops it)

  proxy       ${proxy.url}      config: ${configFile}
  API key     ${API_KEY}
  harness     ${harness ? `http://127.0.0.1:${HARNESS_PORT}/   (every scenario: the plugins as Grafana loads them, with live data)` : 'not started (build the plugins: npm run build)'}

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

/** The harness lives in the e2e workspace; it runs when the plugins have been built. */
async function startHarness(proxyUrl: string): Promise<ChildProcess | null> {
  // TypeScript run directly: Node 22 strips types
  const script = join(root, 'e2e', 'harness', 'cli.ts');
  const built = join(root, 'plugins', 'app', 'dist', 'module.js');
  if (!existsSync(script) || !existsSync(built)) return null;
  const child = spawn(process.execPath, [script, '--port', String(HARNESS_PORT), '--proxy', proxyUrl], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODESCOPE_API_KEY: API_KEY },
  });
  return child;
}

main().catch((error: unknown) => {
  console.error('demo failed:', error);
  process.exit(1);
});
