// Bundle and source rules (coderules' semgrep rules, trackingscripts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, Severity } from './types.ts';
// --- bundle and source code rules (coderules' semgrep rules, trackingscripts) ------------------

export const TRACKING_SERVERS = [
  'https://www.google-analytics.com',
  'https://api-js.mixpanel.com',
  'https://mixpanel.com',
];

interface CodeRule {
  rule: string;
  severity: Severity;
  pattern: RegExp;
  message: string;
}

/** Patterns that survive bundling, checked in every module.js. */
export const BUNDLE_RULES: CodeRule[] = [
  {
    rule: 'api-ds-query-endpoint',
    severity: 'error',
    pattern: /\/api\/ds\/query/,
    message: 'calls /api/ds/query directly; use DataSourceWithBackend / getBackendSrv through the datasource',
  },
  {
    rule: 'detect-invalid-window-properties',
    severity: 'error',
    pattern: /window\.(grafanaBootData|grafanaRuntime|__grafanaSceneContext)\b/,
    message: 'reads a restricted window property',
  },
  {
    rule: 'detect-topnav-toggle',
    severity: 'error',
    pattern: /featureToggles\.topnav\b/,
    message: 'uses the removed topnav feature toggle',
  },
  {
    rule: 'detect-old-react-internals',
    severity: 'warning',
    pattern: /__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED/,
    message: "uses React's internals",
  },
];

/** nodescope: a `process.env` left in a browser bundle is either dead Node code or a crash in Grafana. */
export const PROCESS_ENV = /\bprocess\.env\b/;

/** Source rules (coderules runs semgrep over src/**, tests excluded). */
export const SOURCE_RULES: CodeRule[] = [
  ...BUNDLE_RULES.filter((rule) => rule.rule !== 'detect-old-react-internals'),
  {
    rule: 'detect-console-logs',
    severity: 'warning',
    pattern:
      /\bconsole\.(log|info|table|debug|clear|count|countReset|dir|dirxml|group|groupEnd|time|timeEnd|timeLog|trace)\s*\(/,
    message: 'logs to the console',
  },
  {
    rule: 'no-direct-css-imports',
    severity: 'error',
    pattern:
      /import\s+['"][^'"]+\.(css|scss|less)['"]|import\s*\{[^}]*\bGlobal\b[^}]*\}\s*from\s*['"]@emotion\/react['"]/,
    message: 'imports CSS directly or emotion Global',
  },
  {
    rule: 'native-browser-dialogs',
    severity: 'error',
    pattern: /(?<![\w.$])(window\.)?(alert|confirm|prompt)\s*\(/,
    message: 'uses alert/confirm/prompt',
  },
  {
    rule: 'window-open-without-noopener',
    severity: 'error',
    pattern: /window\.open\s*\((?![^)]*noopener)[^)]*\)/,
    message: 'window.open without noopener',
  },
  {
    rule: 'direct-window-location',
    severity: 'warning',
    pattern: /window\.location\b/,
    message: 'reads window.location; use locationService',
  },
  { rule: 'ts-ignore', severity: 'warning', pattern: /@ts-ignore/, message: 'uses @ts-ignore' },
  {
    rule: 'deprecated-gf-form',
    severity: 'warning',
    pattern: /['"\s]gf-form[\w-]*['"\s]/,
    message: 'uses the deprecated gf-form CSS classes',
  },
];

export function checkSourceFile(file: string, code: string): Finding[] {
  const findings: Finding[] = [];
  for (const { rule, severity, pattern, message } of SOURCE_RULES) {
    if (pattern.test(code)) findings.push({ analyzer: 'coderules', rule, severity, message: `${file}: ${message}` });
  }
  if (/extends\s+DataSourceWithBackend\b/.test(code) && /\btestDatasource\s*\(/.test(code)) {
    findings.push({
      analyzer: 'coderules',
      rule: 'backend-datasource-testdatasource',
      severity: 'error',
      message: `${file}: a DataSourceWithBackend subclass defines testDatasource()`,
    });
  }
  if (PROCESS_ENV.test(code))
    findings.push({
      analyzer: 'nodescope',
      rule: 'process-env',
      severity: 'error',
      message: `${file}: reads process.env in plugin code`,
    });
  return findings;
}

/** coderules over a plugin's src/ (tests, test helpers and plugin-e2e specs left out, as semgrep's paths do). */
export function validateSourceDir(sourceDir: string): Finding[] {
  const findings: Finding[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (
        /\.(ts|tsx)$/.test(entry.name) &&
        !/\.(test|spec)\.tsx?$/.test(entry.name) &&
        entry.name !== 'testing.ts'
      ) {
        findings.push(...checkSourceFile(path.relative(sourceDir, full), readFileSync(full, 'utf8')));
      }
    }
  };
  if (existsSync(sourceDir)) walk(sourceDir);
  return findings;
}
