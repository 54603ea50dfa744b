// Turns the alert catalog (rules.ts) into the Prometheus rules file and Grafana's alerting
// provisioning file. Pure: returns YAML text; write.ts puts it on disk.
import { stringify } from 'yaml';
import { thresholdStep } from './expressions.ts';
import { RULE_FOLDER, RULE_GROUPS, RULES, type AlertRule } from './rules.ts';

export const PROMETHEUS_DS_UID = 'nodescope-prometheus';

const HEADER = (what: string) =>
  `# GENERATED from provisioning/build/rules.ts by \`npx node provisioning/build/write.ts\` - edit the catalog, not this file.\n# ${what}\n`;

/** `{{source}}`-style placeholders of the catalog rendered for one engine. */
function render(text: string, engine: 'prometheus' | 'grafana'): string {
  const value = engine === 'prometheus' ? '$value' : '$values.A.Value';
  return text
    .replace(/\{\{source\}\}/g, '{{ $labels.source }}')
    .replace(/\{\{label:([a-zA-Z_][a-zA-Z0-9_]*)\}\}/g, '{{ $labels.$1 }}')
    .replace(/\{\{value\}\}/g, engine === 'prometheus' ? `{{ ${value} | humanize }}` : `{{ humanize ${value} }}`)
    .replace(/\{\{percent\}\}/g, engine === 'prometheus' ? `{{ ${value} | humanizePercentage }}` : `{{ humanizePercentage ${value} }}`);
}

export function prometheusExpr(rule: AlertRule): string {
  return `(${rule.query}) ${rule.op} ${rule.threshold}`;
}

/** The labels every alert carries besides its series' own (notification policies route on them). */
export function ruleLabels(rule: AlertRule): Record<string, string> {
  return { severity: rule.severity, domain: rule.domain };
}

function ruleAnnotations(rule: AlertRule, engine: 'prometheus' | 'grafana'): Record<string, string> {
  return { summary: render(rule.summary, engine), description: rule.description, dashboard: `/d/${rule.dashboard}` };
}

/** Each group with its rules as the catalog lists them (RULES, with domain and dashboard filled in). */
export function ruleGroups(): Array<{ name: string; interval: string; rules: AlertRule[] }> {
  return RULE_GROUPS.map(({ domain, interval }) => ({ name: `nodescope-${domain}`, interval, rules: RULES.filter((rule) => rule.domain === domain) }));
}

export function prometheusRules(): string {
  const prometheusGroups = ruleGroups().map(({ name, interval, rules }) => ({
    name,
    interval,
    rules: rules.map((rule) => ({
      alert: rule.alert,
      expr: prometheusExpr(rule),
      for: rule.for,
      labels: ruleLabels(rule),
      annotations: ruleAnnotations(rule, 'prometheus'),
    })),
  }));
  return (
    HEADER('Prometheus / vmalert rules: `rule_files: [nodescope-rules.yml]` in prometheus.yml, or vmalert -rule=nodescope-rules.yml.') +
    stringify({ groups: prometheusGroups }, { lineWidth: 0 })
  );
}

export function ruleUid(rule: AlertRule): string {
  return `nodescope-${rule.alert.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

const GRAFANA_THRESHOLD = { '>': 'gt', '<': 'lt' } as const;

export function grafanaRules(): string {
  const grafanaGroups = ruleGroups().map(({ name, interval, rules }) => ({
    orgId: 1,
    name,
    folder: RULE_FOLDER,
    interval,
    rules: rules.map((rule) => ({
      uid: ruleUid(rule),
      title: rule.alert,
      condition: 'C',
      data: [
        {
          refId: 'A',
          relativeTimeRange: { from: 600, to: 0 },
          datasourceUid: PROMETHEUS_DS_UID,
          model: {
            refId: 'A',
            datasource: { type: 'prometheus', uid: PROMETHEUS_DS_UID },
            expr: rule.query,
            instant: true,
            range: false,
            editorMode: 'code',
            legendFormat: '__auto',
            intervalMs: 15000,
            maxDataPoints: 43200,
          },
        },
        thresholdStep('A', GRAFANA_THRESHOLD[rule.op], rule.threshold),
      ],
      // no series = nothing wrong (e.g. no Geth configured); a dead proxy is NodescopeProxyDown
      noDataState: 'OK',
      execErrState: 'Error',
      for: rule.for,
      annotations: ruleAnnotations(rule, 'grafana'),
      labels: ruleLabels(rule),
      isPaused: false,
    })),
  }));
  return (
    HEADER('Grafana alert rules (file provisioning, apiVersion 1), evaluated on the Prometheus datasource uid nodescope-prometheus.') +
    stringify({ apiVersion: 1, groups: grafanaGroups }, { lineWidth: 0 })
  );
}

/** The README's alert table (between the alerts:begin/alerts:end markers). */
export function alertTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = RULES.map(
    (r) => `| ${r.alert} | ${r.domain} | ${r.severity} | \`${cell(r.query)}\` ${r.op} ${r.threshold} | ${r.for} | ${cell(r.summary.replace(/\{\{(label:)?([a-z_]+)\}\}/g, '{$2}'))} |`
  );
  return ['| alert | domain | severity | condition | for | summary |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

const BEGIN = '<!-- alerts:begin (generated) -->';
const END = '<!-- alerts:end -->';

/** README text with the generated alert table in place. */
export function readmeWithAlertTable(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('provisioning/README.md lost its alerts:begin/alerts:end markers');
  return `${readme.slice(0, start + BEGIN.length)}\n${alertTable()}\n${readme.slice(end)}`;
}
