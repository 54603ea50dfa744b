// What the chain view puts on /metrics. Per node, `source` names the bitcoin source (the same
// label its bitcoin_* series carry, so they join) and `view` the chain view comparing it.
import type { MetricFactory } from '../../core/metrics.js';
import { NODE_STATES, type Comparison } from './model.js';

export function chainMetrics(factory: MetricFactory, view: string) {
  const g = {
    lag: factory.gauge(
      'bitcoin_node_lag_blocks',
      'Blocks this bitcoin source is behind the best tip of the chain view it is compared in',
      ['view']
    ),
    state: factory.gauge(
      'bitcoin_node_state',
      '1 for the node state in its chain view: best, behind, competing, stale or unreachable',
      ['view', 'state']
    ),
    forks: factory.gauge('bitcoin_node_fork_tips', "Tips of the node's getchaintips off its active chain", ['view']),
    best: factory.gauge(
      'bitcoin_chain_best_height',
      'Height of the best tip among the bitcoin sources of a chain view',
      ['view']
    ),
  };
  return {
    compared(c: Comparison) {
      if (c.bestHeight === null) g.best.remove({ view });
      else g.best.set({ view }, c.bestHeight);
      for (const row of c.rows) {
        const labels = { source: row.source, view };
        // an unreachable node has no lag: a stale value would keep an alert firing on old news
        if (row.lagBlocks === null) g.lag.remove(labels);
        else g.lag.set(labels, row.lagBlocks);
        g.forks.set(labels, row.forks);
        for (const state of NODE_STATES) g.state.set({ ...labels, state }, state === row.state ? 1 : 0);
      }
    },
  };
}
