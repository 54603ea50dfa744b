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
  flavour: 'flavour', // cgminer | bmminer | braiins | whatsminer | unknown
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

/** Frame names (schema.name) of these sources. */
export const MINING_FRAMES = {
  fleetSummary: 'fleet.summary',
  miners: 'miners',
  devices: 'miner.devices',
  fans: 'miner.fans',
  pools: 'miner.pools',
  minerHistory: 'miner.history',
  market: 'market',
  profitMiners: 'profitability.miners',
  profitFleets: 'profitability.fleets',
  fleetHistory: 'fleet.history',
  whatif: 'whatif',
  whatifSweep: 'whatif.sweep',
} as const;

/** Grafana unit id for a currency code (`usd` -> `currencyUSD`). */
export function currencyUnit(currency: string): string {
  const code = currency.toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? `currency${code}` : 'none';
}
