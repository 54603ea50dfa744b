// Views of the query catalog (catalog.ts) that the proxy, the editor, the provisioning build and
// the tests list names from. The catalog is the one place a query is declared.
import { CATALOG, SOURCE_KINDS, type ParamValue, type QueryName, type SourceKind } from './catalog.js';

type NamesByKind = { readonly [K in SourceKind]: readonly QueryName<K>[] };

/** The query names of each kind, in the catalog's order. */
export const QUERIES_BY_KIND: NamesByKind = Object.fromEntries(SOURCE_KINDS.map((kind) => [kind, Object.keys(CATALOG[kind])])) as unknown as NamesByKind;

/** Every query name of every kind, deduplicated (several kinds share e.g. `network.peers`). */
export const ALL_QUERY_NAMES: readonly string[] = [...new Set(Object.values(QUERIES_BY_KIND).flat())];

export function isQueryOfKind<K extends SourceKind>(kind: K, name: string): name is QueryName<K> {
  return Object.hasOwn(CATALOG[kind], name);
}

/** Queries that can be followed live over `/api/stream` (SSE), per kind that has any. */
export const STREAMABLE_QUERIES: Partial<Record<SourceKind, readonly string[]>> = Object.fromEntries(
  SOURCE_KINDS.map((kind) => [kind, Object.entries(CATALOG[kind]).filter(([, spec]) => 'streams' in spec && spec.streams).map(([name]) => name)] as const).filter(
    ([, names]) => names.length > 0
  )
);

/** Annotation types served by `/api/annotations`, per kind. */
export const ANNOTATION_TYPES = {
  bitcoin: ['blocks', 'reorgs', 'difficulty'],
  stacks: ['tenures'],
  geth: ['stalls'],
  cgminer: ['miner.status'],
  profitability: ['difficulty', 'halving'],
  freqtrade: ['trades'],
  lightning: [],
  beacon: [],
  chain: ['reorgs'],
} as const satisfies Record<SourceKind, readonly string[]>;

/** The body of one query inside `POST /api/query`. */
export interface NodescopeQuery {
  refId: string;
  sourceId: string;
  query: string;
  params?: Record<string, ParamValue>;
}

export interface QueryRequest {
  queries: NodescopeQuery[];
  range?: { from: number; to: number };
  intervalMs?: number;
  maxDataPoints?: number;
}
