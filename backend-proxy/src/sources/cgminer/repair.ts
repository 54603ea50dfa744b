// Repairs the JSON defects real miner firmware sends, before JSON.parse. One pass over the
// text that knows whether it is inside a string, so a repair never touches string contents
// ("info", "Nonce ranges" …) the way blind `str.replace("inf", "0")` fixes in other tools do.
//
// Defects seen in the field (each has a test built from the captured shape):
// - `}{` between STATS objects: bmminer/cgminer on Antminer Z9-Mini, DR5 (stats after the
//   version object has no comma)
// - `[,{` at the start of an array: bmminer
// - `,}` / `,]` trailing commas: btminer (Whatsminer)
// - `"…""temp0"`: a missing comma between two members: btminer 2023-01-06
// - `inf`, `-inf`, `nan`, `-nan` as bare numbers: cgminer's printf of a division by zero
//   (Avalon, `Work Utility` right after start)
// - NUL terminator, stray control bytes and raw newlines (inside and outside strings): btminer
// - two top-level documents back to back: firmware answering a `+` command with one
//   document per command

export type RepairKind =
  | 'nul'
  | 'control'
  | 'control-in-string'
  | 'trailing-comma'
  | 'leading-comma'
  | 'missing-comma'
  | 'non-finite'
  | 'concatenated';

export interface RepairResult {
  text: string;
  repairs: RepairKind[];
  /** several top-level documents were found; `text` is then a JSON array of them */
  documents: number;
}

const NON_FINITE = new Set(['inf', 'infinity', 'nan', '-inf', '-infinity', '-nan']);

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Index of the next character that is not whitespace or a control byte, or -1. */
function nextSignificant(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x20 && code !== 0x7f) return i;
  }
  return -1;
}

export function repairJson(raw: string): RepairResult {
  const repairs = new Set<RepairKind>();
  let input = raw;
  if (input.includes('\u0000')) {
    repairs.add('nul');
    input = input.replace(/\u0000+$/, '');
  }
  const out: string[] = [];
  // what the last significant output token was
  let last: 'none' | 'open' | 'comma' | 'colon' | 'value' = 'none';
  let depth = 0;
  let documents = 0;
  let i = 0;
  const n = input.length;

  const beginValue = (): void => {
    if (last === 'value') {
      if (depth === 0) {
        repairs.add('concatenated');
      } else {
        repairs.add('missing-comma');
      }
      out.push(',');
    }
    if (depth === 0) documents++;
  };

  while (i < n) {
    const ch = input[i]!;
    const code = input.charCodeAt(i);

    if (ch === '"') {
      beginValue();
      // copy the string, escaping raw control characters JSON forbids inside strings
      out.push('"');
      i++;
      while (i < n) {
        const c = input[i]!;
        const cc = input.charCodeAt(i);
        if (c === '\\') {
          out.push(c);
          if (i + 1 < n) out.push(input[i + 1]!);
          i += 2;
          continue;
        }
        if (c === '"') break;
        if (cc < 0x20 || cc === 0x7f) {
          repairs.add('control-in-string');
          if (c === '\n') out.push('\\n');
          else if (c === '\r') out.push('\\r');
          else if (c === '\t') out.push('\\t');
          else if (cc !== 0) out.push(`\\u${cc.toString(16).padStart(4, '0')}`);
          i++;
          continue;
        }
        out.push(c);
        i++;
      }
      out.push('"');
      i++;
      // a string followed by ':' is a key, not a value
      const next = nextSignificant(input, i);
      last = next >= 0 && input[next] === ':' ? 'colon' : 'value';
      if (last === 'colon') {
        out.push(':');
        i = next + 1;
      }
      continue;
    }

    if (isSpace(code)) {
      out.push(ch === '\n' || ch === '\r' ? ' ' : ch);
      i++;
      continue;
    }
    if (code < 0x20 || code === 0x7f) {
      repairs.add('control');
      i++;
      continue;
    }

    switch (ch) {
      case '{':
      case '[':
        beginValue();
        out.push(ch);
        depth++;
        last = 'open';
        i++;
        continue;
      case '}':
      case ']':
        out.push(ch);
        depth = Math.max(0, depth - 1);
        last = 'value';
        i++;
        continue;
      case ',': {
        const next = nextSignificant(input, i + 1);
        if (next >= 0 && (input[next] === '}' || input[next] === ']')) {
          repairs.add('trailing-comma');
        } else if (last === 'open' || last === 'comma' || last === 'none') {
          repairs.add('leading-comma');
        } else {
          out.push(',');
          last = 'comma';
        }
        i++;
        continue;
      }
      case ':':
        out.push(':');
        last = 'colon';
        i++;
        continue;
      default:
        break;
    }

    // a bare token: number, true/false/null or a non-finite float
    const match = /^-?[A-Za-z0-9_.+-]+/.exec(input.slice(i, i + 64));
    if (!match) {
      // leave anything else to JSON.parse, which names the position
      out.push(ch);
      i++;
      continue;
    }
    const token = match[0];
    beginValue();
    if (NON_FINITE.has(token.toLowerCase())) {
      repairs.add('non-finite');
      out.push('null');
    } else {
      out.push(token);
    }
    last = 'value';
    i += token.length;
  }

  const text = out.join('');
  return { text: documents > 1 ? `[${text}]` : text, repairs: [...repairs], documents: Math.max(documents, 1) };
}

export class MinerJsonError extends Error {
  override name = 'MinerJsonError';
}

/** Repairs and parses one reply; several concatenated documents come back as an array. */
export function parseMinerJson(raw: string): { value: unknown; repairs: RepairKind[]; documents: number } {
  // most replies are valid JSON: skip the repair scan for them (every defect above makes
  // JSON.parse fail, so a reply that parses needed no repair)
  const trimmed = raw.endsWith('\u0000') ? raw.replace(/\u0000+$/, '') : raw;
  try {
    return { value: JSON.parse(trimmed), repairs: trimmed.length === raw.length ? [] : ['nul'], documents: 1 };
  } catch {
    // fall through to the repair pass
  }
  const repaired = repairJson(raw);
  try {
    return { value: JSON.parse(repaired.text), repairs: repaired.repairs, documents: repaired.documents };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MinerJsonError(`unrepairable JSON from miner (${reason}); first bytes: ${JSON.stringify(raw.slice(0, 80))}`);
  }
}
