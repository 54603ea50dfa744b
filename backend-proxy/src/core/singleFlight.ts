// One run at a time of a task many callers may start together (a poll, a flush, a token renewal):
// a caller that arrives while it runs gets that same run's promise instead of starting a second
// one; once it settles, the next call starts afresh.

export class SingleFlight<T> {
  private current: Promise<T> | null = null;

  /** The run in flight, or a new run of `task`. */
  run(task: () => Promise<T>): Promise<T> {
    this.current ??= task().finally(() => {
      this.current = null;
    });
    return this.current;
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
