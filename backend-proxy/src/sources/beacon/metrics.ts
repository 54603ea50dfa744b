// What a beacon source puts on /metrics. Where ethereum-metrics-exporter has the quantity, its
// name is used: the exporter runs ethpandaops/beacon with the namespace eth_con
// (ethpandaops/ethereum-metrics-exporter@106dda41a373:pkg/exporter/exporter.go:226-229), whose
// jobs name eth_con_sync_* (ethpandaops/beacon@26285c24b648:pkg/beacon/metrics_sync.go:30-81),
// eth_con_node_version{version} and eth_con_peers{state,direction} (metrics_general.go:31-51) and
// eth_con_beacon_finality_checkpoint_epochs{state_id,checkpoint} (metrics_beacon.go:51,130-140,
// 403-413). Ours add the proxy's `source` label (theirs carry `node`). /eth/v1/node/peer_count
// has no direction, so eth_con_peers carries `state` only: sum by state reads both. What the
// exporter has no name for is beacon_*.
import type { MetricFactory } from '../../core/metrics.js';
import {
  PEER_STATES,
  syncPercentage,
  type BehindSide,
  type Finality,
  type HealthState,
  type PeerCount,
  type SyncStatus,
} from './model.js';

const HEALTH_CODES: Record<HealthState, number> = { ready: 200, syncing: 206, not_ready: 503 };

export function beaconMetrics(factory: MetricFactory, source: string) {
  const g = {
    headSlot: factory.gauge('eth_con_sync_head_slot', 'The current slot of the node (/eth/v1/node/syncing head_slot).'),
    distance: factory.gauge('eth_con_sync_distance', 'The sync distance of the node.'),
    isSyncing: factory.gauge('eth_con_sync_is_syncing', '1 if the node is in syncing state.'),
    isOptimistic: factory.gauge('eth_con_sync_is_optimistic', '1 if the node is optimistically syncing.'),
    highest: factory.gauge(
      'eth_con_sync_estimated_highest_slot',
      'The estimated highest slot of the network (head_slot + sync_distance).'
    ),
    percentage: factory.gauge('eth_con_sync_percentage', 'How synced the node is with the network (0-100%).'),
    version: factory.gauge('eth_con_node_version', 'The version of the running beacon node.', ['version']),
    peers: factory.gauge('eth_con_peers', 'Peers of the beacon node by state (/eth/v1/node/peer_count).', ['state']),
    finality: factory.gauge('eth_con_beacon_finality_checkpoint_epochs', 'That epochs of the finality checkpoints.', [
      'state_id',
      'checkpoint',
    ]),
    // ---- no ethereum-metrics-exporter equivalent ----
    elOffline: factory.gauge(
      'beacon_el_offline',
      '1 when the consensus client says its execution client is offline (el_offline)'
    ),
    health: factory.gauge(
      'beacon_health_status_code',
      'HTTP status of /eth/v1/node/health: 200 ready, 206 syncing/optimistic/EL offline, 503 not ready'
    ),
    headAge: factory.gauge('beacon_head_age_seconds', 'Seconds since the start of the head block slot'),
    finalityBehind: factory.gauge(
      'beacon_finality_epochs_behind',
      'Wall-clock epoch minus the finalized epoch (2 while finality works)'
    ),
    behind: factory.gauge(
      'beacon_pair_behind',
      '1 for the side of the consensus/execution pair that is behind (only with executionSource)',
      ['side']
    ),
    healthy: factory.gauge(
      'beacon_healthy',
      '1 when ready, synced, not optimistic, head advancing, finalizing and with peers'
    ),
  };
  let versionLabel: string | null = null;

  return {
    sync(sync: SyncStatus) {
      g.headSlot.set({ source }, sync.headSlot);
      g.distance.set({ source }, sync.syncDistance);
      g.isSyncing.set({ source }, sync.isSyncing ? 1 : 0);
      g.isOptimistic.set({ source }, sync.isOptimistic ? 1 : 0);
      g.highest.set({ source }, sync.headSlot + sync.syncDistance);
      g.percentage.set({ source }, syncPercentage(sync));
      g.elOffline.set({ source }, sync.elOffline ? 1 : 0);
    },
    version(version: string) {
      if (versionLabel !== null && versionLabel !== version) g.version.remove({ source, version: versionLabel });
      versionLabel = version;
      g.version.set({ source, version }, 1);
    },
    peers(peers: PeerCount) {
      for (const state of PEER_STATES) g.peers.set({ source, state }, peers[state]);
    },
    finality(finality: Finality, behind: number | null) {
      g.finality.set({ source, state_id: 'head', checkpoint: 'previous_justified' }, finality.previousJustified.epoch);
      g.finality.set({ source, state_id: 'head', checkpoint: 'justified' }, finality.currentJustified.epoch);
      g.finality.set({ source, state_id: 'head', checkpoint: 'finalized' }, finality.finalized.epoch);
      if (behind !== null) g.finalityBehind.set({ source }, behind);
    },
    health(state: HealthState) {
      g.health.set({ source }, HEALTH_CODES[state]);
    },
    headAge(seconds: number) {
      g.headAge.set({ source }, seconds);
    },
    pair(behind: BehindSide | null) {
      g.behind.set({ source, side: 'consensus' }, behind === 'consensus' ? 1 : 0);
      g.behind.set({ source, side: 'execution' }, behind === 'execution' ? 1 : 0);
    },
    healthy(ok: boolean) {
      g.healthy.set({ source }, ok ? 1 : 0);
    },
  };
}
