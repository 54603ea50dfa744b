// Live mempool frames against the bitcoind simulator over real sockets (RPC + ZMQ): after each
// change the stream's frames show it, with the same bands and projected blocks as the
// independent plain computation (test/plainMempool.ts) of the simulator's mempool. The histogram
// frames come from the rates and bands alone (sources/bitcoin/liveHistogram.ts), the blocks from
// a full analysis on their own pace (state.ts): both must agree with the plain one.
import {
  FEE_BAND_EDGES,
  feeBandLabel,
  frameColumn,
  HISTOGRAM_FIELDS,
  PROJECTED_BLOCK_FIELDS,
  ZMQ_FIELDS,
  type DataFrameJSON,
} from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import type { BitcoinSimulator } from '../src/simulators/bitcoin/index.js';
import { bitcoinSourceState } from '../src/sources/bitcoin/index.js';
import { startBitcoinHarness } from './bitcoinHarness.js';
import { cleanupAfterEach, waitFor } from './helpers.js';
import { plainBlocks, plainHistogram, plainRates, plainTxs, type PlainTx } from './plainMempool.js';

const cleanups = cleanupAfterEach();

const plainMempool = (sim: BitcoinSimulator): PlainTx[] => plainTxs(sim.mempoolEntries());

const bandColumn = (frame: DataFrameJSON) =>
  FEE_BAND_EDGES.map((_e, i) => frameColumn<number>(frame, feeBandLabel(i))!.at(-1)!);

describe('live mempool frames follow each change', () => {
  it('histogram and projected-block frames show every step of adds, a removal and a block, equal to the plain computation', async () => {
    const h = await startBitcoinHarness(cleanups, {
      simulator: { seed: 23, initialMempool: 300, feeEstimates: 'always' },
      zmq: true,
      // the slow paths (the 1 s status tick, history rows) far off: frames come from changes only
      config: { pollSeconds: 5, slowPollSeconds: 60, histogramIntervalSeconds: 3_600 },
    });
    const state = bitcoinSourceState(h.source)!;
    await waitFor(
      () => (state.mempool.status().synced && state.mempool.store.size === h.sim.mempoolTxids().length) || null,
      'initial fill',
      15_000
    );

    const counts: DataFrameJSON[] = [];
    const vsizes: DataFrameJSON[] = [];
    const blocks: DataFrameJSON[] = [];
    const stopHistogram = h.source.streams!['mempool.histogram']!((frame) => {
      if (frame.schema.name === HISTOGRAM_FIELDS.countFrame) counts.push(frame);
      else if (frame.schema.name === HISTOGRAM_FIELDS.vsizeFrame) vsizes.push(frame);
    }, {});
    const stopBlocks = h.source.streams!['mempool.blocks']!((frame) => blocks.push(frame), {});
    cleanups.push(async () => {
      stopHistogram();
      stopBlocks();
    });

    /** waits for a histogram frame and a blocks frame that show the simulator's mempool as it is now */
    const shown = async (what: string) => {
      const txs = plainMempool(h.sim);
      const rates = plainRates(txs);
      const histogram = plainHistogram(txs, rates);
      const plain = plainBlocks(txs, rates);
      const expectedCounts = JSON.stringify(histogram.count);
      const expectedVsizes = JSON.stringify(histogram.vsize);
      await waitFor(
        () =>
          (counts.some((f) => JSON.stringify(bandColumn(f)) === expectedCounts) &&
            vsizes.some((f) => JSON.stringify(bandColumn(f)) === expectedVsizes)) ||
          null,
        `histogram frames showing ${what}`,
        15_000,
        20
      );
      await waitFor(
        () =>
          blocks.some(
            (f) =>
              JSON.stringify(frameColumn<number>(f, PROJECTED_BLOCK_FIELDS.txCount)) ===
                JSON.stringify(plain.map((b) => b.txs.length)) &&
              JSON.stringify(frameColumn<number>(f, PROJECTED_BLOCK_FIELDS.vsize)) ===
                JSON.stringify(plain.map((b) => b.vsize))
          ) || null,
        `projected-block frames showing ${what}`,
        15_000,
        20
      );
    };

    // one transaction after a quiet spell, then a burst, a removal and a block
    h.sim.addTransactions(1);
    await shown('one added transaction');
    h.sim.addTransactions(40);
    await shown('40 more');
    h.sim.removeTransaction(h.sim.mempoolTxids()[3]!);
    await shown('a removal');
    h.sim.mineBlock();
    await shown('a block');
    // the gauges followed the frames (the live row sets them for the version it shows)
    const txs = plainMempool(h.sim);
    const expected = plainHistogram(txs, plainRates(txs));
    const text = await h.ctx.metrics.registry.metrics();
    FEE_BAND_EDGES.forEach((_e, i) => {
      expect(text).toContain(
        `bitcoin_mempool_fee_band_txs{source="btc",band="${feeBandLabel(i)}"} ${expected.count[i]}`
      );
    });
  });
});

describe('zmq.status frames', () => {
  it('follow a fast stream of messages a few times a second (not once per live frame) and show its latest counts', async () => {
    const h = await startBitcoinHarness(cleanups, {
      simulator: { seed: 29, initialMempool: 50 },
      zmq: true,
      // no fast poll within the test: frames come from changes only
      config: { pollSeconds: 30, slowPollSeconds: 60, histogramIntervalSeconds: 3_600 },
    });
    const state = bitcoinSourceState(h.source)!;
    await waitFor(() => (state.mempool.status().synced && state.mempool.status().connected) || null, 'synced, ZMQ connected', 15_000);
    const statuses: Array<{ at: number; frame: DataFrameJSON }> = [];
    let histograms = 0;
    const stops = [
      h.source.streams!['zmq.status']!((frame) => statuses.push({ at: performance.now(), frame }), {}),
      h.source.streams!['mempool.histogram']!(() => histograms++, {}),
    ];
    cleanups.push(async () => stops.forEach((stop) => stop()));
    const before = state.mempool.status().messages;
    // ~100 messages a second for 1.5 s, one add per 10 ms timer
    const started = performance.now();
    let sent = 0;
    while (performance.now() - started < 1_500) {
      h.sim.addTransactions(1);
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const messages = (f: DataFrameJSON) => frameColumn<number>(f, ZMQ_FIELDS.messages)!.at(-1)!;
    // the last frame shows every message (a change after the burst is still sent, once its gap is over)
    await waitFor(() => (statuses.length > 0 && messages(statuses.at(-1)!.frame) === before + sent) || null, 'a frame with every message', 5_000);
    // frames at least 250 ms apart (STATUS_MIN_GAP_MS): over ~1.5-2 s a handful, where each live
    // histogram frame used to bring one (~100 a second)
    for (let i = 1; i < statuses.length; i++) expect(statuses[i]!.at - statuses[i - 1]!.at).toBeGreaterThanOrEqual(240);
    expect(histograms).toBeGreaterThan(statuses.length);
  });
});
