// The lightning source against the lnd and Core Lightning simulators over real sockets on
// 127.0.0.1: every query, the faults seen in health() and frames and the recovery, /metrics under
// lndmon's names, the read-only allow-list proven from the simulator side, and the macaroon and
// rune kept out of every answer. Expected values are worked out by hand from the simulator's
// scenario (src/simulators/lightning/index.ts defaultChannels and forwards), whose shapes follow
// lnrpc/lightning.proto and Core Lightning's doc/schemas (see there and model.test.ts).
import { beforeEach, describe, expect, it } from 'vitest';
import { ClnRestClient, LndRestClient } from '../src/sources/lightning/client.js';
import { lightningConfigSchema } from '../src/sources/lightning/config.js';
import { createLightningSource } from '../src/sources/lightning/index.js';
import {
  SIM_NODE_PUBKEY,
  startLightningSimulator,
  type LightningImplementation,
  type LightningSimulatorOptions,
} from '../src/simulators/lightning/index.js';
import type { Source } from '../src/sources/types.js';
import {
  bitcoinStandIn,
  cleanupAfterEach,
  createClockedContext,
  firstValue,
  inputAround,
  TEST_CLOCK_START,
  type TestContext,
} from './helpers.js';

const MACAROON = '0201036c6e6402f801030a10b3bf6906c1937139ac0684ac4417aea7';
const RUNE = 'test-rune-Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==';
const cleanups = cleanupAfterEach();
let clock: number;
let ctx: TestContext;
const input = (params: Record<string, string> = {}) => inputAround(clock, params);

/** `overrides` change the source's config; `simulator` the simulator's options (e.g. the credential it accepts). */
async function setup(impl: LightningImplementation, overrides: Record<string, unknown> = {}, simulator: Partial<LightningSimulatorOptions> = {}) {
  const sim = await startLightningSimulator({
    implementation: impl,
    macaroonHex: MACAROON,
    rune: RUNE,
    now: () => clock,
    blockHeight: 880_000,
    ...simulator,
  });
  cleanups.push(() => sim.close());
  const source = createLightningSource(
    lightningConfigSchema.parse({
      id: `ln-${impl}`,
      kind: 'lightning',
      implementation: impl,
      url: sim.url,
      ...(impl === 'lnd' ? { macaroonHex: MACAROON } : { rune: RUNE }),
      timeoutMs: 500,
      pollSeconds: 2,
      ...overrides,
    }),
    ctx
  );
  cleanups.push(() => source.stop());
  return { sim, source };
}
const fresh = (id: string) => ctx.cache.delete(`lightning:${id}:`);
const column = (
  frame: { schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } } | undefined,
  name: string
) => frame!.data.values[frame!.schema.fields.findIndex((f) => f.name === name)]!;

/** A bitcoin source stand-in whose chain tip has a height, for the bitcoinSource comparison. */
function fakeBitcoin(height: () => number): Source {
  return bitcoinStandIn('btc', { tip: async () => ({ height: height(), difficulty: 1 }) });
}

beforeEach(() => {
  clock = TEST_CLOCK_START;
  ctx = createClockedContext(() => clock);
});

describe.each(['lnd', 'cln'] as const)('%s: queries', (impl) => {
  it('node.info: height, synced, peers and channel counts', async () => {
    const { source } = await setup(impl);
    const [frame] = await source.queries['node.info']!(input());
    expect(firstValue(frame, 'implementation')).toBe(impl);
    expect(firstValue(frame, 'pubkey')).toBe(SIM_NODE_PUBKEY);
    expect(firstValue(frame, 'block_height')).toBe(880_000);
    expect(firstValue(frame, 'synced_to_chain')).toBe(true);
    expect(firstValue(frame, 'peers')).toBe(4);
    expect(firstValue(frame, 'active_channels')).toBe(4);
    expect(firstValue(frame, 'inactive_channels')).toBe(0);
    expect(firstValue(frame, 'offline_peers')).toBe(0);
    expect(firstValue(frame, 'healthy')).toBe(true);
    expect(source.health().status).toBe('ok');
  });

  it('channels: four open channels, the 5 % one flagged low', async () => {
    const { source } = await setup(impl);
    const [frame] = await source.queries.channels!(input());
    expect(column(frame, 'phase')).toEqual(['active', 'active', 'active', 'active']);
    expect(column(frame, 'local')).toEqual([1_200_000, 250_000, 500_000, 2_000_000]);
    // lnd: the initiator (channels 1 and 3) pays 2,810 sat commitment fee + 660 sat anchors out of capacity
    expect(column(frame, 'remote')).toEqual(
      impl === 'lnd' ? [796_530, 4_750_000, 496_530, 1_000_000] : [800_000, 4_750_000, 500_000, 1_000_000]
    );
    expect(column(frame, 'low_liquidity')).toEqual([false, true, false, false]);
    // 250,000 / (250,000 + 4,750,000)
    expect(column(frame, 'local_share')[1]).toBeCloseTo(0.05, 12);
    expect(column(frame, 'capacity')).toEqual([2_000_000, 5_000_000, 1_000_000, 3_000_000]);
    const [only] = await source.queries.channels!(input({ phase: 'inactive' }));
    expect(column(only, 'channel')).toEqual([]);
    await expect(source.queries.channels!(input({ phase: 'constructor' }))).rejects.toThrow(/phase must be one of/);
  });

  it('balances: on-chain and channel sums', async () => {
    const { source } = await setup(impl);
    const [frame] = await source.queries.balances!(input());
    expect(firstValue(frame, 'onchain_confirmed')).toBe(1_500_000);
    expect(firstValue(frame, 'onchain_unconfirmed')).toBe(20_000);
    // 1,200,000 + 250,000 + 500,000 + 2,000,000
    expect(firstValue(frame, 'channel_local')).toBe(3_950_000);
    // lnd: 796,530 + 4,750,000 + 496,530 + 1,000,000; cln: 800,000 + 4,750,000 + 500,000 + 1,000,000
    expect(firstValue(frame, 'channel_remote')).toBe(impl === 'lnd' ? 7_043_060 : 7_050_000);
  });

  it('forwards: fees of the last 24 h; failures where the API records them', async () => {
    const { source } = await setup(impl);
    const [frame] = await source.queries.forwards!(input());
    expect(firstValue(frame, 'settled')).toBe(6);
    // in - out of the six settled within 24 h: 501 + 1,100 + 2,750 + 10,000 + 220 + 55 = 14,626 msat
    expect(firstValue(frame, 'fees_earned')).toBeCloseTo(14.626, 9);
    if (impl === 'cln') {
      expect(firstValue(frame, 'failed')).toBe(1);
      expect(firstValue(frame, 'local_failed')).toBe(2);
      expect(firstValue(frame, 'in_flight')).toBe(1);
      expect(firstValue(frame, 'top_fail_reason')).toBe('WIRE_FEE_INSUFFICIENT');
    } else {
      expect(firstValue(frame, 'failed')).toBeNull();
      expect(frame!.schema.meta?.notices?.[0]?.text).toMatch(/settled forwards only/);
    }
  });

  it('/metrics: lndmon names with a source label', async () => {
    const { source } = await setup(impl);
    await source.refresh();
    const text = await ctx.metrics.registry.metrics();
    const id = `ln-${impl}`;
    for (const line of [
      `lnd_chain_block_height{source="${id}"} 880000`,
      `lnd_chain_synced{source="${id}"} 1`,
      `lnd_channels_active_total{source="${id}"} 4`,
      `lnd_channels_inactive_total{source="${id}"} 0`,
      `lnd_channels_pending_total{source="${id}",state="pending_force_close"} 0`,
      `lnd_wallet_balance_confirmed_sat{source="${id}"} 1500000`,
      `lnd_channels_open_balance_sat{source="${id}"} 3950000`,
      `lightning_forward_fees_sat{source="${id}",window="24h"} 14.626`,
      `lightning_healthy{source="${id}"} 1`,
    ])
      expect(text).toContain(line);
    // lnd's chan_id packs the short channel id 870100x1200x1 as block·2^40 + tx·2^16 + output:
    // 870100·1099511627776 + 1200·65536 + 1 = 956685067327897600 + 78643200 + 1
    const chan = impl === 'lnd' ? '956685067406540801' : '870100x1200x1';
    expect(text).toMatch(
      new RegExp(
        `lnd_channels_bandwidth_outgoing_sat\\{source="${id}",chan_id="${chan}",status="active",initiator="true",peer="02[0-9a-f]{64}"\\} 1200000`
      )
    );
  });
});

describe.each(['lnd', 'cln'] as const)('%s: faults and recovery', (impl) => {
  it('force-closed channel: health degraded, the channel force_closing, lndmon pending_force_close 1', async () => {
    const { sim, source } = await setup(impl);
    await sim.setFault('force-closed');
    await source.refresh();
    expect(source.health()).toMatchObject({
      status: 'degraded',
      message: expect.stringMatching(/1 channel force-closing/),
    });
    const [frame] = await source.queries.channels!(input());
    expect(column(frame, 'phase')).toContain('force_closing');
    const text = await ctx.metrics.registry.metrics();
    expect(text).toContain(`lnd_channels_pending_total{source="ln-${impl}",state="pending_force_close"} 1`);
    expect(text).toContain(`lightning_force_closing_channels{source="ln-${impl}"} 1`);
    expect(text).toContain(`lnd_channels_active_total{source="ln-${impl}"} 3`);
    await sim.setFault('none');
    fresh(`ln-${impl}`);
    await source.refresh();
    expect(source.health().status).toBe('ok');
  });

  it('peer offline: its channel inactive, offline_peers 1, health names the peer', async () => {
    const { sim, source } = await setup(impl);
    await sim.setFault('peer-offline');
    await source.refresh();
    expect(source.health().message).toMatch(/1 channel inactive \(peer offline: 02/);
    const [info] = await source.queries['node.info']!(input());
    expect(firstValue(info, 'offline_peers')).toBe(1);
    expect(firstValue(info, 'healthy')).toBe(false);
    expect(await ctx.metrics.registry.metrics()).toContain(`lnd_channels_inactive_total{source="ln-${impl}"} 1`);
  });

  it('out of sync: the node says so (synced_to_chain / warning_bitcoind_sync)', async () => {
    const { sim, source } = await setup(impl);
    await sim.setFault('out-of-sync', { behind: 12 });
    await source.refresh();
    expect(source.health()).toMatchObject({ status: 'degraded', message: expect.stringMatching(/out of sync/) });
    const [info] = await source.queries['node.info']!(input());
    expect(firstValue(info, 'synced_to_chain')).toBe(false);
    expect(firstValue(info, 'block_height')).toBe(880_000 - 12);
  });

  it('behind the bitcoin source by maxBlocksBehind: out of sync although the node says synced', async () => {
    let tip = 880_000;
    ctx.sources.set(
      'btc',
      fakeBitcoin(() => tip)
    );
    const { source } = await setup(impl, { bitcoinSource: 'btc', maxBlocksBehind: 3 });
    await source.refresh();
    expect(source.health().status).toBe('ok');
    tip = 880_003;
    fresh(`ln-${impl}`);
    await source.refresh();
    expect(source.health().message).toMatch(/880000 is 3 blocks behind bitcoind \(880003\)/);
    expect(await ctx.metrics.registry.metrics()).toContain(`lightning_blocks_behind{source="ln-${impl}"} 3`);
  });

  it('down, slow and malformed: query errors, health down, then recovery', async () => {
    const { sim, source } = await setup(impl);
    await sim.setFault('malformed');
    await expect(source.queries['node.info']!(input())).rejects.toThrow(/malformed JSON/);
    fresh(`ln-${impl}`);
    await sim.setFault('slow', { delayMs: 1_500 });
    await expect(source.queries['node.info']!(input())).rejects.toThrow(/timeout/);
    fresh(`ln-${impl}`);
    await sim.setFault('down');
    await expect(source.queries['node.info']!(input())).rejects.toThrow(/ECONNREFUSED|circuit open/);
    expect(source.health().status).toBe('down');
    await sim.setFault('none');
    clock += 10_000; // past the circuit's open time
    fresh(`ln-${impl}`);
    await source.refresh();
    expect(source.health().status).toBe('ok');
  });
});

describe('read-only allow-list, credentials', () => {
  it('lnd: only the listed GET paths and POST /v1/switch leave the client', async () => {
    const sim = await startLightningSimulator({ implementation: 'lnd', macaroonHex: MACAROON });
    cleanups.push(() => sim.close());
    const client = new LndRestClient({ url: sim.url, timeoutMs: 500, sourceId: 'x' }, MACAROON);
    for (const name of ['openChannel', 'sendPayment', 'constructor', '__proto__', 'toString'] as never[]) {
      await expect(client.call(name)).rejects.toThrow(/not on the read-only allow-list/);
    }
    await expect(client.call('getinfo', { x: 1 })).rejects.toThrow(/takes no body/);
    expect(sim.received).toEqual([]);
    await client.call('getinfo');
    await client.call('forwardingHistory', {});
    expect(sim.received).toEqual(['GET /v1/getinfo', 'POST /v1/switch']);
  });

  it('cln: only getinfo, listpeerchannels, listfunds, listforwards', async () => {
    const sim = await startLightningSimulator({ implementation: 'cln', rune: RUNE });
    cleanups.push(() => sim.close());
    const client = new ClnRestClient({ url: sim.url, timeoutMs: 500, sourceId: 'x' }, RUNE);
    for (const name of ['pay', 'close', 'withdraw', 'createrune', 'constructor', '__proto__'] as never[]) {
      await expect(client.call(name)).rejects.toThrow(/not on the read-only allow-list/);
    }
    expect(sim.received).toEqual([]);
    await client.call('listfunds');
    expect(sim.received).toEqual(['POST /v1/listfunds']);
  });

  it('a wrong rune is a 401 that is not retried, and the rune never shows', async () => {
    const { source } = await setup('cln', {}, { rune: 'the-right-rune-123456' });
    const error = (await source.queries['node.info']!(input()).catch((e: unknown) => e)) as {
      message: string;
      retryable: boolean;
    };
    expect(error.message).toBe('clnrest getinfo: Rune is not valid (HTTP 401)');
    expect(error.retryable).toBe(false);
    await source.refresh();
    const everything = JSON.stringify(source.health()) + ctx.logs.text + (await ctx.metrics.registry.metrics());
    expect(everything).not.toContain(RUNE);
  });

  it('lnd: a wrong macaroon is the gateway error, the macaroon in no output', async () => {
    const { source } = await setup('lnd', {}, { macaroonHex: 'abcdef0123456789' });
    await expect(source.queries['node.info']!(input())).rejects.toThrow(
      'lnd-rest getinfo: verification failed: signature mismatch after caveat verification (HTTP 500)'
    );
    await source.refresh();
    expect(ctx.secrets.scrub(`x${MACAROON}x`)).toBe('x[redacted]x');
    expect(JSON.stringify(source.health()) + ctx.logs.text).not.toContain(MACAROON);
  });

  it('config: lnd needs macaroonHex, cln needs rune', () => {
    expect(() =>
      lightningConfigSchema.parse({ id: 'a', kind: 'lightning', implementation: 'lnd', url: 'https://127.0.0.1:8080' })
    ).toThrow(/macaroonHex/);
    expect(() =>
      lightningConfigSchema.parse({ id: 'a', kind: 'lightning', implementation: 'cln', url: 'https://127.0.0.1:3010' })
    ).toThrow(/rune/);
    expect(() =>
      lightningConfigSchema.parse({
        id: 'a',
        kind: 'lightning',
        implementation: 'lnd',
        url: 'https://127.0.0.1:8080',
        macaroonHex: 'not-hex-at-all',
      })
    ).toThrow(/hex/);
  });
});
