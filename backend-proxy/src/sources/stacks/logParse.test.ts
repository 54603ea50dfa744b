import { describe, expect, it } from 'vitest';
import { parseStacksLogLine } from './logParse.js';

// Line shapes as stacks-common/src/util/log.rs writes them (print_msg_header + slog_term's
// Serializer), with the levels of slog's as_short_str.
describe('parseStacksLogLine', () => {
  it.each([
    [
      'INFO [1732624431.991648] [stackslib/src/chainstate/coordinator/mod.rs:799] [chains-coordinator-0.0.0.0:20443] PoX Anchor block selected, cycle: 72, is_known: false, cycle_burn_height: 817251',
      {
        severity: 'info',
        level: 'INFO',
        time: 1732624431991,
        micros: 648,
        file: 'stackslib/src/chainstate/coordinator/mod.rs',
        line: 799,
        component: 'coordinator',
        thread: 'chains-coordinator-0.0.0.0:20443',
        message: 'PoX Anchor block selected',
        fields: { cycle: '72', is_known: 'false', cycle_burn_height: '817251' },
        blockHeight: null,
        burnHeight: null,
      },
    ],
    [
      'WARN [1700000000.000001] [stackslib/src/net/relay.rs:1020] [relayer] Failed to process block, stacks_block_height: 171234, burn_height: 870001, err: "timeout, retry later"',
      {
        severity: 'warning',
        component: 'relay',
        thread: 'relayer',
        message: 'Failed to process block',
        fields: { stacks_block_height: '171234', burn_height: '870001', err: '"timeout, retry later"' },
        blockHeight: 171234,
        burnHeight: 870001,
        time: 1700000000000,
        micros: 1,
      },
    ],
    [
      'ERRO [1700000001.5] [testnet/stacks-node/src/main.rs:12] [main] Processing block, height: 12345',
      { severity: 'error', component: 'stacks-node', message: 'Processing block', blockHeight: 12345, time: 1700000001500 },
    ],
    [
      'CRIT [1700000002.000000] [stacks-signer/src/v0/signer.rs:88] [ThreadId(7)] Signer panicked',
      { severity: 'critical', component: 'signer', thread: 'ThreadId(7)', message: 'Signer panicked', fields: {} },
    ],
    [
      'DEBG [1700000003.000000] [stackslib/src/net/p2p.rs:5000] [p2p:(0.0.0.0:20444,0.0.0.0:20443)] Handle HTTPRequest, verb: GET, path: /v2/info, query:',
      { severity: 'debug', thread: 'p2p:(0.0.0.0:20444,0.0.0.0:20443)', fields: { verb: 'GET', path: '/v2/info', query: '' } },
    ],
    ['TRCE [1700000004.000000] [src/lib.rs:1] [t] tick', { severity: 'trace', component: 'lib', message: 'tick' }],
    // 2020-era nodes wrote long level names and milliseconds
    [
      'DEBUG [1603160402.680] [testnet/stacks-node/src/run_loop/neon.rs:279] [ThreadId(4)] Synchronized burnchain up to height 207',
      { severity: 'debug', time: 1603160402680, component: 'neon', message: 'Synchronized burnchain up to height 207' },
    ],
    // STACKS_LOG_FORMAT_TIME set: a formatted time instead of the epoch
    ['INFO [2026-11-23T17:00:00Z] [a.rs:1] [main] hi', { severity: 'info', time: Date.parse('2026-11-23T17:00:00Z') }],
    // file without a line number (slog always writes one, but be lenient)
    ['INFO [1700000000.000000] [a.rs] [main] hi', { file: 'a.rs', line: null }],
  ])('parses %s', (raw, expected) => {
    expect(parseStacksLogLine(raw)).toMatchObject(expected);
  });

  it.each([
    ['thread panicked at stackslib/src/x.rs:10:5:'],
    ['   0: std::backtrace::Backtrace::create'],
    [''],
    ['NOTE [1700000000.0] [a.rs:1] [t] not a slog level'],
    ['INFO 1700000000.0 a.rs:1 t missing brackets'],
  ])('keeps a line it cannot parse as an unknown-level message: %j', (raw) => {
    const parsed = parseStacksLogLine(raw);
    expect(parsed).toMatchObject({ severity: 'unknown', time: null, message: raw, fields: {}, blockHeight: null });
  });

  it('keeps the first of a repeated key and strips a CR', () => {
    const parsed = parseStacksLogLine('INFO [1.0] [a.rs:1] [t] m, k: 1, k: 2\r');
    expect(parsed.fields).toEqual({ k: '1' });
    expect(parsed.raw.endsWith('\r')).toBe(false);
  });

  it('does not take a non-numeric height', () => {
    expect(parseStacksLogLine('INFO [1.0] [a.rs:1] [t] m, height: none').blockHeight).toBeNull();
  });
});
