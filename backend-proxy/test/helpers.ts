// Shared test utilities: a SourceContext without a server, captured logs, bounded waits.
import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { CoalescingCache } from '../src/core/cache.js';
import type { SourceContext } from '../src/core/context.js';
import { HistoryStore } from '../src/core/history.js';
import { createLogger, SecretScrubber } from '../src/core/logger.js';
import { MetricFactory, selfMetrics } from '../src/core/metrics.js';
import type { Source } from '../src/sources/types.js';

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
    logs,
    sources,
  };
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
