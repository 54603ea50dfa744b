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

const healthSchema = z.looseObject({
  difference_from_max_peer: uint,
  max_stacks_height_of_neighbors: uint,
  max_stacks_neighbor_address: z.string().nullable().optional(),
  node_stacks_tip_height: uint,
});
export type StacksHealth = z.infer<typeof healthSchema>;

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
 * told from a quiet one and tenure changes can become annotations.
 */
export class TipTracker {
  private height: number | null = null;
  private changedAt: number | null = null;
  private tenure: number | null = null;
  readonly tenures: Array<{ time: number; tenureHeight: number; burnHeight: number; stacksHeight: number }> = [];

  constructor(private readonly maxTenures = 500) {}

  observe(info: StacksInfo, now: number): void {
    if (info.stacks_tip_height !== this.height) {
      this.height = info.stacks_tip_height;
      this.changedAt = now;
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
