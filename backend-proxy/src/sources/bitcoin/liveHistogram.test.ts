// The live frames' histogram (rates and bands without the projected blocks) against the
// independent plain computation in test/plainMempool.ts, through adds, a CPFP child and removals.
import { FEE_BAND_EDGES, feeBandIndex } from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import { plainHistogram, plainRates, type PlainTx } from '../../../test/plainMempool.js';
import { LiveHistogram } from './liveHistogram.js';
import { CompactMempool } from './mempool.js';

const txid = (n: number) => n.toString(16).padStart(64, '0');

/** a MempoolSync as LiveHistogram sees it: the store and its version, bumped on each change */
function syncOver(store: CompactMempool) {
  return { store, version: 0 };
}

describe('LiveHistogram', () => {
  it('equals the plain computation after adds, a CPFP child and removals, one computation per version', () => {
    const store = new CompactMempool(1_000, 16);
    const sync = syncOver(store);
    const live = new LiveHistogram(sync);
    const txs: PlainTx[] = [];
    for (let i = 1; i <= 200; i++) {
      const vsize = 110 + ((i * 37) % 700);
      txs.push({
        txid: txid(i),
        vsize,
        fee: Math.round(vsize * (1 + ((i * 13) % 90))),
        depends: i % 9 === 0 ? [txid(i - 1)] : [],
      });
    }
    const expectNow = () => {
      const held = txs.filter((t) => store.has(t.txid));
      const plain = plainHistogram(held, plainRates(held));
      const { histogram, version } = live.current();
      expect(version).toBe(sync.version);
      expect(histogram.vsize).toEqual(plain.vsize);
      expect(histogram.count).toEqual(plain.count);
    };
    store.addEntries(txs.map((t) => ({ ...t, time: 0 })));
    sync.version++;
    expectNow();
    const first = live.current();
    expect(live.current()).toBe(first); // same version: not recomputed

    // a 1 sat/vB parent and its 100 sat/vB child: the parent moves up to the package's band
    const parent = { txid: txid(1_001), vsize: 200, fee: 200, depends: [] };
    store.addEntries([{ ...parent, time: 0 }]);
    sync.version++;
    txs.push(parent);
    expectNow();
    const child = { txid: txid(1_002), vsize: 100, fee: 10_000, depends: [parent.txid] };
    store.addEntries([{ ...child, time: 0 }]);
    sync.version++;
    txs.push(child);
    expectNow();
    // by hand: (200 + 10,000) / (200 + 100) = 34 sat/vB for both, the 30–40 band
    const band34 = feeBandIndex(34);
    expect(FEE_BAND_EDGES[band34]).toBe(30);
    expect(live.current().histogram.count[band34]).toBe(plainHistogram(txs, plainRates(txs)).count[band34]);

    for (const gone of [child.txid, txid(9), txid(10), txid(77)]) {
      expect(store.remove(gone)).toBe(true);
      sync.version++;
      expectNow();
    }
  });
});
