// Readers for the untyped JSON replies of the HTTP and API-v3 firmwares (AxeOS, ePIC, VNish,
// Whatsminer v3): a field of the wrong type reads as empty, never as a crash.
export type Row = Record<string, unknown>;

/** An object, else an empty one (arrays and null included). */
export const obj = (value: unknown): Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Row) : {};

/** The object rows of an array, else none. */
export const list = (value: unknown): Row[] =>
  Array.isArray(value) ? value.filter((r): r is Row => typeof r === 'object' && r !== null) : [];

/** A string, else ''. */
export const text = (value: unknown): string => (typeof value === 'string' ? value : '');
