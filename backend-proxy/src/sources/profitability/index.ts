// profitability source: wiring only. The running state (market feed, fleet.history sampling,
// tariffs, health, what each query answers) is ProfitabilityState in state.ts; market inputs in
// market.ts, maths in @nodescope/shared, per-miner/fleet rows in compute.ts, frames and metrics
// beside them. Fleets are read through `context.lookup` + `fleetOf` (capabilities.ts).
import type { SourceContext } from '../../core/context.js';
import { fleetOf } from '../capabilities.js';
import { defineQueries } from '../catalog.js';
import { type Source, sourceIdentity } from '../types.js';
import type { ProfitabilitySourceConfig } from './config.js';
import type { FetchLike } from './market.js';
import { ProfitabilityState } from './state.js';

export interface ProfitabilityOptions {
  /** replaces global fetch (tests) */
  fetch?: FetchLike;
}

export function createProfitabilitySource(
  config: ProfitabilitySourceConfig,
  context: SourceContext,
  options: ProfitabilityOptions = {}
): Source {
  const state = new ProfitabilityState(config, context, options.fetch);
  return {
    ...sourceIdentity('profitability', config),
    queries: defineQueries('profitability', {
      market: () => state.market(),
      miners: () => state.miners(),
      'fleet.history': (input) => state.fleetHistory(input.range),
      whatif: (input) => state.whatIf(input.params),
      tariffs: () => state.tariffs(),
      'hashprice.forward': (input) => state.hashpriceForward(input.params.blocks),
      roi: (input) => state.roi(input.params),
    }),
    variables: {
      fleets: async () => config.fleets.map((id) => ({ text: id, value: id })),
      miners: async () =>
        config.fleets.flatMap((id) => (fleetOf(context.lookup(id))?.miners() ?? []).map((m) => ({ text: `${id}/${m.name}`, value: m.name }))),
    },
    annotations: {
      difficulty: (range) => state.futureEvent('difficulty', range),
      halving: (range) => state.futureEvent('halving', range),
    },
    health: () => state.health(),
    // the first sample waits one period: at start the fleets have not been polled yet, and
    // a zero there would read as a dip in fleet.history
    start: async () => state.start(),
    stop: async () => state.stop(),
  };
}
