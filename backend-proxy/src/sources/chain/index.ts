// One chain, several nodes: wiring only. Reads each configured bitcoin source through its
// ChainReader (sources/capabilities.ts), compares them (model.ts) every pollSeconds, keeps the
// heights for the time series and puts the lag on /metrics.
import type { SourceContext } from '../../core/context.js';
import { PollLoop } from '../../core/poll.js';
import { chainOf } from '../capabilities.js';
import { defineQueries } from '../catalog.js';
import { type Annotation, type Source, type SourceHealth, sourceIdentity } from '../types.js';
import type { ChainSourceConfig } from './config.js';
import { historyFrame, nodesFrame, tipsFrame, type HistorySample } from './frames.js';
import { chainMetrics } from './metrics.js';
import { compareNodes, judge, tipRows, type Comparison, type NodeReading } from './model.js';

export function createChainSource(config: ChainSourceConfig, context: SourceContext): Source {
  const { id } = config;
  const now = context.now;
  const metrics = chainMetrics(context.metrics, id);
  const history = context.history.ring<HistorySample>(`${id}:heights`, config.historyPoints);
  const ttl = Math.max(500, Math.floor((config.pollSeconds * 1_000) / 2));
  let last: Comparison | null = null;
  /** when a comparison last had a node answering */
  let lastSuccess: number | null = null;

  const readNode = async (source: string): Promise<NodeReading> => {
    const chain = chainOf(context.lookup(source));
    if (!chain) return { source, error: `"${source}" is not a configured bitcoin source` };
    try {
      const [best, tips] = await Promise.all([chain.best(), chain.tips()]);
      return { source, best, tips };
    } catch (error) {
      return { source, error: (error as Error).message };
    }
  };

  const read = () =>
    context.cache.get(`chain:${id}:readings`, ttl, async () => {
      const readings = await Promise.all(config.sources.map(readNode));
      const comparison = compareNodes(readings);
      last = comparison;
      if (comparison.bestHeight !== null) lastSuccess = now();
      metrics.compared(comparison);
      return { readings, comparison };
    });

  const poll = async () => {
    const { comparison } = await read();
    const heights: Record<string, number | null> = {};
    for (const row of comparison.rows) heights[row.source] = row.height;
    history.push({ t: now(), best: comparison.bestHeight, heights });
  };

  const loop = new PollLoop(() => poll(), config.pollSeconds * 1_000);
  return {
    ...sourceIdentity('chain', config),
    queries: defineQueries('chain', {
      nodes: async () => [nodesFrame((await read()).comparison)],
      tips: async () => [tipsFrame(tipRows((await read()).readings))],
      heights: async (input) => [historyFrame('heights', config.sources, history.toArray(), input.range)],
      lag: async (input) => [historyFrame('lag', config.sources, history.toArray(), input.range)],
    }),
    annotations: {
      // every node's reorgs on one timeline, each named by its node
      reorgs: async (range) => {
        const out: Annotation[] = [];
        for (const source of config.sources) {
          const chain = chainOf(context.lookup(source));
          for (const r of chain?.reorgs(range) ?? []) {
            out.push({
              time: r.detectedAt,
              title: `${source}: reorg (depth ${r.depth})`,
              text: `${source} replaced ${r.depth} block(s) above ${r.forkHeight}: old tip ${r.oldHeight} ${r.oldTip} -> new tip ${r.newHeight} ${r.newTip}`,
              tags: ['bitcoin', 'reorg', id, source],
            });
          }
        }
        return out.sort((a, b) => a.time - b.time);
      },
    },
    health(): SourceHealth {
      if (!last) return { status: 'starting', message: 'not compared yet', lastSuccess: null };
      const verdict = judge(last, config.maxLagBlocks);
      return { status: verdict.status, message: verdict.message, lastSuccess };
    },
    async start() {
      await loop.start();
    },
    async stop() {
      loop.stop();
    },
  };
}
