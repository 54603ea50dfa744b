// The Prometheus rules file through Debian's real promtool: syntax and PromQL (`check rules`),
// then the catalog's scenarios (`test rules`), one vitest case per promtool run so CI counts them.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULES } from '../build/rules.ts';
import { SCENARIOS, untestedAlerts } from '../build/ruleTests.ts';
import { PROVISIONING, PROMTOOL, VMALERT } from './paths.ts';

const run = promisify(execFile);
const rulesFile = join(PROVISIONING, 'prometheus/nodescope-rules.yml');
const testsFile = join(PROVISIONING, 'prometheus/nodescope-rules.test.yml');
const work = mkdtempSync(join(tmpdir(), 'nodescope-promtool-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function promtool(args: string[], cwd: string, binary = PROMTOOL): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(binary, args, { cwd, timeout: 30_000 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('promtool', () => {
  it('check rules accepts the rules file and finds every catalog rule', async () => {
    const result = await promtool(['check', 'rules', rulesFile], PROVISIONING);
    expect(result.out).toContain(`SUCCESS: ${RULES.length} rules found`);
    expect(result.code).toBe(0);
  });

  it('check rules rejects a broken expression (the check can fail)', async () => {
    const broken = readFileSync(rulesFile, 'utf8').replace('(bitcoin_peers) < 4', '(bitcoin_peers < 4');
    const file = join(work, 'broken.yml');
    writeFileSync(file, broken);
    const result = await promtool(['check', 'rules', file], work);
    expect(result.code).not.toBe(0);
    expect(result.out).toMatch(/parse error|unclosed/i);
  });

  it('test rules: every scenario passes', async () => {
    const result = await promtool(['test', 'rules', testsFile], join(PROVISIONING, 'prometheus'));
    expect(result.out).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('test rules fails when an expectation is wrong (the scenarios bind)', async () => {
    copyFileSync(rulesFile, join(work, 'nodescope-rules.yml'));
    const tests = parse(readFileSync(testsFile, 'utf8')) as {
      tests: Array<{ alert_rule_test: Array<{ exp_alerts: Array<{ exp_labels: Record<string, string> }> }> }>;
    };
    // flip one expected label in one scenario (run alone, to stay quick): promtool must report it
    const scenario = tests.tests.find((t) => t.alert_rule_test.some((c) => c.exp_alerts.length > 0))!;
    scenario.alert_rule_test.find((c) => c.exp_alerts.length > 0)!.exp_alerts[0]!.exp_labels.severity = 'info';
    writeFileSync(join(work, 'wrong.test.yml'), JSON.stringify({ ...tests, tests: [scenario] }));
    const result = await promtool(['test', 'rules', 'wrong.test.yml'], work);
    expect(result.code).not.toBe(0);
    expect(result.out).toContain('FAILED');
  });

  it('vmalert (VictoriaMetrics) parses the same rules file (-dryRun), and rejects a broken one', async () => {
    const ok = await promtool([`-rule=${rulesFile}`, '-dryRun'], PROVISIONING, VMALERT);
    expect(ok.code, ok.out.slice(-500)).toBe(0);
    const file = join(work, 'vm-broken.yml');
    writeFileSync(file, readFileSync(rulesFile, 'utf8').replace('(bitcoin_peers) < 4', '(bitcoin_peers < 4'));
    const bad = await promtool([`-rule=${file}`, '-dryRun'], work, VMALERT);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('BitcoinPeersLow');
  });

  it('every alert of the catalog is tested firing, and every scenario has a quiet check too', () => {
    expect(untestedAlerts()).toEqual([]);
    for (const scenario of SCENARIOS) {
      expect(scenario.checks.some((c) => c.firing.length === 0), scenario.name).toBe(true);
    }
  });
});
