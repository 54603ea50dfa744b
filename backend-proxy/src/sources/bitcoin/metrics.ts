// /metrics for a bitcoin source. Names, units and meanings follow jvstein's
// bitcoin-prometheus-exporter (bitcoind-monitor.py), so its dashboards and alerts keep working;
// every series carries `source`. Fee rates stay in BTC/kvB and values in BTC there, as the
// exporter publishes them.
import { FEE_BAND_EDGES, feeBandLabel } from '@nodescope/shared';
import type { Counter, Gauge } from 'prom-client';
import type { MetricFactory } from '../../core/metrics.js';
import type { FeeHistogram } from './feerates.js';
import type { ZmqStatus } from './mempoolSync.js';
import type { BanEntry, BlockchainInfo, BlockStats, MemoryInfo, MempoolInfo, NetTotals, NetworkInfo } from './model.js';
import { mallocHeldBytes, mallocInUseBytes, type MallocTotals } from './mallocInfo.js';
import { SATS_PER_BTC } from './model.js';

/** The exporter's SMARTFEE_BLOCKS default (2,3,5,20) plus the targets of fees.estimates. */
export const SMART_FEE_METRIC_TARGETS = [1, 2, 3, 5, 6, 12, 20, 24, 144] as const;
/** The exporter's HASHPS_BLOCKS default: since the last retarget, last block, last 120. */
export const HASHPS_BLOCKS = [-1, 1, 120] as const;

/** bitcoin_hashps (120), bitcoin_hashps_1, bitcoin_hashps_neg1, as the exporter names them. */
export function hashpsMetricName(blocks: number): string {
  if (blocks < 0) return `bitcoin_hashps_neg${-blocks}`;
  return blocks === 120 ? 'bitcoin_hashps' : `bitcoin_hashps_${blocks}`;
}

type G = Gauge<'source'>;

export class BitcoinMetrics {
  private readonly labels: { source: string };
  private readonly g: Record<string, G>;
  private readonly hashps = new Map<number, G>();
  private readonly smartFeeGauges = new Map<number, G>();
  private readonly banCreated: Gauge<'source' | 'address' | 'reason'>;
  private readonly bannedUntil: Gauge<'source' | 'address' | 'reason'>;
  private readonly warnings;
  private bans: Array<{ address: string; reason: string }> = [];
  private readonly bandVsize: Gauge<'source' | 'band'>;
  private readonly bandTxs: Gauge<'source' | 'band'>;
  private readonly zmq: {
    messages: Counter<'source'>;
    gaps: Counter<'source'>;
    resyncs: Counter<'source' | 'reason'>;
    connected: G;
    silent: G;
    lastMessage: G;
    resyncSeconds: G;
    trackedTxs: G;
    bytesPerTx: G;
    refused: G;
  };

  constructor(
    private readonly factory: MetricFactory,
    readonly sourceId: string
  ) {
    this.labels = { source: sourceId };
    const gauge = (name: string, help: string) => factory.gauge(name, help);
    this.g = {
      blocks: gauge('bitcoin_blocks', 'Block height'),
      difficulty: gauge('bitcoin_difficulty', 'Difficulty'),
      peers: gauge('bitcoin_peers', 'Number of peers'),
      connIn: gauge('bitcoin_conn_in', 'Number of connections in'),
      connOut: gauge('bitcoin_conn_out', 'Number of connections out'),
      uptime: gauge('bitcoin_uptime', 'Number of seconds the Bitcoin daemon has been running'),
      memUsed: gauge('bitcoin_meminfo_used', 'Number of bytes used'),
      memFree: gauge('bitcoin_meminfo_free', 'Number of bytes available'),
      memTotal: gauge('bitcoin_meminfo_total', 'Number of bytes managed'),
      memLocked: gauge('bitcoin_meminfo_locked', 'Number of bytes locked'),
      memChunksUsed: gauge('bitcoin_meminfo_chunks_used', 'Number of allocated chunks'),
      memChunksFree: gauge('bitcoin_meminfo_chunks_free', 'Number of unused chunks'),
      mempoolBytes: gauge('bitcoin_mempool_bytes', 'Size of mempool in bytes'),
      mempoolSize: gauge('bitcoin_mempool_size', 'Number of unconfirmed transactions in mempool'),
      mempoolUsage: gauge('bitcoin_mempool_usage', 'Total memory usage for the mempool'),
      mempoolMinFee: gauge('bitcoin_mempool_minfee', 'Minimum fee rate in BTC/kB for tx to be accepted in mempool'),
      mempoolUnbroadcast: gauge('bitcoin_mempool_unbroadcast', 'Number of transactions waiting for acknowledgment'),
      latestHeight: gauge('bitcoin_latest_block_height', 'Height or index of latest block'),
      latestWeight: gauge('bitcoin_latest_block_weight', 'Weight of latest block according to BIP 141'),
      latestSize: gauge('bitcoin_latest_block_size', 'Size of latest block in bytes'),
      latestTxs: gauge('bitcoin_latest_block_txs', 'Number of transactions in latest block'),
      latestInputs: gauge('bitcoin_latest_block_inputs', 'Number of inputs in transactions of latest block'),
      latestOutputs: gauge('bitcoin_latest_block_outputs', 'Number of outputs in transactions of latest block'),
      latestValue: gauge('bitcoin_latest_block_value', 'Bitcoin value of all transactions in the latest block'),
      latestFee: gauge('bitcoin_latest_block_fee', 'Total fee to process the latest block'),
      txcount: gauge('bitcoin_txcount', 'Number of TX since the genesis block'),
      chaintips: gauge('bitcoin_num_chaintips', 'Number of known blockchain branches'),
      bytesRecv: gauge('bitcoin_total_bytes_recv', 'Total bytes received'),
      bytesSent: gauge('bitcoin_total_bytes_sent', 'Total bytes sent'),
      serverVersion: gauge('bitcoin_server_version', 'The server version'),
      protocolVersion: gauge('bitcoin_protocol_version', 'The protocol version of the server'),
      sizeOnDisk: gauge('bitcoin_size_on_disk', 'Estimated size of the block and undo files'),
      verificationProgress: gauge('bitcoin_verification_progress', 'Estimate of verification progress [0..1]'),
      rpcActive: gauge('bitcoin_rpc_active', 'Number of RPC calls being processed'),
      // nodescope's own (the exporter has neither): host health read through bitcoind
      timeOffset: gauge('bitcoin_timeoffset_seconds', "getnetworkinfo timeoffset: median offset of outbound peers' clocks from the node's, seconds"),
      mallocHeld: gauge('bitcoin_malloc_held_bytes', "Memory bitcoind's malloc holds from the kernel: arenas plus mmapped chunks (getmemoryinfo mallocinfo)"),
      mallocInUse: gauge('bitcoin_malloc_in_use_bytes', 'Memory bitcoind has allocated and not freed (held minus free chunks in the arenas)'),
      sizeOnDiskGrowth: gauge(
        'bitcoin_size_on_disk_growth_bytes_per_second',
        'Growth of size_on_disk, least squares over the last 24 hours of samples'
      ),
    };
    this.banCreated = factory.gauge('bitcoin_ban_created', 'Time the ban was created', ['address', 'reason']);
    this.bannedUntil = factory.gauge('bitcoin_banned_until', 'Time the ban expires', ['address', 'reason']);
    // the exporter's Counter('bitcoin_warnings'): Python's client exposes it as bitcoin_warnings_total
    this.warnings = factory.counter('bitcoin_warnings_total', 'Number of network or blockchain warnings detected');
    // the exporter's unlabelled Counter is exposed as 0 from the start (prometheus_client does so
    // for every metric without labels), so increase() sees the first warning: publish 0 at once
    this.warnings.inc(this.labels, 0);
    // nodescope's own series (no exporter equivalent): the live mempool and its ZMQ feed
    this.bandVsize = factory.gauge(
      'bitcoin_mempool_fee_band_vsize',
      'Mempool vbytes per effective fee-rate band (sat/vB, mempool.space edges)',
      ['band']
    );
    this.bandTxs = factory.gauge(
      'bitcoin_mempool_fee_band_txs',
      'Mempool transactions per effective fee-rate band (sat/vB)',
      ['band']
    );
    this.zmq = {
      messages: factory.counter('bitcoin_zmq_messages_total', 'ZMQ sequence messages received'),
      gaps: factory.counter('bitcoin_zmq_gaps_total', 'ZMQ message counter gaps (lost messages or node restarts)'),
      resyncs: factory.counter('bitcoin_zmq_resyncs_total', 'Mempool resyncs from RPC', ['reason']),
      connected: gauge('bitcoin_zmq_connected', '1 while the ZMQ sequence socket is connected'),
      silent: gauge('bitcoin_zmq_silent', '1 while ZMQ is quiet but the node mempool changes (polling meanwhile)'),
      lastMessage: gauge('bitcoin_zmq_last_message_timestamp_seconds', 'Time of the last ZMQ sequence message'),
      resyncSeconds: gauge('bitcoin_zmq_resync_duration_seconds', 'Duration of the last mempool resync'),
      trackedTxs: gauge('bitcoin_mempool_tracked_txs', "Transactions in the proxy's compact mempool"),
      bytesPerTx: gauge('bitcoin_mempool_tracked_bytes_per_tx', 'Memory of the compact mempool per transaction, bytes'),
      refused: gauge('bitcoin_mempool_tracked_refused', 'Transactions not tracked because mempoolCap was reached'),
    };
  }

  feeBands(histogram: FeeHistogram): void {
    FEE_BAND_EDGES.forEach((_edge, i) => {
      const labels = { ...this.labels, band: feeBandLabel(i) };
      this.bandVsize.set(labels, histogram.vsize[i] ?? 0);
      this.bandTxs.set(labels, histogram.count[i] ?? 0);
    });
  }

  zmqMessage(): void {
    this.zmq.messages.inc(this.labels);
  }

  zmqGap(): void {
    this.zmq.gaps.inc(this.labels);
  }

  zmqResync(reason: string, ms: number): void {
    // reasons are a small fixed set, except counter gaps which carry numbers: fold those
    const label = reason.startsWith('message counter gap') ? 'gap' : reason;
    this.zmq.resyncs.inc({ ...this.labels, reason: label });
    this.zmq.resyncSeconds.set(this.labels, ms / 1_000);
  }

  zmqStatus(status: ZmqStatus): void {
    this.zmq.connected.set(this.labels, status.connected ? 1 : 0);
    this.zmq.silent.set(this.labels, status.silent ? 1 : 0);
    if (status.lastMessage !== null) this.zmq.lastMessage.set(this.labels, status.lastMessage / 1_000);
    this.zmq.trackedTxs.set(this.labels, status.mempoolTxs);
    this.zmq.bytesPerTx.set(this.labels, status.bytesPerTx);
    this.zmq.refused.set(this.labels, status.refused);
  }

  private set(key: string, value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    this.g[key]!.set(this.labels, value);
  }

  chain(info: BlockchainInfo): void {
    this.set('blocks', info.blocks);
    this.set('difficulty', info.difficulty);
    this.set('sizeOnDisk', info.size_on_disk);
    this.set('verificationProgress', info.verificationprogress);
  }

  network(info: NetworkInfo): void {
    this.set('peers', info.connections);
    this.set('connIn', info.connections_in);
    this.set('connOut', info.connections_out);
    this.set('serverVersion', info.version);
    this.set('protocolVersion', info.protocolversion);
    this.set('timeOffset', info.timeoffset);
    const warnings = Array.isArray(info.warnings) ? info.warnings.length > 0 : Boolean(info.warnings);
    if (warnings) this.warnings.inc(this.labels);
  }

  mempool(info: MempoolInfo): void {
    this.set('mempoolBytes', info.bytes);
    this.set('mempoolSize', info.size);
    this.set('mempoolUsage', info.usage);
    this.set('mempoolMinFee', info.mempoolminfee);
    this.set('mempoolUnbroadcast', info.unbroadcastcount);
  }

  netTotals(totals: NetTotals): void {
    this.set('bytesRecv', totals.totalbytesrecv);
    this.set('bytesSent', totals.totalbytessent);
  }

  /** null: too little history for a trend (the series is removed rather than left stale) */
  sizeOnDiskGrowth(bytesPerSecond: number | null): void {
    if (bytesPerSecond === null) this.g.sizeOnDiskGrowth!.remove(this.labels);
    else this.set('sizeOnDiskGrowth', bytesPerSecond);
  }

  /** glibc malloc totals; null (not a glibc build, or the call failed) removes the series */
  malloc(totals: MallocTotals | null): void {
    if (!totals) {
      this.g.mallocHeld!.remove(this.labels);
      this.g.mallocInUse!.remove(this.labels);
      return;
    }
    this.set('mallocHeld', mallocHeldBytes(totals));
    this.set('mallocInUse', mallocInUseBytes(totals));
  }

  uptime(seconds: number): void {
    this.set('uptime', seconds);
  }

  memory(info: MemoryInfo): void {
    const m = info.locked;
    this.set('memUsed', m.used);
    this.set('memFree', m.free);
    this.set('memTotal', m.total);
    this.set('memLocked', m.locked);
    this.set('memChunksUsed', m.chunks_used);
    this.set('memChunksFree', m.chunks_free);
  }

  chainTips(count: number): void {
    this.set('chaintips', count);
  }

  txCount(count: number): void {
    this.set('txcount', count);
  }

  /** `rpcinfo.active_commands` includes the getrpcinfo call itself: the exporter subtracts it. */
  rpcActive(activeCommands: number): void {
    this.set('rpcActive', Math.max(0, activeCommands - 1));
  }

  latestBlock(
    stats: Pick<BlockStats, 'height' | 'total_size' | 'total_weight' | 'txs' | 'totalfee'> & Partial<BlockStats>
  ): void {
    this.set('latestHeight', stats.height);
    this.set('latestSize', stats.total_size);
    this.set('latestWeight', stats.total_weight);
    this.set('latestTxs', stats.txs);
    this.set('latestInputs', stats.ins);
    this.set('latestOutputs', stats.outs);
    if (stats.total_out !== undefined) this.set('latestValue', stats.total_out / SATS_PER_BTC);
    this.set('latestFee', stats.totalfee / SATS_PER_BTC);
  }

  networkHashps(blocks: number, value: number): void {
    let gauge = this.hashps.get(blocks);
    if (!gauge) {
      const span = blocks === -1 ? 'since the last difficulty change' : `for the last ${blocks} blocks`;
      gauge = this.factory.gauge(hashpsMetricName(blocks), `Estimated network hash rate per second ${span}`);
      this.hashps.set(blocks, gauge);
    }
    if (Number.isFinite(value)) gauge.set(this.labels, value);
  }

  /** estimatesmartfee feerate, BTC/kvB; absent when the node has no estimate yet. */
  smartFee(blocks: number, btcPerKvb: number | undefined): void {
    let gauge = this.smartFeeGauges.get(blocks);
    if (!gauge) {
      gauge = this.factory.gauge(
        `bitcoin_est_smart_fee_${blocks}`,
        `Estimated smart fee per kilobyte for confirmation in ${blocks} blocks`
      );
      this.smartFeeGauges.set(blocks, gauge);
    }
    if (btcPerKvb === undefined) gauge.remove(this.labels);
    else gauge.set(this.labels, btcPerKvb);
  }

  /** Replaces the ban series; lifted bans disappear instead of lingering. */
  banned(list: BanEntry[]): void {
    for (const old of this.bans) {
      this.banCreated.remove({ ...this.labels, ...old });
      this.bannedUntil.remove({ ...this.labels, ...old });
    }
    this.bans = list.map((ban) => ({ address: ban.address, reason: ban.ban_reason ?? 'manually added' }));
    list.forEach((ban, i) => {
      const labels = { ...this.labels, ...this.bans[i]! };
      this.banCreated.set(labels, ban.ban_created);
      this.bannedUntil.set(labels, ban.banned_until);
    });
  }
}
