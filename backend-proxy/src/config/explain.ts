// Turns zod's issues into messages an operator can act on: the source named by its id, the bad
// value echoed (never a secret's), and the closest valid key or option for a typo, instead of
// library wording such as "Invalid discriminator value".
import type { z } from 'zod';

const SECRET_KEY = /^(password|apiKey|token|secret|jwtSecret|cookie|wsToken)$/i;

/** Levenshtein distance, small strings only (config keys and option names). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The candidate a typo most likely meant, or undefined when none is close. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // a third of the word (at least 2 edits) still reads as a typo; beyond that it is another word
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = closest(word, candidates);
  return hit ? ` (did you mean "${hit}"?)` : '';
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** A short, safe rendering of a config value for an error message. */
export function showValue(value: unknown, path: ReadonlyArray<PropertyKey>): string {
  const last = path[path.length - 1];
  if (typeof last === 'string' && SECRET_KEY.test(last)) return '(hidden)';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'a list' : 'a map';
}

// zod 4 keeps each schema's definition on `_zod.def`; only the wrappers config schemas use
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schema that applies at `path` of `input` (through defaults, lists and the kind union). */
export function schemaAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, input: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  let value = input;
  for (let depth = 0; ; depth++) {
    current = unwrap(current, value);
    if (!current || depth === path.length) return current;
    const part = path[depth]!;
    const def = defOf(current);
    if (def.type === 'object' && typeof part === 'string') current = def.shape?.[part];
    else if (def.type === 'array') current = def.element;
    else return undefined;
    value = valueAt(value, [part]);
  }
}

function unwrap(schema: z.ZodType | undefined, value: unknown): z.ZodType | undefined {
  let current = schema;
  for (let guard = 0; current && guard < 20; guard++) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else if (def.type === 'union' && def.options) {
      const tag = def.discriminator && value && typeof value === 'object' ? (value as Record<string, unknown>)[def.discriminator] : undefined;
      current = def.options.find((option) => {
        const literal = defOf(option).shape?.[def.discriminator ?? '']?._zod as { def?: { values?: unknown[] } } | undefined;
        return literal?.def?.values?.includes(tag);
      });
      if (!current) return undefined;
    } else return current;
  }
  return current;
}

/** Keys an object accepts at `path`, for "did you mean". */
export function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, input: unknown): string[] {
  const found = schemaAt(schema, path, input);
  const shape = found ? defOf(found).shape : undefined;
  return shape ? Object.keys(shape) : [];
}

/** Where an issue is, naming a source by its id: `sources[2] (id farm-a).pollSeconds`. */
export function describePath(path: ReadonlyArray<PropertyKey>, input: unknown): string {
  let out = '';
  path.forEach((part, index) => {
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
    if (index === 1 && path[0] === 'sources' && typeof part === 'number') {
      const id = valueAt(input, ['sources', part, 'id']);
      if (typeof id === 'string' && id) out += ` (id ${id})`;
    }
  });
  return out || '(root)';
}

type Issue = z.core.$ZodIssue;

/** One line per issue: where, what was given, what is accepted. */
export function explainIssue(issue: Issue, input: unknown, schema: z.ZodType): string {
  const where = describePath(issue.path, input);
  const given = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const valid = keysAt(schema, issue.path, input);
      return issue.keys
        .map((key) => `${describePath([...issue.path, key], input)}: unknown key "${key}"${didYouMean(key, valid)}${valid.length ? `; valid keys: ${valid.join(', ')}` : ''}`)
        .join('\n  ');
    }
    case 'invalid_union': {
      const discriminated = issue as Issue & { discriminator?: string; options?: unknown[] };
      if (discriminated.discriminator && discriminated.options) {
        const options = discriminated.options.map(String);
        if (given === undefined) return `${where}: missing; one of ${options.join(', ')}`;
        return `${where}: unknown ${discriminated.discriminator} ${showValue(given, issue.path)}${didYouMean(String(given), options)}; one of ${options.join(', ')}`;
      }
      return `${where}: ${showValue(given, issue.path)} is not valid: ${issue.message}`;
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      return `${where}: ${showValue(given, issue.path)} is not one of ${options.join(', ')}${typeof given === 'string' ? didYouMean(given, options) : ''}`;
    }
    case 'invalid_type':
      if (given === undefined) return `${where}: required (expected ${issue.expected})`;
      return `${where}: expected ${issue.expected}, got ${showValue(given, issue.path)}`;
    default:
      // custom refinements already say what is wrong in words; others get the value beside them
      if (issue.code === 'custom' || given === undefined || (given !== null && typeof given === 'object')) return `${where}: ${issue.message}`;
      return `${where}: ${issue.message} (got ${showValue(given, issue.path)})`;
  }
}
