// The Stacks source's log path over real files and sockets: the simulator writes node log lines
// (with bursts, rotation and truncation), the source follows, parses and serves them as Grafana
// log frames, counts them per level on /metrics, streams them and pushes them to a Loki receiver
// that goes down and comes back.
import { frameColumn, frameLength, type DataFrameJSON } from '@nodescope/shared';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStacksSource, type StacksSource } from '../src/sources/stacks/index.js';
import type { StacksSimulator } from '../src/simulators/stacks/index.js';
import { LokiReceiver } from '../src/simulators/stacks/lokiReceiver.js';
import { QueryInputError, type QueryInput } from '../src/sources/types.js';
import { createTestContext, waitFor, type TestContext } from './helpers.js';
import { stacksLogConfigFor, startStacksLogSim } from './stacksSim.js';

let sim: StacksSimulator;
let ctx: TestContext;
let dir: { path: string; remove: () => Promise<void> };
let source: StacksSource | undefined;
let receiver: LokiReceiver | undefined;
const clock = 1_800_000_000_000;

const input = (params: QueryInput['params'] = {}): QueryInput => ({
  params,
  range: { from: clock - 3_600_000, to: clock + 3_600_000 },
  intervalMs: 1_000,
  maxDataPoints: 1_000,
});

async function build(overrides: Record<string, unknown> = {}): Promise<StacksSource> {
  const config = stacksLogConfigFor(sim, { logs: { pollMs: 60_000, backfillBytes: 0, maxLines: 1_000 }, ...overrides });
  source = createStacksSource(config, ctx);
  await source.start();
  return source;
}

const logs = async (s: StacksSource, params: QueryInput['params'] = {}): Promise<DataFrameJSON> => {
  const [frame] = await s.queries.logs!(input(params));
  return frame!;
};

beforeEach(async () => {
  const stacks = await startStacksLogSim('nodescope-stacks-logs-', () => clock);
  ({ dir, sim } = stacks);
  ctx = createTestContext({ now: () => clock });
  return stacks.close;
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
  await receiver?.stop();
  receiver = undefined;
});

describe('stacks logs', () => {
  it('returns a log-lines frame Explore routes to its logs view', async () => {
    const s = await build();
    const written = await sim.appendLog(6);
    const frame = await logs(s);
    expect(frame.schema.meta).toMatchObject({ type: 'log-lines', preferredVisualisationType: 'logs' });
    expect(frame.schema.fields.slice(0, 5).map((f) => [f.name, f.type])).toEqual([
      ['timestamp', 'time'],
      ['body', 'string'],
      ['severity', 'string'],
      ['id', 'string'],
      ['labels', 'other'],
    ]);
    expect(frameColumn(frame, 'body')).toEqual(written);
    expect(frameColumn(frame, 'severity')).toEqual(['info', 'info', 'debug', 'warning', 'info', 'error']);
    expect(frameColumn(frame, 'timestamp')?.[0]).toBe(clock);
    expect(frameColumn(frame, 'block_height')?.slice(0, 2)).toEqual([171_000, 171_000]);
    expect(frameColumn(frame, 'burn_height')?.[0]).toBe(870_000);
    expect(frameColumn<Record<string, string>>(frame, 'labels')?.[0]).toEqual({
      source: 'stx-1',
      service: 'node',
      level: 'info',
      component: 'nakamoto',
      thread: 'chains-coordinator-0.0.0.0:20443',
    });
    expect(new Set(frameColumn(frame, 'id')).size).toBe(6);
  });

  it('filters by level, component, search and limit; rejects bad params', async () => {
    const s = await build();
    await sim.appendLog(12);
    expect(frameColumn(await logs(s, { level: 'error' }), 'severity')).toEqual(['error', 'error']);
    expect(frameLength(await logs(s, { level: ['WARN', 'ERRO'] }))).toBe(4);
    expect(frameLength(await logs(s, { level: 'warn,error' }))).toBe(4);
    expect(frameColumn(await logs(s, { component: 'relay' }), 'severity')).toEqual(['info', 'info']);
    expect(frameLength(await logs(s, { search: 'HTTPREQUEST' }))).toBe(2);
    const limited = await logs(s, { limit: 3 });
    expect(frameColumn(limited, 'severity')).toEqual(['warning', 'info', 'error']); // the newest three, in time order
    await expect(s.queries.logs!(input({ level: 'loud' }))).rejects.toThrow(QueryInputError);
    await expect(s.queries.logs!(input({ limit: 0 }))).rejects.toThrow(QueryInputError);
    await expect(s.queries.logs!(input({ limit: 'many' }))).rejects.toThrow(QueryInputError);
  });

  it('keeps following through a burst, a rotation and a truncation', async () => {
    const s = await build();
    await sim.appendLog(500); // burst
    await s.pollLogs();
    await sim.appendLog(['INFO [1800000000.000001] [a.rs:1] [main] last line before rotation']);
    await sim.rotateLog();
    await sim.appendLog(['INFO [1800000000.000002] [a.rs:1] [main] first line after rotation']);
    await s.pollLogs();
    await sim.appendLog(['INFO [1800000000.000003] [a.rs:1] [main] before truncation, padding padding padding']);
    await s.pollLogs();
    await sim.truncateLog();
    await sim.appendLog(['WARN [1800000000.000004] [a.rs:1] [main] after truncation']);
    const frame = await logs(s, { limit: 5_000 });
    const bodies = frameColumn<string>(frame, 'body')!;
    expect(bodies).toHaveLength(504);
    expect(bodies.slice(-4).map((b) => b.split('] ').pop())).toEqual([
      'last line before rotation',
      'first line after rotation',
      'before truncation, padding padding padding',
      'after truncation',
    ]);
    const metrics = await ctx.metrics.registry.metrics();
    expect(metrics).toContain('stacks_log_rotations{source="stx-1",service="node",kind="rotation"} 1');
    expect(metrics).toContain('stacks_log_rotations{source="stx-1",service="node",kind="truncation"} 1');
    expect(s.health().components?.logs?.status).toBe('ok');
  });

  it('keeps only logs.maxLines lines in memory', async () => {
    const s = await build({ logs: { pollMs: 60_000, backfillBytes: 0, maxLines: 100 } });
    await sim.appendLog(250);
    expect(frameLength(await logs(s, { limit: 5_000 }))).toBe(100);
  });

  it('counts lines per level on /metrics', async () => {
    const s = await build();
    await sim.appendLog(12);
    await s.pollLogs();
    const text = await ctx.metrics.registry.metrics();
    expect(text).toContain('stacks_log_lines_total{source="stx-1",service="node",level="info"} 6');
    expect(text).toContain('stacks_log_lines_total{source="stx-1",service="node",level="warning"} 2');
    expect(text).toContain('stacks_log_lines_total{source="stx-1",service="node",level="error"} 2');
    expect(text).toContain('stacks_log_lines_total{source="stx-1",service="node",level="debug"} 2');
    expect(text).toContain('stacks_log_lines_total{source="stx-1",service="node",level="critical"} 0');
  });

  it('streams new lines as log frames, filtered by the subscription params', async () => {
    const s = await build();
    const frames: DataFrameJSON[] = [];
    const stop = s.streams!.logs!((frame) => frames.push(frame), { level: 'error' });
    await sim.appendLog(6);
    await s.pollLogs();
    stop();
    await sim.appendLog(6);
    await s.pollLogs();
    expect(frames).toHaveLength(1);
    expect(frameColumn(frames[0]!, 'severity')).toEqual(['error']);
  });

  it('backfills the tail of an existing file at start without pushing it to Loki again', async () => {
    receiver = new LokiReceiver();
    await receiver.start();
    await sim.appendLog(3);
    const s = await build({ logs: { pollMs: 60_000, backfillBytes: 100_000, maxLines: 1_000 }, loki: { url: receiver.url } });
    expect(frameLength(await logs(s))).toBe(3);
    await sim.appendLog(1);
    await s.pollLogs();
    await waitFor(async () => (await s.flushLoki()) && receiver!.lines.length === 1, 'one pushed line');
    expect(receiver.lines).toHaveLength(1);
  });

  it('a line written before a Loki outage arrives after it, with none lost or doubled', async () => {
    receiver = new LokiReceiver();
    await receiver.start();
    const s = await build({ loki: { url: receiver.url, batchMaxLines: 50 } });
    const before = await sim.appendLog(3);
    await s.pollLogs();
    await waitFor(async () => (await s.flushLoki()) && receiver!.lines.length >= 3, 'first lines at Loki');

    await receiver.stop();
    const duringOutage = await sim.appendLog(120);
    await s.pollLogs();
    expect(await s.flushLoki()).toBe(false);
    expect(s.health().components?.loki?.status).toBe('degraded');

    await receiver.start(); // Loki back on the same port
    await waitFor(async () => (await s.flushLoki()) && receiver!.lines.length >= 123, 'all lines at Loki');
    // Loki streams are per label set (level), so compare as sets: every line once, none lost
    expect([...receiver.lines].sort()).toEqual([...before, ...duringOutage].sort());
    const stream = (receiver.requests[0]?.body as { streams: Array<{ stream: Record<string, string> }> }).streams[0]?.stream;
    expect(stream).toMatchObject({ source: 'stx-1', kind: 'stacks' });
    expect(s.health().components?.loki?.status).toBe('ok');
    await s.refresh();
    expect(await ctx.metrics.registry.metrics()).toContain('stacks_loki_sent_lines{source="stx-1"} 123');
  });

  it('follows the signer log beside the node log, told apart by service', async () => {
    const signerLog = join(dir.path, 'signer.log');
    await writeFile(signerLog, '');
    const s = await build({ signer: { logFile: signerLog } });
    await sim.appendLog(2);
    await writeFile(signerLog, 'INFO [1800000000.000009] [stacks-signer/src/v0/signer.rs:530] [signer-runloop] Block proposal received, burn_height: 870000\n', { flag: 'a' });
    const signerOnly = await logs(s, { service: 'signer' });
    expect(frameColumn<Record<string, string>>(signerOnly, 'labels')?.map((l) => [l.service, l.component])).toEqual([['signer', 'signer']]);
    expect(frameLength(await logs(s, { service: 'node' }))).toBe(2);
    expect(frameLength(await logs(s))).toBe(3);
    await expect(s.queries.logs!(input({ service: 'miner' }))).rejects.toThrow(QueryInputError);
    expect(await ctx.metrics.registry.metrics()).toContain('stacks_log_lines_total{source="stx-1",service="signer",level="info"} 1');
    expect(s.health().components?.['signer-logs']?.status).toBe('ok');
  });

  it('logs without a logFile configured is a client error', async () => {
    const s = await build({ logFile: undefined });
    await expect(s.queries.logs!(input())).rejects.toThrow(QueryInputError);
  });
});
