import { describe, expect, it } from 'vitest';
import { ValidatedBodies } from './queryBodies.js';
import { queryRequestSchema, type QueryRequestBody } from './schemas.js';

const TEXT = '{"queries":[{"refId":"A","sourceId":"btc","query":"chain.info","params":{"n":["1","2"]}}],"range":{"from":1,"to":2}}';

/** what the parser and the route do with a body the memo does not know */
function validateAndRemember(bodies: ValidatedBodies, text: string): QueryRequestBody | undefined {
  const parsed: unknown = JSON.parse(text);
  bodies.parsedFrom(parsed, text);
  const result = queryRequestSchema.safeParse(parsed);
  if (!result.success) return undefined;
  bodies.remember(parsed, result.data);
  return result.data;
}

describe('ValidatedBodies', () => {
  it('hands back, for exactly the same text, the body the schema made of it, frozen to the leaves', () => {
    const bodies = new ValidatedBodies();
    expect(bodies.known(TEXT)).toBeUndefined();
    const body = validateAndRemember(bodies, TEXT)!;
    const known = bodies.known(TEXT)!;
    expect(known).toBe(body);
    expect(known).toEqual(queryRequestSchema.parse(JSON.parse(TEXT)));
    expect(bodies.validatedBody(known)).toBe(known);
    expect(Object.isFrozen(known) && Object.isFrozen(known.queries[0]) && Object.isFrozen(known.queries[0]!.params)).toBe(true);
    expect(() => {
      (known.queries[0]!.params!.n as string[]).push('3');
    }).toThrow(TypeError);
    // one byte apart (even an equal JSON value) is another text: not known
    expect(bodies.known(TEXT.replace('"A"', '"B"'))).toBeUndefined();
    expect(bodies.known(`${TEXT} `)).toBeUndefined();
  });

  it('never remembers a body that failed the schema, and vouches only for bodies it handed out', () => {
    const bodies = new ValidatedBodies();
    const bad = '{"queries":[{"refId":"A","sourceId":"btc","query":"chain.info","extra":1}]}';
    expect(validateAndRemember(bodies, bad)).toBeUndefined();
    expect(bodies.known(bad)).toBeUndefined();
    expect(bodies.size).toBe(0);
    // a fresh parse of a valid text is not vouched for until the route has validated it
    const parsed: unknown = JSON.parse(TEXT);
    bodies.parsedFrom(parsed, TEXT);
    expect(bodies.validatedBody(parsed)).toBeUndefined();
    expect(bodies.validatedBody('x')).toBeUndefined();
    // a validated body whose text was never noted (too long, or from elsewhere) is not remembered
    bodies.remember({}, queryRequestSchema.parse(JSON.parse(TEXT)));
    expect(bodies.size).toBe(0);
  });

  it('is bounded: the oldest text goes first, and long texts are always parsed', () => {
    const bodies = new ValidatedBodies();
    const text = (i: number) => TEXT.replace('"A"', `"A${i}"`);
    for (let i = 0; i < 600; i++) validateAndRemember(bodies, text(i));
    expect(bodies.size).toBe(512);
    expect(bodies.known(text(0))).toBeUndefined();
    expect(bodies.known(text(87))).toBeUndefined();
    expect(bodies.known(text(88))).toBeDefined();
    expect(bodies.known(text(599))).toBeDefined();
    // valid (Grafana's datasource field may hold anything) but over 8 KiB of text
    const long = TEXT.replace('"query":', `"datasource":"${'x'.repeat(9_000)}","query":`);
    expect(validateAndRemember(bodies, long)).toBeDefined();
    expect(bodies.known(long)).toBeUndefined();
  });
});
