// Pure: lnd's REST answers and Core Lightning's clnrest answers into one model of a node, its
// channels, balances and forwards. Field names as the upstreams write them:
//  - lnd: protojson with UseProtoNames + EmitUnpopulated (lightningnetwork/lnd@90ea05d5a7f9:lnrpc/rpc_utils.go:47-50),
//    so snake_case names and 64-bit integers as decimal strings; messages in lnrpc/lightning.proto
//    (GetInfoResponse 1925-2003, Channel 1412-1590, PendingChannelsResponse 2723-2961,
//    WalletBalanceResponse 3018-3034, Amount 3039-3042, ChannelBalanceResponse 3049-3076,
//    ForwardingEvent 4787-4834, ForwardingHistoryResponse 4843-4847).
//  - cln: doc/schemas/{getinfo,listpeerchannels,listfunds,listforwards}.json
//    (ElementsProject/lightning@090f4b0e6981, v26.06); msat amounts are JSON integers.
import type { LIGHTNING_CHANNEL_PHASES } from '@nodescope/shared';
import { UpstreamError } from '../types.js';

export type Implementation = 'lnd' | 'cln';

export interface NodeInfo {
  implementation: Implementation;
  alias: string;
  pubkey: string;
  version: string;
  network: string | null;
  blockHeight: number;
  /** lnd: best_header_timestamp (s); cln has none */
  bestHeaderTimestamp: number | null;
  /** lnd: synced_to_chain; cln: no warning_bitcoind_sync and no warning_lightningd_sync */
  syncedToChain: boolean;
  syncedToGraph: boolean | null;
  numPeers: number;
  activeChannels: number;
  inactiveChannels: number;
  pendingChannels: number;
  /** cln getinfo.fees_collected_msat: every routing fee since the node started keeping them */
  feesCollectedMsat: number | null;
  /** what the node itself says about its sync (cln warnings), empty when none */
  warnings: string[];
}

/** One channel, open or on its way in or out. */
export interface ChannelRow {
  id: string;
  peer: string;
  peerAlias: string | null;
  /** open: active/inactive; pending_open, waiting_close, force_closing, closing (cooperative) */
  phase: (typeof LIGHTNING_CHANNEL_PHASES)[number];
  /** the upstream's own state word (lnd: active/inactive or the pending list; cln: CHANNELD_NORMAL, ONCHAIN, ...) */
  state: string;
  peerConnected: boolean | null;
  capacitySat: number;
  localSat: number;
  remoteSat: number;
  /** local / (local + remote); null when both are 0 */
  localShare: number | null;
  private: boolean;
  initiator: boolean | null;
  pendingHtlcs: number;
}

export interface Balances {
  onchainConfirmedSat: number;
  onchainUnconfirmedSat: number;
  channelLocalSat: number;
  channelRemoteSat: number;
  pendingOpenLocalSat: number;
  /** lnd: total_limbo_balance of pending closes; cln: our share of channels closing on chain */
  limboSat: number;
}

export interface Forward {
  /** ms since epoch */
  time: number;
  inChannel: string;
  outChannel: string | null;
  inMsat: number;
  outMsat: number | null;
  feeMsat: number | null;
  status: 'settled' | 'failed' | 'local_failed' | 'offered';
  failReason: string | null;
}

const DIGITS = /^-?\d+$/;

/** A protojson 64-bit integer (a decimal string) or a plain JSON number. */
export function int(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value);
  throw new UpstreamError(`${what}: expected an integer, got ${JSON.stringify(value)?.slice(0, 40)}`, 'malformed');
}

const intOr = (value: unknown, fallback: number, what: string) =>
  value === undefined || value === null ? fallback : int(value, what);
const obj = (value: unknown, what: string): Record<string, unknown> => {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UpstreamError(`${what}: expected an object`, 'malformed');
  return value as Record<string, unknown>;
};
const list = (value: unknown, what: string): unknown[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new UpstreamError(`${what}: expected a list`, 'malformed');
  return value;
};
const str = (value: unknown) => (typeof value === 'string' ? value : '');
const share = (local: number, remote: number) => (local + remote > 0 ? local / (local + remote) : null);

// ---------- lnd ----------

export function parseLndInfo(raw: unknown): NodeInfo {
  const r = obj(raw, 'lnd getinfo');
  const chains = list(r.chains, 'lnd getinfo.chains');
  const chain = chains[0] && typeof chains[0] === 'object' ? (chains[0] as Record<string, unknown>) : null;
  return {
    implementation: 'lnd',
    alias: str(r.alias),
    pubkey: str(r.identity_pubkey),
    version: str(r.version),
    network: chain ? str(chain.network) || null : null,
    blockHeight: int(r.block_height, 'lnd getinfo.block_height'),
    bestHeaderTimestamp:
      r.best_header_timestamp === undefined ? null : int(r.best_header_timestamp, 'lnd getinfo.best_header_timestamp'),
    syncedToChain: r.synced_to_chain === true,
    syncedToGraph: typeof r.synced_to_graph === 'boolean' ? r.synced_to_graph : null,
    numPeers: intOr(r.num_peers, 0, 'lnd getinfo.num_peers'),
    activeChannels: intOr(r.num_active_channels, 0, 'lnd getinfo.num_active_channels'),
    inactiveChannels: intOr(r.num_inactive_channels, 0, 'lnd getinfo.num_inactive_channels'),
    pendingChannels: intOr(r.num_pending_channels, 0, 'lnd getinfo.num_pending_channels'),
    feesCollectedMsat: null,
    warnings: r.synced_to_chain === true ? [] : ['synced_to_chain is false'],
  };
}

/** GET /v1/channels: open channels only (pending ones come from /v1/channels/pending). */
export function parseLndChannels(raw: unknown): ChannelRow[] {
  return list(obj(raw, 'lnd channels').channels, 'lnd channels.channels').map((item) => {
    const c = obj(item, 'lnd channel');
    const local = int(c.local_balance, 'lnd channel.local_balance');
    const remote = int(c.remote_balance, 'lnd channel.remote_balance');
    const active = c.active === true;
    return {
      id: str(c.chan_id),
      peer: str(c.remote_pubkey),
      peerAlias: str(c.peer_alias) || null,
      phase: active ? 'active' : 'inactive',
      state: active ? 'active' : 'inactive',
      // lnd marks a channel inactive when its peer is not connected (or the channel is disabled)
      peerConnected: null,
      capacitySat: int(c.capacity, 'lnd channel.capacity'),
      localSat: local,
      remoteSat: remote,
      localShare: share(local, remote),
      private: c.private === true,
      initiator: typeof c.initiator === 'boolean' ? c.initiator : null,
      pendingHtlcs: list(c.pending_htlcs, 'lnd channel.pending_htlcs').length,
    };
  });
}

export interface LndPending {
  rows: ChannelRow[];
  limboSat: number;
}

/** GET /v1/channels/pending: pending_open_channels, waiting_close_channels, pending_force_closing_channels. */
export function parseLndPending(raw: unknown): LndPending {
  const r = obj(raw, 'lnd pending');
  const row = (item: unknown, phase: ChannelRow['phase'], state: string): ChannelRow => {
    const c = obj(obj(item, 'lnd pending channel').channel, 'lnd pending channel.channel');
    const local = int(c.local_balance, 'lnd pending.local_balance');
    const remote = int(c.remote_balance, 'lnd pending.remote_balance');
    return {
      id: str(c.channel_point),
      peer: str(c.remote_node_pub),
      peerAlias: null,
      phase,
      state,
      peerConnected: null,
      capacitySat: int(c.capacity, 'lnd pending.capacity'),
      localSat: local,
      remoteSat: remote,
      localShare: share(local, remote),
      private: c.private === true,
      // Initiator enum (lightning.proto: INITIATOR_LOCAL = 1)
      initiator: c.initiator === 'INITIATOR_LOCAL' ? true : c.initiator === 'INITIATOR_REMOTE' ? false : null,
      pendingHtlcs: 0,
    };
  };
  return {
    rows: [
      ...list(r.pending_open_channels, 'lnd pending_open_channels').map((c) => row(c, 'pending_open', 'pending_open')),
      ...list(r.waiting_close_channels, 'lnd waiting_close_channels').map((c) =>
        row(c, 'waiting_close', 'waiting_close')
      ),
      ...list(r.pending_force_closing_channels, 'lnd pending_force_closing_channels').map((c) =>
        row(c, 'force_closing', 'pending_force_close')
      ),
    ],
    limboSat: intOr(r.total_limbo_balance, 0, 'lnd total_limbo_balance'),
  };
}

export function parseLndBalances(wallet: unknown, channels: unknown, limboSat: number): Balances {
  const w = obj(wallet, 'lnd balance/blockchain');
  const c = obj(channels, 'lnd balance/channels');
  const sat = (amount: unknown, what: string) =>
    amount && typeof amount === 'object' ? intOr((amount as Record<string, unknown>).sat, 0, what) : 0;
  return {
    onchainConfirmedSat: int(w.confirmed_balance, 'lnd confirmed_balance'),
    onchainUnconfirmedSat: intOr(w.unconfirmed_balance, 0, 'lnd unconfirmed_balance'),
    channelLocalSat: sat(c.local_balance, 'lnd local_balance.sat'),
    channelRemoteSat: sat(c.remote_balance, 'lnd remote_balance.sat'),
    pendingOpenLocalSat: sat(c.pending_open_local_balance, 'lnd pending_open_local_balance.sat'),
    limboSat,
  };
}

/** POST /v1/switch: lnd's forwarding log holds settled forwards only (failures are not logged there). */
export function parseLndForwards(raw: unknown): Forward[] {
  return list(obj(raw, 'lnd switch').forwarding_events, 'lnd forwarding_events').map((item) => {
    const e = obj(item, 'lnd forwarding event');
    return {
      time: Math.floor(int(e.timestamp_ns, 'lnd timestamp_ns') / 1e6),
      inChannel: str(e.chan_id_in),
      outChannel: str(e.chan_id_out),
      inMsat: int(e.amt_in_msat, 'lnd amt_in_msat'),
      outMsat: int(e.amt_out_msat, 'lnd amt_out_msat'),
      feeMsat: int(e.fee_msat, 'lnd fee_msat'),
      status: 'settled',
      failReason: null,
    };
  });
}

// ---------- Core Lightning ----------

export function parseClnInfo(raw: unknown): NodeInfo {
  const r = obj(raw, 'cln getinfo');
  const warnings = [r.warning_bitcoind_sync, r.warning_lightningd_sync].filter(
    (w): w is string => typeof w === 'string' && w.length > 0
  );
  return {
    implementation: 'cln',
    alias: str(r.alias),
    pubkey: str(r.id),
    version: str(r.version),
    network: str(r.network) || null,
    blockHeight: int(r.blockheight, 'cln getinfo.blockheight'),
    bestHeaderTimestamp: null,
    syncedToChain: warnings.length === 0,
    syncedToGraph: null,
    numPeers: intOr(r.num_peers, 0, 'cln getinfo.num_peers'),
    activeChannels: intOr(r.num_active_channels, 0, 'cln getinfo.num_active_channels'),
    inactiveChannels: intOr(r.num_inactive_channels, 0, 'cln getinfo.num_inactive_channels'),
    pendingChannels: intOr(r.num_pending_channels, 0, 'cln getinfo.num_pending_channels'),
    feesCollectedMsat: intOr(r.fees_collected_msat, 0, 'cln getinfo.fees_collected_msat'),
    warnings,
  };
}

const CLN_OPENING = new Set([
  'OPENINGD',
  'CHANNELD_AWAITING_LOCKIN',
  'DUALOPEND_OPEN_INIT',
  'DUALOPEND_OPEN_COMMITTED',
  'DUALOPEND_OPEN_COMMIT_READY',
  'DUALOPEND_AWAITING_LOCKIN',
]);
const CLN_MUTUAL_CLOSING = new Set(['CHANNELD_SHUTTING_DOWN', 'CLOSINGD_SIGEXCHANGE', 'CLOSINGD_COMPLETE']);
const CLN_ON_CHAIN = new Set(['AWAITING_UNILATERAL', 'FUNDING_SPEND_SEEN', 'ONCHAIN']);

/**
 * Which phase a clnrest channel is in. CHANNELD_NORMAL (and CHANNELD_AWAITING_SPLICE, still
 * usable) is open: active when the peer is connected. AWAITING_UNILATERAL is our own force close;
 * FUNDING_SPEND_SEEN/ONCHAIN follow both kinds of close, so a channel that passed
 * CLOSINGD_COMPLETE (state_changes) closed cooperatively and any other was force-closed.
 */
export function clnPhase(state: string, peerConnected: boolean, stateChanges: unknown[]): ChannelRow['phase'] {
  if (state === 'CHANNELD_NORMAL' || state === 'CHANNELD_AWAITING_SPLICE') return peerConnected ? 'active' : 'inactive';
  if (CLN_OPENING.has(state)) return 'pending_open';
  if (CLN_MUTUAL_CLOSING.has(state)) return 'waiting_close';
  if (CLN_ON_CHAIN.has(state)) {
    const mutual = stateChanges.some(
      (c) => c && typeof c === 'object' && (c as Record<string, unknown>).new_state === 'CLOSINGD_COMPLETE'
    );
    return state !== 'AWAITING_UNILATERAL' && mutual ? 'closing' : 'force_closing';
  }
  return 'inactive';
}

export function parseClnChannels(raw: unknown): ChannelRow[] {
  return list(obj(raw, 'cln listpeerchannels').channels, 'cln listpeerchannels.channels').map((item) => {
    const c = obj(item, 'cln channel');
    const state = str(c.state);
    const connected = c.peer_connected === true;
    const totalMsat = intOr(c.total_msat, 0, 'cln total_msat');
    const toUsMsat = intOr(c.to_us_msat, 0, 'cln to_us_msat');
    const local = Math.floor(toUsMsat / 1000);
    const remote = Math.floor((totalMsat - toUsMsat) / 1000);
    return {
      id: str(c.short_channel_id) || str(c.channel_id),
      peer: str(c.peer_id),
      peerAlias: null,
      phase: clnPhase(state, connected, list(c.state_changes, 'cln state_changes')),
      state,
      peerConnected: connected,
      capacitySat: Math.floor(totalMsat / 1000),
      localSat: local,
      remoteSat: remote,
      localShare: share(local, remote),
      private: c.private === true,
      initiator: c.opener === 'local' ? true : c.opener === 'remote' ? false : null,
      pendingHtlcs: list(c.htlcs, 'cln htlcs').length,
    };
  });
}

/** listfunds: on-chain outputs by status; channel balances come from listpeerchannels (the same to_us). */
export function parseClnBalances(funds: unknown, channels: ChannelRow[]): Balances {
  const r = obj(funds, 'cln listfunds');
  let confirmed = 0;
  let unconfirmed = 0;
  for (const item of list(r.outputs, 'cln listfunds.outputs')) {
    const o = obj(item, 'cln output');
    const msat = int(o.amount_msat, 'cln amount_msat');
    if (o.status === 'confirmed') confirmed += msat;
    else if (o.status === 'unconfirmed') unconfirmed += msat;
  }
  const sum = (phase: ChannelRow['phase'][], pick: (c: ChannelRow) => number) =>
    channels.filter((c) => phase.includes(c.phase)).reduce((a, c) => a + pick(c), 0);
  return {
    onchainConfirmedSat: Math.floor(confirmed / 1000),
    onchainUnconfirmedSat: Math.floor(unconfirmed / 1000),
    channelLocalSat: sum(['active', 'inactive'], (c) => c.localSat),
    channelRemoteSat: sum(['active', 'inactive'], (c) => c.remoteSat),
    pendingOpenLocalSat: sum(['pending_open'], (c) => c.localSat),
    limboSat: sum(['force_closing', 'closing', 'waiting_close'], (c) => c.localSat),
  };
}

export function parseClnForwards(raw: unknown): Forward[] {
  return list(obj(raw, 'cln listforwards').forwards, 'cln listforwards.forwards').map((item) => {
    const f = obj(item, 'cln forward');
    const status = str(f.status);
    if (status !== 'settled' && status !== 'failed' && status !== 'local_failed' && status !== 'offered') {
      throw new UpstreamError(`cln listforwards: unknown status ${JSON.stringify(status).slice(0, 30)}`, 'malformed');
    }
    const received = typeof f.received_time === 'number' ? f.received_time : Number.NaN;
    if (!Number.isFinite(received))
      throw new UpstreamError('cln listforwards: received_time is not a number', 'malformed');
    return {
      time: Math.round(received * 1000),
      inChannel: str(f.in_channel),
      outChannel: str(f.out_channel) || null,
      inMsat: int(f.in_msat, 'cln in_msat'),
      outMsat: f.out_msat === undefined ? null : int(f.out_msat, 'cln out_msat'),
      feeMsat: f.fee_msat === undefined ? null : int(f.fee_msat, 'cln fee_msat'),
      status,
      failReason:
        typeof f.failreason === 'string'
          ? f.failreason
          : typeof f.failcode === 'number'
            ? `failcode ${f.failcode}`
            : null,
    };
  });
}

// ---------- judgements ----------

export interface ForwardSummary {
  settled: number;
  failed: number;
  localFailed: number;
  offered: number;
  feesSat: number;
  volumeSat: number;
  /** failures by reason, most frequent first */
  failReasons: Array<{ reason: string; count: number }>;
}

/** Forwards received within [from, to] (ms). Fees and volume count settled forwards only. */
export function summarizeForwards(forwards: Forward[], from: number, to: number): ForwardSummary {
  const s: ForwardSummary = {
    settled: 0,
    failed: 0,
    localFailed: 0,
    offered: 0,
    feesSat: 0,
    volumeSat: 0,
    failReasons: [],
  };
  let feeMsat = 0;
  let volumeMsat = 0;
  const reasons = new Map<string, number>();
  for (const f of forwards) {
    if (f.time < from || f.time > to) continue;
    if (f.status === 'settled') {
      s.settled++;
      feeMsat += f.feeMsat ?? 0;
      volumeMsat += f.outMsat ?? 0;
    } else if (f.status === 'offered') s.offered++;
    else {
      if (f.status === 'failed') s.failed++;
      else s.localFailed++;
      const reason = f.failReason ?? f.status;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  s.feesSat = feeMsat / 1000;
  s.volumeSat = volumeMsat / 1000;
  s.failReasons = [...reasons]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return s;
}

/** Peers with at least one open channel and none of them active: the peers that are offline to us. */
export function offlinePeers(channels: ChannelRow[]): string[] {
  const open = channels.filter((c) => c.phase === 'active' || c.phase === 'inactive');
  const online = new Set(open.filter((c) => c.phase === 'active').map((c) => c.peer));
  return [...new Set(open.filter((c) => c.phase === 'inactive' && !online.has(c.peer)).map((c) => c.peer))].sort();
}

/** Active channels whose local share is below `minShare`: little left to send (route out) through them. */
export function lowLiquidity(channels: ChannelRow[], minShare: number): ChannelRow[] {
  return channels.filter((c) => c.phase === 'active' && c.localShare !== null && c.localShare < minShare);
}

export interface SyncVerdict {
  synced: boolean;
  /** bitcoin source height - node height; null without a bitcoin source */
  blocksBehind: number | null;
  reason: string | null;
}

export function judgeSync(info: NodeInfo, bitcoinHeight: number | null, maxBlocksBehind: number): SyncVerdict {
  const behind = bitcoinHeight === null ? null : Math.max(0, bitcoinHeight - info.blockHeight);
  if (!info.syncedToChain)
    return {
      synced: false,
      blocksBehind: behind,
      reason: `${info.implementation} is not synced to chain (${info.warnings.join('; ')})`,
    };
  if (behind !== null && behind >= maxBlocksBehind) {
    return {
      synced: false,
      blocksBehind: behind,
      reason: `block height ${info.blockHeight} is ${behind} blocks behind bitcoind (${bitcoinHeight})`,
    };
  }
  return { synced: true, blocksBehind: behind, reason: null };
}

export interface NodeVerdict {
  healthy: boolean;
  reason: string;
}

const short = (id: string) => (id.length > 16 ? `${id.slice(0, 12)}…` : id);

/** Out of sync, force-closing channels and inactive channels degrade; low liquidity is shown, not a fault. */
export function judgeNode(sync: SyncVerdict, channels: ChannelRow[]): NodeVerdict {
  const problems: string[] = [];
  if (!sync.synced && sync.reason) problems.push(`out of sync: ${sync.reason}`);
  const forced = channels.filter((c) => c.phase === 'force_closing');
  if (forced.length)
    problems.push(
      `${forced.length} channel${forced.length > 1 ? 's' : ''} force-closing (${forced.map((c) => short(c.id)).join(', ')})`
    );
  const inactive = channels.filter((c) => c.phase === 'inactive');
  const offline = offlinePeers(channels);
  if (inactive.length) {
    problems.push(
      `${inactive.length} channel${inactive.length > 1 ? 's' : ''} inactive${offline.length ? ` (peer${offline.length > 1 ? 's' : ''} offline: ${offline.map(short).join(', ')})` : ''}`
    );
  }
  return problems.length
    ? { healthy: false, reason: problems.join('; ') }
    : { healthy: true, reason: 'synced; every channel active' };
}
