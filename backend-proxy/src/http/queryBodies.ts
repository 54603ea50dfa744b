// /api/query bodies already validated, by their exact text. A dashboard sends the same few bodies
// on every refresh; once one of them has passed JSON parsing and the schema, the same bytes give
// the same validated body, so a request that repeats them gets that (frozen) body without a
// parse or a schema run (~8 µs of a cached query's ~60). Any other text, even one byte apart, is
// parsed and validated in full; bodies that fail are never remembered.
import type { QueryRequestBody } from './schemas.js';

/** distinct bodies remembered (dashboards send a handful each); the oldest goes first */
const MAX_BODIES = 512;
/** longer bodies are always parsed: the memo stays small (≤ 512 × 8 KiB of text) */
const MAX_TEXT_CHARS = 8 * 1024;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export class ValidatedBodies {
  private readonly byText = new Map<string, QueryRequestBody>();
  private readonly validated = new WeakSet<object>();
  /** the text each freshly parsed body came from, until the route has validated it */
  private readonly texts = new WeakMap<object, string>();

  /** The validated body of exactly this text, if it was validated before. */
  known(text: string): QueryRequestBody | undefined {
    return this.byText.get(text);
  }

  /** Notes the text a freshly parsed value came from, so that it can be remembered once valid. */
  parsedFrom(value: unknown, text: string): void {
    if (value !== null && typeof value === 'object' && text.length <= MAX_TEXT_CHARS) this.texts.set(value, text);
  }

  /** `value` itself when it is a body this memo handed out (validated, frozen), else undefined. */
  validatedBody(value: unknown): QueryRequestBody | undefined {
    return value !== null && typeof value === 'object' && this.validated.has(value) ? (value as QueryRequestBody) : undefined;
  }

  /** Remembers `body`, the schema's output for the parsed value `parsed`, under the text it came from. */
  remember(parsed: unknown, body: QueryRequestBody): void {
    if (parsed === null || typeof parsed !== 'object') return;
    const text = this.texts.get(parsed);
    if (text === undefined) return;
    this.texts.delete(parsed);
    if (this.byText.size >= MAX_BODIES && !this.byText.has(text)) {
      const oldest = this.byText.keys().next();
      if (!oldest.done) this.byText.delete(oldest.value);
    }
    // shared by every later request with these bytes: nothing may change it
    this.byText.set(text, deepFreeze(body));
    this.validated.add(body);
  }

  get size(): number {
    return this.byText.size;
  }
}
