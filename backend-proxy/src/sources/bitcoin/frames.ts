// Model -> DataFrameJSON, with the shared field names and Grafana units set on every field.
import {
  BLOCK_FIELDS,
  CHAIN_FIELDS,
  FEE_BAND_EDGES,
  FEE_ESTIMATE_FIELDS,
  feeBandLabel,
  HISTOGRAM_FIELDS,
  MEMPOOL_SUMMARY_FIELDS,
  PEER_FIELDS,
  PROJECTED_BLOCK_FIELDS,
  TRAFFIC_FIELDS,
  UNITS,
  ZMQ_FIELDS,
  toFrame,
  type DataFrameJSON,
  type FieldInput,
} from '@nodescope/shared';
import type { ProjectedBlock } from './feerates.js';
import type { ZmqStatus } from './mempoolSync.js';
import type { ChainInfo, FeeEstimateRow, MempoolSample, PeerRow, RateSeries, RecentBlock } from './model.js';
import { SATS_PER_BTC } from './model.js';

/** vbytes with SI prefixes (kvB, MvB): Grafana's custom `si:` unit. */
export const VBYTES_UNIT = 'si:vB';

export function chainInfoFrames(rows: Array<ChainInfo & { time: number }>): DataFrameJSON {
  const col = <K extends keyof ChainInfo | 'time'>(key: K) => rows.map((r) => r[key]);
  return toFrame('chain.info', [
    { name: CHAIN_FIELDS.time, type: 'time', values: col('time') },
    { name: CHAIN_FIELDS.chain, type: 'string', values: col('chain') },
    { name: CHAIN_FIELDS.blocks, type: 'number', values: col('blocks'), unit: UNITS.none },
    { name: CHAIN_FIELDS.headers, type: 'number', values: col('headers'), unit: UNITS.none },
    { name: CHAIN_FIELDS.bestBlockHash, type: 'string', values: col('bestBlockHash') },
    {
      name: CHAIN_FIELDS.verificationProgress,
      type: 'number',
      values: col('verificationProgress'),
      unit: UNITS.percentUnit,
      config: { min: 0, max: 1 },
    },
    { name: CHAIN_FIELDS.initialBlockDownload, type: 'boolean', values: col('initialBlockDownload') },
    { name: CHAIN_FIELDS.sizeOnDisk, type: 'number', values: col('sizeOnDisk'), unit: UNITS.bytes },
    { name: CHAIN_FIELDS.pruned, type: 'boolean', values: col('pruned') },
    { name: CHAIN_FIELDS.difficulty, type: 'number', values: col('difficulty'), unit: UNITS.short },
    { name: CHAIN_FIELDS.networkHashps, type: 'number', values: col('networkHashps'), unit: UNITS.hashesPerSecond },
    { name: CHAIN_FIELDS.warnings, type: 'string', values: col('warnings') },
    { name: CHAIN_FIELDS.tipTime, type: 'time', values: col('tipTime'), unit: UNITS.dateTime },
    { name: CHAIN_FIELDS.tipAgeSeconds, type: 'number', values: col('tipAgeSeconds'), unit: UNITS.seconds },
  ]);
}

export function recentBlocksFrame(blocks: RecentBlock[]): DataFrameJSON {
  const pct = (i: number) => blocks.map((b) => b.feeRatePercentiles[i] ?? null);
  return toFrame('blocks.recent', [
    { name: BLOCK_FIELDS.time, type: 'time', values: blocks.map((b) => b.time) },
    { name: BLOCK_FIELDS.height, type: 'number', values: blocks.map((b) => b.height), unit: UNITS.none },
    { name: BLOCK_FIELDS.hash, type: 'string', values: blocks.map((b) => b.hash) },
    { name: BLOCK_FIELDS.txCount, type: 'number', values: blocks.map((b) => b.txCount), unit: UNITS.short },
    { name: BLOCK_FIELDS.size, type: 'number', values: blocks.map((b) => b.size), unit: UNITS.bytes },
    { name: BLOCK_FIELDS.weight, type: 'number', values: blocks.map((b) => b.weight), unit: UNITS.short },
    { name: BLOCK_FIELDS.totalFees, type: 'number', values: blocks.map((b) => b.totalFeesBtc), unit: UNITS.btc },
    { name: BLOCK_FIELDS.avgFeeRate, type: 'number', values: blocks.map((b) => b.avgFeeRate), unit: UNITS.satPerVByte },
    { name: BLOCK_FIELDS.feeRateP10, type: 'number', values: pct(0), unit: UNITS.satPerVByte },
    { name: BLOCK_FIELDS.feeRateP25, type: 'number', values: pct(1), unit: UNITS.satPerVByte },
    { name: BLOCK_FIELDS.feeRateP50, type: 'number', values: pct(2), unit: UNITS.satPerVByte },
    { name: BLOCK_FIELDS.feeRateP75, type: 'number', values: pct(3), unit: UNITS.satPerVByte },
    { name: BLOCK_FIELDS.feeRateP90, type: 'number', values: pct(4), unit: UNITS.satPerVByte },
  ]);
}

export function trafficFrame(series: RateSeries): DataFrameJSON {
  return toFrame('network.traffic', [
    { name: TRAFFIC_FIELDS.time, type: 'time', values: series.time },
    { name: TRAFFIC_FIELDS.bytesIn, type: 'number', values: series.bytesInPerSecond, unit: UNITS.bytesPerSecond },
    { name: TRAFFIC_FIELDS.bytesOut, type: 'number', values: series.bytesOutPerSecond, unit: UNITS.bytesPerSecond },
  ]);
}

export function peersFrame(rows: PeerRow[]): DataFrameJSON {
  const col = <K extends keyof PeerRow>(key: K) => rows.map((r) => r[key]);
  return toFrame(
    'network.peers',
    [
      { name: PEER_FIELDS.id, type: 'number', values: col('id'), unit: UNITS.none },
      { name: PEER_FIELDS.address, type: 'string', values: col('address') },
      { name: PEER_FIELDS.network, type: 'string', values: col('network') },
      { name: PEER_FIELDS.direction, type: 'string', values: col('direction') },
      { name: PEER_FIELDS.connectionType, type: 'string', values: col('connectionType') },
      { name: PEER_FIELDS.userAgent, type: 'string', values: col('userAgent') },
      { name: PEER_FIELDS.version, type: 'number', values: col('version'), unit: UNITS.none },
      { name: PEER_FIELDS.pingMs, type: 'number', values: col('pingMs'), unit: UNITS.ms },
      { name: PEER_FIELDS.bytesSent, type: 'number', values: col('bytesSent'), unit: UNITS.bytes },
      { name: PEER_FIELDS.bytesRecv, type: 'number', values: col('bytesRecv'), unit: UNITS.bytes },
      { name: PEER_FIELDS.syncedHeight, type: 'number', values: col('syncedHeight'), unit: UNITS.none },
      { name: PEER_FIELDS.connectedAt, type: 'time', values: col('connectedAt'), unit: UNITS.dateTime },
      { name: PEER_FIELDS.connectedSeconds, type: 'number', values: col('connectedSeconds'), unit: UNITS.seconds },
      { name: PEER_FIELDS.lat, type: 'number', values: col('lat'), unit: UNITS.none },
      { name: PEER_FIELDS.lon, type: 'number', values: col('lon'), unit: UNITS.none },
      { name: PEER_FIELDS.country, type: 'string', values: col('country') },
      { name: PEER_FIELDS.city, type: 'string', values: col('city') },
      { name: PEER_FIELDS.asn, type: 'number', values: col('asn'), unit: UNITS.none },
      { name: PEER_FIELDS.org, type: 'string', values: col('org') },
    ],
    { preferredVisualisationType: 'table' }
  );
}

export function mempoolSummaryFrame(samples: MempoolSample[]): DataFrameJSON {
  const col = <K extends keyof MempoolSample>(key: K) => samples.map((s) => s[key]);
  return toFrame('mempool.summary', [
    { name: MEMPOOL_SUMMARY_FIELDS.time, type: 'time', values: col('t') },
    { name: MEMPOOL_SUMMARY_FIELDS.size, type: 'number', values: col('size'), unit: UNITS.short },
    { name: MEMPOOL_SUMMARY_FIELDS.bytes, type: 'number', values: col('bytes'), unit: UNITS.bytes },
    { name: MEMPOOL_SUMMARY_FIELDS.usage, type: 'number', values: col('usage'), unit: UNITS.bytes },
    { name: MEMPOOL_SUMMARY_FIELDS.maxMempool, type: 'number', values: col('maxmempool'), unit: UNITS.bytes },
    { name: MEMPOOL_SUMMARY_FIELDS.minFee, type: 'number', values: col('minFee'), unit: UNITS.satPerVByte },
    { name: MEMPOOL_SUMMARY_FIELDS.totalFee, type: 'number', values: col('totalFee'), unit: UNITS.btc },
  ]);
}

export function feeEstimatesFrame(rows: FeeEstimateRow[]): DataFrameJSON {
  return toFrame('fees.estimates', [
    { name: FEE_ESTIMATE_FIELDS.target, type: 'number', values: rows.map((r) => r.target), unit: UNITS.none },
    {
      name: FEE_ESTIMATE_FIELDS.economical,
      type: 'number',
      values: rows.map((r) => r.economical),
      unit: UNITS.satPerVByte,
    },
    {
      name: FEE_ESTIMATE_FIELDS.conservative,
      type: 'number',
      values: rows.map((r) => r.conservative),
      unit: UNITS.satPerVByte,
    },
  ]);
}

export interface HistogramRow {
  t: number;
  /** per band, FEE_BAND_EDGES order */
  vsize: number[];
  count: number[];
}

/** Wide frames: time, then one field per fee band (see HISTOGRAM_FIELDS). */
export function histogramFrames(rows: HistogramRow[]): DataFrameJSON[] {
  const wide = (name: string, pick: (r: HistogramRow) => number[], unit: string) => {
    const fields: FieldInput[] = [{ name: HISTOGRAM_FIELDS.time, type: 'time', values: rows.map((r) => r.t) }];
    FEE_BAND_EDGES.forEach((_edge, band) => {
      const label = feeBandLabel(band);
      fields.push({
        name: label,
        type: 'number',
        values: rows.map((r) => pick(r)[band] ?? 0),
        unit,
        labels: { [HISTOGRAM_FIELDS.bandLabel]: label },
        config: { displayNameFromDS: `${label} sat/vB` },
      });
    });
    return toFrame(name, fields);
  };
  return [
    wide(HISTOGRAM_FIELDS.vsizeFrame, (r) => r.vsize, VBYTES_UNIT),
    wide(HISTOGRAM_FIELDS.countFrame, (r) => r.count, UNITS.short),
  ];
}

export function projectedBlocksFrame(blocks: ProjectedBlock[]): DataFrameJSON {
  const range = (i: number) => blocks.map((b) => b.feeRange[i]);
  const F = PROJECTED_BLOCK_FIELDS;
  return toFrame(
    'mempool.blocks',
    [
      { name: F.index, type: 'number', values: blocks.map((b) => b.index), unit: UNITS.none },
      { name: F.tail, type: 'boolean', values: blocks.map((b) => b.tail) },
      { name: F.txCount, type: 'number', values: blocks.map((b) => b.txCount), unit: UNITS.short },
      { name: F.vsize, type: 'number', values: blocks.map((b) => b.vsize), unit: VBYTES_UNIT },
      { name: F.totalFees, type: 'number', values: blocks.map((b) => b.totalFees / SATS_PER_BTC), unit: UNITS.btc },
      { name: F.medianFee, type: 'number', values: blocks.map((b) => b.medianFee), unit: UNITS.satPerVByte },
      { name: F.feeMin, type: 'number', values: range(0), unit: UNITS.satPerVByte },
      { name: F.feeP10, type: 'number', values: range(1), unit: UNITS.satPerVByte },
      { name: F.feeP25, type: 'number', values: range(2), unit: UNITS.satPerVByte },
      { name: F.feeP50, type: 'number', values: range(3), unit: UNITS.satPerVByte },
      { name: F.feeP75, type: 'number', values: range(4), unit: UNITS.satPerVByte },
      { name: F.feeP90, type: 'number', values: range(5), unit: UNITS.satPerVByte },
      { name: F.feeMax, type: 'number', values: range(6), unit: UNITS.satPerVByte },
    ],
    { preferredVisualisationType: 'table' }
  );
}

export function zmqStatusFrame(status: ZmqStatus): DataFrameJSON {
  const F = ZMQ_FIELDS;
  return toFrame('zmq.status', [
    { name: F.mode, type: 'string', values: [status.mode] },
    { name: F.connected, type: 'boolean', values: [status.connected] },
    { name: F.endpoint, type: 'string', values: [status.endpoint ?? ''] },
    { name: F.messages, type: 'number', values: [status.messages], unit: UNITS.short },
    { name: F.gaps, type: 'number', values: [status.gaps], unit: UNITS.short },
    { name: F.resyncs, type: 'number', values: [status.resyncs], unit: UNITS.short },
    { name: F.lastMessage, type: 'time', values: [status.lastMessage], unit: UNITS.dateTime },
    { name: F.lastResync, type: 'time', values: [status.lastResync], unit: UNITS.dateTime },
    { name: F.lastResyncMs, type: 'number', values: [status.lastResyncMs], unit: UNITS.ms },
    { name: F.mempoolTxs, type: 'number', values: [status.mempoolTxs], unit: UNITS.short },
    {
      name: F.mempoolBytesPerTx,
      type: 'number',
      values: [Math.round(status.bytesPerTx * 10) / 10],
      unit: UNITS.bytesIEC,
    },
    { name: F.silent, type: 'boolean', values: [status.silent] },
    { name: F.synced, type: 'boolean', values: [status.synced] },
  ]);
}

/** bitcoind's view of its host for host.health: clock offset and the growth of its block files. */
export function bitcoinHostFields(r: {
  clockOffsetSeconds: number | null;
  sizeOnDisk: number | null;
  sizeOnDiskGrowthPerSecond: number | null;
  mallocHeld: number | null;
  mallocInUse: number | null;
}): FieldInput[] {
  return [
    { name: 'clock_offset_seconds', type: 'number', values: [r.clockOffsetSeconds], unit: UNITS.seconds },
    { name: 'size_on_disk_bytes', type: 'number', values: [r.sizeOnDisk], unit: UNITS.bytes },
    {
      name: 'size_on_disk_growth_bytes_per_day',
      type: 'number',
      values: [r.sizeOnDiskGrowthPerSecond === null ? null : r.sizeOnDiskGrowthPerSecond * 86_400],
      unit: UNITS.bytes,
    },
    // bitcoind's own memory (glibc malloc_info; null on other builds)
    { name: 'bitcoind_malloc_held_bytes', type: 'number', values: [r.mallocHeld], unit: UNITS.bytesIEC },
    { name: 'bitcoind_malloc_in_use_bytes', type: 'number', values: [r.mallocInUse], unit: UNITS.bytesIEC },
  ];
}
