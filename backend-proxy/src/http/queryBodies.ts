// /api/query bodies already validated, by their text. A panel sends the same body on every
// refresh but for its time range: once such a body has passed JSON parsing and the schema,
// - the same bytes give the same validated body, and
// - the same bytes but for the two numbers of a closing `,"range":{"from":F,"to":T}` give that
//   body with the range {F, T}, once F and T pass what the schema asks of a range,
// so a request that repeats a panel's body gets its (frozen) validated body without a parse or
// a schema run (~15 µs of a cached query's ~60). Any other text is parsed and validated in full;
// bodies that fail are never remembered.
import { rangeFault, type QueryRequestBody } from './schemas.js';

/** distinct bodies remembered, of each kind (dashboards send a handful each); the oldest goes first */
const MAX_BODIES = 512;
/** longer bodies are always parsed: the memo stays small (≤ 2 × 512 × 8 KiB of text) */
const MAX_TEXT_CHARS = 8 * 1024;

/**
 * The end of a body whose last members are its range, then perhaps intervalMs and maxDataPoints,
 * in the compact form JSON.stringify and Go's encoding/json write (the data source's frontend
 * and its Go backend, plugins/datasource/pkg/plugin/query.go proxyRequest). Numbers as JSON
 * spells non-negative integers (no leading zero, sign, fraction or exponent). Anchored at the
 * body's closing brace, so in a valid body these are members of the body itself, never of a
 * nested object, and the range matched is the one JSON.parse keeps (the last).
 */
const RANGE_TAIL =
  /,"range":\{"from":(0|[1-9]\d{0,15}),"to":(0|[1-9]\d{0,15})\}((?:,"intervalMs":(?:0|[1-9]\d{0,11}))?(?:,"maxDataPoints":(?:0|[1-9]\d{0,5}))?)\}$/y;
const RANGE_START = ',"range":{"from":';

/** RANGE_TAIL in `text`: it can only start at the last RANGE_START (nothing after one contains another) */
function rangeTail(text: string): RegExpExecArray | null {
  const at = text.lastIndexOf(RANGE_START);
  if (at < 0) return null;
  RANGE_TAIL.lastIndex = at;
  return RANGE_TAIL.exec(text);
}

/** the text with the range's two numbers left out */
function templateOf(text: string, match: RegExpExecArray): string {
  return `${text.slice(0, match.index)}\u0000${match[3]}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function setBounded<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_BODIES && !map.has(key)) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

/** on a body a ValidatedBodies handed out: that memo (not enumerable; JSON.parse cannot make one) */
const HANDED_OUT_BY = Symbol('validated by');

export class ValidatedBodies {
  /** bodies without a closing compact range, by their text */
  private readonly byText = new Map<string, QueryRequestBody>();
  /** bodies with one, by their text without the range numbers: the last body handed out for it */
  private readonly byTemplate = new Map<string, { last: QueryRequestBody }>();
  /** the text each freshly parsed body came from, until the route has validated it */
  private readonly texts = new WeakMap<object, string>();

  /** The validated body of this text, if this text, or this text but for its range, was validated before. */
  known(text: string): QueryRequestBody | undefined {
    if (text.length > MAX_TEXT_CHARS) return undefined;
    const match = rangeTail(text);
    if (match === null) return this.byText.get(text);
    const template = this.byTemplate.get(templateOf(text, match));
    if (template === undefined) return undefined;
    const from = Number(match[1]);
    const to = Number(match[2]);
    // the schema's own range check (RANGE_TAIL already made both ends integers ≥ 0); a range it
    // refuses goes the full way, to be answered with the schema's 400 and message
    if (rangeFault(from, to) !== undefined) return undefined;
    const { last } = template;
    if (last.range!.from === from && last.range!.to === to) return last;
    // the other members are the same text, so the same validated (frozen) values
    const body = this.handOut({ ...last, range: Object.freeze({ from, to }) });
    template.last = body;
    return body;
  }

  /** Notes the text a freshly parsed value came from, so that it can be remembered once valid. */
  parsedFrom(value: unknown, text: string): void {
    if (value !== null && typeof value === 'object' && text.length <= MAX_TEXT_CHARS) this.texts.set(value, text);
  }

  /** `value` itself when it is a body this memo handed out (validated, frozen), else undefined. */
  validatedBody(value: unknown): QueryRequestBody | undefined {
    return value !== null && typeof value === 'object' && (value as { [HANDED_OUT_BY]?: unknown })[HANDED_OUT_BY] === this
      ? (value as QueryRequestBody)
      : undefined;
  }

  /** Remembers `body`, the schema's output for the parsed value `parsed`, under the text it came from. */
  remember(parsed: unknown, body: QueryRequestBody): void {
    if (parsed === null || typeof parsed !== 'object') return;
    const text = this.texts.get(parsed);
    if (text === undefined) return;
    this.texts.delete(parsed);
    this.handOut(body);
    const match = rangeTail(text);
    if (match === null) setBounded(this.byText, text, body);
    else if (body.range?.from === Number(match[1]) && body.range.to === Number(match[2])) {
      setBounded(this.byTemplate, templateOf(text, match), { last: body });
    }
  }

  get size(): number {
    return this.byText.size + this.byTemplate.size;
  }

  /** marks a validated body as this memo's, and freezes it: it is shared by every later request with its text */
  private handOut(body: QueryRequestBody): QueryRequestBody {
    Object.defineProperty(body, HANDED_OUT_BY, { value: this });
    return deepFreeze(body);
  }
}
