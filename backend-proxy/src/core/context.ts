// What a source receives besides its own config: shared services, never process.env.
import type { Logger } from 'pino';
import type { CoalescingCache } from './cache.js';
import type { HistoryStore } from './history.js';
import type { LogPush, LogPushOptions } from './logPush.js';
import type { MetricFactory, SelfMetrics } from './metrics.js';
import type { SecretScrubber } from './logger.js';

/**
 * Another configured source, as far as core knows it: an id, a kind and what it offers other
 * sources. What `provides` holds is typed and checked in sources/capabilities.ts, so core knows
 * no kind and a source never reads another's query handlers.
 */
export interface PeerSource {
  readonly id: string;
  readonly kind: string;
  readonly provides?: object;
}

export interface SourceContext {
  logger: Logger;
  metrics: MetricFactory;
  self: SelfMetrics;
  cache: CoalescingCache;
  history: HistoryStore;
  secrets: SecretScrubber;
  /** other configured sources by id, for cross-source reads (burn height lag, profitability) */
  lookup: (id: string) => PeerSource | undefined;
  now: () => number;
  /** opens a Loki push queue (outputs/loki.ts) for a source that ships its log lines */
  openLogPush: (options: LogPushOptions) => LogPush;
}
