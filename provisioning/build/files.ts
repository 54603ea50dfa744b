// Every generated provisioning file, path (relative to provisioning/) -> text.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grafanaRules, prometheusRules, readmeWithAlertTable } from './alerts.ts';
import { dashboardFiles } from './dashboards.ts';
import { grafanaLiveRules } from './liveRules.ts';
import { promtoolTests } from './ruleTests.ts';

export function generatedFiles(): Record<string, string> {
  return {
    'prometheus/nodescope-rules.yml': prometheusRules(),
    'prometheus/nodescope-rules.test.yml': promtoolTests(),
    'alerting/nodescope-rules.yaml': grafanaRules(),
    'alerting/nodescope-live-rules.yaml': grafanaLiveRules(),
    ...dashboardFiles(),
    // hand-written README with the generated alert table
    'README.md': readmeWithAlertTable(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../README.md'), 'utf8')),
  };
}
