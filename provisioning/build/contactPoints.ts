// Contact points and the notification policy tree, written only for the integrations whose
// variables are set. Grafana validates each integration's required settings when it provisions
// them and refuses to start on an empty Slack URL or Telegram token, and a provisioning file
// cannot be conditional, so the choice is made here, before Grafana starts:
//
//   npx node --env-file=.env provisioning/build/contactPoints.ts            (writes provisioning/alerting/)
//   npx node provisioning/build/contactPoints.ts --out /etc/grafana/provisioning/alerting --no-policies
//
// The secrets stay in Grafana's environment: the files hold ${VAR}, which Grafana expands when it
// reads them. No npm dependency, so it runs from a bare checkout (or node:22 image) too.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export type Severity = 'critical' | 'warning' | 'info';
type Settings = Record<string, string | number | boolean>;

export interface Integration {
  /** contact point name and receiver uid */
  name: string;
  type: string;
  /** variables that must all be non-empty for this contact point to be written */
  requires: string[];
  /** variables used when set (the setting is left out otherwise) */
  optional?: Record<string, string>;
  settings: Settings;
  /** which alerts it gets: severities, optionally only some domains */
  severities: Severity[];
  domains?: string[];
  /** cooldown per severity on this route (Alertmanager repeat_interval) */
  repeat: Partial<Record<Severity, string>>;
  groupWait?: string;
}

const TITLE = '{{ template "nodescope.title" . }}';
const MESSAGE = '{{ template "nodescope.message" . }}';
export const COOLDOWN: Record<Severity, string> = { critical: '1h', warning: '4h', info: '12h' };

/** In routing order: the pager-like integrations first (they continue), e-mail last. */
export const INTEGRATIONS: Integration[] = [
  {
    name: 'nodescope-telegram',
    type: 'telegram',
    requires: ['ALERT_TELEGRAM_BOT_TOKEN', 'ALERT_TELEGRAM_CHAT_ID'],
    settings: { bottoken: '${ALERT_TELEGRAM_BOT_TOKEN}', chatid: '${ALERT_TELEGRAM_CHAT_ID}', parse_mode: 'None', message: MESSAGE },
    severities: ['critical'],
    repeat: { critical: COOLDOWN.critical },
    groupWait: '10s',
  },
  {
    // any HTTP endpoint: Grafana POSTs its JSON alert payload
    name: 'nodescope-webhook',
    type: 'webhook',
    requires: ['ALERT_WEBHOOK_URL'],
    optional: { ALERT_WEBHOOK_TOKEN: 'authorization_credentials' },
    settings: { url: '${ALERT_WEBHOOK_URL}', httpMethod: 'POST', maxAlerts: 50 },
    severities: ['critical'],
    repeat: { critical: COOLDOWN.critical },
    groupWait: '10s',
  },
  {
    name: 'nodescope-slack',
    type: 'slack',
    requires: ['ALERT_SLACK_WEBHOOK_URL'],
    settings: { url: '${ALERT_SLACK_WEBHOOK_URL}', title: TITLE, text: MESSAGE },
    severities: ['critical', 'warning'],
    repeat: { critical: COOLDOWN.warning, warning: COOLDOWN.warning },
  },
  {
    name: 'nodescope-teams',
    type: 'teams',
    requires: ['ALERT_TEAMS_WEBHOOK_URL'],
    settings: { url: '${ALERT_TEAMS_WEBHOOK_URL}', title: TITLE, message: MESSAGE },
    severities: ['critical', 'warning'],
    domains: ['bitcoin', 'electrum', 'stacks', 'geth', 'beacon', 'lightning', 'host', 'nodescope'],
    repeat: { critical: COOLDOWN.warning, warning: COOLDOWN.warning },
  },
  {
    name: 'nodescope-discord',
    type: 'discord',
    requires: ['ALERT_DISCORD_WEBHOOK_URL'],
    settings: { url: '${ALERT_DISCORD_WEBHOOK_URL}', title: TITLE, message: MESSAGE },
    severities: ['critical', 'warning'],
    domains: ['mining', 'profitability', 'freqtrade'],
    repeat: { critical: COOLDOWN.warning, warning: COOLDOWN.warning },
  },
  {
    // needs [smtp] in grafana.ini
    name: 'nodescope-email',
    type: 'email',
    requires: ['ALERT_EMAIL_TO'],
    settings: { addresses: '${ALERT_EMAIL_TO}', singleEmail: false, subject: TITLE, message: MESSAGE },
    severities: ['critical', 'warning', 'info'],
    repeat: COOLDOWN,
  },
];

/** Every variable the integrations read (documented in provisioning/README.md). */
export const ALERT_VARIABLES = [...new Set(INTEGRATIONS.flatMap((i) => [...i.requires, ...Object.keys(i.optional ?? {})]))];

export const configured = (env: Record<string, string | undefined>): Integration[] =>
  INTEGRATIONS.filter((i) => i.requires.every((name) => (env[name] ?? '').trim() !== ''));

type Json = Record<string, unknown>;

function contactPoint(integration: Integration, env: Record<string, string | undefined>): Json {
  const settings: Settings = { ...integration.settings };
  for (const [variable, key] of Object.entries(integration.optional ?? {})) {
    if ((env[variable] ?? '').trim() === '') continue;
    settings[key] = `\${${variable}}`;
    if (integration.type === 'webhook') settings.authorization_scheme = 'Bearer';
  }
  // disableResolveMessage false: a "resolved" notification goes out when an alert clears
  return { orgId: 1, name: integration.name, receivers: [{ uid: integration.name, type: integration.type, disableResolveMessage: false, settings }] };
}

/** One route per severity group of an integration (a route has one repeat_interval). */
function routes(integration: Integration): Json[] {
  const out: Json[] = [];
  const byRepeat = new Map<string, Severity[]>();
  for (const severity of integration.severities) {
    const repeat = integration.repeat[severity] ?? COOLDOWN[severity];
    byRepeat.set(repeat, [...(byRepeat.get(repeat) ?? []), severity]);
  }
  const last = integration.type === 'email';
  for (const [repeat, severities] of byRepeat) {
    const matchers: string[][] = [['severity', severities.length === 1 ? '=' : '=~', severities.join('|')]];
    if (integration.domains) matchers.push(['domain', '=~', integration.domains.join('|')]);
    out.push({
      receiver: integration.name,
      object_matchers: matchers,
      ...(integration.groupWait ? { group_wait: integration.groupWait } : {}),
      repeat_interval: repeat,
      // every integration but e-mail lets the alert go on to the next one
      ...(last ? {} : { continue: true }),
    });
  }
  return out;
}

/** The policy tree of org 1 over the configured integrations (provisioning replaces the whole tree). */
export function policyTree(list: Integration[]): Json | undefined {
  if (list.length === 0) return undefined;
  // alerts no route matched go to the root: e-mail when it is configured, else the first one
  const root = list.find((i) => i.type === 'email') ?? list[0]!;
  return {
    orgId: 1,
    receiver: root.name,
    group_by: ['source', 'severity'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: COOLDOWN.warning,
    routes: list.flatMap(routes),
  };
}

// --- a small YAML writer: block maps and lists, scalars as JSON (valid YAML flow scalars) ------

function scalar(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function isScalarList(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((w) => typeof w !== 'object')));
}

function toYaml(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        const body = toYaml(item, `${indent}  `);
        return `${indent}- ${body.slice(indent.length + 2)}`;
      })
      .join('');
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Json)
      .map(([key, v]) => {
        if (v !== null && typeof v === 'object' && !isScalarList(v)) return `${indent}${key}:\n${toYaml(v, `${indent}  `)}`;
        return `${indent}${key}: ${isScalarList(v) ? JSON.stringify(v).replace(/,/g, ', ') : scalar(v)}\n`;
      })
      .join('');
  }
  return `${indent}${scalar(value)}\n`;
}

const HEADER = '# Written by provisioning/build/contactPoints.ts for the ALERT_* variables that were set; do not edit,\n# run it again. Grafana expands the ${VAR} references from its own environment when it reads this.\n';

/** The alerting files for this environment: none when no integration is configured. */
export function alertingFiles(env: Record<string, string | undefined>, options: { policies?: boolean } = {}): Record<string, string> {
  const list = configured(env);
  if (list.length === 0) return {};
  const files: Record<string, string> = {
    'contact-points.yaml': HEADER + toYaml({ apiVersion: 1, contactPoints: list.map((i) => contactPoint(i, env)) }, ''),
  };
  const tree = policyTree(list);
  if (options.policies !== false && tree) files['notification-policies.yaml'] = HEADER + toYaml({ apiVersion: 1, policies: [tree] }, '');
  return files;
}

export const GENERATED_ALERTING_FILES = ['contact-points.yaml', 'notification-policies.yaml'];

function main(): void {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, 'no-policies': { type: 'boolean', default: false } },
  });
  const out = resolve(values.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'alerting'));
  const files = alertingFiles(process.env, { policies: !values['no-policies'] });
  mkdirSync(out, { recursive: true });
  for (const name of GENERATED_ALERTING_FILES) if (!(name in files) && existsSync(join(out, name))) rmSync(join(out, name));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
  const names = configured(process.env).map((i) => i.name);
  if (names.length === 0) {
    console.log(`no ALERT_* variable set: no contact point written to ${out}; the rules still fire and show in Grafana (Alerting -> Alert rules) and go to the notification policy the org already has`);
  } else {
    console.log(`wrote ${Object.keys(files).join(' and ')} to ${out}: ${names.join(', ')}`);
    const missing = INTEGRATIONS.filter((i) => !names.includes(i.name)).map((i) => `${i.name} (${i.requires.join(', ')})`);
    if (missing.length > 0) console.log(`left out (variables not set): ${missing.join('; ')}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
