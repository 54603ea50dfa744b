// Wiring of one Freqtrade bot as a source. The running state (the poller and its snapshot, the
// closed-trade book, fills from the message websocket, health, what each query answers) is
// FreqtradeState in state.ts; the logic lives in model.ts and frames.ts, the I/O in client.ts.
import type { SourceContext } from '../../core/context.js';
import { defineQueries, defineStreams } from '../catalog.js';
import { type Source, sourceIdentity } from '../types.js';
import type { FreqtradeClient } from './client.js';
import type { FreqtradeSourceConfig } from './config.js';
import { FreqtradeState } from './state.js';

export interface FreqtradeSource extends Source {
  /** runs one poll now (coalesced with a running one); never throws */
  poll(): Promise<void>;
  readonly client: FreqtradeClient;
}

export function createFreqtradeSource(config: FreqtradeSourceConfig, context: SourceContext): FreqtradeSource {
  const state = new FreqtradeState(config, context);
  return {
    ...sourceIdentity('freqtrade', config),
    client: state.client,
    queries: defineQueries('freqtrade', {
      bots: () => state.bots(),
      profit: (input) => state.profit(input.range),
      trades: (input) => state.trades(input.params.pair, input.params.limit, input.range),
      'open.trades': (input) => state.openTrades(input.params.pair),
      performance: () => state.performance(),
      balance: () => state.balance(),
      daily: (input) => state.daily(input.params.days),
      health: () => state.healthTable(),
    }),
    variables: {
      bots: () => state.botVariable(),
      pairs: async () => (await state.pairs()).map((pair) => ({ text: pair, value: pair })),
    },
    annotations: {
      trades: (range) => state.tradeAnnotations(range),
    },
    streams: defineStreams('freqtrade', {
      trades: (emit, { pair }) => state.subscribe('trades', emit, pair),
      'open.trades': (emit, { pair }) => state.subscribe('open.trades', emit, pair),
    }),
    health: () => state.health(),
    poll: () => state.poll(),
    start: async () => state.start(),
    stop: () => state.stop(),
  };
}
