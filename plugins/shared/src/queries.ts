// The query catalog: extend, never rename. The proxy validates request
// bodies with these arrays and the query editor lists them, so a rename is a compile error
// on both sides.

export const SOURCE_KINDS = ['bitcoin', 'stacks', 'geth', 'cgminer', 'profitability', 'freqtrade', 'lightning'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const BITCOIN_QUERIES = [
  'chain.info',
  'blocks.recent',
  'network.peers',
  'network.traffic',
  'mempool.summary',
  'mempool.histogram',
  'mempool.blocks',
  'fees.estimates',
  'zmq.status',
  'electrum.stats',
] as const;
export const STACKS_QUERIES = ['node.info', 'node.neighbors', 'signer.status', 'logs'] as const;
export const GETH_QUERIES = ['chain.head', 'network.peers', 'txpool.status', 'fees.history', 'sync.status'] as const;
export const CGMINER_QUERIES = ['fleet.summary', 'miners', 'miner.devices', 'miner.pools', 'miner.history', 'pool.accounts'] as const;
export const PROFITABILITY_QUERIES = ['market', 'miners', 'fleet.history', 'whatif', 'tariffs', 'hashprice.forward', 'roi'] as const;
export const FREQTRADE_QUERIES = [
  'bots',
  'profit',
  'trades',
  'open.trades',
  'performance',
  'balance',
  'daily',
  'health',
] as const;
/** lnd (REST) or Core Lightning (clnrest): one kind, the `implementation` config field picks the API */
export const LIGHTNING_QUERIES = ['node.info', 'channels', 'balances', 'forwards'] as const;
/** The phases a lightning channel is in (the `channels` query's `phase` column and filter). */
export const LIGHTNING_CHANNEL_PHASES = ['active', 'inactive', 'pending_open', 'waiting_close', 'force_closing', 'closing'] as const;

export const QUERIES_BY_KIND = {
  bitcoin: BITCOIN_QUERIES,
  stacks: STACKS_QUERIES,
  geth: GETH_QUERIES,
  cgminer: CGMINER_QUERIES,
  profitability: PROFITABILITY_QUERIES,
  freqtrade: FREQTRADE_QUERIES,
  lightning: LIGHTNING_QUERIES,
} as const satisfies Record<SourceKind, readonly string[]>;

export type QueryName<K extends SourceKind = SourceKind> = (typeof QUERIES_BY_KIND)[K][number];

/** Every query name of every kind, deduplicated (several kinds share e.g. `network.peers`). */
export const ALL_QUERY_NAMES: readonly string[] = [...new Set(Object.values(QUERIES_BY_KIND).flat())];

export function isQueryOfKind<K extends SourceKind>(kind: K, name: string): name is QueryName<K> {
  return (QUERIES_BY_KIND[kind] as readonly string[]).includes(name);
}

/** Queries that can be followed live over `/api/stream` (SSE). */
export const STREAMABLE_QUERIES: Partial<Record<SourceKind, readonly string[]>> = {
  bitcoin: ['chain.info', 'mempool.summary', 'mempool.histogram', 'mempool.blocks', 'zmq.status'],
  cgminer: ['fleet.summary', 'miners'],
  stacks: ['logs', 'node.info'],
  freqtrade: ['trades', 'open.trades'],
};

/** Annotation types served by `/api/annotations`, per kind. */
export const ANNOTATION_TYPES = {
  bitcoin: ['blocks', 'reorgs', 'difficulty'],
  stacks: ['tenures'],
  geth: ['stalls'],
  cgminer: ['miner.status'],
  profitability: ['difficulty', 'halving'],
  freqtrade: ['trades'],
  lightning: [],
} as const satisfies Record<SourceKind, readonly string[]>;

/** The body of one query inside `POST /api/query`. */
export interface NodescopeQuery {
  refId: string;
  sourceId: string;
  query: string;
  params?: Record<string, string | number | boolean | string[]>;
}

export interface QueryRequest {
  queries: NodescopeQuery[];
  range?: { from: number; to: number };
  intervalMs?: number;
  maxDataPoints?: number;
}
