// Stacks node + signer + log file: wiring only. The running state (reads, poll loop, signer
// watch, log followers and Loki queue, health, what each query answers) is StacksState in
// state.ts; the meaning lives in model.ts, logParse.ts and frames.ts.
import type { SourceContext } from '../../core/context.js';
import { urlSecrets } from '../../core/upstream.js';
import { defineQueries, defineStreams } from '../catalog.js';
import { hostFrame } from '../host.js';
import { type Source, sourceIdentity } from '../types.js';
import type { StacksSourceConfig } from './config.js';
import { LOG_SEVERITIES } from './logParse.js';
import { StacksState } from './state.js';

export { logFilter } from './state.js';

/** A Source plus `refresh()`: one poll of every endpoint now (what the timer does every pollSeconds). */
export type StacksSource = Source & {
  refresh(): Promise<void>;
  /** reads new log lines now (the follower also polls every logs.pollMs) */
  pollLogs(): Promise<number>;
  /** pushes queued lines to Loki now; true when none is left (false without Loki) */
  flushLoki(): Promise<boolean>;
};

export function createStacksSource(config: StacksSourceConfig, context: SourceContext): StacksSource {
  for (const url of [config.rpcUrl, config.metricsUrl, config.signer?.metricsUrl, config.loki?.url]) context.secrets.add(...urlSecrets(url));
  const state = new StacksState(config, context);

  return {
    refresh: () => state.refresh(),
    pollLogs: () => state.pollLogs(),
    flushLoki: () => state.flushLoki(),
    ...sourceIdentity('stacks', config),
    queries: defineQueries('stacks', {
      'node.info': () => state.nodeInfo(),
      'node.neighbors': (input) => state.nodeNeighbors(input.params.direction),
      // the datadir columns come from the host block (sources/host.ts)
      'host.health': async () => [hostFrame(context.now())],
      'signer.status': () => state.signerStatus(),
      logs: (input) => state.logs(input.params, input.range),
    }),
    variables: {
      components: async () => state.components().map((c) => ({ text: c, value: c })),
      levels: async () => LOG_SEVERITIES.map((l) => ({ text: l, value: l })),
    },
    annotations: {
      tenures: async (range) => state.tenureAnnotations(range),
    },
    streams: defineStreams('stacks', {
      logs: (emit, params) => state.followLogs(params, emit),
      'node.info': (emit) => state.onInfo(emit),
    }),
    health: () => state.health(),
    start: () => state.start(),
    stop: () => state.stop(),
  };
}
