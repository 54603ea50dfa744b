// mulberry32 (Tommy Ettinger's 32-bit generator): small, fast and seedable, so a simulator given
// the same seed replays the same chain, trades or fleet. Not for anything secret.

/** Uniform draws in [0, 1) from a 32-bit seed; the same seed gives the same sequence. */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
}
