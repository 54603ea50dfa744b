// Pure: turns the node's and signer's payloads into the values the frames and metrics need.
// Field names are stacks-core's own (RPCPeerInfoData, RPCNeighborsInfo, RPCGetHealthResponse).
import { z } from 'zod';
import { sampleValue, type MetricFamily } from '../../core/prometheusText.js';
import { UpstreamError } from '../types.js';

const uint = z.number().int().nonnegative();

const infoSchema = z.looseObject({
  peer_version: uint,
  pox_consensus: z.string(),
  burn_block_height: uint,
  stable_pox_consensus: z.string(),
  stable_burn_block_height: uint,
  server_version: z.string(),
  network_id: uint,
  parent_network_id: uint,
  stacks_tip_height: uint,
  stacks_tip: z.string(),
  stacks_tip_consensus_hash: z.string(),
  genesis_chainstate_hash: z.string(),
  unanchored_tip: z.string().nullable().optional(),
  unanchored_seq: uint.nullable().optional(),
  // Option<u64> since Nakamoto (coinbase height); absent on 2.x nodes
  tenure_height: uint.nullable().optional(),
  exit_at_block_height: uint.nullable().optional(),
  // added in 2.5; absent on older nodes
  is_fully_synced: z.boolean().optional(),
  node_public_key_hash: z.string().optional(),
});
export type StacksInfo = z.infer<typeof infoSchema>;

const neighborSchema = z.looseObject({
  network_id: uint,
  peer_version: uint,
  ip: z.string(),
  port: uint,
  public_key_hash: z.string(),
  authenticated: z.boolean(),
  stackerdbs: z.array(z.string()).nullable().optional(),
  age: uint.nullable().optional(),
});
const neighborsSchema = z.looseObject({
  bootstrap: z.array(neighborSchema).default([]),
  sample: z.array(neighborSchema),
  inbound: z.array(neighborSchema),
  outbound: z.array(neighborSchema),
});

// RPCGetHealthResponse: max_stacks_neighbor_address only from 3.2.0.0.2
// (stacks-network/stacks-core@3.2.0.0.1:stackslib/src/net/api/gethealth.rs:40 has three fields,
// @3.3.0.0.6:stackslib/src/net/api/gethealth.rs:33-39 adds the Option<String>)
const healthSchema = z.looseObject({
  difference_from_max_peer: uint,
  max_stacks_height_of_neighbors: uint,
  max_stacks_neighbor_address: z.string().nullable().optional(),
  node_stacks_tip_height: uint,
});
export type StacksHealth = z.infer<typeof healthSchema>;

/** /v3/health as read: the health, or the message of a node that could not determine it. */
export type HealthReading = { kind: 'ok'; health: StacksHealth } | { kind: 'unavailable'; message: string };

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UpstreamError(`stacks ${what}: unexpected payload (${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'})`, 'malformed');
  }
  return result.data;
}

export const parseInfo = (value: unknown): StacksInfo => parseWith(infoSchema, value, '/v2/info');
export const parseHealth = (value: unknown): StacksHealth => parseWith(healthSchema, value, '/v3/health');

export const NEIGHBOR_DIRECTIONS = ['inbound', 'outbound', 'sample', 'bootstrap'] as const;
export type NeighborDirection = (typeof NEIGHBOR_DIRECTIONS)[number];

export interface NeighborRow {
  direction: NeighborDirection;
  ip: string;
  port: number;
  networkId: number;
  peerVersion: number;
  publicKeyHash: string;
  authenticated: boolean;
  stackerdbs: number;
  /** seconds the conversation has been open (inbound/outbound only) */
  ageSeconds: number | null;
}

export function parseNeighbors(value: unknown): NeighborRow[] {
  const parsed = parseWith(neighborsSchema, value, '/v2/neighbors');
  return NEIGHBOR_DIRECTIONS.flatMap((direction) =>
    parsed[direction].map((n) => ({
      direction,
      ip: n.ip,
      port: n.port,
      networkId: n.network_id,
      peerVersion: n.peer_version,
      publicKeyHash: n.public_key_hash,
      authenticated: n.authenticated,
      stackerdbs: n.stackerdbs?.length ?? 0,
      ageSeconds: n.age ?? null,
    }))
  );
}

export function neighborCounts(rows: NeighborRow[]): Record<NeighborDirection, number> {
  const counts = { inbound: 0, outbound: 0, sample: 0, bootstrap: 0 };
  for (const row of rows) counts[row.direction]++;
  return counts;
}

export interface SignerStatus {
  stacksNodeHeight: number | null;
  rewardCycle: number | null;
  stxBalance: number | null;
  nonce: number | null;
  proposalsReceived: number | null;
  responsesAccepted: number | null;
  responsesRejected: number | null;
  validationsAccepted: number | null;
  validationsRejected: number | null;
  preCommitsSent: number | null;
  /** share of block responses that were rejections, 0..1 */
  rejectionRatio: number | null;
}

/** Reads the stacks_signer_* families (stacks-signer/src/monitoring/prometheus.rs). */
export function signerStatus(families: Map<string, MetricFamily>): SignerStatus {
  const v = (name: string, match?: Record<string, string>) => sampleValue(families, name, match) ?? null;
  const accepted = v('stacks_signer_block_responses_sent', { response_type: 'accepted' });
  const rejected = v('stacks_signer_block_responses_sent', { response_type: 'rejected' });
  const total = (accepted ?? 0) + (rejected ?? 0);
  return {
    stacksNodeHeight: v('stacks_signer_stacks_node_height'),
    rewardCycle: v('stacks_signer_current_reward_cycle'),
    stxBalance: v('stacks_signer_stx_balance'),
    nonce: v('stacks_signer_nonce'),
    proposalsReceived: v('stacks_signer_block_proposals_received'),
    responsesAccepted: accepted,
    responsesRejected: rejected,
    validationsAccepted: v('stacks_signer_block_validation_responses', { response_type: 'accepted' }),
    validationsRejected: v('stacks_signer_block_validation_responses', { response_type: 'rejected' }),
    preCommitsSent: v('stacks_signer_block_pre_commits_sent'),
    rejectionRatio: total > 0 ? (rejected ?? 0) / total : null,
  };
}

/** A signer that exposes none of its own families is not a stacks-signer (wrong port?). */
export function looksLikeSigner(families: MetricFamily[]): boolean {
  return families.some((f) => f.name.startsWith('stacks_signer_'));
}

/**
 * Remembers when the Stacks tip last moved and every tenure change seen, so a stalled tip can be
 * told from a quiet one and tenure changes can become annotations. It also keeps when each height
 * was first seen, so the signer's older view of the node can be dated (signerLag).
 */
export class TipTracker {
  private height: number | null = null;
  private changedAt: number | null = null;
  private tenure: number | null = null;
  readonly tenures: Array<{ time: number; tenureHeight: number; burnHeight: number; stacksHeight: number }> = [];
  private readonly seen: Array<{ height: number; at: number }> = [];

  constructor(
    private readonly maxTenures = 500,
    private readonly maxSeen = 1_000
  ) {}

  observe(info: StacksInfo, now: number): void {
    if (info.stacks_tip_height !== this.height) {
      this.height = info.stacks_tip_height;
      this.changedAt = now;
      this.seen.push({ height: info.stacks_tip_height, at: now });
      if (this.seen.length > this.maxSeen) this.seen.shift();
    }
    const tenure = info.tenure_height ?? null;
    if (tenure !== null && tenure !== this.tenure) {
      if (this.tenure !== null) {
        this.tenures.push({ time: now, tenureHeight: tenure, burnHeight: info.burn_block_height, stacksHeight: info.stacks_tip_height });
        if (this.tenures.length > this.maxTenures) this.tenures.shift();
      }
      this.tenure = tenure;
    }
  }

  /** ms since the tip last changed, as far as we have watched it */
  tipAgeMs(now: number): number | null {
    return this.changedAt === null ? null : now - this.changedAt;
  }

  /**
   * When the tip was first seen above `height` (null: not above it now). When it was already above
   * at the first observation, that observation's time: a lower bound of how long it has been.
   */
  passedAt(height: number): number | null {
    if (this.height === null || this.height <= height) return null;
    for (const entry of this.seen) if (entry.height > height) return entry.at;
    return null;
  }
}

/**
 * stacks-signer refreshes stacks_signer_stacks_node_height (and its other node-derived gauges)
 * only when more than 60 whole seconds passed since its last refresh, checked at the top of its
 * metrics server loop, i.e. right after it answered a request: the value a scrape gets was taken
 * at the end of an earlier request (stacks-network/stacks-core@3.3.0.0.6:
 * stacks-signer/src/monitoring/server.rs:118-122 refresh_metrics() before recv(), :176
 * `duration_since(last_metrics_poll).as_secs() > 60`, :186-188 the height from the node's /v2/info).
 * With Nakamoto blocks every few seconds the signer's height therefore trails the node's tip by a
 * minute of blocks while all is well, so a block gap says nothing; how long ago the node passed
 * the signer's height does.
 */
export const SIGNER_REFRESH_SECONDS = 61;

export interface SignerLag {
  /** node tip minus the signer's reported height (normal: up to a minute of blocks) */
  gapBlocks: number | null;
  /** seconds since the node's tip passed the height the signer reports; 0 when not behind */
  behindSeconds: number | null;
  /** the most a healthy signer's view can trail: refresh period + two of our polls + RPC slack */
  allowanceSeconds: number;
  /** behind for longer than the signer's refresh rule allows: stuck, or its node is behind ours */
  stale: boolean | null;
}

export function signerLag(signerHeight: number | null, tracker: TipTracker, nodeTipHeight: number | null, now: number, pollSeconds: number): SignerLag {
  // a value served at request k was refreshed after request k-1 at the latest once 61 s passed,
  // so it is at most 61 s + two request intervals old (our polls; other scrapers only shorten it)
  const allowanceSeconds = SIGNER_REFRESH_SECONDS + 2 * pollSeconds + 5;
  if (signerHeight === null || nodeTipHeight === null) return { gapBlocks: null, behindSeconds: null, allowanceSeconds, stale: null };
  const passed = tracker.passedAt(signerHeight);
  const behindSeconds = passed === null ? 0 : Math.max(0, (now - passed) / 1000);
  return { gapBlocks: nodeTipHeight - signerHeight, behindSeconds, allowanceSeconds, stale: behindSeconds > allowanceSeconds };
}

export interface BurnLag {
  bitcoinHeight: number | null;
  /** bitcoin height minus the node's burn_block_height; null without a bitcoin source */
  lag: number | null;
  note: string | null;
}

export function burnLag(burnBlockHeight: number, bitcoinHeight: number | null, note: string | null = null): BurnLag {
  return { bitcoinHeight, lag: bitcoinHeight === null ? null : bitcoinHeight - burnBlockHeight, note };
}
