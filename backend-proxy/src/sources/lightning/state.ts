// The running state of one lightning source, in the shape bitcoin's state.ts has: the node's
// reads behind one face (lnd or Core Lightning), cached and through the circuit, the last verdict,
// the comparison with the bitcoin source, the poll loop, health, and what each query answers.
// index.ts only wires it into a Source.
import { readFileSync } from 'node:fs';
import type { DataFrameJSON } from '@nodescope/shared';
import { UpstreamHealth } from '../../core/circuit.js';
import type { SourceContext } from '../../core/context.js';
import { PollLoop } from '../../core/poll.js';
import { chainOf, finiteHeight } from '../capabilities.js';
import type { SourceHealth } from '../types.js';
import { ClnRestClient, LndRestClient } from './client.js';
import type { LightningSourceConfig } from './config.js';
import { balancesFrame, channelsFrame, forwardsFrame, nodeInfoFrame } from './frames.js';
import { lightningMetrics } from './metrics.js';
import {
  judgeNode,
  judgeSync,
  offlinePeers,
  parseClnBalances,
  parseClnChannels,
  parseClnForwards,
  parseClnInfo,
  parseLndBalances,
  parseLndChannels,
  parseLndForwards,
  parseLndInfo,
  parseLndPending,
  summarizeForwards,
  type Balances,
  type ChannelRow,
  type Forward,
  type NodeInfo,
  type NodeVerdict,
  type SyncVerdict,
} from './model.js';

/** The four reads every implementation answers, behind one face. */
interface LightningReader {
  info(): Promise<NodeInfo>;
  channels(): Promise<{ rows: ChannelRow[]; limboSat: number }>;
  balances(channels: { rows: ChannelRow[]; limboSat: number }): Promise<Balances>;
  forwards(fromMs: number, toMs: number): Promise<Forward[]>;
  /** whether failed forwards are in what forwards() returns */
  readonly failuresKnown: boolean;
}

/** lnd keeps every forward; a window of up to this many is asked for (ForwardingHistoryRequest.num_max_events). */
const LND_MAX_FORWARDS = 50_000;

function lndReader(client: LndRestClient): LightningReader {
  return {
    failuresKnown: false,
    info: async () => parseLndInfo(await client.call('getinfo')),
    channels: async () => {
      const [open, pending] = await Promise.all([client.call('channels'), client.call('pendingChannels')]);
      const p = parseLndPending(pending);
      return { rows: [...parseLndChannels(open), ...p.rows], limboSat: p.limboSat };
    },
    balances: async (channels) => {
      const [wallet, chan] = await Promise.all([client.call('walletBalance'), client.call('channelBalance')]);
      return parseLndBalances(wallet, chan, channels.limboSat);
    },
    forwards: async (fromMs, toMs) =>
      parseLndForwards(
        await client.call('forwardingHistory', {
          start_time: String(Math.floor(fromMs / 1000)),
          end_time: String(Math.ceil(toMs / 1000)),
          index_offset: 0,
          num_max_events: LND_MAX_FORWARDS,
        })
      ),
  };
}

function clnReader(client: ClnRestClient): LightningReader {
  return {
    failuresKnown: true,
    info: async () => parseClnInfo(await client.call('getinfo')),
    channels: async () => ({ rows: parseClnChannels(await client.call('listpeerchannels')), limboSat: 0 }),
    balances: async (channels) => parseClnBalances(await client.call('listfunds'), channels.rows),
    // listforwards has no time filter (doc/schemas/listforwards.json request: status, channels, index/start/limit)
    forwards: async () => parseClnForwards(await client.call('listforwards')),
  };
}

export class LightningState {
  private readonly reader: LightningReader;
  private readonly health: UpstreamHealth;
  private readonly metrics: ReturnType<typeof lightningMetrics>;
  private readonly ttl: number;
  private lastVerdict: NodeVerdict | null = null;
  private bitcoinNote: string | null = null;
  private readonly loop: PollLoop;

  constructor(
    readonly config: LightningSourceConfig,
    private readonly context: SourceContext
  ) {
    const ca = config.tlsCertFile ? readFileSync(config.tlsCertFile, 'utf8') : undefined;
    const clientOptions = {
      url: config.url,
      timeoutMs: config.timeoutMs,
      sourceId: config.id,
      self: context.self,
      ...(ca ? { ca } : {}),
    };
    this.reader =
      config.implementation === 'lnd'
        ? lndReader(new LndRestClient(clientOptions, config.macaroonHex ?? ''))
        : clnReader(new ClnRestClient(clientOptions, config.rune ?? ''));
    const label = config.implementation === 'lnd' ? 'lnd rest' : 'clnrest';
    this.health = new UpstreamHealth(label, {
      failureThreshold: 3,
      openMs: Math.max(5_000, config.pollSeconds * 1_000),
      now: context.now,
    });
    this.metrics = lightningMetrics(context.metrics, config.id);
    this.ttl = Math.max(500, Math.floor((config.pollSeconds * 1_000) / 2));
    this.loop = new PollLoop(() => this.refresh(), config.pollSeconds * 1_000);
  }

  private cached<T>(key: string, load: () => Promise<T>, ttlMs = this.ttl): Promise<T> {
    return this.context.cache.get(`lightning:${this.config.id}:${key}`, ttlMs, load);
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return this.health.call(fn);
  }

  // --- reads ---------------------------------------------------------------------------------

  private loadInfo(): Promise<NodeInfo> {
    return this.cached('info', () => this.call(() => this.reader.info()));
  }

  private loadChannels(): Promise<{ rows: ChannelRow[]; limboSat: number }> {
    return this.cached('channels', async () => {
      const channels = await this.call(() => this.reader.channels());
      this.metrics.channels(channels.rows, offlinePeers(channels.rows).length);
      return channels;
    });
  }

  private loadBalances(): Promise<Balances> {
    return this.cached('balances', async () => {
      const balances = await this.call(async () => this.reader.balances(await this.loadChannels()));
      this.metrics.balances(balances);
      return balances;
    });
  }

  private loadForwards() {
    return this.cached('forwards', async () => {
      const to = this.context.now();
      const from = to - this.config.forwardsHours * 3_600_000;
      const summary = summarizeForwards(await this.call(() => this.reader.forwards(from, to)), from, to);
      this.metrics.forwards(summary, this.config.forwardsHours, this.reader.failuresKnown);
      return summary;
    });
  }

  /** the configured bitcoin source's height, or null (and a note saying why) */
  private async loadBitcoinHeight(): Promise<number | null> {
    const id = this.config.bitcoinSource;
    if (!id) return null;
    const chain = chainOf(this.context.lookup(id));
    if (!chain) {
      this.bitcoinNote = `bitcoin source "${id}" is not configured or is not a bitcoin source`;
      return null;
    }
    try {
      const height = finiteHeight((await chain.tip()).height);
      this.bitcoinNote = height === null ? `bitcoin source "${id}" gave no height` : null;
      return height;
    } catch (error) {
      this.bitcoinNote = `bitcoin source "${id}": ${(error as Error).message}`;
      return null;
    }
  }

  private loadSync(): Promise<{ info: NodeInfo; sync: SyncVerdict }> {
    return this.cached('sync', async () => {
      const info = await this.loadInfo();
      const sync = judgeSync(info, await this.loadBitcoinHeight(), this.config.maxBlocksBehind);
      this.metrics.info(info, sync);
      return { info, sync };
    });
  }

  private async judge(): Promise<NodeVerdict> {
    const { sync } = await this.loadSync();
    const channels = await this.loadChannels();
    this.lastVerdict = judgeNode(sync, channels.rows);
    this.metrics.healthy(this.lastVerdict.healthy);
    return this.lastVerdict;
  }

  // --- what the queries answer -----------------------------------------------------------------

  async nodeInfo(): Promise<DataFrameJSON[]> {
    const { info, sync } = await this.loadSync();
    const channels = await this.loadChannels().catch(() => null);
    const verdict = channels ? judgeNode(sync, channels.rows) : null;
    if (verdict) this.lastVerdict = verdict;
    return [nodeInfoFrame(info, sync, verdict, channels ? offlinePeers(channels.rows).length : 0)];
  }

  /** the channels in one phase, or every one for 'all' */
  async channels(phase: string): Promise<DataFrameJSON[]> {
    const { rows } = await this.loadChannels();
    return [channelsFrame(phase !== 'all' ? rows.filter((c) => c.phase === phase) : rows, this.config.minLocalShare)];
  }

  async balances(): Promise<DataFrameJSON[]> {
    return [balancesFrame(await this.loadBalances())];
  }

  async forwards(): Promise<DataFrameJSON[]> {
    return [forwardsFrame(await this.loadForwards(), this.config.forwardsHours, this.reader.failuresKnown)];
  }

  // --- life cycle and health -----------------------------------------------------------------

  /** One poll of every read now (what the timer does every pollSeconds). */
  async refresh(): Promise<void> {
    const results = [
      await Promise.allSettled([this.judge()]),
      await Promise.allSettled([this.loadBalances(), this.loadForwards()]),
    ].flat();
    for (const result of results)
      if (result.status === 'rejected') this.context.logger.debug({ err: String(result.reason) }, 'poll failed');
  }

  snapshot(): SourceHealth {
    const health = this.health;
    if (this.lastVerdict && !this.lastVerdict.healthy) health.report('degraded', this.lastVerdict.reason);
    else health.report(null);
    const snapshot = health.snapshot();
    if (!this.bitcoinNote) return snapshot;
    // the comparison with bitcoind could not be made: said, not a fault of this node
    return {
      ...snapshot,
      components: { bitcoin: { status: 'ok', message: this.bitcoinNote, lastSuccess: snapshot.lastSuccess } },
    };
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  async stop(): Promise<void> {
    this.loop.stop();
  }
}
