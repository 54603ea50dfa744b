// The structures Grafana parses from provisioning files, as field lists and rules taken from
// grafana/grafana's Go source (no Grafana runs here). Each block names the file it mirrors.
// A checker returns a list of problems ("path: message"); an empty list means Grafana accepts it.

type Obj = Record<string, unknown>;
export type Problems = string[];

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function keys(where: string, value: unknown, allowed: readonly string[], problems: Problems): value is Obj {
  if (!isObj(value)) {
    problems.push(`${where}: expected a mapping`);
    return false;
  }
  for (const key of Object.keys(value)) if (!allowed.includes(key)) problems.push(`${where}: unknown key "${key}" (Grafana ignores it: a typo?)`);
  return true;
}

function required(where: string, obj: Obj, names: readonly string[], problems: Problems): void {
  for (const name of names) {
    const v = obj[name];
    if (v === undefined || v === null || v === '') problems.push(`${where}: "${name}" is required`);
  }
}

function stringMap(where: string, value: unknown, problems: Problems): void {
  if (value === undefined) return;
  if (!isObj(value)) return void problems.push(`${where}: expected a map of strings`);
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') problems.push(`${where}.${k}: expected a string`);
}

// pkg/util/shortid_generator.go: IsValidShortUID + MaxUIDLength
const UID = /^[a-zA-Z0-9\-_]{1,40}$/;
export const validUid = (uid: unknown): boolean => typeof uid === 'string' && UID.test(uid);

/** Prometheus model.ParseDuration (what Grafana uses for rule intervals and `for`). */
export function parseDuration(text: unknown): number | null {
  if (typeof text !== 'string' || text === '') return null;
  const re = /(\d+)(ms|s|m|h|d|w|y)/y;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
  let total = 0;
  re.lastIndex = 0;
  let last = 0;
  while (last < text.length) {
    const m = re.exec(text);
    if (!m) return null;
    total += Number(m[1]) * unit[m[2]!]!;
    last = re.lastIndex;
  }
  return total;
}

/** os.ExpandEnv as Grafana applies it (pkg/services/provisioning/values): $VAR, ${VAR}, $$ -> $. */
export function expandEnv(text: string, env: Record<string, string>): string {
  return text.replace(/\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, all: string, braced?: string, bare?: string) =>
    all === '$' ? '$' : (env[(braced ?? bare)!] ?? '')
  );
}

// --- datasources: pkg/services/provisioning/datasources/types.go (configsV1, upsertDataSourceFromConfigV1) ---

const DATASOURCE_FILE_KEYS = ['apiVersion', 'datasources', 'deleteDatasources', 'prune'];
const DATASOURCE_KEYS = [
  'orgId', 'orgName', 'version', 'name', 'type', 'access', 'url', 'user', 'database', 'basicAuth', 'basicAuthUser',
  'withCredentials', 'isDefault', 'correlations', 'jsonData', 'secureJsonData', 'editable', 'uid',
];

export interface ProvisionedDatasource {
  name: string;
  type: string;
  uid: string;
  orgId: number;
  isDefault: boolean;
  raw: Obj;
}

export function checkDatasourceFile(file: string, doc: unknown, problems: Problems): ProvisionedDatasource[] {
  const out: ProvisionedDatasource[] = [];
  if (!keys(file, doc, DATASOURCE_FILE_KEYS, problems)) return out;
  if (typeof doc.apiVersion !== 'number' || doc.apiVersion < 1) problems.push(`${file}: apiVersion must be 1 (0 selects the legacy snake_case keys)`);
  const list = doc.datasources;
  if (!Array.isArray(list)) return (problems.push(`${file}: datasources must be a list`), out);
  list.forEach((ds, i) => {
    const where = `${file} datasources[${i}]`;
    if (!keys(where, ds, DATASOURCE_KEYS, problems)) return;
    required(where, ds, ['name', 'type'], problems);
    if (ds.uid !== undefined && !validUid(ds.uid)) problems.push(`${where}: uid "${String(ds.uid)}" is not a valid Grafana uid`);
    if (ds.access !== undefined && ds.access !== 'proxy' && ds.access !== 'direct') problems.push(`${where}: access must be proxy or direct`);
    if (ds.jsonData !== undefined && !isObj(ds.jsonData)) problems.push(`${where}: jsonData must be a mapping`);
    stringMap(`${where}.secureJsonData`, ds.secureJsonData, problems);
    out.push({
      name: String(ds.name),
      type: String(ds.type),
      uid: String(ds.uid ?? ''),
      orgId: typeof ds.orgId === 'number' ? ds.orgId : 1,
      isDefault: ds.isDefault === true,
      raw: ds,
    });
  });
  return out;
}

/** Checks across all datasource files (config_reader.go validateDefaultUniqueness + name/uid clashes). */
export function checkDatasourceSet(all: ProvisionedDatasource[], problems: Problems): void {
  const defaults = new Map<number, number>();
  const names = new Set<string>();
  const uids = new Set<string>();
  for (const ds of all) {
    if (ds.isDefault) defaults.set(ds.orgId, (defaults.get(ds.orgId) ?? 0) + 1);
    const nameKey = `${ds.orgId}/${ds.name}`;
    if (names.has(nameKey)) problems.push(`datasource name "${ds.name}" provisioned twice`);
    names.add(nameKey);
    if (!ds.uid) problems.push(`datasource "${ds.name}" has no fixed uid (dashboards and rules refer to uids)`);
    if (uids.has(ds.uid)) problems.push(`datasource uid "${ds.uid}" provisioned twice`);
    uids.add(ds.uid);
  }
  for (const [org, count] of defaults) if (count > 1) problems.push(`org ${org}: ${count} default datasources (ErrInvalidConfigToManyDefault)`);
}

// --- apps: pkg/services/provisioning/plugins/types.go (pluginsAsConfigV0 / appFromConfigV0) ---

export function checkPluginFile(file: string, doc: unknown, problems: Problems): string[] {
  const apps: string[] = [];
  if (!keys(file, doc, ['apiVersion', 'apps'], problems)) return apps;
  if (!Array.isArray(doc.apps)) return (problems.push(`${file}: apps must be a list`), apps);
  doc.apps.forEach((app, i) => {
    const where = `${file} apps[${i}]`;
    if (!keys(where, app, ['type', 'org_id', 'org_name', 'disabled', 'jsonData', 'secureJsonData'], problems)) return;
    required(where, app, ['type'], problems);
    if ('orgId' in app) problems.push(`${where}: apps use snake_case org_id`);
    stringMap(`${where}.secureJsonData`, app.secureJsonData, problems);
    apps.push(String(app.type));
  });
  return apps;
}

// --- dashboard providers: pkg/services/provisioning/dashboards/types.go (configV1) ---

const PROVIDER_KEYS = ['name', 'type', 'orgId', 'folder', 'folderUid', 'editable', 'options', 'disableDeletion', 'updateIntervalSeconds', 'allowUiUpdates'];

export function checkDashboardProviderFile(file: string, doc: unknown, problems: Problems): Array<{ name: string; path: string; folder: string }> {
  const out: Array<{ name: string; path: string; folder: string }> = [];
  if (!keys(file, doc, ['apiVersion', 'providers'], problems)) return out;
  if (doc.apiVersion !== 1) problems.push(`${file}: apiVersion must be 1`);
  if (!Array.isArray(doc.providers)) return (problems.push(`${file}: providers must be a list`), out);
  const names = new Set<string>();
  doc.providers.forEach((p, i) => {
    const where = `${file} providers[${i}]`;
    if (!keys(where, p, PROVIDER_KEYS, problems)) return;
    required(where, p, ['name'], problems);
    if (names.has(String(p.name))) problems.push(`${where}: provider name "${String(p.name)}" is not unique`);
    names.add(String(p.name));
    if (p.type !== undefined && p.type !== 'file') problems.push(`${where}: only type file is built in`);
    if (p.folderUid !== undefined && !validUid(p.folderUid)) problems.push(`${where}: folderUid is not a valid uid`);
    const options = p.options;
    if (!isObj(options) || typeof (options.path ?? options.folder) !== 'string') return void problems.push(`${where}: options.path is required`);
    if (options.foldersFromFilesStructure === true && (p.folder || p.folderUid))
      problems.push(`${where}: foldersFromFilesStructure needs folder and folderUid empty`);
    out.push({ name: String(p.name), path: String(options.path ?? options.folder), folder: String(p.folder ?? '') });
  });
  return out;
}

// --- alerting: pkg/services/provisioning/alerting/{types,rules_types,contact_point_types,notification_policy_types,text_templates_types}.go ---

export const ALERTING_FILE_KEYS = [
  'apiVersion', 'groups', 'deleteRules', 'contactPoints', 'deleteContactPoints', 'policies', 'resetPolicies',
  'muteTimes', 'deleteMuteTimes', 'templates', 'deleteTemplates',
];
const GROUP_KEYS = ['orgId', 'name', 'folder', 'interval', 'rules'];
const RULE_KEYS = [
  'uid', 'title', 'condition', 'data', 'dashboardUid', 'dasboardUid', 'panelId', 'noDataState', 'execErrState', 'for',
  'keepFiringFor', 'annotations', 'labels', 'isPaused', 'notification_settings', 'record', 'missing_series_evals_to_resolve',
];
const QUERY_KEYS = ['refId', 'queryType', 'relativeTimeRange', 'datasourceUid', 'model'];
const NO_DATA = ['NoData', 'Alerting', 'OK', 'KeepLast'];
const EXEC_ERR = ['Alerting', 'Error', 'OK', 'KeepLast'];
// pkg/expr/commands.go, threshold.go
const EXPR_TYPES = ['math', 'reduce', 'resample', 'classic_conditions', 'threshold', 'sql'];
const REDUCERS = ['sum', 'mean', 'min', 'max', 'count', 'last', 'median'];
const THRESHOLD_TYPES: Record<string, number> = {
  gt: 1, lt: 1, eq: 1, ne: 1, gte: 1, lte: 1, within_range: 2, outside_range: 2, within_range_included: 2, outside_range_included: 2,
};
export const EXPR_UIDS = ['__expr__', '-100'];

export interface ProvisionedRule {
  uid: string;
  title: string;
  folder: string;
  group: string;
  intervalMs: number;
  labels: Record<string, string>;
  datasourceUids: string[];
  queries: Array<{ datasourceUid: string; model: Obj }>;
}

export function checkRuleGroups(file: string, groups: unknown, problems: Problems): ProvisionedRule[] {
  const out: ProvisionedRule[] = [];
  if (!Array.isArray(groups)) return (problems.push(`${file}: groups must be a list`), out);
  groups.forEach((group, gi) => {
    const gw = `${file} groups[${gi}]`;
    if (!keys(gw, group, GROUP_KEYS, problems)) return;
    required(gw, group, ['name', 'folder', 'interval'], problems);
    const interval = parseDuration(group.interval);
    // ngalert: the interval must be a positive multiple of the scheduler's base interval (10 s)
    if (interval === null || interval <= 0 || interval % 10_000 !== 0) problems.push(`${gw}: interval "${String(group.interval)}" is not a positive multiple of 10s`);
    if (!Array.isArray(group.rules) || group.rules.length === 0) return void problems.push(`${gw}: rules must be a non-empty list`);
    group.rules.forEach((rule, ri) => {
      const rw = `${gw} rules[${ri}]`;
      if (!keys(rw, rule, RULE_KEYS, problems)) return;
      required(rw, rule, ['uid', 'title', 'condition', 'data'], problems);
      if (!validUid(rule.uid)) problems.push(`${rw}: uid "${String(rule.uid)}" is not a valid Grafana uid`);
      if (rule.noDataState !== undefined && !NO_DATA.includes(String(rule.noDataState))) problems.push(`${rw}: noDataState ${String(rule.noDataState)}`);
      if (rule.execErrState !== undefined && !EXEC_ERR.includes(String(rule.execErrState))) problems.push(`${rw}: execErrState ${String(rule.execErrState)}`);
      if (rule.for !== undefined && parseDuration(rule.for) === null) problems.push(`${rw}: for "${String(rule.for)}" is not a duration`);
      stringMap(`${rw}.labels`, rule.labels, problems);
      stringMap(`${rw}.annotations`, rule.annotations, problems);
      // rules_types.go: annotations go through ValueWithBracedVars (${VAR} is env-expanded,
      // {{ $labels.x }} is kept); labels through Value() (every $ is expanded)
      if (isObj(rule.annotations))
        for (const [k, v] of Object.entries(rule.annotations)) if (typeof v === 'string' && v.includes('${')) problems.push(`${rw}.annotations.${k}: \${...} would be replaced from the environment`);
      if ((rule.dashboardUid ?? rule.dasboardUid) !== undefined && rule.panelId === undefined) problems.push(`${rw}: dashboardUid needs panelId`);
      const data = rule.data;
      if (!Array.isArray(data) || data.length === 0) return;
      const refIds = new Set<string>();
      const queries: ProvisionedRule['queries'] = [];
      data.forEach((q, qi) => {
        const qw = `${rw} data[${qi}]`;
        if (!keys(qw, q, QUERY_KEYS, problems)) return;
        required(qw, q, ['refId', 'datasourceUid', 'model'], problems);
        refIds.add(String(q.refId));
        const range = q.relativeTimeRange;
        if (!isObj(range) || !Number.isInteger(range.from) || !Number.isInteger(range.to)) problems.push(`${qw}: relativeTimeRange.from/to must be integer seconds`);
        if (!isObj(q.model)) return void problems.push(`${qw}: model must be a mapping`);
        if (q.model.refId !== undefined && q.model.refId !== q.refId) problems.push(`${qw}: model.refId differs from refId`);
        queries.push({ datasourceUid: String(q.datasourceUid), model: q.model });
        if (EXPR_UIDS.includes(String(q.datasourceUid))) checkExpression(qw, q.model, problems);
      });
      if (!refIds.has(String(rule.condition))) problems.push(`${rw}: condition "${String(rule.condition)}" names no refId of data`);
      for (const { model } of queries) {
        const ref = typeof model.expression === 'string' ? model.expression.replace(/^\$/, '') : null;
        if (model.type && model.type !== 'math' && model.type !== 'sql' && ref !== null && !refIds.has(ref)) problems.push(`${rw}: expression refers to unknown refId ${ref}`);
      }
      out.push({
        uid: String(rule.uid),
        title: String(rule.title),
        folder: String(group.folder),
        group: String(group.name),
        intervalMs: interval ?? 0,
        labels: (isObj(rule.labels) ? rule.labels : {}) as Record<string, string>,
        datasourceUids: queries.map((q) => q.datasourceUid),
        queries,
      });
    });
  });
  return out;
}

function checkExpression(where: string, model: Obj, problems: Problems): void {
  const type = String(model.type);
  if (!EXPR_TYPES.includes(type)) return void problems.push(`${where}: expression type "${type}" unknown`);
  if (type === 'reduce' && !REDUCERS.includes(String(model.reducer))) problems.push(`${where}: reducer "${String(model.reducer)}" unknown`);
  if (type === 'threshold') {
    const conditions = model.conditions;
    if (!Array.isArray(conditions) || conditions.length !== 1) return void problems.push(`${where}: threshold needs exactly one condition`);
    const evaluator = isObj(conditions[0]) ? conditions[0].evaluator : undefined;
    if (!isObj(evaluator)) return void problems.push(`${where}: threshold condition needs an evaluator`);
    const arity = THRESHOLD_TYPES[String(evaluator.type)];
    if (!arity) return void problems.push(`${where}: evaluator type "${String(evaluator.type)}" unknown`);
    if (!Array.isArray(evaluator.params) || evaluator.params.length < arity || !evaluator.params.every((p) => typeof p === 'number'))
      problems.push(`${where}: evaluator ${String(evaluator.type)} needs ${arity} numeric param(s)`);
  }
}

// grafana/alerting receivers/<type>/v1/config.go: the settings each integration refuses to start without
export const CONTACT_POINT_REQUIRED: Record<string, Array<string | string[]>> = {
  email: ['addresses'],
  slack: [['url', 'token']],
  telegram: ['bottoken', 'chatid'],
  discord: ['url'],
  teams: ['url'],
  webhook: ['url'],
  googlechat: ['url'],
  pagerduty: ['integrationKey'],
  opsgenie: ['apiKey'],
  'prometheus-alertmanager': ['url'],
};

export function checkContactPoints(file: string, list: unknown, env: Record<string, string>, problems: Problems): string[] {
  const names: string[] = [];
  if (!Array.isArray(list)) return (problems.push(`${file}: contactPoints must be a list`), names);
  list.forEach((cp, i) => {
    const where = `${file} contactPoints[${i}]`;
    if (!keys(where, cp, ['orgId', 'name', 'receivers'], problems)) return;
    required(where, cp, ['name'], problems);
    names.push(String(cp.name));
    if (!Array.isArray(cp.receivers) || cp.receivers.length === 0) return void problems.push(`${where}: receivers must be a non-empty list`);
    cp.receivers.forEach((r, ri) => {
      const rw = `${where} receivers[${ri}]`;
      if (!keys(rw, r, ['uid', 'type', 'settings', 'disableResolveMessage'], problems)) return;
      required(rw, r, ['uid', 'type'], problems);
      if (!validUid(r.uid)) problems.push(`${rw}: uid is not a valid uid`);
      const need = CONTACT_POINT_REQUIRED[String(r.type)];
      if (!need) return void problems.push(`${rw}: integration type "${String(r.type)}" unknown`);
      if (!isObj(r.settings)) return void problems.push(`${rw}: settings are required`);
      const settings = r.settings;
      const value = (name: string) => (typeof settings[name] === 'string' ? expandEnv(settings[name] as string, env) : settings[name]);
      for (const item of need) {
        const options = Array.isArray(item) ? item : [item];
        if (!options.some((name) => value(name) !== undefined && value(name) !== '')) problems.push(`${rw}: ${options.join(' or ')} is empty after env expansion`);
      }
      if (r.type === 'webhook' && (settings.username || settings.password) && settings.authorization_credentials)
        problems.push(`${rw}: webhook takes basic auth or an authorization header, not both`);
    });
  });
  return names;
}

const ROUTE_KEYS = [
  'receiver', 'group_by', 'match', 'match_re', 'matchers', 'object_matchers', 'mute_time_intervals', 'active_time_intervals',
  'continue', 'routes', 'group_wait', 'group_interval', 'repeat_interval',
];

export interface Route {
  receiver?: string;
  object_matchers?: Array<[string, string, string]>;
  continue?: boolean;
  routes?: Route[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
}

export function checkPolicies(file: string, list: unknown, receivers: string[], problems: Problems): Route[] {
  const roots: Route[] = [];
  if (!Array.isArray(list)) return (problems.push(`${file}: policies must be a list`), roots);
  list.forEach((policy, i) => {
    const where = `${file} policies[${i}]`;
    if (!isObj(policy)) return void problems.push(`${where}: expected a mapping`);
    if (!policy.receiver) problems.push(`${where}: the root policy needs a receiver`);
    if (policy.mute_time_intervals) problems.push(`${where}: mute_time_intervals are not allowed on the root policy`);
    const walk = (route: unknown, w: string, allowed = ROUTE_KEYS) => {
      if (!keys(w, route, allowed, problems)) return;
      if (route.receiver !== undefined && !receivers.includes(String(route.receiver))) problems.push(`${w}: receiver "${String(route.receiver)}" is not a provisioned contact point`);
      for (const d of ['group_wait', 'group_interval', 'repeat_interval'])
        if (route[d] !== undefined && parseDuration(route[d]) === null) problems.push(`${w}: ${d} is not a duration`);
      if (route.object_matchers !== undefined) {
        if (!Array.isArray(route.object_matchers)) problems.push(`${w}: object_matchers must be a list`);
        else
          route.object_matchers.forEach((m, mi) => {
            if (!Array.isArray(m) || m.length !== 3 || !['=', '!=', '=~', '!~'].includes(String(m[1]))) problems.push(`${w}.object_matchers[${mi}]: [label, op, value] with op = != =~ !~`);
            else if (String(m[1]).includes('~')) {
              try {
                new RegExp(String(m[2]));
              } catch {
                problems.push(`${w}.object_matchers[${mi}]: bad regex`);
              }
            }
          });
      }
      if (Array.isArray(route.routes)) route.routes.forEach((child, ci) => walk(child, `${w}.routes[${ci}]`));
    };
    walk(policy, where, ['orgId', ...ROUTE_KEYS]);
    roots.push(policy as Route);
  });
  return roots;
}

/** Alertmanager routing (definition.Route): the receivers an alert with these labels reaches, with the repeat interval in force. */
export function route(root: Route, labels: Record<string, string>): Array<{ receiver: string; repeat: string }> {
  const matches = (r: Route) =>
    (r.object_matchers ?? []).every(([name, op, value]) => {
      const v = labels[name] ?? '';
      const re = new RegExp(`^(?:${value})$`);
      return op === '=' ? v === value : op === '!=' ? v !== value : op === '=~' ? re.test(v) : !re.test(v);
    });
  const visit = (r: Route, inherited: { receiver: string; repeat: string }): Array<{ receiver: string; repeat: string }> => {
    const here = { receiver: r.receiver ?? inherited.receiver, repeat: r.repeat_interval ?? inherited.repeat };
    const out: Array<{ receiver: string; repeat: string }> = [];
    for (const child of r.routes ?? []) {
      if (!matches(child)) continue;
      out.push(...visit(child, here));
      if (!child.continue) return out;
    }
    return out.length > 0 ? out : [here];
  };
  return visit(root, { receiver: root.receiver ?? '', repeat: root.repeat_interval ?? '4h' });
}

// --- dashboards: the dashboard JSON model (kinds/dashboard, apps/dashboard/pkg/migration) ---

export const DASHBOARD_SCHEMA_VERSION = 41;

/** public/app/plugins/panel/* in grafana/grafana (core panel plugins) plus the row pseudo-panel. */
export const CORE_PANELS = [
  'alertlist', 'annolist', 'barchart', 'bargauge', 'candlestick', 'canvas', 'dashlist', 'datagrid', 'debug', 'flamegraph',
  'gauge', 'geomap', 'gettingstarted', 'heatmap', 'histogram', 'live', 'logs', 'news', 'nodeGraph', 'piechart', 'stat',
  'state-timeline', 'status-history', 'table', 'text', 'timeseries', 'traces', 'trend', 'welcome', 'xychart', 'row',
];

/** Datasource refs Grafana resolves without provisioning. */
export const BUILTIN_DATASOURCES = ['-- Grafana --', '-- Dashboard --', '-- Mixed --', 'grafana', '__expr__'];
