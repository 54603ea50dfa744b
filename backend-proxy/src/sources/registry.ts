// kind -> factory. Each source is built from its own config entry, so several sources of one
// kind (btc-main, btc-test) live side by side. Adding a kind: its config.ts goes into
// config/schema.ts, its factory here.
import type { SourceConfig } from '../config/schema.js';
import type { SourceContext } from '../core/context.js';
import { createBitcoinSource } from './bitcoin/index.js';
import { createFreqtradeSource } from './freqtrade/index.js';
import { createCgminerSource } from './cgminer/index.js';
import { createProfitabilitySource } from './profitability/index.js';
import { createStacksSource } from './stacks/index.js';
import { createGethSource } from './geth/index.js';
import { createLightningSource } from './lightning/index.js';
import { createBeaconSource } from './beacon/index.js';
import { createChainSource } from './chain/index.js';
import { watchHost } from './host.js';
import type { Source, SourceFactory } from './types.js';

type Factories = { [K in SourceConfig['kind']]: SourceFactory<Extract<SourceConfig, { kind: K }>> };

const FACTORIES: Factories = {
  bitcoin: createBitcoinSource,
  freqtrade: createFreqtradeSource,
  cgminer: createCgminerSource,
  profitability: createProfitabilitySource,
  stacks: createStacksSource,
  geth: createGethSource,
  lightning: createLightningSource,
  beacon: createBeaconSource,
  chain: createChainSource,
};

export function createSource(config: SourceConfig, context: SourceContext): Source {
  const factory = FACTORIES[config.kind] as SourceFactory<SourceConfig>;
  const source = factory(config, context);
  watchHost(source, 'host' in config ? config.host : undefined, context);
  return source;
}
