// A source's poll loop: one poll at start, then one every period. The timer never keeps the
// process alive, and a failed poll is the poll's own to report (it is swallowed here, so one
// bad answer does not stop the loop).
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly poll: () => Promise<void>,
    private readonly periodMs: number
  ) {}

  async start(): Promise<void> {
    await this.poll().catch(() => undefined);
    this.timer = setInterval(() => void this.poll().catch(() => undefined), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
