// Pure meaning of bitcoind's RPC answers: payload shapes (Bitcoin Core 28), unit conversions,
// rates from counter samples, tip tracking and reorg detection. No I/O here.

export const SATS_PER_BTC = 100_000_000;

/** Fee rates on the RPC are BTC per 1000 vbytes; panels speak sat/vB. */
export function btcPerKvbToSatPerVb(btcPerKvb: number): number {
  return Math.round(btcPerKvb * 100_000 * 1_000) / 1_000;
}

// ---- payload shapes (only the fields nodescope reads) ----

export interface BlockchainInfo {
  chain: string;
  blocks: number;
  headers: number;
  bestblockhash: string;
  difficulty: number;
  /** Core >= 26; older nodes: read the tip header */
  time?: number;
  mediantime: number;
  verificationprogress: number;
  initialblockdownload: boolean;
  size_on_disk: number;
  pruned: boolean;
  /** a string before Core 28 (and with -deprecatedrpc=warnings), an array since */
  warnings: string | string[];
}

export interface NetworkInfo {
  version: number;
  subversion: string;
  protocolversion: number;
  connections: number;
  connections_in?: number;
  connections_out?: number;
  networkactive: boolean;
  /** median offset of the outbound peers' clocks from ours, whole seconds; 0 with fewer than 5 (Core 27+) */
  timeoffset?: number;
  warnings: string | string[];
}

export interface MempoolInfo {
  loaded: boolean;
  size: number;
  bytes: number;
  usage: number;
  /** Core >= 23 */
  total_fee?: number;
  maxmempool: number;
  mempoolminfee: number;
  minrelaytxfee: number;
  unbroadcastcount?: number;
}

export interface NetTotals {
  totalbytesrecv: number;
  totalbytessent: number;
  timemillis: number;
}

export interface PeerInfo {
  id: number;
  addr: string;
  network?: string;
  inbound: boolean;
  connection_type?: string;
  subver: string;
  version: number;
  pingtime?: number;
  minping?: number;
  bytessent: number;
  bytesrecv: number;
  synced_blocks?: number;
  synced_headers?: number;
  startingheight?: number;
  conntime: number;
}

export interface BlockStats {
  height: number;
  blockhash: string;
  time: number;
  txs: number;
  total_size: number;
  total_weight: number;
  totalfee: number;
  avgfeerate: number;
  feerate_percentiles: [number, number, number, number, number];
  ins?: number;
  outs?: number;
  total_out?: number;
}

export interface BlockHeader {
  hash: string;
  height: number;
  time: number;
  difficulty: number;
  nTx: number;
  previousblockhash?: string;
}

export interface ChainTip {
  height: number;
  hash: string;
  branchlen: number;
  status: 'active' | 'valid-fork' | 'valid-headers' | 'headers-only' | 'invalid';
}

export interface SmartFee {
  feerate?: number;
  errors?: string[];
  blocks: number;
}

export interface MemoryInfo {
  locked: { used: number; free: number; total: number; locked: number; chunks_used: number; chunks_free: number };
}

export interface BanEntry {
  address: string;
  ban_created: number;
  banned_until: number;
  ban_reason?: string;
}

// ---- chain ----

export function warningsText(warnings: string | string[] | undefined): string {
  if (warnings === undefined) return '';
  return Array.isArray(warnings) ? warnings.filter(Boolean).join('; ') : warnings;
}

export interface ChainInfo {
  chain: string;
  blocks: number;
  headers: number;
  bestBlockHash: string;
  verificationProgress: number;
  initialBlockDownload: boolean;
  sizeOnDisk: number;
  pruned: boolean;
  difficulty: number;
  networkHashps: number;
  warnings: string;
  /** ms since epoch */
  tipTime: number;
  tipAgeSeconds: number;
}

export function toChainInfo(
  info: BlockchainInfo,
  networkHashps: number,
  tipTimeSeconds: number,
  now: number
): ChainInfo {
  return {
    chain: info.chain,
    blocks: info.blocks,
    headers: info.headers,
    bestBlockHash: info.bestblockhash,
    verificationProgress: info.verificationprogress,
    initialBlockDownload: info.initialblockdownload,
    sizeOnDisk: info.size_on_disk,
    pruned: info.pruned,
    difficulty: info.difficulty,
    networkHashps,
    warnings: warningsText(info.warnings),
    tipTime: tipTimeSeconds * 1_000,
    tipAgeSeconds: Math.max(0, Math.round(now / 1_000 - tipTimeSeconds)),
  };
}

// ---- blocks.recent ----

export const MAX_RECENT_BLOCKS = 144;
export const BLOCK_STATS_FIELDS = [
  'height',
  'blockhash',
  'time',
  'txs',
  'total_size',
  'total_weight',
  'totalfee',
  'avgfeerate',
  'feerate_percentiles',
] as const;

export interface RecentBlock {
  height: number;
  hash: string;
  time: number;
  txCount: number;
  size: number;
  weight: number;
  totalFeesBtc: number;
  avgFeeRate: number;
  /** sat/vB at the 10th, 25th, 50th, 75th, 90th percentile of block weight */
  feeRatePercentiles: [number, number, number, number, number];
}

export function toRecentBlock(stats: BlockStats): RecentBlock {
  return {
    height: stats.height,
    hash: stats.blockhash,
    time: stats.time * 1_000,
    txCount: stats.txs,
    size: stats.total_size,
    weight: stats.total_weight,
    totalFeesBtc: stats.totalfee / SATS_PER_BTC,
    avgFeeRate: stats.avgfeerate,
    feeRatePercentiles: stats.feerate_percentiles,
  };
}

/** Heights of the `count` newest blocks, oldest first. */
export function recentHeights(tip: number, count: number): number[] {
  const first = Math.max(0, tip - count + 1);
  return Array.from({ length: tip - first + 1 }, (_, i) => first + i);
}

// ---- network.traffic ----

export interface TrafficSample {
  /** node clock, ms */
  t: number;
  recv: number;
  sent: number;
}

export interface RateSeries {
  time: number[];
  bytesInPerSecond: number[];
  bytesOutPerSecond: number[];
}

/**
 * Byte rates between consecutive samples, stamped at the later one. A counter that went down
 * means the node restarted: that interval has no meaningful rate and is skipped.
 */
export function trafficRates(samples: TrafficSample[], range?: { from: number; to: number }): RateSeries {
  const out: RateSeries = { time: [], bytesInPerSecond: [], bytesOutPerSecond: [] };
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const seconds = (b.t - a.t) / 1_000;
    if (seconds <= 0 || b.recv < a.recv || b.sent < a.sent) continue;
    if (range && (b.t < range.from || b.t > range.to)) continue;
    out.time.push(b.t);
    out.bytesInPerSecond.push((b.recv - a.recv) / seconds);
    out.bytesOutPerSecond.push((b.sent - a.sent) / seconds);
  }
  return out;
}

// ---- network.peers ----

export interface PeerRow extends PeerGeo {
  id: number;
  address: string;
  network: string;
  direction: 'inbound' | 'outbound';
  connectionType: string;
  userAgent: string;
  version: number;
  pingMs: number | null;
  bytesSent: number;
  bytesRecv: number;
  syncedHeight: number | null;
  connectedAt: number;
  connectedSeconds: number;
}

/** Geolocation columns of a peer row (geo.ts fills them; null when not looked up). */
export interface PeerGeo {
  lat: number | null;
  lon: number | null;
  country: string | null;
  city: string | null;
  asn: number | null;
  org: string | null;
}

export const NO_GEO: PeerGeo = { lat: null, lon: null, country: null, city: null, asn: null, org: null };

/** Network of an address when an old node does not report it (Core < 21). */
export function networkOfAddress(addr: string): string {
  const host = addr.startsWith('[') ? addr.slice(1, addr.indexOf(']')) : addr.replace(/:\d+$/, '');
  if (host.endsWith('.onion')) return 'onion';
  if (host.endsWith('.i2p')) return 'i2p';
  if (host.includes(':')) return host.toLowerCase().startsWith('fc') ? 'cjdns' : 'ipv6';
  return 'ipv4';
}

export function toPeerRow(peer: PeerInfo, now: number, geo: PeerGeo = NO_GEO): PeerRow {
  return {
    id: peer.id,
    address: peer.addr,
    network: peer.network ?? networkOfAddress(peer.addr),
    direction: peer.inbound ? 'inbound' : 'outbound',
    connectionType: peer.connection_type ?? (peer.inbound ? 'inbound' : 'outbound-full-relay'),
    userAgent: peer.subver,
    version: peer.version,
    pingMs: peer.pingtime === undefined ? null : Math.round(peer.pingtime * 1_000_000) / 1_000,
    bytesSent: peer.bytessent,
    bytesRecv: peer.bytesrecv,
    syncedHeight: peer.synced_blocks === undefined || peer.synced_blocks < 0 ? null : peer.synced_blocks,
    connectedAt: peer.conntime * 1_000,
    connectedSeconds: Math.max(0, Math.round(now / 1_000 - peer.conntime)),
    ...geo,
  };
}

// ---- mempool.summary ----

export interface MempoolSample {
  t: number;
  size: number;
  bytes: number;
  usage: number;
  maxmempool: number;
  /** sat/vB */
  minFee: number;
  /** BTC */
  totalFee: number;
}

export function toMempoolSample(info: MempoolInfo, t: number): MempoolSample {
  return {
    t,
    size: info.size,
    bytes: info.bytes,
    usage: info.usage,
    maxmempool: info.maxmempool,
    minFee: btcPerKvbToSatPerVb(info.mempoolminfee),
    totalFee: info.total_fee ?? 0,
  };
}

// ---- fees.estimates ----

export const FEE_TARGETS = [1, 2, 3, 6, 12, 24, 144] as const;
export const FEE_MODES = ['ECONOMICAL', 'CONSERVATIVE'] as const;

export interface FeeEstimateRow {
  target: number;
  /** sat/vB, null when the node has no estimate yet (errors) */
  economical: number | null;
  conservative: number | null;
  /** blocks the node actually answered for (it may widen the target) */
  economicalBlocks: number;
  conservativeBlocks: number;
}

export function toFeeEstimates(
  targets: readonly number[],
  economical: SmartFee[],
  conservative: SmartFee[]
): FeeEstimateRow[] {
  return targets.map((target, i) => {
    const e = economical[i];
    const c = conservative[i];
    return {
      target,
      economical: e?.feerate === undefined ? null : btcPerKvbToSatPerVb(e.feerate),
      conservative: c?.feerate === undefined ? null : btcPerKvbToSatPerVb(c.feerate),
      economicalBlocks: e?.blocks ?? target,
      conservativeBlocks: c?.blocks ?? target,
    };
  });
}

// ---- tip tracking: new blocks and reorgs ----

export interface BlockRecord {
  height: number;
  hash: string;
  /** block time, s */
  time: number;
  difficulty: number;
  nTx: number;
}

export interface ReorgRecord {
  /** when it was detected, ms */
  detectedAt: number;
  depth: number;
  oldTip: string;
  oldHeight: number;
  newTip: string;
  newHeight: number;
  forkHeight: number;
  via: 'tip' | 'chaintips';
}

export interface TipChange {
  added: BlockRecord[];
  reorg: ReorgRecord | null;
}

/**
 * Reconciles a walk back from the new tip with the blocks already known. `walked` is newest
 * first and stops just above a block we know (`connected`), or at the walk limit; it is empty
 * when the new tip itself is known (the chain went back). Known blocks above the fork point
 * were replaced: that is a reorg of that depth.
 */
export function reconcileTip(
  known: BlockRecord[],
  tip: BlockHeader,
  walked: BlockHeader[],
  connected: boolean,
  now: number
): TipChange {
  const added: BlockRecord[] = walked
    .map((h) => ({ height: h.height, hash: h.hash, time: h.time, difficulty: h.difficulty, nTx: h.nTx }))
    .reverse();
  if (!connected) return { added, reorg: null };
  const forkHeight = (added[0]?.height ?? tip.height + 1) - 1;
  const replaced = known.filter((b) => b.height > forkHeight);
  if (replaced.length === 0) return { added, reorg: null };
  const oldTip = replaced.reduce((a, b) => (b.height > a.height ? b : a));
  return {
    added,
    reorg: {
      detectedAt: now,
      depth: replaced.length,
      oldTip: oldTip.hash,
      oldHeight: oldTip.height,
      newTip: tip.hash,
      newHeight: tip.height,
      forkHeight,
      via: 'tip',
    },
  };
}

/** Drops known blocks above the fork point (or above the new tip) and appends the new ones. */
export function mergeBlocks(known: BlockRecord[], tip: BlockHeader, change: TipChange, keep: number): BlockRecord[] {
  const above = (change.added[0]?.height ?? tip.height + 1) - 1;
  const merged = known.filter((b) => b.height <= above).concat(change.added);
  return merged.slice(-keep);
}

/**
 * Forks getchaintips shows as `valid-fork` are branches that were once valid (usually the
 * losing side of a reorg). Those not seen before become reorg records; `seen` holds old tips
 * already recorded so a reorg caught by tip tracking is not recorded twice.
 */
export function reorgsFromChainTips(tips: ChainTip[], seen: ReadonlySet<string>, now: number): ReorgRecord[] {
  const active = tips.find((t) => t.status === 'active');
  if (!active) return [];
  return tips
    .filter((t) => t.status === 'valid-fork' && !seen.has(t.hash))
    .map((t) => ({
      detectedAt: now,
      depth: t.branchlen,
      oldTip: t.hash,
      oldHeight: t.height,
      newTip: active.hash,
      newHeight: active.height,
      forkHeight: t.height - t.branchlen,
      via: 'chaintips' as const,
    }));
}

export function reorgText(r: ReorgRecord): string {
  return (
    `reorg of depth ${r.depth} at fork height ${r.forkHeight}: ` +
    `old tip ${r.oldHeight} ${r.oldTip} -> new tip ${r.newHeight} ${r.newTip}` +
    (r.via === 'chaintips' ? ' (found in getchaintips)' : '')
  );
}

/** Blocks at a multiple of 2016 change the difficulty. */
export const DIFFICULTY_PERIOD = 2016;

/** Total fees (BTC) of projected blocks, next block first, the tail (the rest of the mempool) left out. */
export function projectedFeesBtc(blocks: ReadonlyArray<{ tail: boolean; totalFees: number }>): number[] {
  return blocks.filter((b) => !b.tail).map((b) => b.totalFees / SATS_PER_BTC);
}
