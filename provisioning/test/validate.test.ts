// Every provisioning file checked against what Grafana parses (grafanaSchema.ts mirrors Grafana's
// Go structures), and every reference checked against what exists: datasource uids against the
// provisioned datasources, panel types against core Grafana and our plugins, nodescope queries
// against the shared catalog, Prometheus/InfluxDB names against the metrics the proxy registers.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { QUERIES_BY_KIND, type SourceKind } from '@nodescope/shared';
import { alertingFiles, ALERT_VARIABLES, GENERATED_ALERTING_FILES, INTEGRATIONS } from '../build/contactPoints.ts';
import { LIVE_RULES, NODESCOPE_DS_TYPE } from '../build/liveRules.ts';
import { RULES } from '../build/rules.ts';
import { codeMetricNames, influxMeasurements, promqlMetrics } from './codeNames.ts';
import {
  ALERTING_FILE_KEYS,
  BUILTIN_DATASOURCES,
  checkContactPoints,
  checkDashboardProviderFile,
  checkDatasourceFile,
  checkDatasourceSet,
  checkPluginFile,
  checkPolicies,
  checkRuleGroups,
  CORE_PANELS,
  DASHBOARD_SCHEMA_VERSION,
  EXPR_UIDS,
  expandEnv,
  isObj,
  route,
  validUid,
  type Problems,
  type ProvisionedDatasource,
  type ProvisionedRule,
  type Route,
} from './grafanaSchema.ts';
import { PROVISIONING, REPO } from './paths.ts';

type Obj = Record<string, unknown>;
const read = (path: string) => readFileSync(join(PROVISIONING, path), 'utf8');
const yamlFiles = (dir: string) =>
  readdirSync(join(PROVISIONING, dir))
    .filter((n) => /\.ya?ml$/.test(n))
    .map((n) => `${dir}/${n}`);

/** The environment the README documents; contact points must be complete with it. */
export const EXAMPLE_ENV: Record<string, string> = {
  NODESCOPE_PROXY_URL: 'http://nodescope-proxy:8787',
  NODESCOPE_API_KEY: 'change-me',
  PROMETHEUS_URL: 'http://prometheus:9090',
  INFLUX_URL: 'http://influxdb:8086',
  INFLUX_DB: 'nodescope',
  INFLUX_TOKEN: 'token',
  ALERT_EMAIL_TO: 'ops@example.com',
  ALERT_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXX',
  ALERT_TELEGRAM_BOT_TOKEN: '123456:ABC',
  ALERT_TELEGRAM_CHAT_ID: '-100123',
  ALERT_DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/x',
  ALERT_TEAMS_WEBHOOK_URL: 'https://example.webhook.office.com/webhookb2/x',
  ALERT_WEBHOOK_URL: 'https://alerts.example.com/nodescope',
  ALERT_WEBHOOK_TOKEN: 'secret',
};

// --- load everything once ------------------------------------------------------------------------

const problems: Record<string, Problems> = {};
const note = (area: string) => (problems[area] ??= []);

const datasources: ProvisionedDatasource[] = [];
for (const file of yamlFiles('datasources')) datasources.push(...checkDatasourceFile(file, parse(read(file)), note('datasources')));
checkDatasourceSet(datasources, note('datasources'));
const dsByUid = new Map(datasources.map((d) => [d.uid, d]));

const apps: string[] = [];
for (const file of yamlFiles('plugins')) apps.push(...checkPluginFile(file, parse(read(file)), note('plugins')));

const providers = yamlFiles('dashboards').flatMap((file) => checkDashboardProviderFile(file, parse(read(file)), note('providers')));

// alerting: every committed file at the top level, YAML or JSON (both parsed as YAML), merged with
// the contact points and policies contactPoints.ts writes when every ALERT_* variable is set
const alertingEntries = readdirSync(join(PROVISIONING, 'alerting')).filter((n) => !GENERATED_ALERTING_FILES.includes(n));
const alertingDocs = [
  ...alertingEntries.filter((n) => /\.(ya?ml|json)$/.test(n)).map((n) => ({ file: `alerting/${n}`, doc: parse(read(`alerting/${n}`)) as Obj })),
  ...Object.entries(alertingFiles(EXAMPLE_ENV)).map(([n, text]) => ({ file: `alerting/${n} (generated)`, doc: parse(text) as Obj })),
];
const contactPointNames: string[] = [];
const rules: ProvisionedRule[] = [];
const policyRoots: Route[] = [];
const templates: Array<{ name: string; template: string }> = [];
for (const { file, doc } of alertingDocs) {
  const p = note('alerting');
  if (!isObj(doc)) {
    p.push(`${file}: not a mapping`);
    continue;
  }
  for (const key of Object.keys(doc)) if (!ALERTING_FILE_KEYS.includes(key)) p.push(`${file}: unknown top-level key ${key}`);
  if (doc.apiVersion !== 1) p.push(`${file}: apiVersion must be 1`);
  if (doc.groups) rules.push(...checkRuleGroups(file, doc.groups, p));
  if (doc.contactPoints) contactPointNames.push(...checkContactPoints(file, doc.contactPoints, EXAMPLE_ENV, p));
  if (Array.isArray(doc.templates))
    for (const t of doc.templates) {
      if (!isObj(t) || typeof t.name !== 'string' || typeof t.template !== 'string') p.push(`${file}: template needs name and template`);
      else templates.push({ name: t.name, template: t.template });
    }
}
for (const { file, doc } of alertingDocs) if (isObj(doc) && doc.policies) policyRoots.push(...checkPolicies(file, doc.policies, contactPointNames, note('alerting')));

// dashboards: the JSON files in the folders the providers point at
interface DashboardFile {
  file: string;
  json: Obj;
}
const dashboards: DashboardFile[] = [];
for (const dir of ['nodescope', 'prometheus', 'influxdb']) {
  for (const name of readdirSync(join(PROVISIONING, 'dashboards', dir))) {
    dashboards.push({ file: `dashboards/${dir}/${name}`, json: JSON.parse(read(`dashboards/${dir}/${name}`)) as Obj });
  }
}

function pluginIds(type: string): string[] {
  const ids: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === 'plugin.json') {
        const json = JSON.parse(readFileSync(path, 'utf8')) as { id?: string; type?: string };
        if (json.type === type && json.id) ids.push(json.id);
      }
    }
  };
  walk(join(REPO, 'plugins'));
  return ids;
}

const METRICS = codeMetricNames();

// --- tests ---------------------------------------------------------------------------------------

describe('provisioning files parse as Grafana reads them', () => {
  it.each(['datasources', 'plugins', 'providers', 'alerting'])('%s: no problems', (area) => {
    expect(problems[area] ?? []).toEqual([]);
  });

  it('the nodescope, Prometheus and InfluxDB datasources are provisioned with fixed uids', () => {
    expect(dsByUid.get('nodescope')?.type).toBe('nodescope-crypto-datasource');
    expect(dsByUid.get('nodescope-prometheus')?.type).toBe('prometheus');
    expect(dsByUid.get('nodescope-influxdb')?.type).toBe('influxdb');
  });

  it('the nodescope datasource takes the proxy URL and API key from the environment, where the plugin route reads them', () => {
    const ds = dsByUid.get('nodescope')!.raw;
    const route = (JSON.parse(readFileSync(join(REPO, 'plugins/datasource/src/plugin.json'), 'utf8')) as { routes: Array<{ url: string; headers: Array<{ content: string }> }> }).routes[0]!;
    const jsonKey = /\.JsonData\.(\w+)/.exec(route.url)![1]!;
    const secureKey = /\.SecureJsonData\.(\w+)/.exec(route.headers[0]!.content)![1]!;
    expect(expandEnv(String((ds.jsonData as Obj)[jsonKey]), EXAMPLE_ENV)).toBe(EXAMPLE_ENV.NODESCOPE_PROXY_URL);
    expect(expandEnv(String((ds.secureJsonData as Obj)[secureKey]), EXAMPLE_ENV)).toBe(EXAMPLE_ENV.NODESCOPE_API_KEY);
  });

  it('env interpolation follows os.ExpandEnv ($$ is a literal dollar)', () => {
    expect(expandEnv('a $X ${Y} $$Z', { X: '1', Y: '2', Z: 'no' })).toBe('a 1 2 $Z');
    expect(expandEnv('${UNSET}', {})).toBe('');
  });

  it('the provisioned app is our app plugin', () => {
    expect(apps).toEqual(pluginIds('app'));
    expect(apps).toContain('nodescope-suite-app');
  });

  it('the app is provisioned enabled: its nested datasource and panels stay disabled until it is', () => {
    // grafana/grafana pkg/api/frontendsettings.go, (*HTTPServer).pluginSettings: a plugin with
    // IncludedInAppID gets Enabled = false unless the app's own setting is enabled ("app child
    // plugins are disabled unless app is enabled"); apps/appFromConfigV0 read enabled = !disabled
    const doc = parse(read('plugins/nodescope.yaml')) as { apps: Obj[] };
    const app = doc.apps.find((a) => a.type === 'nodescope-suite-app')!;
    expect(app.disabled).toBe(false);
    const includes = (JSON.parse(readFileSync(join(REPO, 'plugins/app/src/plugin.json'), 'utf8')) as { includes: Obj[] }).includes;
    expect(includes.filter((i) => i.type === 'datasource' || i.type === 'panel').length).toBe(4);
  });

  it('alerting/ holds only YAML/JSON files and no sub-folders (anything else stops Grafana)', () => {
    for (const name of alertingEntries) {
      expect(statSync(join(PROVISIONING, 'alerting', name)).isFile(), name).toBe(true);
      expect(name, name).toMatch(/\.(ya?ml|json)$/);
    }
  });

  it('every provider path ends in a dashboards/ folder that holds JSON', () => {
    expect(providers.map((p) => basename(p.path)).sort()).toEqual(['influxdb', 'nodescope', 'prometheus']);
  });
});

describe('alert rules', () => {
  it('every catalog rule is provisioned once, with a unique uid and title per folder', () => {
    expect(rules.map((r) => r.title).sort()).toEqual([...RULES.map((r) => r.alert), ...LIVE_RULES.map((r) => r.title)].sort());
    expect(new Set(rules.map((r) => r.uid)).size).toBe(rules.length);
    expect(new Set(rules.map((r) => `${r.folder}/${r.title}`)).size).toBe(rules.length);
  });

  it('rules query the provisioned Prometheus datasource, the nodescope datasource (live rules) or server-side expressions', () => {
    const live = new Set(LIVE_RULES.map((r) => r.title));
    for (const rule of rules) {
      for (const uid of rule.datasourceUids) {
        if (EXPR_UIDS.includes(uid)) continue;
        expect(dsByUid.get(uid)?.type, `${rule.title}: ${uid}`).toBe(live.has(rule.title) ? NODESCOPE_DS_TYPE : 'prometheus');
      }
    }
  });

  it('group intervals are multiples of 10 s and labels carry no unescaped $ (labels are env-expanded)', () => {
    for (const rule of rules) {
      expect(rule.intervalMs % 10_000, rule.group).toBe(0);
      for (const value of Object.values(rule.labels)) expect(value.replace(/\$\$/g, '')).not.toContain('$');
    }
  });

  it('every metric a rule reads is one the proxy exposes', () => {
    const unknown = rules.flatMap((r) => r.queries.flatMap((q) => (typeof q.model.expr === 'string' ? promqlMetrics(q.model.expr) : [])).filter((m) => !METRICS.has(m)).map((m) => `${r.title}: ${m}`));
    expect(unknown).toEqual([]);
  });

  it('every domain of the issue has rules', () => {
    const domains = new Set(RULES.map((r) => r.domain));
    for (const d of ['bitcoin', 'stacks', 'geth', 'mining', 'profitability', 'freqtrade', 'nodescope']) expect(domains, d).toContain(d);
  });

  it('routing: every rule reaches e-mail, criticals also Telegram and the webhook, with the severity cooldown', () => {
    expect(policyRoots).toHaveLength(1);
    const root = policyRoots[0]!;
    expect(root.group_by).toEqual(['source', 'severity']);
    const cooldown = { critical: '1h', warning: '4h', info: '12h' };
    for (const rule of RULES) {
      const reached = route(root, { alertname: rule.alert, severity: rule.severity, domain: rule.domain, source: 'x' });
      const receivers = reached.map((r) => r.receiver);
      expect(receivers, rule.alert).toContain('nodescope-email');
      expect(reached.find((r) => r.receiver === 'nodescope-email')!.repeat, rule.alert).toBe(cooldown[rule.severity]);
      if (rule.severity === 'critical') expect(receivers, rule.alert).toEqual(expect.arrayContaining(['nodescope-telegram', 'nodescope-webhook', 'nodescope-slack']));
      else expect(receivers, rule.alert).not.toContain('nodescope-telegram');
    }
  });

  it('all six integrations exist, none suppresses resolved notifications, and the templates they use are defined', () => {
    const docs = alertingDocs.flatMap(({ doc }) => (Array.isArray(doc.contactPoints) ? doc.contactPoints : [])) as Array<{ receivers: Obj[] }>;
    const receivers = docs.flatMap((cp) => cp.receivers);
    expect(new Set(receivers.map((r) => r.type))).toEqual(new Set(['email', 'slack', 'telegram', 'discord', 'teams', 'webhook']));
    for (const r of receivers) expect(r.disableResolveMessage).toBe(false);
    const defined = new Set(templates.flatMap((t) => [...t.template.matchAll(/define "([^"]+)"/g)].map((m) => m[1]!)));
    const used = new Set(JSON.stringify(docs).match(/template \\"([^\\]+)\\"/g)?.map((m) => m.replace(/template \\"|\\"/g, '')) ?? []);
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(defined, name).toContain(name);
  });

  it('the checks catch mistakes (a broken rule group is reported)', () => {
    const p: Problems = [];
    checkRuleGroups('x', [{ name: 'g', folder: 'f', interval: '15s', rules: [{ uid: 'has space', title: 't', condition: 'Z', data: [{ refId: 'A', datasourceUid: '__expr__', relativeTimeRange: { from: 1.5, to: 0 }, model: { type: 'threshold', expression: 'A', conditions: [] } }], labels: { a: 1 } }] }], p);
    expect(p.join('\n')).toMatch(/multiple of 10s/);
    expect(p.join('\n')).toMatch(/not a valid Grafana uid/);
    expect(p.join('\n')).toMatch(/condition "Z"/);
    expect(p.join('\n')).toMatch(/integer seconds/);
    expect(p.join('\n')).toMatch(/exactly one condition/);
    expect(p.join('\n')).toMatch(/labels.a: expected a string/);
    const c: Problems = [];
    checkContactPoints('x', [{ name: 'n', receivers: [{ uid: 'u', type: 'telegram', settings: { bottoken: '${UNSET}', chatid: '1' } }] }], {}, c);
    expect(c.join('\n')).toMatch(/bottoken is empty/);
  });
});

describe('dashboards', () => {
  const panelTypes = new Set([...CORE_PANELS, ...pluginIds('panel')]);

  const panelsOf = (json: Obj): Obj[] =>
    ((json.panels as Obj[]) ?? []).flatMap((p) => [p, ...(((p.panels as Obj[] | undefined) ?? []) as Obj[])]);

  it('there is a dashboard for every domain, and the Prometheus and InfluxDB variants', () => {
    const uids = dashboards.map((d) => d.json.uid);
    for (const uid of [
      'nodescope-home', 'nodescope-bitcoin', 'nodescope-mempool', 'nodescope-bitcoin-peers', 'nodescope-electrum', 'nodescope-stacks',
      'nodescope-geth', 'nodescope-mining-fleet', 'nodescope-profitability', 'nodescope-freqtrade', 'nodescope-proxy',
      'nodescope-prom-bitcoin', 'nodescope-prom-stacks', 'nodescope-prom-geth', 'nodescope-prom-mining', 'nodescope-prom-freqtrade',
      'nodescope-influx-bitcoin',
    ])
      expect(uids).toContain(uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each(dashboards.map((d) => [d.file, d] as const))('%s: model, panels, datasources, variables', (_file, { json }) => {
    const p: Problems = [];
    if (typeof json.title !== 'string' || json.title === '') p.push('title is empty (ErrDashboardTitleEmpty)');
    if (!validUid(json.uid)) p.push('uid invalid');
    if (json.schemaVersion !== DASHBOARD_SCHEMA_VERSION) p.push(`schemaVersion ${String(json.schemaVersion)}`);
    if ('id' in json && json.id !== null) p.push('a provisioned dashboard must not carry a database id');
    const variables = ((json.templating as Obj).list as Obj[]) ?? [];
    const varNames = new Set(variables.map((v) => String(v.name)));
    const builtinVars = new Set(['__interval', '__rate_interval', '__range', 'timeFilter', '__timeFilter', 'tag_source', '__all', '__interval_ms']);
    const refsOk = (text: string, where: string) => {
      for (const m of text.matchAll(/\$(\w+)|\$\{(\w+)(?::\w+)?\}/g)) {
        const name = (m[1] ?? m[2])!;
        if (!varNames.has(name) && !builtinVars.has(name)) p.push(`${where}: variable $${name} is not defined`);
      }
    };
    const dsOk = (ds: unknown, where: string) => {
      if (!isObj(ds)) return void p.push(`${where}: datasource must be {type, uid}`);
      const uid = String(ds.uid);
      if (BUILTIN_DATASOURCES.includes(uid)) return;
      // through a datasource variable: it must list datasources of this type, defaulting to a provisioned one
      const viaVariable = /^\$\{(\w+)\}$/.exec(uid)?.[1];
      if (viaVariable) {
        const v = variables.find((x) => x.name === viaVariable);
        if (v?.type !== 'datasource') return void p.push(`${where}: ${uid} is not a datasource variable`);
        if (v.query !== ds.type) return void p.push(`${where}: $${viaVariable} lists ${String(v.query)} datasources, not ${String(ds.type)}`);
        if (dsByUid.get(String((v.current as Obj).value))?.type !== ds.type) p.push(`${where}: $${viaVariable} defaults to no provisioned ${String(ds.type)} datasource`);
        return;
      }
      const provisioned = dsByUid.get(uid);
      if (!provisioned) p.push(`${where}: datasource uid ${uid} is not provisioned`);
      else if (provisioned.type !== ds.type) p.push(`${where}: datasource ${uid} is ${provisioned.type}, not ${String(ds.type)}`);
    };
    // which source kind each nodescope source variable lists
    const kindOf = new Map<string, SourceKind>();
    for (const v of variables) {
      if (isObj(v.datasource)) dsOk(v.datasource, `variable ${String(v.name)}`);
      if (isObj(v.query) && v.query.name === 'sources' && typeof v.query.kind === 'string') kindOf.set(String(v.name), v.query.kind as SourceKind);
      refsOk(JSON.stringify(v.query ?? ''), `variable ${String(v.name)}`);
      if (isObj(v.query) && typeof v.query.query === 'string') for (const m of promqlMetrics(String(v.query.query).replace(/^label_values\((.*),\s*\w+\)$/, '$1'))) if (!METRICS.has(m)) p.push(`variable ${String(v.name)}: metric ${m} unknown`);
      if (typeof v.query === 'string') for (const m of influxMeasurements(v.query)) if (!METRICS.has(m)) p.push(`variable ${String(v.name)}: measurement ${m} unknown`);
    }
    const ids = new Set<number>();
    const cells = new Set<string>();
    for (const panel of panelsOf(json)) {
      const where = `panel "${String(panel.title)}"`;
      if (!panelTypes.has(String(panel.type))) p.push(`${where}: panel type ${String(panel.type)} exists neither in core Grafana nor in our plugins`);
      if (typeof panel.id !== 'number' || ids.has(panel.id)) p.push(`${where}: id missing or duplicated`);
      ids.add(panel.id as number);
      const g = panel.gridPos as { x: number; y: number; w: number; h: number };
      if (!g || g.x < 0 || g.w < 1 || g.x + g.w > 24 || g.h < 1) p.push(`${where}: gridPos outside the 24-column grid`);
      else
        for (let x = g.x; x < g.x + g.w; x++)
          for (let y = g.y; y < g.y + g.h; y++) {
            if (cells.has(`${x},${y}`)) p.push(`${where}: overlaps another panel at ${x},${y}`);
            cells.add(`${x},${y}`);
          }
      refsOk(String(panel.title), where);
      if (panel.type === 'row') continue;
      if (panel.datasource !== undefined) dsOk(panel.datasource, where);
      for (const t of (panel.transformations as Obj[] | undefined) ?? []) if (t.id === 'formatTime') p.push(`${where}: formatTime is migrated away (schema 43); use convertFieldType`);
      const targets = (panel.targets as Obj[]) ?? [];
      if (targets.length === 0) p.push(`${where}: no queries`);
      for (const t of targets) {
        const tw = `${where} ${String(t.refId)}`;
        dsOk(t.datasource, tw);
        const ds = t.datasource as Obj;
        refsOk(JSON.stringify({ ...t, datasource: undefined }), tw);
        if (ds.type === 'nodescope-crypto-datasource') {
          if (t.schemaVersion !== 1) p.push(`${tw}: schemaVersion must be the datasource's QUERY_SCHEMA_VERSION 1`);
          const variable = /^\$(\w+)$/.exec(String(t.sourceId))?.[1];
          const kind = variable ? kindOf.get(variable) : undefined;
          if (!kind) p.push(`${tw}: sourceId ${String(t.sourceId)} is not a source variable of a known kind`);
          else if (!(QUERIES_BY_KIND[kind] as readonly string[]).includes(String(t.query))) p.push(`${tw}: ${String(t.query)} is not a ${kind} query of the catalog`);
        } else if (ds.type === 'prometheus') {
          for (const m of promqlMetrics(String(t.expr))) if (!METRICS.has(m)) p.push(`${tw}: metric ${m} is not exposed by the proxy`);
        } else if (ds.type === 'influxdb') {
          const measurements = influxMeasurements(String(t.query));
          if (measurements.length === 0) p.push(`${tw}: no measurement`);
          for (const m of measurements) if (!METRICS.has(m)) p.push(`${tw}: measurement ${m} is not written by the proxy`);
        }
      }
    }
    for (const anno of (((json.annotations as Obj).list as Obj[]) ?? [])) {
      dsOk(anno.datasource, `annotation ${String(anno.name)}`);
      if (isObj(anno.target)) refsOk(JSON.stringify(anno.target), `annotation ${String(anno.name)}`);
    }
    expect(p).toEqual([]);
  });

  it('the checks catch mistakes (an unknown metric and a function name are told apart)', () => {
    expect(promqlMetrics('histogram_quantile(0.95, sum by (le, source) (rate(x_bucket{a="b"}[5m]))) / on (source) y offset 1h > 1e15')).toEqual(['x_bucket', 'y']);
    expect(METRICS.has('bitcoin_blocks')).toBe(true);
    expect(METRICS.has('bitcoin_blockz')).toBe(false);
  });
});

// Port of Grafana's import template evaluator (grafana/grafana@acfb68268b9dd600459e1774d2537720a6dcf575:
// pkg/services/dashboardimport/utils/dash_template_evaluator.go:14 varRegex `(\$\{.+?\})`, :41 Eval: every
// __inputs entry needs a value or the import fails with ErrDashboardInputMissing; each string has its
// ${name} replaced by the input value, unknown ${…} left as they are; __inputs is dropped).
function importDashboard(template: Obj, values: Record<string, string>): Obj {
  const variables = new Map<string, string>();
  for (const input of (template.__inputs as Obj[]) ?? []) {
    const name = String(input.name);
    if (!(name in values)) throw new Error(`dashboard import failed: missing dashboard input variable ${name}`);
    variables.set(`\${${name}}`, values[name]!);
  }
  const evalValue = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/(\$\{.+?\})/g, (m) => variables.get(m) ?? m);
    if (Array.isArray(v)) return v.map(evalValue);
    if (isObj(v)) return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '__inputs').map(([k, x]) => [k, evalValue(x)]));
    return v;
  };
  return evalValue(template) as Obj;
}

describe('provisioning into a Grafana you already run', () => {
  const datasourceFiles = yamlFiles('datasources');
  const readme = readFileSync(join(PROVISIONING, 'README.md'), 'utf8');

  it('no provisioned datasource takes over the default datasource (isDefault)', () => {
    expect(datasources.length).toBeGreaterThan(0);
    for (const ds of datasources) expect(ds.isDefault, ds.name).toBe(false);
  });

  it('one datasource per file, each with a URL once its own variables are set, and those variables documented', () => {
    for (const file of datasourceFiles) {
      const doc = parse(read(file)) as { datasources: Obj[] };
      expect(doc.datasources, file).toHaveLength(1);
      const text = read(file).replace(/^\s*#.*$/gm, '');
      const own = [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!))];
      // only this file's variables set: an unused Prometheus or InfluxDB is never provisioned with url ""
      const env = Object.fromEntries(own.map((name) => [name, EXAMPLE_ENV[name] ?? 'x']));
      expect(expandEnv(String(doc.datasources[0]!.url), env), file).not.toBe('');
      for (const name of own) expect(readme, `${file}: ${name} in the README's variable table`).toMatch(new RegExp(`\\| \`${name}\`[^\\n]*${basename(file).replace('.', '\\.')}|\`${name}\`[^\\n]*\\|[^\\n]*${basename(file).replace('.', '\\.')}`));
    }
    expect(datasourceFiles.length).toBe(datasources.length);
  });

  it('dashboards name Prometheus and InfluxDB only through a datasource variable (no fixed uid)', () => {
    for (const { file, json } of dashboards) {
      const text = JSON.stringify(json);
      expect(text, file).not.toMatch(/"uid":"nodescope-(prometheus|influxdb)"/);
      for (const [type, variable] of [['prometheus', 'ds_prometheus'], ['influxdb', 'ds_influxdb']] as const) {
        if (!text.includes(`"type":"${type}"`)) continue;
        const v = ((json.templating as Obj).list as Obj[]).find((x) => x.name === variable);
        expect(v?.type, `${file}: $${variable}`).toBe('datasource');
        expect(v?.query, file).toBe(type);
      }
    }
  });

  describe.each(dashboards.map((d) => [d.file.replace(/^dashboards\//, 'export/'), d] as const))('%s (Import / grafana.com)', (exportFile, { json }) => {
    const exported = JSON.parse(read(exportFile)) as Obj;
    const inputs = (exported.__inputs as Obj[]) ?? [];

    it('asks for every datasource it needs, and importing with the provisioned uids gives back the provisioned dashboard', () => {
      const declared = new Set(inputs.map((i) => `\${${String(i.name)}}`));
      for (const m of JSON.stringify(exported).matchAll(/\$\{(DS_\w+)\}/g)) expect(declared, m[0]).toContain(m[0]);
      for (const input of inputs) expect(['nodescope-crypto-datasource', 'prometheus', 'influxdb'], String(input.name)).toContain(input.pluginId);
      const values = Object.fromEntries(inputs.map((i) => [String(i.name), i.pluginId === 'prometheus' ? 'nodescope-prometheus' : i.pluginId === 'influxdb' ? 'nodescope-influxdb' : 'nodescope']));
      const imported = importDashboard(exported, values);
      // what the exporter changes on purpose: the top-level metadata and query variables' cached values
      const strip = (d: Obj) => {
        const { __inputs: _i, __elements: _e, __requires: _r, id: _id, ...rest } = d;
        const list = ((rest.templating as Obj).list as Obj[]).map((v) => (v.type === 'query' ? { ...v, options: [], current: {} } : v));
        return { ...rest, templating: { list } };
      };
      expect(strip(imported)).toEqual(strip(json));
      expect(JSON.stringify(imported)).not.toMatch(/\$\{DS_/);
      // no datasource is left under the uid it has in our provisioning
      for (const uid of dsByUid.keys()) expect(JSON.stringify(exported), uid).not.toContain(`"uid":"${uid}"`);
      if (inputs.length > 0) expect(() => importDashboard(exported, {})).toThrow(/missing dashboard input variable/);
    });

    it('requires Grafana 12.4 and names the plugins it uses', () => {
      const requires = exported.__requires as Obj[];
      expect(requires.find((r) => r.id === 'grafana')?.version).toBe('12.4.0');
      const types = new Set(((json.panels as Obj[]) ?? []).filter((p) => p.type !== 'row').map((p) => String(p.type)));
      for (const type of types) expect(requires.map((r) => r.id), type).toContain(type);
    });
  });
});

describe('contact points: only the configured ones are written', () => {
  const env = (names: string[]) => Object.fromEntries(names.map((n) => [n, EXAMPLE_ENV[n]!]));
  const load = (files: Record<string, string>) => {
    const p: Problems = [];
    const cp = files['contact-points.yaml'] ? (parse(files['contact-points.yaml']) as Obj) : undefined;
    const names = cp ? checkContactPoints('contact-points.yaml', cp.contactPoints, {}, []) : [];
    return { p, cp, names };
  };

  it('no ALERT_* variable: no contact point and no policy tree (the org keeps its own)', () => {
    expect(alertingFiles({})).toEqual({});
    expect(alertingFiles({ ALERT_SLACK_WEBHOOK_URL: '  ' })).toEqual({});
  });

  it.each([
    [['ALERT_EMAIL_TO']],
    [['ALERT_SLACK_WEBHOOK_URL']],
    [['ALERT_TELEGRAM_BOT_TOKEN', 'ALERT_TELEGRAM_CHAT_ID', 'ALERT_WEBHOOK_URL']],
    [['ALERT_DISCORD_WEBHOOK_URL', 'ALERT_TEAMS_WEBHOOK_URL', 'ALERT_EMAIL_TO']],
  ])('only %j set: those integrations, complete, and every rule routed to one of them', (names) => {
    const variables = env(names);
    const files = alertingFiles(variables);
    const { cp } = load(files);
    const expected = INTEGRATIONS.filter((i) => i.requires.every((r) => names.includes(r))).map((i) => i.name);
    expect(expected.length).toBeGreaterThan(0);
    const p: Problems = [];
    // Grafana's required settings, checked with only these variables in its environment
    const written = checkContactPoints('contact-points.yaml', cp!.contactPoints, variables, p);
    expect(p).toEqual([]);
    expect(written.sort()).toEqual(expected.sort());
    const roots = checkPolicies('notification-policies.yaml', (parse(files['notification-policies.yaml']!) as Obj).policies, written, p);
    expect(p).toEqual([]);
    for (const rule of RULES) {
      const reached = route(roots[0]!, { alertname: rule.alert, severity: rule.severity, domain: rule.domain, source: 'x' }).map((r) => r.receiver);
      expect(reached.length, rule.alert).toBeGreaterThan(0);
      for (const receiver of reached) expect(written, rule.alert).toContain(receiver);
    }
  });

  it('half a Telegram configuration leaves Telegram out instead of failing Grafana', () => {
    expect(alertingFiles(env(['ALERT_TELEGRAM_BOT_TOKEN']))).toEqual({});
  });

  it('--no-policies writes the contact points alone (an existing policy tree is not replaced)', () => {
    expect(Object.keys(alertingFiles(EXAMPLE_ENV, { policies: false }))).toEqual(['contact-points.yaml']);
  });

  it('every ALERT_* variable is documented', () => {
    const readme = readFileSync(join(PROVISIONING, 'README.md'), 'utf8');
    for (const name of ALERT_VARIABLES) expect(readme, name).toContain(`\`${name}\``);
  });
});
