// Bounds on the upstream work a client can cause. Each /api request runs with a budget of
// upstream calls (a batch counts each of its members); clients charge it before they send, so a
// request with 100 distinct queries fails its own surplus queries instead of queueing thousands
// of calls in front of everyone else's. Pollers run outside any request and are not charged.
// Each upstream also gets a concurrency limit, so what one request may still send is sent a few
// calls at a time and other requests' calls interleave with it.
import { AsyncLocalStorage } from 'node:async_hooks';

/** A request asked for more upstream calls than one request may cause. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
}

export class UpstreamBudget {
  used = 0;
  constructor(readonly limit: number) {}

  charge(calls: number, what: string): void {
    this.used += calls;
    if (this.used > this.limit) {
      throw new BudgetExceededError(
        `this request needs more than ${this.limit} upstream calls (at ${what}); ask for fewer distinct queries or params per request`
      );
    }
  }
}

const current = new AsyncLocalStorage<UpstreamBudget>();
/** requests running with a budget now */
let running = 0;

/**
 * Runs `work` with `budget` charged by every upstream call made on its behalf. While a storage
 * is in use, Node 22 runs an async hook for every promise and async resource of the process;
 * it is disabled whenever no request runs with a budget, so cached requests (answered without
 * one) and pollers do not pay for it. Work that outlives its request then charges nobody, as a
 * poller's.
 */
export async function withBudget<T>(budget: UpstreamBudget, work: () => Promise<T>): Promise<T> {
  running++;
  try {
    return await current.run(budget, work);
  } finally {
    if (--running === 0) current.disable();
  }
}

/** Charges the current request's budget (a no-op outside any request: pollers, start-up). */
export function chargeUpstream(calls: number, what: string): void {
  current.getStore()?.charge(calls, what);
}

/** At most `limit` tasks at once; the rest wait in arrival order. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}
