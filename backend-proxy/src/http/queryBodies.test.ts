import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidatedBodies } from './queryBodies.js';
import { MAX_EPOCH_MS, queryRequestSchema, rangeFault, zodMessage, type QueryRequestBody } from './schemas.js';

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
    // nor a body another memo (another app) handed out
    const other = new ValidatedBodies();
    expect(bodies.validatedBody(validateAndRemember(other, TEXT))).toBeUndefined();
    // a validated body whose text was never noted (too long, or from elsewhere) is not remembered
    bodies.remember({}, queryRequestSchema.parse(JSON.parse(TEXT)));
    expect(bodies.size).toBe(0);
  });

  // The body the data source's Go backend sends: encoding/json writes proxyRequest's fields in
  // declaration order, compact (plugins/datasource/pkg/plugin/query.go@a91721bab6d4be58c39ff53993fd9573878dc681:103-121);
  // the frontend's JSON.stringify({queries, range}) ends the same way without the last two.
  const goBody = (from: number | string, to: number | string, tail = ',"intervalMs":15000,"maxDataPoints":1200') =>
    `{"queries":[{"refId":"A","sourceId":"btc","query":"blocks.recent","params":{"count":"10"}},{"refId":"B","sourceId":"btc","query":"chain.info"}],"range":{"from":${from},"to":${to}}${tail}}`;

  it('hands back a remembered body with another range, as the schema makes it of that text, sharing its frozen queries', () => {
    const bodies = new ValidatedBodies();
    const first = validateAndRemember(bodies, goBody(1_700_000_000_000, 1_700_021_600_000))!;
    for (const [from, to] of [[1_700_000_000_123, 1_700_021_600_123], [0, 0], [5, 8_640_000_000_000_000], [1_800_000_000_000, 1_800_000_000_000]] as const) {
      const text = goBody(from, to);
      const known = bodies.known(text)!;
      expect(known, text).toEqual(queryRequestSchema.parse(JSON.parse(text)));
      expect(known.queries).toBe(first.queries);
      expect(Object.isFrozen(known) && Object.isFrozen(known.range)).toBe(true);
      expect(bodies.validatedBody(known)).toBe(known);
      expect(bodies.known(text)).toBe(known); // the same range again: the same object
    }
    const back = bodies.known(goBody(1_700_000_000_000, 1_700_021_600_000))!;
    expect(back).toEqual(first);
    expect(back.queries).toBe(first.queries);
    // the frontend's shape: no intervalMs or maxDataPoints
    const front = validateAndRemember(bodies, goBody(1, 2, ''))!;
    expect(bodies.known(goBody(3, 4, ''))).toEqual({ ...front, range: { from: 3, to: 4 } });
  });

  // The real encoder: Go's encoding/json marshals the data source's own request types, read from
  // its source (plugins/datasource/pkg/plugin/query.go), as its QueryData does before POSTing
  const GO = spawnSync('go', ['version']).status === 0 ? 'go' : null;
  it.skipIf(!GO)('finds the range Go\'s encoding/json writes for the data source backend\'s proxyRequest', () => {
    const source = readFileSync(fileURLToPath(new URL('../../../plugins/datasource/pkg/plugin/query.go', import.meta.url)), 'utf8');
    const types = ['proxyQuery', 'proxyRange', 'proxyRequest'].map((name) => new RegExp(`^type ${name} struct \\{\\n[^}]*\\n\\}`, 'm').exec(source)![0]);
    const dir = mkdtempSync(join(tmpdir(), 'nodescope-gojson-'));
    try {
      writeFileSync(
        join(dir, 'main.go'),
        `package main\n\nimport (\n\t"encoding/json"\n\t"os"\n\t"strconv"\n)\n\n${types.join('\n\n')}\n\nfunc main() {\n\tfrom, _ := strconv.ParseInt(os.Args[1], 10, 64)\n\tto, _ := strconv.ParseInt(os.Args[2], 10, 64)\n\tb, _ := json.Marshal(proxyRequest{Queries: []proxyQuery{{RefID: "A", SourceID: "btc", Query: "blocks.recent", Params: map[string]any{"count": "10"}}}, Range: proxyRange{From: from, To: to}, IntervalMs: 15000, MaxDataPoints: 1200})\n\tos.Stdout.Write(b)\n}\n`
      );
      execFileSync(GO!, ['build', '-o', join(dir, 'marshal'), join(dir, 'main.go')], { cwd: dir, env: { ...process.env, GO111MODULE: 'off' }, timeout: 60_000 });
      const marshal = (from: number, to: number) => execFileSync(join(dir, 'marshal'), [String(from), String(to)], { encoding: 'utf8' });
      const bodies = new ValidatedBodies();
      const first = marshal(1_700_000_000_000, 1_700_021_600_000);
      validateAndRemember(bodies, first);
      const later = marshal(1_700_000_060_123, 1_700_021_660_123);
      expect(later).not.toBe(first);
      const known = bodies.known(later);
      expect(known).toBeDefined();
      expect(known).toEqual(queryRequestSchema.parse(JSON.parse(later)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves to the full path every range the schema refuses or that is not spelled as a plain integer, and every other change', () => {
    const bodies = new ValidatedBodies();
    validateAndRemember(bodies, goBody(1_700_000_000_000, 1_700_021_600_000));
    const others = [
      goBody(2, 1), // from after to: the schema's refinement
      goBody(0, 8_640_000_000_000_001), // past the last Date
      goBody(0, '9999999999999999'),
      goBody('-1', 5),
      goBody('01', 5), // not JSON
      goBody('1.5', 5),
      goBody('1e3', 5000),
      goBody(' 1', 5),
      goBody(1, 5, ',"intervalMs":15001,"maxDataPoints":1200'), // another member changed
      goBody(1, 5, ',"maxDataPoints":1200'),
      goBody(1, 5).replace('"count":"10"', '"count":"11"'),
      `${goBody(1, 5)} `,
    ];
    for (const text of others) expect(bodies.known(text), text).toBeUndefined();
  });

  it('hands out a new range only when the schema\'s own range check passes it', () => {
    // the last time a Date holds, from the runtime itself: ECMA-262 TimeClip, abs(time) > 8.64 × 10^15 is NaN
    expect(new Date(MAX_EPOCH_MS).getTime()).toBe(MAX_EPOCH_MS);
    expect(new Date(MAX_EPOCH_MS + 1).getTime()).toBeNaN();
    const bodies = new ValidatedBodies();
    validateAndRemember(bodies, goBody(1_700_000_000_000, 1_700_021_600_000));
    const ranges = [[2, 1], [0, MAX_EPOCH_MS + 1], [MAX_EPOCH_MS + 1, MAX_EPOCH_MS + 2], [MAX_EPOCH_MS + 1, 5], [MAX_EPOCH_MS, MAX_EPOCH_MS], [0, MAX_EPOCH_MS], [7, 7]] as const;
    for (const [from, to] of ranges) {
      const text = goBody(from, to);
      const schema = queryRequestSchema.safeParse(JSON.parse(text));
      const fault = rangeFault(from, to);
      // what the memo does and what the schema says, both from rangeFault
      expect(bodies.known(text) === undefined, text).toBe(fault !== undefined);
      expect(schema.success, text).toBe(fault === undefined);
      if (fault) expect(zodMessage(schema.error!, 'body')).toBe(`body.range${fault.member ? `.${fault.member}` : ''}: ${fault.message}`);
    }
    expect(rangeFault(2, 1)?.message).toBe('range.from must not be after range.to');
    expect(rangeFault(0, MAX_EPOCH_MS + 1)).toEqual({ member: 'to', message: 'must be at most 8640000000000000' });
  });

  it('never takes a range nested in another member for the body\'s own', () => {
    const bodies = new ValidatedBodies();
    // Grafana's datasource field may hold anything, a "range" too; the body itself has none
    const nested = '{"queries":[{"refId":"A","sourceId":"btc","query":"chain.info","datasource":{"range":{"from":1,"to":2}}}]}';
    const body = validateAndRemember(bodies, nested)!;
    expect(body.range).toBeUndefined();
    expect(bodies.known(nested.replace('"from":1', '"from":0'))).toBeUndefined();
    // one nested, then the body's own at its end: the body's own moves, the nested one stays
    const both = '{"queries":[{"refId":"A","sourceId":"btc","query":"chain.info","datasource":{"x":0,"range":{"from":1,"to":2}}}],"range":{"from":5,"to":6}}';
    validateAndRemember(bodies, both);
    const moved = both.replace('"from":5,"to":6', '"from":7,"to":9');
    expect(bodies.known(moved)).toEqual(queryRequestSchema.parse(JSON.parse(moved)));
    expect(bodies.known(moved)!.range).toEqual({ from: 7, to: 9 });
    expect(bodies.known(both.replace('"from":1,"to":2', '"from":0,"to":2'))).toBeUndefined();
    // a body whose own range is written with spaces (not the compact form): only its exact text is known
    const spaced = '{"queries":[{"refId":"A","sourceId":"btc","query":"chain.info"}],"range": {"from":1,"to":2}}';
    validateAndRemember(bodies, spaced);
    expect(bodies.known(spaced)).toBeDefined();
    expect(bodies.known(spaced.replace('"from":1', '"from":0'))).toBeUndefined();
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
