// The signer alert signals end to end: the Stacks simulator's signer (its /metrics and its log
// file, over real sockets and files) in each fault, read by the stacks source; /metrics, the
// signer.status frame and the signer-duty health must show what the fault means. What each fault
// does follows stacks-core at tag 3.3.0.0.6 (stacks-network/stacks-core@01c97680e6d013b51a859499c90c3b89469d6854):
// an unregistered signer ignores events (stacks-signer/src/runloop.rs:596-600), responses are
// counted after broadcast (stacks-signer/src/v0/signer.rs:986), conflicts per failed capitulation
// (stacks-signer/src/v0/signer_state.rs:998,1095), a tenure timeout switches miners once and counts
// reason inactive_miner (signer_state.rs:348-356).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stacksConfigSchema } from '../src/sources/stacks/config.js';
import { createStacksSource, type StacksSource } from '../src/sources/stacks/index.js';
import { startStacksSimulator, type StacksSimulator } from '../src/simulators/stacks/index.js';
import {
  createClockedContext,
  expectSeries,
  firstValue,
  inputAround,
  tempDir,
  TEST_CLOCK_START,
  type TestContext,
} from './helpers.js';

let sim: StacksSimulator;
let ctx: TestContext;
let source: StacksSource;
let dir: { path: string; remove: () => Promise<void> };
let clock: number;

beforeEach(async () => {
  clock = TEST_CLOCK_START;
  dir = await tempDir('nodescope-stacks-signer-');
  const signerLogFile = join(dir.path, 'stacks-signer.log');
  await writeFile(signerLogFile, '');
  sim = await startStacksSimulator({ now: () => clock, signerLogFile });
  ctx = createClockedContext(() => clock);
  source = createStacksSource(
    stacksConfigSchema.parse({
      id: 'stx-1',
      kind: 'stacks',
      rpcUrl: sim.rpcUrl,
      signer: { metricsUrl: sim.signerMetricsUrl, logFile: signerLogFile },
      pollSeconds: 10,
      logs: { pollMs: 60_000, backfillBytes: 0, maxLines: 5_000 },
    }),
    ctx
  );
  await source.start();
});
afterEach(async () => {
  await source.stop();
  await sim.close();
  await dir.remove();
});

/** `minutes` of chain: a Stacks block every 30 s, the signer's log written and read, a poll a minute. */
async function run(minutes: number, burnBlocks = 0): Promise<void> {
  for (let m = 0; m < minutes; m++) {
    sim.advance({ stacks: 2, burn: m < burnBlocks ? 1 : 0 });
    clock += 60_000;
    await sim.appendSignerLog(20);
    await source.pollLogs();
    await source.refresh();
  }
}

const status = async () => (await source.queries['signer.status']!(inputAround(clock)))[0];
const duty = () => source.health().components?.['signer-duty'];
const metrics = () => ctx.metrics.registry.metrics();

describe('stacks signer alerts: each simulator fault as the source reads it', () => {
  it('healthy: registered, few rejections, quick responses, a live log', async () => {
    await run(5, 1);
    const frame = await status();
    expect(firstValue(frame, 'registered')).toBe(true);
    expect(firstValue(frame, 'registered_cycle')).toBe(105);
    expect(firstValue(frame, 'recent_responses')).toBe(10); // 2 blocks a minute, 5 minutes
    expect(firstValue(frame, 'recent_rejection_ratio')).toBe(0);
    // the simulator's normal latencies cycle 0.4..3.5 s: the p95 lands in the (2.5, 5] bucket
    expect(firstValue(frame, 'recent_response_latency_p95')).toBeGreaterThan(2.5);
    expect(firstValue(frame, 'recent_response_latency_p95')).toBeLessThanOrEqual(5);
    expect(duty()).toMatchObject({ status: 'ok' });
    expectSeries(await metrics(), [
      'stacks_info_signer_registered{source="stx-1"} 1',
      'stacks_log_signer_events_total{source="stx-1",event="block_rejected"} 0',
      'stacks_log_signer_events_total{source="stx-1",event="proposal_timeout"} 0',
      'stacks_log_last_line_age_seconds{source="stx-1",service="signer"} 0',
    ]);
  });

  it('not registered: no proposal is answered, the log says so, the gauge is 0', async () => {
    await run(1);
    const before = { ...sim.state.signer };
    sim.setSignerFault('not-registered');
    await run(3, 1);
    expect(sim.state.signer.proposals).toBe(before.proposals);
    expect(firstValue(await status(), 'registered')).toBe(false);
    expect(duty()).toMatchObject({
      status: 'degraded',
      message: expect.stringMatching(/^not registered for reward cycle 105/),
    });
    const text = await metrics();
    expectSeries(text, ['stacks_info_signer_registered{source="stx-1"} 0']);
    expect(text).toMatch(/stacks_log_signer_events_total\{source="stx-1",event="not_registered"\} [1-9]/);
  });

  it('rejecting: every response a rejection, counted from the log and from the counters', async () => {
    await run(1);
    sim.setSignerFault('rejecting');
    await run(5);
    const frame = await status();
    // window of 15 min covers the whole run: 2 accepted in the first minute, then 10 rejected
    expect(firstValue(frame, 'recent_responses')).toBe(12);
    expect(firstValue(frame, 'recent_rejection_ratio')).toBeCloseTo(10 / 12);
    expect(duty()).toEqual({
      status: 'degraded',
      message: 'rejected 10 of 12 block responses in the last 15 min',
      lastSuccess: null,
    });
    expectSeries(await metrics(), [
      'stacks_log_signer_events_total{source="stx-1",event="block_rejected"} 10',
      'stacks_signer_block_responses_sent{response_type="rejected",source="stx-1"} 13',
    ]);
  });

  it('slow responses: the p95 of the recent window is what Prometheus would compute', async () => {
    await run(1);
    sim.setSignerFault('slow-responses');
    await run(10);
    // 2 quick responses then 20 of 75 s, all above the 60 s bucket: rank 0.95 * 22 = 20.9 falls
    // in (60, 120] holding 20 after 2 below: 60 + 60 * (20.9 - 2) / 20 = 116.7 (quantile.go bucketQuantile)
    expect(firstValue(await status(), 'recent_response_latency_p95')).toBeCloseTo(116.7, 6);
  });

  it('validation timeouts: logged rejections after block_proposal_validation_timeout', async () => {
    sim.setSignerFault('validation-timeouts');
    await run(3);
    expect(firstValue(await status(), 'validation_timeouts')).toBe(6);
    expectSeries(await metrics(), ['stacks_log_signer_events_total{source="stx-1",event="validation_timeout"} 6']);
  });

  it('proposal timeouts: one per timed-out tenure, in the log and as reason inactive_miner', async () => {
    sim.setSignerFault('proposal-timeouts');
    await run(2);
    expect(firstValue(await status(), 'proposal_timeouts')).toBe(4);
    expectSeries(await metrics(), [
      'stacks_log_signer_events_total{source="stx-1",event="proposal_timeout"} 4',
      'stacks_signer_agreement_state_change_reasons{reason="inactive_miner",source="stx-1"} 4',
    ]);
  });

  it('state conflicts: the signer set and this signer disagree on the miner', async () => {
    await run(1);
    const before = firstValue(await status(), 'state_conflicts') as number;
    sim.setSignerFault('conflicts');
    await run(2);
    expect(firstValue(await status(), 'state_conflicts')).toBe(before + 4 * 3);
    expect(await metrics()).toMatch(
      /stacks_signer_agreement_state_conflicts\{conflict="miner_view",source="stx-1"\} \d+/
    );
  });

  it('a silent signer log: age grows, health says so after logSilenceSeconds, and recovers', async () => {
    await run(1);
    sim.setSignerFault('log-silent');
    await run(6);
    expect(duty()).toMatchObject({ status: 'degraded', message: 'no signer log line for 360 s' });
    expectSeries(await metrics(), ['stacks_log_last_line_age_seconds{source="stx-1",service="signer"} 360']);
    sim.setSignerFault('none');
    await run(1);
    expect(duty()).toMatchObject({ status: 'ok' });
  });
});
