// The Stacks log follower across a restart of the proxy: the position is kept in the history
// snapshot, so a new source over the same snapshot reads each line exactly once (level counters,
// Loki pushes), when the file only grew, was rotated or truncated meanwhile, and when the node
// switched its log format on a restart of its own.
import { frameColumn, type DataFrameJSON } from '@nodescope/shared';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LokiReceiver } from '../src/simulators/stacks/lokiReceiver.js';
import type { StacksSimulator } from '../src/simulators/stacks/index.js';
import { createStacksSource, type StacksSource } from '../src/sources/stacks/index.js';
import type { QueryInput } from '../src/sources/types.js';
import { createTestContext, waitFor, type TestContext } from './helpers.js';
import { stacksLogConfigFor, startStacksLogSim } from './stacksSim.js';

const clock = 1_800_000_000_000;
let sim: StacksSimulator;
let dir: { path: string; remove: () => Promise<void> };
let receiver: LokiReceiver;
let running: { source: StacksSource; ctx: TestContext } | undefined;

const input: QueryInput = { params: { limit: 5_000 }, range: { from: clock - 3_600_000, to: clock + 3_600_000 }, intervalMs: 1_000, maxDataPoints: 1_000 };

/** One run of the proxy: a fresh context over the same history file, as app.ts builds it. */
async function startProxy(backfillBytes = 100_000): Promise<StacksSource> {
  const ctx = createTestContext({ now: () => clock, historyFile: join(dir.path, 'history.json') });
  await ctx.history.restore();
  const config = stacksLogConfigFor(sim, {
    logs: { pollMs: 60_000, backfillBytes, maxLines: 10_000 },
    loki: { url: receiver.url, spoolFile: join(dir.path, 'loki.spool'), batchMaxLines: 1_000 },
  });
  const source = createStacksSource(config, ctx);
  await source.start();
  running = { source, ctx };
  return source;
}

/** Stops the run the way app.ts closes: sources first, then the final history snapshot. */
async function stopProxy(): Promise<void> {
  if (!running) return;
  const { source, ctx } = running;
  running = undefined;
  await source.pollLogs();
  await waitFor(() => source.flushLoki(), 'loki flushed');
  await source.stop();
  await ctx.history.stop();
}

async function countedLines(): Promise<number> {
  const metric = await running!.ctx.metrics.registry.getSingleMetric('stacks_log_lines_total')!.get();
  return metric.values.reduce((sum, v) => sum + v.value, 0);
}

async function bodies(source: StacksSource): Promise<unknown[]> {
  const [frame] = (await source.queries.logs!(input)) as DataFrameJSON[];
  return frameColumn(frame!, 'body') ?? [];
}

/** A run of the proxy that reads `lines` new log lines and stops; returns them. */
async function runReading(lines: number): Promise<string[]> {
  const run = await startProxy();
  const written = await sim.appendLog(lines);
  await run.pollLogs();
  await stopProxy();
  return written;
}

/** The next run reads what is there and stops: `counted` lines counted by it, `pushed` (every run's) each pushed to Loki once. */
async function expectNextRun(counted: number, pushed: string[]): Promise<void> {
  const run = await startProxy();
  await run.pollLogs();
  expect(await countedLines()).toBe(counted);
  await stopProxy();
  expect([...receiver.lines].sort()).toEqual([...pushed].sort());
}

beforeEach(async () => {
  const stacks = await startStacksLogSim('nodescope-stacks-restart-', () => clock);
  ({ dir, sim } = stacks);
  receiver = new LokiReceiver();
  await receiver.start();
  return stacks.close;
});
afterEach(async () => {
  await running?.source.stop();
  running = undefined;
  await receiver.stop();
});

describe('stacks log position across a proxy restart', () => {
  it('goes on where the last run stopped: every line counted and pushed once, the view refilled', async () => {
    const first = await startProxy();
    const a = await sim.appendLog(7);
    await first.pollLogs();
    expect(await countedLines()).toBe(7);
    await stopProxy();

    const b = await sim.appendLog(5); // written while the proxy is down
    const second = await startProxy();
    const c = await sim.appendLog(4);
    await second.pollLogs();
    // only the lines this run read for the first time are counted again
    expect(await countedLines()).toBe(9);
    expect(second.health().components?.logs?.status).toBe('ok');
    // the view shows the lines before the saved position too (replayed for it, not re-counted)
    expect(await bodies(second)).toEqual([...a, ...b, ...c]);
    await stopProxy();
    expect([...receiver.lines].sort()).toEqual([...a, ...b, ...c].sort());
  });

  it('reads the rest of a file rotated while it was down, then the new file from its start', async () => {
    const a = await runReading(6);

    const b = await sim.appendLog(3); // still in the old file
    await sim.rotateLog(); // logrotate: rename to .1, create anew
    const c = await sim.appendLog(4);
    await expectNextRun(7, [...a, ...b, ...c]);
  });

  it('when the rotated file is gone, the new file is still read whole (the old rest is lost)', async () => {
    const a = await runReading(6);

    await sim.appendLog(3);
    await sim.rotateLog();
    await rm(`${sim.logFile}.1`);
    const c = await sim.appendLog(4);
    await expectNextRun(4, [...a, ...c]);
  });

  it('reads a file truncated and refilled while it was down from its start', async () => {
    const a = await runReading(6);

    await sim.truncateLog(); // copytruncate: same inode, shorter
    const b = await sim.appendLog(8); // now longer than the saved offset, with other first bytes
    await expectNextRun(8, [...a, ...b]);
  });

  it('without a saved position keeps the old start: backfill shown and counted, not pushed', async () => {
    const a = await sim.appendLog(3);
    const first = await startProxy();
    expect(await countedLines()).toBe(3);
    expect(await bodies(first)).toEqual(a);
    await stopProxy();
    expect(receiver.lines).toEqual([]);
  });

  it('follows a node that restarted with JSON and then pretty logging, across a proxy restart', async () => {
    const first = await startProxy(0);
    const text = await sim.appendLog(6);
    sim.setLogFormat('json');
    const json = await sim.appendLog(6);
    await first.pollLogs();
    await stopProxy();

    sim.setLogFormat('pretty-tty');
    const pretty = await sim.appendLog(6);
    const second = await startProxy(0);
    await second.pollLogs();
    const [frame] = (await second.queries.logs!(input)) as DataFrameJSON[];
    // the simulator writes the same six records in each format: info, info, debug, warning, info, error
    expect(frameColumn(frame!, 'severity')).toEqual(['info', 'info', 'debug', 'warning', 'info', 'error']);
    expect(frameColumn(frame!, 'body')).toEqual(pretty);
    await stopProxy();
    expect([...receiver.lines].sort()).toEqual([...text, ...json, ...pretty].sort());
  });
});
