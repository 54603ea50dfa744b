// The Stacks source against the Stacks simulator over real sockets on 127.0.0.1: every query,
// every fault visible in health() and its recovery, and the read-only allow-list.
import { frameColumn } from '@nodescope/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { StacksRpcClient } from '../src/sources/stacks/client.js';
import { createStacksSource, type StacksSource } from '../src/sources/stacks/index.js';
import { startStacksSimulator, type StacksSimulator } from '../src/simulators/stacks/index.js';
import { QueryInputError, type QueryInput, type Source } from '../src/sources/types.js';
import { bitcoinStandIn, cleanupAfterEach, createClockedContext, expectSeries, firstValue, inputAround, TEST_CLOCK_START, type TestContext } from './helpers.js';
import { stacksConfigFor } from './stacksSim.js';

let sim: StacksSimulator;
let ctx: TestContext;
let clock: number;
const cleanups = cleanupAfterEach();
const input = (params: QueryInput['params'] = {}) => inputAround(clock, params);

function build(overrides: Record<string, unknown> = {}): StacksSource {
  const config = stacksConfigFor(sim, overrides);
  const source = createStacksSource(config, ctx);
  cleanups.push(() => source.stop());
  return source;
}

/** A bitcoin source as the stacks source sees it: a chain whose tip has a height. */
function fakeBitcoin(height: () => number): Source {
  return bitcoinStandIn('btc-main', { tip: async () => ({ height: height(), difficulty: 1 }) });
}

beforeEach(async () => {
  clock = TEST_CLOCK_START;
  sim = await startStacksSimulator({ now: () => clock });
  cleanups.push(() => sim.close());
  ctx = createClockedContext(() => clock); // cache TTLs follow the test clock
});

describe('stacks source: queries', () => {
  it('node.info carries /v2/info, /v3/health and the burn lag against the bitcoin source', async () => {
    ctx.sources.set('btc-main', fakeBitcoin(() => sim.state.burnBlockHeight + 1));
    const s = build({ bitcoinSource: 'btc-main' });
    const [frame] = await s.queries['node.info']!(input());
    expect(frame?.schema.name).toBe('node.info');
    expect(firstValue(frame, 'stacks_tip_height')).toBe(171_000);
    expect(firstValue(frame, 'burn_block_height')).toBe(870_000);
    expect(firstValue(frame, 'tenure_height')).toBe(95_000);
    expect(firstValue(frame, 'server_version')).toMatch(/^stacks-node 3\.3\.0\.0\.6 /); // the simulator is a 3.3.0.0.6 node (its /v3/health shape)
    expect(firstValue(frame, 'is_fully_synced')).toBe(true);
    expect(firstValue(frame, 'bitcoin_height')).toBe(870_001);
    expect(firstValue(frame, 'burn_block_lag')).toBe(1);
    expect(firstValue(frame, 'difference_from_max_peer')).toBe(0);
    const fields = Object.fromEntries(frame!.schema.fields.map((f) => [f.name, f]));
    expect(fields.tip_age?.config?.unit).toBe('s');
    expect(fields.tenure_height?.type).toBe('number');
    expect(fields.is_fully_synced?.type).toBe('boolean');
    expect(s.health().status).toBe('ok');
  });

  it('node.info notes a missing bitcoin source instead of failing', async () => {
    const s = build({ bitcoinSource: 'nope' });
    const [frame] = await s.queries['node.info']!(input());
    expect(firstValue(frame, 'burn_block_lag')).toBeNull();
    expect(frame?.schema.meta?.notices?.[0]?.text).toMatch(/bitcoin source "nope" is not configured/);
  });

  it('node.neighbors lists inbound/outbound/sample/bootstrap and filters by direction', async () => {
    const s = build();
    const [frame] = await s.queries['node.neighbors']!(input());
    const directions = frameColumn<string>(frame!, 'direction')!;
    expect(directions.filter((d) => d === 'inbound')).toHaveLength(6);
    expect(directions.filter((d) => d === 'outbound')).toHaveLength(8);
    expect(directions.filter((d) => d === 'sample')).toHaveLength(4);
    expect(directions.filter((d) => d === 'bootstrap')).toHaveLength(1);
    expect(frameColumn(frame!, 'ip')?.[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const [inbound] = await s.queries['node.neighbors']!(input({ direction: 'inbound' }));
    expect(frameColumn(inbound!, 'direction')).toEqual(Array(6).fill('inbound'));
    expect(frameColumn(inbound!, 'age')?.[0]).toBe(30);
    await expect(s.queries['node.neighbors']!(input({ direction: 'sideways' }))).rejects.toThrow(QueryInputError);
  });

  it('signer.status reads the stacks_signer_* families', async () => {
    const s = build();
    await s.queries['node.info']!(input());
    const [frame] = await s.queries['signer.status']!(input());
    expect(firstValue(frame, 'stacks_node_height')).toBe(171_000);
    expect(firstValue(frame, 'node_height_gap')).toBe(0);
    expect(firstValue(frame, 'current_reward_cycle')).toBe(105);
    expect(firstValue(frame, 'stx_balance')).toBe(250);
    expect(firstValue(frame, 'block_responses_accepted')).toBe(117);
    expect(firstValue(frame, 'block_responses_rejected')).toBe(3);
    expect(firstValue(frame, 'rejection_ratio')).toBeCloseTo(3 / 120);
  });

  it('signer.status without a signer configured is a client error', async () => {
    const s = build({ signer: undefined });
    await expect(s.queries['signer.status']!(input())).rejects.toThrow(QueryInputError);
  });

  it('re-exposes node and signer metrics with a source label, plus its own stacks_info_* series', async () => {
    const s = build();
    await s.start();
    const text = await ctx.metrics.registry.metrics();
    expectSeries(text, [
      'stacks_node_stacks_tip_height{source="stx-1"} 171000',
      'stacks_node_rpc_requests_total{handler="all",source="stx-1"}',
      '# TYPE stacks_node_rpc_call_latencies_histogram histogram',
      'stacks_signer_stx_balance{source="stx-1"} 250000000',
      'stacks_signer_block_responses_sent{response_type="rejected",source="stx-1"} 3',
      'stacks_info_stacks_tip_height{source="stx-1"} 171000',
      'stacks_info_neighbors{source="stx-1",direction="outbound"} 8',
    ]);
    expect(text).not.toContain('stacks_log_lines_total{source="stx-1"'); // no logFile configured
  });

  it('serves tenure changes as annotations', async () => {
    const s = build();
    await s.queries['node.info']!(input());
    sim.advance({ stacks: 3, burn: 1 });
    clock += 600_000;
    ctx.cache.delete('stacks:stx-1:');
    await s.queries['node.info']!(input());
    const annotations = await s.annotations!.tenures!({ from: clock - 1_000, to: clock + 1_000 });
    expect(annotations).toEqual([expect.objectContaining({ time: clock, title: 'Tenure 95001', tags: ['stacks', 'tenure', 'stx-1'] })]);
  });
});

describe('stacks source: faults and recovery', () => {
  /** `target` answers malformed from now on; the cached reads are dropped so the next read sees it. */
  const malformedFrom = async (target: 'metrics' | 'signer') => {
    await sim.setFault('malformed', { target });
    ctx.cache.delete('stacks:stx-1:');
  };
  const refreshInfo = async (s: Source) => {
    ctx.cache.delete('stacks:stx-1:');
    return s.queries['node.info']!(input());
  };

  it('endpoint down -> down with the circuit open, then back to ok', async () => {
    const s = build();
    await refreshInfo(s);
    await sim.setFault('down', { target: 'rpc' });
    for (let i = 0; i < 3; i++) await expect(refreshInfo(s)).rejects.toThrow(/stacks-rpc \/v2\/info: (ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET)/);
    expect(s.health()).toMatchObject({ status: 'down', circuit: 'open' });
    await sim.setFault('none');
    clock += 60_000; // past the open interval: one probe is let through
    await refreshInfo(s);
    expect(s.health().status).toBe('ok');
  });

  it('stalled tip -> degraded after stallSeconds, ok again once the tip moves', async () => {
    const s = build({ stallSeconds: 60 });
    await refreshInfo(s);
    await sim.setFault('stalled');
    sim.advance({ stacks: 5 });
    clock += 61_000;
    await refreshInfo(s);
    expect(s.health()).toMatchObject({ status: 'degraded', message: expect.stringMatching(/unchanged for 61 s/) });
    await sim.setFault('none');
    sim.advance({ stacks: 1 });
    await refreshInfo(s);
    expect(s.health().status).toBe('ok');
  });

  it('zero peers -> degraded', async () => {
    const s = build();
    await sim.setFault('zero-peers');
    await s.queries['node.neighbors']!(input());
    expect(s.health()).toMatchObject({ status: 'degraded', message: 'no connected neighbors' });
  });

  it('burn height behind the bitcoin source -> degraded, with the lag on the frame', async () => {
    ctx.sources.set('btc-main', fakeBitcoin(() => sim.state.burnBlockHeight));
    const s = build({ bitcoinSource: 'btc-main' });
    await sim.setFault('burn-behind', { lag: 6 });
    const [frame] = await refreshInfo(s);
    expect(firstValue(frame, 'burn_block_lag')).toBe(6);
    expect(s.health()).toMatchObject({ status: 'degraded', message: expect.stringMatching(/6 blocks behind bitcoin/) });
    expect(await ctx.metrics.registry.metrics()).toContain('stacks_burn_block_lag{source="stx-1"} 6');
  });

  it('malformed RPC payload -> a clear upstream error, not a crash', async () => {
    const s = build();
    await sim.setFault('malformed', { target: 'rpc' });
    await expect(refreshInfo(s)).rejects.toThrow(/malformed JSON/);
    expect(s.health()).toMatchObject({ status: 'degraded' });
  });

  it('malformed metrics -> metrics component degraded and the mirrored series withdrawn', async () => {
    const s = build();
    await s.start();
    expect(await ctx.metrics.registry.metrics()).toContain('stacks_node_stacks_tip_height{source="stx-1"}');
    await malformedFrom('metrics');
    await s.refresh();
    const health = s.health();
    expect(health.components?.metrics).toMatchObject({ status: 'degraded', message: expect.stringMatching(/metrics text line 2/) });
    expect(health.status).toBe('degraded');
    expect(await ctx.metrics.registry.metrics()).not.toContain('stacks_node_stacks_tip_height{source="stx-1"}');
  });

  it('signer endpoint answering HTML -> signer component degraded, its series withdrawn', async () => {
    const s = build();
    await s.refresh();
    expect(await ctx.metrics.registry.metrics()).toContain('stacks_signer_nonce{source="stx-1"} 42');
    await malformedFrom('signer');
    await expect(s.queries['signer.status']!(input())).rejects.toThrow(/metrics text line 1/);
    expect(s.health().components?.signer?.status).toBe('degraded');
    const text = await ctx.metrics.registry.metrics();
    expect(text).not.toContain('stacks_signer_nonce{source="stx-1"}');
    expect(text).toContain('stacks_node_stacks_tip_height{source="stx-1"}'); // the node's own series stay
  });

  it('slow node -> timeout reported', async () => {
    const s = build({ timeoutMs: 150 });
    await sim.setFault('slow', { target: 'rpc', delayMs: 1_000 });
    await expect(refreshInfo(s)).rejects.toThrow(/timeout/);
    expect(s.health().message).toMatch(/timeout/);
  });

  it('a node without /v3/health (pre-3.1) still serves node.info', async () => {
    const s = build();
    await sim.setFault('no-health');
    const [frame] = await refreshInfo(s);
    expect(firstValue(frame, 'difference_from_max_peer')).toBeNull();
    expect(firstValue(frame, 'stacks_tip_height')).toBe(171_000);
  });

  it('credentials in a configured URL never reach health or logs', async () => {
    const url = new URL(sim.rpcUrl);
    url.username = 'stacks';
    url.password = 'hunter2-very-secret';
    const s = build({ rpcUrl: url.toString() });
    await refreshInfo(s); // sent as a Basic header: the simulator does not check it
    await sim.setFault('down', { target: 'rpc' });
    await expect(refreshInfo(s)).rejects.toThrow();
    ctx.logger.warn({ health: s.health() }, 'health');
    expect(JSON.stringify(s.health())).not.toContain('hunter2');
    expect(ctx.logs.text).not.toContain('hunter2');
  });
});

describe('stacks source: read-only allow-list', () => {
  it('refuses any other RPC path before a socket opens (checked from the simulator side)', async () => {
    const client = new StacksRpcClient(sim.rpcUrl, { timeoutMs: 1_000, sourceId: 'stx-1', upstream: 'stacks-rpc' });
    for (const path of ['/v2/transactions', '/v2/block_proposal', '/v2/accounts/SP000', '/v3/block_proposal']) {
      await expect(client.get(path as '/v2/info')).rejects.toThrow(/not on the read-only allow-list/);
    }
    const s = build();
    await s.start();
    await s.queries['node.info']!(input());
    await s.queries['node.neighbors']!(input());
    const paths = new Set(sim.received.filter((r) => r.target === 'rpc').map((r) => `${r.method} ${r.path}`));
    expect([...paths].sort()).toEqual(['GET /v2/info', 'GET /v2/neighbors', 'GET /v3/health']);
  });
});
