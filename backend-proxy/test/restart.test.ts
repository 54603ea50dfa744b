// Restart without loss: the real proxy binary (dist/src/cli.js, built by `npm test` before
// vitest runs) in a child process over the simulated stack, with history snapshots every second,
// an InfluxDB output whose server is down (lines queue in `queueFile`) and a Stacks source
// pushing its log to a Loki that is down (lines spooled). It is killed with SIGKILL mid-run and
// started again on the same files. Checked:
//  - every history sample (mempool.summary, miner.history, fleet.history) that the last
//    snapshot before the kill had seen is back after the restart; only samples taken after that
//    snapshot may be missing (the documented bound: `snapshotSeconds`);
//  - every Influx line and Loki line pending on disk at the kill is delivered once the targets
//    come up.
// The figures (samples before the kill, lost within / beyond the snapshot interval, lines
// delivered) are printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DroppableListener } from '../src/simulators/listener.js';
import { readRequestBody } from '../src/simulators/requestBody.js';
import { LokiReceiver } from '../src/simulators/stacks/lokiReceiver.js';
import { startSimulatedStack, type SimulatedStack } from '../src/simulators/stack.js';
import { freePort } from './influxd.js';
import { tempDir, waitFor } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
const SNAPSHOT_SECONDS = 1;

interface Frame {
  schema: { fields: Array<{ name: string }> };
  data: { values: unknown[][] };
}

/** A minimal InfluxDB 1.x write endpoint: 204 to POST /write, every line kept. */
class InfluxReceiver {
  lines = new Set<string>();
  private readonly listener = new DroppableListener('127.0.0.1', (req, res) => {
    void readRequestBody(req, 64 * 1024 * 1024).then((body) => {
      if (body === null) res.writeHead(413).end();
      else if (req.method === 'POST' && req.url?.startsWith('/write')) {
        for (const line of body.split('\n')) if (line) this.lines.add(line);
        res.writeHead(204).end();
      } else res.writeHead(404).end();
    });
  });
  constructor(readonly port: number) {}
  async start(): Promise<void> {
    await this.listener.listen(this.port);
  }
  stop(): Promise<void> {
    return this.listener.close();
  }
}

/** The proxy binary in a child process; resolves once it logged its address. */
async function startProxy(
  configFile: string,
  env: Record<string, string>
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  if (!existsSync(CLI))
    throw new Error(
      `${CLI} is missing: run \`npm run build -w plugins/shared -w backend-proxy\` first (npm test does)`
    );
  const child = spawn(process.execPath, [CLI, '--config', configFile], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  const exit = new Promise<never>((_, reject) =>
    child.once('exit', (code) => {
      exited = true;
      reject(new Error(`proxy exited with ${code}: ${output.slice(-2_000)}`));
    })
  );
  exit.catch(() => undefined);
  const url = await Promise.race([
    exit,
    waitFor(() => exited || /listening on (http:\/\/[^"\s]+)/.exec(output)?.[1], 'the proxy to listen', 20_000),
  ]);
  if (typeof url !== 'string') await exit;
  return { child, url: url as string, output: () => output };
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

describe('SIGKILL and restart: history rings and pending Influx/Loki lines survive', () => {
  let stack: SimulatedStack;
  let dir: { path: string; remove: () => Promise<void> };
  let ticker: NodeJS.Timeout;
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  const loki = new LokiReceiver();
  let influx: InfluxReceiver;

  beforeAll(async () => {
    dir = await tempDir('nodescope-restart-');
    stack = await startSimulatedStack({ dir: dir.path, profile: 'test' });
    await stack.stacks.appendLog(5);
    ticker = setInterval(() => {
      stack.tick();
      stack.bitcoin.addTransactions(3);
    }, 250);
    // both targets get an address and are down from the start
    await loki.start();
    await loki.stop();
    influx = new InfluxReceiver(await freePort());
  }, 60_000);

  afterAll(async () => {
    clearInterval(ticker);
    if (proxy) await kill(proxy.child, 'SIGKILL');
    await influx?.stop();
    await loki.stop();
    await stack?.close();
    await dir?.remove();
  });

  it('loses no sample older than the last snapshot and delivers every spooled line', async () => {
    const files = {
      config: join(dir.path, 'proxy.yaml'),
      history: join(dir.path, 'state', 'history.json'),
      influxQueue: join(dir.path, 'state', 'influx-queue.json'),
      lokiSpool: join(dir.path, 'state', 'loki-spool.json'),
    };
    const sources = stack.sources.map((source) => {
      switch (source.kind) {
        case 'bitcoin':
          return { ...source, pollSeconds: 0.5 };
        case 'cgminer':
          return { ...source, pollSeconds: 1 };
        case 'profitability':
          return { ...source, sampleSeconds: 1 };
        case 'stacks':
          return {
            ...source,
            pollSeconds: 1,
            logs: { pollMs: 100 },
            loki: { url: loki.url, spoolFile: files.lokiSpool, batchMaxWaitMs: 200 },
          };
        default:
          return source;
      }
    });
    await writeFile(
      files.config,
      stringify({
        server: {
          host: '127.0.0.1',
          port: 0,
          historyFile: files.history,
          snapshotSeconds: SNAPSHOT_SECONDS,
          logLevel: 'warn',
        },
        sources,
        outputs: {
          influx: {
            url: `http://127.0.0.1:${influx.port}`,
            db: 'nodescope',
            queueFile: files.influxQueue,
            intervalSeconds: 1,
            gzip: false,
            retryMaxSeconds: 1,
          },
        },
      })
    );

    proxy = await startProxy(files.config, stack.env);
    const miner = stack.fleet.miners[1]!.name;
    const probes = [
      { name: 'mempool.summary', sourceId: 'btc-main', query: 'mempool.summary', params: {} },
      { name: 'miner.history', sourceId: 'farm-a', query: 'miner.history', params: { miner } },
      { name: 'fleet.history', sourceId: 'profit', query: 'fleet.history', params: {} },
    ];
    /** time column of every probe, oldest first */
    const sampleTimes = async (url: string): Promise<Record<string, number[]>> => {
      const now = Date.now();
      const res = await fetch(`${url}/api/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          queries: probes.map((p) => ({ refId: p.name, sourceId: p.sourceId, query: p.query, params: p.params })),
          range: { from: now - 3_600_000, to: now + 60_000 },
          intervalMs: 1,
          maxDataPoints: 100_000,
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: Record<string, { frames?: Frame[]; error?: string }> };
      const out: Record<string, number[]> = {};
      for (const p of probes) {
        const result = body.results[p.name]!;
        expect(result.error, `${p.name}`).toBeUndefined();
        const frame = result.frames![0]!;
        const index = frame.schema.fields.findIndex((f) => f.name === 'time');
        expect(index, `${p.name} has a time field`).toBeGreaterThanOrEqual(0);
        out[p.name] = (frame.data.values[index] as number[]).slice();
      }
      return out;
    };
    const pendingOnDisk = async () => {
      const queue = existsSync(files.influxQueue)
        ? (JSON.parse(await readFile(files.influxQueue, 'utf8')) as { batches: string[][] })
        : { batches: [] };
      const spool = existsSync(files.lokiSpool)
        ? (JSON.parse(await readFile(files.lokiSpool, 'utf8')) as { entries: Array<{ line: string }> })
        : { entries: [] };
      return { influx: queue.batches.flat(), loki: spool.entries.map((e) => e.line) };
    };

    // run until every ring holds several snapshotted samples and both spools hold lines
    await waitFor(
      async () => {
        const times = await sampleTimes(proxy!.url);
        const onDisk = await pendingOnDisk();
        return (
          Object.values(times).every((t) => t.length >= 5) &&
          onDisk.influx.length > 0 &&
          onDisk.loki.length > 0 &&
          existsSync(files.history)
        );
      },
      'history samples, a snapshot and spooled Influx/Loki lines',
      30_000,
      200
    );

    // mid-run: the last look, then SIGKILL (no shutdown hook runs)
    const before = await sampleTimes(proxy.url);
    const exposition = await (await fetch(`${proxy.url}/metrics`)).text();
    const inMemory = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(exposition)?.[1] ?? NaN);
    const pendingInMemory = {
      influx: inMemory('nodescope_influx_pending_lines'),
      loki: inMemory('stacks_loki_pending_lines'),
    };
    await kill(proxy.child, 'SIGKILL');
    const snapshot = JSON.parse(await readFile(files.history, 'utf8')) as { at: number };
    const spooled = await pendingOnDisk();

    // restart on the same files, targets still down: the rings are back
    proxy = await startProxy(files.config, stack.env);
    const after = await sampleTimes(proxy.url);
    const figures: Record<string, { beforeKill: number; lostWithinInterval: number; lostBeyondInterval: number }> = {};
    for (const p of probes) {
      const restored = new Set(after[p.name]);
      const lost = before[p.name]!.filter((t) => !restored.has(t));
      figures[p.name] = {
        beforeKill: before[p.name]!.length,
        lostWithinInterval: lost.filter((t) => t > snapshot.at - 1).length,
        lostBeyondInterval: lost.filter((t) => t <= snapshot.at - 1).length,
      };
    }

    // the targets come up: everything that was pending on disk arrives
    await influx.start();
    await loki.start();
    await waitFor(
      () => spooled.influx.every((line) => influx.lines.has(line)),
      `${spooled.influx.length} queued Influx lines to arrive`,
      20_000,
      100
    );
    const lokiLines = () => new Set(loki.lines);
    await waitFor(
      () => spooled.loki.every((line) => lokiLines().has(line)),
      `${spooled.loki.length} spooled Loki lines to arrive`,
      20_000,
      100
    );

    console.log(
      `restart without loss (snapshotSeconds ${SNAPSHOT_SECONDS}): ${JSON.stringify(figures)}; ` +
        `influx lines pending in memory just before the kill ${pendingInMemory.influx}, queued on disk ${spooled.influx.length}, delivered after restart ${spooled.influx.filter((l) => influx.lines.has(l)).length}; ` +
        `loki lines pending in memory ${pendingInMemory.loki}, spooled ${spooled.loki.length}, delivered ${spooled.loki.filter((l) => lokiLines().has(l)).length}`
    );
    for (const p of probes) {
      expect(figures[p.name]!.beforeKill).toBeGreaterThanOrEqual(5);
      expect(figures[p.name]!.lostBeyondInterval, `${p.name} samples older than the last snapshot lost`).toBe(0);
    }
    expect(spooled.influx.length).toBeGreaterThan(0);
    expect(spooled.loki.length).toBeGreaterThan(0);
  }, 120_000);
});
