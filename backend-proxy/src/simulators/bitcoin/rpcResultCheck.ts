/**
 * Checks an RPC answer against a result shape Bitcoin Core declares for it (its RPCResult tree).
 * A port of Core's own doc check, RPCResult::MatchesType, which bitcoind runs on every answer with
 * -rpcdoccheck (on in its functional tests):
 * bitcoin/bitcoin@a05987defdd2c7400f6057953535f76aeb52fa28:src/rpc/util.cpp:1136 (types: :1100).
 * The trees themselves are extracted from Core's source into
 * test/fixtures/bitcoin-core/rpc-results-v28.json.
 */

export type ResultType =
  | 'OBJ'
  | 'ARR'
  | 'STR'
  | 'NUM'
  | 'BOOL'
  | 'NONE'
  | 'ANY'
  | 'STR_AMOUNT'
  | 'STR_HEX'
  | 'OBJ_DYN'
  | 'ARR_FIXED'
  | 'NUM_TIME'
  | 'ELISION';

export interface RpcResultDoc {
  type: ResultType;
  key: string;
  optional: boolean;
  condition?: string;
  line?: number;
  skip_type_check?: boolean;
  inner: RpcResultDoc[];
}

type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';

/** ExpectedType (util.cpp:1100): the UniValue type a declared type must have; undefined = any */
function expectedType(type: ResultType): JsonType | undefined {
  switch (type) {
    case 'ELISION':
    case 'ANY':
      return undefined;
    case 'NONE':
      return 'null';
    case 'STR':
    case 'STR_HEX':
      return 'string';
    case 'NUM':
    case 'STR_AMOUNT':
    case 'NUM_TIME':
      return 'number';
    case 'BOOL':
      return 'boolean';
    case 'ARR':
    case 'ARR_FIXED':
      return 'array';
    case 'OBJ':
    case 'OBJ_DYN':
      return 'object';
  }
}

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return t;
  if (t === 'bigint') return 'number';
  return 'object';
}

/**
 * Every mismatch between `value` and `doc`, as "path: problem" lines; empty when the value matches.
 * Same rules as MatchesType: arrays reuse the last inner doc for extra elements, an object whose
 * first inner doc is an ELISION is not looked into, OBJ_DYN checks every value against its first
 * inner doc, OBJ reports undeclared keys and missing non-optional keys.
 */
export function resultMismatches(doc: RpcResultDoc, value: unknown, path = '$'): string[] {
  if (doc.skip_type_check) return [];
  const expected = expectedType(doc.type);
  if (expected === undefined) return [];
  const actual = jsonType(value);
  if (actual !== expected) return [`${path}: returned type is ${actual}, but declared as ${expected} (${doc.type})`];
  const errors: string[] = [];
  if (actual === 'array') {
    (value as unknown[]).forEach((element, i) => {
      const inner = doc.inner[Math.min(doc.inner.length - 1, i)];
      if (inner) errors.push(...resultMismatches(inner, element, `${path}[${i}]`));
    });
    return errors;
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    if (doc.inner[0]?.type === 'ELISION') return [];
    if (doc.type === 'OBJ_DYN') {
      const inner = doc.inner[0] as RpcResultDoc;
      for (const [key, v] of Object.entries(obj)) errors.push(...resultMismatches(inner, v, `${path}.${key}`));
      return errors;
    }
    const declared = new Set(doc.inner.map((d) => d.key));
    for (const key of Object.keys(obj)) {
      if (!declared.has(key)) errors.push(`${path}.${key}: key returned that was not in doc`);
    }
    for (const entry of doc.inner) {
      if (!Object.prototype.hasOwnProperty.call(obj, entry.key)) {
        if (!entry.optional) errors.push(`${path}.${entry.key}: key missing, despite not being optional in doc`);
        continue;
      }
      errors.push(...resultMismatches(entry, obj[entry.key], `${path}.${entry.key}`));
    }
  }
  return errors;
}
