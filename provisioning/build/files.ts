// Every generated provisioning file, path (relative to provisioning/) -> text.
import { grafanaRules, prometheusRules } from './alerts.ts';
import { dashboardFiles } from './dashboards.ts';
import { promtoolTests } from './ruleTests.ts';

export function generatedFiles(): Record<string, string> {
  return {
    'prometheus/nodescope-rules.yml': prometheusRules(),
    'prometheus/nodescope-rules.test.yml': promtoolTests(),
    'alerting/nodescope-rules.yaml': grafanaRules(),
    ...dashboardFiles(),
  };
}
