// Every provisioned dashboard. Datasource-backed ones (folder "nodescope") query the proxy
// through nodescope-crypto-datasource with query names from the shared catalog; the
// Prometheus-backed ones (folder "nodescope (Prometheus)") use only what /metrics exposes, so
// they work on any Prometheus/VictoriaMetrics that scrapes proxies; the InfluxDB one reads what
// the proxy's Influx writer stores.
import {
  dashboard,
  influxSeries,
  influxTagVariable,
  iq,
  networkVariable,
  nodescopeAnnotation,
  nodescopeVariable,
  nq,
  pq,
  pqi,
  promLabelVariable,
  sourcesVariable,
  statFields,
  type DashboardSpec,
  type Json,
  type PanelSpec,
} from './grafana.ts';

const row = (title: string, collapsed = false): PanelSpec => ({ type: 'row', title, w: 24, h: 1, collapsed });
const TEMP: Array<[number | null, string]> = [
  [null, 'green'],
  [75, 'orange'],
  [85, 'red'],
];

// --- datasource-backed -------------------------------------------------------------------------

const nodeVars = () => [networkVariable(), sourcesVariable('node', 'Node', 'bitcoin', { network: '$network' })];
const blockAnnotations = () => [
  nodescopeAnnotation('Blocks', '$node', 'blocks', 'rgba(115, 191, 105, 0.6)'),
  nodescopeAnnotation('Reorgs', '$node', 'reorgs', 'red'),
  nodescopeAnnotation('Difficulty adjustments', '$node', 'difficulty', 'purple'),
];

const home: DashboardSpec = {
  uid: 'nodescope-home',
  title: 'nodescope - Home',
  description: 'Node health, fleet profit and bots on one page',
  tags: ['home'],
  variables: [
    sourcesVariable('node', 'Bitcoin node', 'bitcoin'),
    sourcesVariable('farm', 'Mining fleet', 'cgminer'),
    sourcesVariable('profit', 'Profitability', 'profitability'),
    sourcesVariable('bot', 'Bots', 'freqtrade', { multi: true }),
  ],
  panels: [
    row('Bitcoin node'),
    { type: 'stat', title: 'Height', w: 4, h: 4, targets: [nq('A', '$node', 'chain.info')], options: statFields('/^blocks$/'), decimals: 0 },
    {
      type: 'stat',
      title: 'Tip age',
      w: 4,
      h: 4,
      unit: 's',
      targets: [nq('A', '$node', 'chain.info')],
      options: statFields('/^tipAgeSeconds$/'),
      thresholds: [
        [null, 'green'],
        [1800, 'orange'],
        [3600, 'red'],
      ],
    },
    {
      type: 'stat',
      title: 'Verification',
      w: 4,
      h: 4,
      unit: 'percentunit',
      decimals: 2,
      targets: [nq('A', '$node', 'chain.info')],
      options: statFields('/^verificationProgress$/'),
    },
    { type: 'stat', title: 'Mempool', w: 4, h: 4, unit: 'decbytes', targets: [nq('A', '$node', 'mempool.summary')], options: statFields('/^bytes$/') },
    { type: 'table', title: 'Next-block fee estimates', w: 8, h: 4, targets: [nq('A', '$node', 'fees.estimates')] },
    row('Mining fleet'),
    { type: 'stat', title: 'Fleet hashrate', w: 6, h: 4, unit: 'Hs', targets: [nq('A', '$farm', 'fleet.summary')], options: statFields('/^hashrate$/') },
    { type: 'stat', title: 'Online / offline', w: 6, h: 4, targets: [nq('A', '$farm', 'fleet.summary')], options: statFields('/^(online|offline)$/') },
    {
      type: 'stat',
      title: 'Hottest board',
      w: 6,
      h: 4,
      unit: 'celsius',
      thresholds: TEMP,
      targets: [nq('A', '$farm', 'fleet.summary')],
      options: statFields('/^maxTemp$/'),
    },
    { type: 'stat', title: 'Hashprice', w: 6, h: 4, unit: 'currencyUSD', targets: [nq('A', '$profit', 'market')], options: statFields('/^hashprice$/') },
    { type: 'timeseries', title: 'Fleet profit per day', w: 24, h: 7, targets: [nq('A', '$profit', 'fleet.history')] },
    row('Bots'),
    { type: 'table', title: 'Bots', w: 24, h: 6, targets: [nq('A', '$bot', 'bots')] },
    { type: 'timeseries', title: 'Daily profit', w: 24, h: 7, targets: [nq('A', '$bot', 'daily')] },
  ],
};

const bitcoin: DashboardSpec = {
  uid: 'nodescope-bitcoin',
  title: 'nodescope - Bitcoin node',
  description: 'Chain, blocks, traffic, mempool and ZMQ of one Bitcoin Core node',
  tags: ['bitcoin'],
  variables: nodeVars(),
  annotations: blockAnnotations(),
  panels: [
    row('Chain'),
    { type: 'stat', title: 'Blocks / headers', w: 6, h: 4, decimals: 0, targets: [nq('A', '$node', 'chain.info')], options: statFields('/^(blocks|headers)$/') },
    {
      type: 'stat',
      title: 'Tip age',
      w: 4,
      h: 4,
      unit: 's',
      targets: [nq('A', '$node', 'chain.info')],
      options: statFields('/^tipAgeSeconds$/'),
      thresholds: [
        [null, 'green'],
        [1800, 'orange'],
        [3600, 'red'],
      ],
    },
    { type: 'stat', title: 'Verification progress', w: 4, h: 4, unit: 'percentunit', decimals: 3, targets: [nq('A', '$node', 'chain.info')], options: statFields('/^verificationProgress$/') },
    { type: 'stat', title: 'Network hashrate', w: 5, h: 4, unit: 'Hs', targets: [nq('A', '$node', 'chain.info')], options: statFields('/^networkHashps$/') },
    { type: 'stat', title: 'Size on disk', w: 5, h: 4, unit: 'decbytes', targets: [nq('A', '$node', 'chain.info')], options: statFields('/^sizeOnDisk$/') },
    { type: 'table', title: 'Recent blocks', w: 12, h: 9, targets: [nq('A', '$node', 'blocks.recent', { count: 20 })] },
    {
      type: 'timeseries',
      title: 'Block fee rates (p10-p90)',
      w: 12,
      h: 9,
      unit: 'sat/vB',
      targets: [nq('A', '$node', 'blocks.recent', { count: 50 })],
      options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
      transformations: [{ id: 'filterFieldsByName', options: { include: { pattern: '^(time|feeRateP\\d+|avgFeeRate)$' } } }],
    },
    row('Network and mempool'),
    { type: 'timeseries', title: 'Traffic', w: 12, h: 8, unit: 'Bps', targets: [nq('A', '$node', 'network.traffic')] },
    {
      type: 'timeseries',
      title: 'Mempool',
      w: 12,
      h: 8,
      targets: [nq('A', '$node', 'mempool.summary')],
      transformations: [{ id: 'filterFieldsByName', options: { include: { names: ['time', 'size', 'bytes', 'usage'] } } }],
    },
    { type: 'table', title: 'Fee estimates', w: 8, h: 7, targets: [nq('A', '$node', 'fees.estimates')] },
    { type: 'table', title: 'ZMQ', w: 16, h: 7, targets: [nq('A', '$node', 'zmq.status')] },
  ],
};

const mempool: DashboardSpec = {
  uid: 'nodescope-mempool',
  title: 'nodescope - Mempool',
  description: 'Live mempool by fee band, projected blocks and fee estimates',
  tags: ['bitcoin', 'mempool'],
  variables: nodeVars(),
  annotations: [nodescopeAnnotation('Blocks', '$node', 'blocks', 'rgba(115, 191, 105, 0.6)')],
  refresh: '10s',
  time: { from: 'now-3h', to: 'now' },
  panels: [
    {
      type: 'nodescope-mempool-panel',
      title: 'Mempool by fee band',
      w: 24,
      h: 12,
      targets: [nq('A', '$node', 'mempool.histogram', undefined, { live: true }), nq('B', '$node', 'mempool.blocks')],
    },
    { type: 'stat', title: 'Transactions', w: 6, h: 4, targets: [nq('A', '$node', 'mempool.summary')], options: statFields('/^size$/') },
    { type: 'stat', title: 'Virtual size', w: 6, h: 4, unit: 'decbytes', targets: [nq('A', '$node', 'mempool.summary')], options: statFields('/^bytes$/') },
    { type: 'stat', title: 'Memory usage', w: 6, h: 4, unit: 'decbytes', targets: [nq('A', '$node', 'mempool.summary')], options: statFields('/^usage$/') },
    { type: 'stat', title: 'Min fee', w: 6, h: 4, unit: 'sat/vB', targets: [nq('A', '$node', 'mempool.summary')], options: statFields('/^minFee$/') },
    { type: 'table', title: 'Projected blocks', w: 14, h: 9, targets: [nq('A', '$node', 'mempool.blocks')] },
    { type: 'table', title: 'Fee estimates', w: 10, h: 9, targets: [nq('A', '$node', 'fees.estimates')] },
  ],
};

const peers: DashboardSpec = {
  uid: 'nodescope-bitcoin-peers',
  title: 'nodescope - Bitcoin peers',
  description: 'Where the node connects, with geo/ASN, ping and traffic per peer',
  tags: ['bitcoin', 'peers'],
  variables: nodeVars(),
  panels: [
    { type: 'nodescope-peermap-panel', title: 'Peer map', w: 24, h: 12, targets: [nq('A', '$node', 'network.peers')] },
    {
      type: 'piechart',
      title: 'Peers by network',
      w: 8,
      h: 8,
      targets: [nq('A', '$node', 'network.peers')],
      transformations: [{ id: 'groupBy', options: { fields: { network: { aggregations: [], operation: 'groupby' }, id: { aggregations: ['count'], operation: 'aggregate' } } } }],
    },
    {
      type: 'piechart',
      title: 'Peers by direction',
      w: 8,
      h: 8,
      targets: [nq('A', '$node', 'network.peers')],
      transformations: [{ id: 'groupBy', options: { fields: { direction: { aggregations: [], operation: 'groupby' }, id: { aggregations: ['count'], operation: 'aggregate' } } } }],
    },
    { type: 'timeseries', title: 'Traffic', w: 8, h: 8, unit: 'Bps', targets: [nq('A', '$node', 'network.traffic')] },
    { type: 'table', title: 'Peers', w: 24, h: 10, targets: [nq('A', '$node', 'network.peers')] },
  ],
};

const electrum: DashboardSpec = {
  uid: 'nodescope-electrum',
  title: 'nodescope - Electrum server',
  description: 'Electrs / Fulcrum index height against the node, and server statistics',
  tags: ['bitcoin', 'electrum'],
  variables: nodeVars(),
  panels: [
    { type: 'stat', title: 'Index / node height', w: 8, h: 4, decimals: 0, targets: [nq('A', '$node', 'electrum.stats')], options: statFields('/^(indexHeight|nodeHeight)$/', { graphMode: 'none' }) },
    {
      type: 'stat',
      title: 'Index lag (blocks)',
      w: 5,
      h: 4,
      decimals: 0,
      targets: [nq('A', '$node', 'electrum.stats')],
      options: statFields('/^lagBlocks$/', { graphMode: 'none' }),
      thresholds: [
        [null, 'green'],
        [1, 'orange'],
        [3, 'red'],
      ],
    },
    { type: 'stat', title: 'Requests/s', w: 5, h: 4, unit: 'reqps', targets: [nq('A', '$node', 'electrum.stats')], options: statFields('/^requestsPerSecond$/') },
    { type: 'stat', title: 'Clients (Fulcrum)', w: 6, h: 4, targets: [nq('A', '$node', 'electrum.stats')], options: statFields('/^clients$/', { graphMode: 'none' }) },
    { type: 'table', title: 'Electrum server', w: 24, h: 4, targets: [nq('A', '$node', 'electrum.stats')] },
    // history of the same values from Prometheus (the datasource serves the current reading)
    {
      type: 'timeseries',
      title: 'Index lag over time (Prometheus)',
      w: 12,
      h: 8,
      targets: [pq('A', 'electrum_index_lag_blocks{source=~"$node"}', '{{source}} {{kind}}')],
    },
    {
      type: 'timeseries',
      title: 'Requests/s over time (Prometheus)',
      w: 12,
      h: 8,
      unit: 'reqps',
      targets: [pq('A', 'electrum_requests_per_second{source=~"$node"}', '{{source}} {{kind}}')],
    },
  ],
};

const stacks: DashboardSpec = {
  uid: 'nodescope-stacks',
  title: 'nodescope - Stacks node and signer',
  description: 'Stacks tip, burn height, neighbors, signer and parsed node logs',
  tags: ['stacks'],
  variables: [
    sourcesVariable('stacks', 'Stacks node', 'stacks'),
    {
      type: 'custom',
      name: 'level',
      label: 'Log level',
      query: 'error,warn,info,debug',
      multi: true,
      includeAll: true,
      current: { text: ['error', 'warn'], value: ['error', 'warn'] },
      options: [],
      hide: 0,
    },
  ],
  annotations: [nodescopeAnnotation('Tenures', '$stacks', 'tenures', 'orange')],
  panels: [
    row('Node'),
    { type: 'table', title: 'Node info', w: 24, h: 5, targets: [nq('A', '$stacks', 'node.info')] },
    { type: 'stat', title: 'Tip and burn heights', w: 8, h: 8, decimals: 0, targets: [nq('A', '$stacks', 'node.info')], options: statFields('/^(stacks_tip_height|burn_block_height)$/', { graphMode: 'none' }) },
    {
      type: 'stat',
      title: 'Tip age / burn lag',
      w: 4,
      h: 8,
      targets: [nq('A', '$stacks', 'node.info')],
      options: statFields('/^(tip_age|burn_block_lag)$/', { graphMode: 'none' }),
      overrides: [{ matcher: { id: 'byName', options: 'tip_age' }, properties: [{ id: 'unit', value: 's' }] }],
    },
    { type: 'table', title: 'Neighbors', w: 12, h: 8, targets: [nq('A', '$stacks', 'node.neighbors')] },
    row('Signer'),
    { type: 'table', title: 'Signer', w: 24, h: 6, targets: [nq('A', '$stacks', 'signer.status')] },
    row('Logs'),
    { type: 'logs', title: 'Node log', w: 24, h: 14, targets: [nq('A', '$stacks', 'logs', { level: ['$level'], limit: 500 })] },
  ],
};

const geth: DashboardSpec = {
  uid: 'nodescope-geth',
  title: 'nodescope - Geth',
  description: 'Geth head, sync, peers, txpool and fee history',
  tags: ['geth', 'ethereum'],
  variables: [sourcesVariable('geth', 'Geth node', 'geth')],
  annotations: [nodescopeAnnotation('Blocks', '$geth', 'blocks', 'rgba(115, 191, 105, 0.6)')],
  panels: [
    { type: 'table', title: 'Head', w: 12, h: 5, targets: [nq('A', '$geth', 'chain.head')] },
    { type: 'table', title: 'Sync', w: 12, h: 5, targets: [nq('A', '$geth', 'sync.status')] },
    { type: 'bargauge', title: 'Txpool', w: 12, h: 8, targets: [nq('A', '$geth', 'txpool.status')], options: { ...statFields('/^(pending|queued|local)$/'), displayMode: 'gradient', orientation: 'horizontal' } },
    {
      // one row per block: block number on the x axis
      type: 'barchart',
      title: 'Fee history (base fee per block, gwei)',
      w: 12,
      h: 8,
      targets: [nq('A', '$geth', 'fees.history', { blocks: 20 })],
      options: { orientation: 'vertical', xField: 'block', showValue: 'never', stacking: 'none', legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, xTickLabelSpacing: 100 },
      transformations: [{ id: 'filterFieldsByName', options: { include: { names: ['block', 'base_fee'] } } }],
    },
    { type: 'table', title: 'Peers', w: 24, h: 9, targets: [nq('A', '$geth', 'network.peers')] },
  ],
};

const miningFleet: DashboardSpec = {
  uid: 'nodescope-mining-fleet',
  title: 'nodescope - Mining fleet',
  description: 'Fleet hashrate, miners, boards, fans and pools over the CGMiner API',
  tags: ['mining'],
  variables: [sourcesVariable('farm', 'Fleet', 'cgminer'), nodescopeVariable('miner', 'Miner', 'miners', '$farm')],
  annotations: [nodescopeAnnotation('Miner offline/online', '$farm', 'miner.status', 'red')],
  panels: [
    row('Fleet'),
    { type: 'stat', title: 'Hashrate', w: 5, h: 4, unit: 'Hs', targets: [nq('A', '$farm', 'fleet.summary')], options: statFields('/^hashrate$/') },
    { type: 'stat', title: 'Online / offline', w: 5, h: 4, targets: [nq('A', '$farm', 'fleet.summary')], options: statFields('/^(online|offline)$/') },
    { type: 'stat', title: 'Power', w: 4, h: 4, unit: 'watt', targets: [nq('A', '$farm', 'fleet.summary')], options: statFields('/^powerWatts$/') },
    {
      type: 'stat',
      title: 'Reject rate',
      w: 5,
      h: 4,
      unit: 'percent',
      decimals: 2,
      targets: [nq('A', '$farm', 'fleet.summary')],
      options: statFields('/^rejectPercent$/'),
      thresholds: [
        [null, 'green'],
        [2, 'orange'],
        [5, 'red'],
      ],
    },
    { type: 'stat', title: 'Hottest board', w: 5, h: 4, unit: 'celsius', thresholds: TEMP, targets: [nq('A', '$farm', 'fleet.summary')], options: statFields('/^maxTemp$/') },
    { type: 'table', title: 'Miners', w: 24, h: 10, targets: [nq('A', '$farm', 'miners')] },
    row('Miner $miner'),
    {
      type: 'timeseries',
      title: 'Hashrate and temperature',
      w: 24,
      h: 8,
      targets: [nq('A', '$farm', 'miner.history', { miner: '$miner' })],
      overrides: [
        { matcher: { id: 'byName', options: 'hashrate' }, properties: [{ id: 'unit', value: 'Hs' }] },
        { matcher: { id: 'byName', options: 'maxTemp' }, properties: [{ id: 'unit', value: 'celsius' }, { id: 'custom.axisPlacement', value: 'right' }] },
      ],
    },
    { type: 'table', title: 'Boards and fans', w: 12, h: 8, targets: [nq('A', '$farm', 'miner.devices', { miner: '$miner' })] },
    { type: 'table', title: 'Pools', w: 12, h: 8, targets: [nq('A', '$farm', 'miner.pools', { miner: '$miner' })] },
  ],
};

const profitability: DashboardSpec = {
  uid: 'nodescope-profitability',
  title: 'nodescope - Mining profitability',
  description: 'Price, difficulty, hashprice and per-miner revenue, cost, profit and break-even',
  tags: ['mining', 'profitability'],
  variables: [
    sourcesVariable('profit', 'Profitability', 'profitability'),
    { type: 'textbox', name: 'kwh', label: 'What-if $/kWh', query: '0.08', current: { text: '0.08', value: '0.08' }, options: [], hide: 0 },
    { type: 'textbox', name: 'jth', label: 'What-if J/TH', query: '21.5', current: { text: '21.5', value: '21.5' }, options: [], hide: 0 },
  ],
  annotations: [
    nodescopeAnnotation('Difficulty adjustments', '$profit', 'difficulty', 'purple'),
    nodescopeAnnotation('Halvings', '$profit', 'halving', 'orange'),
  ],
  panels: [
    { type: 'nodescope-profitability-panel', title: 'Fleet profitability', w: 24, h: 12, targets: [nq('A', '$profit', 'miners'), nq('B', '$profit', 'market')] },
    { type: 'stat', title: 'BTC price', w: 6, h: 4, unit: 'currencyUSD', targets: [nq('A', '$profit', 'market')], options: statFields('/^price$/') },
    { type: 'stat', title: 'Hashprice (per TH/s/day)', w: 6, h: 4, unit: 'currencyUSD', decimals: 4, targets: [nq('A', '$profit', 'market')], options: statFields('/^hashprice$/') },
    { type: 'stat', title: 'Next difficulty change', w: 6, h: 4, unit: 'percent', decimals: 2, targets: [nq('A', '$profit', 'market')], options: statFields('/^difficultyChangePercent$/') },
    { type: 'stat', title: 'Days to halving', w: 6, h: 4, decimals: 0, targets: [nq('A', '$profit', 'market')], options: statFields('/^daysToHalving$/') },
    { type: 'table', title: 'Miners', w: 24, h: 9, targets: [nq('A', '$profit', 'miners')] },
    { type: 'timeseries', title: 'Fleet revenue, cost and profit', w: 24, h: 8, targets: [nq('A', '$profit', 'fleet.history')] },
    { type: 'table', title: 'What if', w: 24, h: 7, targets: [nq('A', '$profit', 'whatif', { electricityPerKwh: '$kwh', joulesPerTh: '$jth' })] },
  ],
};

const freqtrade: DashboardSpec = {
  uid: 'nodescope-freqtrade',
  title: 'nodescope - Freqtrade',
  description: 'Bots, profit, trades, balance and health of Freqtrade bots',
  tags: ['freqtrade'],
  variables: [sourcesVariable('bot', 'Bot', 'freqtrade', { multi: true })],
  annotations: [nodescopeAnnotation('Trades', '$bot', 'trades', 'blue')],
  panels: [
    { type: 'table', title: 'Bots', w: 24, h: 5, targets: [nq('A', '$bot', 'bots')] },
    { type: 'table', title: 'Profit', w: 12, h: 7, targets: [nq('A', '$bot', 'profit')] },
    { type: 'barchart', title: 'Daily profit', w: 12, h: 7, targets: [nq('A', '$bot', 'daily')] },
    { type: 'table', title: 'Open trades', w: 24, h: 7, targets: [nq('A', '$bot', 'open.trades')] },
    { type: 'table', title: 'Closed trades', w: 24, h: 9, targets: [nq('A', '$bot', 'trades')] },
    { type: 'table', title: 'Performance by pair', w: 12, h: 8, targets: [nq('A', '$bot', 'performance')] },
    { type: 'table', title: 'Balance', w: 12, h: 8, targets: [nq('A', '$bot', 'balance')] },
    { type: 'table', title: 'Health', w: 24, h: 5, targets: [nq('A', '$bot', 'health')] },
  ],
};

// --- Prometheus-backed (from /metrics alone) ----------------------------------------------------

const S = '{source=~"$source"}';

const proxy: DashboardSpec = {
  uid: 'nodescope-proxy',
  title: 'nodescope - Proxy',
  description: 'The proxy itself: sources up, query latency and errors, upstream calls, cache',
  tags: ['proxy', 'prometheus'],
  variables: [promLabelVariable('source', 'Source', 'nodescope_source_up', 'source')],
  panels: [
    {
      type: 'state-timeline',
      title: 'Source status',
      w: 24,
      h: 7,
      targets: [pq('A', `nodescope_source_status${S}`)],
      overrides: [],
      custom: { fillOpacity: 80, lineWidth: 0 },
      thresholds: [
        [null, 'green'],
        [1, 'blue'],
        [2, 'orange'],
        [3, 'red'],
      ],
      options: {
        mergeValues: true,
        showValue: 'never',
        alignValue: 'left',
        rowHeight: 0.9,
        legend: { displayMode: 'list', placement: 'bottom', showLegend: false },
      },
      description: '0 ok, 1 starting, 2 degraded, 3 down',
    },
    {
      type: 'timeseries',
      title: 'Query latency p95',
      w: 12,
      h: 8,
      unit: 's',
      targets: [pq('A', 'histogram_quantile(0.95, sum by (le, query) (rate(nodescope_query_seconds_bucket[$__rate_interval])))', '{{query}}')],
    },
    { type: 'timeseries', title: 'Query errors', w: 12, h: 8, unit: 'reqps', targets: [pq('A', 'sum by (query) (rate(nodescope_query_errors_total[$__rate_interval]))', '{{query}}')] },
    {
      type: 'timeseries',
      title: 'Upstream latency p95',
      w: 12,
      h: 8,
      unit: 's',
      targets: [pq('A', `histogram_quantile(0.95, sum by (le, source, upstream) (rate(nodescope_upstream_request_seconds_bucket${S}[$__rate_interval])))`, '{{source}} {{upstream}}')],
    },
    {
      type: 'timeseries',
      title: 'Upstream errors',
      w: 12,
      h: 8,
      unit: 'reqps',
      targets: [pq('A', `sum by (source, upstream, reason) (rate(nodescope_upstream_errors_total${S}[$__rate_interval]))`, '{{source}} {{upstream}} {{reason}}')],
    },
    {
      type: 'timeseries',
      title: 'Cache',
      w: 24,
      h: 8,
      unit: 'reqps',
      targets: [
        pq('A', 'sum(rate(nodescope_cache_hits_total[$__rate_interval]))', 'hits'),
        pq('B', 'sum(rate(nodescope_cache_misses_total[$__rate_interval]))', 'misses'),
        pq('C', 'sum(rate(nodescope_coalesced_requests_total[$__rate_interval]))', 'coalesced'),
      ],
    },
  ],
};

const promBitcoin: DashboardSpec = {
  uid: 'nodescope-prom-bitcoin',
  title: 'nodescope - Bitcoin node (Prometheus)',
  description: 'bitcoin-prometheus-exporter compatible series from /metrics',
  tags: ['bitcoin', 'prometheus'],
  variables: [promLabelVariable('source', 'Node', 'bitcoin_blocks', 'source')],
  panels: [
    { type: 'stat', title: 'Height', w: 6, h: 4, decimals: 0, targets: [pq('A', `bitcoin_blocks${S}`)] },
    { type: 'stat', title: 'Peers', w: 6, h: 4, targets: [pq('A', `bitcoin_peers${S}`)], thresholds: [[null, 'red'], [4, 'orange'], [8, 'green']] },
    { type: 'stat', title: 'Verification progress', w: 6, h: 4, unit: 'percentunit', decimals: 3, targets: [pq('A', `bitcoin_verification_progress${S}`)] },
    { type: 'stat', title: 'Size on disk', w: 6, h: 4, unit: 'decbytes', targets: [pq('A', `bitcoin_size_on_disk${S}`)] },
    { type: 'timeseries', title: 'Blocks in the last hour', w: 12, h: 8, targets: [pq('A', `changes(bitcoin_blocks${S}[1h])`)] },
    {
      type: 'timeseries',
      title: 'Connections',
      w: 12,
      h: 8,
      targets: [pq('A', `bitcoin_conn_in${S}`, '{{source}} in'), pq('B', `bitcoin_conn_out${S}`, '{{source}} out')],
    },
    {
      type: 'timeseries',
      title: 'Mempool',
      w: 12,
      h: 8,
      unit: 'decbytes',
      targets: [pq('A', `bitcoin_mempool_bytes${S}`, '{{source}} vsize'), pq('B', `bitcoin_mempool_usage${S}`, '{{source}} memory')],
    },
    { type: 'timeseries', title: 'Mempool transactions', w: 12, h: 8, targets: [pq('A', `bitcoin_mempool_size${S}`)] },
    {
      type: 'timeseries',
      title: 'Smart fee estimates (sat/vB)',
      w: 12,
      h: 8,
      unit: 'sat/vB',
      // the exporter publishes BTC/kvB: x 1e8 sat / 1000 vB
      targets: [
        pq('A', `bitcoin_est_smart_fee_2${S} * 1e5`, '{{source}} 2 blocks'),
        pq('B', `bitcoin_est_smart_fee_6${S} * 1e5`, '{{source}} 6 blocks'),
        pq('C', `bitcoin_est_smart_fee_144${S} * 1e5`, '{{source}} 144 blocks'),
      ],
    },
    {
      type: 'timeseries',
      title: 'Traffic',
      w: 12,
      h: 8,
      unit: 'Bps',
      targets: [
        pq('A', `rate(bitcoin_total_bytes_recv${S}[$__rate_interval])`, '{{source}} in'),
        pq('B', `rate(bitcoin_total_bytes_sent${S}[$__rate_interval])`, '{{source}} out'),
      ],
    },
    { type: 'timeseries', title: 'Network hashrate', w: 12, h: 8, unit: 'Hs', targets: [pq('A', `bitcoin_hashps${S}`)] },
    { type: 'timeseries', title: 'Difficulty', w: 12, h: 8, targets: [pq('A', `bitcoin_difficulty${S}`)] },
    { type: 'timeseries', title: 'Electrum index lag (blocks)', w: 12, h: 8, targets: [pq('A', `electrum_index_lag_blocks${S}`, '{{source}} {{kind}}')] },
    {
      type: 'timeseries',
      title: 'ZMQ connected',
      w: 12,
      h: 8,
      targets: [pq('A', `bitcoin_zmq_connected${S}`)],
      custom: { drawStyle: 'line', lineInterpolation: 'stepAfter' },
      min: 0,
      max: 1,
    },
  ],
};

const promMining: DashboardSpec = {
  uid: 'nodescope-prom-mining',
  title: 'nodescope - Mining fleet (Prometheus)',
  description: 'mining_* series from /metrics, across every proxy and farm',
  tags: ['mining', 'prometheus'],
  variables: [
    promLabelVariable('source', 'Fleet', 'mining_fleet_hashrate_hashes_per_second', 'source'),
    promLabelVariable('miner', 'Miner', 'mining_up{source=~"$source"}', 'miner'),
  ],
  panels: [
    { type: 'stat', title: 'Fleet hashrate', w: 6, h: 4, unit: 'Hs', targets: [pq('A', `sum(mining_fleet_hashrate_hashes_per_second${S})`, 'hashrate')] },
    { type: 'stat', title: 'Miners online', w: 6, h: 4, targets: [pq('A', 'sum(mining_up{source=~"$source", miner=~"$miner"})', 'online')] },
    {
      type: 'stat',
      title: 'Miners offline',
      w: 6,
      h: 4,
      targets: [pq('A', 'count(mining_up{source=~"$source", miner=~"$miner"} == 0) or vector(0)', 'offline')],
      thresholds: [
        [null, 'green'],
        [1, 'red'],
      ],
    },
    { type: 'stat', title: 'Fleet power', w: 6, h: 4, unit: 'watt', targets: [pq('A', `sum(mining_fleet_power_watts${S})`, 'power')] },
    {
      type: 'timeseries',
      title: 'Hashrate per miner',
      w: 24,
      h: 8,
      unit: 'Hs',
      targets: [pq('A', 'mining_hashrate_hashes_per_second{source=~"$source", miner=~"$miner"}', '{{miner}}')],
    },
    {
      type: 'timeseries',
      title: 'Hottest board per miner',
      w: 12,
      h: 8,
      unit: 'celsius',
      thresholds: TEMP,
      targets: [pq('A', 'mining_temperature_max_celsius{source=~"$source", miner=~"$miner"}', '{{miner}}')],
    },
    { type: 'timeseries', title: 'Slowest fan per miner', w: 12, h: 8, unit: 'rotrpm', targets: [pq('A', 'mining_fan_min_rpm{source=~"$source", miner=~"$miner"}', '{{miner}}')] },
    {
      type: 'timeseries',
      title: 'Reject rate',
      w: 12,
      h: 8,
      unit: 'percentunit',
      targets: [
        pq(
          'A',
          'sum by (miner) (rate(mining_shares_rejected_total{source=~"$source", miner=~"$miner"}[$__rate_interval])) / (sum by (miner) (rate(mining_shares_accepted_total{source=~"$source", miner=~"$miner"}[$__rate_interval])) + sum by (miner) (rate(mining_shares_rejected_total{source=~"$source", miner=~"$miner"}[$__rate_interval])))',
          '{{miner}}'
        ),
      ],
    },
    {
      type: 'state-timeline',
      title: 'Miner up',
      w: 12,
      h: 8,
      targets: [pq('A', 'mining_up{source=~"$source", miner=~"$miner"}', '{{miner}}')],
      thresholds: [
        [null, 'red'],
        [1, 'green'],
      ],
    },
    {
      type: 'table',
      title: 'Active pool and pools alive',
      w: 24,
      h: 8,
      targets: [pqi('A', 'mining_pool_active_info{source=~"$source", miner=~"$miner"}'), pqi('B', 'mining_pools_alive{source=~"$source", miner=~"$miner"}')],
      transformations: [{ id: 'organize', options: { excludeByName: { Time: true, __name__: true } } }],
    },
  ],
};

const promStacks: DashboardSpec = {
  uid: 'nodescope-prom-stacks',
  title: 'nodescope - Stacks node and signer (Prometheus)',
  description: "stacks_node_* / stacks_signer_* as the node and signer expose them, plus the proxy's stacks_info_*",
  tags: ['stacks', 'prometheus'],
  variables: [promLabelVariable('source', 'Stacks node', 'stacks_info_stacks_tip_height', 'source')],
  panels: [
    { type: 'stat', title: 'Stacks tip', w: 6, h: 4, decimals: 0, targets: [pq('A', `stacks_info_stacks_tip_height${S}`)] },
    { type: 'stat', title: 'Burn height', w: 6, h: 4, decimals: 0, targets: [pq('A', `stacks_info_burn_block_height${S}`)] },
    {
      type: 'stat',
      title: 'Tip age',
      w: 6,
      h: 4,
      unit: 's',
      targets: [pq('A', `stacks_info_tip_age_seconds${S}`)],
      thresholds: [
        [null, 'green'],
        [600, 'orange'],
        [1800, 'red'],
      ],
    },
    { type: 'stat', title: 'Burn lag (blocks)', w: 6, h: 4, targets: [pq('A', `stacks_burn_block_lag${S}`)], thresholds: [[null, 'green'], [1, 'orange'], [3, 'red']] },
    {
      type: 'timeseries',
      title: 'Heights: node vs signer',
      w: 12,
      h: 8,
      targets: [pq('A', `stacks_info_stacks_tip_height${S}`, '{{source}} node'), pq('B', `max by (source) (stacks_signer_stacks_node_height${S})`, '{{source}} signer')],
    },
    { type: 'timeseries', title: 'Neighbors', w: 12, h: 8, targets: [pq('A', `stacks_info_neighbors${S}`, '{{source}} {{direction}}')] },
    {
      type: 'timeseries',
      title: 'Signer block responses',
      w: 12,
      h: 8,
      unit: 'ops',
      targets: [pq('A', `sum by (source, response_type) (rate(stacks_signer_block_responses_sent${S}[$__rate_interval]))`, '{{source}} {{response_type}}')],
    },
    { type: 'timeseries', title: 'Log lines by level', w: 12, h: 8, unit: 'ops', targets: [pq('A', `sum by (source, level) (rate(stacks_log_lines_total${S}[$__rate_interval]))`, '{{source}} {{level}}')] },
    { type: 'timeseries', title: 'Node mempool', w: 12, h: 8, targets: [pq('A', `stacks_node_mempool_outstanding_txs${S}`, '{{source}} {{handler}}')] },
    {
      type: 'timeseries',
      title: 'Node RPC latency p95',
      w: 12,
      h: 8,
      unit: 's',
      targets: [pq('A', `histogram_quantile(0.95, sum by (le, source) (rate(stacks_node_rpc_call_latencies_histogram_bucket${S}[$__rate_interval])))`)],
    },
  ],
};

const promGeth: DashboardSpec = {
  uid: 'nodescope-prom-geth',
  title: 'nodescope - Geth (Prometheus)',
  description: "geth_rpc_* read by the proxy over JSON-RPC, plus geth's own metrics mirrored as geth_*",
  tags: ['geth', 'ethereum', 'prometheus'],
  variables: [promLabelVariable('source', 'Geth node', 'geth_rpc_head_block', 'source')],
  panels: [
    { type: 'stat', title: 'Head', w: 6, h: 4, decimals: 0, targets: [pq('A', `geth_rpc_head_block${S}`)] },
    {
      type: 'stat',
      title: 'Head age',
      w: 6,
      h: 4,
      unit: 's',
      targets: [pq('A', `geth_rpc_head_age_seconds${S}`)],
      thresholds: [
        [null, 'green'],
        [36, 'orange'],
        [120, 'red'],
      ],
    },
    { type: 'stat', title: 'Peers', w: 6, h: 4, targets: [pq('A', `geth_rpc_peers${S}`)], thresholds: [[null, 'red'], [5, 'orange'], [10, 'green']] },
    { type: 'stat', title: 'Syncing', w: 6, h: 4, targets: [pq('A', `geth_rpc_syncing${S}`)], thresholds: [[null, 'green'], [1, 'orange']] },
    { type: 'timeseries', title: 'Blocks per minute', w: 12, h: 8, targets: [pq('A', `rate(geth_rpc_head_block${S}[5m]) * 60`)] },
    { type: 'timeseries', title: 'Txpool', w: 12, h: 8, targets: [pq('A', `geth_rpc_txpool_transactions${S}`, '{{source}} {{state}}')] },
    { type: 'timeseries', title: 'Base fee and gas price', w: 12, h: 8, unit: 'none', targets: [pq('A', `geth_rpc_base_fee_gwei${S}`, '{{source}} base fee (gwei)'), pq('B', `geth_rpc_gas_price_gwei${S}`, '{{source}} gas price (gwei)')] },
    { type: 'timeseries', title: 'Peers (geth p2p)', w: 12, h: 8, targets: [pq('A', `geth_p2p_peers${S}`)] },
    { type: 'timeseries', title: 'Sync remaining blocks', w: 24, h: 7, targets: [pq('A', `geth_rpc_sync_remaining_blocks${S}`)] },
  ],
};

const promFreqtrade: DashboardSpec = {
  uid: 'nodescope-prom-freqtrade',
  title: 'nodescope - Freqtrade (Prometheus)',
  description: 'ftmetric-compatible freqtrade_* series from /metrics',
  tags: ['freqtrade', 'prometheus'],
  variables: [promLabelVariable('source', 'Bot', 'freqtrade_build_info', 'source')],
  panels: [
    {
      type: 'state-timeline',
      title: 'Bot state',
      w: 24,
      h: 6,
      targets: [pq('A', `freqtrade_state${S}`, '{{source}}')],
      description: 'stopped 0, running 1, stop_buy 2, unknown -1',
      thresholds: [
        [null, 'red'],
        [1, 'green'],
        [2, 'orange'],
      ],
    },
    { type: 'timeseries', title: 'Realized profit', w: 12, h: 8, targets: [pq('A', `freqtrade_perf_realized${S}`, '{{source}} {{stake}}')] },
    { type: 'timeseries', title: 'Realized profit %', w: 12, h: 8, unit: 'percentunit', targets: [pq('A', `freqtrade_perf_realized_pct${S}`)] },
    {
      type: 'timeseries',
      title: 'Drawdown',
      w: 12,
      h: 8,
      unit: 'percentunit',
      targets: [pq('A', `freqtrade_drawdown_current_ratio${S}`, '{{source}} current'), pq('B', `freqtrade_drawdown_max_ratio${S}`, '{{source}} max')],
    },
    {
      type: 'timeseries',
      title: 'Heartbeat age',
      w: 12,
      h: 8,
      unit: 's',
      targets: [pq('A', `freqtrade_heartbeat_age_seconds${S}`)],
      thresholds: [
        [null, 'green'],
        [300, 'red'],
      ],
    },
    {
      type: 'timeseries',
      title: 'Open trades',
      w: 12,
      h: 8,
      targets: [pq('A', `freqtrade_trade_open_current${S}`, '{{source}} open'), pq('B', `freqtrade_trade_open_max${S}`, '{{source}} max')],
    },
    {
      type: 'timeseries',
      title: 'Winning / losing trades (per hour)',
      w: 12,
      h: 8,
      targets: [
        pq('A', `sum by (source) (increase(freqtrade_trade_winning${S}[1h]))`, '{{source}} winning'),
        pq('B', `sum by (source) (increase(freqtrade_trade_losing${S}[1h]))`, '{{source}} losing'),
      ],
    },
    { type: 'bargauge', title: 'Profit by pair', w: 12, h: 8, targets: [pqi('A', `freqtrade_pair_profit_abs${S}`, '{{source}} {{pair}}')] },
    { type: 'timeseries', title: 'Balance', w: 12, h: 8, targets: [pq('A', `freqtrade_crypto_balance${S}`, '{{source}} {{stake}}')] },
  ],
};

// --- InfluxDB-backed (the proxy's line-protocol writer) -----------------------------------------

const influxBitcoin: DashboardSpec = {
  uid: 'nodescope-influx-bitcoin',
  title: 'nodescope - Bitcoin node (InfluxDB)',
  description: 'The /metrics series as the proxy writes them to InfluxDB: measurement = metric name, tag source, field value',
  tags: ['bitcoin', 'influxdb'],
  variables: [influxTagVariable('source', 'Node', 'bitcoin_blocks', 'source')],
  panels: [
    { type: 'stat', title: 'Height', w: 6, h: 4, decimals: 0, targets: [iq('A', influxSeries('bitcoin_blocks'))] },
    { type: 'stat', title: 'Peers', w: 6, h: 4, targets: [iq('A', influxSeries('bitcoin_peers'))] },
    { type: 'stat', title: 'Verification progress', w: 6, h: 4, unit: 'percentunit', decimals: 3, targets: [iq('A', influxSeries('bitcoin_verification_progress'))] },
    { type: 'stat', title: 'Mempool transactions', w: 6, h: 4, targets: [iq('A', influxSeries('bitcoin_mempool_size'))] },
    { type: 'timeseries', title: 'Height', w: 12, h: 8, targets: [iq('A', influxSeries('bitcoin_blocks'))] },
    { type: 'timeseries', title: 'Peers', w: 12, h: 8, targets: [iq('A', influxSeries('bitcoin_peers'))] },
    { type: 'timeseries', title: 'Mempool size', w: 12, h: 8, unit: 'decbytes', targets: [iq('A', influxSeries('bitcoin_mempool_bytes'))] },
    { type: 'timeseries', title: 'Mempool memory', w: 12, h: 8, unit: 'decbytes', targets: [iq('A', influxSeries('bitcoin_mempool_usage'))] },
    {
      type: 'timeseries',
      title: 'Traffic',
      w: 24,
      h: 8,
      unit: 'Bps',
      targets: [
        iq('A', `SELECT non_negative_derivative(last("value"), 1s) FROM "bitcoin_total_bytes_recv" WHERE "source" =~ /^$source$/ AND $timeFilter GROUP BY time($__interval), "source" fill(none)`, '$tag_source in'),
        iq('B', `SELECT non_negative_derivative(last("value"), 1s) FROM "bitcoin_total_bytes_sent" WHERE "source" =~ /^$source$/ AND $timeFilter GROUP BY time($__interval), "source" fill(none)`, '$tag_source out'),
      ],
    },
  ],
};

export const DASHBOARDS: Record<'nodescope' | 'prometheus' | 'influxdb', DashboardSpec[]> = {
  nodescope: [home, bitcoin, mempool, peers, electrum, stacks, geth, miningFleet, profitability, freqtrade, proxy],
  prometheus: [promBitcoin, promMining, promStacks, promGeth, promFreqtrade],
  influxdb: [influxBitcoin],
};

export function dashboardFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [folder, list] of Object.entries(DASHBOARDS)) {
    for (const spec of list) files[`dashboards/${folder}/${spec.uid}.json`] = `${JSON.stringify(dashboard(spec), null, 2)}\n`;
  }
  return files;
}

export type { Json };
