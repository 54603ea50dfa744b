// Per-upstream health and circuit breaker. After `failureThreshold` consecutive failures the
// circuit opens: calls fail fast (no socket) until `openMs` has passed, then one probe call
// is let through (half-open); its success closes the circuit.
import type { SourceHealth, SourceStatus } from './health.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
}

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
}

export class UpstreamHealth {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  lastSuccess: number | null = null;
  lastError: string | null = null;
  /** a status the upstream itself reported (e.g. bitcoind -28 warm-up) while answering */
  private reported: { status: SourceStatus; message: string } | null = null;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly options: CircuitOptions = { failureThreshold: 3, openMs: 5_000 }
  ) {
    this.now = options.now ?? Date.now;
  }

  get circuit(): CircuitState {
    // a negative elapsed time is a clock that stepped back: probe now rather than stay open for the step
    const elapsed = this.now() - this.openedAt;
    if (this.state === 'open' && (elapsed >= this.options.openMs || elapsed < 0)) return 'half-open';
    return this.state;
  }

  /** Runs `fn` through the circuit, recording its outcome. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    const circuit = this.circuit;
    if (circuit === 'open' || (circuit === 'half-open' && this.probing)) {
      throw new CircuitOpenError(`${this.name}: circuit open after ${this.failures} failures (${this.lastError ?? 'unknown'})`);
    }
    if (circuit === 'half-open') this.probing = true;
    try {
      const value = await fn();
      this.success();
      return value;
    } catch (error) {
      this.failure(error);
      throw error;
    } finally {
      this.probing = false;
    }
  }

  success(): void {
    this.state = 'closed';
    this.failures = 0;
    this.lastSuccess = this.now();
    this.lastError = null;
  }

  failure(error: unknown): void {
    this.failures++;
    this.lastError = error instanceof Error ? error.message : String(error);
    if (this.state === 'half-open' || this.circuit === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.state = 'open';
      this.openedAt = this.now();
    }
  }

  /** The upstream answered but says it is not fully usable (warm-up, IBD, stale tip). */
  report(status: SourceStatus | null, message = ''): void {
    this.reported = status === null || status === 'ok' ? null : { status, message };
  }

  snapshot(): SourceHealth {
    const circuit = this.circuit;
    let status: SourceStatus;
    let message: string;
    if (this.lastSuccess === null && this.lastError === null) {
      status = 'starting';
      message = 'no upstream call yet';
    } else if (circuit !== 'closed') {
      status = 'down';
      message = this.lastError ?? 'circuit open';
    } else if (this.failures > 0) {
      status = 'degraded';
      message = this.lastError ?? 'recent failure';
    } else if (this.reported) {
      ({ status, message } = this.reported);
    } else {
      status = 'ok';
      message = 'ok';
    }
    return { status, message, lastSuccess: this.lastSuccess, circuit };
  }
}

const RANK: Record<SourceStatus, number> = { ok: 0, starting: 1, degraded: 2, down: 3 };

/** Combines component healths: the main component decides down; any other problem degrades. */
export function combineHealth(main: SourceHealth, others: Record<string, SourceHealth>): SourceHealth {
  const components: NonNullable<SourceHealth['components']> = {};
  let status = main.status;
  let message = main.message;
  for (const [name, health] of Object.entries(others)) {
    components[name] = { status: health.status, message: health.message, lastSuccess: health.lastSuccess };
    if (status === 'ok' && RANK[health.status] >= RANK.degraded) {
      status = 'degraded';
      message = `${name}: ${health.message}`;
    }
  }
  return { ...main, status, message, components };
}

export function worstStatus(statuses: SourceStatus[]): 'ok' | 'degraded' | 'down' {
  if (statuses.length === 0) return 'ok';
  if (statuses.every((s) => s === 'down')) return 'down';
  return statuses.some((s) => s !== 'ok') ? 'degraded' : 'ok';
}
