// One run at a time of a task many callers may start together (a poll, a flush, a token renewal):
// a caller that arrives while it runs gets that same run's promise instead of starting a second
// one; once it settles, the next call starts afresh.

export class SingleFlight<T> {
  private current: Promise<T> | null = null;

  /** The run in flight, or a new run of `task`. */
  run(task: () => Promise<T>): Promise<T> {
    if (this.current) return this.current;
    // The run is recorded before the task starts: a task that calls run() again before its first
    // await (a resync asked for from inside the worker) joins this run instead of starting a second
    // one that would then be lost track of.
    let settle: (started: Promise<T>) => void = () => undefined;
    const current: Promise<T> = new Promise<T>((resolve) => (settle = resolve)).finally(() => {
      if (this.current === current) this.current = null;
    });
    this.current = current;
    let started: Promise<T>;
    try {
      started = task();
    } catch (error) {
      started = Promise.reject(error);
    }
    settle(started);
    return current;
  }

  /** The run in flight, if any. */
  get inFlight(): Promise<T> | null {
    return this.current;
  }

  /** Resolves once the run in flight (if any) has settled, whether it failed or not: for a stop(). */
  async settled(): Promise<void> {
    await this.current?.catch(() => undefined);
  }
}
