// Frame field names of the cgminer (fleet) and profitability sources. The proxy's frames.ts
// writes these constants and the profitability panel reads them: a rename is a compile error
// on both sides. Units are given beside each name (Grafana unit ids from units.ts).

/** cgminer `fleet.summary` (one row) and the fleet columns of `miners`. */
export const FLEET_FIELDS = {
  time: 'time', // ms
  miners: 'miners',
  online: 'online',
  offline: 'offline',
  hashrate: 'hashrate', // Hs, sum of 5 s rates of online miners
  hashrateAvg: 'hashrateAvg', // Hs
  powerWatts: 'powerWatts', // watt
  accepted: 'accepted',
  rejected: 'rejected',
  stale: 'stale',
  hardwareErrors: 'hardwareErrors',
  rejectPercent: 'rejectPercent', // percent
  maxTemp: 'maxTemp', // celsius
  discovering: 'discovering', // boolean
  discoveryProgress: 'discoveryProgress', // percent
  lastPoll: 'lastPoll', // ms
  lastPollMs: 'lastPollMs', // ms, duration of the last poll cycle
} as const;

/** cgminer `miners` table (one row per miner). */
export const MINER_FIELDS = {
  miner: 'miner', // name (or host:port)
  host: 'host',
  port: 'port',
  flavour: 'flavour', // cgminer | bmminer | braiins | whatsminer | whatsminer-v3 | luxos | axeos | epic | vnish | unknown
  model: 'model',
  firmware: 'firmware',
  status: 'status', // online | offline | unknown
  since: 'since', // ms, time of the last status change
  lastSeen: 'lastSeen', // ms
  hashrate: 'hashrate', // Hs, 5 s
  hashrateAvg: 'hashrateAvg', // Hs
  powerWatts: 'powerWatts', // watt, measured or estimated (see powerSource)
  powerSource: 'powerSource', // measured | model | config | none
  maxTemp: 'maxTemp', // celsius
  fanMin: 'fanMin', // rotrpm
  fanMax: 'fanMax', // rotrpm
  accepted: 'accepted',
  rejected: 'rejected',
  stale: 'stale',
  hardwareErrors: 'hardwareErrors',
  rejectPercent: 'rejectPercent', // percent
  pool: 'pool', // url of the pool in use
  uptime: 'uptime', // s
  error: 'error',
  nominalHashrate: 'nominalHashrate', // Hs: firmware figure, else model table, else config
  chipsMissing: 'chipsMissing', // chips short of the model's count (all boards)
  fansMissing: 'fansMissing', // fans the model has that the firmware does not report
  state: 'state', // mining | sleeping | tuning | '' (firmware does not say)
  errors: 'errors', // firmware error codes / faulty boards, comma separated
  poolUnexpected: 'poolUnexpected', // boolean; null when no expected pool is configured
} as const;

/** cgminer `pool.accounts`: each pool account read through the pool's API, reconciled with the fleet. */
export const POOL_ACCOUNT_FIELDS = {
  account: 'account', // the account's id in the config
  pool: 'pool', // braiins | luxor
  up: 'up', // boolean: the last read succeeded
  reported: 'reportedHashrate', // Hs: the fleet's miners on this account
  credited: 'creditedHashrate', // Hs: the pool's 5 min figure
  credited24h: 'creditedHashrate24h', // Hs
  ratio: 'creditedShare', // percentunit: credited / reported
  earningsPerDay: 'earningsBtcPerDay', // BTC
  balance: 'balanceBtc', // BTC
  workersActive: 'workersActive',
  notAtPool: 'notAtPool', // fleet miners on the account the pool does not see hashing
  unknownAtPool: 'unknownAtPool', // workers hashing at the pool that no fleet miner is on
  lastSuccess: 'lastSuccess', // ms
  error: 'error',
} as const;

/** cgminer `miner.devices`: boards (hash chains). */
export const DEVICE_FIELDS = {
  board: 'board',
  hashrate: 'hashrate', // Hs
  boardTemp: 'boardTemp', // celsius
  chipTemp: 'chipTemp', // celsius
  chips: 'chips',
  hardwareErrors: 'hardwareErrors',
  status: 'status',
} as const;

/** cgminer `miner.devices` second frame: fans. */
export const FAN_FIELDS = { fan: 'fan', rpm: 'rpm' } as const;

/** cgminer `miner.pools`. */
export const POOL_FIELDS = {
  pool: 'pool', // index
  url: 'url',
  user: 'user',
  status: 'status', // Alive | Dead | Disabled ...
  priority: 'priority',
  active: 'active', // boolean: the pool currently given work
  accepted: 'accepted',
  rejected: 'rejected',
  stale: 'stale',
  lastShareTime: 'lastShareTime', // ms
} as const;

/** cgminer `miner.history`. */
export const MINER_HISTORY_FIELDS = {
  time: 'time',
  hashrate: 'hashrate', // Hs
  maxTemp: 'maxTemp', // celsius
  fanMin: 'fanMin', // rotrpm
  rejected: 'rejected', // rejected shares since the previous sample
  online: 'online', // boolean
} as const;

/** profitability `market` (one row). */
export const MARKET_FIELDS = {
  time: 'time',
  price: 'price', // currency per BTC (unit currencyUSD etc.)
  currency: 'currency',
  difficulty: 'difficulty',
  height: 'height',
  subsidy: 'subsidy', // BTC
  feesPerBlock: 'feesPerBlock', // BTC, average over the last 144 blocks
  blockReward: 'blockReward', // BTC = subsidy + fees
  networkHashrate: 'networkHashrate', // Hs
  hashprice: 'hashprice', // currency per TH/s per day
  hashpriceBtc: 'hashpriceBtc', // BTC per TH/s per day
  nextRetargetHeight: 'nextRetargetHeight',
  blocksToRetarget: 'blocksToRetarget',
  daysToRetarget: 'daysToRetarget', // d
  difficultyChangePercent: 'difficultyChangePercent', // percent, estimate (null when unknown)
  nextHalvingHeight: 'nextHalvingHeight',
  blocksToHalving: 'blocksToHalving',
  daysToHalving: 'daysToHalving', // d
  priceSource: 'priceSource', // coingecko | coincap | stale
  difficultySource: 'difficultySource', // bitcoin:<id> | mempool | blockchainInfo
  feesSource: 'feesSource',
  electricityPerKwh: 'electricityPerKwh',
  poolFeePercent: 'poolFeePercent',
} as const;

/** profitability `miners` (per miner) and its second frame `fleets` (per fleet total). */
export const PROFIT_FIELDS = {
  fleet: 'fleet',
  miners: 'miners', // fleets frame only: miners in the fleet
  online: 'online', // fleets frame only: miners online
  miner: 'miner',
  model: 'model',
  status: 'status',
  hashrate: 'hashrate', // Hs
  powerWatts: 'powerWatts', // watt
  powerSource: 'powerSource',
  btcPerDay: 'btcPerDay', // currencyBTC
  revenuePerDay: 'revenuePerDay', // currency
  costPerDay: 'costPerDay', // currency
  profitPerDay: 'profitPerDay', // currency
  marginPercent: 'marginPercent', // percent
  breakEvenPerKwh: 'breakEvenPerKwh', // currency per kWh
  breakEvenPrice: 'breakEvenPrice', // currency per BTC
  joulesPerTh: 'joulesPerTh', // J/TH
} as const;

/** profitability `fleet.history`. */
export const PROFIT_HISTORY_FIELDS = {
  time: 'time',
  hashrate: 'hashrate',
  powerWatts: 'powerWatts',
  btcPerDay: 'btcPerDay',
  revenuePerDay: 'revenuePerDay',
  costPerDay: 'costPerDay',
  profitPerDay: 'profitPerDay',
  price: 'price',
  difficulty: 'difficulty',
} as const;

/** profitability `whatif`: the inputs echoed plus every PROFIT_FIELDS result; second frame a $/kWh sweep. */
export const WHATIF_FIELDS = {
  hashrate: 'hashrate', // Hs
  joulesPerTh: 'joulesPerTh',
  electricityPerKwh: 'electricityPerKwh',
  price: 'price',
  difficulty: 'difficulty',
  blockReward: 'blockReward',
  powerWatts: 'powerWatts',
  btcPerDay: 'btcPerDay',
  revenuePerDay: 'revenuePerDay',
  costPerDay: 'costPerDay',
  profitPerDay: 'profitPerDay',
  marginPercent: 'marginPercent',
  breakEvenPerKwh: 'breakEvenPerKwh',
  breakEvenPrice: 'breakEvenPrice',
} as const;

/** profitability `tariffs`: one row per fleet and tariff period (the time-of-use schedule). */
export const TARIFF_FIELDS = {
  fleet: 'fleet',
  period: 'period', // the period's name; 'base' covers the hours no period names
  pricePerKwh: 'pricePerKwh', // currency per kWh
  hoursPerWeek: 'hoursPerWeek', // h of the week in this period
  curtailedHoursPerWeek: 'curtailedHoursPerWeek', // h of those inside a curtailment window
  active: 'active', // boolean: the period in force now (fleet's time zone)
  curtailedNow: 'curtailedNow', // boolean: active and inside a curtailment window now
  revenuePerHour: 'revenuePerHour', // currency, trailing market (144-block fees)
  costPerHour: 'costPerHour', // currency
  profitPerHour: 'profitPerHour', // currency
  profitPerWeek: 'profitPerWeek', // currency: profit per hour x hours mined (curtailed hours earn and cost 0)
  breakEvenPrice: 'breakEvenPrice', // currency per BTC at which this period breaks even
  breakEvenHashprice: 'breakEvenHashprice', // currency per TH/s per day at which this period breaks even
  forwardRevenuePerKwh: 'forwardRevenuePerKwh', // currency per kWh the fleet earns at the forward hashprice
  forwardProfitPerHour: 'forwardProfitPerHour', // currency, forward hashprice
  stopCurtailing: 'stopCurtailing', // boolean: curtailed (window or loss) yet forward revenue per kWh beats the price
} as const;

/** profitability `hashprice.forward`: one row (forward vs trailing); second frame one row per projected block. */
export const FORWARD_FIELDS = {
  time: 'time',
  blocks: 'blocks', // projected blocks counted
  tipHeight: 'tipHeight',
  forwardFeesPerBlock: 'forwardFeesPerBlock', // BTC, mean over the counted projected blocks
  trailingFeesPerBlock: 'trailingFeesPerBlock', // BTC, mean over the last 144 blocks
  forwardReward: 'forwardReward', // BTC per block: subsidy + projected fees, mean
  trailingReward: 'trailingReward', // BTC per block
  forwardHashprice: 'forwardHashprice', // currency per TH/s per day
  trailingHashprice: 'trailingHashprice', // currency per TH/s per day
  forwardHashpriceBtc: 'forwardHashpriceBtc', // BTC per TH/s per day
  trailingHashpriceBtc: 'trailingHashpriceBtc', // BTC per TH/s per day
  forwardPremiumPercent: 'forwardPremiumPercent', // (forward / trailing - 1) x 100
  // per projected block (second frame)
  index: 'index', // 0 = next block
  height: 'height',
  subsidy: 'subsidy', // BTC
  fees: 'fees', // BTC
  reward: 'reward', // BTC
  btcPerTh: 'btcPerTh', // BTC a 1 TH/s miner expects from this block
  fleetBtc: 'fleetBtc', // BTC the configured fleets expect from this block, after pool fee
} as const;

/** profitability `roi`: one row per difficulty-growth scenario; `roi.curve` frames (one per scenario) over time. */
export const ROI_FIELDS = {
  growthPercent: 'growthPercent', // difficulty change per retarget, percent
  purchasePrice: 'purchasePrice', // currency
  horizonDays: 'horizonDays', // d
  paybackDays: 'paybackDays', // d, null when not paid back within the horizon
  paybackDate: 'paybackDate', // time, null likewise
  roiPercent: 'roiPercent', // (profit over the horizon - price) / price x 100
  netProfit: 'netProfit', // currency: profit over the horizon - price
  revenue: 'revenue', // currency over the horizon
  cost: 'cost', // currency over the horizon
  daysMined: 'daysMined', // d the miner runs (it stops while it would lose money, and in curtailment windows)
  time: 'time',
  cumulativeProfit: 'cumulativeProfit', // currency: profit so far - price
} as const;

/** Frame names (schema.name) of these sources. */
export const MINING_FRAMES = {
  fleetSummary: 'fleet.summary',
  miners: 'miners',
  devices: 'miner.devices',
  fans: 'miner.fans',
  pools: 'miner.pools',
  minerHistory: 'miner.history',
  poolAccounts: 'pool.accounts',
  market: 'market',
  profitMiners: 'profitability.miners',
  profitFleets: 'profitability.fleets',
  fleetHistory: 'fleet.history',
  whatif: 'whatif',
  whatifSweep: 'whatif.sweep',
  tariffs: 'tariffs',
  forward: 'hashprice.forward',
  forwardBlocks: 'hashprice.forward.blocks',
  roi: 'roi',
  roiCurve: 'roi.curve',
} as const;

/** Grafana unit id for a currency code (`usd` -> `currencyUSD`). */
export function currencyUnit(currency: string): string {
  const code = currency.toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? `currency${code}` : 'none';
}
