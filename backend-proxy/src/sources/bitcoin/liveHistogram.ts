// The fee-band histogram of the compact mempool as it is now, for live frames, live rows and the
// band gauges: the same effective rates and bands as MempoolSync.analysis(), without the
// projected blocks, which are most of an analysis' time (at 20k transactions the rates and bands
// take well under a millisecond, the blocks tens of ms). It names the store version it shows,
// so it is never older than the store (analysis() may answer from its 200 ms cache).
import { effectiveFeeRates, feeHistogram, type FeeHistogram } from './feerates.js';
import type { MempoolSync } from './mempoolSync.js';

export interface VersionedHistogram {
  /** MempoolSync.version the histogram shows */
  version: number;
  histogram: FeeHistogram;
}

export class LiveHistogram {
  private last: VersionedHistogram | null = null;

  constructor(private readonly sync: Pick<MempoolSync, 'version' | 'store'>) {}

  /** The histogram for the store as it is now (computed once per store version). */
  current(): VersionedHistogram {
    const version = this.sync.version;
    if (this.last?.version === version) return this.last;
    const view = this.sync.store.view();
    this.last = { version, histogram: feeHistogram(view, effectiveFeeRates(view)) };
    return this.last;
  }
}
