// The real nodescope proxy over the simulated upstreams, for the Go tests: prints one JSON line
// {"url", "apiKey"} once listening, then applies one fault command per stdin line (JSON) and
// answers each with {"ok": true} or {"error": "..."}. Ends when stdin closes.
//   node proxystack.mjs <repo root>      (needs npm run build -w plugins/shared -w backend-proxy)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const root = resolve(process.argv[2] ?? '.');
const dist = (p) => pathToFileURL(join(root, 'backend-proxy', 'dist', 'src', p)).href;
const { startSimulatedStack } = await import(dist('simulators/stack.js'));
const { startServer } = await import(dist('http/server.js'));
const { loadConfig } = await import(dist('config/load.js'));

const apiKey = 'go-test-api-key-5d1e';
const dir = await mkdtemp(join(tmpdir(), 'nodescope-go-'));
const stack = await startSimulatedStack({ dir, profile: 'test' });
const file = join(dir, 'proxy.json');
// JSON is YAML: the loader reads it as the proxy's config file
await writeFile(file, JSON.stringify({ server: { host: '127.0.0.1', port: 0, apiKey: '${NODESCOPE_API_KEY}', logLevel: 'silent' }, sources: stack.sources }));
// the proxy's clock (AppOptions.now): `skewClock` moves it on, as if that much time had passed
// without the upstreams doing anything (a node that stopped getting blocks)
let skewMs = 0;
const proxy = await startServer(await loadConfig(file, { ...process.env, ...stack.env, NODESCOPE_API_KEY: apiKey }), {
  handleSignals: false,
  port: 0,
  now: () => Date.now() + skewMs,
});
process.stdout.write(`${JSON.stringify({ url: proxy.url, apiKey })}\n`);

const commands = {
  // cgminer fleet: offline, hot, fan0, … (SIM_FAULTS in simulators/cgminer/flavours.ts)
  minerFault: async ({ miner, fault, on = true }) => stack.fleet.setFault(miner, fault, on),
  minerClear: async () => stack.fleet.clearFaults(),
  // freqtrade bots: down, stale-heartbeat, … (simulators/freqtrade/index.ts)
  botFault: async ({ bot, fault, on = true }) => stack.bots[bot].setFault(fault, on),
  botClear: async ({ bot }) => stack.bots[bot].clearFaults(),
  addTransactions: async ({ count }) => void stack.bitcoin.addTransactions(count),
  mineBlock: async () => void stack.bitcoin.mineBlock(),
  bitcoinFault: async ({ fault }) => {
    stack.bitcoin.setFault(fault ?? null);
    await stack.bitcoin.faultApplied();
  },
  tick: async () => stack.tick(),
  skewClock: async ({ seconds }) => {
    skewMs = seconds * 1000;
  },
};

let closing = false;
async function close() {
  if (closing) return;
  closing = true;
  await proxy.close().catch(() => {});
  await stack.close().catch(() => {});
  await rm(dir, { recursive: true, force: true }).catch(() => {});
  process.exit(0);
}
const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  try {
    const command = JSON.parse(line);
    const run = commands[command.op];
    if (!run) throw new Error(`unknown op ${command.op}`);
    await run(command);
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: String(error?.message ?? error) })}\n`);
  }
});
lines.on('close', close);
process.on('SIGTERM', close);
