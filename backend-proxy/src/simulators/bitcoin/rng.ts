import { Mulberry32 } from '../rng.js';

/** Seeded draws (mulberry32) so a given seed replays the same chain, mempool and peers. */
export class Rng extends Mulberry32 {
  constructor(seed: number) {
    // seed 0 becomes 0x9e3779b9, as it always has here: recorded seeds keep replaying the same chain
    super(seed >>> 0 || 0x9e3779b9);
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** standard normal via Box-Muller */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** lowercase hex string of `bytes` random bytes */
  hex(bytes: number): string {
    // one flat string (Buffer), not a rope of concatenations: 300k txids stay cheap for the GC
    const buf = Buffer.allocUnsafe(bytes);
    for (let i = 0; i < bytes; i++) buf[i] = Math.floor(this.next() * 256);
    return buf.toString('hex');
  }

  /** RFC 4648 base32 lowercase, as used by onion v3 and I2P b32 names */
  base32(chars: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    let out = '';
    for (let i = 0; i < chars; i++) out += alphabet[Math.floor(this.next() * 32)];
    return out;
  }
}

/** derive an independent seed for a sub-stream (per height, per peer, ...) */
export function subSeed(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
