// The catalog's rules with every duration divided by TIME_SCALE (`for: 5m` -> 2500ms, `[1h]` ->
// 30s), so integration tests on a real Prometheus take seconds; promtool.test.ts checks the real
// durations. Thresholds are not scaled.
import { stringify } from 'yaml';
import { prometheusExpr, ruleGroups, ruleLabels } from '../build/alerts.ts';

export const TIME_SCALE = 120;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5m` -> `2500ms` at TIME_SCALE 120 (never below 1 s: one scrape/eval step). */
export function scaleDuration(text: string): string {
  const ms = [...text.matchAll(/(\d+)(ms|s|m|h|d)/g)].reduce((sum, m) => sum + Number(m[1]) * UNIT_MS[m[2]!]!, 0);
  return `${Math.max(1_000, Math.round(ms / TIME_SCALE))}ms`;
}

export function scaledRulesYaml(): string {
  const scale = (expr: string) =>
    expr
      .replace(/\[(\d+(?:ms|s|m|h|d))\]/g, (_, d: string) => `[${scaleDuration(d)}]`)
      .replace(/offset (\d+(?:ms|s|m|h|d))/g, (_, d: string) => `offset ${scaleDuration(d)}`);
  const groups = ruleGroups().map(({ name, rules }) => ({
    name,
    interval: '1s',
    rules: rules.map((rule) => ({
      alert: rule.alert,
      expr: scale(prometheusExpr(rule)),
      for: scaleDuration(rule.for),
      labels: ruleLabels(rule),
    })),
  }));
  return stringify({ groups });
}
