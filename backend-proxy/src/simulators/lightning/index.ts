// An lnd REST gateway or a Core Lightning clnrest plugin, serving one node's state faithfully
// enough for the lightning source, with the faults an operator meets. Built from the upstreams'
// own API documents:
//  - lnd (lightningnetwork/lnd@90ea05d5a7f9): routes from lnrpc/lightning.yaml:10-58,125-126;
//    JSON as protojson with UseProtoNames + EmitUnpopulated (lnrpc/rpc_utils.go:47-50), so
//    snake_case names, 64-bit integers as strings, enums by name; messages from lnrpc/lightning.proto
//    (line numbers in sources/lightning/model.ts). The macaroon arrives as hex in
//    Grpc-Metadata-macaroon (itest/lnd_rest_api_test.go:798); gateway errors are {code, message, details}.
//    test/lnd.real.test.ts compares every allow-listed answer and the gateway's errors with a real
//    lnd v0.18.3-beta.rc3 field by field.
//  - Core Lightning (ElementsProject/lightning@090f4b0e6981, v26.06): POST /v1/<method>, rune in the
//    `Rune` header, 201 + result on success, RpcError {code, message} with 403 (no rune, code 1501),
//    401 (invalid rune, 1502), 404 (-32601 unknown method), 500 otherwise
//    (plugins/rest-plugin/src/handlers.rs:36-46,125-150, shared.rs verify_rune/generate_response);
//    results shaped by doc/schemas/{getinfo,listpeerchannels,listfunds,listforwards}.json and
//    their examples; getinfo's sync warnings verbatim from lightningd/peer_control.c:3395-3400.
// No timers: tests mine blocks with advance() and move their own clock.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { delay, fakeHex, sendJson, sendText, ToggleServer } from '../stacks/toggleServer.js';

export type LightningImplementation = 'lnd' | 'cln';
export type LightningFault = 'none' | 'down' | 'slow' | 'malformed' | 'force-closed' | 'peer-offline' | 'out-of-sync';

/** One channel of the simulated node. Balances in sat; lnd's initiator pays the commitment fee. */
export interface SimChannel {
  peer: string;
  scid: string;
  /** lnd's chan_id: the short channel id packed as block << 40 | tx << 16 | output */
  chanId: string;
  capacity: number;
  local: number;
  initiator: boolean;
  private: boolean;
  connected: boolean;
  /** null: open; 'force': being force-closed by us */
  closing: null | 'force';
  pendingHtlcs: number;
}

export interface SimForward {
  /** seconds */
  time: number;
  inScid: string;
  outScid: string;
  inMsat: number;
  outMsat: number;
  status: 'settled' | 'failed' | 'local_failed' | 'offered';
  failcode?: number;
  failreason?: string;
}

export interface LightningState {
  blockHeight: number;
  /** seconds */
  blockTimestamp: number;
  synced: boolean;
  channels: SimChannel[];
  forwards: SimForward[];
  onchainConfirmedSat: number;
  onchainUnconfirmedSat: number;
}

export interface LightningSimulatorOptions {
  implementation: LightningImplementation;
  /** lnd: the only macaroon (hex) accepted */
  macaroonHex?: string;
  /** cln: the only rune accepted */
  rune?: string;
  now?: () => number;
  blockHeight?: number;
  port?: number;
}

export interface LightningSimulator {
  implementation: LightningImplementation;
  url: string;
  state: LightningState;
  /** every request received: `GET /v1/getinfo`, `POST /v1/listfunds`, … (allowed or not) */
  received: string[];
  /** behind: blocks the node lags for 'out-of-sync' (default 12) */
  setFault(fault: LightningFault, options?: { delayMs?: number; behind?: number }): Promise<void>;
  advance(blocks?: number): void;
  close(): Promise<void>;
}

const LND_FEATURES = Object.fromEntries(
  (
    [
      [0, 'data-loss-protect', true],
      [5, 'upfront-shutdown-script', false],
      [7, 'gossip-queries', false],
      [8, 'tlv-onion', true],
      [12, 'static-remote-key', true],
      [14, 'payment-addr', true],
      [17, 'multi-path-payments', false],
      [23, 'anchors-zero-fee-htlc-tx', false],
      [25, 'route-blinding', false],
      [27, 'shutdown-any-segwit', false],
      [30, 'amp', true],
      [31, 'amp', false],
      [45, 'explicit-commitment-type', false],
      [263, 'bolt-11-blinded-paths', false],
      [2023, 'script-enforced-lease', false],
    ] as const
  ).map(([bit, name, required]) => [String(bit), { name, is_required: required, is_known: true }])
);

const COMMIT_FEE_SAT = 2_810; // an anchor channel's commitment fee at 253 sat/kw, paid by the initiator
const ANCHORS_SAT = 660; // two 330-sat anchor outputs, also the initiator's

export const SIM_LND_VERSION = '0.21.99-beta commit=v0.21.99-beta';
export const SIM_CLN_VERSION = 'v26.06';
export const SIM_NODE_PUBKEY = `03${fakeHex('ournode', 64)}`;
const peerKey = (name: string) => `02${fakeHex(`peer-${name}`, 64)}`;

/** lnd's ChannelConstraints as both sides of a simulated channel have them (reserve 1 % of capacity). */
function channelConstraints(capacity: number) {
  return {
    csv_delay: 144,
    chan_reserve_sat: String(Math.floor(capacity / 100)),
    dust_limit_sat: '354',
    max_pending_amt_msat: '990000000',
    min_htlc_msat: '1',
    max_accepted_htlcs: 483,
  };
}

/** BOLT 7 short_channel_id in lnd's uint64 form. */
export function packScid(scid: string): string {
  const [block, tx, out] = scid.split('x').map((p) => BigInt(p));
  return ((block! << 40n) | (tx! << 16n) | out!).toString();
}

/** Four channels, one of them drained to 5 % local (below the default 10 % share). */
export function defaultChannels(): SimChannel[] {
  const ch = (name: string, scid: string, capacity: number, local: number, initiator: boolean): SimChannel => ({
    peer: peerKey(name),
    scid,
    chanId: packScid(scid),
    capacity,
    local,
    initiator,
    private: false,
    connected: true,
    closing: null,
    pendingHtlcs: 0,
  });
  return [
    ch('acinq', '870100x1200x1', 2_000_000, 1_200_000, true),
    ch('wos', '870200x300x0', 5_000_000, 250_000, false),
    ch('bfx', '871000x15x2', 1_000_000, 500_000, true),
    ch('kraken', '872500x7x0', 3_000_000, 2_000_000, false),
  ];
}

export async function startLightningSimulator(options: LightningSimulatorOptions): Promise<LightningSimulator> {
  const now = options.now ?? Date.now;
  const impl = options.implementation;
  const nowS = () => Math.floor(now() / 1000);
  const state: LightningState = {
    blockHeight: options.blockHeight ?? 880_000,
    blockTimestamp: nowS(),
    synced: true,
    channels: defaultChannels(),
    forwards: [],
    onchainConfirmedSat: 1_500_000,
    onchainUnconfirmedSat: 20_000,
  };
  // forwards over the last day: 6 settled, and on the failure side what the cln examples show
  const t0 = nowS();
  const [a, b, c, d] = state.channels.map((x) => x.scid) as [string, string, string, string];
  state.forwards = [
    { time: t0 - 80_000, inScid: a, outScid: b, inMsat: 50_000_501, outMsat: 50_000_000, status: 'settled' },
    { time: t0 - 70_000, inScid: a, outScid: c, inMsat: 100_001_100, outMsat: 100_000_000, status: 'settled' },
    { time: t0 - 50_000, inScid: d, outScid: b, inMsat: 250_002_750, outMsat: 250_000_000, status: 'settled' },
    { time: t0 - 30_000, inScid: d, outScid: a, inMsat: 1_000_010_000, outMsat: 1_000_000_000, status: 'settled' },
    { time: t0 - 10_000, inScid: c, outScid: b, inMsat: 20_000_220, outMsat: 20_000_000, status: 'settled' },
    { time: t0 - 5_000, inScid: a, outScid: d, inMsat: 5_000_055, outMsat: 5_000_000, status: 'settled' },
    {
      time: t0 - 4_000,
      inScid: a,
      outScid: b,
      inMsat: 1_000_000,
      outMsat: 999_000,
      status: 'local_failed',
      failcode: 4108,
      failreason: 'WIRE_FEE_INSUFFICIENT',
    },
    {
      time: t0 - 3_000,
      inScid: a,
      outScid: c,
      inMsat: 10_001,
      outMsat: 10_000,
      status: 'local_failed',
      failcode: 16394,
      failreason: 'WIRE_UNKNOWN_NEXT_PEER',
    },
    {
      time: t0 - 2_000,
      inScid: d,
      outScid: b,
      inMsat: 300_000_000,
      outMsat: 299_997_000,
      status: 'failed',
      failcode: 4103,
      failreason: 'WIRE_TEMPORARY_CHANNEL_FAILURE',
    },
    { time: t0 - 1_000, inScid: c, outScid: a, inMsat: 4_000_082, outMsat: 4_000_041, status: 'offered' },
    // two days old: outside a 24 h window
    { time: t0 - 2 * 86_400, inScid: a, outScid: b, inMsat: 7_000_070, outMsat: 7_000_000, status: 'settled' },
  ];
  let fault: LightningFault = 'none';
  let delayMs = 2_000;
  let behind = 0;
  const received: string[] = [];

  const open = () => state.channels.filter((x) => x.closing === null);
  const active = (x: SimChannel) => x.closing === null && x.connected;
  const nodeHeight = () => state.blockHeight - behind;
  // lnd: the initiator's local balance excludes commit fee and anchors (lnrpc Channel.commit_fee, lightning.proto:1446)
  const lndRemote = (x: SimChannel) => x.capacity - x.local - (x.initiator ? COMMIT_FEE_SAT + ANCHORS_SAT : 0);
  const lndLocal = (x: SimChannel) => x.local;
  const channelPoint = (x: SimChannel) => `${fakeHex(`funding-${x.scid}`, 64)}:${x.scid.split('x')[2]}`;
  const settledForwards = () => state.forwards.filter((f) => f.status === 'settled');

  // ---------------- lnd ----------------
  const lndChannel = (x: SimChannel) => ({
    active: active(x),
    remote_pubkey: x.peer,
    channel_point: channelPoint(x),
    chan_id: x.chanId,
    capacity: String(x.capacity),
    local_balance: String(lndLocal(x)),
    remote_balance: String(lndRemote(x)),
    commit_fee: String(x.initiator ? COMMIT_FEE_SAT : 0),
    commit_weight: '1116',
    fee_per_kw: '253',
    unsettled_balance: '0',
    total_satoshis_sent: '0',
    total_satoshis_received: '0',
    num_updates: '42',
    pending_htlcs: Array.from({ length: x.pendingHtlcs }, (_, i) => ({
      incoming: i % 2 === 0,
      amount: '10000',
      hash_lock: Buffer.from(fakeHex(`htlc${i}`, 64), 'hex').toString('base64'),
      expiration_height: nodeHeight() + 40,
      htlc_index: String(i),
      forwarding_channel: '0',
      forwarding_htlc_index: '0',
      locked_in: true,
    })),
    csv_delay: 144,
    private: x.private,
    initiator: x.initiator,
    chan_status_flags: 'ChanStatusDefault',
    local_chan_reserve_sat: String(Math.floor(x.capacity / 100)),
    remote_chan_reserve_sat: String(Math.floor(x.capacity / 100)),
    static_remote_key: false,
    commitment_type: 'ANCHORS',
    lifetime: '86400',
    uptime: x.connected ? '86400' : '80000',
    close_address: '',
    push_amount_sat: '0',
    thaw_height: 0,
    local_constraints: channelConstraints(x.capacity),
    remote_constraints: channelConstraints(x.capacity),
    alias_scids: [],
    zero_conf: false,
    zero_conf_confirmed_scid: '0',
    peer_alias: '',
    peer_scid_alias: '0',
    memo: '',
    custom_channel_data: '',
  });
  const lndPendingChannel = (x: SimChannel) => ({
    remote_node_pub: x.peer,
    channel_point: channelPoint(x),
    capacity: String(x.capacity),
    local_balance: String(lndLocal(x)),
    remote_balance: String(lndRemote(x)),
    local_chan_reserve_sat: String(Math.floor(x.capacity / 100)),
    remote_chan_reserve_sat: String(Math.floor(x.capacity / 100)),
    initiator: x.initiator ? 'INITIATOR_LOCAL' : 'INITIATOR_REMOTE',
    commitment_type: 'ANCHORS',
    num_forwarding_packages: '0',
    chan_status_flags: 'ChanStatusLocalCloseInitiator|ChanStatusCommitBroadcasted',
    private: x.private,
    memo: '',
    custom_channel_data: '',
  });
  const lndRoutes: Record<string, (body: Record<string, unknown>) => unknown> = {
    // GetInfoResponse (lightning.proto:1925-2003)
    'GET /v1/getinfo': () => ({
      version: SIM_LND_VERSION,
      commit_hash: fakeHex('lnd-commit', 40),
      identity_pubkey: SIM_NODE_PUBKEY,
      alias: 'nodescope-sim',
      color: '#3399ff',
      num_pending_channels: state.channels.filter((x) => x.closing !== null).length,
      num_active_channels: open().filter(active).length,
      num_inactive_channels: open().filter((x) => !active(x)).length,
      num_peers: state.channels.filter((x) => x.connected).length,
      block_height: nodeHeight(),
      block_hash: fakeHex(`block${nodeHeight()}`, 64),
      best_header_timestamp: String(state.blockTimestamp - behind * 600),
      synced_to_chain: state.synced,
      synced_to_graph: true,
      testnet: false,
      chains: [{ chain: 'bitcoin', network: 'mainnet' }],
      uris: [`${SIM_NODE_PUBKEY}@127.0.0.1:9735`],
      // the feature bits a stock lnd 0.18.3-beta.rc3 advertises, as its getinfo wrote them (test/lnd.real.test.ts)
      features: LND_FEATURES,
      require_htlc_interceptor: false,
      store_final_htlc_resolutions: false,
      wallet_synced: state.synced,
      graph_cache_status: null,
    }),
    // ListChannelsResponse: open channels only (a force-closing one moves to the pending list)
    'GET /v1/channels': () => ({ channels: open().map(lndChannel) }),
    // PendingChannelsResponse (lightning.proto:2945-2961)
    'GET /v1/channels/pending': () => {
      const forced = state.channels.filter((x) => x.closing === 'force');
      return {
        total_limbo_balance: String(forced.reduce((s, x) => s + lndLocal(x), 0)),
        pending_open_channels: [],
        pending_closing_channels: [],
        pending_force_closing_channels: forced.map((x) => ({
          channel: lndPendingChannel(x),
          closing_txid: fakeHex(`close-${x.scid}`, 64),
          limbo_balance: String(lndLocal(x)),
          maturity_height: nodeHeight() + 144,
          blocks_til_maturity: 144,
          recovered_balance: '0',
          pending_htlcs: [],
          anchor: 'LIMBO',
        })),
        waiting_close_channels: [],
      };
    },
    // ChannelBalanceResponse (lightning.proto:3049-3076), Amount {sat, msat}
    'GET /v1/balance/channels': () => {
      const local = open().reduce((s, x) => s + lndLocal(x), 0);
      const remote = open().reduce((s, x) => s + lndRemote(x), 0);
      const amount = (sat: number) => ({ sat: String(sat), msat: String(sat * 1000) });
      return {
        balance: String(local),
        pending_open_balance: '0',
        local_balance: amount(local),
        remote_balance: amount(remote),
        unsettled_local_balance: amount(0),
        unsettled_remote_balance: amount(0),
        pending_open_local_balance: amount(0),
        pending_open_remote_balance: amount(0),
        custom_channel_data: '',
      };
    },
    // WalletBalanceResponse (lightning.proto:3018-3034)
    'GET /v1/balance/blockchain': () => ({
      total_balance: String(state.onchainConfirmedSat + state.onchainUnconfirmedSat),
      confirmed_balance: String(state.onchainConfirmedSat),
      unconfirmed_balance: String(state.onchainUnconfirmedSat),
      locked_balance: '0',
      reserved_balance_anchor_chan: '50000',
      account_balance: {
        default: {
          confirmed_balance: String(state.onchainConfirmedSat),
          unconfirmed_balance: String(state.onchainUnconfirmedSat),
        },
      },
    }),
    // ForwardingHistoryRequest/Response (lightning.proto:4757-4847): settled forwards within [start_time, end_time)
    'POST /v1/switch': (body) => {
      const start = Number(body.start_time ?? 0);
      const end = body.end_time === undefined || Number(body.end_time) === 0 ? nowS() + 1 : Number(body.end_time);
      const max = Number(body.num_max_events ?? 100) || 100;
      const byScid = new Map(state.channels.map((x) => [x.scid, x.chanId]));
      const events = settledForwards()
        .filter((f) => f.time >= start && f.time < end)
        .slice(0, max)
        .map((f) => ({
          timestamp: String(f.time),
          chan_id_in: byScid.get(f.inScid) ?? '0',
          chan_id_out: byScid.get(f.outScid) ?? '0',
          amt_in: String(Math.floor(f.inMsat / 1000)),
          amt_out: String(Math.floor(f.outMsat / 1000)),
          fee: String(Math.floor((f.inMsat - f.outMsat) / 1000)),
          fee_msat: String(f.inMsat - f.outMsat),
          amt_in_msat: String(f.inMsat),
          amt_out_msat: String(f.outMsat),
          timestamp_ns: `${f.time}000000000`,
          peer_alias_in: '',
          peer_alias_out: '',
        }));
      return { forwarding_events: events, last_offset_index: events.length };
    },
  };

  // ---------------- Core Lightning ----------------
  const clnChannel = (x: SimChannel) => {
    const totalMsat = x.capacity * 1000;
    const toUs = x.local * 1000;
    const changes = [
      {
        timestamp: '2026-01-01T00:00:00.000Z',
        old_state: 'CHANNELD_AWAITING_LOCKIN',
        new_state: 'CHANNELD_NORMAL',
        cause: x.initiator ? 'user' : 'remote',
        message: 'Lockin complete',
      },
      ...(x.closing === 'force'
        ? [
            {
              timestamp: '2026-01-02T00:00:00.000Z',
              old_state: 'CHANNELD_NORMAL',
              new_state: 'AWAITING_UNILATERAL',
              cause: 'user',
              message: 'Forcibly closed by `close` command timeout',
            },
            {
              timestamp: '2026-01-02T00:10:00.000Z',
              old_state: 'AWAITING_UNILATERAL',
              new_state: 'FUNDING_SPEND_SEEN',
              cause: 'user',
              message: 'Onchain funding spend',
            },
            {
              timestamp: '2026-01-02T00:10:00.000Z',
              old_state: 'FUNDING_SPEND_SEEN',
              new_state: 'ONCHAIN',
              cause: 'user',
              message: 'Onchain init reply',
            },
          ]
        : []),
    ];
    const state_ = x.closing === 'force' ? 'ONCHAIN' : 'CHANNELD_NORMAL';
    return {
      peer_id: x.peer,
      peer_connected: x.connected,
      ...(x.connected ? { reestablished: true } : {}),
      channel_type: { bits: [12, 22], names: ['static_remotekey/even', 'anchors/even'] },
      updates: {
        local: {
          htlc_minimum_msat: 0,
          htlc_maximum_msat: 990_000_000,
          cltv_expiry_delta: 6,
          fee_base_msat: 1,
          fee_proportional_millionths: 10,
        },
        remote: {
          htlc_minimum_msat: 0,
          htlc_maximum_msat: 990_000_000,
          cltv_expiry_delta: 6,
          fee_base_msat: 1,
          fee_proportional_millionths: 10,
        },
      },
      state: state_,
      scratch_txid: fakeHex(`scratch-${x.scid}`, 64),
      lost_state: false,
      feerate: { perkw: 3755, perkb: 15020 },
      ...(x.closing === null && x.connected
        ? { owner: 'channeld' }
        : x.closing === 'force'
          ? { owner: 'onchaind' }
          : {}),
      short_channel_id: x.scid,
      direction: 0,
      channel_id: fakeHex(`chanid-${x.scid}`, 64),
      funding_txid: fakeHex(`funding-${x.scid}`, 64),
      funding_outnum: Number(x.scid.split('x')[2]),
      private: x.private,
      opener: x.initiator ? 'local' : 'remote',
      ...(x.closing === 'force' ? { closer: 'local' } : {}),
      features: ['option_static_remotekey', 'option_anchors'],
      funding: {
        local_funds_msat: x.initiator ? totalMsat : 0,
        remote_funds_msat: x.initiator ? 0 : totalMsat,
        pushed_msat: 0,
        withheld: false,
      },
      to_us_msat: toUs,
      min_to_us_msat: 0,
      max_to_us_msat: toUs,
      total_msat: totalMsat,
      fee_base_msat: 1,
      fee_proportional_millionths: 10,
      dust_limit_msat: 546_000,
      their_reserve_msat: totalMsat / 100,
      our_reserve_msat: totalMsat / 100,
      spendable_msat: Math.max(0, toUs - totalMsat / 100),
      receivable_msat: Math.max(0, totalMsat - toUs - totalMsat / 100),
      minimum_htlc_in_msat: 0,
      minimum_htlc_out_msat: 0,
      maximum_htlc_out_msat: 990_000_000,
      their_to_self_delay: 144,
      our_to_self_delay: 144,
      max_accepted_htlcs: 483,
      state_changes: changes,
      status: [
        x.closing === 'force' ? 'ONCHAIN:Tracking our own unilateral close' : 'CHANNELD_NORMAL:Channel ready for use.',
      ],
      in_payments_offered: 22,
      in_offered_msat: 665_528_797,
      in_payments_fulfilled: 16,
      in_fulfilled_msat: 610_507_210,
      out_payments_offered: 1,
      out_offered_msat: 1_000_000,
      out_payments_fulfilled: 1,
      out_fulfilled_msat: 1_000_000,
      htlcs: Array.from({ length: x.pendingHtlcs }, (_, i) => ({
        direction: i % 2 === 0 ? 'in' : 'out',
        id: i,
        amount_msat: 10_000_000,
        expiry: nodeHeight() + 40,
        payment_hash: fakeHex(`htlc${i}`, 64),
        state: i % 2 === 0 ? 'RCVD_ADD_ACK_REVOCATION' : 'SENT_ADD_ACK_REVOCATION',
      })),
    };
  };
  const clnMethods: Record<string, () => unknown> = {
    getinfo: () => ({
      id: SIM_NODE_PUBKEY,
      alias: 'nodescope-sim',
      color: '033845',
      num_peers: state.channels.filter((x) => x.connected).length,
      num_pending_channels: 0,
      num_active_channels: open().filter(active).length,
      num_inactive_channels:
        open().filter((x) => !active(x)).length + state.channels.filter((x) => x.closing !== null).length,
      address: [],
      binding: [{ type: 'ipv4', address: '127.0.0.1', port: 9735 }],
      version: SIM_CLN_VERSION,
      blockheight: nodeHeight(),
      network: 'bitcoin',
      fees_collected_msat: settledForwards().reduce((s, f) => s + (f.inMsat - f.outMsat), 0),
      'lightning-dir': '/home/bitcoin/.lightning/bitcoin',
      our_features: { init: '800898882a8a59a1', node: '808898882a8a59a1', channel: '', invoice: '02000002024100' },
      ...(state.synced ? {} : { warning_bitcoind_sync: 'Bitcoind is not up-to-date with network.' }),
    }),
    listpeerchannels: () => ({ channels: state.channels.map(clnChannel) }),
    listfunds: () => ({
      // one confirmed and one unconfirmed output; blockheight only once confirmed
      outputs: [
        { n: 1, sat: state.onchainConfirmedSat, blockheight: state.blockHeight - 100 },
        { n: 2, sat: state.onchainUnconfirmedSat, blockheight: null },
      ].map(({ n, sat, blockheight }) => ({
        txid: fakeHex(`utxo${n}`, 64),
        output: n - 1,
        amount_msat: sat * 1000,
        scriptpubkey: `5120${fakeHex(`spk${n}`, 64)}`,
        address: 'bc1p...',
        status: blockheight === null ? 'unconfirmed' : 'confirmed',
        ...(blockheight === null ? {} : { blockheight }),
        reserved: false,
      })),
      channels: state.channels.map((x) => ({
        peer_id: x.peer,
        connected: x.connected,
        state: x.closing === 'force' ? 'ONCHAIN' : 'CHANNELD_NORMAL',
        channel_id: fakeHex(`chanid-${x.scid}`, 64),
        short_channel_id: x.scid,
        our_amount_msat: x.local * 1000,
        amount_msat: x.capacity * 1000,
        funding_txid: fakeHex(`funding-${x.scid}`, 64),
        funding_output: Number(x.scid.split('x')[2]),
      })),
    }),
    // listforwards.json: out_msat/fee_msat only when there is an outgoing amount, resolved_time for settled/failed
    listforwards: () => ({
      forwards: state.forwards.map((f, i) => ({
        created_index: i + 1,
        updated_index: i + 1,
        in_channel: f.inScid,
        in_htlc_id: i,
        in_msat: f.inMsat,
        status: f.status,
        style: 'tlv',
        received_time: f.time + 0.123,
        ...(f.status === 'local_failed'
          ? { out_channel: f.outScid }
          : { out_channel: f.outScid, out_htlc_id: i, out_msat: f.outMsat, fee_msat: f.inMsat - f.outMsat }),
        ...(f.status === 'settled' || f.status === 'failed' ? { resolved_time: f.time + 1.456 } : {}),
        ...(f.failcode !== undefined ? { failcode: f.failcode, failreason: f.failreason } : {}),
      })),
    }),
  };

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    if (fault === 'malformed') {
      sendText(res, status, JSON.stringify(body).slice(0, 25), 'application/json');
      return;
    }
    sendJson(res, status, body);
  };

  const handleLnd = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const key = `${req.method} ${path}`;
    const route = Object.hasOwn(lndRoutes, key) ? lndRoutes[key] : undefined;
    if (!route) {
      // grpc-gateway: a known path under another method is 501 "Method Not Allowed" (as lnd answers it)
      const otherMethod = Object.keys(lndRoutes).some((k) => k.split(' ')[1] === path);
      if (otherMethod) sendJson(res, 501, { code: 12, message: 'Method Not Allowed', details: [] });
      else sendJson(res, 404, { code: 5, message: 'Not Found', details: [] });
      return;
    }
    const macaroon = req.headers['grpc-metadata-macaroon'];
    if (typeof macaroon !== 'string' || macaroon === '') {
      sendJson(res, 500, { code: 2, message: 'expected 1 macaroon, got 0', details: [] });
      return;
    }
    if (options.macaroonHex && macaroon.toLowerCase() !== options.macaroonHex.toLowerCase()) {
      sendJson(res, 500, {
        code: 2,
        message: 'verification failed: signature mismatch after caveat verification',
        details: [],
      });
      return;
    }
    let params: Record<string, unknown> = {};
    if (req.method === 'POST' && body.trim() !== '') {
      try {
        params = JSON.parse(body) as Record<string, unknown>;
      } catch {
        sendJson(res, 400, { code: 3, message: 'unexpected end of JSON input', details: [] });
        return;
      }
    }
    reply(res, 200, route(params));
  };

  const handleCln = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = /^\/v1\/([a-z0-9_-]+)$/.exec(path)?.[1];
    if (req.method !== 'POST' || !method) {
      sendJson(res, 404, { code: -32601, message: 'Path not registered' });
      return;
    }
    const rune = req.headers.rune;
    if (typeof rune !== 'string') {
      sendJson(res, 403, { code: 1501, message: 'Not authorized: Missing rune' });
      return;
    }
    if (options.rune && rune !== options.rune) {
      sendJson(res, 401, { code: 1502, message: 'Rune is not valid' });
      return;
    }
    if (body.trim() !== '') {
      try {
        JSON.parse(body);
      } catch {
        // clnrest falls back to form parsing (shared.rs parse_request_body); an unparsable body is no params
      }
    }
    const handler = Object.hasOwn(clnMethods, method) ? clnMethods[method] : undefined;
    if (!handler) {
      sendJson(res, 404, { code: -32601, message: `Unknown command '${method}'` });
      return;
    }
    reply(res, 201, handler());
  };

  const server = new ToggleServer(async (req, res, body) => {
    received.push(`${req.method} ${(req.url ?? '').split('?')[0]}`);
    if (fault === 'slow') await delay(delayMs);
    if (impl === 'lnd') handleLnd(req, res, body);
    else handleCln(req, res, body);
  });
  await server.listen(options.port ?? 0);

  const restore = () => {
    state.synced = true;
    behind = 0;
    for (const x of state.channels) {
      x.connected = true;
      x.closing = null;
    }
  };

  return {
    implementation: impl,
    url: server.url(),
    state,
    received,
    async setFault(next, opts = {}) {
      restore();
      fault = next;
      delayMs = opts.delayMs ?? 2_000;
      // the fourth channel is the one that gets force-closed, the third peer the one that goes offline
      if (next === 'force-closed') state.channels[3]!.closing = 'force';
      if (next === 'peer-offline') state.channels[2]!.connected = false;
      if (next === 'out-of-sync') {
        state.synced = false;
        behind = opts.behind ?? 12;
      }
      if (next === 'down') await server.close();
      else if (!server.listening) await server.listen();
    },
    advance(blocks = 1) {
      state.blockHeight += blocks;
      state.blockTimestamp = nowS();
    },
    async close() {
      await server.close();
    },
  };
}
