// The signer's alert signals from lines written as stacks-signer writes them and from Prometheus'
// own histogram_quantile cases. References:
//   stacks-network/stacks-core@01c97680e6d013b51a859499c90c3b89469d6854 (tag 3.3.0.0.6):
//     stacks-signer/src/runloop.rs:348,352,416-427,613; stacks-signer/src/v0/signer.rs:954,1775;
//     stacks-signer/src/v0/signer_state.rs:348; stacks-signer/src/v0/signer.rs:153-156 (prefix)
//   prometheus/prometheus@7c7782b9cbe3ffc1017cce6d7c7b264866f82fed:promql/promqltest/testdata/histograms.test
//     (testhistogram / testhistogram2 cases), bucketQuantile at
//     prometheus/prometheus@01381a80115bde3f6dbb392123980d0bfadf49af:promql/quantile.go
import { describe, expect, it } from 'vitest';
import { parseStacksLogLine } from './logParse.js';
import {
  bucketIncrease,
  bucketQuantile,
  readSignerLine,
  RegistrationTracker,
  ResponseWindow,
  SignerWatch,
} from './signerWatch.js';

const T = 1_732_624_431;
const text = (level: string, file: string, message: string) =>
  parseStacksLogLine(`${level} [${T}.991648] [${file}] [signer_runloop:30000] ${message}`, T * 1000);

describe('readSignerLine: the lines stacks-signer writes', () => {
  it('"Refreshing runloop with new burn block event" states the registration for the current cycle (runloop.rs:416-427)', () => {
    const line = text(
      'INFO',
      'stacks-signer/src/runloop.rs:416',
      'Refreshing runloop with new burn block event, latest_node_burn_ht: 870001, event_ht: 870001, reward_cycle_before_refresh: 105, current_reward_cycle: 105, configured_for_current: true, registered_for_current: false, configured_for_next: true, registered_for_next: true, is_in_next_prepare_phase: true'
    );
    expect(readSignerLine(line)).toEqual([
      { kind: 'registration', cycle: 105, registered: false, registeredForNext: true },
    ]);
  });

  it('the same record as STACKS_LOG_JSON=1 writes it (booleans are JSON booleans)', () => {
    const line = parseStacksLogLine(
      JSON.stringify({
        ts: '2024-11-26T12:33:51.991648123+00:00',
        level: 'INFO',
        msg: 'Refreshing runloop with new burn block event',
        file: 'stacks-signer/src/runloop.rs',
        line: 416,
        thread: 'signer_runloop:30000',
        current_reward_cycle: 106,
        registered_for_current: true,
        registered_for_next: false,
      })
    );
    expect(readSignerLine(line)).toEqual([
      { kind: 'registration', cycle: 106, registered: true, registeredForNext: false },
    ]);
  });

  it('registration lines at a cycle refresh (runloop.rs:348, :352) and the per-event line (:613)', () => {
    expect(
      readSignerLine(
        text(
          'INFO',
          'stacks-signer/src/runloop.rs:348',
          'Cycle #106 Signer #3 Signer is registered for reward cycle 106 as Signer #3. Initialized signer state.'
        )
      )
    ).toEqual([{ kind: 'registration', cycle: 106, registered: true, registeredForNext: null }]);
    expect(
      readSignerLine(text('WARN', 'stacks-signer/src/runloop.rs:352', 'Signer is not registered for reward cycle 106'))
    ).toEqual([
      { kind: 'registration', cycle: 106, registered: false, registeredForNext: null },
      { kind: 'event', event: 'not_registered', cycle: 106 },
    ]);
    const current = text(
      'INFO',
      'stacks-signer/src/runloop.rs:613',
      'Signer is not registered for the current reward cycle (105). Reward set is not yet determined or signer is not registered for the upcoming reward cycle (106).'
    );
    expect(readSignerLine(current)[0]).toEqual({
      kind: 'registration',
      cycle: 105,
      registered: false,
      registeredForNext: null,
    });
  });

  it('rejections, validation timeouts and proposal timeouts, behind the signer prefix', () => {
    const rejected = text(
      'WARN',
      'stacks-signer/src/v0/signer.rs:954',
      'Cycle #105 Signer #3: Block proposal invalid, signer_signature_hash: 8f2c, block_id: 1d3e, reject_reason: The block does not confirm the expected parent block., reject_code: SortitionViewMismatch'
    );
    expect(readSignerLine(rejected)).toEqual([{ kind: 'event', event: 'block_rejected', cycle: null }]);
    const validation = text(
      'WARN',
      'stacks-signer/src/v0/signer.rs:1775',
      'Cycle #105 Signer #3: Failed to receive block validation response within 120000 ms. Rejecting block., signer_signature_hash: 8f2c'
    );
    expect(readSignerLine(validation)).toEqual([{ kind: 'event', event: 'validation_timeout', cycle: null }]);
    const timeout = text(
      'INFO',
      'stacks-signer/src/v0/signer_state.rs:348',
      'Signer State: Current tenure timed out, setting the active miner to the prior tenure, inactive_tenure_ch: 7a1b, new_active_tenure_ch: 9c2d'
    );
    expect(readSignerLine(timeout)).toEqual([{ kind: 'event', event: 'proposal_timeout', cycle: null }]);
    // a proposal accepted, or the miner-timeout check line (logged at every check), count nothing
    expect(
      readSignerLine(
        text(
          'INFO',
          'stacks-signer/src/v0/signer.rs:971',
          'Cycle #105 Signer #3: Broadcasting block response to stacks node: Accepted(8f2c)'
        )
      )
    ).toEqual([]);
    expect(
      readSignerLine(
        text(
          'INFO',
          'stacks-signer/src/chainstate/v1.rs:79',
          'Tenure miner was inactive too long and timed out, tenure_ch: 7a1b, elapsed_inactive: 125, config_block_proposal_timeout: 120'
        )
      )
    ).toEqual([]);
  });
});

describe('RegistrationTracker', () => {
  it('keeps the latest cycle; an older cycle read back later does not undo it', () => {
    const r = new RegistrationTracker();
    r.observe({ kind: 'registration', cycle: 105, registered: true, registeredForNext: false }, 1);
    r.observe({ kind: 'registration', cycle: 106, registered: false, registeredForNext: null }, 2);
    r.observe({ kind: 'registration', cycle: 105, registered: true, registeredForNext: null }, 3);
    expect(r.get()).toEqual({ cycle: 106, registered: false, registeredForNext: null, at: 2 });
  });
});

describe('ResponseWindow', () => {
  it('rejected share over the window, one sample before its start kept; a counter reset starts over', () => {
    const w = new ResponseWindow(15 * 60_000);
    w.observe(0, 100, 0);
    w.observe(10 * 60_000, 110, 0);
    w.observe(20 * 60_000, 110, 10);
    // the window (5 .. 20 min) is covered from the last sample at or before its start (0 min)
    expect(w.recent()).toMatchObject({ responses: 20, rejected: 10, ratio: 0.5 });
    w.observe(26 * 60_000, 110, 12);
    // window 11 .. 26 min: from the 10-min sample on, 12 rejected of 12
    expect(w.recent()).toMatchObject({ responses: 12, rejected: 12, ratio: 1 });
    w.observe(27 * 60_000, 2, 0); // the signer restarted
    expect(w.recent()).toMatchObject({ responses: 0, ratio: null });
    w.observe(28 * 60_000, 5, 1);
    expect(w.recent()).toMatchObject({ responses: 4, rejected: 1, ratio: 0.25 });
  });
});

describe('bucketQuantile: Prometheus histogram_quantile on classic buckets', () => {
  const inf = Number.POSITIVE_INFINITY;
  // histograms.test: testhistogram at 50m (0+5x10 … sampled every 5m: ten steps)
  const positive = [
    { le: 0.1, count: 50 },
    { le: 0.2, count: 70 },
    { le: 1, count: 110 },
    { le: inf, count: 120 },
  ];
  const negative = [
    { le: -0.2, count: 10 },
    { le: -0.1, count: 20 },
    { le: 0.3, count: 20 },
    { le: inf, count: 30 },
  ];
  it.each([
    [0.2, positive, 0.048],
    [0.5, positive, 0.15],
    [0.8, positive, 0.72],
    [1, positive, 1],
    [0, positive, 0],
    [0.2, negative, -0.2],
    [0.5, negative, -0.15],
    [0.8, negative, 0.3],
  ])('q=%s', (q, buckets, expected) => {
    expect(bucketQuantile(q, buckets)).toBeCloseTo(expected, 10);
  });
  it('testhistogram2 at 7m: 1/6, 1/2, 5/6 fall mid-bucket at 1, 3, 5; rate()d the same', () => {
    const at7m = [
      { le: 0, count: 0 },
      { le: 2, count: 1 },
      { le: 4, count: 2 },
      { le: 6, count: 3 },
      { le: inf, count: 3 },
    ];
    expect(bucketQuantile(1 / 6, at7m)).toBeCloseTo(1, 10);
    expect(bucketQuantile(0.5, at7m)).toBeCloseTo(3, 10);
    expect(bucketQuantile(5 / 6, at7m)).toBeCloseTo(5, 10);
    // at 47m over [15m]: the increase is three steps of the same shape
    const at32m = at7m.map((b) => ({ le: b.le, count: b.count * 6 }));
    const at47m = at7m.map((b) => ({ le: b.le, count: b.count * 9 }));
    expect(bucketQuantile(0.5, bucketIncrease(at32m, at47m)!)).toBeCloseTo(3, 10);
  });
  it('out of range and empty', () => {
    expect(bucketQuantile(-0.1, positive)).toBe(Number.NEGATIVE_INFINITY);
    expect(bucketQuantile(1.01, positive)).toBe(Number.POSITIVE_INFINITY);
    expect(
      bucketQuantile(0.5, [
        { le: 1, count: 0 },
        { le: inf, count: 0 },
      ])
    ).toBeNaN();
    expect(bucketQuantile(0.5, [{ le: 1, count: 3 }])).toBeNaN(); // no +Inf bucket
  });
});

describe('SignerWatch.health', () => {
  const opts = { windowMs: 15 * 60_000, logSilenceMs: 300_000, startedAt: 0 };
  it('names the first problem: not registered, then a silent log, then rejections', () => {
    const w = new SignerWatch(opts);
    const watching = { log: true, metrics: true };
    w.onLine(
      {
        message: 'Refreshing runloop with new burn block event',
        fields: { current_reward_cycle: '105', registered_for_current: 'true' },
      },
      1_000,
      true
    );
    expect(w.health(2_000, watching)).toMatchObject({
      status: 'ok',
      message: expect.stringContaining('registered for reward cycle 105'),
    });
    expect(w.health(302_000, watching)).toEqual({ status: 'degraded', message: 'no signer log line for 301 s' });
    w.onLine({ message: 'Signer is not registered for reward cycle 106', fields: {} }, 303_000, true);
    expect(w.health(304_000, watching)).toMatchObject({
      status: 'degraded',
      message: expect.stringMatching(/^not registered for reward cycle 106/),
    });
    expect(w.events.not_registered).toBe(1);
  });
  it('rejections need a few responses in the window before they degrade', () => {
    const w = new SignerWatch(opts);
    const families = new Map();
    w.onFamilies(families, 0, 100, 0);
    w.onFamilies(families, 60_000, 101, 3);
    expect(w.health(60_000, { log: false, metrics: true }).status).toBe('ok'); // 3 of 4: too few to judge
    w.onFamilies(families, 120_000, 102, 8);
    expect(w.health(120_000, { log: false, metrics: true })).toEqual({
      status: 'degraded',
      message: 'rejected 8 of 10 block responses in the last 15 min',
    });
  });
  it('lines read back from before this run set the registration but count no event', () => {
    const w = new SignerWatch(opts);
    expect(w.onLine({ message: 'Signer is not registered for reward cycle 105', fields: {} }, 10, false)).toEqual([]);
    expect(w.events.not_registered).toBe(0);
    expect(w.duty(20).registration).toMatchObject({ cycle: 105, registered: false });
  });
});
