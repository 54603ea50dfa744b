// The Stacks signer alerts on Debian's real Prometheus: it scrapes a real proxy whose stacks
// sources read seven simulated signers (their /metrics and their log files), one per fault plus a
// healthy one; the catalog's StacksSigner* rules (durations divided by TIME_SCALE, as in
// prometheus.integration.test.ts) must fire for the faulted signer and only for it.
// StacksSignerLogSilent is left to promtool: its threshold is 300 real seconds of silence.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../backend-proxy/src/config/schema.ts';
import { startServer } from '../../backend-proxy/src/http/server.ts';
import {
  startStacksSimulator,
  type SignerFault,
  type StacksSimulator,
} from '../../backend-proxy/src/simulators/stacks/index.ts';
import { firingSources, pollAlerts, startRulesPrometheus, type PrometheusServer } from './prometheusServer.ts';

const SIGNERS: Array<[string, SignerFault]> = [
  ['stx-ok', 'none'],
  ['stx-unregistered', 'not-registered'],
  ['stx-rejecting', 'rejecting'],
  ['stx-slow', 'slow-responses'],
  ['stx-conflicts', 'conflicts'],
  ['stx-validation', 'validation-timeouts'],
  ['stx-timeouts', 'proposal-timeouts'],
];

/** which signer each rule must fire for (and for no other) */
const EXPECTED: Record<string, string> = {
  StacksSignerNotRegistered: 'stx-unregistered',
  StacksSignerRejecting: 'stx-rejecting',
  StacksSignerSlowResponses: 'stx-slow',
  StacksSignerStateConflicts: 'stx-conflicts',
  StacksSignerValidationLate: 'stx-validation',
  StacksSignerProposalTimeout: 'stx-timeouts',
};

describe('Prometheus evaluates the StacksSigner* rules over simulated signers', () => {
  const work = mkdtempSync(join(tmpdir(), 'nodescope-signer-prom-'));
  const sims: Array<{ id: string; sim: StacksSimulator }> = [];
  let proxy: Awaited<ReturnType<typeof startServer>> | null = null;
  let prometheus: PrometheusServer;
  let chain: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    for (const [id, fault] of SIGNERS) {
      const signerLogFile = join(work, `${id}.log`);
      writeFileSync(signerLogFile, '');
      const sim = await startStacksSimulator({ signerLogFile });
      sim.setSignerFault(fault);
      sims.push({ id, sim });
    }
    // a Stacks block every 200 ms and a burn block every 20, each signer logging what it did
    let n = 0;
    chain = setInterval(() => {
      n++;
      for (const { sim } of sims) {
        sim.advance({ stacks: 1, burn: n % 20 === 0 ? 1 : 0 });
        void sim.appendSignerLog(8);
      }
    }, 200);
    const config = configSchema.parse({
      server: { host: '127.0.0.1', port: 0, logLevel: 'silent' },
      sources: sims.map(({ id, sim }) => ({
        id,
        kind: 'stacks',
        rpcUrl: sim.rpcUrl,
        signer: { metricsUrl: sim.signerMetricsUrl, logFile: sim.signerLogFile },
        pollSeconds: 1,
        logs: { pollMs: 100, backfillBytes: 0 },
      })),
    });
    proxy = await startServer(config, { port: 0 });
    prometheus = await startRulesPrometheus(work, proxy.url);
  });

  afterAll(async () => {
    if (chain) clearInterval(chain);
    prometheus?.stop();
    await proxy?.close().catch(() => undefined);
    for (const { sim } of sims) await sim.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('each fault fires its rule for its signer only; the healthy signer fires none', async () => {
    const expected: Record<string, string[]> = {
      ...Object.fromEntries(Object.entries(EXPECTED).map(([name, source]) => [name, [source]])),
      // a validation timeout is a rejection too (v0/signer.rs:1779-1791), so that signer's share
      // of rejections is all of them as well
      StacksSignerRejecting: ['stx-rejecting', 'stx-validation'],
      // a validation timeout answers after 121 s, far above the minute
      StacksSignerSlowResponses: ['stx-slow', 'stx-validation'],
    };
    // wait for every expected (rule, signer) pair, the validation signer's second and third rules
    // included: each rule fires on its own evaluation, so one firing does not mean the rest have
    const { list } = await pollAlerts(
      prometheus,
      (l) => Object.entries(expected).every(([name, sources]) => sources.every((s) => firingSources(l, name).includes(s))),
      60_000
    );
    const firingFor = (name: string) => firingSources(list, name);
    const seen = Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, firingFor(name).sort()]));
    expect(seen).toEqual(expected);
    expect(list.filter((a) => a.labels.source === 'stx-ok' && a.labels.alertname?.startsWith('StacksSigner'))).toEqual(
      []
    );
  });
});
