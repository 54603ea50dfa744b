// Host health read through bitcoind: the clock offset (getnetworkinfo timeoffset) and the growth
// of size_on_disk, against the simulator's clockSkew fault over real sockets.
import { describe, expect, it } from 'vitest';
import { rpc } from '../src/simulators/bitcoin/testkit.js';
import { bitcoinSourceState } from '../src/sources/bitcoin/index.js';
import { startBitcoinHarness } from './bitcoinHarness.js';
import { cleanupAfterEach, createClockedContext, queryInput, TEST_CLOCK_START } from './helpers.js';

const cleanups = cleanupAfterEach();

const gauge = async (text: Promise<string>, name: string) => {
  const m = new RegExp(`^${name}\\{source="btc"\\} (\\S+)$`, 'm').exec(await text);
  return m ? Number(m[1]) : undefined;
};

// Bitcoin Core: a peer's offset is its version-message time minus ours
// (bitcoin/bitcoin@81405fc7abbd1889f3978b8924e7acbe12b3403b:src/net_processing.cpp:3834), and
// getnetworkinfo's timeoffset, "the time offset" (src/rpc/net.cpp:661), is the median of the
// outbound peers' offsets in seconds (src/rpc/net.cpp:718), 0 with fewer than five
// (src/node/timeoffsets.cpp:39). A positive offset: the peers are ahead, this host's clock behind.
describe('clock offset (getnetworkinfo timeoffset)', () => {
  it('is on /metrics and degrades health beyond maxClockOffsetSeconds, naming the side', async () => {
    // 10 simulated peers, every third inbound: 7 outbound, enough for Core's median
    const { sim, ctx, source } = await startBitcoinHarness(cleanups, {
      simulator: { peers: 10 },
      start: false,
      config: { maxClockOffsetSeconds: 30 },
    });
    const state = bitcoinSourceState(source)!;
    await state.pollFast();
    expect(await gauge(ctx.metrics.registry.metrics(), 'bitcoin_timeoffset_seconds')).toBe(0);
    expect(source.health().components?.clock).toMatchObject({
      status: 'ok',
      message: "clock offset 0 s from the outbound peers' median",
    });

    sim.setFault({ kind: 'clockSkew', seconds: 45 });
    await state.pollFast();
    expect(await gauge(ctx.metrics.registry.metrics(), 'bitcoin_timeoffset_seconds')).toBe(45);
    expect(source.health().components?.clock).toMatchObject({
      status: 'degraded',
      message: "clock 45 s behind the outbound peers' median (limit 30 s): check NTP",
    });
    expect(source.health().status).toBe('degraded');

    sim.setFault({ kind: 'clockSkew', seconds: -20 });
    await state.pollFast();
    expect(source.health().components?.clock?.status).toBe('ok');
  });

  it('the simulator answers as Core does: the median only from five outbound peers, the 10-minute warning beyond', async () => {
    const few = await startBitcoinHarness(cleanups, { simulator: { peers: 6 }, start: false }); // 4 outbound
    few.sim.setFault({ kind: 'clockSkew', seconds: 120 });
    expect(await rpc(few.sim, 'getnetworkinfo')).toMatchObject({ connections_out: 4, timeoffset: 0, warnings: [] });
    // a peer's own offset is reported whatever the count (getpeerinfo timeoffset, src/rpc/net.cpp:161, :258)
    expect((await rpc<Array<{ timeoffset: number }>>(few.sim, 'getpeerinfo'))[0]!.timeoffset).toBe(120);

    const many = await startBitcoinHarness(cleanups, { simulator: { peers: 10 }, start: false });
    many.sim.setFault({ kind: 'clockSkew', seconds: -601 });
    const info = await rpc<{ timeoffset: number; warnings: string[] }>(many.sim, 'getnetworkinfo');
    expect(info.timeoffset).toBe(-601);
    // WARN_THRESHOLD 10 minutes (src/node/timeoffsets.h:27), the message of src/node/timeoffsets.cpp:55-62
    expect(info.warnings).toEqual([
      "Your computer's date and time appear to be more than 10 minutes out of sync with the network, this may lead to consensus failure. After you've confirmed your computer's clock, this message should no longer appear when you restart your node. Without a restart, it should stop showing automatically after you've connected to a sufficient number of new outbound peers, which may take some time. You can inspect the `timeoffset` field of the `getpeerinfo` and `getnetworkinfo` RPC methods to get more info.",
    ]);
  });
});

describe("bitcoind's own memory (getmemoryinfo mallocinfo)", () => {
  it('held and in-use bytes from the glibc totals, on /metrics and in host.health', async () => {
    const { ctx, source } = await startBitcoinHarness(cleanups, { start: false });
    const state = bitcoinSourceState(source)!;
    await state.pollSlow();
    // the simulator's malloc_info totals: arenas 135 168 (1 024 of it free chunks), mmap 4 333 568
    expect(await gauge(ctx.metrics.registry.metrics(), 'bitcoin_malloc_held_bytes')).toBe(135_168 + 4_333_568);
    expect(await gauge(ctx.metrics.registry.metrics(), 'bitcoin_malloc_in_use_bytes')).toBe(
      135_168 - 1_024 + 4_333_568
    );
    const [frame] = await source.queries['host.health']!(queryInput({ from: Date.now() - 60_000, to: Date.now() }));
    const column = (name: string) => frame!.data.values[frame!.schema.fields.findIndex((f) => f.name === name)]![0];
    expect(column('bitcoind_malloc_held_bytes')).toBe(4_468_736);
    expect(column('bitcoind_malloc_in_use_bytes')).toBe(4_467_712);
  });
});

describe('size_on_disk growth (no statfs needed)', () => {
  it('one sample a minute at most; least squares over the day on /metrics', async () => {
    let now = TEST_CLOCK_START;
    const ctx = createClockedContext(() => now);
    const { sim, source } = await startBitcoinHarness(cleanups, { ctx, start: false });
    const state = bitcoinSourceState(source)!;
    // a block every 10 minutes; the simulator's regtest size_on_disk grows 2 400 bytes a block, so
    // the line through the samples rises 2 400 B / 600 s = 4 B/s
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) {
      await state.pollFast();
      await state.pollFast(); // same minute: not a second sample
      sizes.push((await rpc<{ size_on_disk: number }>(sim, 'getblockchaininfo')).size_on_disk);
      sim.mineBlock();
      now += 600_000;
    }
    expect(sizes.slice(1).map((s, i) => s - sizes[i]!)).toEqual([2_400, 2_400, 2_400]);
    expect(state.rings.sizeOnDisk.length).toBe(4);
    expect(state.sizeOnDiskTrend()!.bytesPerSecond).toBeCloseTo(4, 9);
    expect(await gauge(ctx.metrics.registry.metrics(), 'bitcoin_size_on_disk_growth_bytes_per_second')).toBeCloseTo(
      4,
      9
    );
  });
});
