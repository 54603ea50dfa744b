// Runs work that follows changes (a live frame after a mempool change) soon but not too often:
// the first change after a quiet spell runs it right away (on the next turn of the event loop,
// so the changes of one I/O callback make one run: leading edge); changes while it is too soon
// are coalesced into one run when the gap is over (trailing edge). The gap is at least `minGapMs`
// and `costFactor` times the CPU time the last run took, so the work uses at most
// 1 / (1 + costFactor) of a core however fast the changes come. CPU time, not elapsed time: on a
// busy machine a run that is descheduled half-way would otherwise count the wait as its cost
// and push the next frame back by four times that (p99 ~250 ms at load 15 in BENCH=livesse).
// A fixed delay after each change (the previous live scheduling) added that delay to every
// frame even on a quiet stream.

export interface CoalescerOptions {
  minGapMs: number;
  costFactor: number;
  /** elapsed-time clock for the gaps, ms (immune to wall-clock steps) */
  clock?: () => number;
  /** the clock a run's cost is read on, ms: the process' CPU time unless given */
  costClock?: () => number;
  /** runs happen only while this says yes (e.g. someone listens); changes meanwhile stay owed */
  active?: () => boolean;
  /** what a run threw (it runs from a timer: nothing may reach the process) */
  onError?: (error: unknown) => void;
}

export class Coalescer {
  private dirty = false;
  private pending:
    { kind: 'immediate'; handle: NodeJS.Immediate } | { kind: 'timeout'; handle: NodeJS.Timeout } | null = null;
  /** when the last run ended, and what it took */
  private lastEnd = -Infinity;
  private lastCostMs = 0;
  private readonly clock: () => number;
  private readonly costClock: () => number;

  constructor(
    private readonly run: () => void,
    private readonly options: CoalescerOptions
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.costClock = options.costClock ?? processCpuMs;
  }

  /** Something changed: run soon (see the file's comment). */
  changed(): void {
    this.dirty = true;
    this.schedule();
  }

  /** A run is owed for changes not run yet (e.g. they came while `active` said no). */
  get owed(): boolean {
    return this.dirty;
  }

  /** Schedules a run for changes still owed, if none is scheduled. */
  schedule(): void {
    if (!this.dirty || this.pending !== null || !this.isActive()) return;
    const wait = this.lastEnd + this.gapMs() - this.clock();
    if (wait <= 0) {
      const handle = setImmediate(() => this.fire());
      handle.unref();
      this.pending = { kind: 'immediate', handle };
    } else {
      const handle = setTimeout(() => this.fire(), wait);
      handle.unref();
      this.pending = { kind: 'timeout', handle };
    }
  }

  /** The least time between the end of one run and the start of the next. */
  gapMs(): number {
    return Math.max(this.options.minGapMs, this.options.costFactor * this.lastCostMs);
  }

  /** Drops a scheduled run (what is owed stays owed until `schedule`). */
  cancel(): void {
    if (this.pending?.kind === 'immediate') clearImmediate(this.pending.handle);
    else if (this.pending?.kind === 'timeout') clearTimeout(this.pending.handle);
    this.pending = null;
  }

  private isActive(): boolean {
    return this.options.active?.() ?? true;
  }

  private fire(): void {
    this.pending = null;
    if (!this.dirty || !this.isActive()) return;
    this.dirty = false;
    const cpuStarted = this.costClock();
    try {
      this.run();
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.lastEnd = this.clock();
      this.lastCostMs = Math.max(0, this.costClock() - cpuStarted);
    }
  }
}

/** user + system CPU time of this process, ms */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}
