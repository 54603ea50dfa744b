// TTL cache with request coalescing: identical concurrent requests share one upstream call,
// and a result is reused until its TTL ends. Errors are never cached, so a failing upstream
// is retried by the next request.
export interface CacheStats {
  hits: number;
  misses: number;
  coalesced: number;
}

interface Entry<T> {
  value: T;
  stored: number;
  expires: number;
}

/**
 * Fresh while stored <= now < expires: after the clock steps back, an entry stored "in the
 * future" is stale at once, rather than served for as long as the step (an hour's step back
 * would otherwise freeze every dashboard for an hour).
 */
const fresh = (entry: Entry<unknown> | undefined, now: number): entry is Entry<unknown> =>
  entry !== undefined && entry.stored <= now && now < entry.expires;

/** Expired entries are dropped at most this often (and whenever the cache is full). */
const SWEEP_EVERY_MS = 1_000;

export class CoalescingCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  private lastSweep = 0;
  private readonly inflight = new Map<string, Promise<unknown>>();
  readonly stats: CacheStats = { hits: 0, misses: 0, coalesced: 0 };

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
    /** off: every get() loads (no TTL reuse, no coalescing); for measuring what the cache buys */
    private readonly enabled = true
  ) {}

  /** Returns a fresh cached value, joins an in-flight load, or starts `load`. */
  get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    if (!this.enabled) {
      this.stats.misses++;
      return load();
    }
    const entry = this.entries.get(key);
    if (fresh(entry, this.now())) {
      this.stats.hits++;
      return Promise.resolve(entry.value as T);
    }
    const pending = this.inflight.get(key);
    if (pending) {
      this.stats.coalesced++;
      return pending as Promise<T>;
    }
    this.stats.misses++;
    const promise = load().then(
      (value) => {
        this.inflight.delete(key);
        if (ttlMs > 0) this.set(key, value, ttlMs);
        return value;
      },
      (error: unknown) => {
        this.inflight.delete(key);
        throw error;
      }
    );
    this.inflight.set(key, promise);
    return promise;
  }

  /** A fresh cached value, else undefined: nothing loads, nothing waits, nothing is counted (see hit). */
  peek<T>(key: string): T | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(key);
    return fresh(entry, this.now()) ? (entry.value as T) : undefined;
  }

  /** Counts hits served from peek(). */
  hit(count = 1): void {
    this.stats.hits += count;
  }

  set(key: string, value: unknown, ttlMs: number): void {
    // keys carry the query range, so each dashboard refresh adds one: expired entries must go
    // on time, not only when the cache is full (a soak showed RSS +59 % in 10 min otherwise)
    const now = this.now();
    if (now - this.lastSweep >= SWEEP_EVERY_MS) this.sweep(now);
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) this.evict();
    this.entries.delete(key); // re-insert so Map order stays oldest-first
    this.entries.set(key, { value, stored: now, expires: now + ttlMs });
  }

  delete(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, entry] of this.entries) if (!fresh(entry, now)) this.entries.delete(key);
  }

  private evict(): void {
    this.sweep(this.now());
    // still full: drop the oldest insertion
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
