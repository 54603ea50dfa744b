// Retries with exponential backoff and full jitter (AWS architecture blog's "full jitter"):
// many proxies retrying one restarted node do not arrive in lockstep.
export interface RetryOptions {
  retries: number;
  baseMs: number;
  maxMs: number;
  /** decides whether an error is worth another try (e.g. not a -32601 method-not-found) */
  retryable?: (error: unknown) => boolean;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const canRetry = options.retryable ? options.retryable(error) : true;
      if (!canRetry || attempt >= options.retries) throw error;
      await sleep(backoffDelay(attempt, options.baseMs, options.maxMs, options.random));
    }
  }
}
