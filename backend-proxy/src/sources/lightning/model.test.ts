// The lightning model against the upstreams' own documents: Core Lightning's published example
// replies (test/fixtures/lightning, from ElementsProject/lightning@090f4b0e6981:doc/schemas/*.json)
// and lnd's REST JSON as lnrpc/lightning.proto and the gateway's protojson options define it
// (lightningnetwork/lnd@90ea05d5a7f9). Every expected value below is worked out by hand from those.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  clnPhase,
  judgeNode,
  judgeSync,
  lowLiquidity,
  offlinePeers,
  parseClnBalances,
  parseClnChannels,
  parseClnForwards,
  parseClnInfo,
  parseLndBalances,
  parseLndChannels,
  parseLndForwards,
  parseLndInfo,
  parseLndPending,
  summarizeForwards,
} from './model.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/lightning');
const cln = (name: string): unknown => JSON.parse(readFileSync(join(fixtures, `cln-${name}.json`), 'utf8'));

describe('Core Lightning, from its schema examples', () => {
  it('getinfo: height, version, no sync warning = synced (getinfo.json example 0)', () => {
    const info = parseClnInfo(cln('getinfo-example0'));
    expect(info).toMatchObject({
      implementation: 'cln',
      pubkey: '033845802d25b4e074ccfd7cd8b339a41dc75bf9978a034800444b51d42b07799a',
      alias: 'SILENTARTIST-v26.09',
      version: 'v26.09',
      network: 'regtest',
      blockHeight: 114,
      syncedToChain: true,
      numPeers: 0,
      feesCollectedMsat: 0,
      warnings: [],
    });
  });

  it('getinfo with warning_bitcoind_sync is out of sync (text: lightningd/peer_control.c:3395-3397)', () => {
    const raw = {
      ...(cln('getinfo-example0') as object),
      warning_bitcoind_sync: 'Bitcoind is not up-to-date with network.',
    };
    const info = parseClnInfo(raw);
    expect(info.syncedToChain).toBe(false);
    expect(judgeSync(info, null, 3)).toEqual({
      synced: false,
      blocksBehind: null,
      reason: 'cln is not synced to chain (Bitcoind is not up-to-date with network.)',
    });
  });

  it('listpeerchannels example 1: two open channels and one closing cooperatively', () => {
    const rows = parseClnChannels(cln('listpeerchannels-example1'));
    // 116x1x1: to_us 609507210 of 1000000000 msat -> 609507 local, 390492 remote (390492.790 floored)
    expect(rows[0]).toMatchObject({
      id: '116x1x1',
      phase: 'active',
      state: 'CHANNELD_NORMAL',
      capacitySat: 1_000_000,
      localSat: 609_507,
      remoteSat: 390_492,
      initiator: false,
      pendingHtlcs: 1,
      peerConnected: true,
    });
    expect(rows[0]!.localShare).toBeCloseTo(609_507 / 999_999, 12);
    // 130x1x0: opener local, 899996000 to us -> 899996 / 100004
    expect(rows[1]).toMatchObject({
      id: '130x1x0',
      phase: 'active',
      localSat: 899_996,
      remoteSat: 100_004,
      initiator: true,
    });
    expect(rows[1]!.localShare).toBeCloseTo(0.899996, 12);
    // 168x1x0: CLOSINGD_COMPLETE, peer gone: a cooperative close, not an inactive channel
    expect(rows[2]).toMatchObject({
      id: '168x1x0',
      phase: 'waiting_close',
      state: 'CLOSINGD_COMPLETE',
      peerConnected: false,
      localSat: 500_000,
    });
    expect(offlinePeers(rows)).toEqual([]);
    expect(judgeNode({ synced: true, blocksBehind: null, reason: null }, rows)).toEqual({
      healthy: true,
      reason: 'synced; every channel active',
    });
  });

  it('channel phases from state and state_changes (listpeerchannels.json state enum)', () => {
    expect(clnPhase('CHANNELD_NORMAL', false, [])).toBe('inactive');
    expect(clnPhase('CHANNELD_AWAITING_LOCKIN', true, [])).toBe('pending_open');
    expect(clnPhase('DUALOPEND_AWAITING_LOCKIN', true, [])).toBe('pending_open');
    expect(clnPhase('AWAITING_UNILATERAL', true, [])).toBe('force_closing');
    // ONCHAIN after CLOSINGD_COMPLETE: the mutual close being tracked on chain
    expect(clnPhase('ONCHAIN', false, [{ old_state: 'CLOSINGD_SIGEXCHANGE', new_state: 'CLOSINGD_COMPLETE' }])).toBe(
      'closing'
    );
    // ONCHAIN straight from CHANNELD_NORMAL: the peer's unilateral close
    expect(
      clnPhase('FUNDING_SPEND_SEEN', false, [{ old_state: 'CHANNELD_NORMAL', new_state: 'FUNDING_SPEND_SEEN' }])
    ).toBe('force_closing');
  });

  it('listfunds example 0: confirmed and unconfirmed outputs; channel sums from listpeerchannels', () => {
    const channels = parseClnChannels(cln('listpeerchannels-example1'));
    const b = parseClnBalances(cln('listfunds-example0'), channels);
    // confirmed: 995073000 + 497105000 + 203398803000 + 1000000 + 25000000 = 204916981000 msat
    expect(b.onchainConfirmedSat).toBe(204_916_981);
    expect(b.onchainUnconfirmedSat).toBe(497_105);
    expect(b.channelLocalSat).toBe(609_507 + 899_996);
    expect(b.channelRemoteSat).toBe(390_492 + 100_004);
    expect(b.limboSat).toBe(500_000);
  });

  it('listforwards example 1: 8 settled (fees 1108 msat), 3 local_failed, 1 offered', () => {
    const forwards = parseClnForwards(cln('listforwards-example1'));
    expect(forwards).toHaveLength(12);
    const at = 1_738_000_000_000;
    const s = summarizeForwards(forwards, at - 1, at + 1);
    // fee_msat of the settled ones: 1+1+101+1+1+1+501+501; out_msat: 10000+10000+10000101+10000+50000+10001+50000000+50000000
    expect(s).toMatchObject({
      settled: 8,
      localFailed: 3,
      failed: 0,
      offered: 1,
      feesSat: 1.108,
      volumeSat: 110_090.102,
    });
    expect(s.failReasons).toEqual([
      { reason: 'WIRE_FEE_INSUFFICIENT', count: 1 },
      { reason: 'WIRE_INCORRECT_CLTV_EXPIRY', count: 1 },
      { reason: 'WIRE_UNKNOWN_NEXT_PEER', count: 1 },
    ]);
    // outside the window nothing counts
    expect(summarizeForwards(forwards, at + 1, at + 2).settled).toBe(0);
  });

  it('a forward with an unknown status is a malformed reply, not a silent zero', () => {
    expect(() =>
      parseClnForwards({ forwards: [{ in_channel: '1x1x1', in_msat: 1, status: 'weird', received_time: 1 }] })
    ).toThrow(/unknown status/);
  });
});

describe('lnd, from lnrpc/lightning.proto as the REST gateway writes it (64-bit ints as strings)', () => {
  it('GetInfoResponse (lightning.proto:1925-2003): synced_to_chain false is out of sync', () => {
    const info = parseLndInfo({
      version: '0.21.99-beta commit=v0.21.99-beta',
      identity_pubkey: '02aa',
      alias: 'n1',
      num_pending_channels: 1,
      num_active_channels: 3,
      num_inactive_channels: 1,
      num_peers: 4,
      block_height: 880_000,
      best_header_timestamp: '1800000000',
      synced_to_chain: false,
      synced_to_graph: true,
      chains: [{ chain: 'bitcoin', network: 'mainnet' }],
    });
    expect(info).toMatchObject({
      blockHeight: 880_000,
      bestHeaderTimestamp: 1_800_000_000,
      syncedToChain: false,
      syncedToGraph: true,
      network: 'mainnet',
      activeChannels: 3,
    });
    expect(judgeSync(info, 880_002, 3).synced).toBe(false);
  });

  it('a node synced by its own word but behind the bitcoin source by maxBlocksBehind is out of sync', () => {
    const info = parseLndInfo({ block_height: 879_996, synced_to_chain: true });
    expect(judgeSync(info, 880_000, 5)).toEqual({ synced: true, blocksBehind: 4, reason: null });
    expect(judgeSync(info, 880_000, 4)).toEqual({
      synced: false,
      blocksBehind: 4,
      reason: 'block height 879996 is 4 blocks behind bitcoind (880000)',
    });
  });

  it('Channel (lightning.proto:1412-1590): balances as strings; inactive channel = offline peer', () => {
    const rows = parseLndChannels({
      channels: [
        {
          active: true,
          remote_pubkey: '02a',
          chan_id: '956735745941422081',
          capacity: '2000000',
          local_balance: '100000',
          remote_balance: '1896530',
          initiator: true,
          pending_htlcs: [{}, {}],
        },
        {
          active: false,
          remote_pubkey: '02b',
          chan_id: '2',
          capacity: '1000000',
          local_balance: '500000',
          remote_balance: '496530',
          initiator: false,
          pending_htlcs: [],
        },
      ],
    });
    expect(rows[0]).toMatchObject({
      id: '956735745941422081',
      phase: 'active',
      localSat: 100_000,
      remoteSat: 1_896_530,
      pendingHtlcs: 2,
    });
    // 100000 / (100000 + 1896530)
    expect(rows[0]!.localShare).toBeCloseTo(100_000 / 1_996_530, 12);
    expect(lowLiquidity(rows, 0.1).map((c) => c.id)).toEqual(['956735745941422081']);
    expect(offlinePeers(rows)).toEqual(['02b']);
    expect(judgeNode({ synced: true, blocksBehind: null, reason: null }, rows).reason).toBe(
      '1 channel inactive (peer offline: 02b)'
    );
  });

  it('PendingChannelsResponse (lightning.proto:2723-2961): a force close with its limbo balance', () => {
    const p = parseLndPending({
      total_limbo_balance: '2000000',
      pending_open_channels: [],
      waiting_close_channels: [],
      pending_force_closing_channels: [
        {
          channel: {
            remote_node_pub: '02c',
            channel_point: 'ab:0',
            capacity: '3000000',
            local_balance: '2000000',
            remote_balance: '996530',
            initiator: 'INITIATOR_REMOTE',
          },
          limbo_balance: '2000000',
          maturity_height: 880_144,
          blocks_til_maturity: 144,
        },
      ],
    });
    expect(p.limboSat).toBe(2_000_000);
    expect(p.rows).toEqual([
      expect.objectContaining({
        id: 'ab:0',
        phase: 'force_closing',
        state: 'pending_force_close',
        initiator: false,
        localSat: 2_000_000,
      }),
    ]);
    expect(judgeNode({ synced: true, blocksBehind: null, reason: null }, p.rows)).toEqual({
      healthy: false,
      reason: '1 channel force-closing (ab:0)',
    });
  });

  it('WalletBalanceResponse + ChannelBalanceResponse (Amount {sat, msat})', () => {
    const b = parseLndBalances(
      { total_balance: '1520000', confirmed_balance: '1500000', unconfirmed_balance: '20000' },
      {
        local_balance: { sat: '3950000', msat: '3950000000' },
        remote_balance: { sat: '7036460', msat: '7036460000' },
        pending_open_local_balance: { sat: '0', msat: '0' },
      },
      0
    );
    expect(b).toEqual({
      onchainConfirmedSat: 1_500_000,
      onchainUnconfirmedSat: 20_000,
      channelLocalSat: 3_950_000,
      channelRemoteSat: 7_036_460,
      pendingOpenLocalSat: 0,
      limboSat: 0,
    });
  });

  it('ForwardingEvent (lightning.proto:4787-4834): timestamp_ns and fee_msat', () => {
    const f = parseLndForwards({
      forwarding_events: [
        {
          timestamp: '1800000000',
          timestamp_ns: '1800000000123456789',
          chan_id_in: '1',
          chan_id_out: '2',
          amt_in_msat: '50000501',
          amt_out_msat: '50000000',
          fee_msat: '501',
        },
      ],
      last_offset_index: 1,
    });
    expect(f).toEqual([
      {
        time: 1_800_000_000_123,
        inChannel: '1',
        outChannel: '2',
        inMsat: 50_000_501,
        outMsat: 50_000_000,
        feeMsat: 501,
        status: 'settled',
        failReason: null,
      },
    ]);
  });

  it('non-numeric amounts are a malformed reply', () => {
    expect(() => parseLndInfo({ block_height: '12a', synced_to_chain: true })).toThrow(/expected an integer/);
    expect(() => parseLndChannels({ channels: 'nope' })).toThrow(/expected a list/);
  });
});
