// model -> DataFrameJSON for the geth queries.
import { toFrame, UNITS, type DataFrameJSON } from '@nodescope/shared';
import { one } from '../fields.js';
import type { AdminPeer, FeeHistoryRow, HeadBlock, NodeVerdict, SyncState, TxpoolStatus } from './model.js';

/** Grafana has no gwei unit id; a custom suffix unit renders "12.3 gwei". */
export const GWEI = 'suffix: gwei';

export function chainHeadFrame(
  head: HeadBlock,
  headAge: number,
  extras: { clientVersion: string | null; chainId: number | null; networkId: string | null; peers: number | null; syncing: boolean | null }
): DataFrameJSON {
  return toFrame('chain.head', [
    one('number', 'number', head.number, UNITS.none),
    one('hash', 'string', head.hash),
    one('time', 'time', head.timestamp * 1000),
    one('head_age', 'number', headAge, UNITS.seconds),
    one('gas_used', 'number', head.gasUsed, UNITS.short),
    one('gas_limit', 'number', head.gasLimit, UNITS.short),
    one('gas_used_ratio', 'number', head.gasLimit > 0 ? head.gasUsed / head.gasLimit : null, UNITS.percentUnit, { min: 0, max: 1 }),
    one('base_fee', 'number', head.baseFeeGwei, GWEI),
    one('tx_count', 'number', head.txCount, UNITS.short),
    one('blob_gas_used', 'number', head.blobGasUsed, UNITS.short),
    one('size', 'number', head.size, UNITS.bytes),
    one('miner', 'string', head.miner),
    one('client_version', 'string', extras.clientVersion),
    one('chain_id', 'number', extras.chainId, UNITS.none),
    one('network_id', 'string', extras.networkId),
    one('peers', 'number', extras.peers, UNITS.short),
    one('syncing', 'boolean', extras.syncing),
  ]);
}

export function peersSummaryFrame(peers: number | null, inbound: number | null, outbound: number | null, note: string | null): DataFrameJSON {
  const frame = toFrame('network.peers.summary', [
    one('peers', 'number', peers, UNITS.short),
    one('inbound', 'number', inbound, UNITS.short),
    one('outbound', 'number', outbound, UNITS.short),
  ]);
  if (note) frame.schema.meta = { notices: [{ severity: 'info', text: note }] };
  return frame;
}

export function peersTableFrame(peers: AdminPeer[]): DataFrameJSON {
  return toFrame(
    'network.peers',
    [
      { name: 'id', type: 'string', values: peers.map((p) => p.id) },
      { name: 'name', type: 'string', values: peers.map((p) => p.name) },
      { name: 'remote_address', type: 'string', values: peers.map((p) => p.remoteAddress) },
      { name: 'inbound', type: 'boolean', values: peers.map((p) => p.inbound) },
      { name: 'trusted', type: 'boolean', values: peers.map((p) => p.trusted) },
      { name: 'static', type: 'boolean', values: peers.map((p) => p.static) },
      { name: 'caps', type: 'string', values: peers.map((p) => p.caps) },
      { name: 'eth_version', type: 'number', values: peers.map((p) => p.ethVersion) },
    ],
    { preferredVisualisationType: 'table' }
  );
}

/** status null: txpool_status is not enabled and the metrics endpoint gave no count either (note says which). */
export function txpoolFrame(status: TxpoolStatus | null, fromMetrics: { local: number | null; slots: number | null }, note: string | null = null): DataFrameJSON {
  const frame = toFrame('txpool.status', [
    one('pending', 'number', status?.pending ?? null, UNITS.short),
    one('queued', 'number', status?.queued ?? null, UNITS.short),
    one('total', 'number', status ? status.pending + status.queued : null, UNITS.short),
    // txpool_local: core/txpool/locals/tx_tracker.go:37 in geth 1.17.10; null where a node does not export it
    one('local', 'number', fromMetrics.local, UNITS.short),
    one('slots', 'number', fromMetrics.slots, UNITS.short),
  ]);
  if (note) frame.schema.meta = { notices: [{ severity: 'info', text: note }] };
  return frame;
}

export function feeHistoryFrame(rows: FeeHistoryRow[], percentiles: number[], gasPriceGwei: number | null, nextBaseFeeGwei: number | null): DataFrameJSON {
  const frame = toFrame('fees.history', [
    { name: 'block', type: 'number', unit: UNITS.none, values: rows.map((r) => r.block) },
    { name: 'base_fee', type: 'number', unit: GWEI, values: rows.map((r) => r.baseFeeGwei) },
    { name: 'gas_used_ratio', type: 'number', unit: UNITS.percentUnit, config: { min: 0, max: 1 }, values: rows.map((r) => finiteOrNull(r.gasUsedRatio)) },
    ...percentiles.map((p, i) => ({
      name: `reward_p${p}`,
      type: 'number' as const,
      unit: GWEI,
      config: { description: `priority fee paid at the ${p}th percentile of gas used in the block` },
      values: rows.map((r) => finiteOrNull(r.rewardsGwei[i] ?? Number.NaN)),
    })),
    { name: 'blob_base_fee', type: 'number', unit: GWEI, values: rows.map((r) => r.blobBaseFeeGwei) },
  ]);
  frame.schema.meta = {
    custom: { gasPriceGwei, nextBaseFeeGwei },
    notices: [{ severity: 'info', text: `next block base fee ${nextBaseFeeGwei ?? '?'} gwei, eth_gasPrice ${gasPriceGwei ?? '?'} gwei` }],
  };
  return frame;
}

export function syncFrame(sync: SyncState, headAge: number | null, peers: number | null, verdict: NodeVerdict | null): DataFrameJSON {
  return toFrame('sync.status', [
    one('phase', 'string', sync.phase),
    one('syncing', 'boolean', sync.syncing),
    one('current_block', 'number', sync.currentBlock, UNITS.none),
    one('highest_block', 'number', sync.highestBlock, UNITS.none),
    one('remaining_blocks', 'number', sync.remainingBlocks, UNITS.short),
    one('progress', 'number', sync.progress, UNITS.percentUnit, { min: 0, max: 1 }),
    one('tx_index_remaining_blocks', 'number', sync.txIndexRemainingBlocks, UNITS.short),
    one('state_index_remaining', 'number', sync.stateIndexRemaining, UNITS.short),
    one('trienode_index_remaining', 'number', sync.trienodeIndexRemaining, UNITS.short),
    one('head_age', 'number', headAge, UNITS.seconds),
    one('peers', 'number', peers, UNITS.short),
    one('healthy', 'boolean', verdict?.healthy ?? null),
    one('reason', 'string', verdict?.reason ?? null),
  ]);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
