// Dashboards on the Prometheus datasource, from what the proxy's /metrics exposes alone: the
// folder "nodescope (Prometheus)" (any Prometheus/VictoriaMetrics that scrapes proxies) and the
// proxy's own dashboard in the folder "nodescope".
import { dashboardInfo, LIST_LEGEND, optionsOf, type DashboardSpec } from '../grafana.ts';
import { barGauge, row, stat, stateTimeline, steps, table, timeseries, type StatOptions } from '../panels.ts';
import { prometheus, prometheusInstant, type Query } from '../targets.ts';
import { promLabelVariable } from '../variables.ts';
import { BOARD_TEMPERATURE } from './nodescope.ts';

// label matchers of the dashboards' $source (and $miner) variables
const SOURCE = '{source=~"$source"}';
const MINER = '{source=~"$source", miner=~"$miner"}';
const BEACON = '{source=~"$beacon"}';

/** A quarter-width stat of the top line. */
const topStat = (title: string, query: Query, options: StatOptions = {}) => stat(title, query, { w: 6, h: 4, ...options });
/** Per-second rate of a counter per source, e.g. `rate(x{source=~"$source"}[$__rate_interval])`. */
const rate = (counter: string, matcher = SOURCE) => `rate(${counter}${matcher}[$__rate_interval])`;

export const proxy: DashboardSpec = {
  ...dashboardInfo('nodescope-proxy', 'Proxy', ['proxy', 'prometheus'], 'The proxy itself: sources up, query latency and errors, upstream calls, cache'),
  variables: [promLabelVariable('source', 'Source', 'nodescope_source_up', 'source')],
  panels: [
    stateTimeline('Source status', prometheus(`nodescope_source_status${SOURCE}`), {
      w: 24,
      h: 7,
      custom: { fillOpacity: 80, lineWidth: 0 },
      thresholds: steps('green', [1, 'blue'], [2, 'orange'], [3, 'red']),
      options: optionsOf('state-timeline', { showValue: 'never', legend: { ...LIST_LEGEND, showLegend: false } }),
      description: '0 ok, 1 starting, 2 degraded, 3 down',
    }),
    timeseries('Query latency p95', prometheus('histogram_quantile(0.95, sum by (le, query) (rate(nodescope_query_seconds_bucket[$__rate_interval])))', '{{query}}'), { unit: 's' }),
    timeseries('Query errors', prometheus('sum by (query) (rate(nodescope_query_errors_total[$__rate_interval]))', '{{query}}'), { unit: 'reqps' }),
    timeseries(
      'Upstream latency p95',
      prometheus(`histogram_quantile(0.95, sum by (le, source, upstream) (${rate('nodescope_upstream_request_seconds_bucket')}))`, '{{source}} {{upstream}}'),
      { unit: 's' }
    ),
    timeseries('Upstream errors', prometheus(`sum by (source, upstream, reason) (${rate('nodescope_upstream_errors_total')})`, '{{source}} {{upstream}} {{reason}}'), {
      unit: 'reqps',
    }),
    timeseries(
      'Cache',
      [
        prometheus('sum(rate(nodescope_cache_hits_total[$__rate_interval]))', 'hits'),
        prometheus('sum(rate(nodescope_cache_misses_total[$__rate_interval]))', 'misses'),
        prometheus('sum(rate(nodescope_coalesced_requests_total[$__rate_interval]))', 'coalesced'),
      ],
      { w: 24, unit: 'reqps' }
    ),
  ],
};

const promBitcoin: DashboardSpec = {
  ...dashboardInfo('nodescope-prom-bitcoin', 'Bitcoin node (Prometheus)', ['bitcoin', 'prometheus'], 'bitcoin-prometheus-exporter compatible series from /metrics'),
  variables: [promLabelVariable('source', 'Node', 'bitcoin_blocks', 'source')],
  panels: [
    topStat('Height', prometheus(`bitcoin_blocks${SOURCE}`), { decimals: 0 }),
    topStat('Peers', prometheus(`bitcoin_peers${SOURCE}`), { thresholds: steps('red', [4, 'orange'], [8, 'green']) }),
    topStat('Verification progress', prometheus(`bitcoin_verification_progress${SOURCE}`), { unit: 'percentunit', decimals: 3 }),
    topStat('Size on disk', prometheus(`bitcoin_size_on_disk${SOURCE}`), { unit: 'decbytes' }),
    timeseries('Blocks in the last hour', prometheus(`changes(bitcoin_blocks${SOURCE}[1h])`)),
    timeseries('Connections', [prometheus(`bitcoin_conn_in${SOURCE}`, '{{source}} in'), prometheus(`bitcoin_conn_out${SOURCE}`, '{{source}} out')]),
    timeseries('Mempool', [prometheus(`bitcoin_mempool_bytes${SOURCE}`, '{{source}} vsize'), prometheus(`bitcoin_mempool_usage${SOURCE}`, '{{source}} memory')], {
      unit: 'decbytes',
    }),
    timeseries('Mempool transactions', prometheus(`bitcoin_mempool_size${SOURCE}`)),
    timeseries(
      'Smart fee estimates (sat/vB)',
      // the exporter publishes BTC/kvB: x 1e8 sat / 1000 vB
      [2, 6, 144].map((blocks) => prometheus(`bitcoin_est_smart_fee_${blocks}${SOURCE} * 1e5`, `{{source}} ${blocks} blocks`)),
      { unit: 'sat/vB' }
    ),
    timeseries('Traffic', [prometheus(rate('bitcoin_total_bytes_recv'), '{{source}} in'), prometheus(rate('bitcoin_total_bytes_sent'), '{{source}} out')], { unit: 'Bps' }),
    timeseries('Network hashrate', prometheus(`bitcoin_hashps${SOURCE}`), { unit: 'Hs' }),
    timeseries('Difficulty', prometheus(`bitcoin_difficulty${SOURCE}`)),
    timeseries('Electrum index lag (blocks)', prometheus(`electrum_index_lag_blocks${SOURCE}`, '{{source}} {{kind}}')),
    timeseries('ZMQ connected', prometheus(`bitcoin_zmq_connected${SOURCE}`), { custom: { drawStyle: 'line', lineInterpolation: 'stepAfter' }, min: 0, max: 1 }),
    // several nodes of one chain, from a chain view source (its `view` label)
    timeseries('Blocks behind the best tip of its chain view', prometheus(`bitcoin_node_lag_blocks${SOURCE}`, '{{source}} in {{view}}'), { decimals: 0, min: 0 }),
    timeseries('Best tip of each chain view', prometheus('bitcoin_chain_best_height', '{{view}}'), { decimals: 0 }),
    timeseries('Fork tips per node (getchaintips off the active chain)', prometheus(`bitcoin_node_fork_tips${SOURCE}`, '{{source}}'), { decimals: 0 }),
  ],
};

const promMining: DashboardSpec = {
  ...dashboardInfo('nodescope-prom-mining', 'Mining fleet (Prometheus)', ['mining', 'prometheus'], 'mining_* series from /metrics, across every proxy and farm'),
  variables: [
    promLabelVariable('source', 'Fleet', 'mining_fleet_hashrate_hashes_per_second', 'source'),
    promLabelVariable('miner', 'Miner', 'mining_up{source=~"$source"}', 'miner'),
  ],
  panels: [
    topStat('Fleet hashrate', prometheus(`sum(mining_fleet_hashrate_hashes_per_second${SOURCE})`, 'hashrate'), { unit: 'Hs' }),
    topStat('Miners online', prometheus(`sum(mining_up${MINER})`, 'online')),
    topStat('Miners offline', prometheus(`count(mining_up${MINER} == 0) or vector(0)`, 'offline'), { thresholds: steps('green', [1, 'red']) }),
    topStat('Fleet power', prometheus(`sum(mining_fleet_power_watts${SOURCE})`, 'power'), { unit: 'watt' }),
    timeseries('Hashrate per miner', prometheus(`mining_hashrate_hashes_per_second${MINER}`, '{{miner}}'), { w: 24, unit: 'Hs' }),
    timeseries('Hottest board per miner', prometheus(`mining_temperature_max_celsius${MINER}`, '{{miner}}'), { unit: 'celsius', thresholds: BOARD_TEMPERATURE }),
    timeseries('Slowest fan per miner', prometheus(`mining_fan_min_rpm${MINER}`, '{{miner}}'), { unit: 'rotrpm' }),
    timeseries(
      'Reject rate',
      prometheus(
        `sum by (miner) (${rate('mining_shares_rejected_total', MINER)}) / (sum by (miner) (${rate('mining_shares_accepted_total', MINER)}) + sum by (miner) (${rate('mining_shares_rejected_total', MINER)}))`,
        '{{miner}}'
      ),
      { unit: 'percentunit' }
    ),
    stateTimeline('Miner up', prometheus(`mining_up${MINER}`, '{{miner}}'), { thresholds: steps('red', [1, 'green']) }),
    timeseries(
      'Hashrate against nominal (30 min mean)',
      prometheus(`avg_over_time(mining_hashrate_hashes_per_second${MINER}[30m]) / on (source, miner) mining_hashrate_nominal_hashes_per_second${MINER}`, '{{miner}}'),
      { unit: 'percentunit', thresholds: steps('red', [0.9, 'green']) }
    ),
    table(
      'Chips and fans missing, firmware errors, state',
      [
        prometheusInstant(`mining_chips_missing${MINER}`),
        prometheusInstant(`mining_fans_missing${MINER}`),
        prometheusInstant(`mining_firmware_errors${MINER}`),
        prometheusInstant(`mining_state_info${MINER}`),
      ],
      { transformations: [{ id: 'organize', options: { excludeByName: { Time: true } } }] }
    ),
    table('Active pool and pools alive', [prometheusInstant(`mining_pool_active_info${MINER}`), prometheusInstant(`mining_pools_alive${MINER}`)], {
      w: 24,
      transformations: [{ id: 'organize', options: { excludeByName: { Time: true, __name__: true } } }],
    }),
  ],
};

const promStacks: DashboardSpec = {
  ...dashboardInfo('nodescope-prom-stacks', 'Stacks node and signer (Prometheus)', ['stacks', 'prometheus'], "stacks_node_* / stacks_signer_* as the node and signer expose them, plus the proxy's stacks_info_*"),
  variables: [promLabelVariable('source', 'Stacks node', 'stacks_info_stacks_tip_height', 'source')],
  panels: [
    topStat('Stacks tip', prometheus(`stacks_info_stacks_tip_height${SOURCE}`), { decimals: 0 }),
    topStat('Burn height', prometheus(`stacks_info_burn_block_height${SOURCE}`), { decimals: 0 }),
    topStat('Tip age', prometheus(`stacks_info_tip_age_seconds${SOURCE}`), { unit: 's', thresholds: steps('green', [600, 'orange'], [1800, 'red']) }),
    topStat('Burn lag (blocks)', prometheus(`stacks_burn_block_lag${SOURCE}`), { thresholds: steps('green', [1, 'orange'], [3, 'red']) }),
    timeseries('Heights: node vs signer', [
      prometheus(`stacks_info_stacks_tip_height${SOURCE}`, '{{source}} node'),
      prometheus(`max by (source) (stacks_signer_stacks_node_height${SOURCE})`, '{{source}} signer'),
    ]),
    timeseries('Neighbors', prometheus(`stacks_info_neighbors${SOURCE}`, '{{source}} {{direction}}')),
    timeseries('Signer block responses', prometheus(`sum by (source, response_type) (${rate('stacks_signer_block_responses_sent')})`, '{{source}} {{response_type}}'), {
      unit: 'ops',
    }),
    timeseries('Log lines by level', prometheus(`sum by (source, level) (${rate('stacks_log_lines_total')})`, '{{source}} {{level}}'), { unit: 'ops' }),
    timeseries('Node mempool', prometheus(`stacks_node_mempool_outstanding_txs${SOURCE}`, '{{source}} {{handler}}')),
    timeseries('Node RPC latency p95', prometheus(`histogram_quantile(0.95, sum by (le, source) (${rate('stacks_node_rpc_call_latencies_histogram_bucket')}))`), {
      unit: 's',
    }),
    // the signer's duties, as its alert rules watch them (rules.ts StacksSigner*)
    topStat('Signer registered', prometheus(`stacks_info_signer_registered${SOURCE}`), {
      thresholds: steps('red', [1, 'green']),
    }),
    topStat('Signer log age', prometheus('stacks_log_last_line_age_seconds{source=~"$source",service="signer"}'), {
      unit: 's',
      thresholds: steps('green', [120, 'orange'], [300, 'red']),
    }),
    topStat(
      'Signer rejections (5 min)',
      prometheus(
        'sum by (source) (rate(stacks_signer_block_responses_sent{source=~"$source",response_type="rejected"}[5m])) / sum by (source) (rate(stacks_signer_block_responses_sent{source=~"$source"}[5m]))'
      ),
      { unit: 'percentunit', thresholds: steps('green', [0.2, 'orange'], [0.5, 'red']) }
    ),
    topStat('Signer state conflicts (10 min)', prometheus(`sum by (source) (increase(stacks_signer_agreement_state_conflicts${SOURCE}[10m]))`), {
      decimals: 0,
      thresholds: steps('green', [3, 'orange'], [7, 'red']),
    }),
    timeseries(
      'Signer block response latency p95',
      [
        prometheus(`histogram_quantile(0.95, sum by (le, source) (${rate('stacks_signer_block_response_latencies_histogram_bucket')}))`, '{{source}} response'),
        prometheus(`histogram_quantile(0.95, sum by (le, source) (${rate('stacks_signer_block_validation_latencies_histogram_bucket')}))`, '{{source}} node validation'),
      ],
      { unit: 's' }
    ),
    timeseries('Signer state conflicts by kind', prometheus(`sum by (source, conflict) (increase(stacks_signer_agreement_state_conflicts${SOURCE}[10m]))`, '{{source}} {{conflict}}')),
    timeseries('Signer state changes by reason', prometheus(`sum by (source, reason) (increase(stacks_signer_agreement_state_change_reasons${SOURCE}[10m]))`, '{{source}} {{reason}}')),
    timeseries('Signer log events (30 min)', prometheus(`sum by (source, event) (increase(stacks_log_signer_events_total${SOURCE}[30m]))`, '{{source}} {{event}}')),
  ],
};

const promGeth: DashboardSpec = {
  ...dashboardInfo('nodescope-prom-geth', 'Geth (Prometheus)', ['geth', 'ethereum', 'prometheus'], "geth_rpc_* read by the proxy over JSON-RPC, plus geth's own metrics mirrored as geth_*"),
  variables: [promLabelVariable('source', 'Geth node', 'geth_rpc_head_block', 'source'), promLabelVariable('beacon', 'Consensus client', 'eth_con_sync_head_slot', 'source')],
  panels: [
    topStat('Head', prometheus(`geth_rpc_head_block${SOURCE}`), { decimals: 0 }),
    topStat('Head age', prometheus(`geth_rpc_head_age_seconds${SOURCE}`), { unit: 's', thresholds: steps('green', [36, 'orange'], [120, 'red']) }),
    topStat('Peers', prometheus(`geth_rpc_peers${SOURCE}`), { thresholds: steps('red', [5, 'orange'], [10, 'green']) }),
    topStat('Syncing', prometheus(`geth_rpc_syncing${SOURCE}`), { thresholds: steps('green', [1, 'orange']) }),
    timeseries('Blocks per minute', prometheus(`rate(geth_rpc_head_block${SOURCE}[5m]) * 60`)),
    timeseries('Txpool', prometheus(`geth_rpc_txpool_transactions${SOURCE}`, '{{source}} {{state}}')),
    timeseries(
      'Base fee and gas price',
      [prometheus(`geth_rpc_base_fee_gwei${SOURCE}`, '{{source}} base fee (gwei)'), prometheus(`geth_rpc_gas_price_gwei${SOURCE}`, '{{source}} gas price (gwei)')],
      { unit: 'none' }
    ),
    timeseries('Peers (geth p2p)', prometheus(`geth_p2p_peers${SOURCE}`)),
    timeseries('Sync remaining blocks', prometheus(`geth_rpc_sync_remaining_blocks${SOURCE}`), { w: 24, h: 7 }),
    // the consensus client under ethereum-metrics-exporter's names (eth_con_*), beacon_* for the rest
    row('Consensus client'),
    topStat('Health (200 ready, 206 syncing, 503 not ready)', prometheus(`beacon_health_status_code${BEACON}`), { thresholds: steps('green', [206, 'orange'], [503, 'red']) }),
    topStat('Head age', prometheus(`beacon_head_age_seconds${BEACON}`), { unit: 's', thresholds: steps('green', [36, 'orange'], [120, 'red']) }),
    topStat('Epochs since finality', prometheus(`beacon_finality_epochs_behind${BEACON}`), { thresholds: steps('green', [3, 'orange'], [5, 'red']) }),
    topStat('Connected peers', prometheus(`sum by (source) (eth_con_peers{source=~"$beacon", state="connected"})`), { thresholds: steps('red', [10, 'orange'], [30, 'green']) }),
    timeseries('Head slot and sync distance', [prometheus(`eth_con_sync_head_slot${BEACON}`, '{{source}} head slot'), prometheus(`eth_con_sync_distance${BEACON}`, '{{source}} sync distance')]),
    timeseries('Finality checkpoints (epoch)', prometheus(`eth_con_beacon_finality_checkpoint_epochs${BEACON}`, '{{source}} {{checkpoint}}')),
    timeseries('Which side of the pair is behind', prometheus(`beacon_pair_behind${BEACON}`, '{{source}} {{side}}'), { w: 24, h: 6 }),
  ],
};

const promLightning: DashboardSpec = {
  ...dashboardInfo('nodescope-prom-lightning', 'Lightning (Prometheus)', ['lightning', 'lnd', 'cln', 'prometheus'], "lnd/Core Lightning under lndmon's metric names (lnd_*), plus lightning_* for what lndmon has no name for"),
  variables: [promLabelVariable('source', 'Lightning node', 'lnd_chain_block_height', 'source')],
  panels: [
    topStat('Synced to chain', prometheus(`lnd_chain_synced${SOURCE}`), { thresholds: steps('red', [1, 'green']) }),
    topStat('Blocks behind bitcoind', prometheus(`lightning_blocks_behind${SOURCE}`), { thresholds: steps('green', [1, 'orange'], [3, 'red']) }),
    topStat('Inactive channels', prometheus(`lnd_channels_inactive_total${SOURCE}`), { thresholds: steps('green', [1, 'orange']) }),
    topStat('Force-closing channels', prometheus(`lnd_channels_pending_total{source=~"$source", state="pending_force_close"}`), { thresholds: steps('green', [1, 'red']) }),
    timeseries('Channels', [
      prometheus(`lnd_channels_active_total${SOURCE}`, '{{source}} active'),
      prometheus(`lnd_channels_inactive_total${SOURCE}`, '{{source}} inactive'),
      prometheus(`lnd_channels_pending_total${SOURCE}`, '{{source}} {{state}}'),
    ]),
    timeseries('Local share of channel balance', prometheus(`lightning_local_share${SOURCE}`), { unit: 'percentunit' }),
    barGauge('Local share per channel', prometheusInstant(`lightning_channel_local_share${SOURCE}`, '{{source}} {{chan_id}}'), { unit: 'percentunit', thresholds: steps('red', [0.1, 'orange'], [0.2, 'green']) }),
    timeseries(
      'Balances (sat)',
      [
        prometheus(`lnd_channels_open_balance_sat${SOURCE}`, '{{source}} in channels'),
        prometheus(`lnd_wallet_balance_confirmed_sat${SOURCE}`, '{{source}} on chain'),
        prometheus(`lnd_wallet_balance_unconfirmed_sat${SOURCE}`, '{{source}} unconfirmed'),
      ],
      { unit: 'none' }
    ),
    timeseries('Routing fees earned in the window (sat)', prometheus(`lightning_forward_fees_sat${SOURCE}`, '{{source}} {{window}}'), { unit: 'none' }),
    timeseries('Forwards in the window', prometheus(`lightning_forwards${SOURCE}`, '{{source}} {{status}}')),
    timeseries('Block height', prometheus(`lnd_chain_block_height${SOURCE}`), { w: 24, h: 7, decimals: 0 }),
  ],
};

const promFreqtrade: DashboardSpec = {
  ...dashboardInfo('nodescope-prom-freqtrade', 'Freqtrade (Prometheus)', ['freqtrade', 'prometheus'], 'ftmetric-compatible freqtrade_* series from /metrics'),
  variables: [promLabelVariable('source', 'Bot', 'freqtrade_build_info', 'source')],
  panels: [
    stateTimeline('Bot state', prometheus(`freqtrade_state${SOURCE}`, '{{source}}'), {
      w: 24,
      h: 6,
      description: 'stopped 0, running 1, stop_buy 2, unknown -1',
      thresholds: steps('red', [1, 'green'], [2, 'orange']),
    }),
    timeseries('Realized profit', prometheus(`freqtrade_perf_realized${SOURCE}`, '{{source}} {{stake}}')),
    timeseries('Realized profit %', prometheus(`freqtrade_perf_realized_pct${SOURCE}`), { unit: 'percentunit' }),
    timeseries('Drawdown', [prometheus(`freqtrade_drawdown_current_ratio${SOURCE}`, '{{source}} current'), prometheus(`freqtrade_drawdown_max_ratio${SOURCE}`, '{{source}} max')], {
      unit: 'percentunit',
    }),
    timeseries('Heartbeat age', prometheus(`freqtrade_heartbeat_age_seconds${SOURCE}`), { unit: 's', thresholds: steps('green', [300, 'red']) }),
    timeseries('Open trades', [prometheus(`freqtrade_trade_open_current${SOURCE}`, '{{source}} open'), prometheus(`freqtrade_trade_open_max${SOURCE}`, '{{source}} max')]),
    timeseries(
      'Winning / losing trades (per hour)',
      (['winning', 'losing'] as const).map((outcome) => prometheus(`sum by (source) (increase(freqtrade_trade_${outcome}${SOURCE}[1h]))`, `{{source}} ${outcome}`))
    ),
    barGauge('Profit by pair', prometheusInstant(`freqtrade_pair_profit_abs${SOURCE}`, '{{source}} {{pair}}')),
    timeseries('Balance', prometheus(`freqtrade_crypto_balance${SOURCE}`, '{{source}} {{stake}}')),
  ],
};

export const PROMETHEUS_DASHBOARDS = { promBitcoin, promMining, promStacks, promGeth, promLightning, promFreqtrade };
