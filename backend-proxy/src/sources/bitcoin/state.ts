// The running state of one bitcoin source: reads (cached and coalesced), the fast and slow poll
// loops that fill the history rings and metrics, and tip tracking (new blocks, reorgs).
import type { Logger } from 'pino';
import { Coalescer } from '../../core/coalesce.js';
import type { SourceContext } from '../../core/context.js';
import { linearTrend, type SizeSample } from '../../core/diskTrend.js';
import { mallocHeldBytes, mallocInUseBytes, parseMallocInfo, type MallocTotals } from './mallocInfo.js';
import type { HistoryRing } from '../../core/history.js';
import { BlockStatsMemo } from './blockStats.js';
import type { BitcoinRpc } from './client.js';
import { CHAIN_NAME } from './client.js';
import type { BitcoinSourceConfig } from './config.js';
import type { HistogramRow } from './frames.js';
import { defaultCountryDb, GeoLookup, NO_GEO } from './geo.js';
import { LiveHistogram } from './liveHistogram.js';
import { MempoolSync, type ZmqStatus } from './mempoolSync.js';
import { HASHPS_BLOCKS, SMART_FEE_METRIC_TARGETS, type BitcoinMetrics } from './metrics.js';
import {
  BLOCK_STATS_FIELDS,
  FEE_MODES,
  FEE_TARGETS,
  MAX_RECENT_BLOCKS,
  mergeBlocks,
  recentHeights,
  reconcileTip,
  reorgsFromChainTips,
  reorgText,
  toChainInfo,
  toFeeEstimates,
  toMempoolSample,
  toPeerRow,
  toRecentBlock,
  type BanEntry,
  type BlockchainInfo,
  type BlockHeader,
  type BlockRecord,
  type BlockStats,
  type ChainInfo,
  type ChainTip,
  type FeeEstimateRow,
  type MemoryInfo,
  type MempoolInfo,
  type MempoolSample,
  type NetTotals,
  type NetworkInfo,
  type PeerInfo,
  type PeerRow,
  type RecentBlock,
  type ReorgRecord,
  type SmartFee,
  type TrafficSample,
} from './model.js';

/** Cache lifetimes: short enough to look live, long enough that a dashboard refresh coalesces. */
const TTL = {
  chain: 1_000,
  mempool: 1_000,
  netTotals: 1_000,
  peers: 2_000,
  blocks: 10_000,
  fees: 10_000,
} as const;

/** Blocks remembered for annotations and reorg detection. */
const BLOCKS_KEPT = 1_000;
/** Longest walk back from a new tip before giving up on connecting it to known blocks. */
const MAX_WALK = 100;

export interface BitcoinRings {
  traffic: HistoryRing<TrafficSample>;
  mempool: HistoryRing<MempoolSample>;
  blocks: HistoryRing<BlockRecord>;
  reorgs: HistoryRing<ReorgRecord>;
  histogram: HistoryRing<HistogramRow>;
  /** size_on_disk at most once a minute: its growth where the proxy cannot statfs the datadir */
  sizeOnDisk: HistoryRing<SizeSample>;
}

/** size_on_disk samples: one a minute, fitted over a day. */
const SIZE_SAMPLE_MS = 60_000;
const SIZE_TREND_MS = 24 * 3_600_000;

/** chain/mempool: a fast poll read them; block: the tip moved; live: the compact mempool changed */
export type TickEvent = 'chain' | 'mempool' | 'block' | 'live';
export type TickListener = (event: TickEvent, at: number) => void;

/** The ZMQ status and fee-band gauges are refreshed this often. */
const LIVE_MS = 1_000;
/**
 * Live frames follow changes of the compact mempool through a Coalescer (core/coalesce.ts): the
 * first change after a quiet spell gets a frame on the next turn of the event loop, later ones
 * one frame per gap, the gap at least the minimum and four times the CPU time the last frame
 * took, so live work takes at most a fifth of a core. The histogram frames need only the rates
 * and bands (LiveHistogram, about a ms at 20k transactions); the projected blocks need a full analysis
 * (tens of ms at 20k, ~150 ms at 1M), so they have their own, slower pace and are computed only
 * while someone follows them. (Frames used to wait 5 ms after a change and 4x the last full
 * analysis after the previous frame: p99 267 ms at 70 tx/s; a fixed 1 s tick before that made
 * it ~1 s: bench BENCH=livesse.) The minimum is 4 ms, about four times a 20k frame's CPU: adds
 * that come a few ms apart (a burst, each add's entry its own reply) waited up to 10 ms for the
 * next frame with a 10 ms minimum (traced in BENCH=livesse: apply to frame p50 8.7-9.2 ms, 4.0 ms
 * with this one).
 */
const LIVE_MIN_GAP_MS = 4;
const ANALYSIS_MIN_GAP_MS = 25;
const LIVE_COST_FACTOR = 4;
/**
 * zmq.status frames: a changed status at most this often. Its counters move with every message,
 * so following the live frames made ~100 status frames a second at 70 tx/s; a status panel needs
 * a few. The fast poll still sends one each pollSeconds, changed or not, as before.
 */
const STATUS_MIN_GAP_MS = 250;
/** The fee-band gauges follow the live mempool at least this often, without live frames or queries (which set them too). */
const FEE_BAND_GAUGE_MS = 5_000;
/** Fields of getblockstats for bitcoin_latest_block_*, the exporter's list. */
const LATEST_BLOCK_FIELDS = ['height', 'total_size', 'total_weight', 'txs', 'totalfee', 'ins', 'outs', 'total_out'];

export class BitcoinState {
  readonly rings: BitcoinRings;
  private readonly log: Logger;
  private fastTimer: NodeJS.Timeout | undefined;
  private slowTimer: NodeJS.Timeout | undefined;
  private histogramTimer: NodeJS.Timeout | undefined;
  private liveTimer: NodeJS.Timeout | undefined;
  /** paces the 'live' event (histogram frames, status) and the full analysis for projected blocks */
  private readonly live: Coalescer;
  private readonly liveAnalysis: Coalescer;
  private readonly statusFrames: Coalescer;
  private readonly statusListeners = new Set<(status: ZmqStatus) => void>();
  /** the status the last zmq.status frame showed, and whether the next is sent even if unchanged */
  private lastStatusJson: string | null = null;
  private statusDue = false;
  private readonly histogram: LiveHistogram;
  /** the fee-band gauges lag the compact mempool (set on every change, cleared on refresh) */
  /** store version the fee-band gauges show (-1: none yet) and when they were last set */
  private bandsVersion = -1;
  private bandsAt = -Infinity;
  /** height whose getblockstats are on bitcoin_latest_block_* (the slow loop retries otherwise) */
  private latestBlockHeight: number | null = null;
  readonly mempool: MempoolSync;
  private running = false;
  private tipHash: string | null = null;
  private tipWork: Promise<void> = Promise.resolve();
  private seenForks: Set<string> | null = null;
  private lastPollFailed = false;
  /** set when the node's chain is not the configured network */
  networkMismatch: string | null = null;
  /** bitcoind's malloc totals from the last slow poll (null: not read, or not a glibc build) */
  malloc: MallocTotals | null = null;
  /** getnetworkinfo's timeoffset and when it was read (null before the first answer) */
  clockOffset: { seconds: number; at: number } | null = null;
  latestChain: { info: BlockchainInfo; at: number } | null = null;
  private readonly listeners = new Set<TickListener>();
  private readonly analysisListeners = new Set<() => void>();
  private geoLookup: Promise<GeoLookup | null> | null = null;
  private readonly blockStats = new BlockStatsMemo(
    (heights) => this.rpc.batchAll<BlockStats[]>(heights.map((h) => ({ method: 'getblockstats', params: [h, [...BLOCK_STATS_FIELDS]] }))),
    MAX_RECENT_BLOCKS
  );
  /** set when a configured geolocation database could not be read */
  geoError: string | null = null;

  constructor(
    readonly config: BitcoinSourceConfig,
    readonly rpc: BitcoinRpc,
    private readonly context: SourceContext,
    readonly metrics: BitcoinMetrics
  ) {
    const size = config.historySize;
    const id = config.id;
    this.rings = {
      traffic: context.history.ring<TrafficSample>(`${id}:traffic`, size),
      mempool: context.history.ring<MempoolSample>(`${id}:mempool`, size),
      blocks: context.history.ring<BlockRecord>(`${id}:blocks`, BLOCKS_KEPT),
      reorgs: context.history.ring<ReorgRecord>(`${id}:reorgs`, 200),
      histogram: context.history.ring<HistogramRow>(`${id}:histogram`, config.histogramSize),
      sizeOnDisk: context.history.ring<SizeSample>(`${id}:sizeOnDisk`, SIZE_TREND_MS / SIZE_SAMPLE_MS + 1),
    };
    this.log = context.logger; // already bound to source and kind (http/app.ts)
    this.mempool = new MempoolSync({
      endpoint: config.zmq?.sequence ?? null,
      cap: config.mempoolCap,
      pollMs: config.pollSeconds * 1_000,
      maxBatch: config.rpc.maxBatch,
      rpc,
      logger: this.log,
      now: context.now,
      onChange: () => {
        this.live.changed();
        this.liveAnalysis.changed();
      },
      onResync: (reason, ms) => {
        metrics.zmqResync(reason, ms);
        this.statusFrames.changed();
      },
      onMessage: () => {
        metrics.zmqMessage();
        this.statusFrames.changed();
      },
      onGap: () => metrics.zmqGap(),
    });
    this.histogram = new LiveHistogram(this.mempool);
    const onError = (error: unknown) => this.log.warn({ err: error }, 'live frame failed');
    this.live = new Coalescer(() => this.emit('live'), {
      minGapMs: LIVE_MIN_GAP_MS,
      costFactor: LIVE_COST_FACTOR,
      active: () => this.running && this.listeners.size > 0,
      onError,
    });
    this.liveAnalysis = new Coalescer(() => this.emitAnalysis(), {
      minGapMs: ANALYSIS_MIN_GAP_MS,
      costFactor: LIVE_COST_FACTOR,
      active: () => this.running && this.analysisListeners.size > 0,
      onError,
    });
    this.statusFrames = new Coalescer(() => this.emitStatus(), {
      minGapMs: STATUS_MIN_GAP_MS,
      costFactor: LIVE_COST_FACTOR,
      active: () => this.running && this.statusListeners.size > 0,
      onError,
    });
  }

  /** The live histogram row, of the store as it is now (and the fee-band gauges refreshed from it). */
  liveHistogram(): HistogramRow {
    const { version, histogram } = this.histogram.current();
    const now = this.context.now();
    if (version !== this.bandsVersion) {
      this.metrics.feeBands(histogram);
      this.bandsVersion = version;
      this.bandsAt = now;
    }
    return { t: now, vsize: histogram.vsize, count: histogram.count };
  }

  private recordHistogram(): void {
    if (!this.mempool.status().synced) return;
    this.rings.histogram.push(this.liveHistogram());
  }

  private liveTick(): void {
    const status = this.mempool.status();
    this.metrics.zmqStatus(status);
    this.refreshFeeBandGauges(status.synced);
    this.statusFrames.changed(); // connected, silent, syncing: shown within a tick if they changed
  }

  /** A zmq.status frame when the status differs from the last one sent (or one is due anyway). */
  private emitStatus(): void {
    const status = this.mempool.status();
    const json = JSON.stringify(status);
    if (json === this.lastStatusJson && !this.statusDue) return;
    this.lastStatusJson = json;
    this.statusDue = false;
    this.callEach(this.statusListeners, (listener) => listener(status));
  }

  /** Made current here, so the frames show this change, not analysis()'s 200 ms cache. */
  private emitAnalysis(): void {
    this.mempool.analysis(true);
    this.callEach(this.analysisListeners, (listener) => listener());
  }

  /**
   * /metrics readers (Prometheus, the band alerts) see the live mempool without anyone querying
   * the API: the gauges are refreshed here whenever the mempool changed, at most every
   * FEE_BAND_GAUGE_MS (or pollSeconds, when shorter); also once right after the first sync.
   */
  private refreshFeeBandGauges(synced: boolean): void {
    if (!synced || this.mempool.version === this.bandsVersion) return;
    const now = this.context.now();
    const since = now - this.bandsAt; // below 0: the clock stepped back, refresh rather than wait for it
    if (since >= 0 && since < Math.min(FEE_BAND_GAUGE_MS, this.config.pollSeconds * 1_000)) return;
    // the gauges record the store version they show (a live row may have set them already)
    this.liveHistogram();
  }

  onTick(listener: TickListener): () => void {
    this.listeners.add(listener);
    this.live.schedule(); // changes nobody was listening to yet
    return () => this.listeners.delete(listener);
  }

  /** zmq.status as it changes, a frame at most every STATUS_MIN_GAP_MS, and one each fast poll. */
  onStatus(listener: (status: ZmqStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Called after the full analysis (projected blocks) was made current for a change; paced apart from onTick's 'live'. */
  onAnalysis(listener: () => void): () => void {
    this.analysisListeners.add(listener);
    this.liveAnalysis.schedule();
    return () => this.analysisListeners.delete(listener);
  }

  private emit(event: TickEvent): void {
    const at = this.context.now();
    this.callEach(this.listeners, (listener) => listener(event, at));
  }

  /** A failing stream listener is logged; the others still run. */
  private callEach<L>(listeners: Iterable<L>, call: (listener: L) => void): void {
    for (const listener of listeners) {
      try {
        call(listener);
      } catch (error) {
        this.log.warn({ err: error }, 'stream listener failed');
      }
    }
  }

  private cached<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    return this.context.cache.get(`${this.config.id}:${key}`, ttlMs, load);
  }

  // ---- reads used by queries (cached and coalesced) ----

  /** getchaintips, for the chain view across nodes (its slow poll reads it for reorgs too) */
  readChainTips(): Promise<ChainTip[]> {
    return this.cached('chain.tips', TTL.chain, () => this.rpc.call<ChainTip[]>('getchaintips'));
  }

  readChainInfo(): Promise<ChainInfo & { time: number }> {
    return this.cached('chain.info', TTL.chain, async () => {
      const [info, hashps] = await this.rpc.batchAll<[BlockchainInfo, number]>([
        { method: 'getblockchaininfo' },
        { method: 'getnetworkhashps', params: [120] },
      ]);
      this.observeChain(info);
      let tipTime = info.time;
      if (tipTime === undefined) {
        tipTime = (await this.rpc.call<BlockHeader>('getblockheader', [info.bestblockhash, true])).time;
      }
      const now = this.context.now();
      return { time: now, ...toChainInfo(info, hashps, tipTime, now) };
    });
  }

  readRecentBlocks(count: number): Promise<RecentBlock[]> {
    return this.cached(`blocks.recent:${count}`, TTL.blocks, async () => {
      // one tip for every window asked at once; one getblockstats per block across all windows
      const [tip, tipHash] = await this.cached('tip', TTL.blocks, () =>
        this.rpc.batchAll<[number, string]>([{ method: 'getblockcount' }, { method: 'getbestblockhash' }])
      );
      const stats = await this.blockStats.statsFor(recentHeights(tip, count), tip, tipHash);
      return stats.map(toRecentBlock);
    });
  }

  readPeers(): Promise<PeerRow[]> {
    return this.cached('peers', TTL.peers, async () => {
      const peers = await this.rpc.call<PeerInfo[]>('getpeerinfo');
      const now = this.context.now();
      const geo = await this.geo();
      return peers.map((p) => toPeerRow(p, now, geo ? geo.lookup(p.addr, p.network) : NO_GEO));
    });
  }

  /** The geolocation databases, opened once on first use; null when turned off or not readable. */
  geo(): Promise<GeoLookup | null> {
    const configured = this.config.geoip;
    if (configured === false) return Promise.resolve(null);
    const files = { ...configured, countryDb: configured?.countryDb ?? defaultCountryDb() };
    if (!files.cityDb && !files.asnDb && !files.countryDb) return Promise.resolve(null);
    this.geoLookup ??= GeoLookup.open(files).catch((error: unknown) => {
      this.geoError = `geoip database not readable: ${error instanceof Error ? error.message : String(error)}`;
      this.log.warn({ cityDb: files.cityDb, asnDb: files.asnDb, countryDb: files.countryDb }, this.geoError);
      return null;
    });
    return this.geoLookup;
  }

  readMempool(): Promise<MempoolSample> {
    return this.cached('mempool.summary', TTL.mempool, async () => {
      const info = await this.rpc.call<MempoolInfo>('getmempoolinfo');
      return toMempoolSample(info, this.context.now());
    });
  }

  readNetTotals(): Promise<TrafficSample> {
    return this.cached('nettotals', TTL.netTotals, async () => {
      const totals = await this.rpc.call<NetTotals>('getnettotals');
      return { t: this.context.now(), recv: totals.totalbytesrecv, sent: totals.totalbytessent };
    });
  }

  readFeeEstimates(): Promise<FeeEstimateRow[]> {
    return this.cached('fees.estimates', TTL.fees, async () => {
      const calls = FEE_MODES.flatMap((mode) =>
        FEE_TARGETS.map((target) => ({ method: 'estimatesmartfee', params: [target, mode] }))
      );
      const answers = await this.rpc.batchAll<SmartFee[]>(calls);
      const n = FEE_TARGETS.length;
      return toFeeEstimates(FEE_TARGETS, answers.slice(0, n), answers.slice(n));
    });
  }

  // ---- poll loops ----

  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleFast(0);
    this.scheduleSlow(0);
    this.mempool.start();
    this.histogramTimer = setInterval(() => this.recordHistogram(), this.config.histogramIntervalSeconds * 1_000);
    this.histogramTimer.unref();
    this.liveTimer = setInterval(() => this.liveTick(), Math.min(LIVE_MS, this.config.pollSeconds * 1_000));
    this.liveTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.fastTimer);
    clearTimeout(this.slowTimer);
    clearInterval(this.histogramTimer);
    clearInterval(this.liveTimer);
    this.live.cancel();
    this.liveAnalysis.cancel();
    this.statusFrames.cancel();
    await this.mempool.stop();
    await this.tipWork.catch(() => undefined);
  }

  private scheduleFast(delayMs: number): void {
    if (!this.running) return;
    this.fastTimer = setTimeout(() => {
      void this.pollFast().finally(() => this.scheduleFast(this.config.pollSeconds * 1_000));
    }, delayMs);
    this.fastTimer.unref();
  }

  private scheduleSlow(delayMs: number): void {
    if (!this.running) return;
    this.slowTimer = setTimeout(() => {
      void this.pollSlow().finally(() => this.scheduleSlow(this.config.slowPollSeconds * 1_000));
    }, delayMs);
    this.slowTimer.unref();
  }

  /** Fast loop: chain, mempool and traffic samples into the rings and gauges, tip tracking. */
  async pollFast(): Promise<void> {
    try {
      const [chain, mempool, totals, network, uptime] = await this.rpc.batch([
        { method: 'getblockchaininfo' },
        { method: 'getmempoolinfo' },
        { method: 'getnettotals' },
        { method: 'getnetworkinfo' },
        { method: 'uptime' },
      ]);
      const now = this.context.now();
      if (mempool?.ok) {
        const info = mempool.result as MempoolInfo;
        this.rings.mempool.push(toMempoolSample(info, now));
        this.metrics.mempool(info);
        this.mempool.observeNodeMempool(info.size);
        this.context.cache.delete(`${this.config.id}:mempool.summary`);
        this.emit('mempool');
        this.statusDue = true;
        this.statusFrames.changed();
      }
      if (totals?.ok) {
        const t = totals.result as NetTotals;
        this.rings.traffic.push({ t: now, recv: t.totalbytesrecv, sent: t.totalbytessent });
        this.metrics.netTotals(t);
      }
      if (network?.ok) {
        const info = network.result as NetworkInfo;
        this.metrics.network(info);
        if (typeof info.timeoffset === 'number') this.clockOffset = { seconds: info.timeoffset, at: now };
      }
      if (uptime?.ok) this.metrics.uptime(uptime.result as number);
      if (chain?.ok) {
        const info = chain.result as BlockchainInfo;
        this.observeChain(info);
        this.metrics.chain(info);
        this.recordSizeOnDisk(info.size_on_disk, now);
        this.emit('chain');
      }
      this.pollSucceeded();
    } catch (error) {
      this.pollFailed(error);
    }
  }

  /** Slow loop: peers count, fee gauges, hash rates, chain tips, memory, bans, latest block. */
  async pollSlow(): Promise<void> {
    const height = this.latestChain?.info.blocks;
    try {
      const calls = [
        { method: 'getchaintips' },
        { method: 'getchaintxstats' },
        { method: 'getmemoryinfo', params: ['stats'] },
        { method: 'getrpcinfo' },
        { method: 'listbanned' },
        // glibc's malloc_info: bitcoind's own memory (an error without glibc: then left out)
        { method: 'getmemoryinfo', params: ['mallocinfo'] },
        ...HASHPS_BLOCKS.map((n) => ({ method: 'getnetworkhashps', params: [n] })),
        ...SMART_FEE_METRIC_TARGETS.map((n) => ({ method: 'estimatesmartfee', params: [n, 'ECONOMICAL'] })),
        ...(height === undefined || height === this.latestBlockHeight
          ? []
          : [
              {
                method: 'getblockstats',
                params: [height, LATEST_BLOCK_FIELDS],
              },
            ]),
      ];
      const out = await this.rpc.batch(calls);
      const ok = <T>(i: number): T | undefined => {
        const o = out[i];
        return o?.ok ? (o.result as T) : undefined;
      };
      const tips = ok<ChainTip[]>(0);
      if (tips) {
        this.metrics.chainTips(tips.length);
        this.checkChainTips(tips);
      }
      const txstats = ok<{ txcount: number }>(1);
      if (txstats) this.metrics.txCount(txstats.txcount);
      const memory = ok<MemoryInfo>(2);
      if (memory) this.metrics.memory(memory);
      const rpcinfo = ok<{ active_commands: unknown[] }>(3);
      if (rpcinfo) this.metrics.rpcActive(rpcinfo.active_commands.length);
      const bans = ok<BanEntry[]>(4);
      if (bans) this.metrics.banned(bans);
      const malloc = ok<unknown>(5);
      this.malloc = typeof malloc === 'string' ? parseMallocInfo(malloc) : null;
      this.metrics.malloc(this.malloc);
      let i = 6;
      for (const n of HASHPS_BLOCKS) {
        const value = ok<number>(i++);
        if (value !== undefined) this.metrics.networkHashps(n, value);
      }
      for (const n of SMART_FEE_METRIC_TARGETS) {
        const fee = ok<SmartFee>(i++);
        if (fee) this.metrics.smartFee(n, fee.feerate);
      }
      const stats = height === undefined || height === this.latestBlockHeight ? undefined : ok<BlockStats>(i);
      if (stats) this.publishLatestBlock(stats);
      this.pollSucceeded();
    } catch (error) {
      this.pollFailed(error);
    }
  }

  private recordSizeOnDisk(bytes: number, now: number): void {
    const last = this.rings.sizeOnDisk.last();
    if (!Number.isFinite(bytes) || (last && now - last.t < SIZE_SAMPLE_MS)) return;
    this.rings.sizeOnDisk.push({ t: now, bytes });
    this.metrics.sizeOnDiskGrowth(this.sizeOnDiskTrend()?.bytesPerSecond ?? null);
  }

  /** Growth of size_on_disk over the last day (null until 3 samples over 10 minutes). */
  sizeOnDiskTrend() {
    return linearTrend(this.rings.sizeOnDisk.toArray(), SIZE_TREND_MS);
  }

  /** What bitcoind tells of its host, from the latest polls (nulls before the first). */
  hostReadings(): {
    clockOffsetSeconds: number | null;
    sizeOnDisk: number | null;
    sizeOnDiskGrowthPerSecond: number | null;
    mallocHeld: number | null;
    mallocInUse: number | null;
  } {
    return {
      mallocHeld: this.malloc ? mallocHeldBytes(this.malloc) : null,
      mallocInUse: this.malloc ? mallocInUseBytes(this.malloc) : null,
      clockOffsetSeconds: this.clockOffset?.seconds ?? null,
      sizeOnDisk: this.rings.sizeOnDisk.last()?.bytes ?? null,
      sizeOnDiskGrowthPerSecond: this.sizeOnDiskTrend()?.bytesPerSecond ?? null,
    };
  }

  /** The `clock` health component: the node's view of its clock against its outbound peers'. */
  clockHealth(): { status: 'ok' | 'degraded'; message: string; lastSuccess: number | null } | null {
    if (!this.clockOffset) return null;
    const { seconds, at } = this.clockOffset;
    const limit = this.config.maxClockOffsetSeconds;
    // Core: offset = peer's time − ours, so a positive median means this host's clock is behind
    const side = seconds > 0 ? 'behind' : 'ahead of';
    if (Math.abs(seconds) > limit) {
      return { status: 'degraded', message: `clock ${Math.abs(seconds)} s ${side} the outbound peers' median (limit ${limit} s): check NTP`, lastSuccess: at };
    }
    return { status: 'ok', message: `clock offset ${seconds} s from the outbound peers' median`, lastSuccess: at };
  }

  private pollSucceeded(): void {
    if (this.lastPollFailed) this.log.info('bitcoind answers again');
    this.lastPollFailed = false;
  }

  private pollFailed(error: unknown): void {
    // log the first failure of a run at warn, repeats at debug: a down node must not flood logs
    const message = error instanceof Error ? error.message : String(error);
    if (!this.lastPollFailed) this.log.warn({ error: message }, 'bitcoind poll failed');
    else this.log.debug({ error: message }, 'bitcoind poll failed');
    this.lastPollFailed = true;
  }

  /** Every fresh getblockchaininfo passes here: network check and tip tracking. */
  private observeChain(info: BlockchainInfo): void {
    const at = this.context.now();
    this.latestChain = { info, at };
    const expected = CHAIN_NAME[this.config.network];
    this.networkMismatch =
      info.chain === expected
        ? null
        : `configured network ${this.config.network} but the node runs chain "${info.chain}"`;
    if (info.bestblockhash !== this.tipHash) {
      const hash = info.bestblockhash;
      this.tipHash = hash;
      // one tip change at a time, in order
      void this.refreshLatestBlock(hash);
      this.tipWork = this.tipWork
        .then(() => this.followTip(hash))
        .catch((error: unknown) => {
          this.tipHash = null; // try again on the next poll
          this.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'tip tracking failed');
        });
    }
  }

  /**
   * bitcoin_latest_block_* for a new tip, right away: jvstein's exporter reads getblockstats of
   * the best block on its first refresh, so they must not wait for the 30 s slow loop.
   */
  private async refreshLatestBlock(hash: string): Promise<void> {
    try {
      this.publishLatestBlock(await this.rpc.call<BlockStats>('getblockstats', [hash, LATEST_BLOCK_FIELDS]));
    } catch (error) {
      // the slow loop tries again for this height
      this.log.debug({ error: error instanceof Error ? error.message : String(error) }, 'latest block stats failed');
    }
  }

  private publishLatestBlock(stats: BlockStats): void {
    // a slow-loop answer for an older tip may arrive after the new tip's
    if (stats.height < (this.latestChain?.info.blocks ?? -1)) return;
    this.metrics.latestBlock(stats);
    this.latestBlockHeight = stats.height;
  }

  /** Walks back from a new tip to a known block: new blocks become annotations, replaced ones a reorg. */
  private async followTip(hash: string): Promise<void> {
    const known = this.rings.blocks.toArray();
    const knownAt = new Map(known.map((b) => [b.height, b.hash]));
    const tip = await this.rpc.call<BlockHeader>('getblockheader', [hash, true]);
    const walked: BlockHeader[] = [];
    let connected = knownAt.get(tip.height) === tip.hash;
    if (connected && known[known.length - 1]?.hash === tip.hash) return; // nothing new
    let header: BlockHeader | undefined = connected ? undefined : tip;
    const limit = known.length === 0 ? 1 : MAX_WALK;
    while (header && walked.length < limit) {
      walked.push(header);
      const parent = header.previousblockhash;
      if (parent === undefined) break;
      if (knownAt.get(header.height - 1) === parent) {
        connected = true;
        break;
      }
      if (walked.length >= limit) break;
      header = await this.rpc.call<BlockHeader>('getblockheader', [parent, true]);
    }
    const now = this.context.now();
    const change = reconcileTip(known, tip, walked, connected, now);
    this.rings.blocks.load(mergeBlocks(known, tip, change, BLOCKS_KEPT));
    if (change.reorg) this.recordReorg(change.reorg);
    if (change.added.length > 0 || change.reorg) {
      this.context.cache.delete(`${this.config.id}:blocks.recent`);
      this.context.cache.delete(`${this.config.id}:tip`);
      this.context.cache.delete(`${this.config.id}:chain.info`);
      this.emit('block');
    }
  }

  private recordReorg(reorg: ReorgRecord): void {
    this.seenForks?.add(reorg.oldTip);
    this.rings.reorgs.push(reorg);
    this.log.warn({ depth: reorg.depth, oldTip: reorg.oldTip, newTip: reorg.newTip }, reorgText(reorg));
  }

  private checkChainTips(tips: ChainTip[]): void {
    if (this.seenForks === null) {
      // the first look is a baseline: forks that existed before we started are old news
      this.seenForks = new Set(this.rings.reorgs.toArray().map((r) => r.oldTip));
      for (const tip of tips) if (tip.status === 'valid-fork') this.seenForks.add(tip.hash);
      return;
    }
    for (const reorg of reorgsFromChainTips(tips, this.seenForks, this.context.now())) this.recordReorg(reorg);
  }
}
