// Lightning (lnd or Core Lightning): wiring only. The running state (reads, poll loop, health,
// what each query answers) is LightningState in state.ts; the meaning lives in model.ts and
// frames.ts.
import type { SourceContext } from '../../core/context.js';
import { urlSecrets } from '../../core/upstream.js';
import { defineQueries } from '../catalog.js';
import { type Source, sourceIdentity } from '../types.js';
import type { LightningSourceConfig } from './config.js';
import { LightningState } from './state.js';

export type LightningSource = Source & { refresh(): Promise<void> };

export function createLightningSource(config: LightningSourceConfig, context: SourceContext): LightningSource {
  context.secrets.add(
    ...urlSecrets(config.url),
    config.macaroonHex,
    config.macaroonHex?.toLowerCase(),
    config.macaroonHex?.toUpperCase(),
    config.rune
  );
  const state = new LightningState(config, context);

  return {
    refresh: () => state.refresh(),
    ...sourceIdentity('lightning', config),
    queries: defineQueries('lightning', {
      'node.info': () => state.nodeInfo(),
      channels: (input) => state.channels(input.params.phase),
      balances: () => state.balances(),
      forwards: () => state.forwards(),
    }),
    health: () => state.snapshot(),
    start: () => state.start(),
    stop: () => state.stop(),
  };
}
