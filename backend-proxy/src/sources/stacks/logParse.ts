// Parses one line of the Stacks node / signer log (stacks-common/src/util/log.rs, print_msg_header
// + slog_term's Serializer):
//
//   LEVEL [secs.micros] [file:line] [thread] message, key: value, key: value
//
// LEVEL is slog's short form (CRIT ERRO WARN INFO DEBG TRCE); very old nodes wrote DEBUG etc. and
// milliseconds ([1603160400.087]); STACKS_LOG_FORMAT_TIME replaces the epoch with a formatted
// local time. The thread is its name or `ThreadId(N)`. Pure: no I/O, so tests feed lines straight in.
//
// The same logger has two other shapes (stacks-core stacks-common/src/util/log.rs at commit
// 0415dd9d74b3d6eb8fafc873cccb1dc41fe83b5d, make_logger):
// - STACKS_LOG_JSON=1: slog_json's default drain, one object per line with `ts` (RFC 3339),
//   `level` (the short form), `msg`, the logger's `file`, `line`, `thread` and the record's keys;
// - STACKS_LOG_PP=1 (pretty_print_msg_header): `Mon dd HH:MM:SS.micros LEVEL message` in UTC
//   (chrono `%b %e %T%.6f`: no year, day padded with a space), coloured with ANSI codes when
//   stderr is a tty; STACKS_LOG_DEBUG=1 adds ` (ThreadId(N), file:line)` after the message.
// The format is found per line (a restart with other settings switches it mid-file); ANSI codes
// are stripped first; a line no shape fits is kept whole with severity unknown.

export type LogSeverity = 'critical' | 'error' | 'warning' | 'info' | 'debug' | 'trace' | 'unknown';

export const LOG_SEVERITIES: readonly LogSeverity[] = ['critical', 'error', 'warning', 'info', 'debug', 'trace', 'unknown'];

export type StacksLogFormat = 'text' | 'json' | 'pretty' | 'unknown';

export interface StacksLogLine {
  /** which of the logger's shapes the line was read as */
  format: StacksLogFormat;
  /** ms since epoch; null when the line carries no time we can read */
  time: number | null;
  /** microseconds within the millisecond (0-999), for ordering lines of one ms */
  micros: number;
  severity: LogSeverity;
  /** the level as written (INFO, ERRO, …) */
  level: string;
  file: string | null;
  line: number | null;
  /** module the line came from: the file's stem, or its folder for mod.rs/lib.rs/main.rs */
  component: string | null;
  thread: string | null;
  message: string;
  fields: Record<string, string>;
  /** Stacks block height named by the line's key/values, if any */
  blockHeight: number | null;
  /** Bitcoin (burn) block height named by the line's key/values, if any */
  burnHeight: number | null;
  raw: string;
}

const LEVELS: Record<string, LogSeverity> = {
  CRIT: 'critical',
  CRITICAL: 'critical',
  ERRO: 'error',
  ERROR: 'error',
  WARN: 'warning',
  WARNING: 'warning',
  INFO: 'info',
  DEBG: 'debug',
  DEBUG: 'debug',
  TRCE: 'trace',
  TRACE: 'trace',
};

const HEADER = /^([A-Z]{4,8})\s+\[([^\]]+)\]\s+\[([^\]]*?)(?::(\d+))?\]\s+\[(.*?)\](?:\s(.*))?$/;
// a key is one identifier (slog keys cannot hold spaces); its value runs to the next key
const KEY = /, ([A-Za-z_][A-Za-z0-9_.]*):(?: |$)/g;

const STACKS_HEIGHT_KEYS = ['stacks_block_height', 'block_height', 'stacks_height', 'stacks_tip_height', 'height'];
const BURN_HEIGHT_KEYS = ['burn_block_height', 'burn_height', 'burn_header_height', 'burnchain_height', 'burn_block'];

// CSI sequences (colours: ESC [ 0;90m) and the rarer two-byte escapes
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g;
const PRETTY = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? ([A-Z]{4,8}) ?(.*)$/;
const PRETTY_DEBUG = / \((ThreadId\(\d+\)), ([^()]*?):(\d+)\)$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Parses one line in whichever of the logger's formats it is written. `now` (ms) dates the
 * pretty format, which carries no year: the latest year that does not put the line in the future.
 */
export function parseStacksLogLine(raw: string, now: number = Date.now()): StacksLogLine {
  const text = raw.replace(/\r$/, '');
  try {
    const plain = text.includes('\x1b') ? text.replace(ANSI, '') : text;
    const trimmed = plain.trimStart();
    if (trimmed.startsWith('{')) {
      const json = parseJsonLine(trimmed, text);
      if (json) return json;
    }
    const pretty = PRETTY.exec(plain);
    if (pretty) {
      const line = parsePrettyLine(pretty, text, now);
      if (line) return line;
    }
    return parseTextLine(plain, text);
  } catch {
    return unknownLine(text);
  }
}

function unknownLine(text: string): StacksLogLine {
  return {
    format: 'unknown',
    time: null,
    micros: 0,
    severity: 'unknown',
    level: '',
    file: null,
    line: null,
    component: null,
    thread: null,
    message: text.includes('\x1b') ? text.replace(ANSI, '') : text,
    fields: {},
    blockHeight: null,
    burnHeight: null,
    raw: text,
  };
}

function parseTextLine(plain: string, text: string): StacksLogLine {
  const match = HEADER.exec(plain);
  const severity = match ? LEVELS[match[1] ?? ''] : undefined;
  if (!match || !severity) return unknownLine(text);
  const [, level = '', stamp = '', file = '', lineNo, thread = '', rest = ''] = match;
  const { time, micros } = parseStamp(stamp);
  const { message, fields } = splitFields(rest);
  return {
    format: 'text',
    time,
    micros,
    severity,
    level,
    file: file || null,
    line: lineNo === undefined ? null : Number(lineNo),
    component: componentOf(file),
    thread: thread || null,
    message,
    fields,
    blockHeight: heightFrom(fields, STACKS_HEIGHT_KEYS),
    burnHeight: heightFrom(fields, BURN_HEIGHT_KEYS),
    raw: text,
  };
}

const JSON_OWN_KEYS = new Set(['ts', 'level', 'msg', 'file', 'line', 'thread']);

function parseJsonLine(json: string, text: string): StacksLogLine | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const level = typeof record.level === 'string' ? record.level : '';
  const severity = LEVELS[level.toUpperCase()];
  if (!severity) return null;
  const fields: Record<string, string> = {};
  for (const [key, item] of Object.entries(record)) {
    if (JSON_OWN_KEYS.has(key)) continue;
    fields[key] = typeof item === 'string' ? item : JSON.stringify(item);
  }
  const file = typeof record.file === 'string' ? record.file : '';
  const lineNo = typeof record.line === 'number' ? record.line : typeof record.line === 'string' && /^\d+$/.test(record.line) ? Number(record.line) : null;
  const { time, micros } = typeof record.ts === 'string' ? parseIsoStamp(record.ts) : { time: null, micros: 0 };
  return {
    format: 'json',
    time,
    micros,
    severity,
    level: level.toUpperCase(),
    file: file || null,
    line: lineNo,
    component: file ? componentOf(file) : null,
    thread: typeof record.thread === 'string' && record.thread !== '' ? record.thread : null,
    message: typeof record.msg === 'string' ? record.msg : record.msg === undefined ? '' : JSON.stringify(record.msg),
    fields,
    blockHeight: heightFrom(fields, STACKS_HEIGHT_KEYS),
    burnHeight: heightFrom(fields, BURN_HEIGHT_KEYS),
    raw: text,
  };
}

function parsePrettyLine(match: RegExpExecArray, text: string, now: number): StacksLogLine | null {
  const [, month = '', day = '', hh = '', mm = '', ss = '', fraction = '', level = '', rest = ''] = match;
  const severity = LEVELS[level];
  const monthIndex = MONTHS.indexOf(month);
  if (!severity || monthIndex < 0) return null;
  const microsTotal = Number(fraction.padEnd(6, '0').slice(0, 6));
  const nowYear = new Date(now).getUTCFullYear();
  let time = Date.UTC(nowYear, monthIndex, Number(day), Number(hh), Number(mm), Number(ss)) + Math.floor(microsTotal / 1000);
  // a December line read in January belongs to last year (one day of slack for clock skew)
  if (time > now + 86_400_000) time = Date.UTC(nowYear - 1, monthIndex, Number(day), Number(hh), Number(mm), Number(ss)) + Math.floor(microsTotal / 1000);
  if (Number.isNaN(time)) return null;
  const split = splitFields(rest);
  let message = split.message;
  let thread: string | null = null;
  let file = '';
  let lineNo: number | null = null;
  const debug = PRETTY_DEBUG.exec(message);
  if (debug) {
    thread = debug[1] ?? null;
    file = debug[2] ?? '';
    lineNo = Number(debug[3]);
    message = message.slice(0, debug.index);
  }
  return {
    format: 'pretty',
    time,
    micros: microsTotal % 1000,
    severity,
    level,
    file: file || null,
    line: lineNo,
    component: file ? componentOf(file) : null,
    thread,
    message,
    fields: split.fields,
    blockHeight: heightFrom(split.fields, STACKS_HEIGHT_KEYS),
    burnHeight: heightFrom(split.fields, BURN_HEIGHT_KEYS),
    raw: text,
  };
}

/** RFC 3339 with up to nanoseconds (chrono's to_rfc3339 writes 9 digits, the time crate fewer). */
function parseIsoStamp(stamp: string): { time: number | null; micros: number } {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(stamp.trim());
  if (!match) {
    const parsed = Date.parse(stamp);
    return { time: Number.isNaN(parsed) ? null : parsed, micros: 0 };
  }
  const microsTotal = Number((match[2] ?? '').padEnd(6, '0').slice(0, 6));
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return { time: null, micros: 0 };
  return { time: seconds + Math.floor(microsTotal / 1000), micros: microsTotal % 1000 };
}

function parseStamp(stamp: string): { time: number | null; micros: number } {
  const epoch = /^\s*(\d{1,12})(?:\.(\d{1,9}))?\s*$/.exec(stamp);
  if (epoch) {
    const fraction = (epoch[2] ?? '').padEnd(6, '0').slice(0, 6);
    const microsTotal = Number(fraction);
    return { time: Number(epoch[1]) * 1000 + Math.floor(microsTotal / 1000), micros: microsTotal % 1000 };
  }
  const parsed = Date.parse(stamp);
  return { time: Number.isNaN(parsed) ? null : parsed, micros: 0 };
}

function splitFields(rest: string): { message: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const keys = [...rest.matchAll(KEY)];
  if (keys.length === 0) return { message: rest, fields };
  const message = rest.slice(0, keys[0]?.index ?? rest.length);
  keys.forEach((key, i) => {
    const start = (key.index ?? 0) + key[0].length;
    const end = keys[i + 1]?.index ?? rest.length;
    const name = key[1] ?? '';
    // a repeated key keeps its first value, as Loki's logfmt parser does
    if (!(name in fields)) fields[name] = rest.slice(start, end);
  });
  return { message, fields };
}

function componentOf(file: string): string | null {
  const parts = file.split('/').filter(Boolean);
  const last = parts[parts.length - 1];
  if (!last) return null;
  const stem = last.replace(/\.rs$/, '');
  if ((stem === 'mod' || stem === 'lib' || stem === 'main') && parts.length >= 2) {
    const parent = parts[parts.length - 2];
    // crate roots (testnet/stacks-node/src/main.rs) are named after their crate folder
    if (parent === 'src') return parts.length >= 3 ? (parts[parts.length - 3] ?? stem) : stem;
    return parent ?? stem;
  }
  return stem;
}

function heightFrom(fields: Record<string, string>, keys: string[]): number | null {
  for (const key of keys) {
    const value = fields[key];
    if (value !== undefined && /^\s*\d{1,12}\s*$/.test(value)) return Number(value);
  }
  return null;
}
