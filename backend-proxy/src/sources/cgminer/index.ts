// cgminer source: wiring only. The running state (the fleet and its poll loop, discovery, pool
// accounts, health, what each query answers) is CgminerState in state.ts; client I/O in
// client.ts, meaning in model.ts, the poller in poller.ts, frames and metrics beside them.
import type { SourceContext } from '../../core/context.js';
import { defineQueries, defineStreams } from '../catalog.js';
import { type Source, sourceIdentity } from '../types.js';
import type { CgminerSourceConfig } from './config.js';
import { CgminerState } from './state.js';

export { parseMinerSelection } from './state.js';

export interface CgminerSource extends Source {
  readonly kind: 'cgminer';
  /** the running state: miners(), pollNow() (joins a running cycle), discoverNow(), progress, poller, poolAccounts */
  readonly fleet: CgminerState;
}

export function createCgminerSource(config: CgminerSourceConfig, context: SourceContext): CgminerSource {
  const fleet = new CgminerState(config, context);
  return {
    ...sourceIdentity('cgminer', config),
    queries: defineQueries('cgminer', {
      'fleet.summary': async () => fleet.fleetSummary(),
      miners: async (input) => fleet.minersTable(input.params.status),
      'miner.devices': async (input) => fleet.minerDevices(input.params.miner),
      'miner.pools': async (input) => fleet.minerPools(input.params.miner),
      'miner.history': async (input) => fleet.minerHistory(input.params.miner, input.range, input.maxDataPoints),
      'pool.accounts': async () => fleet.poolAccountsTable(),
    }),
    variables: {
      miners: async () => fleet.records().map((r) => ({ text: r.name, value: r.name })),
      // `miner` narrows the list to some miners: a name, a comma list, or Grafana's multi-value
      // `{a,b}`; empty, `all` or an All value means the whole fleet
      pools: async (params) => fleet.poolUrls(params.miner).map((url) => ({ text: url, value: url })),
    },
    annotations: { 'miner.status': async (range) => fleet.statusAnnotations(range) },
    streams: defineStreams('cgminer', {
      'fleet.summary': (emit) => fleet.subscribe('summary', emit),
      miners: (emit) => fleet.subscribe('miners', emit),
    }),
    health: () => fleet.health(),
    start: async () => fleet.start(),
    stop: async () => fleet.stop(),
    provides: { fleet: { miners: () => fleet.miners() } },
    fleet,
  };
}
