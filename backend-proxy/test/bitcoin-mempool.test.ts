// The live mempool against the bitcoind simulator over real sockets (RPC + ZMQ on 127.0.0.1):
// after every fault the proxy's compact mempool must equal the simulator's exactly (same txids,
// same histogram, same projected blocks), checked against an independent plain computation.
import {
  FEE_BAND_EDGES,
  feeBandLabel,
  frameColumn,
  frameLength,
  HISTOGRAM_FIELDS,
  PROJECTED_BLOCK_FIELDS,
  ZMQ_FIELDS,
  type DataFrameJSON,
} from '@nodescope/shared';
import { afterAll, describe, expect, it } from 'vitest';
import type { BitcoinFault, BitcoinSimulator, BitcoinSimulatorOptions } from '../src/simulators/bitcoin/index.js';
import { bitcoinSourceState } from '../src/sources/bitcoin/index.js';
import type { Source } from '../src/sources/types.js';
import { queryFrames, startBitcoinHarness, type BitcoinHarness as Harness } from './bitcoinHarness.js';
import { cleanupAfterEach, waitFor } from './helpers.js';
import { plainBlocks, plainHistogram, plainRates, plainTxs, type PlainTx } from './plainMempool.js';

const cleanups = cleanupAfterEach();

const reconvergence: string[] = [];
afterAll(() => {
  if (reconvergence.length > 0) console.info(`mempool reconvergence after faults:\n  ${reconvergence.join('\n  ')}`);
});

function harness(
  simOptions: BitcoinSimulatorOptions = {},
  zmq = true,
  config: Record<string, unknown> = {}
): Promise<Harness> {
  return startBitcoinHarness(cleanups, {
    simulator: {
      seed: 21,
      initialMempool: 400,
      feeEstimates: 'always',
      restartDownMs: 100,
      warmupMs: 200,
      ...simOptions,
    },
    zmq,
    config: { pollSeconds: 0.1, slowPollSeconds: 0.5, histogramIntervalSeconds: 0.2, ...config },
  });
}

/** The simulator's mempool as plain transactions (fees in sats) for the independent computation. */
function plainMempool(sim: BitcoinSimulator): PlainTx[] {
  return plainTxs(sim.mempoolEntries());
}

// a live row is stamped as it is served, after the request's `to`
const run = (source: Source, name: string): Promise<DataFrameJSON[]> => queryFrames(source, name, {}, 1_000);

/** True when the proxy's mempool, histogram and projected blocks equal the simulator's. */
async function equalToSimulator(h: Harness): Promise<boolean> {
  const state = bitcoinSourceState(h.source)!;
  if (!state.mempool.status().synced) return false;
  const simTxids = h.sim.mempoolTxids();
  const ours = state.mempool.store.txidList();
  if (ours.length !== simTxids.length) return false;
  const set = new Set(ours);
  if (!simTxids.every((t) => set.has(t))) return false;
  const txs = plainMempool(h.sim);
  const rates = plainRates(txs);
  const [histogram] = await run(h.source, 'mempool.histogram');
  const expected = plainHistogram(txs, rates).vsize;
  const live = FEE_BAND_EDGES.map((_e, i) => frameColumn<number>(histogram!, feeBandLabel(i))!.at(-1));
  if (JSON.stringify(live) !== JSON.stringify(expected)) return false;
  const [blocks] = await run(h.source, 'mempool.blocks');
  const plain = plainBlocks(txs, rates);
  const txCounts = frameColumn<number>(blocks!, PROJECTED_BLOCK_FIELDS.txCount)!;
  const vsizes = frameColumn<number>(blocks!, PROJECTED_BLOCK_FIELDS.vsize)!;
  const fees = frameColumn<number>(blocks!, PROJECTED_BLOCK_FIELDS.totalFees)!;
  return (
    JSON.stringify(txCounts) === JSON.stringify(plain.map((b) => b.txs.length)) &&
    JSON.stringify(vsizes) === JSON.stringify(plain.map((b) => b.vsize)) &&
    fees.every((f, i) => Math.round(f * 1e8) === plain[i]!.fees)
  );
}

async function converge(h: Harness, what: string, withinMs = 15_000): Promise<number> {
  const started = Date.now();
  await waitFor(() => equalToSimulator(h), `proxy mempool equal to the simulator's (${what})`, withinMs, 50);
  const ms = Date.now() - started;
  reconvergence.push(`${what}: ${ms} ms (${h.sim.mempoolTxids().length} txs)`);
  return ms;
}

/** The subscriber connected (a PUB socket drops what it sends before a subscriber is there). */
async function zmqConnected(h: Harness): Promise<void> {
  await waitFor(() => bitcoinSourceState(h.source)!.mempool.status().connected || null, 'ZMQ connected');
}

async function fault(h: Harness, next: BitcoinFault | null): Promise<void> {
  h.sim.setFault(next);
  await waitFor(
    () => (h.sim.currentFault()?.kind ?? null) === (next?.kind ?? null),
    `fault ${next?.kind ?? 'cleared'} applied`
  );
}

// A node restart: new cookie, -28 warm-up, ZMQ publisher rebound with counters and the mempool
// sequence starting again.
describe('live mempool across a node restart', () => {
  it('equals the simulator again after: node restart (cookie, sequence and counter reset)', async () => {
    const h = await harness();
    await converge(h, 'node restart: initial');
    const before = bitcoinSourceState(h.source)!.mempool.status();
    await h.sim.restart();
    h.sim.addTransactions(10);
    await converge(h, 'node restart (sequence and counter reset)');
    await waitFor(() => h.source.health().status === 'ok' || null, 'health ok after restart');
    // the events alone may already have made it equal; the resync the restart calls for follows
    const status = (await waitFor(() => {
      const now = bitcoinSourceState(h.source)!.mempool.status();
      return now.resyncs > before.resyncs ? now : null;
    }, 'a resync after the restart'))!;
    await converge(h, 'node restart: after its resync');
    expect(status.lastResyncReason).toMatch(/restart|connected|gap|disconnected/);
  });
});

describe('live mempool over ZMQ', () => {
  it('fills from RPC, then follows adds, removals and blocks', async () => {
    const h = await harness();
    await converge(h, 'initial fill');
    // the fill needs no ZMQ; the events below are counted (gaps 0) only once it is subscribed
    await zmqConnected(h);
    h.sim.addTransactions(60);
    await converge(h, 'adds');
    h.sim.removeTransaction(h.sim.mempoolTxids()[5]!);
    await converge(h, 'removal');
    const resyncsBefore = bitcoinSourceState(h.source)!.mempool.status().resyncs;
    h.sim.mineBlock();
    await converge(h, 'block connected');
    const status = bitcoinSourceState(h.source)!.mempool.status();
    expect(status).toMatchObject({ mode: 'zmq', connected: true, gaps: 0, synced: true });
    expect(status.messages).toBeGreaterThanOrEqual(61);
    expect(status.resyncs).toBe(resyncsBefore); // events alone kept it equal
    expect(h.source.health().components?.mempool?.status).toBe('ok');
  });

  it.each<[string, (h: Harness) => Promise<void>]>([
    [
      'dropped messages (counter gap)',
      async (h) => {
        await fault(h, { kind: 'zmqDrop', count: 5 });
        h.sim.addTransactions(20);
        await waitFor(() => bitcoinSourceState(h.source)!.mempool.status().gaps > 0 || null, 'gap noticed');
      },
    ],
    [
      'ZMQ silent while RPC lives',
      async (h) => {
        await fault(h, { kind: 'zmqSilent' });
        h.sim.addTransactions(30);
        // the node keeps changing while nothing arrives: the proxy must call ZMQ silent
        await waitFor(
          () => {
            if (/silent/.test(h.source.health().components?.mempool?.message ?? '')) return true;
            h.sim.addTransactions(1);
            return null;
          },
          'ZMQ reported silent',
          10_000,
          200
        );
        await converge(h, 'while silent (polling)');
        await fault(h, null);
        h.sim.addTransactions(10);
      },
    ],
    [
      'reorg (D then C)',
      async (h) => {
        h.sim.mineBlock();
        h.sim.mineBlock();
        await converge(h, 'before reorg');
        h.sim.reorg(2);
      },
    ],
    [
      'RPC down while ZMQ keeps publishing',
      async (h) => {
        await fault(h, { kind: 'down' });
        h.sim.addTransactions(15);
        h.sim.removeTransaction(h.sim.mempoolTxids()[0]!);
        await waitFor(() => h.source.health().status !== 'ok' || null, 'down seen');
        await fault(h, null);
      },
    ],
    [
      'slow RPC (timeouts)',
      async (h) => {
        await fault(h, { kind: 'slow', delayMs: 1_500 });
        h.sim.addTransactions(15);
        await waitFor(() => h.source.health().status !== 'ok' || null, 'slowness seen');
        await fault(h, null);
      },
    ],
    [
      'work queue full',
      async (h) => {
        await fault(h, { kind: 'workQueue' });
        h.sim.addTransactions(15);
        await waitFor(() => h.source.health().status !== 'ok' || null, 'busy seen');
        await fault(h, null);
      },
    ],
  ])('equals the simulator again after: %s', async (name, inject) => {
    const h = await harness();
    await converge(h, `${name}: initial`);
    await inject(h);
    await converge(h, name);
    await waitFor(() => h.source.health().status === 'ok' || null, `health ok after ${name}`);
  });
});

describe('live mempool: loss right after subscribing', () => {
  it('the mempool sequence catches lost messages the counter cannot (no earlier message)', async () => {
    const h = await harness({ initialMempool: 0 });
    await converge(h, 'empty mempool');
    await zmqConnected(h);
    expect(bitcoinSourceState(h.source)!.mempool.status().messages).toBe(0);
    await fault(h, { kind: 'zmqDrop', count: 3 });
    h.sim.addTransactions(10);
    await waitFor(() => bitcoinSourceState(h.source)!.mempool.status().gaps > 0 || null, 'sequence gap noticed');
    await converge(h, 'lost first messages');
  });
});

describe('live mempool without ZMQ', () => {
  it('polls and diffs', async () => {
    const h = await harness({}, false);
    await converge(h, 'polling: initial');
    h.sim.addTransactions(25);
    h.sim.removeTransaction(h.sim.mempoolTxids()[3]!);
    await converge(h, 'polling: adds and removal');
    h.sim.mineBlock();
    await converge(h, 'polling: block');
    expect(bitcoinSourceState(h.source)!.mempool.status()).toMatchObject({ mode: 'polling', synced: true });
    expect(h.source.health().components?.mempool?.message).toMatch(/polling/);
  });
});

describe('mempool queries, metrics and streams', () => {
  it('mempool.histogram: ring rows plus the live row, wide by band', async () => {
    const h = await harness();
    await converge(h, 'histogram query');
    await waitFor(async () => frameLength((await run(h.source, 'mempool.histogram'))[0]!) >= 3, 'histogram ring rows');
    const [vsize, count] = await run(h.source, 'mempool.histogram');
    expect(vsize!.schema.name).toBe(HISTOGRAM_FIELDS.vsizeFrame);
    expect(count!.schema.name).toBe(HISTOGRAM_FIELDS.countFrame);
    expect(vsize!.schema.fields).toHaveLength(1 + FEE_BAND_EDGES.length);
    expect(vsize!.schema.fields[0]!.type).toBe('time');
    const band = vsize!.schema.fields.find((f) => f.name === '10-12')!;
    expect(band.labels).toEqual({ band: '10-12' });
    expect(band.config?.unit).toBe('si:vB');
    const counts = FEE_BAND_EDGES.map((_e, i) => frameColumn<number>(count!, feeBandLabel(i))!.at(-1)!);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(h.sim.mempoolTxids().length);
    const times = frameColumn<number>(vsize!, HISTOGRAM_FIELDS.time)!;
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('mempool.blocks and zmq.status frames', async () => {
    // 9,000 entries take ~1 s to fill on a quiet machine; a loaded one (CI beside a browser run)
    // needs room: calls that may take 5 s, and 50 s to converge
    const h = await startBitcoinHarness(cleanups, {
      simulator: { seed: 21, initialMempool: 9_000, feeEstimates: 'always' },
      zmq: true,
      config: { pollSeconds: 0.1, slowPollSeconds: 0.5, histogramIntervalSeconds: 0.2 },
      rpc: { timeoutMs: 5_000 },
    });
    await converge(h, 'projected blocks (9000 txs)', 50_000);
    const [blocks] = await run(h.source, 'mempool.blocks');
    expect(frameLength(blocks!)).toBeGreaterThanOrEqual(2);
    const medians = frameColumn<number>(blocks!, PROJECTED_BLOCK_FIELDS.medianFee)!;
    const mins = frameColumn<number>(blocks!, PROJECTED_BLOCK_FIELDS.feeMin)!;
    const maxes = frameColumn<number>(blocks!, PROJECTED_BLOCK_FIELDS.feeMax)!;
    medians.forEach((m, i) => expect(m).toBeGreaterThanOrEqual(mins[i]!));
    medians.forEach((m, i) => expect(m).toBeLessThanOrEqual(maxes[i]!));
    for (let i = 1; i < mins.length; i++) expect(mins[i - 1]!).toBeGreaterThanOrEqual(maxes[i]!);
    const [status] = await run(h.source, 'zmq.status');
    expect(frameColumn(status!, ZMQ_FIELDS.mode)).toEqual(['zmq']);
    expect(frameColumn(status!, ZMQ_FIELDS.connected)).toEqual([true]);
    expect(frameColumn(status!, ZMQ_FIELDS.mempoolTxs)).toEqual([h.sim.mempoolTxids().length]);
    expect(frameColumn<number>(status!, ZMQ_FIELDS.mempoolBytesPerTx)![0]).toBeGreaterThan(0);
  }, 60_000);

  it('fee-band and ZMQ metrics on /metrics', async () => {
    const h = await harness();
    await converge(h, 'metrics');
    h.sim.addTransactions(5);
    await converge(h, 'metrics after adds');
    const txs = plainMempool(h.sim);
    const expected = plainHistogram(txs, plainRates(txs)).vsize;
    await waitFor(
      async () => (await h.ctx.metrics.registry.metrics()).includes('bitcoin_zmq_connected{source="btc"} 1'),
      'zmq gauges'
    );
    await run(h.source, 'mempool.histogram'); // refreshes the band gauges from the live row
    const text = await h.ctx.metrics.registry.metrics();
    FEE_BAND_EDGES.forEach((_e, i) => {
      expect(text).toContain(`bitcoin_mempool_fee_band_vsize{source="btc",band="${feeBandLabel(i)}"} ${expected[i]}`);
    });
    expect(Number(/^bitcoin_zmq_messages_total\{source="btc"\} (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(5);
    expect(text).toMatch(/bitcoin_zmq_resyncs_total\{source="btc",reason="[^"]+"\} [1-9]/);
    expect(text).toMatch(/bitcoin_mempool_tracked_txs\{source="btc"\} \d+/);
  });

  it('streams live histogram, projected blocks and status frames', async () => {
    const h = await harness();
    await converge(h, 'stream');
    const frames: Record<string, DataFrameJSON[]> = {
      'mempool.histogram': [],
      'mempool.blocks': [],
      'zmq.status': [],
      'chain.info': [],
      'mempool.summary': [],
    };
    const stops = Object.keys(frames).map((name) => h.source.streams![name]!((f) => frames[name]!.push(f), {}));
    cleanups.push(() => stops.forEach((stop) => stop()));
    h.sim.addTransactions(10);
    h.sim.mineBlock();
    await waitFor(() => Object.values(frames).every((list) => list.length > 0) || null, 'a frame on every stream');
    const histogram = frames['mempool.histogram']!.at(-1)!;
    expect(frameLength(histogram)).toBe(1);
    expect(histogram.schema.fields).toHaveLength(1 + FEE_BAND_EDGES.length);
    expect(frames['chain.info']!.at(-1)!.schema.name).toBe('chain.info');
  });
});
