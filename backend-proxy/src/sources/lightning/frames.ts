// model -> DataFrameJSON for the lightning queries.
import { toFrame, UNITS, type DataFrameJSON, type FieldInput } from '@nodescope/shared';
import { one } from '../fields.js';
import type { Balances, ChannelRow, ForwardSummary, NodeInfo, NodeVerdict, SyncVerdict } from './model.js';

/** Grafana has no satoshi unit id; a custom suffix unit renders "1,234 sat". */
export const SAT = 'suffix: sat';

export function nodeInfoFrame(
  info: NodeInfo,
  sync: SyncVerdict,
  verdict: NodeVerdict | null,
  offline: number
): DataFrameJSON {
  return toFrame('node.info', [
    one('implementation', 'string', info.implementation),
    one('alias', 'string', info.alias),
    one('pubkey', 'string', info.pubkey),
    one('version', 'string', info.version),
    one('network', 'string', info.network),
    one('block_height', 'number', info.blockHeight, UNITS.none),
    one('blocks_behind', 'number', sync.blocksBehind, UNITS.short),
    one('best_header_time', 'time', info.bestHeaderTimestamp === null ? null : info.bestHeaderTimestamp * 1000),
    one('synced_to_chain', 'boolean', info.syncedToChain),
    one('synced_to_graph', 'boolean', info.syncedToGraph),
    one('peers', 'number', info.numPeers, UNITS.short),
    one('offline_peers', 'number', offline, UNITS.short),
    one('active_channels', 'number', info.activeChannels, UNITS.short),
    one('inactive_channels', 'number', info.inactiveChannels, UNITS.short),
    one('pending_channels', 'number', info.pendingChannels, UNITS.short),
    one('healthy', 'boolean', verdict?.healthy ?? null),
    one('reason', 'string', verdict?.reason ?? sync.reason),
  ]);
}

export function channelsFrame(channels: ChannelRow[], minLocalShare: number): DataFrameJSON {
  const col = <T>(
    name: string,
    type: FieldInput['type'],
    pick: (c: ChannelRow) => T,
    unit?: string,
    config?: FieldInput['config']
  ): FieldInput => ({
    name,
    type,
    values: channels.map(pick),
    ...(unit ? { unit } : {}),
    ...(config ? { config } : {}),
  });
  return toFrame(
    'channels',
    [
      col('channel', 'string', (c) => c.id),
      col('peer', 'string', (c) => c.peer),
      col('peer_alias', 'string', (c) => c.peerAlias),
      col('phase', 'string', (c) => c.phase),
      col('state', 'string', (c) => c.state),
      col('peer_connected', 'boolean', (c) => c.peerConnected),
      col('capacity', 'number', (c) => c.capacitySat, SAT),
      col('local', 'number', (c) => c.localSat, SAT),
      col('remote', 'number', (c) => c.remoteSat, SAT),
      col('local_share', 'number', (c) => c.localShare, UNITS.percentUnit, { min: 0, max: 1 }),
      col(
        'low_liquidity',
        'boolean',
        (c) => c.phase === 'active' && c.localShare !== null && c.localShare < minLocalShare
      ),
      col('private', 'boolean', (c) => c.private),
      col('initiator', 'boolean', (c) => c.initiator),
      col('pending_htlcs', 'number', (c) => c.pendingHtlcs, UNITS.short),
    ],
    { preferredVisualisationType: 'table' }
  );
}

export function balancesFrame(b: Balances): DataFrameJSON {
  const total = b.channelLocalSat + b.channelRemoteSat;
  return toFrame('balances', [
    one('onchain_confirmed', 'number', b.onchainConfirmedSat, SAT),
    one('onchain_unconfirmed', 'number', b.onchainUnconfirmedSat, SAT),
    one('channel_local', 'number', b.channelLocalSat, SAT),
    one('channel_remote', 'number', b.channelRemoteSat, SAT),
    one('local_share', 'number', total > 0 ? b.channelLocalSat / total : null, UNITS.percentUnit, { min: 0, max: 1 }),
    one('pending_open_local', 'number', b.pendingOpenLocalSat, SAT),
    one('limbo', 'number', b.limboSat, SAT),
  ]);
}

/** failures null: the implementation's read API does not record failed forwards (lnd). */
export function forwardsFrame(s: ForwardSummary, hours: number, failuresKnown: boolean): DataFrameJSON {
  const frame = toFrame('forwards', [
    one('hours', 'number', hours, UNITS.none),
    one('settled', 'number', s.settled, UNITS.short),
    one('fees_earned', 'number', s.feesSat, SAT),
    one('volume', 'number', s.volumeSat, SAT),
    one('failed', 'number', failuresKnown ? s.failed : null, UNITS.short),
    one('local_failed', 'number', failuresKnown ? s.localFailed : null, UNITS.short),
    one('in_flight', 'number', failuresKnown ? s.offered : null, UNITS.short),
    one('top_fail_reason', 'string', s.failReasons[0]?.reason ?? null),
  ]);
  if (!failuresKnown) {
    frame.schema.meta = {
      notices: [
        {
          severity: 'info',
          text: "lnd's forwarding log (ForwardingHistory) records settled forwards only; failed HTLCs are only seen on its event stream (routerrpc SubscribeHtlcEvents)",
        },
      ],
    };
  }
  return frame;
}
