// The beacon source against the Beacon API simulator over real sockets on 127.0.0.1: every query,
// each fault seen in health() and frames and the recovery, the pair with a geth source naming the
// side that is behind, /metrics under ethereum-metrics-exporter's names, and the read-only
// allow-list proven from the simulator side. The simulator follows the API document
// (ethereum/beacon-APIs@7a58b5a44ceb6174162f75e1bb6666efbb6ec07f, see src/simulators/beacon);
// expected values are worked out by hand from mainnet timing at TEST_CLOCK_START:
// (1,800,000,000 - 1,606,824,023) s = 16,097,998 slots of 12 s + 1 s, epoch 503,062.
import { beforeEach, describe, expect, it } from 'vitest';
import { BEACON_READ_PATHS } from '../src/sources/beacon/client.js';
import { beaconConfigSchema } from '../src/sources/beacon/config.js';
import { createBeaconSource } from '../src/sources/beacon/index.js';
import type { ExecutionReader } from '../src/sources/capabilities.js';
import { gethConfigSchema } from '../src/sources/geth/config.js';
import { createGethSource } from '../src/sources/geth/index.js';
import { startGethSimulator } from '../src/simulators/geth/index.js';
import type { ExecutionView } from '../src/sources/beacon/model.js';
import { startBeaconSimulator, SIM_BEACON_VERSION } from '../src/simulators/beacon/index.js';
import {
  cleanupAfterEach,
  createClockedContext,
  expectSeries,
  firstValue,
  inputAround,
  TEST_CLOCK_START,
  type TestContext,
} from './helpers.js';

const cleanups = cleanupAfterEach();
let clock: number;
let ctx: TestContext;
const input = () => inputAround(clock);
const WALL_SLOT = 16_097_998;
const column = (
  frame: { schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } } | undefined,
  name: string
) => frame!.data.values[frame!.schema.fields.findIndex((f) => f.name === name)]!;

/** A geth source stand-in offering the execution reader, as the geth source does. */
function fakeGeth(view: () => ExecutionView) {
  const execution: ExecutionReader = { execution: async () => view() };
  return { id: 'geth-1', kind: 'geth', provides: { execution } };
}

async function setup(overrides: Record<string, unknown> = {}, geth?: () => ExecutionView) {
  const sim = await startBeaconSimulator({ now: () => clock });
  cleanups.push(() => sim.close());
  if (geth) {
    const peer = fakeGeth(geth);
    ctx.lookup = (id: string) => (id === peer.id ? peer : undefined);
  }
  const source = createBeaconSource(
    beaconConfigSchema.parse({ id: 'cl', kind: 'beacon', url: sim.url, timeoutMs: 500, pollSeconds: 2, ...overrides }),
    ctx
  );
  cleanups.push(() => source.stop());
  return { sim, source };
}
const fresh = () => ctx.cache.delete('beacon:cl:');

beforeEach(() => {
  clock = TEST_CLOCK_START;
  ctx = createClockedContext(() => clock);
});

describe('beacon source against the simulated Beacon API', () => {
  it('node.info: ready, at the head, 80 peers, finalized two epochs back', async () => {
    const { source } = await setup();
    await source.refresh();
    const [frame] = await source.queries['node.info']!(input());
    expect(firstValue(frame, 'version')).toBe(SIM_BEACON_VERSION);
    expect(firstValue(frame, 'health')).toBe('ready');
    expect(firstValue(frame, 'health_code')).toBe(200);
    expect(firstValue(frame, 'head_slot')).toBe(WALL_SLOT);
    expect(firstValue(frame, 'head_age')).toBe(1);
    expect(firstValue(frame, 'peers')).toBe(80);
    expect(firstValue(frame, 'finalized_epoch')).toBe(503_060);
    expect(firstValue(frame, 'finality_epochs_behind')).toBe(2);
    expect(firstValue(frame, 'status')).toBe('following the chain; finalized 2 epochs back');
    expect(source.health().status).toBe('ok');
  });

  it('sync.status, finality, network.peers', async () => {
    const { source } = await setup();
    const [sync] = await source.queries['sync.status']!(input());
    expect(firstValue(sync, 'wall_slot')).toBe(WALL_SLOT);
    expect(firstValue(sync, 'slots_behind_clock')).toBe(0);
    // slot start: genesis + slot x 12 s = 1,606,824,023 + 193,175,976 = 1,799,999,999 s
    expect(firstValue(sync, 'head_time')).toBe(1_799_999_999_000);
    expect(firstValue(sync, 'sync_percentage')).toBe(100);
    const [finality] = await source.queries.finality!(input());
    expect(column(finality, 'checkpoint')).toEqual(['previous_justified', 'current_justified', 'finalized']);
    expect(column(finality, 'epoch')).toEqual([503_060, 503_061, 503_060]);
    expect(column(finality, 'epochs_behind')).toEqual([2, 1, 2]);
    const [peers] = await source.queries['network.peers']!(input());
    expect(column(peers, 'state')).toEqual(['connected', 'connecting', 'disconnected', 'disconnecting']);
    expect(column(peers, 'peers')).toEqual([80, 2, 310, 1]);
  });

  it('faults: syncing, optimistic, el_offline, 503, stalled head, no finality, zero peers; then recovery', async () => {
    const { sim, source } = await setup();
    const reason = async () => {
      fresh();
      await source.refresh();
      return source.health();
    };
    await sim.setFault('syncing', { behind: 300 });
    expect((await reason()).message).toBe('syncing: 300 slots to go');
    await sim.setFault('none');
    await sim.setFault('optimistic');
    expect((await reason()).message).toMatch(/^optimistic/);
    await sim.setFault('none');
    await sim.setFault('el-offline');
    expect((await reason()).message).toBe('execution client offline per the consensus client (el_offline)');
    await sim.setFault('none');
    await sim.setFault('unhealthy');
    expect((await reason()).message).toMatch(/503/);
    await sim.setFault('none');
    await sim.setFault('stalled');
    clock += 20 * 12_000;
    // stopped in slot 16,097,998 (1 s in), 240 s later: 241 s
    expect((await reason()).message).toBe('head is 241 s old: stalled');
    await sim.setFault('none');
    await sim.setFault('no-finality');
    clock += 4 * 32 * 12_000;
    // finalized stays at 503,060 while the clock reaches epoch 503,066
    expect((await reason()).message).toBe('no finality for 6 epochs (more than 4: inactivity leak)');
    await sim.setFault('none');
    await sim.setFault('zero-peers');
    expect((await reason()).message).toBe('0 peers (minimum 1)');
    await sim.setFault('none');
    const back = await reason();
    expect(back.status).toBe('ok');
  });

  it('down, malformed: health says so, queries fail cleanly', async () => {
    const { sim, source } = await setup();
    await sim.setFault('down');
    await expect(source.queries['node.info']!(input())).rejects.toThrow(/beacon \/eth\/v1\/node\/syncing/);
    fresh();
    await sim.setFault('malformed');
    await expect(source.queries['network.peers']!(input())).rejects.toThrow(/not JSON/);
    expect(source.health().status).not.toBe('ok');
  });

  it('an answer that breaks the schema (Uint64 as JSON numbers) fails the call and degrades health, naming the field', async () => {
    const { sim, source } = await setup();
    await sim.setFault('json-numbers');
    await expect(source.queries['sync.status']!(input())).rejects.toThrow(
      'beacon syncing.head_slot: expected a decimal string (Uint64), got 16097998'
    );
    const h = source.health();
    expect(h.status).toBe('degraded');
    expect(h.message).toMatch(/syncing.head_slot: expected a decimal string/);
  });

  it('/metrics: ethereum-metrics-exporter names with a source label', async () => {
    const { source } = await setup();
    await source.refresh();
    const text = await ctx.metrics.registry.metrics();
    expectSeries(text, [
      `eth_con_sync_head_slot{source="cl"} ${WALL_SLOT}`,
      'eth_con_sync_distance{source="cl"} 0',
      'eth_con_sync_is_syncing{source="cl"} 0',
      'eth_con_sync_is_optimistic{source="cl"} 0',
      'eth_con_sync_percentage{source="cl"} 100',
      `eth_con_node_version{source="cl",version="${SIM_BEACON_VERSION}"} 1`,
      'eth_con_peers{source="cl",state="connected"} 80',
      'eth_con_beacon_finality_checkpoint_epochs{source="cl",state_id="head",checkpoint="finalized"} 503060',
      'eth_con_beacon_finality_checkpoint_epochs{source="cl",state_id="head",checkpoint="justified"} 503061',
      'beacon_health_status_code{source="cl"} 200',
      'beacon_head_age_seconds{source="cl"} 1',
      'beacon_finality_epochs_behind{source="cl"} 2',
      'beacon_el_offline{source="cl"} 0',
      'beacon_healthy{source="cl"} 1',
    ]);
  });

  it("the simulator's headers/head has the fields and JSON types of a real Lighthouse's (sigp/lighthouse@bdbc75fb98e5:book/src/api_bn.md:74-93)", async () => {
    const { sim } = await setup();
    const answer = (await (await fetch(`${sim.url}/eth/v1/beacon/headers/head`)).json()) as Record<string, unknown>;
    // the shape of the book's answer, field by field: name -> JSON type
    const shape = (value: unknown): unknown =>
      value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
        : typeof value;
    expect(shape(answer)).toEqual({
      execution_optimistic: 'boolean',
      finalized: 'boolean',
      data: {
        root: 'string',
        canonical: 'boolean',
        header: {
          message: {
            slot: 'string',
            proposer_index: 'string',
            parent_root: 'string',
            state_root: 'string',
            body_root: 'string',
          },
          signature: 'string',
        },
      },
    });
  });

  it('asks only the allow-listed GET paths', async () => {
    const { sim, source } = await setup();
    await source.refresh();
    for (const query of Object.values(source.queries)) await query!(input());
    const allowed = new Set(BEACON_READ_PATHS.map((p) => `GET ${p}`));
    expect(sim.received.length).toBeGreaterThan(0);
    expect(sim.received.filter((r) => !allowed.has(r))).toEqual([]);
  });
});

describe('paired with a geth source: health names the side that is behind', () => {
  let geth: ExecutionView;
  beforeEach(() => {
    geth = { syncing: false, headNumber: 21_000_000, headAge: 4 };
  });
  const health = async (source: {
    refresh(): Promise<void>;
    health(): { status: string; message: string; components?: Record<string, { message: string }> };
  }) => {
    ctx.cache.delete('beacon:cl:');
    await source.refresh();
    return source.health();
  };

  it('in step: ok, the execution component says so', async () => {
    const { source } = await setup({ executionSource: 'geth-1' }, () => geth);
    const h = await health(source);
    expect(h.status).toBe('ok');
    expect(h.components?.execution?.message).toBe('in step');
  });

  it('geth synced, beacon syncing: "consensus client syncing"', async () => {
    const { sim, source } = await setup({ executionSource: 'geth-1' }, () => geth);
    await sim.setFault('syncing', { behind: 300 });
    const h = await health(source);
    expect(h.status).toBe('degraded');
    expect(h.components?.execution?.message).toBe(
      'consensus behind: consensus client syncing (300 slots to go) while geth says it is synced'
    );
    const text = await ctx.metrics.registry.metrics();
    expectSeries(text, [
      'beacon_pair_behind{source="cl",side="consensus"} 1',
      'beacon_pair_behind{source="cl",side="execution"} 0',
    ]);
  });

  it('el_offline: "execution client offline per the consensus client"', async () => {
    const { sim, source } = await setup({ executionSource: 'geth-1' }, () => geth);
    await sim.setFault('el-offline');
    const h = await health(source);
    expect(h.components?.execution?.message).toBe(
      'execution behind: execution client offline per the consensus client (el_offline)'
    );
  });

  it('geth stalled while the beacon head advances: points at geth', async () => {
    const { source } = await setup({ executionSource: 'geth-1' }, () => geth);
    geth = { ...geth, headAge: 600 };
    const h = await health(source);
    expect(h.status).toBe('degraded');
    expect(h.message).toBe(
      "execution: execution behind: geth's head (block 21000000) is 600 s old while the consensus client's head advances: geth is behind"
    );
  });

  it('with the real geth source over the geth simulator: a geth that stops importing is named', async () => {
    const gethSim = await startGethSimulator({ now: () => clock });
    cleanups.push(() => gethSim.close());
    const gethSource = createGethSource(
      gethConfigSchema.parse({ id: 'geth-1', kind: 'geth', rpcUrl: gethSim.rpcUrl, timeoutMs: 500 }),
      ctx
    );
    ctx.lookup = (id: string) => (id === 'geth-1' ? gethSource : undefined);
    const { source } = await setup({ executionSource: 'geth-1' });
    expect((await health(source)).components?.execution?.message).toBe('in step');
    // geth's last block stays at TEST_CLOCK_START while the beacon head follows the clock 5 min on
    await gethSim.setFault('stalled');
    clock += 300_000;
    ctx.cache.delete('geth:geth-1:');
    const h = await health(source);
    expect(h.components?.execution?.message).toBe(
      "execution behind: geth's head (block 21000000) is 300 s old while the consensus client's head advances: geth is behind"
    );
  });

  it('an execution source that is not there is said, not a fault', async () => {
    const { source } = await setup({ executionSource: 'geth-1' });
    const h = await health(source);
    expect(h.status).toBe('ok');
    expect(h.components?.execution?.message).toBe(
      'execution source "geth-1" is not configured or is not a geth source'
    );
  });
});
