// The stacks-signer side of the Stacks simulator: its Prometheus families and its log records, with
// the faults an operator alerts on. Built from stacks-core at tag 3.3.0.0.6
// (stacks-network/stacks-core@01c97680e6d013b51a859499c90c3b89469d6854):
//   families   stacks-signer/src/monitoring/prometheus.rs:29-104 (names, help, label names, buckets),
//              incremented as stacks-signer/src/monitoring/mod.rs:77-170 does; an IntCounterVec shows
//              only the label values already incremented, a label-less histogram only once observed
//   log lines  stacks-signer/src/runloop.rs:348,352,416-427 (registration, "Refreshing runloop"),
//              v0/signer.rs:954 "Block proposal invalid", :971 "Broadcasting block response",
//              :1775 validation timeout, chainstate/v1.rs:79 "Tenure miner was inactive too long and
//              timed out", v0/signer_state.rs:348 "Current tenure timed out, setting the active miner
//              to the prior tenure", :990 "Burn block mismatch. Cannot capitulate." (DEBG)
import { fakeHex as hex } from './toggleServer.js';

// The signer's own display prefix is `Cycle #<reward cycle> Signer #<id>` (v0/signer.rs:153-156).

export type SignerFault =
  | 'none'
  /** not in the reward set: the runloop ignores every event (runloop.rs:597), nothing is signed */
  | 'not-registered'
  /** every proposal fails the signer's checks: rejected responses (v0/signer.rs:953-961) */
  | 'rejecting'
  /** no agreement with the signer set: miner_view conflicts at each capitulation check (signer_state.rs:1095) */
  | 'conflicts'
  /** the node validates slowly: responses take 75 s, validations 15 s (still accepted) */
  | 'slow-responses'
  /** the node never answers the validation request: after block_proposal_validation_timeout the signer rejects (v0/signer.rs:1773-1791) */
  | 'validation-timeouts'
  /** the tenure's miner proposes nothing within block_proposal_timeout: the signer moves to the prior miner */
  | 'proposal-timeouts'
  /** the signer stops writing its log (hung process, log pipeline broken) */
  | 'log-silent';

export const SIGNER_FAULTS: readonly SignerFault[] = [
  'none',
  'not-registered',
  'rejecting',
  'conflicts',
  'slow-responses',
  'validation-timeouts',
  'proposal-timeouts',
  'log-silent',
];

// prometheus.rs:76-86 (validation), :82-86 (response), :100-104 (capitulation); the RPC histogram
// uses the crate's DEFAULT_BUCKETS (prometheus.rs:72 comment)
const RPC_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const VALIDATION_BUCKETS = [0.005, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
const RESPONSE_BUCKETS = [0.005, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
const CAPITULATION_BUCKETS = [0, 1, 3, 5, 10, 20, 30, 60, 120];

/** block_proposal_timeout_ms and block_proposal_validation_timeout_ms defaults (stacks-signer/src/config.rs:40-41) */
export const BLOCK_PROPOSAL_TIMEOUT_SECS = 120;
export const BLOCK_PROPOSAL_VALIDATION_TIMEOUT_MS = 120_000;

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.count++;
    this.sum += value;
    const i = this.buckets.findIndex((le) => value <= le);
    if (i >= 0) this.counts[i]!++;
  }
  /** Rust prometheus TextEncoder lines: cumulative buckets, +Inf, _sum, _count */
  samples(labels = ''): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    let cumulative = 0;
    const prefix = labels ? `${labels},` : '';
    this.buckets.forEach((le, i) => {
      cumulative += this.counts[i]!;
      out.push([`_bucket{${prefix}le="${le}"}`, cumulative]);
    });
    out.push([`_bucket{${prefix}le="+Inf"}`, this.count]);
    out.push([`_sum${labels ? `{${labels}}` : ''}`, Math.round(this.sum * 1e6) / 1e6]);
    out.push([`_count${labels ? `{${labels}}` : ''}`, this.count]);
    return out;
  }
}

export interface SignerSimState {
  signerId: number;
  registered: boolean;
  fault: SignerFault;
  conflicts: Record<'burn_block_delay' | 'stacks_block_delay' | 'miner_view', number>;
  changeReasons: Record<string, number>;
}

/** A healthy signer's response latency spread (seconds), cycled: p95 of it is about 3 s. */
const NORMAL_RESPONSE = [0.4, 0.7, 1.1, 1.6, 2.2, 3.5];
const NORMAL_VALIDATION = [0.3, 0.45, 0.6, 0.9, 1.2];

export class SignerSim {
  readonly state: SignerSimState = {
    signerId: 3,
    registered: true,
    fault: 'none',
    conflicts: { burn_block_delay: 2, stacks_block_delay: 0, miner_view: 1 },
    changeReasons: { burn_block_arrival: 40, stacks_block_arrival: 600, miner_view_update: 2 },
  };
  private readonly rpc = new Histogram(RPC_BUCKETS);
  private readonly validation = new Histogram(VALIDATION_BUCKETS);
  private readonly response = new Histogram(RESPONSE_BUCKETS);
  private readonly capitulation = new Histogram(CAPITULATION_BUCKETS);
  private seq = 0;
  /** log records waiting for the next appendSignerLog (events of advance()) */
  private pending: SignerLogRecord[] = [];

  constructor(responses: number) {
    for (let i = 0; i < responses; i++) {
      this.response.observe(NORMAL_RESPONSE[i % NORMAL_RESPONSE.length]!);
      this.validation.observe(NORMAL_VALIDATION[i % NORMAL_VALIDATION.length]!);
      this.rpc.observe(0.03 + (i % 5) * 0.01);
    }
    this.capitulation.observe(3);
    this.capitulation.observe(8);
  }

  setFault(fault: SignerFault): void {
    this.state.fault = fault;
    this.state.registered = fault !== 'not-registered';
  }

  /**
   * One Stacks block proposed; returns whether the signer accepted it (null: it did not respond,
   * as an unregistered signer does not). The caller counts proposals and responses.
   */
  onProposal(ctx: SignerContext): boolean | null {
    const { fault } = this.state;
    this.rpc.observe(0.04);
    if (fault === 'not-registered') return null;
    const n = this.seq++;
    const slow = fault === 'slow-responses';
    if (fault === 'conflicts') {
      // a capitulation check every capitulate_miner_view_timeout (20 s, config.rs:62) finds no miner
      this.state.conflicts.miner_view += 3;
      this.pending.push([
        'DEBG',
        'stacks-signer/src/v0/signer_state.rs',
        990,
        'Signer State: Burn block mismatch. Cannot capitulate.',
        [
          ['current_burn_block_height', ctx.burnHeight],
          ['global_burn_block_height', ctx.burnHeight + 1],
        ],
      ]);
    }
    if (fault === 'proposal-timeouts') {
      const ch = hex(`tenure${ctx.tenureHeight}`, 40);
      this.pending.push([
        'INFO',
        'stacks-signer/src/chainstate/v1.rs',
        79,
        'Tenure miner was inactive too long and timed out',
        [
          ['tenure_ch', ch],
          ['elapsed_inactive', BLOCK_PROPOSAL_TIMEOUT_SECS + 5],
          ['config_block_proposal_timeout', BLOCK_PROPOSAL_TIMEOUT_SECS],
        ],
      ]);
      this.pending.push([
        'INFO',
        'stacks-signer/src/v0/signer_state.rs',
        348,
        'Signer State: Current tenure timed out, setting the active miner to the prior tenure',
        [
          ['inactive_tenure_ch', ch],
          ['new_active_tenure_ch', hex(`tenure${ctx.tenureHeight - 1}`, 40)],
        ],
      ]);
      this.state.changeReasons.inactive_miner = (this.state.changeReasons.inactive_miner ?? 0) + 1;
    }
    const sighash = hex(`sig${ctx.stacksHeight}-${n}`, 64);
    const prefix = `Cycle #${ctx.rewardCycle} Signer #${this.state.signerId}`;
    const timedOut = fault === 'validation-timeouts';
    // no validation answer, no validation latency: the rejection goes out after the timeout
    if (!timedOut) this.validation.observe(slow ? 15 : NORMAL_VALIDATION[n % NORMAL_VALIDATION.length]!);
    this.response.observe(
      slow
        ? 75
        : timedOut
          ? BLOCK_PROPOSAL_VALIDATION_TIMEOUT_MS / 1000 + 1
          : NORMAL_RESPONSE[n % NORMAL_RESPONSE.length]!
    );
    if (timedOut) {
      this.pending.push([
        'WARN',
        'stacks-signer/src/v0/signer.rs',
        1775,
        `${prefix}: Failed to receive block validation response within ${BLOCK_PROPOSAL_VALIDATION_TIMEOUT_MS} ms. Rejecting block.`,
        [['signer_signature_hash', sighash]],
      ]);
      this.pending.push([
        'INFO',
        'stacks-signer/src/v0/signer.rs',
        971,
        `${prefix}: Broadcasting block response to stacks node: Rejected(${sighash})`,
        [],
      ]);
      return false;
    }
    const accepted = fault !== 'rejecting';
    if (!accepted) {
      this.pending.push([
        'WARN',
        'stacks-signer/src/v0/signer.rs',
        954,
        `${prefix}: Block proposal invalid`,
        [
          ['signer_signature_hash', sighash],
          ['block_id', hex(`block${ctx.stacksHeight}`, 64)],
          ['reject_reason', 'The block does not confirm the expected parent block.'],
          ['reject_code', 'SortitionViewMismatch'],
        ],
      ]);
    }
    this.pending.push([
      'INFO',
      'stacks-signer/src/v0/signer.rs',
      971,
      `${prefix}: Broadcasting block response to stacks node: ${accepted ? 'Accepted' : 'Rejected'}(${sighash})`,
      [],
    ]);
    return accepted;
  }

  /** A new burn block: the runloop refreshes (runloop.rs:416-427) and states its registration. */
  onBurnBlock(ctx: SignerContext): void {
    this.state.changeReasons.burn_block_arrival = (this.state.changeReasons.burn_block_arrival ?? 0) + 1;
    this.pending.push(refreshRecord(ctx, this.state.registered));
    if (!this.state.registered)
      this.pending.push([
        'WARN',
        'stacks-signer/src/runloop.rs',
        352,
        `Signer is not registered for reward cycle ${ctx.rewardCycle}`,
        [],
      ]);
  }

  /**
   * The next `count` log records: what advance() produced first, then the runloop's per-burn-block
   * refresh line as filler (a quiet signer still logs it). Nothing at all while 'log-silent'.
   */
  logRecords(count: number, ctx: SignerContext): SignerLogRecord[] {
    if (this.state.fault === 'log-silent') {
      this.pending = [];
      return [];
    }
    const out = this.pending.splice(0, count);
    while (out.length < count) {
      out.push(refreshRecord(ctx, this.state.registered));
      if (!this.state.registered && out.length < count) {
        out.push([
          'INFO',
          'stacks-signer/src/runloop.rs',
          613,
          `Signer is not registered for the current reward cycle (${ctx.rewardCycle}). Reward set is not yet determined or signer is not registered for the upcoming reward cycle (${ctx.rewardCycle + 1}).`,
          [],
        ]);
      }
    }
    return out.slice(0, Math.max(count, 0));
  }

  /** The families of prometheus.rs beyond the ones index.ts writes (latencies and agreement). */
  families(family: (name: string, help: string, type: string, samples: Array<[string, number]>) => string): string[] {
    // an IntCounterVec shows only the label values already incremented
    const labelled = (label: string, values: Record<string, number>) =>
      Object.entries(values)
        .filter(([, v]) => v > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]): [string, number] => [`{${label}="${k}"}`, v]);
    const reasons = labelled('reason', this.state.changeReasons);
    const conflicts = labelled('conflict', this.state.conflicts);
    return [
      ...(reasons.length === 0
        ? []
        : [
            family(
              'stacks_signer_agreement_state_change_reasons',
              "The number of state machine changes in signer agreement protocol. `reason` can be one of: 'burn_block_arrival', 'stacks_block_arrival', 'inactive_miner', 'protocol_upgrade', 'miner_view_update', 'miner_parent_tenure_update'",
              'counter',
              reasons
            ),
          ]),
      ...(conflicts.length === 0
        ? []
        : [
            family(
              'stacks_signer_agreement_state_conflicts',
              "The number of state machine conflicts in signer agreement protocol. `conflict` can be one of: 'burn_block_delay', 'stacks_block_delay', 'miner_view'",
              'counter',
              conflicts
            ),
          ]),
      family(
        'stacks_signer_agreement_capitulation_latencies_histogram',
        'Measuring the time (in seconds) for the signer to agree (capitulate) with the signer set',
        'histogram',
        this.capitulation.samples()
      ),
      family(
        'stacks_signer_block_response_latencies_histogram',
        'Time (seconds) measuring end-to-end time to respond to a block',
        'histogram',
        this.response.samples()
      ),
      family(
        'stacks_signer_block_validation_latencies_histogram',
        'Time (seconds) measuring block validation time reported by the Stacks node',
        'histogram',
        this.validation.samples()
      ),
      family(
        'stacks_signer_node_rpc_call_latencies_histogram',
        'Time (seconds) measuring round-trip RPC call latency to the Stacks node',
        'histogram',
        this.rpc.samples('path="/v2/info"')
      ),
    ];
  }
}

export interface SignerContext {
  rewardCycle: number;
  burnHeight: number;
  stacksHeight: number;
  tenureHeight: number;
}

/** level, file, line, message, key/values (the thread is the runloop's) */
export type SignerLogRecord = [string, string, number, string, Array<[string, string | number | boolean]>];

function refreshRecord(ctx: SignerContext, registered: boolean): SignerLogRecord {
  return [
    'INFO',
    'stacks-signer/src/runloop.rs',
    416,
    'Refreshing runloop with new burn block event',
    [
      ['latest_node_burn_ht', ctx.burnHeight],
      ['event_ht', ctx.burnHeight],
      ['reward_cycle_before_refresh', ctx.rewardCycle],
      ['current_reward_cycle', ctx.rewardCycle],
      ['configured_for_current', true],
      ['registered_for_current', registered],
      ['configured_for_next', false],
      ['registered_for_next', false],
      ['is_in_next_prepare_phase', false],
    ],
  ];
}
