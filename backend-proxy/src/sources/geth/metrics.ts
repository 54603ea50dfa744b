// What a geth source puts on /metrics: geth's own families mirrored under a geth_ prefix (its
// names are bare: chain_head_block, p2p_peers, system_memory_used, and would read as the proxy's
// own), limited to the families dashboards use; plus geth_rpc_* values read over JSON-RPC.
import type { MetricFactory } from '../../core/metrics.js';
import type { HeadBlock, SyncState, TxpoolStatus } from './model.js';

/** Families of /debug/metrics/prometheus worth re-exposing (names as geth writes them). */
export const GETH_MIRRORED_PREFIXES = [
  'chain_head_', // block, header, receipt, finalized, safe
  'chain_info',
  'geth_info',
  'p2p_peers', // p2p_peers, p2p_peers_inbound, p2p_peers_outbound
  'p2p_ingress',
  'p2p_egress',
  'txpool_pending',
  'txpool_queued',
  'txpool_local',
  'txpool_slots',
  'eth_db_chaindata_disk_size',
  'eth_db_chaindata_ancient_size',
  'system_memory_used',
  'system_memory_held',
  'system_cpu_sysload',
  'system_cpu_procload',
  'system_disk_readbytes',
  'system_disk_writebytes',
];

export const includeGethFamily = (name: string) => GETH_MIRRORED_PREFIXES.some((p) => name.startsWith(p));
/** geth_info keeps its name; everything else gets the geth_ prefix */
export const renameGethFamily = (name: string) => (name.startsWith('geth_') ? name : `geth_${name}`);

export function gethMetrics(factory: MetricFactory, source: string) {
  const g = {
    head: factory.gauge('geth_rpc_head_block', 'Latest block number (eth_getBlockByNumber latest)'),
    headAge: factory.gauge('geth_rpc_head_age_seconds', "Seconds since the latest block's timestamp"),
    baseFee: factory.gauge('geth_rpc_base_fee_gwei', 'Base fee of the latest block, gwei'),
    gasPrice: factory.gauge('geth_rpc_gas_price_gwei', 'eth_gasPrice, gwei'),
    peers: factory.gauge('geth_rpc_peers', 'net_peerCount'),
    syncing: factory.gauge('geth_rpc_syncing', '1 while eth_syncing reports blocks still to import (currentBlock < highestBlock)'),
    remaining: factory.gauge('geth_rpc_sync_remaining_blocks', 'highestBlock - currentBlock while syncing, else 0'),
    indexing: factory.gauge('geth_rpc_indexing', '1 while eth_syncing reports only indexing left (transactions, state or trie node history)'),
    indexRemaining: factory.gauge('geth_rpc_index_remaining', 'What eth_syncing says is left to index: blocks of transactions (tx), states (state), trie nodes (trienode)', ['index']),
    txpool: factory.gauge('geth_rpc_txpool_transactions', 'txpool_status', ['state']),
    healthy: factory.gauge('geth_rpc_healthy', '1 when not syncing, head fresh and enough peers'),
  };
  return {
    head(head: HeadBlock, age: number) {
      g.head.set({ source }, head.number);
      g.headAge.set({ source }, age);
      if (head.baseFeeGwei !== null) g.baseFee.set({ source }, head.baseFeeGwei);
    },
    gasPrice(gwei: number) {
      g.gasPrice.set({ source }, gwei);
    },
    peers(count: number) {
      g.peers.set({ source }, count);
    },
    sync(sync: SyncState) {
      g.syncing.set({ source }, sync.phase === 'syncing' ? 1 : 0);
      g.remaining.set({ source }, sync.remainingBlocks ?? 0);
      g.indexing.set({ source }, sync.phase === 'indexing' ? 1 : 0);
      g.indexRemaining.set({ source, index: 'tx' }, sync.txIndexRemainingBlocks ?? 0);
      g.indexRemaining.set({ source, index: 'state' }, sync.stateIndexRemaining ?? 0);
      g.indexRemaining.set({ source, index: 'trienode' }, sync.trienodeIndexRemaining ?? 0);
    },
    txpool(status: TxpoolStatus) {
      g.txpool.set({ source, state: 'pending' }, status.pending);
      g.txpool.set({ source, state: 'queued' }, status.queued);
    },
    healthy(ok: boolean) {
      g.healthy.set({ source }, ok ? 1 : 0);
    },
  };
}
