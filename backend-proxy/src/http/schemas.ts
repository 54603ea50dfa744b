// Request shapes of the proxy API, validated at the edge. Limits keep a single request from
// asking for unbounded work.
import { SOURCE_KINDS } from '@nodescope/shared';
import { z } from 'zod';

const paramValue = z.union([
  z.string().max(1_000),
  z.number().finite(),
  z.boolean(),
  z.array(z.string().max(1_000)).max(1_000),
]);

export const paramsSchema = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'param names are letters, digits, _ . -'), paramValue)
  .refine((params) => Object.keys(params).length <= 32, 'at most 32 params');

export const querySchema = z.strictObject({
  refId: z.string().min(1).max(64),
  sourceId: z.string().min(1).max(64),
  query: z.string().min(1).max(64),
  params: paramsSchema.optional(),
  // fields Grafana adds to every query; accepted and ignored
  datasource: z.unknown().optional(),
  hide: z.boolean().optional(),
  key: z.string().optional(),
  schemaVersion: z.number().optional(),
  alias: z.string().max(200).optional(),
  queryType: z.string().optional(),
  intervalMs: z.number().optional(),
  maxDataPoints: z.number().optional(),
  datasourceId: z.number().optional(),
});

/** the latest time a Date can hold (ECMAScript's time value limit), ms */
export const MAX_EPOCH_MS = 8.64e15;

/**
 * What a query range must be once both ends are integers ≥ 0: ends a Date can hold, from not
 * after to. The one check of it, for the schema below and for the memo of validated bodies
 * (queryBodies.ts), which hands out a remembered body with a new range only if this passes.
 * Returns the member at fault (null: the range as a whole) and the message, or undefined.
 */
export function rangeFault(from: number, to: number): { member: 'from' | 'to' | null; message: string } | undefined {
  if (from > MAX_EPOCH_MS) return { member: 'from', message: `must be at most ${MAX_EPOCH_MS}` };
  if (to > MAX_EPOCH_MS) return { member: 'to', message: `must be at most ${MAX_EPOCH_MS}` };
  if (from > to) return { member: null, message: 'range.from must not be after range.to' };
  return undefined;
}

const epochMs = z.number().int().min(0);
const rangeSchema = z.strictObject({ from: epochMs, to: epochMs }).superRefine((range, context) => {
  const fault = rangeFault(range.from, range.to);
  if (fault) context.addIssue({ code: 'custom', message: fault.message, path: fault.member === null ? [] : [fault.member] });
});

export const queryRequestSchema = z
  .strictObject({
    queries: z.array(querySchema).min(1, 'at least one query is needed'),
    range: rangeSchema.optional(),
    intervalMs: z.number().int().min(1).max(365 * 86_400_000).optional(),
    maxDataPoints: z.number().int().min(1).max(100_000).optional(),
  })
  .refine((body) => new Set(body.queries.map((q) => q.refId)).size === body.queries.length, {
    message: 'refIds must be unique',
    path: ['queries'],
  });

export type QueryRequestBody = z.infer<typeof queryRequestSchema>;

export const variablesQuerySchema = z.strictObject({
  name: z.string().min(1).max(64),
  sourceId: z.string().min(1).max(64).optional(),
  kind: z.enum(SOURCE_KINDS).optional(),
  network: z.string().max(32).optional(),
  miner: z.string().max(200).optional(),
  bot: z.string().max(200).optional(),
});

export const annotationsQuerySchema = z.strictObject({
  sourceId: z.string().min(1).max(64),
  type: z.string().min(1).max(64),
  from: z.coerce.number().int().min(0).max(MAX_EPOCH_MS),
  to: z.coerce.number().int().min(0).max(MAX_EPOCH_MS),
});

/** One live query: `?sourceId=…&query=…&params=<JSON>`, or several: `?streams=<JSON array>`. */
export const streamQuerySchema = z
  .strictObject({
    sourceId: z.string().min(1).max(64).optional(),
    query: z.string().min(1).max(64).optional(),
    /** JSON-encoded params object */
    params: z.string().max(8_192).optional(),
    /** JSON-encoded array of streamSpecSchema: several live queries on one connection */
    streams: z.string().max(65_536).optional(),
  })
  .refine((q) => (q.streams === undefined) === (q.sourceId !== undefined && q.query !== undefined), {
    message: 'give sourceId and query (one stream), or streams (several), not both',
  });

export const MAX_STREAMS_PER_CONNECTION = 32;

export const streamSpecsSchema = z
  .array(
    z.strictObject({
      /** the client's name for this stream, echoed with each of its events */
      key: z.string().min(1).max(128),
      sourceId: z.string().min(1).max(64),
      query: z.string().min(1).max(64),
      params: paramsSchema.optional(),
    })
  )
  .min(1, 'at least one stream')
  .max(MAX_STREAMS_PER_CONNECTION, `at most ${MAX_STREAMS_PER_CONNECTION} streams per connection`)
  .refine((specs) => new Set(specs.map((s) => s.key)).size === specs.length, 'stream keys must be unique');

export function zodMessage(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      return `${prefix}${path}: ${issue.message}`;
    })
    .join('; ');
}
