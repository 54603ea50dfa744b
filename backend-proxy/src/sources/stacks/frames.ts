// model -> DataFrameJSON. Field names are snake_case as the node names them, so a panel title and
// the node's own docs read alike.
import { recordFrame, toFrame, UNITS, type DataFrameJSON } from '@nodescope/shared';
import type { StacksLogLine } from './logParse.js';
import type { BurnLag, HealthReading, NeighborRow, SignerLag, SignerStatus, StacksInfo } from './model.js';
import type { SignerDuty } from './signerWatch.js';

export function nodeInfoFrame(
  info: StacksInfo,
  reading: HealthReading | null,
  lag: BurnLag,
  tipAgeMs: number | null,
  neighbors: { inbound: number; outbound: number } | null
): DataFrameJSON {
  const health = reading?.kind === 'ok' ? reading.health : null;
  const frame = recordFrame(
    'node.info',
    {
      server_version: info.server_version,
      network_id: info.network_id,
      peer_version: info.peer_version,
      stacks_tip_height: info.stacks_tip_height,
      stacks_tip: info.stacks_tip,
      stacks_tip_consensus_hash: info.stacks_tip_consensus_hash,
      tenure_height: info.tenure_height ?? null,
      burn_block_height: info.burn_block_height,
      stable_burn_block_height: info.stable_burn_block_height,
      pox_consensus: info.pox_consensus,
      is_fully_synced: info.is_fully_synced ?? null,
      tip_age: tipAgeMs === null ? null : tipAgeMs / 1000,
      bitcoin_height: lag.bitcoinHeight,
      burn_block_lag: lag.lag,
      difference_from_max_peer: health?.difference_from_max_peer ?? null,
      max_stacks_height_of_neighbors: health?.max_stacks_height_of_neighbors ?? null,
      // the node's own reason when /v3/health could not tell (3.1.0.0.13 to 3.2.0.0.1: HTTP 500)
      health_message: reading?.kind === 'unavailable' ? reading.message : null,
      neighbors_inbound: neighbors?.inbound ?? null,
      neighbors_outbound: neighbors?.outbound ?? null,
    },
    { tip_age: UNITS.seconds, burn_block_lag: UNITS.short, difference_from_max_peer: UNITS.short }
  );
  // recordFrame types a null as string; these are numbers (or a boolean) when present
  for (const field of frame.schema.fields) {
    if (NUMERIC_INFO_FIELDS.has(field.name)) field.type = 'number';
    if (field.name === 'is_fully_synced') field.type = 'boolean';
  }
  const notices: Array<{ severity: 'info' | 'warning'; text: string }> = [];
  if (lag.note) notices.push({ severity: 'warning', text: lag.note });
  if (reading?.kind === 'unavailable') notices.push({ severity: 'info', text: `the node could not determine its health (/v3/health): ${reading.message}` });
  if (notices.length > 0) frame.schema.meta = { notices };
  return frame;
}

const NUMERIC_INFO_FIELDS = new Set([
  'tenure_height',
  'tip_age',
  'bitcoin_height',
  'burn_block_lag',
  'difference_from_max_peer',
  'max_stacks_height_of_neighbors',
  'neighbors_inbound',
  'neighbors_outbound',
]);

export function neighborsFrame(rows: NeighborRow[]): DataFrameJSON {
  return toFrame(
    'node.neighbors',
    [
      { name: 'direction', type: 'string', values: rows.map((r) => r.direction) },
      { name: 'ip', type: 'string', values: rows.map((r) => r.ip) },
      { name: 'port', type: 'number', values: rows.map((r) => r.port) },
      { name: 'public_key_hash', type: 'string', values: rows.map((r) => r.publicKeyHash) },
      { name: 'authenticated', type: 'boolean', values: rows.map((r) => r.authenticated) },
      { name: 'network_id', type: 'number', values: rows.map((r) => r.networkId) },
      { name: 'peer_version', type: 'number', values: rows.map((r) => r.peerVersion) },
      { name: 'stackerdbs', type: 'number', values: rows.map((r) => r.stackerdbs) },
      { name: 'age', type: 'number', unit: UNITS.seconds, values: rows.map((r) => r.ageSeconds) },
    ],
    { preferredVisualisationType: 'table' }
  );
}

export function signerFrame(status: SignerStatus, lag: SignerLag, duty: SignerDuty | null = null): DataFrameJSON {
  const frame = toFrame('signer.status', [
    { name: 'stacks_node_height', type: 'number', values: [status.stacksNodeHeight] },
    // the signer refreshes its view of the node once a minute (model.ts signerLag): a block gap
    // up to a minute of blocks is normal; behind_seconds beyond the allowance is not
    { name: 'node_height_gap', type: 'number', values: [lag.gapBlocks] },
    { name: 'behind_seconds', type: 'number', unit: UNITS.seconds, values: [lag.behindSeconds] },
    { name: 'behind_allowance', type: 'number', unit: UNITS.seconds, values: [lag.allowanceSeconds] },
    { name: 'signer_view_stale', type: 'boolean', values: [lag.stale] },
    { name: 'current_reward_cycle', type: 'number', values: [status.rewardCycle] },
    // micro-STX as the signer reports it; shown in STX
    { name: 'stx_balance', type: 'number', values: [status.stxBalance === null ? null : status.stxBalance / 1_000_000], config: { displayName: 'STX balance', decimals: 6 } },
    { name: 'nonce', type: 'number', values: [status.nonce] },
    { name: 'block_proposals_received', type: 'number', values: [status.proposalsReceived] },
    { name: 'block_responses_accepted', type: 'number', values: [status.responsesAccepted] },
    { name: 'block_responses_rejected', type: 'number', values: [status.responsesRejected] },
    { name: 'block_validations_accepted', type: 'number', values: [status.validationsAccepted] },
    { name: 'block_validations_rejected', type: 'number', values: [status.validationsRejected] },
    { name: 'block_pre_commits_sent', type: 'number', values: [status.preCommitsSent] },
    { name: 'rejection_ratio', type: 'number', unit: UNITS.percentUnit, values: [status.rejectionRatio] },
    // what the alerts watch (signerWatch.ts): registration from the signer's log, the recent window
    // of responses from its counters, log events counted since the proxy started
    { name: 'registered', type: 'boolean', values: [duty?.registration?.registered ?? null] },
    { name: 'registered_cycle', type: 'number', values: [duty?.registration?.cycle ?? null] },
    { name: 'registered_for_next', type: 'boolean', values: [duty?.registration?.registeredForNext ?? null] },
    { name: 'recent_responses', type: 'number', values: [duty?.recent.responses ?? null] },
    { name: 'recent_rejection_ratio', type: 'number', unit: UNITS.percentUnit, values: [duty?.recent.ratio ?? null] },
    { name: 'recent_response_latency_p95', type: 'number', unit: UNITS.seconds, values: [duty?.recent.p95 ?? null] },
    { name: 'state_conflicts', type: 'number', values: [duty?.stateConflicts ?? null] },
    { name: 'proposal_timeouts', type: 'number', values: [duty?.events.proposal_timeout ?? null] },
    { name: 'validation_timeouts', type: 'number', values: [duty?.events.validation_timeout ?? null] },
    { name: 'log_age', type: 'number', unit: UNITS.seconds, values: [duty?.logAgeSeconds ?? null] },
  ]);
  return frame;
}

export type LogService = 'node' | 'signer';

export interface StoredLogLine extends StacksLogLine {
  id: string;
  /** which log file the line came from */
  service: LogService;
  /** time used for display and filtering: the line's own, or when we read it */
  at: number;
}

/**
 * Grafana's log-lines dataframe (logsFrame.ts parseLogsFrame with meta.type 'log-lines'):
 * `timestamp` (time) and `body` (string) are required, `severity`, `id` and `labels` (other) are
 * read when present, every other field shows in log details. preferredVisualisationType 'logs'
 * sends the frame to Explore's logs view.
 */
export function logsFrame(lines: StoredLogLine[], sourceId: string): DataFrameJSON {
  return toFrame(
    'logs',
    [
      { name: 'timestamp', type: 'time', values: lines.map((l) => l.at) },
      { name: 'body', type: 'string', values: lines.map((l) => l.raw) },
      { name: 'severity', type: 'string', values: lines.map((l) => l.severity) },
      { name: 'id', type: 'string', values: lines.map((l) => l.id) },
      {
        name: 'labels',
        type: 'other',
        values: lines.map((l) => ({
          source: sourceId,
          service: l.service,
          level: l.severity,
          ...(l.component ? { component: l.component } : {}),
          ...(l.thread ? { thread: l.thread } : {}),
        })),
      },
      { name: 'message', type: 'string', values: lines.map((l) => l.message) },
      { name: 'file', type: 'string', values: lines.map((l) => (l.file === null ? null : l.line === null ? l.file : `${l.file}:${l.line}`)) },
      { name: 'block_height', type: 'number', values: lines.map((l) => l.blockHeight) },
      { name: 'burn_height', type: 'number', values: lines.map((l) => l.burnHeight) },
      { name: 'fields', type: 'other', values: lines.map((l) => l.fields) },
    ],
    { type: 'log-lines', typeVersion: [0, 0], preferredVisualisationType: 'logs' }
  );
}
