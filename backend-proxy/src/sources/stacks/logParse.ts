// Parses one line of the Stacks node / signer log (stacks-common/src/util/log.rs, print_msg_header
// + slog_term's Serializer):
//
//   LEVEL [secs.micros] [file:line] [thread] message, key: value, key: value
//
// LEVEL is slog's short form (CRIT ERRO WARN INFO DEBG TRCE); very old nodes wrote DEBUG etc. and
// milliseconds ([1603160400.087]); STACKS_LOG_FORMAT_TIME replaces the epoch with a formatted
// local time. The thread is its name or `ThreadId(N)`. Pure: no I/O, so tests feed lines straight in.

export type LogSeverity = 'critical' | 'error' | 'warning' | 'info' | 'debug' | 'trace' | 'unknown';

export const LOG_SEVERITIES: readonly LogSeverity[] = ['critical', 'error', 'warning', 'info', 'debug', 'trace', 'unknown'];

export interface StacksLogLine {
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

export function parseStacksLogLine(raw: string): StacksLogLine {
  const text = raw.replace(/\r$/, '');
  const match = HEADER.exec(text);
  const severity = match ? LEVELS[match[1] ?? ''] : undefined;
  if (!match || !severity) {
    return {
      time: null,
      micros: 0,
      severity: 'unknown',
      level: '',
      file: null,
      line: null,
      component: null,
      thread: null,
      message: text,
      fields: {},
      blockHeight: null,
      burnHeight: null,
      raw: text,
    };
  }
  const [, level = '', stamp = '', file = '', lineNo, thread = '', rest = ''] = match;
  const { time, micros } = parseStamp(stamp);
  const { message, fields } = splitFields(rest);
  return {
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
