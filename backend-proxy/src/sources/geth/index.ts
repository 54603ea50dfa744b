// Geth: wiring only. The running state (reads, poll loop, health, what each query answers) is
// GethState in state.ts; the meaning lives in model.ts, the shapes in frames.ts.
import type { SourceContext } from '../../core/context.js';
import { urlSecrets } from '../../core/upstream.js';
import { defineQueries } from '../catalog.js';
import { hostFrame } from '../host.js';
import { type Source, sourceIdentity } from '../types.js';
import type { GethSourceConfig } from './config.js';
import { headAgeSeconds } from './model.js';
import { GethState } from './state.js';

export type { Optional } from './state.js';
export type GethSource = Source & { refresh(): Promise<void> };

export function createGethSource(config: GethSourceConfig, context: SourceContext): GethSource {
  for (const url of [config.rpcUrl, config.metricsUrl]) context.secrets.add(...urlSecrets(url));
  const state = new GethState(config, context);

  return {
    refresh: () => state.refresh(),
    ...sourceIdentity('geth', config),
    // a beacon source paired with this node (its executionSource) reads head and sync from the same cached calls
    provides: {
      execution: {
        execution: async () => {
          const [head, sync] = await Promise.all([state.loadHead(), state.loadSync()]);
          return { syncing: sync.syncing, headNumber: head.number, headAge: headAgeSeconds(head, context.now()) };
        },
      },
    },
    queries: defineQueries('geth', {
      'chain.head': () => state.chainHead(),
      'network.peers': () => state.networkPeers(),
      'txpool.status': () => state.txpoolStatus(),
      'fees.history': (input) => state.feeHistory(input.params.blocks, input.params.percentiles),
      // the datadir columns come from the host block (sources/host.ts)
      'host.health': async () => [hostFrame(context.now())],
      'sync.status': () => state.syncStatus(),
    }),
    annotations: {
      stalls: async (range) => state.stallAnnotations(range),
    },
    health: () => state.health(),
    start: () => state.start(),
    stop: () => state.stop(),
  };
}
