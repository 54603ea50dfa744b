// Sources are typed by the shared catalog: `defineQueries(kind, handlers)` takes exactly the
// kind's query names (a missing, extra or renamed query is a compile error) and hands each
// handler its params parsed from the catalog's spec, defaults filled in. Params are checked in
// one place, here, whoever calls the query (the HTTP runner, a test); the stream route checks a
// stream's params with `checkParams` before it subscribes.
import { parseQueryParams, type DataFrameJSON, type ParamsOf, type QueryName, type SourceKind, type StreamName } from '@nodescope/shared';
import { QueryInputError, type QueryHandler, type QueryInput, type StreamEmit, type StreamSubscribe } from './types.js';

/** What a handler of query Q of kind K receives. */
export type ParsedInput<K extends SourceKind, Q extends QueryName<K>> = Omit<QueryInput, 'params'> & { params: ParamsOf<K, Q> };

export type TypedQueries<K extends SourceKind> = {
  readonly [Q in QueryName<K>]: (input: ParsedInput<K, Q>) => Promise<DataFrameJSON[]>;
};
export type TypedStreams<K extends SourceKind> = {
  readonly [Q in StreamName<K>]: (emit: StreamEmit, params: ParamsOf<K, Q>) => () => void;
};

/** params objects that came out of checkParams, so a wrapper does not parse them twice */
const checked = new WeakSet<object>();

/** The params of a query parsed by the catalog's spec; a QueryInputError (400) names what is wrong. */
export function checkParams(kind: SourceKind, query: string, raw: Readonly<Record<string, unknown>>): QueryInput['params'] {
  if (checked.has(raw)) return raw as QueryInput['params'];
  const result = parseQueryParams(kind, query, raw);
  if (!result.ok) throw new QueryInputError(result.error);
  // lists of numbers travel as number[]; the handler's own type says so
  const params = result.params as QueryInput['params'];
  checked.add(params);
  return params;
}

export function defineQueries<K extends SourceKind>(kind: K, handlers: TypedQueries<K>): Readonly<Record<QueryName<K>, QueryHandler>> {
  const out: Record<string, QueryHandler> = {};
  for (const [name, handler] of Object.entries(handlers) as Array<[string, (input: QueryInput) => Promise<DataFrameJSON[]>]>) {
    out[name] = async (input) => handler({ ...input, params: checkParams(kind, name, input.params) });
  }
  return out as Record<QueryName<K>, QueryHandler>;
}

export function defineStreams<K extends SourceKind>(kind: K, streams: TypedStreams<K>): Readonly<Record<StreamName<K>, StreamSubscribe>> {
  const out: Record<string, StreamSubscribe> = {};
  for (const [name, subscribe] of Object.entries(streams) as Array<[string, StreamSubscribe]>) {
    out[name] = (emit, params) => subscribe(emit, checkParams(kind, name, params));
  }
  return out as Record<StreamName<K>, StreamSubscribe>;
}
