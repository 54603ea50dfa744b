// Pure: what an operator alerts on about a stacks-signer, read from its log lines and from its
// Prometheus families. No I/O: index.ts feeds parsed lines and scraped families in.
//
// Log lines, as stacks-signer writes them (stacks-network/stacks-core@3.3.0.0.6 =
// 01c97680e6d013b51a859499c90c3b89469d6854). Matched on the message only: the signer prefixes some
// with its display `Cycle #N Signer #M: ` (stacks-signer/src/v0/signer.rs:153-156) and the file
// and line move between versions.
//   runloop.rs:348  "<signer> Signer is registered for reward cycle N as <mode>. Initialized signer state."
//   runloop.rs:352  "Signer is not registered for reward cycle N"                         (WARN)
//   runloop.rs:416  "Refreshing runloop with new burn block event", current_reward_cycle: N,
//                   registered_for_current: bool, registered_for_next: bool (every burn block)
//   runloop.rs:613  "Signer is not registered for the current reward cycle (N). ..."      (every event)
//   v0/signer.rs:945 "Error checking block proposal: …" / :954 "Block proposal invalid"    (a rejection)
//   v0/signer.rs:1775 "Failed to receive block validation response within N ms. Rejecting block."
//   v0/signer_state.rs:348 "Signer State: Current tenure timed out, setting the active miner to the
//                   prior tenure" (block_proposal_timeout passed without a block from the tenure's
//                   miner; once per switch, next to stacks_signer_agreement_state_change_reasons{reason="inactive_miner"})
import type { MetricFamily } from '../../core/prometheusText.js';
import type { StacksLogLine } from './logParse.js';

/** cumulative histogram buckets: upper bound and count */
export type Buckets = Array<{ le: number; count: number }>;

export const SIGNER_LOG_EVENTS = [
  'block_rejected',
  'validation_timeout',
  'proposal_timeout',
  'not_registered',
] as const;
export type SignerLogEvent = (typeof SIGNER_LOG_EVENTS)[number];

export type SignerLineReading =
  | { kind: 'registration'; cycle: number; registered: boolean; registeredForNext: boolean | null }
  | { kind: 'event'; event: SignerLogEvent; cycle: number | null };

const REGISTERED = /Signer is registered for reward cycle (\d+)/;
const NOT_REGISTERED = /Signer is not registered for reward cycle (\d+)/;
const NOT_REGISTERED_CURRENT = /Signer is not registered for the current reward cycle \((\d+)\)/;

/** What one signer log line says, or null for the many lines that say nothing we alert on. */
export function readSignerLine(line: Pick<StacksLogLine, 'message' | 'fields'>): SignerLineReading[] {
  const { message, fields } = line;
  if (message.includes('Refreshing runloop with new burn block event')) {
    const cycle = intField(fields.current_reward_cycle);
    const registered = boolField(fields.registered_for_current);
    if (cycle === null || registered === null) return [];
    return [{ kind: 'registration', cycle, registered, registeredForNext: boolField(fields.registered_for_next) }];
  }
  let m = REGISTERED.exec(message);
  if (m) return [{ kind: 'registration', cycle: Number(m[1]), registered: true, registeredForNext: null }];
  m = NOT_REGISTERED.exec(message) ?? NOT_REGISTERED_CURRENT.exec(message);
  if (m) {
    const cycle = Number(m[1]);
    return [
      { kind: 'registration', cycle, registered: false, registeredForNext: null },
      { kind: 'event', event: 'not_registered', cycle },
    ];
  }
  if (message.includes('Block proposal invalid') || message.includes('Error checking block proposal'))
    return [{ kind: 'event', event: 'block_rejected', cycle: null }];
  if (message.includes('Failed to receive block validation response within'))
    return [{ kind: 'event', event: 'validation_timeout', cycle: null }];
  if (message.includes('Current tenure timed out, setting the active miner to the prior tenure'))
    return [{ kind: 'event', event: 'proposal_timeout', cycle: null }];
  return [];
}

function intField(value: string | undefined): number | null {
  return value !== undefined && /^\s*\d{1,12}\s*$/.test(value) ? Number(value) : null;
}

function boolField(value: string | undefined): boolean | null {
  const v = value?.trim().replace(/^"|"$/g, '');
  return v === 'true' ? true : v === 'false' ? false : null;
}

export interface Registration {
  cycle: number;
  registered: boolean;
  registeredForNext: boolean | null;
  /** when the line said so (ms) */
  at: number;
}

/**
 * The signer's registration for its current reward cycle, as its log states it. A statement about
 * an older cycle than the one already known is ignored (a backfilled line from before a cycle
 * change); one about a later cycle replaces it.
 */
export class RegistrationTracker {
  private current: Registration | null = null;

  observe(reading: Extract<SignerLineReading, { kind: 'registration' }>, at: number): void {
    const c = this.current;
    if (c && reading.cycle < c.cycle) return;
    this.current = {
      cycle: reading.cycle,
      registered: reading.registered,
      registeredForNext: reading.registeredForNext ?? (c?.cycle === reading.cycle ? c.registeredForNext : null),
      at,
    };
  }

  get(): Registration | null {
    return this.current;
  }
}

/**
 * Accepted/rejected block responses and the response-latency buckets sampled at each poll, for
 * the rejected share and the p95 latency over the latest window (what rate()[window] gives).
 */
export class ResponseWindow {
  private readonly samples: Array<{ at: number; accepted: number; rejected: number; buckets: Buckets | null }> = [];

  constructor(private readonly windowMs: number) {}

  observe(at: number, accepted: number, rejected: number, buckets: Buckets | null = null): void {
    const last = this.samples[this.samples.length - 1];
    // a restarted signer starts its counters at zero again: the old samples no longer subtract
    if (last && (accepted < last.accepted || rejected < last.rejected)) this.samples.length = 0;
    this.samples.push({ at, accepted, rejected, buckets });
    // keep one sample at or before the window's start, so the window is covered whole
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();
  }

  /** responses, the rejected share and the p95 response latency since the oldest sample in the window */
  recent(): { responses: number; rejected: number; ratio: number | null; p95: number | null } {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || first === last) return { responses: 0, rejected: 0, ratio: null, p95: null };
    const rejected = last.rejected - first.rejected;
    const responses = last.accepted - first.accepted + rejected;
    const increase = first.buckets && last.buckets ? bucketIncrease(first.buckets, last.buckets) : null;
    const p95 = increase ? bucketQuantile(0.95, increase) : Number.NaN;
    return {
      responses,
      rejected,
      ratio: responses > 0 ? rejected / responses : null,
      p95: Number.isNaN(p95) ? null : p95,
    };
  }
}

/** Sum of a counter family's samples (all label values); null when the family is absent. */
export function familyTotal(families: Map<string, MetricFamily>, name: string): number | null {
  const family = families.get(name);
  if (!family) return null;
  return family.samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
}

/** The cumulative buckets (upper bound, count) of an unlabelled histogram family. */
export function histogramBuckets(families: Map<string, MetricFamily>, name: string): Buckets | null {
  const family = families.get(name);
  if (!family) return null;
  const out: Buckets = [];
  for (const s of family.samples) {
    if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    if (!Number.isNaN(le)) out.push({ le, count: s.value });
  }
  return out.length > 0 ? out : null;
}

/**
 * Prometheus' histogram_quantile over classic buckets (prometheus/prometheus@01381a80115bde3f6dbb392123980d0bfadf49af:
 * promql/quantile.go bucketQuantile): linear within the bucket, 0 as the lowest bucket's lower
 * bound, the second-highest bound when the rank falls in +Inf, NaN without observations.
 */
export function bucketQuantile(q: number, input: Buckets): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const buckets = [...input].sort((a, b) => a.le - b.le);
  if (buckets.length < 2 || buckets[buckets.length - 1]!.le !== Number.POSITIVE_INFINITY) return Number.NaN;
  // ensureMonotonic: the envelope, so a scrape caught mid-update cannot break the search
  let max = buckets[0]!.count;
  for (const b of buckets) max = b.count = Math.max(max, b.count);
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  let b = buckets.findIndex((x, i) => i < buckets.length - 1 && x.count >= rank);
  if (b < 0) b = buckets.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.le;
  if (b === 0 && buckets[0]!.le <= 0) return buckets[0]!.le;
  let start = 0;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.le;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (buckets[b]!.le - start) * (rank / count);
}

/** The per-bucket increase between two cumulative snapshots (what rate() feeds histogram_quantile). */
export function bucketIncrease(older: Buckets, newer: Buckets): Buckets | null {
  const before = new Map(older.map((b) => [b.le, b.count]));
  const out = newer.map((b) => ({ le: b.le, count: b.count - (before.get(b.le) ?? 0) }));
  // a reset (the signer restarted): the newer snapshot alone is the increase
  return out.some((b) => b.count < 0) ? newer : out;
}

export interface SignerDuty {
  registration: Registration | null;
  /** when the signer's log last gave a line (or when watching began, before any) */
  lastLineAt: number | null;
  logAgeSeconds: number | null;
  recent: ReturnType<ResponseWindow['recent']>;
  /** stacks_signer_agreement_state_conflicts summed over `conflict`, since the signer started */
  stateConflicts: number | null;
  /** log events counted since the proxy started */
  events: Record<SignerLogEvent, number>;
}

export interface SignerWatchOptions {
  /** window of the recent rejection share and p95 latency */
  windowMs: number;
  /** no signer log line for this long: silent */
  logSilenceMs: number;
  /** when the signer's log began to be watched */
  startedAt: number;
}

/** above this share of rejected responses in the window, with at least MIN_RESPONSES of them, the signer is degraded */
export const MAX_REJECTION_RATIO = 0.5;
const MIN_RESPONSES = 5;

/** Registration, log events, log silence and the response window of one signer. */
export class SignerWatch {
  private readonly registration = new RegistrationTracker();
  private readonly window: ResponseWindow;
  private lastLineAt: number;
  private conflicts: number | null = null;
  readonly events: Record<SignerLogEvent, number> = {
    block_rejected: 0,
    validation_timeout: 0,
    proposal_timeout: 0,
    not_registered: 0,
  };

  constructor(private readonly options: SignerWatchOptions) {
    this.window = new ResponseWindow(options.windowMs);
    this.lastLineAt = options.startedAt;
  }

  /**
   * One signer log line (`at`: its own time, else when read). Returns the events it counts; lines
   * read back from before this run (`counted` false) set the registration but count nothing.
   */
  onLine(line: Pick<StacksLogLine, 'message' | 'fields'>, at: number, counted: boolean): SignerLogEvent[] {
    if (at > this.lastLineAt) this.lastLineAt = at;
    const out: SignerLogEvent[] = [];
    for (const reading of readSignerLine(line)) {
      if (reading.kind === 'registration') this.registration.observe(reading, at);
      else if (counted) {
        this.events[reading.event]++;
        out.push(reading.event);
      }
    }
    return out;
  }

  onFamilies(families: Map<string, MetricFamily>, at: number, accepted: number | null, rejected: number | null): void {
    this.conflicts = familyTotal(families, 'stacks_signer_agreement_state_conflicts');
    if (accepted !== null || rejected !== null) {
      this.window.observe(
        at,
        accepted ?? 0,
        rejected ?? 0,
        histogramBuckets(families, 'stacks_signer_block_response_latencies_histogram')
      );
    }
  }

  duty(now: number): SignerDuty {
    return {
      registration: this.registration.get(),
      lastLineAt: this.lastLineAt,
      logAgeSeconds: Math.max(0, (now - this.lastLineAt) / 1000),
      recent: this.window.recent(),
      stateConflicts: this.conflicts,
      events: { ...this.events },
    };
  }

  /** The `signer-duty` health: the first problem found, or what is known to be fine. */
  health(now: number, watching: { log: boolean; metrics: boolean }): { status: 'ok' | 'degraded'; message: string } {
    const duty = this.duty(now);
    const reg = duty.registration;
    if (reg && !reg.registered)
      return {
        status: 'degraded',
        message: `not registered for reward cycle ${reg.cycle}: it signs nothing this cycle`,
      };
    if (watching.log && duty.logAgeSeconds !== null && duty.logAgeSeconds * 1000 > this.options.logSilenceMs) {
      return { status: 'degraded', message: `no signer log line for ${Math.round(duty.logAgeSeconds)} s` };
    }
    const { recent } = duty;
    const minutes = Math.round(this.options.windowMs / 60_000);
    if (recent.ratio !== null && recent.responses >= MIN_RESPONSES && recent.ratio > MAX_REJECTION_RATIO) {
      return {
        status: 'degraded',
        message: `rejected ${recent.rejected} of ${recent.responses} block responses in the last ${minutes} min`,
      };
    }
    const parts: string[] = [];
    if (reg) parts.push(`registered for reward cycle ${reg.cycle}`);
    if (watching.metrics)
      parts.push(
        recent.responses > 0
          ? `rejected ${recent.rejected} of ${recent.responses} responses in ${minutes} min`
          : `no block response in ${minutes} min`
      );
    if (watching.log) parts.push(`last log line ${Math.round(duty.logAgeSeconds ?? 0)} s ago`);
    return { status: 'ok', message: parts.join('; ') || 'nothing known yet' };
  }
}
