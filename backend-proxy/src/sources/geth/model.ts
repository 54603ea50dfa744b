// Pure: geth's JSON-RPC results (hex quantities, as the execution API spec defines them) into
// plain numbers. Wei amounts go through BigInt before becoming gwei so nothing is rounded early.
import { UpstreamError } from '../types.js';

const QUANTITY = /^0x(0|[1-9a-f][0-9a-f]*)$/i;

export function quantity(value: unknown, what: string): number {
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    throw new UpstreamError(`geth ${what}: expected a hex quantity, got ${JSON.stringify(value)?.slice(0, 40)}`, 'malformed');
  }
  return Number(BigInt(value));
}

export function weiToGwei(value: unknown, what: string): number {
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    throw new UpstreamError(`geth ${what}: expected a hex quantity, got ${JSON.stringify(value)?.slice(0, 40)}`, 'malformed');
  }
  const wei = BigInt(value);
  // exact to the wei: whole gwei plus the remainder as a fraction
  return Number(wei / 1_000_000_000n) + Number(wei % 1_000_000_000n) / 1e9;
}

export interface HeadBlock {
  number: number;
  hash: string;
  parentHash: string;
  /** seconds since epoch, as the block header says */
  timestamp: number;
  gasUsed: number;
  gasLimit: number;
  baseFeeGwei: number | null;
  txCount: number;
  miner: string;
  size: number | null;
  blobGasUsed: number | null;
}

export function parseBlock(value: unknown): HeadBlock {
  if (!value || typeof value !== 'object') throw new UpstreamError('geth eth_getBlockByNumber: no block returned', 'malformed');
  const b = value as Record<string, unknown>;
  return {
    number: quantity(b.number, 'block.number'),
    hash: String(b.hash ?? ''),
    parentHash: String(b.parentHash ?? ''),
    timestamp: quantity(b.timestamp, 'block.timestamp'),
    gasUsed: quantity(b.gasUsed, 'block.gasUsed'),
    gasLimit: quantity(b.gasLimit, 'block.gasLimit'),
    // absent before London
    baseFeeGwei: b.baseFeePerGas === undefined ? null : weiToGwei(b.baseFeePerGas, 'block.baseFeePerGas'),
    txCount: Array.isArray(b.transactions) ? b.transactions.length : 0,
    miner: String(b.miner ?? ''),
    size: b.size === undefined ? null : quantity(b.size, 'block.size'),
    blobGasUsed: b.blobGasUsed === undefined ? null : quantity(b.blobGasUsed, 'block.blobGasUsed'),
  };
}

/** Seconds between now and the head block's timestamp (never negative: clocks drift). */
export function headAgeSeconds(head: HeadBlock, nowMs: number): number {
  return Math.max(0, nowMs / 1000 - head.timestamp);
}

/**
 * Where the node is, as eth_syncing tells it (go-ethereum v1.17.10):
 *  - synced:   `false`, i.e. SyncProgress.Done() (interfaces.go:153-158);
 *  - syncing:  an object with currentBlock < highestBlock: blocks are still to be imported;
 *  - indexing: an object although currentBlock >= highestBlock. Done() also waits for
 *    TxIndexRemainingBlocks, StateIndexRemaining and TrienodeIndexRemaining to reach 0, so a node
 *    following the chain answers an object while it (re)builds its transaction or history
 *    indexes. That is a healthy node with work left, not a sync.
 */
export type SyncPhase = 'synced' | 'syncing' | 'indexing';

export interface SyncState {
  phase: SyncPhase;
  /** true only while blocks are still to be imported (phase syncing) */
  syncing: boolean;
  startingBlock: number | null;
  currentBlock: number | null;
  highestBlock: number | null;
  remainingBlocks: number | null;
  /** 0..1, of the block import */
  progress: number | null;
  /** blocks whose transactions are not indexed yet (txIndexRemainingBlocks) */
  txIndexRemainingBlocks: number | null;
  /** historical states not indexed yet (stateIndexRemaining, geth 1.16+) */
  stateIndexRemaining: number | null;
  /** historical trie nodes not indexed yet (trienodeIndexRemaining, geth 1.17+) */
  trienodeIndexRemaining: number | null;
}

const optionalQuantity = (value: unknown, what: string) => (value === undefined ? null : quantity(value, what));

/**
 * eth_syncing: `false`, or an object of hex quantities. go-ethereum v1.17.10
 * internal/ethapi/api.go:161-193 (EthereumAPI.Syncing) answers `false` when progress.Done(), else
 * the object, whose index fields older versions lack (hence optional here).
 */
export function parseSyncing(value: unknown): SyncState {
  if (value === false) {
    return {
      phase: 'synced',
      syncing: false,
      startingBlock: null,
      currentBlock: null,
      highestBlock: null,
      remainingBlocks: 0,
      progress: 1,
      txIndexRemainingBlocks: null,
      stateIndexRemaining: null,
      trienodeIndexRemaining: null,
    };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UpstreamError('geth eth_syncing: expected false or an object', 'malformed');
  const s = value as Record<string, unknown>;
  const current = quantity(s.currentBlock, 'eth_syncing.currentBlock');
  const highest = quantity(s.highestBlock, 'eth_syncing.highestBlock');
  // Done() returns false first of all while CurrentBlock < HighestBlock (interfaces.go:154)
  const syncing = current < highest;
  return {
    phase: syncing ? 'syncing' : 'indexing',
    syncing,
    startingBlock: optionalQuantity(s.startingBlock, 'eth_syncing.startingBlock'),
    currentBlock: current,
    highestBlock: highest,
    remainingBlocks: Math.max(0, highest - current),
    progress: highest > 0 ? Math.min(1, current / highest) : null,
    txIndexRemainingBlocks: optionalQuantity(s.txIndexRemainingBlocks, 'eth_syncing.txIndexRemainingBlocks'),
    stateIndexRemaining: optionalQuantity(s.stateIndexRemaining, 'eth_syncing.stateIndexRemaining'),
    trienodeIndexRemaining: optionalQuantity(s.trienodeIndexRemaining, 'eth_syncing.trienodeIndexRemaining'),
  };
}

/** "1234 blocks of transactions, 56 states remain to be indexed" (only the non-zero ones). */
export function indexingSummary(sync: SyncState): string {
  const parts = [
    sync.txIndexRemainingBlocks ? `${sync.txIndexRemainingBlocks} blocks of transactions` : null,
    sync.stateIndexRemaining ? `${sync.stateIndexRemaining} states` : null,
    sync.trienodeIndexRemaining ? `${sync.trienodeIndexRemaining} trie nodes` : null,
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? 'indexing (eth_syncing names nothing left)' : `indexing: ${parts.join(', ')} remain`;
}

export interface TxpoolStatus {
  pending: number;
  queued: number;
}

export function parseTxpoolStatus(value: unknown): TxpoolStatus {
  const s = (value ?? {}) as Record<string, unknown>;
  return { pending: quantity(s.pending, 'txpool_status.pending'), queued: quantity(s.queued, 'txpool_status.queued') };
}

export interface FeeHistoryRow {
  block: number;
  baseFeeGwei: number;
  gasUsedRatio: number;
  /** one per requested percentile */
  rewardsGwei: number[];
  blobBaseFeeGwei: number | null;
  blobGasUsedRatio: number | null;
}

/**
 * eth_feeHistory: baseFeePerGas has blockCount+1 entries (the last is the next block's base fee),
 * gasUsedRatio and reward one per block, oldest first.
 */
export function parseFeeHistory(value: unknown, percentiles: number[]): { rows: FeeHistoryRow[]; nextBaseFeeGwei: number | null } {
  if (!value || typeof value !== 'object') throw new UpstreamError('geth eth_feeHistory: no result', 'malformed');
  const h = value as Record<string, unknown>;
  const oldest = quantity(h.oldestBlock, 'eth_feeHistory.oldestBlock');
  const baseFees = Array.isArray(h.baseFeePerGas) ? h.baseFeePerGas : [];
  const ratios = Array.isArray(h.gasUsedRatio) ? h.gasUsedRatio : [];
  const rewards = Array.isArray(h.reward) ? h.reward : [];
  const blobFees = Array.isArray(h.baseFeePerBlobGas) ? h.baseFeePerBlobGas : [];
  const blobRatios = Array.isArray(h.blobGasUsedRatio) ? h.blobGasUsedRatio : [];
  const rows = ratios.map((ratio, i): FeeHistoryRow => {
    const reward = Array.isArray(rewards[i]) ? (rewards[i] as unknown[]) : [];
    return {
      block: oldest + i,
      baseFeeGwei: weiToGwei(baseFees[i], 'eth_feeHistory.baseFeePerGas'),
      gasUsedRatio: typeof ratio === 'number' ? ratio : Number.NaN,
      rewardsGwei: percentiles.map((_, p) => (reward[p] === undefined ? Number.NaN : weiToGwei(reward[p], 'eth_feeHistory.reward'))),
      blobBaseFeeGwei: blobFees[i] === undefined ? null : weiToGwei(blobFees[i], 'eth_feeHistory.baseFeePerBlobGas'),
      blobGasUsedRatio: typeof blobRatios[i] === 'number' ? (blobRatios[i] as number) : null,
    };
  });
  const next = baseFees[ratios.length];
  return { rows, nextBaseFeeGwei: next === undefined ? null : weiToGwei(next, 'eth_feeHistory.baseFeePerGas') };
}

export interface AdminPeer {
  id: string;
  name: string;
  remoteAddress: string;
  inbound: boolean;
  trusted: boolean;
  static: boolean;
  caps: string;
  ethVersion: number | null;
}

/** admin_peers: [{id, name, caps, network:{localAddress, remoteAddress, inbound, trusted, static}, protocols:{eth:{version}}}] */
export function parseAdminPeers(value: unknown): AdminPeer[] {
  if (!Array.isArray(value)) throw new UpstreamError('geth admin_peers: expected an array', 'malformed');
  return value.map((p) => {
    const peer = (p ?? {}) as Record<string, unknown>;
    const network = (peer.network ?? {}) as Record<string, unknown>;
    const eth = ((peer.protocols ?? {}) as Record<string, unknown>).eth as Record<string, unknown> | string | undefined;
    return {
      id: String(peer.id ?? ''),
      name: String(peer.name ?? ''),
      remoteAddress: String(network.remoteAddress ?? ''),
      inbound: network.inbound === true,
      trusted: network.trusted === true,
      static: network.static === true,
      caps: Array.isArray(peer.caps) ? peer.caps.join(' ') : '',
      // "handshake" while the eth handshake is still running
      ethVersion: eth && typeof eth === 'object' && typeof eth.version === 'number' ? eth.version : null,
    };
  });
}

export interface NodeVerdict {
  healthy: boolean;
  reason: string;
}

/**
 * Whether the node is following the chain. After the Merge a node whose consensus client is gone
 * answers eth_syncing=false forever while its head ages, so the head's age and the peer count
 * decide as much as the sync flag.
 */
export function judgeNode(sync: SyncState, headAge: number, peers: number | null, limits: { headStallSeconds: number; minPeers: number }): NodeVerdict {
  if (sync.phase === 'syncing') return { healthy: false, reason: `syncing: ${sync.remainingBlocks ?? '?'} blocks to go` };
  if (headAge > limits.headStallSeconds) return { healthy: false, reason: `head is ${Math.round(headAge)} s old (stalled? check the consensus client)` };
  // null: net_peerCount is not enabled on this node, so the peer count cannot be judged
  if (peers !== null && peers < limits.minPeers) return { healthy: false, reason: `${peers} peers (minimum ${limits.minPeers})` };
  // indexing runs beside a node that follows the chain: healthy, with what remains said
  if (sync.phase === 'indexing') return { healthy: true, reason: `following the chain; ${indexingSummary(sync)}` };
  return { healthy: true, reason: 'following the chain' };
}

export interface FeeHistoryParams {
  blocks: number;
  percentiles: number[];
}
