// Shared test utilities: a SourceContext without a server, captured logs, bounded waits, per-test
// cleanups, hand-moved test clocks and query inputs.
import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameColumn, type DataFrameJSON } from '@nodescope/shared';
import type { DestinationStream } from 'pino';
import { afterEach, expect } from 'vitest';
import { CoalescingCache } from '../src/core/cache.js';
import type { SourceContext } from '../src/core/context.js';
import { HistoryStore } from '../src/core/history.js';
import { createLogger, SecretScrubber } from '../src/core/logger.js';
import { MetricFactory, selfMetrics } from '../src/core/metrics.js';
import type { QueryInput, Source } from '../src/sources/types.js';
import { LokiPusher } from '../src/outputs/loki.js';
import type { ChainReader } from '../src/sources/capabilities.js';

/** A pino destination that keeps every line, so tests can scan logs for secrets. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  get text(): string {
    return this.lines.join('');
  }
  /** also usable where a Node stream is expected */
  stream(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.lines.push(chunk.toString());
        callback();
      },
    });
  }
}

export interface TestContext extends SourceContext {
  logs: LogCapture;
  sources: Map<string, Source>;
}

export function createTestContext(options: { historyFile?: string; level?: string; now?: () => number } = {}): TestContext {
  const logs = new LogCapture();
  const secrets = new SecretScrubber();
  const metrics = new MetricFactory();
  const sources = new Map<string, Source>();
  return {
    logger: createLogger({ level: options.level ?? 'debug', scrubber: secrets, destination: logs }),
    metrics,
    self: selfMetrics(metrics),
    cache: new CoalescingCache(),
    history: new HistoryStore(options.historyFile ? { file: options.historyFile } : {}),
    secrets,
    lookup: (id) => sources.get(id),
    now: options.now ?? Date.now,
    openLogPush: (push) => new LokiPusher(push),
    logs,
    sources,
  };
}

/**
 * A SourceContext whose now() and cache TTLs both follow a clock the test moves by hand, so ages,
 * stalls and cache expiry are exact rather than timed.
 */
export function createClockedContext(now: () => number): TestContext {
  const ctx = createTestContext({ now });
  ctx.cache = new CoalescingCache(10_000, now);
  return ctx;
}

/** Where hand-moved test clocks start (2027-01-15T08:00:00Z): fixed, so ages and annotation times are exact. */
export const TEST_CLOCK_START = 1_800_000_000_000;

export const HOUR_MS = 3_600_000;

/** A query over `range` with 1 s steps and at most 1,000 points. */
export function queryInput(range: { from: number; to: number }, params: QueryInput['params'] = {}): QueryInput {
  return { params, range, intervalMs: 1_000, maxDataPoints: 1_000 };
}

/** A query over the hour either side of `at` (a hand-moved clock's now). */
export function inputAround(at: number, params: QueryInput['params'] = {}): QueryInput {
  return queryInput({ from: at - HOUR_MS, to: at + HOUR_MS }, params);
}

/** The first value of column `name` (undefined when the frame or the column is missing). */
export function firstValue(frame: DataFrameJSON | undefined, name: string): unknown {
  return frame ? frameColumn(frame, name)?.[0] : undefined;
}

/** Asserts that every line is in a Prometheus exposition text, naming the first one missing. */
export function expectSeries(exposition: string, lines: string[]): void {
  for (const line of lines) expect(exposition, line).toContain(line);
}

export type CleanupList = Array<() => unknown>;

/**
 * A list of cleanups (close a simulator, stop a source) that runs after each test, last pushed first.
 * Call it once at the top level of a test file.
 */
export function cleanupAfterEach(): CleanupList {
  const cleanups: CleanupList = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });
  return cleanups;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws with `what`). */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function tempDir(prefix = 'nodescope-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A bitcoin source as other sources see it (sources/capabilities.ts ChainReader): stacks and
 * lightning read its tip height, profitability its difficulty and fees. Unset calls throw.
 */
export function bitcoinStandIn(id: string, chain: Partial<ChainReader>): Source {
  const missing = (what: string) => () => {
    throw new Error(`stand-in ${id}: no ${what}`);
  };
  return {
    id,
    kind: 'bitcoin',
    name: id,
    queries: {},
    provides: {
      chain: {
        tip: chain.tip ?? (async () => missing('tip')()),
        recentBlockFees: chain.recentBlockFees ?? (async () => missing('recentBlockFees')()),
        projectedBlockFees: chain.projectedBlockFees ?? missing('projectedBlockFees'),
        best: chain.best ?? (async () => missing('best')()),
        tips: chain.tips ?? (async () => missing('tips')()),
        reorgs: chain.reorgs ?? missing('reorgs'),
      },
    },
    health: () => ({ status: 'ok', message: 'ok', lastSuccess: null }),
    start: async () => undefined,
    stop: async () => undefined,
  };
}
