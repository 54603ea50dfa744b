// Frame field names of the bitcoin source. The proxy's sources/bitcoin/frames.ts writes these
// constants and panels (mempool, peer map) read them: a rename is a compile error on both
// sides. Units are given beside each name (Grafana unit ids from units.ts).

/** `chain.info`: one row (and appended rows on its stream). */
export const CHAIN_FIELDS = {
  time: 'time', // ms, when the row was read
  chain: 'chain', // main | test | testnet4 | signet | regtest
  blocks: 'blocks', // height of the validated tip
  headers: 'headers',
  bestBlockHash: 'bestBlockHash',
  verificationProgress: 'verificationProgress', // percentunit (0..1)
  initialBlockDownload: 'initialBlockDownload', // boolean
  sizeOnDisk: 'sizeOnDisk', // decbytes
  pruned: 'pruned', // boolean
  difficulty: 'difficulty',
  networkHashps: 'networkHashps', // Hs, getnetworkhashps over 120 blocks
  warnings: 'warnings',
  tipTime: 'tipTime', // ms, block time of the tip
  tipAgeSeconds: 'tipAgeSeconds', // s
} as const;

/** `blocks.recent`: one row per block, oldest first. */
export const BLOCK_FIELDS = {
  time: 'time', // ms, block time
  height: 'height',
  hash: 'hash',
  txCount: 'txCount',
  size: 'size', // decbytes
  weight: 'weight', // weight units
  totalFees: 'totalFees', // currencyBTC
  avgFeeRate: 'avgFeeRate', // sat/vB
  feeRateP10: 'feeRateP10', // sat/vB
  feeRateP25: 'feeRateP25',
  feeRateP50: 'feeRateP50',
  feeRateP75: 'feeRateP75',
  feeRateP90: 'feeRateP90',
} as const;

/** `network.traffic`: time series. */
export const TRAFFIC_FIELDS = {
  time: 'time',
  bytesIn: 'bytesIn', // Bps
  bytesOut: 'bytesOut', // Bps
} as const;

/** `network.peers`: one row per peer. */
export const PEER_FIELDS = {
  id: 'id',
  address: 'address',
  network: 'network', // ipv4 | ipv6 | onion | i2p | cjdns | not_publicly_routable
  direction: 'direction', // inbound | outbound
  connectionType: 'connectionType', // outbound-full-relay | block-relay-only | inbound | manual | feeler | addr-fetch
  userAgent: 'userAgent',
  version: 'version',
  pingMs: 'pingMs', // ms
  bytesSent: 'bytesSent', // decbytes
  bytesRecv: 'bytesRecv', // decbytes
  syncedHeight: 'syncedHeight',
  connectedAt: 'connectedAt', // ms
  connectedSeconds: 'connectedSeconds', // s
  // offline geolocation (config geoip.cityDb / geoip.asnDb); null for onion, i2p, cjdns and
  // private/local addresses, which are never looked up, and when no database is configured
  lat: 'lat',
  lon: 'lon',
  country: 'country', // ISO 3166 alpha-2
  city: 'city',
  asn: 'asn',
  org: 'org', // AS organisation
} as const;

/** `mempool.summary`: time series (history ring + the current reading). */
export const MEMPOOL_SUMMARY_FIELDS = {
  time: 'time',
  size: 'size', // transactions
  bytes: 'bytes', // decbytes (sum of vsize)
  usage: 'usage', // decbytes (memory)
  maxMempool: 'maxMempool', // decbytes
  minFee: 'minFee', // sat/vB
  totalFee: 'totalFee', // currencyBTC
} as const;

/** `fees.estimates`: one row per confirmation target. */
export const FEE_ESTIMATE_FIELDS = {
  target: 'target', // blocks
  economical: 'economical', // sat/vB
  conservative: 'conservative', // sat/vB
} as const;

/**
 * `mempool.histogram`: wide time series, `time` then one number field per fee band (band order
 * of FEE_BAND_EDGES), each named by its band label (`feeBandLabel(i)`, e.g. `10-12`, `2000+`)
 * and carrying `labels: { band }` like the Prometheus series `bitcoin_mempool_fee_band_vsize`.
 * Two frames: `mempool.histogram` (vsize, vbytes) and `mempool.histogram.count` (transactions).
 */
export const HISTOGRAM_FIELDS = {
  time: 'time',
  bandLabel: 'band', // the label key on every band field
  vsizeFrame: 'mempool.histogram',
  countFrame: 'mempool.histogram.count',
} as const;

/** `mempool.blocks`: one row per projected block, then one tail row. */
export const PROJECTED_BLOCK_FIELDS = {
  index: 'index', // 0 = next block; the tail row has index = number of full blocks
  tail: 'tail', // boolean, true for the rest of the mempool
  txCount: 'txCount',
  vsize: 'vsize', // si:vB (vbytes)
  totalFees: 'totalFees', // currencyBTC
  medianFee: 'medianFee', // sat/vB
  feeMin: 'feeMin', // sat/vB; feeMin..feeMax is the 7-point range
  feeP10: 'feeP10',
  feeP25: 'feeP25',
  feeP50: 'feeP50',
  feeP75: 'feeP75',
  feeP90: 'feeP90',
  feeMax: 'feeMax',
} as const;

/** `zmq.status`: one row. */
export const ZMQ_FIELDS = {
  mode: 'mode', // zmq | polling
  connected: 'connected', // boolean
  endpoint: 'endpoint',
  messages: 'messages',
  gaps: 'gaps',
  resyncs: 'resyncs',
  lastMessage: 'lastMessage', // ms
  lastResync: 'lastResync', // ms
  lastResyncMs: 'lastResyncMs', // ms, duration
  mempoolTxs: 'mempoolTxs',
  mempoolBytesPerTx: 'mempoolBytesPerTx', // bytes of the compact store per transaction
  silent: 'silent', // boolean: ZMQ quiet while the node's mempool changed (polling meanwhile)
  synced: 'synced', // boolean: the mempool has been filled at least once
} as const;
