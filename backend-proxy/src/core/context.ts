// What a source receives besides its own config: shared services, never process.env.
import type { Logger } from 'pino';
import type { CoalescingCache } from './cache.js';
import type { HistoryStore } from './history.js';
import type { MetricFactory, SelfMetrics } from './metrics.js';
import type { SecretScrubber } from './logger.js';

export interface SourceContext {
  logger: Logger;
  metrics: MetricFactory;
  self: SelfMetrics;
  cache: CoalescingCache;
  history: HistoryStore;
  secrets: SecretScrubber;
  /** other configured sources by id, for cross-source reads (burn height lag, profitability) */
  lookup: (id: string) => import('../sources/types.js').Source | undefined;
  now: () => number;
}
