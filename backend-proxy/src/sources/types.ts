// The contract every upstream kind implements. A source is built from its own config entry
// (several of one kind live side by side) and maps query names to small handlers; the HTTP
// layer never knows what kind it talks to.
import type { Annotation, DataFrameJSON, ParamValue, SourceKind, VariableValue } from '@nodescope/shared';
import type { SourceContext } from '../core/context.js';
import type { SourceHealth } from '../core/health.js';
import type { Provides } from './capabilities.js';

export type { SourceHealth, SourceStatus } from '../core/health.js';

export interface QueryInput {
  /**
   * query parameters as the request gives them (scalars or string arrays, by the request
   * schema); a source's handlers (catalog.ts defineQueries) get them parsed by the catalog's spec
   */
  params: Record<string, ParamValue>;
  range: { from: number; to: number };
  intervalMs: number;
  maxDataPoints: number;
}

export type QueryHandler = (input: QueryInput) => Promise<DataFrameJSON[]>;

export type { Annotation, VariableValue } from '@nodescope/shared';

/** Pushes one frame (an append) to a stream subscriber. */
export type StreamEmit = (frame: DataFrameJSON) => void;
/** Starts a live subscription; returns the function that stops it. */
export type StreamSubscribe = (emit: StreamEmit, params: QueryInput['params']) => () => void;

export interface Source {
  readonly id: string;
  readonly kind: SourceKind;
  readonly name: string;
  readonly network?: string;
  readonly queries: Readonly<Partial<Record<string, QueryHandler>>>;
  readonly variables?: Readonly<Record<string, (params: Record<string, string>) => Promise<VariableValue[]>>>;
  readonly annotations?: Readonly<Record<string, (range: { from: number; to: number }) => Promise<Annotation[]>>>;
  readonly streams?: Readonly<Partial<Record<string, StreamSubscribe>>>;
  /** what this source offers other sources (capabilities.ts), read through context.lookup */
  readonly provides?: Provides;
  health(): SourceHealth;
  /** starts pollers / subscriptions; must not throw when the upstream is down */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type SourceFactory<C> = (config: C, context: SourceContext) => Source;

/**
 * What every Source takes from its config entry as it is: id and kind, the display name (the id
 * when none is set) and, for the kinds that have one, the network.
 */
export function sourceIdentity<K extends SourceKind>(
  kind: K,
  config: { id: string; name?: string | undefined; network?: string | undefined }
): { id: string; kind: K; name: string; network?: string } {
  return { id: config.id, kind, name: config.name ?? config.id, ...(config.network === undefined ? {} : { network: config.network }) };
}

export { QueryInputError, UpstreamError } from '../core/errors.js';
