// Lightning (lnd or Core Lightning): wiring only; the meaning lives in model.ts and frames.ts.
import { readFileSync } from 'node:fs';
import { UpstreamHealth } from '../../core/circuit.js';
import type { SourceContext } from '../../core/context.js';
import { urlSecrets } from '../../core/upstream.js';
import { chainOf, finiteHeight } from '../capabilities.js';
import { defineQueries } from '../catalog.js';
import type { Source, SourceHealth } from '../types.js';
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

export type LightningSource = Source & { refresh(): Promise<void> };

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

export function createLightningSource(config: LightningSourceConfig, context: SourceContext): LightningSource {
  const { id } = config;
  const now = context.now;
  const log = context.logger;
  context.secrets.add(
    ...urlSecrets(config.url),
    config.macaroonHex,
    config.macaroonHex?.toLowerCase(),
    config.macaroonHex?.toUpperCase(),
    config.rune
  );
  const ca = config.tlsCertFile ? readFileSync(config.tlsCertFile, 'utf8') : undefined;
  const clientOptions = {
    url: config.url,
    timeoutMs: config.timeoutMs,
    sourceId: id,
    self: context.self,
    ...(ca ? { ca } : {}),
  };
  const reader =
    config.implementation === 'lnd'
      ? lndReader(new LndRestClient(clientOptions, config.macaroonHex ?? ''))
      : clnReader(new ClnRestClient(clientOptions, config.rune ?? ''));
  const label = config.implementation === 'lnd' ? 'lnd rest' : 'clnrest';
  const health = new UpstreamHealth(label, {
    failureThreshold: 3,
    openMs: Math.max(5_000, config.pollSeconds * 1_000),
    now,
  });
  const metrics = lightningMetrics(context.metrics, id);
  const ttl = Math.max(500, Math.floor((config.pollSeconds * 1_000) / 2));
  const cached = <T>(key: string, load: () => Promise<T>, ttlMs = ttl) =>
    context.cache.get(`lightning:${id}:${key}`, ttlMs, load);
  const call = <T>(fn: () => Promise<T>) => health.call(fn);

  let lastVerdict: NodeVerdict | null = null;
  let bitcoinNote: string | null = null;

  const loadInfo = () => cached('info', () => call(() => reader.info()));
  const loadChannels = () =>
    cached('channels', async () => {
      const channels = await call(() => reader.channels());
      metrics.channels(channels.rows, offlinePeers(channels.rows).length);
      return channels;
    });
  const loadBalances = () =>
    cached('balances', async () => {
      const balances = await call(async () => reader.balances(await loadChannels()));
      metrics.balances(balances);
      return balances;
    });
  const loadForwards = () =>
    cached('forwards', async () => {
      const to = now();
      const from = to - config.forwardsHours * 3_600_000;
      const summary = summarizeForwards(await call(() => reader.forwards(from, to)), from, to);
      metrics.forwards(summary, config.forwardsHours, reader.failuresKnown);
      return summary;
    });

  /** the configured bitcoin source's height, or null (and a note saying why) */
  const loadBitcoinHeight = async (): Promise<number | null> => {
    if (!config.bitcoinSource) return null;
    const chain = chainOf(context.lookup(config.bitcoinSource));
    if (!chain) {
      bitcoinNote = `bitcoin source "${config.bitcoinSource}" is not configured or serves no chain.info`;
      return null;
    }
    try {
      const height = finiteHeight((await chain.tip()).height);
      bitcoinNote = height === null ? `bitcoin source "${config.bitcoinSource}" gave no height` : null;
      return height;
    } catch (error) {
      bitcoinNote = `bitcoin source "${config.bitcoinSource}": ${(error as Error).message}`;
      return null;
    }
  };

  const loadSync = () =>
    cached('sync', async (): Promise<{ info: NodeInfo; sync: SyncVerdict }> => {
      const info = await loadInfo();
      const sync = judgeSync(info, await loadBitcoinHeight(), config.maxBlocksBehind);
      metrics.info(info, sync);
      return { info, sync };
    });

  const judge = async () => {
    const { sync } = await loadSync();
    const channels = await loadChannels();
    lastVerdict = judgeNode(sync, channels.rows);
    metrics.healthy(lastVerdict.healthy);
    return lastVerdict;
  };

  const refresh = async () => {
    const results = [
      await Promise.allSettled([judge()]),
      await Promise.allSettled([loadBalances(), loadForwards()]),
    ].flat();
    for (const result of results)
      if (result.status === 'rejected') log.debug({ err: String(result.reason) }, 'poll failed');
  };

  let timer: NodeJS.Timeout | undefined;

  return {
    refresh,
    id,
    kind: 'lightning',
    name: config.name ?? id,
    network: config.network,
    queries: defineQueries('lightning', {
      'node.info': async () => {
        const { info, sync } = await loadSync();
        const channels = await loadChannels().catch(() => null);
        const verdict = channels ? judgeNode(sync, channels.rows) : null;
        if (verdict) lastVerdict = verdict;
        return [nodeInfoFrame(info, sync, verdict, channels ? offlinePeers(channels.rows).length : 0)];
      },
      channels: async (input) => {
        const { rows } = await loadChannels();
        const { phase } = input.params;
        return [channelsFrame(phase !== 'all' ? rows.filter((c) => c.phase === phase) : rows, config.minLocalShare)];
      },
      balances: async () => [balancesFrame(await loadBalances())],
      forwards: async () => [forwardsFrame(await loadForwards(), config.forwardsHours, reader.failuresKnown)],
    }),
    health(): SourceHealth {
      if (lastVerdict && !lastVerdict.healthy) health.report('degraded', lastVerdict.reason);
      else health.report(null);
      const snapshot = health.snapshot();
      if (!bitcoinNote) return snapshot;
      // the comparison with bitcoind could not be made: said, not a fault of this node
      return {
        ...snapshot,
        components: { bitcoin: { status: 'ok', message: bitcoinNote, lastSuccess: snapshot.lastSuccess } },
      };
    },
    async start() {
      await refresh().catch(() => undefined);
      timer = setInterval(() => void refresh().catch(() => undefined), config.pollSeconds * 1_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
