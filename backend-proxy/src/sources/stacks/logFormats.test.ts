import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStacksLogLine } from './logParse.js';

// Lines in the logger's other two shapes, written from stacks-core's own definitions
// (stacks-common/src/util/log.rs at commit 0415dd9d74b3d6eb8fafc873cccb1dc41fe83b5d):
// - STACKS_LOG_JSON=1 -> make_json_logger: slog_json::Json::default (keys ts, level, msg; ts is
//   chrono's to_rfc3339 in slog-json 2.3-2.4, the time crate's RFC 3339 in UTC later) plus the
//   logger's file, line (a number) and thread, then the record's key/values as JSON values;
// - STACKS_LOG_PP=1 -> pretty_print_msg_header: grey `%b %e %T%.6f` (UTC), the level coloured
//   for CRIT/ERRO (0;91), WARN (0;33), INFO (0;94) when stderr is a tty, the message, with
//   STACKS_LOG_DEBUG=1 ` (ThreadId(N), file:line)` in grey, then slog_term's `, key: value`.
const NOW = Date.UTC(2026, 10, 23, 21, 0, 0); // Nov 23 2026
const ESC = '\x1b';

describe('JSON lines (STACKS_LOG_JSON=1)', () => {
  it.each([
    [
      'chrono to_rfc3339 with nanoseconds and an offset',
      '{"ts":"2026-11-23T20:33:51.991648123+00:00","level":"INFO","msg":"Advanced to new tip!","thread":"chains-coordinator-0.0.0.0:20443","line":2110,"file":"stackslib/src/chainstate/nakamoto/mod.rs","stacks_block_height":171234,"burn_height":870001}',
      {
        format: 'json',
        severity: 'info',
        level: 'INFO',
        time: Date.UTC(2026, 10, 23, 20, 33, 51, 991),
        micros: 648,
        file: 'stackslib/src/chainstate/nakamoto/mod.rs',
        line: 2110,
        component: 'nakamoto',
        thread: 'chains-coordinator-0.0.0.0:20443',
        message: 'Advanced to new tip!',
        fields: { stacks_block_height: '171234', burn_height: '870001' },
        blockHeight: 171234,
        burnHeight: 870001,
      },
    ],
    [
      'time crate RFC 3339 in UTC, a ThreadId thread and non-string values',
      '{"ts":"2026-11-23T20:33:52.5Z","level":"ERRO","msg":"Failed to sync burnchain","file":"stackslib/src/burnchains/bitcoin/indexer.rs","line":640,"thread":"ThreadId(7)","err":"timed out, retrying","retry":true,"peers":["a","b"]}',
      {
        format: 'json',
        severity: 'error',
        time: Date.UTC(2026, 10, 23, 20, 33, 52, 500),
        micros: 0,
        component: 'indexer',
        thread: 'ThreadId(7)',
        message: 'Failed to sync burnchain',
        fields: { err: 'timed out, retrying', retry: 'true', peers: '["a","b"]' },
      },
    ],
  ])('%s', (_name, line, expected) => {
    expect(parseStacksLogLine(line, NOW)).toMatchObject({ ...expected, raw: line });
  });

  it('keeps a JSON object that is not a log record as an unknown line', () => {
    for (const line of ['{"hello":"world"}', '{"level":"LOUD","msg":"x"}', '{"level":"INFO"', '[1,2]']) {
      expect(parseStacksLogLine(line, NOW)).toMatchObject({ severity: 'unknown', format: 'unknown', raw: line, message: line });
    }
  });
});

describe('pretty lines (STACKS_LOG_PP=1)', () => {
  it.each([
    [
      'coloured INFO on a tty',
      `${ESC}[0;90mNov 23 20:33:51.991648 ${ESC}[0;94mINFO${ESC}[0m Advanced to new tip!, stacks_block_height: 171234, burn_height: 870001`,
      {
        format: 'pretty',
        severity: 'info',
        level: 'INFO',
        time: Date.UTC(2026, 10, 23, 20, 33, 51, 991),
        micros: 648,
        file: null,
        thread: null,
        message: 'Advanced to new tip!',
        fields: { stacks_block_height: '171234', burn_height: '870001' },
        blockHeight: 171234,
        burnHeight: 870001,
      },
    ],
    [
      'STACKS_LOG_DEBUG=1 adds thread id, file and line after the message (DEBG is not coloured)',
      `${ESC}[0;90mNov  3 02:03:04.000001 DEBG Handle HTTPRequest ${ESC}[0;90m(ThreadId(12), stackslib/src/net/p2p.rs:5120)${ESC}[0m, verb: GET, path: /v2/info`,
      {
        format: 'pretty',
        severity: 'debug',
        time: Date.UTC(2026, 10, 3, 2, 3, 4, 0),
        micros: 1,
        file: 'stackslib/src/net/p2p.rs',
        line: 5120,
        component: 'p2p',
        thread: 'ThreadId(12)',
        message: 'Handle HTTPRequest',
        fields: { verb: 'GET', path: '/v2/info' },
      },
    ],
    [
      'not a tty: no colour codes at all',
      'Nov 23 20:00:00.000000 CRIT Fatal error in relayer, err: "disk full"',
      { format: 'pretty', severity: 'critical', level: 'CRIT', time: Date.UTC(2026, 10, 23, 20), message: 'Fatal error in relayer', fields: { err: '"disk full"' } },
    ],
  ])('%s', (_name, line, expected) => {
    expect(parseStacksLogLine(line, NOW)).toMatchObject({ ...expected, raw: line });
  });

  it('dates a December line read in January in the year before (the format has no year)', () => {
    const january = Date.UTC(2027, 0, 1, 0, 0, 5);
    expect(parseStacksLogLine('Dec 31 23:59:59.500000 WARN late, height: 5', january).time).toBe(Date.UTC(2026, 11, 31, 23, 59, 59, 500));
  });
});

describe('format detection per line', () => {
  it('reads a file whose format changed after a restart with other settings', () => {
    const lines = [
      'INFO [1795460031.000001] [stackslib/src/net/relay.rs:990] [relayer] Processing blocks, height: 10',
      '{"ts":"2026-11-23T20:34:00Z","level":"WARN","msg":"Failed to connect","file":"stackslib/src/net/neighbors/walk.rs","line":1460,"thread":"p2p","peer":"10.0.0.1:20444"}',
      `${ESC}[0;90mNov 23 20:35:00.000000 ${ESC}[0;91mERRO${ESC}[0m Failed to sync burnchain, burn_block_height: 870002`,
      "thread 'main' panicked at stackslib/src/main.rs:10:5:",
      `${ESC}[1mbold but nothing else${ESC}[0m`,
    ];
    const parsed = lines.map((l) => parseStacksLogLine(l, NOW));
    expect(parsed.map((p) => [p.format, p.severity])).toEqual([
      ['text', 'info'],
      ['json', 'warning'],
      ['pretty', 'error'],
      ['unknown', 'unknown'],
      ['unknown', 'unknown'],
    ]);
    expect(parsed.map((p) => p.raw)).toEqual(lines);
    expect(parsed[2]?.burnHeight).toBe(870002);
    // an unknown line keeps its text (without colour codes) as the message
    expect(parsed[3]?.message).toBe(lines[3]);
    expect(parsed[4]?.message).toBe('bold but nothing else');
  });

  it('strips colour codes from a default-format line written to a tty by a wrapper', () => {
    const line = `${ESC}[0;33mWARN${ESC}[0m [1795460031.000001] [stackslib/src/net/relay.rs:990] [relayer] slow, height: 11`;
    expect(parseStacksLogLine(line, NOW)).toMatchObject({ format: 'text', severity: 'warning', blockHeight: 11, raw: line });
  });
});

describe('arbitrary input', () => {
  // fixed seed: a failure names its seed and counterexample and replays the same way
  it('never throws and always keeps the raw line, for any bytes', () => {
    const prefixes = fc.constantFrom('', '{', '{"level":"INFO","msg":', 'Nov 23 20:00:00.1 INFO ', 'INFO [', `${ESC}[0;90m`, `${ESC}[`);
    fc.assert(
      fc.property(prefixes, fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), (prefix, bytes, now) => {
        const line = prefix + Buffer.from(bytes).toString('utf8').replace(/\n/g, '');
        const parsed = parseStacksLogLine(line, now);
        expect(parsed.raw).toBe(line.replace(/\r$/, ''));
        expect(typeof parsed.message).toBe('string');
        expect(parsed.time === null || Number.isFinite(parsed.time)).toBe(true);
      }),
      { seed: 20261123, numRuns: 3_000 }
    );
  });
});
