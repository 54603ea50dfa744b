// model -> DataFrameJSON for the beacon queries.
import { toFrame, UNITS, type DataFrameJSON } from '@nodescope/shared';
import { one } from '../fields.js';
import {
  PEER_STATES,
  syncPercentage,
  type ChainTiming,
  type Finality,
  type HeadHeader,
  type HealthState,
  type NodeVerdict,
  type PairVerdict,
  type PeerCount,
  type SyncStatus,
} from './model.js';

export interface NodeInfoInput {
  version: string | null;
  health: HealthState | null;
  sync: SyncStatus;
  headAge: number | null;
  peers: PeerCount | null;
  finalizedEpoch: number | null;
  finalityBehind: number | null;
  verdict: NodeVerdict | null;
  executionSource: string | null;
  pair: PairVerdict | null;
  /** why the pair could not be judged (geth unreachable, not configured) */
  pairNote: string | null;
}

const HEALTH_CODE: Record<HealthState, number> = { ready: 200, syncing: 206, not_ready: 503 };

export function nodeInfoFrame(input: NodeInfoInput): DataFrameJSON {
  const frame = toFrame('node.info', [
    one('version', 'string', input.version),
    one('health', 'string', input.health),
    one('health_code', 'number', input.health === null ? null : HEALTH_CODE[input.health], UNITS.none),
    one('head_slot', 'number', input.sync.headSlot, UNITS.none),
    one('head_age', 'number', input.headAge, UNITS.seconds),
    one('sync_distance', 'number', input.sync.syncDistance, UNITS.short),
    one('is_syncing', 'boolean', input.sync.isSyncing),
    one('is_optimistic', 'boolean', input.sync.isOptimistic),
    one('el_offline', 'boolean', input.sync.elOffline),
    one('peers', 'number', input.peers?.connected ?? null, UNITS.short),
    one('finalized_epoch', 'number', input.finalizedEpoch, UNITS.none),
    one('finality_epochs_behind', 'number', input.finalityBehind, UNITS.short),
    one('healthy', 'boolean', input.verdict?.healthy ?? null),
    one('status', 'string', input.verdict?.reason ?? null),
    one('execution_source', 'string', input.executionSource),
    one('behind', 'string', input.pair ? (input.pair.behind ?? 'none') : null),
    one('pair_status', 'string', input.pair?.reason ?? input.pairNote),
  ]);
  if (input.pairNote) frame.schema.meta = { notices: [{ severity: 'info', text: input.pairNote }] };
  return frame;
}

export function syncFrame(
  sync: SyncStatus,
  head: HeadHeader | null,
  timing: ChainTiming | null,
  headAge: number | null,
  wallSlot: number | null
): DataFrameJSON {
  return toFrame('sync.status', [
    one('head_slot', 'number', sync.headSlot, UNITS.none),
    one('head_root', 'string', head?.root ?? null),
    one('head_time', 'time', timing && head ? timing.genesisTime * 1000 + head.slot * timing.slotMs : null),
    one('head_age', 'number', headAge, UNITS.seconds),
    one('wall_slot', 'number', wallSlot, UNITS.none),
    one('slots_behind_clock', 'number', wallSlot === null ? null : Math.max(0, wallSlot - sync.headSlot), UNITS.short),
    one('sync_distance', 'number', sync.syncDistance, UNITS.short),
    one('sync_percentage', 'number', syncPercentage(sync), UNITS.percent, { min: 0, max: 100 }),
    one('is_syncing', 'boolean', sync.isSyncing),
    one('is_optimistic', 'boolean', sync.isOptimistic),
    one('el_offline', 'boolean', sync.elOffline),
  ]);
}

export function finalityFrame(finality: Finality, currentEpoch: number | null): DataFrameJSON {
  const rows = [
    ['previous_justified', finality.previousJustified],
    ['current_justified', finality.currentJustified],
    ['finalized', finality.finalized],
  ] as const;
  return toFrame('finality', [
    { name: 'checkpoint', type: 'string', values: rows.map(([name]) => name) },
    { name: 'epoch', type: 'number', values: rows.map(([, c]) => c.epoch), unit: UNITS.none },
    { name: 'root', type: 'string', values: rows.map(([, c]) => c.root) },
    {
      name: 'epochs_behind',
      type: 'number',
      values: rows.map(([, c]) => (currentEpoch === null ? null : Math.max(0, currentEpoch - c.epoch))),
      unit: UNITS.short,
    },
  ]);
}

export function peersFrame(peers: PeerCount): DataFrameJSON {
  return toFrame('network.peers', [
    { name: 'state', type: 'string', values: [...PEER_STATES] },
    { name: 'peers', type: 'number', values: PEER_STATES.map((s) => peers[s]), unit: UNITS.short },
  ]);
}
