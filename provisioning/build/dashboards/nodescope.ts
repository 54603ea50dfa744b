// Dashboards on the nodescope datasource (folder "nodescope"): live queries through the proxy,
// with query names from the shared catalog.
import { dashboardInfo, LIST_LEGEND, statFields, type DashboardSpec } from '../grafana.ts';
import {
  barChart,
  barGauge,
  countBy,
  fieldsRegex,
  keepFields,
  keepFieldsMatching,
  logs,
  mempoolPanel,
  override,
  peerMapPanel,
  pieChart,
  profitabilityPanel,
  row,
  stat,
  statsOf,
  steps,
  table,
  timeseries,
} from '../panels.ts';
import { nodescope, nodescopeOf, prometheus } from '../targets.ts';
import { networkVariable, nodescopeAnnotation, nodescopeVariable, sourcesVariable, textboxVariable } from '../variables.ts';

export const BOARD_TEMPERATURE = steps('green', [75, 'orange'], [85, 'red']);
const BLOCK_COLOR = 'rgba(115, 191, 105, 0.6)';

// the source variables the dashboards below query
const node = nodescopeOf('$node');
const farm = nodescopeOf('$farm');
const profit = nodescopeOf('$profit');
const bot = nodescopeOf('$bot');
const stx = nodescopeOf('$stacks');
const eth = nodescopeOf('$geth');
const ln = nodescopeOf('$lightning');
const cl = nodescopeOf('$beacon');

const nodeVars = () => [networkVariable(), sourcesVariable('node', 'Node', 'bitcoin', { network: '$network' })];
const blockAnnotations = () => [
  nodescopeAnnotation('Blocks', '$node', 'blocks', BLOCK_COLOR),
  nodescopeAnnotation('Reorgs', '$node', 'reorgs', 'red'),
  nodescopeAnnotation('Difficulty adjustments', '$node', 'difficulty', 'purple'),
];
const tipAge = () =>
  stat('Tip age', node('chain.info'), { w: 4, h: 4, unit: 's', fields: ['tipAgeSeconds'], thresholds: steps('green', [1800, 'orange'], [3600, 'red']) });

const home: DashboardSpec = {
  ...dashboardInfo('nodescope-home', 'Home', ['home'], 'Node health, fleet profit and bots on one page'),
  variables: [
    sourcesVariable('node', 'Bitcoin node', 'bitcoin'),
    sourcesVariable('farm', 'Mining fleet', 'cgminer'),
    sourcesVariable('profit', 'Profitability', 'profitability'),
    sourcesVariable('bot', 'Bots', 'freqtrade', { multi: true }),
  ],
  panels: [
    row('Bitcoin node'),
    stat('Height', node('chain.info'), { w: 4, h: 4, fields: ['blocks'], decimals: 0 }),
    tipAge(),
    stat('Verification', node('chain.info'), { w: 4, h: 4, unit: 'percentunit', decimals: 2, fields: ['verificationProgress'] }),
    stat('Mempool', node('mempool.summary'), { w: 4, h: 4, unit: 'decbytes', fields: ['bytes'] }),
    table('Next-block fee estimates', node('fees.estimates'), { w: 8, h: 4 }),
    row('Mining fleet'),
    stat('Fleet hashrate', farm('fleet.summary'), { w: 6, h: 4, unit: 'Hs', fields: ['hashrate'] }),
    stat('Online / offline', farm('fleet.summary'), { w: 6, h: 4, fields: ['online', 'offline'] }),
    stat('Hottest board', farm('fleet.summary'), { w: 6, h: 4, unit: 'celsius', thresholds: BOARD_TEMPERATURE, fields: ['maxTemp'] }),
    stat('Hashprice', profit('market'), { w: 6, h: 4, unit: 'currencyUSD', fields: ['hashprice'] }),
    timeseries('Fleet profit per day', profit('fleet.history'), { w: 24, h: 7 }),
    row('Bots'),
    table('Bots', bot('bots'), { w: 24, h: 6 }),
    timeseries('Daily profit', bot('daily'), { w: 24, h: 7 }),
  ],
};

const chainInfo = statsOf(node('chain.info'), { w: 4, h: 4 });
/** host.health: the datadir from the source's host block, bitcoind's clock offset and size_on_disk growth */
const hostHealth = statsOf(node('host.health'), { w: 6, h: 4, graphMode: 'none' });

const bitcoin: DashboardSpec = {
  ...dashboardInfo('nodescope-bitcoin', 'Bitcoin node', ['bitcoin'], 'Chain, blocks, traffic, mempool and ZMQ of one Bitcoin Core node'),
  variables: nodeVars(),
  annotations: blockAnnotations(),
  panels: [
    row('Chain'),
    chainInfo('Blocks / headers', ['blocks', 'headers'], { w: 6, decimals: 0 }),
    tipAge(),
    chainInfo('Verification progress', ['verificationProgress'], { unit: 'percentunit', decimals: 3 }),
    chainInfo('Network hashrate', ['networkHashps'], { w: 5, unit: 'Hs' }),
    chainInfo('Size on disk', ['sizeOnDisk'], { w: 5, unit: 'decbytes' }),
    table('Recent blocks', node('blocks.recent', { count: 20 }), { h: 9 }),
    timeseries('Block fee rates (p10-p90)', node('blocks.recent', { count: 50 }), {
      h: 9,
      unit: 'sat/vB',
      transformations: [keepFieldsMatching('^(time|feeRateP\\d+|avgFeeRate)$')],
    }),
    row('Network and mempool'),
    timeseries('Traffic', node('network.traffic'), { unit: 'Bps' }),
    timeseries('Mempool', node('mempool.summary'), { transformations: [keepFields('time', 'size', 'bytes', 'usage')] }),
    table('Fee estimates', node('fees.estimates'), { w: 8, h: 7 }),
    table('ZMQ', node('zmq.status'), { w: 16, h: 7 }),
    row('Host'),
    hostHealth('Datadir free', ['datadir_free_ratio'], {
      unit: 'percentunit',
      decimals: 1,
      thresholds: steps('red', [0.1, 'orange'], [0.2, 'green']),
      description: "Available share of the datadir's filesystem (statfs); no value without host.datadir in the source's config",
    }),
    hostHealth('Datadir full in', ['datadir_days_until_full'], {
      unit: 'd',
      decimals: 1,
      thresholds: steps('red', [7, 'orange'], [30, 'green']),
      description: 'At the least-squares growth over trendHours; no value while the disk is not filling',
    }),
    hostHealth('Clock offset', ['clock_offset_seconds'], {
      unit: 's',
      description: "getnetworkinfo timeoffset: the median of the outbound peers' clocks minus the node's (positive: this host is behind)",
    }),
    hostHealth('size_on_disk growth / day', ['size_on_disk_growth_bytes_per_day'], { unit: 'decbytes', description: 'Least squares over a day of size_on_disk samples' }),
  ],
};

const mempoolSummary = statsOf(node('mempool.summary'), { w: 6, h: 4 });

const mempool: DashboardSpec = {
  ...dashboardInfo('nodescope-mempool', 'Mempool', ['bitcoin', 'mempool'], 'Live mempool by fee band, projected blocks and fee estimates'),
  variables: nodeVars(),
  annotations: [nodescopeAnnotation('Blocks', '$node', 'blocks', BLOCK_COLOR)],
  refresh: '10s',
  time: { from: 'now-3h', to: 'now' },
  panels: [
    mempoolPanel('Mempool by fee band', [nodescope('$node', 'mempool.histogram', undefined, { live: true }), node('mempool.blocks')], { w: 24, h: 12 }),
    mempoolSummary('Transactions', ['size']),
    mempoolSummary('Virtual size', ['bytes'], { unit: 'decbytes' }),
    mempoolSummary('Memory usage', ['usage'], { unit: 'decbytes' }),
    mempoolSummary('Min fee', ['minFee'], { unit: 'sat/vB' }),
    table('Projected blocks', node('mempool.blocks'), { w: 14, h: 9 }),
    table('Fee estimates', node('fees.estimates'), { w: 10, h: 9 }),
  ],
};

const peers: DashboardSpec = {
  ...dashboardInfo('nodescope-bitcoin-peers', 'Bitcoin peers', ['bitcoin', 'peers'], 'Where the node connects, with geo/ASN, ping and traffic per peer'),
  variables: nodeVars(),
  panels: [
    peerMapPanel('Peer map', node('network.peers'), { w: 24, h: 12 }),
    pieChart('Peers by network', node('network.peers'), { w: 8, transformations: [countBy('network', 'id')] }),
    pieChart('Peers by direction', node('network.peers'), { w: 8, transformations: [countBy('direction', 'id')] }),
    timeseries('Traffic', node('network.traffic'), { w: 8, unit: 'Bps' }),
    table('Peers', node('network.peers'), { w: 24, h: 10 }),
  ],
};

const electrumStats = statsOf(node('electrum.stats'), { h: 4, graphMode: 'none' });

const electrum: DashboardSpec = {
  ...dashboardInfo('nodescope-electrum', 'Electrum server', ['bitcoin', 'electrum'], 'Electrs / Fulcrum index height against the node, and server statistics'),
  variables: nodeVars(),
  panels: [
    electrumStats('Index / node height', ['indexHeight', 'nodeHeight'], { w: 8, decimals: 0 }),
    electrumStats('Index lag (blocks)', ['lagBlocks'], { w: 5, decimals: 0, thresholds: steps('green', [1, 'orange'], [3, 'red']) }),
    stat('Requests/s', node('electrum.stats'), { w: 5, h: 4, unit: 'reqps', fields: ['requestsPerSecond'] }),
    electrumStats('Clients (Fulcrum)', ['clients'], { w: 6 }),
    table('Electrum server', node('electrum.stats'), { w: 24, h: 4 }),
    // history of the same values from Prometheus (the datasource serves the current reading)
    timeseries('Index lag over time (Prometheus)', prometheus('electrum_index_lag_blocks{source=~"$node"}', '{{source}} {{kind}}')),
    timeseries('Requests/s over time (Prometheus)', prometheus('electrum_requests_per_second{source=~"$node"}', '{{source}} {{kind}}'), { unit: 'reqps' }),
  ],
};

// one chain, several nodes: a chain view source (sources/chain) over several bitcoin sources
const chainOf = nodescopeOf('$chain');
const chain: DashboardSpec = {
  ...dashboardInfo('nodescope-chain', 'Bitcoin nodes: one chain', ['bitcoin', 'chain'], "Several bitcoin nodes side by side: their tips, forks and stale blocks, who lags by how much, everyone's reorgs on one timeline"),
  variables: [sourcesVariable('chain', 'Chain view', 'chain')],
  annotations: [nodescopeAnnotation('Reorgs (every node)', '$chain', 'reorgs', 'red')],
  panels: [
    table('Nodes', chainOf('nodes'), { w: 24, h: 6, overrides: [override('lag_blocks', { unit: 'short', decimals: 0 })] }),
    timeseries('Tip height per node', chainOf('heights'), { decimals: 0, custom: { drawStyle: 'line', lineInterpolation: 'stepAfter' } }),
    timeseries('Blocks behind the best tip', chainOf('lag'), { decimals: 0, min: 0, custom: { drawStyle: 'line', lineInterpolation: 'stepAfter' } }),
    table('Chain tips: forks, stale blocks, headers without blocks', chainOf('tips'), { w: 24, h: 8 }),
    // the same lag from Prometheus, for longer than the proxy's history holds
    timeseries('Blocks behind over time (Prometheus)', prometheus('bitcoin_node_lag_blocks{view=~"$chain"}', '{{source}}'), { w: 24, decimals: 0 }),
  ],
};

const stacks: DashboardSpec = {
  ...dashboardInfo('nodescope-stacks', 'Stacks node and signer', ['stacks'], 'Stacks tip, burn height, neighbors, signer and parsed node logs'),
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
    table('Node info', stx('node.info'), { w: 24, h: 5 }),
    stat('Tip and burn heights', stx('node.info'), { w: 8, decimals: 0, fields: ['stacks_tip_height', 'burn_block_height'], graphMode: 'none' }),
    stat('Tip age / burn lag', stx('node.info'), { w: 4, fields: ['tip_age', 'burn_block_lag'], graphMode: 'none', overrides: [override('tip_age', { unit: 's' })] }),
    table('Neighbors', stx('node.neighbors')),
    row('Signer'),
    // what the signer alerts watch (registration and timeouts from its log, the window from its counters)
    stat('Signer duty', stx('signer.status'), {
      w: 24,
      h: 4,
      fields: ['registered', 'registered_cycle', 'recent_rejection_ratio', 'recent_response_latency_p95', 'state_conflicts', 'proposal_timeouts', 'validation_timeouts', 'log_age'],
      graphMode: 'none',
      overrides: [override('recent_rejection_ratio', { unit: 'percentunit' }), override('recent_response_latency_p95', { unit: 's' }), override('log_age', { unit: 's' })],
    }),
    table('Signer', stx('signer.status'), { w: 24, h: 6 }),
    row('Logs'),
    logs('Node log', stx('logs', { level: ['$level'], limit: 500 }), { w: 24, h: 14 }),
    logs('Signer log', stx('logs', { service: 'signer', level: ['$level'], limit: 500 }), { w: 24, h: 10 }),
  ],
};

const geth: DashboardSpec = {
  ...dashboardInfo('nodescope-geth', 'Geth', ['geth', 'ethereum'], 'Geth head, sync, peers, txpool and fee history; its consensus client through the Beacon API'),
  variables: [sourcesVariable('geth', 'Geth node', 'geth'), sourcesVariable('beacon', 'Consensus client', 'beacon')],
  annotations: [nodescopeAnnotation('Blocks', '$geth', 'blocks', BLOCK_COLOR)],
  panels: [
    table('Head', eth('chain.head'), { h: 5 }),
    table('Sync', eth('sync.status'), { h: 5 }),
    barGauge('Txpool', eth('txpool.status'), { options: { ...statFields(fieldsRegex(['pending', 'queued', 'local'])), displayMode: 'gradient', orientation: 'horizontal' } }),
    // one row per block: block number on the x axis
    barChart('Fee history (base fee per block, gwei)', eth('fees.history', { blocks: 20 }), {
      options: { orientation: 'vertical', xField: 'block', showValue: 'never', stacking: 'none', legend: LIST_LEGEND, xTickLabelSpacing: 100 },
      transformations: [keepFields('block', 'base_fee')],
    }),
    table('Peers', eth('network.peers'), { w: 24, h: 9 }),
    row('Consensus client'),
    stat('Health', cl('node.info'), { w: 4, h: 4, fields: ['health_code'], thresholds: steps('green', [206, 'orange'], [503, 'red']) }),
    stat('Head slot', cl('node.info'), { w: 4, h: 4, fields: ['head_slot'], decimals: 0 }),
    stat('Head age', cl('node.info'), { w: 4, h: 4, fields: ['head_age'], unit: 's', thresholds: steps('green', [36, 'orange'], [120, 'red']) }),
    stat('Sync distance', cl('node.info'), { w: 4, h: 4, fields: ['sync_distance'], thresholds: steps('green', [2, 'orange'], [32, 'red']) }),
    // 2 while finality works; beyond 4 (MIN_EPOCHS_TO_INACTIVITY_PENALTY) the chain leaks
    stat('Epochs since finality', cl('node.info'), { w: 4, h: 4, fields: ['finality_epochs_behind'], thresholds: steps('green', [3, 'orange'], [5, 'red']) }),
    stat('Peers', cl('node.info'), { w: 4, h: 4, fields: ['peers'], thresholds: steps('red', [10, 'orange'], [30, 'green']) }),
    table('Consensus client and its pair with geth', cl('node.info'), { w: 24, h: 5 }),
    table('Sync', cl('sync.status'), { h: 5 }),
    table('Finality checkpoints', cl('finality'), { h: 5 }),
    table('Peers by state', cl('network.peers'), { w: 24, h: 6 }),
  ],
};

const lightning: DashboardSpec = {
  ...dashboardInfo('nodescope-lightning', 'Lightning', ['lightning', 'lnd', 'cln'], 'lnd or Core Lightning: sync, channels and their liquidity, balances, forwards and fees'),
  variables: [sourcesVariable('lightning', 'Lightning node', 'lightning')],
  panels: [
    stat('Block height', ln('node.info'), { w: 4, h: 4, fields: ['block_height'], decimals: 0 }),
    stat('Blocks behind bitcoind', ln('node.info'), { w: 4, h: 4, fields: ['blocks_behind'], thresholds: steps('green', [1, 'orange'], [3, 'red']) }),
    stat('Active channels', ln('node.info'), { w: 4, h: 4, fields: ['active_channels'] }),
    stat('Inactive channels', ln('node.info'), { w: 4, h: 4, fields: ['inactive_channels'], thresholds: steps('green', [1, 'orange']) }),
    stat('Offline peers', ln('node.info'), { w: 4, h: 4, fields: ['offline_peers'], thresholds: steps('green', [1, 'orange']) }),
    stat('Fees earned', ln('forwards'), { w: 4, h: 4, fields: ['fees_earned'] }),
    table('Node', ln('node.info'), { w: 24, h: 5 }),
    table('Channels', ln('channels'), { w: 24, h: 10 }),
    // local (ours) and remote per channel: where we can send and where we can receive
    barChart('Liquidity per channel', ln('channels', { phase: 'active' }), {
      options: { orientation: 'horizontal', xField: 'channel', showValue: 'never', stacking: 'percent', legend: LIST_LEGEND },
      transformations: [keepFields('channel', 'local', 'remote')],
    }),
    table('Balances', ln('balances')),
    table('Forwards', ln('forwards'), { w: 24, h: 5 }),
  ],
};

const fleetSummary = statsOf(farm('fleet.summary'), { w: 5, h: 4 });
const perMiner = { miner: '$miner' };

const miningFleet: DashboardSpec = {
  ...dashboardInfo('nodescope-mining-fleet', 'Mining fleet', ['mining'], 'Fleet hashrate, miners, boards, fans and pools over the CGMiner API'),
  variables: [sourcesVariable('farm', 'Fleet', 'cgminer'), nodescopeVariable('miner', 'Miner', 'miners', '$farm')],
  annotations: [nodescopeAnnotation('Miner offline/online', '$farm', 'miner.status', 'red')],
  panels: [
    row('Fleet'),
    fleetSummary('Hashrate', ['hashrate'], { unit: 'Hs' }),
    fleetSummary('Online / offline', ['online', 'offline']),
    fleetSummary('Power', ['powerWatts'], { w: 4, unit: 'watt' }),
    fleetSummary('Reject rate', ['rejectPercent'], { unit: 'percent', decimals: 2, thresholds: steps('green', [2, 'orange'], [5, 'red']) }),
    fleetSummary('Hottest board', ['maxTemp'], { unit: 'celsius', thresholds: BOARD_TEMPERATURE }),
    table('Miners', farm('miners'), { w: 24, h: 10 }),
    row('Miner $miner'),
    timeseries('Hashrate and temperature', farm('miner.history', perMiner), {
      w: 24,
      overrides: [override('hashrate', { unit: 'Hs' }), override('maxTemp', { unit: 'celsius', 'custom.axisPlacement': 'right' })],
    }),
    table('Boards and fans', farm('miner.devices', perMiner)),
    table('Pools', farm('miner.pools', perMiner)),
  ],
};

const market = statsOf(profit('market'), { w: 6, h: 4 });

const profitability: DashboardSpec = {
  ...dashboardInfo('nodescope-profitability', 'Mining profitability', ['mining', 'profitability'], 'Price, difficulty, hashprice and per-miner revenue, cost, profit and break-even'),
  variables: [
    sourcesVariable('profit', 'Profitability', 'profitability'),
    textboxVariable('kwh', 'What-if $/kWh', '0.08'),
    textboxVariable('jth', 'What-if J/TH', '21.5'),
    textboxVariable('minerModel', 'ROI: model', 'Antminer S21'),
    textboxVariable('minerPrice', 'ROI: price', '3500'),
  ],
  annotations: [
    nodescopeAnnotation('Difficulty adjustments', '$profit', 'difficulty', 'purple'),
    nodescopeAnnotation('Halvings', '$profit', 'halving', 'orange'),
  ],
  panels: [
    profitabilityPanel('Fleet profitability', [profit('miners'), profit('market'), profit('tariffs'), profit('hashprice.forward')], { w: 24, h: 15 }),
    market('BTC price', ['price'], { unit: 'currencyUSD' }),
    market('Hashprice (per TH/s/day)', ['hashprice'], { unit: 'currencyUSD', decimals: 4 }),
    market('Next difficulty change', ['difficultyChangePercent'], { unit: 'percent', decimals: 2 }),
    market('Days to halving', ['daysToHalving'], { decimals: 0 }),
    table('Miners', profit('miners'), { w: 24, h: 9 }),
    timeseries('Fleet revenue, cost and profit', profit('fleet.history'), { w: 24 }),
    table('What if', profit('whatif', { electricityPerKwh: '$kwh', joulesPerTh: '$jth' }), { w: 24, h: 7 }),
    table('Tariff periods: profit per hour and break-even per period, forward revenue per kWh', profit('tariffs'), { w: 24, h: 7 }),
    table('Forward hashprice: next blocks from the own mempool vs the 144-block average', profit('hashprice.forward'), { w: 12, h: 6 }),
    table('ROI and payback of $minerModel at $minerPrice, difficulty +0/2/4 % per retarget', profit('roi', { purchasePrice: '$minerPrice', model: '$minerModel', electricityPerKwh: '$kwh' }), { w: 12, h: 6 }),
  ],
};

const freqtrade: DashboardSpec = {
  ...dashboardInfo('nodescope-freqtrade', 'Freqtrade', ['freqtrade'], 'Bots, profit, trades, balance and health of Freqtrade bots'),
  variables: [sourcesVariable('bot', 'Bot', 'freqtrade', { multi: true })],
  annotations: [nodescopeAnnotation('Trades', '$bot', 'trades', 'blue')],
  panels: [
    table('Bots', bot('bots'), { w: 24, h: 5 }),
    table('Profit', bot('profit'), { h: 7 }),
    barChart('Daily profit', bot('daily'), { h: 7 }),
    table('Open trades', bot('open.trades'), { w: 24, h: 7 }),
    table('Closed trades', bot('trades'), { w: 24, h: 9 }),
    table('Performance by pair', bot('performance')),
    table('Balance', bot('balance')),
    table('Health', bot('health'), { w: 24, h: 5 }),
  ],
};

/** The nodescope folder's own dashboards, in menu order (the proxy's comes from prometheus.ts). */
export const NODESCOPE_DASHBOARDS = { home, bitcoin, mempool, peers, electrum, chain, stacks, geth, lightning, miningFleet, profitability, freqtrade };
