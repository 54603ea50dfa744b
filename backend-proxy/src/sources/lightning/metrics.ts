// What a lightning source puts on /metrics. Where lndmon has a metric for the same quantity, its
// name and labels are used (lightninglabs/lndmon@a6f1e1d97c76: collectors/chain_collector.go:31-49,
// channels_collector.go:78-130 and 356-470, info_collector.go:30, peer_collector.go:38-40,
// wallet_collector.go:68-75), with the proxy's `source` label added, for lnd and Core Lightning
// alike, so dashboards and rules written for lndmon read both. What lndmon has no name for is
// lightning_*.
import type { Gauge } from 'prom-client';
import type { MetricFactory } from '../../core/metrics.js';
import type { Balances, ChannelRow, ForwardSummary, NodeInfo, SyncVerdict } from './model.js';

type ChannelLabel = 'chan_id' | 'status' | 'initiator' | 'peer';

export function lightningMetrics(factory: MetricFactory, source: string) {
  const labels = ['chan_id', 'status', 'initiator', 'peer'] as const;
  const g = {
    info: factory.gauge('lnd_info', 'lnd node info (lndmon); also for Core Lightning', [
      'version',
      'alias',
      'pubkey',
      'implementation',
    ]),
    height: factory.gauge('lnd_chain_block_height', 'best block height from the node'),
    timestamp: factory.gauge('lnd_chain_block_timestamp', 'best block timestamp from the node (lnd only)'),
    synced: factory.gauge(
      'lnd_chain_synced',
      'the node is synced to the chain (cln: no bitcoind/lightningd sync warning)'
    ),
    graphSynced: factory.gauge('lnd_graph_synced', 'the node is synced to the graph (lnd only)'),
    peers: factory.gauge('lnd_peer_count', 'total number of peers'),
    active: factory.gauge('lnd_channels_active_total', 'total number of active channels'),
    inactive: factory.gauge('lnd_channels_inactive_total', 'total number of inactive channels'),
    pending: factory.gauge('lnd_channels_pending_total', 'channels pending open, waiting to close or force closing', [
      'state',
    ]),
    openBalance: factory.gauge('lnd_channels_open_balance_sat', 'total local balance of open channels in satoshis'),
    incoming: factory.gauge(
      'lnd_channels_bandwidth_incoming_sat',
      'remote balance of this channel (what can be received through it)',
      labels
    ),
    outgoing: factory.gauge(
      'lnd_channels_bandwidth_outgoing_sat',
      'local balance of this channel (what can be sent through it)',
      labels
    ),
    htlcs: factory.gauge('lnd_channels_pending_htlc_count', 'pending HTLCs in this channel', labels),
    walletConfirmed: factory.gauge('lnd_wallet_balance_confirmed_sat', 'confirmed on-chain wallet balance in satoshis'),
    walletUnconfirmed: factory.gauge(
      'lnd_wallet_balance_unconfirmed_sat',
      'unconfirmed on-chain wallet balance in satoshis'
    ),
    // ---- no lndmon equivalent ----
    localShare: factory.gauge(
      'lightning_channel_local_share',
      'local / (local + remote) of an active channel, 0-1',
      labels
    ),
    totalShare: factory.gauge('lightning_local_share', 'local / (local + remote) over all open channels, 0-1'),
    offline: factory.gauge('lightning_offline_peers', 'peers with open channels of which none is active'),
    forceClosing: factory.gauge(
      'lightning_force_closing_channels',
      'channels being force-closed (ours or theirs) until swept'
    ),
    behind: factory.gauge(
      'lightning_blocks_behind',
      'bitcoin source height minus the node block height (only with bitcoinSource)'
    ),
    fees: factory.gauge(
      'lightning_forward_fees_sat',
      'routing fees earned by settled forwards within the configured window',
      ['window']
    ),
    forwards: factory.gauge(
      'lightning_forwards',
      'forwards received within the configured window by status (cln; lnd: settled only)',
      ['window', 'status']
    ),
    healthy: factory.gauge('lightning_healthy', '1 when synced, no channel force-closing and every channel active'),
  };
  /** per-channel series written last time, so a closed channel's series go away */
  const written = new Map<Gauge<ChannelLabel | 'source'>, Array<Record<ChannelLabel | 'source', string>>>();
  let infoLabels: Record<string, string> | null = null;

  return {
    info(info: NodeInfo, sync: SyncVerdict) {
      const next = {
        source,
        version: info.version,
        alias: info.alias,
        pubkey: info.pubkey,
        implementation: info.implementation,
      };
      if (infoLabels && JSON.stringify(infoLabels) !== JSON.stringify(next)) g.info.remove(infoLabels);
      infoLabels = next;
      g.info.set(next, 1);
      g.height.set({ source }, info.blockHeight);
      if (info.bestHeaderTimestamp !== null) g.timestamp.set({ source }, info.bestHeaderTimestamp);
      g.synced.set({ source }, info.syncedToChain ? 1 : 0);
      if (info.syncedToGraph !== null) g.graphSynced.set({ source }, info.syncedToGraph ? 1 : 0);
      g.peers.set({ source }, info.numPeers);
      if (sync.blocksBehind !== null) g.behind.set({ source }, sync.blocksBehind);
    },
    channels(channels: ChannelRow[], offlinePeers: number) {
      const open = channels.filter((c) => c.phase === 'active' || c.phase === 'inactive');
      g.active.set({ source }, open.filter((c) => c.phase === 'active').length);
      g.inactive.set({ source }, open.filter((c) => c.phase === 'inactive').length);
      // lndmon's three states (channels_collector.go:456-470); cln's cooperative closes count as waiting_close
      g.pending.set({ source, state: 'pending_open' }, channels.filter((c) => c.phase === 'pending_open').length);
      g.pending.set(
        { source, state: 'waiting_close' },
        channels.filter((c) => c.phase === 'waiting_close' || c.phase === 'closing').length
      );
      g.pending.set(
        { source, state: 'pending_force_close' },
        channels.filter((c) => c.phase === 'force_closing').length
      );
      g.forceClosing.set({ source }, channels.filter((c) => c.phase === 'force_closing').length);
      g.openBalance.set(
        { source },
        open.reduce((a, c) => a + c.localSat, 0)
      );
      const local = open.reduce((a, c) => a + c.localSat, 0);
      const remote = open.reduce((a, c) => a + c.remoteSat, 0);
      if (local + remote > 0) g.totalShare.set({ source }, local / (local + remote));
      g.offline.set({ source }, offlinePeers);
      const series = (gauge: Gauge<ChannelLabel | 'source'>, rows: ChannelRow[], value: (c: ChannelRow) => number) => {
        for (const old of written.get(gauge) ?? []) gauge.remove(old);
        const now = rows.map((c) => ({
          source,
          chan_id: c.id,
          status: c.phase,
          initiator: String(c.initiator ?? false),
          peer: c.peer,
        }));
        rows.forEach((c, i) => gauge.set(now[i]!, value(c)));
        written.set(gauge, now);
      };
      series(g.incoming, open, (c) => c.remoteSat);
      series(g.outgoing, open, (c) => c.localSat);
      series(g.htlcs, open, (c) => c.pendingHtlcs);
      const measured = open.filter((c) => c.phase === 'active' && c.localShare !== null);
      series(g.localShare, measured, (c) => c.localShare ?? 0);
    },
    balances(b: Balances) {
      g.walletConfirmed.set({ source }, b.onchainConfirmedSat);
      g.walletUnconfirmed.set({ source }, b.onchainUnconfirmedSat);
    },
    forwards(s: ForwardSummary, hours: number, failuresKnown: boolean) {
      const window = `${hours}h`;
      g.fees.set({ source, window }, s.feesSat);
      g.forwards.set({ source, window, status: 'settled' }, s.settled);
      if (failuresKnown) {
        g.forwards.set({ source, window, status: 'failed' }, s.failed);
        g.forwards.set({ source, window, status: 'local_failed' }, s.localFailed);
        g.forwards.set({ source, window, status: 'offered' }, s.offered);
      }
    },
    healthy(ok: boolean) {
      g.healthy.set({ source }, ok ? 1 : 0);
    },
  };
}
