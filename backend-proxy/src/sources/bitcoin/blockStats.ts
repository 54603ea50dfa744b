// getblockstats per height, shared by every blocks.recent query: `count: 45` … `count: 144` cost
// one call per block between them, not one per block per query. Blocks deeper than
// REORG_SAFE_DEPTH are kept until they fall out of the window; the newest are read again when
// the tip changes (a new block, or another block at the same height), because a reorg may have
// replaced them. Calls for heights nobody has asked
// for yet go out together in one batch; heights already in flight are joined.
import type { BlockStats } from './model.js';

/** Blocks this deep are taken as final (a deeper reorg is refreshed when it leaves the window). */
export const REORG_SAFE_DEPTH = 6;

interface Entry {
  /** the tip (its hash) this entry was read at; compared only for blocks within REORG_SAFE_DEPTH */
  tipHash: string;
  stats: Promise<BlockStats>;
}

export class BlockStatsMemo {
  private readonly byHeight = new Map<number, Entry>();

  constructor(
    /** reads stats for these heights, in order (one JSON-RPC batch) */
    private readonly read: (heights: number[]) => Promise<BlockStats[]>,
    /** how many heights below the tip are kept */
    private readonly window: number
  ) {}

  statsFor(heights: readonly number[], tip: number, tipHash: string): Promise<BlockStats[]> {
    const missing = heights.filter((h) => {
      const entry = this.byHeight.get(h);
      return entry === undefined || (tip - h < REORG_SAFE_DEPTH && entry.tipHash !== tipHash);
    });
    if (missing.length > 0) {
      const batch = this.read(missing);
      missing.forEach((height, i) => {
        const entry: Entry = { tipHash, stats: batch.then((all) => all[i]!) };
        this.byHeight.set(height, entry);
        // a failed read is not remembered: the next query asks again
        entry.stats.catch(() => {
          if (this.byHeight.get(height) === entry) this.byHeight.delete(height);
        });
      });
    }
    for (const height of this.byHeight.keys()) if (height <= tip - this.window) this.byHeight.delete(height);
    return Promise.all(heights.map((h) => this.byHeight.get(h)!.stats));
  }

  get size(): number {
    return this.byHeight.size;
  }
}
