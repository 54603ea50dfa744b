// Pure: the standard Beacon API's answers (ethereum/beacon-APIs@7a58b5a44ceb, the same for
// Lighthouse, Prysm, Teku, Nimbus and Lodestar) into plain numbers, and what they mean for an
// operator. Every integer on that API is a Uint64 sent as a decimal string
// (types/primitive.yaml:37-39), so a JSON number is refused as malformed rather than guessed at.
import { UpstreamError } from '../types.js';

const UINT64 = /^(0|[1-9]\d*)$/;

/** A Beacon API Uint64 (decimal string) as a number; slots and epochs stay far below 2^53. */
export function uint64(value: unknown, what: string): number {
  if (typeof value !== 'string' || !UINT64.test(value)) {
    throw new UpstreamError(
      `beacon ${what}: expected a decimal string (Uint64), got ${JSON.stringify(value)?.slice(0, 40)}`,
      'malformed'
    );
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new UpstreamError(`beacon ${what}: ${value} is beyond 2^53`, 'malformed');
  return n;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UpstreamError(`beacon ${what}: expected an object`, 'malformed');
  return value as Record<string, unknown>;
}

function bool(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean')
    throw new UpstreamError(
      `beacon ${what}: expected a boolean, got ${JSON.stringify(value)?.slice(0, 40)}`,
      'malformed'
    );
  return value;
}

/** Every answer but health wraps its payload in `data`. */
function data(raw: unknown, what: string): Record<string, unknown> {
  return record(record(raw, what).data, `${what} data`);
}

export interface SyncStatus {
  /** the head slot the node is trying to reach */
  headSlot: number;
  /** slots to process to reach head; 0 when synced */
  syncDistance: number;
  isSyncing: boolean;
  isOptimistic: boolean;
  elOffline: boolean;
}

/** GET /eth/v1/node/syncing (apis/node/syncing.yaml:18-36): all five fields are required. */
export function parseSyncing(raw: unknown): SyncStatus {
  const d = data(raw, 'node/syncing');
  return {
    headSlot: uint64(d.head_slot, 'syncing.head_slot'),
    syncDistance: uint64(d.sync_distance, 'syncing.sync_distance'),
    isSyncing: bool(d.is_syncing, 'syncing.is_syncing'),
    isOptimistic: bool(d.is_optimistic, 'syncing.is_optimistic'),
    elOffline: bool(d.el_offline, 'syncing.el_offline'),
  };
}

export const PEER_STATES = ['connected', 'connecting', 'disconnected', 'disconnecting'] as const;
export type PeerState = (typeof PEER_STATES)[number];
export type PeerCount = Record<PeerState, number>;

/** GET /eth/v1/node/peer_count (apis/node/peer_count.yaml:17-32). */
export function parsePeerCount(raw: unknown): PeerCount {
  const d = data(raw, 'node/peer_count');
  const out = {} as PeerCount;
  for (const state of PEER_STATES) out[state] = uint64(d[state], `peer_count.${state}`);
  return out;
}

/** GET /eth/v1/node/version (apis/node/version.yaml:18-23): a User-Agent-like string. */
export function parseVersion(raw: unknown): string {
  const version = data(raw, 'node/version').version;
  if (typeof version !== 'string') throw new UpstreamError('beacon node/version: version is not a string', 'malformed');
  return version;
}

export interface HeadHeader {
  slot: number;
  root: string;
  proposerIndex: number;
  /** the head's execution payload is not yet verified by the execution client */
  executionOptimistic: boolean;
}

/** GET /eth/v1/beacon/headers/head (apis/beacon/blocks/header.yaml:18-35, types/phase0/block.yaml:2-18). */
export function parseHeader(raw: unknown): HeadHeader {
  const top = record(raw, 'headers/head');
  const d = data(raw, 'headers/head');
  const message = record(record(d.header, 'header').message, 'header.message');
  return {
    slot: uint64(message.slot, 'header.slot'),
    root: typeof d.root === 'string' ? d.root : '',
    proposerIndex: uint64(message.proposer_index, 'header.proposer_index'),
    // "If the field is not present, assume the False value" (types/primitive.yaml:56)
    executionOptimistic: top.execution_optimistic === true,
  };
}

export interface Checkpoint {
  epoch: number;
  root: string;
}
export interface Finality {
  previousJustified: Checkpoint;
  currentJustified: Checkpoint;
  finalized: Checkpoint;
}

/**
 * GET /eth/v1/beacon/states/head/finality_checkpoints (apis/beacon/states/finality_checkpoints.yaml:
 * 27-36, types/misc.yaml:13-21). Before finality, epoch 0 and the zero hash (line 6).
 */
export function parseFinality(raw: unknown): Finality {
  const d = data(raw, 'finality_checkpoints');
  const cp = (value: unknown, what: string): Checkpoint => {
    const c = record(value, what);
    return { epoch: uint64(c.epoch, `${what}.epoch`), root: typeof c.root === 'string' ? c.root : '' };
  };
  return {
    previousJustified: cp(d.previous_justified, 'previous_justified'),
    currentJustified: cp(d.current_justified, 'current_justified'),
    finalized: cp(d.finalized, 'finalized'),
  };
}

/** What the wall clock needs: genesis and slot timing. */
export interface ChainTiming {
  /** unix seconds (apis/beacon/genesis.yaml:22, types/primitive.yaml:26-29) */
  genesisTime: number;
  slotMs: number;
  slotsPerEpoch: number;
  /** epochs without finality before the inactivity leak (phase0 preset; 4 on every network) */
  leakEpochs: number;
}

export function parseGenesisTime(raw: unknown): number {
  return uint64(data(raw, 'beacon/genesis').genesis_time, 'genesis.genesis_time');
}

/**
 * GET /eth/v1/config/spec (apis/config/spec.yaml:10-13: numbers as quoted integers). The slot
 * length is SLOT_DURATION_MS in current configs, SECONDS_PER_SLOT in older ones (consensus-specs
 * configs/mainnet.yaml had `SECONDS_PER_SLOT: 12`; clients that know both prefer SLOT_DURATION_MS).
 */
export function parseSpec(raw: unknown, genesisTime: number): ChainTiming {
  const d = data(raw, 'config/spec');
  const slotMs =
    d.SLOT_DURATION_MS !== undefined
      ? uint64(d.SLOT_DURATION_MS, 'spec.SLOT_DURATION_MS')
      : uint64(d.SECONDS_PER_SLOT, 'spec.SECONDS_PER_SLOT') * 1000;
  if (slotMs <= 0) throw new UpstreamError('beacon config/spec: slot duration is 0', 'malformed');
  const slotsPerEpoch = uint64(d.SLOTS_PER_EPOCH, 'spec.SLOTS_PER_EPOCH');
  if (slotsPerEpoch <= 0) throw new UpstreamError('beacon config/spec: SLOTS_PER_EPOCH is 0', 'malformed');
  const leakEpochs =
    d.MIN_EPOCHS_TO_INACTIVITY_PENALTY !== undefined
      ? uint64(d.MIN_EPOCHS_TO_INACTIVITY_PENALTY, 'spec.MIN_EPOCHS_TO_INACTIVITY_PENALTY')
      : 4;
  return { genesisTime, slotMs, slotsPerEpoch, leakEpochs };
}

/** The slot the wall clock is in (null before genesis). */
export function wallSlot(timing: ChainTiming, nowMs: number): number | null {
  const since = nowMs - timing.genesisTime * 1000;
  return since < 0 ? null : Math.floor(since / timing.slotMs);
}

/** Seconds since the start of the head's slot (never negative: clocks drift). */
export function headAgeSeconds(timing: ChainTiming, slot: number, nowMs: number): number {
  return Math.max(0, (nowMs - (timing.genesisTime * 1000 + slot * timing.slotMs)) / 1000);
}

/**
 * Epochs the finalized checkpoint trails the wall clock's epoch. With finality working it is 2:
 * the previous epoch is justified and the one before it finalized.
 */
export function finalityEpochsBehind(timing: ChainTiming, finalizedEpoch: number, nowMs: number): number | null {
  const slot = wallSlot(timing, nowMs);
  if (slot === null) return null;
  return Math.max(0, Math.floor(slot / timing.slotsPerEpoch) - finalizedEpoch);
}

/** ethereum-metrics-exporter's sync percentage (ethpandaops/beacon pkg/beacon/metrics_sync.go:105-118). */
export function syncPercentage(sync: SyncStatus): number {
  if (!sync.isSyncing) return 100;
  const highest = sync.headSlot + sync.syncDistance;
  return highest > 0 ? (sync.headSlot / highest) * 100 : 0;
}

/** GET /eth/v1/node/health's status (apis/node/health.yaml:16-24). */
export type HealthState = 'ready' | 'syncing' | 'not_ready';

export function healthState(status: number): HealthState {
  if (status === 200) return 'ready';
  // "Either the beacon node is syncing, or its execution node is optimistic or offline"
  if (status === 206) return 'syncing';
  // "Node not initialized or having issues"
  if (status === 503) return 'not_ready';
  throw new UpstreamError(`beacon node/health: HTTP ${status} is none of 200/206/503`, status);
}

export interface BeaconLimits {
  headStallSeconds: number;
  minPeers: number;
  /** unset: the node's own MIN_EPOCHS_TO_INACTIVITY_PENALTY */
  maxFinalityEpochs?: number | undefined;
}

export interface BeaconView {
  health: HealthState;
  sync: SyncStatus;
  /** null: genesis or spec not read, so the head's age is unknown (no stall judged) */
  headAge: number | null;
  /** null: no finality checkpoint read */
  finalityBehind: number | null;
  leakEpochs: number;
  peers: number | null;
}

export interface NodeVerdict {
  healthy: boolean;
  reason: string;
}

/** The consensus client on its own: worst first. */
export function judgeNode(view: BeaconView, limits: BeaconLimits): NodeVerdict {
  const { sync } = view;
  if (view.health === 'not_ready')
    return { healthy: false, reason: 'not ready: /eth/v1/node/health answers 503 (not initialized or having issues)' };
  if (sync.elOffline)
    return { healthy: false, reason: 'execution client offline per the consensus client (el_offline)' };
  if (sync.isSyncing) return { healthy: false, reason: `syncing: ${sync.syncDistance} slots to go` };
  if (sync.isOptimistic)
    return { healthy: false, reason: 'optimistic: the head is not yet verified by the execution client' };
  if (view.headAge !== null && view.headAge > limits.headStallSeconds)
    return { healthy: false, reason: `head is ${Math.round(view.headAge)} s old: stalled` };
  const maxBehind = limits.maxFinalityEpochs ?? view.leakEpochs;
  if (view.finalityBehind !== null && view.finalityBehind > maxBehind) {
    return {
      healthy: false,
      reason: `no finality for ${view.finalityBehind} epochs (more than ${maxBehind}: inactivity leak)`,
    };
  }
  if (view.peers !== null && view.peers < limits.minPeers)
    return { healthy: false, reason: `${view.peers} peers (minimum ${limits.minPeers})` };
  return {
    healthy: true,
    reason:
      view.finalityBehind === null
        ? 'following the chain'
        : `following the chain; finalized ${view.finalityBehind} epochs back`,
  };
}

/** The paired execution client as the geth source reads it. */
export interface ExecutionView {
  /** eth_syncing reports blocks still to import */
  syncing: boolean;
  headNumber: number;
  /** seconds since the latest block's timestamp */
  headAge: number;
}

export type BehindSide = 'consensus' | 'execution';
export interface PairVerdict {
  /** null: both in step */
  behind: BehindSide | null;
  reason: string;
}

/**
 * Which side of the pair is behind. Post-Merge the consensus client drives the execution client
 * (engine API), so a stalled geth with an advancing beacon head points at geth, while a geth that
 * says it is synced beside a syncing beacon node points at the consensus client.
 */
export function judgePair(
  view: BeaconView,
  execution: ExecutionView,
  limits: { headStallSeconds: number; executionStallSeconds: number }
): PairVerdict {
  const { sync } = view;
  const gethAge = Math.round(execution.headAge);
  if (sync.elOffline)
    return { behind: 'execution', reason: 'execution client offline per the consensus client (el_offline)' };
  if (sync.isSyncing && !execution.syncing) {
    return {
      behind: 'consensus',
      reason: `consensus client syncing (${sync.syncDistance} slots to go) while geth says it is synced`,
    };
  }
  const beaconAge = Math.round(view.headAge ?? 0);
  const beaconStalled = view.headAge !== null && view.headAge > limits.headStallSeconds;
  const gethStalled = execution.headAge > limits.executionStallSeconds;
  if (gethStalled && !beaconStalled && !sync.isSyncing) {
    return {
      behind: 'execution',
      reason: `geth's head (block ${execution.headNumber}) is ${gethAge} s old while the consensus client's head advances: geth is behind`,
    };
  }
  if (beaconStalled && !gethStalled && !execution.syncing) {
    return {
      behind: 'consensus',
      reason: `the consensus client's head is ${beaconAge} s old while geth's advances: the consensus client is behind`,
    };
  }
  if (gethStalled && beaconStalled) {
    return {
      behind: 'consensus',
      reason: `both heads stalled (beacon ${beaconAge} s, geth ${gethAge} s): the consensus client is not following the chain`,
    };
  }
  if (execution.syncing && !sync.isSyncing) {
    return {
      behind: 'execution',
      reason: `geth is syncing while the consensus client is at the head${sync.isOptimistic ? ' (optimistically)' : ''}`,
    };
  }
  if (sync.isOptimistic)
    return {
      behind: 'execution',
      reason: 'the consensus client follows the head optimistically: geth has not verified it yet',
    };
  return { behind: null, reason: 'in step' };
}
