// Turns the alert catalog (rules.ts) into the Prometheus rules file and Grafana's alerting
// provisioning file. Pure: returns YAML text; write.ts puts it on disk.
import { stringify } from 'yaml';
import { GROUPS, RULES, type AlertRule, type Domain } from './rules.ts';

export const PROMETHEUS_DS_UID = 'nodescope-prometheus';
export const ALERT_FOLDER = 'nodescope';

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

function byDomain(): Array<[Domain, AlertRule[]]> {
  const out = new Map<Domain, AlertRule[]>();
  for (const rule of RULES) {
    const list = out.get(rule.domain) ?? [];
    list.push(rule);
    out.set(rule.domain, list);
  }
  return [...out.entries()];
}

export function prometheusRules(): string {
  const groups = byDomain().map(([domain, rules]) => ({
    name: `nodescope-${domain}`,
    interval: GROUPS[domain].interval,
    rules: rules.map((rule) => ({
      alert: rule.alert,
      expr: prometheusExpr(rule),
      for: rule.for,
      labels: { severity: rule.severity, domain: rule.domain },
      annotations: {
        summary: render(rule.summary, 'prometheus'),
        description: rule.description,
        dashboard: `/d/${rule.dashboard}`,
      },
    })),
  }));
  return (
    HEADER('Prometheus / vmalert rules: `rule_files: [nodescope-rules.yml]` in prometheus.yml, or vmalert -rule=nodescope-rules.yml.') +
    stringify({ groups }, { lineWidth: 0 })
  );
}

export function ruleUid(rule: AlertRule): string {
  return `nodescope-${rule.alert.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

const GRAFANA_THRESHOLD = { '>': 'gt', '<': 'lt' } as const;

export function grafanaRules(): string {
  const groups = byDomain().map(([domain, rules]) => ({
    orgId: 1,
    name: `nodescope-${domain}`,
    folder: GROUPS[domain].folder,
    interval: GROUPS[domain].interval,
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
        {
          refId: 'C',
          relativeTimeRange: { from: 0, to: 0 },
          datasourceUid: '__expr__',
          model: {
            refId: 'C',
            type: 'threshold',
            expression: 'A',
            conditions: [{ evaluator: { type: GRAFANA_THRESHOLD[rule.op], params: [rule.threshold] } }],
            datasource: { type: '__expr__', uid: '__expr__' },
          },
        },
      ],
      // no series = nothing wrong (e.g. no Geth configured); a dead proxy is NodescopeProxyDown
      noDataState: 'OK',
      execErrState: 'Error',
      for: rule.for,
      annotations: {
        summary: render(rule.summary, 'grafana'),
        description: rule.description,
        dashboard: `/d/${rule.dashboard}`,
      },
      labels: { severity: rule.severity, domain: rule.domain },
      isPaused: false,
    })),
  }));
  return (
    HEADER('Grafana alert rules (file provisioning, apiVersion 1), evaluated on the Prometheus datasource uid nodescope-prometheus.') +
    stringify({ apiVersion: 1, groups }, { lineWidth: 0 })
  );
}

/** The README's alert table (between the alerts:begin/alerts:end markers). */
export function alertTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = RULES.map(
    (r) => `| ${r.alert} | ${r.domain} | ${r.severity} | \`${cell(r.query)}\` ${r.op} ${r.threshold} | ${r.for} | ${cell(r.summary.replace(/\{\{(label:)?([a-z]+)\}\}/g, '{$2}'))} |`
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
