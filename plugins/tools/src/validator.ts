// The rules of grafana/plugin-validator (pkg/analysis/passes/*, see
// shared/grafana-reference/plugin-validator-rules.md) applied to a plugin zip in Node, since the
// validator's Go binary cannot be fetched here. Each finding carries the validator's analyzer and
// rule name and severity, so a failure reads like the validator's own report. Rules that need
// grafana.com or other web services (org, version, published, brokenlinks' HTTP check, safelinks,
// legacyplatform, signature verification) are not applied; see README "Catalog distribution".
// Rules marked `nodescope` are our own release checks (zip name, unreplaced build variables,
// process.env left in a bundle).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { sdkUsageFindings } from './sdkusage.ts';

export type Severity = 'error' | 'warning' | 'recommendation';

export interface Finding {
  analyzer: string;
  rule: string;
  severity: Severity;
  message: string;
}

/** Archive entries by path (`<root>/plugin.json`), directories left out. */
export type ArchiveFiles = Map<string, Uint8Array>;

export interface ValidateOptions {
  /** the zip's file name, checked against `<id>-<version>.zip` */
  zipName?: string;
  /** package.json `version` of the source (the validator's packagejson analyzer) */
  packageVersion?: string;
  /** unix mode of each archive entry (readZipModes): turns on the binarypermissions check */
  modes?: Map<string, number>;
  /** the src/ folder a plugin id was built from: turns on jssourcemap's js-map-no-match check */
  sourceDirOf?: (id: string) => string | undefined;
}

/**
 * jssourcemap's js-map-no-match: every source the map embeds from the plugin's own code must equal
 * the file in the submitted source (webpack's context is src/, so `webpack://<id>/./x.ts` is
 * `src/x.ts` and `./../../shared/src/y.ts` leaves it). Webpack runtime and externals are skipped.
 */
export function sourceMapMismatches(mapText: string, sourceDir: string): string[] {
  const map = JSON.parse(mapText) as { sources?: string[]; sourcesContent?: Array<string | null> };
  const problems: string[] = [];
  (map.sources ?? []).forEach((source, index) => {
    const relative = /^webpack:\/\/[^/]*\/(\..*)$/.exec(source)?.[1];
    if (!relative || relative.includes('/node_modules/')) return;
    const file = path.resolve(sourceDir, relative);
    const embedded = map.sourcesContent?.[index];
    if (!existsSync(file)) problems.push(`${relative} is in the source map but not in the source`);
    else if (typeof embedded !== 'string') problems.push(`${relative} has no sourcesContent`);
    else if (embedded !== readFileSync(file, 'utf8')) problems.push(`${relative} differs from the source`);
  });
  return problems;
}

export function readZip(bytes: Uint8Array): ArchiveFiles {
  const files: ArchiveFiles = new Map();
  for (const [name, data] of Object.entries(unzipSync(bytes))) {
    if (!name.endsWith('/')) files.set(name, data);
  }
  return files;
}

/** The unix mode of each entry, from the zip's central directory (fflate's reader does not expose it). */
export function readZipModes(bytes: Uint8Array): Map<string, number> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const modes = new Map<string, number>();
  const end = view.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) return modes;
  let offset = view.readUInt32LE(end + 16);
  for (let count = view.readUInt16LE(end + 10); count > 0; count--) {
    const nameLength = view.readUInt16LE(offset + 28);
    const madeBy = view.readUInt8(offset + 5);
    const name = view.toString('utf8', offset + 46, offset + 46 + nameLength);
    // only unix-made entries (host 3) carry st_mode in the high 16 bits of the external attributes
    if (madeBy === 3) modes.set(name, (view.readUInt32LE(offset + 38) >>> 16) & 0o777);
    offset += 46 + nameLength + view.readUInt16LE(offset + 30) + view.readUInt16LE(offset + 32);
  }
  return modes;
}

const text = (data: Uint8Array | undefined): string => (data ? Buffer.from(data).toString('utf8') : '');

// --- metadata (config/plugin.schema.json, additionalProperties: false at the root) -------------

const ID_PATTERN = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/;
const PLUGIN_TYPES = ['app', 'datasource', 'panel', 'renderer'];
const VERSION_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const UPDATED_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const ROOT_KEYS = new Set([
  '$schema',
  'id',
  'type',
  'name',
  'info',
  'dependencies',
  'includes',
  'routes',
  'alerting',
  'annotations',
  'autoEnabled',
  'backend',
  'builtIn',
  'category',
  'enterpriseFeatures',
  'executable',
  'hideFromList',
  'logs',
  'metrics',
  'mixed',
  'multiValueFilterOperators',
  'pascalName',
  'preload',
  'queryOptions',
  'skipDataQuery',
  'state',
  'streaming',
  'suggestions',
  'tracing',
  'docsPath',
  'languages',
  'iam',
  'roles',
  'extensions',
  'buildMode',
  'apiVersion',
]);
const INFO_KEYS = new Set([
  'author',
  'build',
  'description',
  'keywords',
  'links',
  'logos',
  'screenshots',
  'updated',
  'version',
]);
const INCLUDE_TYPES = ['dashboard', 'page', 'panel', 'datasource'];
const INCLUDE_KEYS = new Set([
  'uid',
  'type',
  'name',
  'component',
  'role',
  'action',
  'path',
  'addToNav',
  'defaultNav',
  'icon',
]);
const ROUTE_KEYS = new Set([
  'path',
  'method',
  'url',
  'reqSignedIn',
  'reqRole',
  'reqAction',
  'headers',
  'body',
  'tokenAuth',
  'jwtTokenAuth',
  'urlParams',
]);
const LINK_TARGETS = ['_blank', '_self', '_parent', '_top'];

interface Metadata {
  id?: unknown;
  type?: unknown;
  name?: unknown;
  backend?: unknown;
  alerting?: unknown;
  executable?: unknown;
  info?: {
    description?: unknown;
    author?: Record<string, unknown>;
    keywords?: unknown;
    logos?: { small?: unknown; large?: unknown };
    links?: unknown;
    screenshots?: unknown;
    version?: unknown;
    updated?: unknown;
  };
  dependencies?: { grafanaDependency?: unknown; plugins?: unknown };
  includes?: unknown;
  [key: string]: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isAbsoluteUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The schema's checks (metadatavalid: invalid-metadata), one message per violation. */
export function schemaViolations(metadata: Metadata): string[] {
  const problems: string[] = [];
  for (const key of ['type', 'name', 'id', 'info', 'dependencies'])
    if (!(key in metadata)) problems.push(`missing required property ${key}`);
  for (const key of Object.keys(metadata))
    if (!ROOT_KEYS.has(key)) problems.push(`additional property ${key} is not allowed`);
  if ('id' in metadata && (typeof metadata.id !== 'string' || !ID_PATTERN.test(metadata.id)))
    problems.push(`id ${JSON.stringify(metadata.id)} does not match ${ID_PATTERN}`);
  if ('type' in metadata && !PLUGIN_TYPES.includes(metadata.type as string))
    problems.push(`type ${JSON.stringify(metadata.type)} is not one of ${PLUGIN_TYPES.join(', ')}`);
  if ('name' in metadata && typeof metadata.name !== 'string') problems.push('name must be a string');
  for (const flag of [
    'backend',
    'alerting',
    'metrics',
    'annotations',
    'logs',
    'streaming',
    'tracing',
    'autoEnabled',
    'preload',
    'skipDataQuery',
  ]) {
    if (flag in metadata && typeof metadata[flag] !== 'boolean') problems.push(`${flag} must be a boolean`);
  }
  const info = metadata.info;
  if ('info' in metadata) {
    if (!isObject(info)) problems.push('info must be an object');
    else {
      for (const key of ['logos', 'version', 'updated', 'keywords'])
        if (!(key in info)) problems.push(`info: missing required property ${key}`);
      for (const key of Object.keys(info))
        if (!INFO_KEYS.has(key)) problems.push(`info: additional property ${key} is not allowed`);
      if (
        'keywords' in info &&
        (!Array.isArray(info.keywords) || info.keywords.length < 1 || info.keywords.some((k) => typeof k !== 'string'))
      ) {
        problems.push('info.keywords must be a non-empty array of strings');
      }
      if (
        'version' in info &&
        (typeof info.version !== 'string' || !(VERSION_PATTERN.test(info.version) || info.version === '%VERSION%'))
      ) {
        problems.push(`info.version ${JSON.stringify(info.version)} is not x.y.z`);
      }
      if (
        'updated' in info &&
        (typeof info.updated !== 'string' || !(UPDATED_PATTERN.test(info.updated) || info.updated === '%TODAY%'))
      ) {
        problems.push(`info.updated ${JSON.stringify(info.updated)} is not YYYY-MM-DD`);
      }
      if ('logos' in info && (!isObject(info.logos) || !('small' in info.logos) || !('large' in info.logos)))
        problems.push('info.logos needs small and large');
      if ('author' in info) {
        const author = info.author;
        if (!isObject(author)) problems.push('info.author must be an object');
        else {
          for (const key of Object.keys(author))
            if (!['name', 'email', 'url'].includes(key))
              problems.push(`info.author: additional property ${key} is not allowed`);
          if ('url' in author && !isAbsoluteUrl(author.url))
            problems.push(`info.author.url ${JSON.stringify(author.url)} is not a URI`);
          if (
            'email' in author &&
            (typeof author.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(author.email))
          )
            problems.push('info.author.email is not an email');
        }
      }
      if ('links' in info) {
        if (!Array.isArray(info.links)) problems.push('info.links must be an array');
        else
          info.links.forEach((link: unknown, index) => {
            if (!isObject(link)) return problems.push(`info.links[${index}] must be an object`);
            for (const key of Object.keys(link))
              if (!['name', 'url', 'target'].includes(key))
                problems.push(`info.links[${index}]: additional property ${key} is not allowed`);
            if (typeof link.name !== 'string' || !link.name) problems.push(`info.links[${index}].name is missing`);
            if (!isAbsoluteUrl(link.url))
              problems.push(`info.links[${index}].url ${JSON.stringify(link.url)} is not a URI`);
            if ('target' in link && !LINK_TARGETS.includes(link.target as string))
              problems.push(`info.links[${index}].target is not one of ${LINK_TARGETS.join(', ')}`);
          });
      }
      if ('screenshots' in info) {
        if (!Array.isArray(info.screenshots)) problems.push('info.screenshots must be an array');
        else
          info.screenshots.forEach((shot: unknown, index) => {
            if (!isObject(shot)) return problems.push(`info.screenshots[${index}] must be an object`);
            for (const key of Object.keys(shot))
              if (!['name', 'path'].includes(key))
                problems.push(`info.screenshots[${index}]: additional property ${key} is not allowed`);
          });
      }
    }
  }
  if ('dependencies' in metadata) {
    const dependencies = metadata.dependencies;
    if (!isObject(dependencies)) problems.push('dependencies must be an object');
    else {
      if (!('grafanaDependency' in dependencies))
        problems.push('dependencies: missing required property grafanaDependency');
      if ('plugins' in dependencies) {
        if (!Array.isArray(dependencies.plugins)) problems.push('dependencies.plugins must be an array');
        else
          dependencies.plugins.forEach((dependency: unknown, index) => {
            if (!isObject(dependency)) return problems.push(`dependencies.plugins[${index}] must be an object`);
            for (const key of ['id', 'name', 'type'])
              if (!(key in dependency))
                problems.push(`dependencies.plugins[${index}]: missing required property ${key}`);
          });
      }
    }
  }
  if ('includes' in metadata) {
    if (!Array.isArray(metadata.includes)) problems.push('includes must be an array');
    else
      metadata.includes.forEach((include: unknown, index) => {
        if (!isObject(include)) return problems.push(`includes[${index}] must be an object`);
        if (!INCLUDE_TYPES.includes(include.type as string))
          problems.push(
            `includes[${index}].type ${JSON.stringify(include.type)} is not one of ${INCLUDE_TYPES.join(', ')}`
          );
        for (const key of Object.keys(include))
          if (!INCLUDE_KEYS.has(key)) problems.push(`includes[${index}]: additional property ${key} is not allowed`);
        if ('role' in include && !['Admin', 'Editor', 'Viewer'].includes(include.role as string))
          problems.push(`includes[${index}].role is not Admin, Editor or Viewer`);
      });
  }
  if ('routes' in metadata) {
    if (!Array.isArray(metadata.routes)) problems.push('routes must be an array');
    else
      (metadata.routes as unknown[]).forEach((route, index) => {
        if (!isObject(route) || typeof route.path !== 'string' || route.path === '')
          problems.push(`routes[${index}].path is required`);
        if (isObject(route))
          for (const key of Object.keys(route))
            if (!ROUTE_KEYS.has(key)) problems.push(`routes[${index}]: additional property ${key} is not allowed`);
      });
  }
  return problems;
}

// --- grafanaDependency: a semver constraint as Masterminds/semver parses it --------------------

const COMPARATOR =
  /^(=|!=|>=|<=|>|<|~>|~|\^)?\s*v?(\d+|[xX*])(\.(\d+|[xX*]))?(\.(\d+|[xX*]))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export function isValidGrafanaDependency(range: unknown): boolean {
  if (typeof range !== 'string' || range.trim() === '') return false;
  return range.split('||').every((group) => {
    // a hyphen range `1.2 - 1.4` or comparators separated by spaces or commas
    const parts = group.trim().split(/\s+-\s+/);
    if (parts.length === 2)
      return parts.every((part) => COMPARATOR.test(part.trim()) && !/^[=<>!~^]/.test(part.trim()));
    const comparators = group
      .trim()
      .replace(/([=<>!~^]+)\s+/g, '$1')
      .split(/[\s,]+/)
      .filter(Boolean);
    return comparators.length > 0 && comparators.every((comparator) => COMPARATOR.test(comparator));
  });
}

// --- file types -------------------------------------------------------------------------------

export function imageType(data: Uint8Array): 'png' | 'jpeg' | 'gif' | 'svg' | undefined {
  if (data.length >= 8 && data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (text(data.subarray(0, 6)).startsWith('GIF8')) return 'gif';
  if (/<svg[\s>]/i.test(text(data.subarray(0, 4096)))) return 'svg';
  return undefined;
}

const EXTENSION_TYPES: Record<string, string> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.gif': 'gif',
  '.svg': 'svg',
};

// pkg/svgvalidate: these elements anywhere, or any attribute starting with `on`, make an SVG unsafe
const SVG_FORBIDDEN_ELEMENTS = new Set([
  'annotation-xml',
  'audio',
  'colgroup',
  'iframe',
  'math',
  'mi',
  'mn',
  'mo',
  'ms',
  'mtext',
  'noembed',
  'noframes',
  'noscript',
  'plaintext',
  'script',
  'template',
  'thead',
  'xmp',
]);

export function unsafeSvgReason(svg: string): string | undefined {
  const withoutComments = svg.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  for (const tag of withoutComments.matchAll(/<\/?\s*([A-Za-z][\w.:-]*)([^>]*)>/g)) {
    const local = (tag[1] ?? '').split(':').pop()!.toLowerCase();
    if (SVG_FORBIDDEN_ELEMENTS.has(local)) return `Invalid element ${tag[1]}`;
    for (const attribute of (tag[2] ?? '').matchAll(/([^\s=/"']+)\s*=/g)) {
      const name = (attribute[1] ?? '').toLowerCase();
      if ((name.split(':').pop() ?? '').startsWith('on')) return `Invalid attribute ${attribute[1]}`;
    }
  }
  return undefined;
}

/** Detects the licence the way go-license-detector would for the texts the catalog accepts. */
export function detectLicense(licence: string): string | undefined {
  const normalised = licence.replace(/\s+/g, ' ');
  if (
    /Apache License,? Version 2\.0/i.test(normalised) &&
    /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/i.test(normalised)
  )
    return 'Apache-2.0';
  if (/GNU AFFERO GENERAL PUBLIC LICENSE Version 3/i.test(normalised)) return 'AGPL-3.0';
  if (/GNU LESSER GENERAL PUBLIC LICENSE Version 3/i.test(normalised)) return 'LGPL-3.0';
  if (/GNU GENERAL PUBLIC LICENSE Version 3/i.test(normalised)) return 'GPL-3.0';
  if (/Permission is hereby granted, free of charge, to any person obtaining a copy/i.test(normalised)) return 'MIT';
  if (
    /Redistribution and use in source and binary forms, with or without modification, are permitted/i.test(normalised)
  )
    return 'BSD';
  return undefined;
}

// --- bundle and source code rules (coderules' semgrep rules, trackingscripts) ------------------

const TRACKING_SERVERS = ['https://www.google-analytics.com', 'https://api-js.mixpanel.com', 'https://mixpanel.com'];

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
const PROCESS_ENV = /\bprocess\.env\b/;

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

// --- MANIFEST.txt (manifest analyzer; the PGP signature itself needs grafana.com's keys) -------

function manifestFindings(files: ArchiveFiles, metadata: Metadata): Finding[] {
  const raw = files.get('MANIFEST.txt');
  const finding = (rule: string, severity: Severity, message: string): Finding => ({
    analyzer: 'manifest',
    rule,
    severity,
    message,
  });
  if (!raw)
    return [
      finding(
        'unsigned-plugin',
        'warning',
        'unsigned plugin: no MANIFEST.txt (run npm run sign before npm run package)'
      ),
    ];
  const body = /-----BEGIN PGP SIGNED MESSAGE-----[\s\S]*?\n\n([\s\S]*?)\n-----BEGIN PGP SIGNATURE-----/.exec(
    text(raw)
  )?.[1];
  let manifest: { plugin?: string; version?: string; files?: Record<string, string> } | undefined;
  try {
    manifest = body ? JSON.parse(body) : undefined;
  } catch {
    manifest = undefined;
  }
  if (!manifest) return [finding('wrong-manifest', 'error', 'MANIFEST.txt is not a signed JSON manifest')];
  const findings: Finding[] = [];
  if (manifest.plugin !== metadata.id || manifest.version !== metadata.info?.version) {
    findings.push(
      finding(
        'wrong-manifest',
        'error',
        `MANIFEST.txt is for ${manifest.plugin} ${manifest.version}, not ${String(metadata.id)} ${String(metadata.info?.version)}`
      )
    );
  }
  const listed = manifest.files ?? {};
  if (Object.keys(listed).length === 0)
    findings.push(finding('empty-manifest', 'error', 'MANIFEST.txt lists no files'));
  for (const [file, data] of files) {
    if (file === 'MANIFEST.txt') continue;
    const sha = listed[file];
    if (sha === undefined) findings.push(finding('undeclared-files', 'error', `${file} is not in MANIFEST.txt`));
    else if (createHash('sha256').update(data).digest('hex') !== sha)
      findings.push(finding('invalid-sha-sum', 'error', `${file}: sha256 differs from MANIFEST.txt`));
  }
  return findings;
}

// --- the whole archive ------------------------------------------------------------------------

const BUILD_VARIABLES = /%(VERSION|TODAY|PLUGIN_ID)%/;

export function validateArchive(archive: ArchiveFiles, options: ValidateOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const report = (analyzer: string, rule: string, severity: Severity, message: string) =>
    findings.push({ analyzer, rule, severity, message });

  // archive: exactly one top-level directory
  const topLevel = new Set([...archive.keys()].map((name) => name.split('/')[0]!));
  if (archive.size === 0) return (report('archive', 'empty-archive', 'error', 'Archive is empty'), findings);
  if (topLevel.size !== 1)
    return (
      report(
        'archive',
        'more-than-one-dir',
        'error',
        `Archive should contain only one directory named after plugin id. Found ${topLevel.size}: ${[...topLevel].join(', ')}`
      ),
      findings
    );
  const rootName = [...topLevel][0]!;
  if (archive.has(rootName))
    return (
      report('archive', 'no-root-dir', 'error', 'Archive should contain a single root directory. Found a file instead'),
      findings
    );
  let prefix = `${rootName}/`;
  if ([...archive.keys()].some((name) => name.startsWith(`${rootName}/dist/`))) {
    report('archive', 'dist', 'error', 'dist should be renamed to plugin id and moved to root');
    prefix = `${rootName}/dist/`;
  }
  const files: ArchiveFiles = new Map(
    [...archive].filter(([name]) => name.startsWith(prefix)).map(([name, data]) => [name.slice(prefix.length), data])
  );

  // metadata + nestedmetadata
  if (!files.has('plugin.json'))
    return (report('metadata', 'missing-metadata', 'error', 'missing plugin.json'), findings);
  const metadataMap = new Map<string, Metadata>();
  for (const [name, data] of files) {
    if (name !== 'plugin.json' && !name.endsWith('/plugin.json')) continue;
    try {
      const parsed = JSON.parse(text(data)) as unknown;
      if (!isObject(parsed)) throw new Error('not an object');
      metadataMap.set(name, parsed as Metadata);
    } catch (error) {
      report('nestedmetadata', 'invalid-metadata', 'error', `${name}: ${(error as Error).message}`);
    }
  }
  const root = metadataMap.get('plugin.json');
  if (!root) return findings;

  for (const [name, metadata] of metadataMap) {
    const base = name === 'plugin.json' ? '' : name.slice(0, -'plugin.json'.length);
    const where = name;
    for (const problem of schemaViolations(metadata))
      report('metadatavalid', 'invalid-metadata', 'error', `${where}: ${problem}`);
    if (typeof metadata.id === 'string' && typeof metadata.type === 'string') {
      if (metadata.id.split('-').pop() !== metadata.type)
        report(
          'typesuffix',
          'plugin-type-suffix',
          'error',
          `${where}: id ${metadata.id} should end with -${metadata.type}`
        );
      if (metadata.id.split('-').length < 3)
        report('pluginname', 'invalid-id-format', 'warning', `${where}: id ${metadata.id} should be org-name-type`);
    }
    if (metadata.name === metadata.id)
      report('pluginname', 'human-friendly-name', 'error', `${where}: name equals id ${String(metadata.id)}`);

    // logos + metadatapaths + screenshots
    const logos = metadata.info?.logos;
    if (!logos || !logos.small || !logos.large)
      report('logos', 'logos', 'error', `${where}: info.logos.small and info.logos.large must be set`);
    const screenshots = Array.isArray(metadata.info?.screenshots)
      ? (metadata.info.screenshots as Array<{ name?: unknown; path?: unknown }>)
      : [];
    if (name === 'plugin.json' && (screenshots.length === 0 || screenshots.some((shot) => !shot.path))) {
      report(
        'screenshots',
        'screenshots',
        'warning',
        `${where}: declare at least one screenshot (info.screenshots) with a path`
      );
    }
    const paths = [logos?.small, logos?.large, ...screenshots.map((shot) => shot.path)].filter(
      (value): value is string => typeof value === 'string' && value !== ''
    );
    for (const relative of paths) {
      if (isAbsoluteUrl(relative) || /^[a-z]+:/i.test(relative))
        report(
          'metadatapaths',
          'path-relative-to-metadata',
          'error',
          `${where}: path should be relative to plugin.json: ${relative}`
        );
      else if (relative.startsWith('.') || relative.startsWith('/'))
        report(
          'metadatapaths',
          'invalid-relative-path',
          'error',
          `${where}: relative path should not start with '.' or '/': ${relative}`
        );
      else if (!files.has(base + relative))
        report('metadatapaths', 'path-not-exists', 'error', `${where}: ${relative} does not exist in the archive`);
    }
    for (const shot of screenshots) {
      if (typeof shot.path !== 'string' || !files.has(base + shot.path)) continue;
      const detected = imageType(files.get(base + shot.path)!);
      const expected = EXTENSION_TYPES[path.extname(shot.path).toLowerCase()];
      if (!detected || detected !== expected)
        report(
          'screenshots',
          'screenshots-image-type',
          'error',
          `${where}: ${shot.path} is ${detected ?? 'not an image'}, its extension says ${expected ?? 'unknown'}`
        );
    }

    // grafanadependency + restrictivedep
    const dependency = metadata.dependencies?.grafanaDependency;
    if (!isValidGrafanaDependency(dependency))
      report(
        'grafanadependency',
        'invalid-grafana-dependency',
        'error',
        `${where}: grafanaDependency ${JSON.stringify(dependency)} is not a semver range`
      );
    else if (/^\s*=?\s*\d+\.\d+\.x\s*$/i.test(dependency as string))
      report(
        'restrictivedep',
        'depends-on-patch-releases',
        'warning',
        `${where}: ${String(dependency)} only allows patch releases`
      );
    else if (/^\s*=?\s*\d+\.\d+\.\d+\s*$/.test(dependency as string))
      report(
        'restrictivedep',
        'depends-on-single-release',
        'warning',
        `${where}: ${String(dependency)} allows one release only`
      );

    // version (its semver part; "higher than published" needs grafana.com)
    if (typeof metadata.info?.version === 'string' && !VERSION_PATTERN.test(metadata.info.version))
      report('version', 'wrong-plugin-version', 'error', `${where}: version ${metadata.info.version} is not semver`);

    // modulejs + jssourcemap, for the root and each nested plugin
    const moduleJs = files.get(`${base}module.js`);
    if (!moduleJs) report('modulejs', 'missing-modulejs', 'error', `${base}module.js is missing`);
    else {
      const sourceMap = files.get(`${base}module.js.map`);
      if (!sourceMap) report('jssourcemap', 'js-map-not-found', 'error', `${base}module.js.map is missing`);
      else {
        try {
          const map = JSON.parse(text(sourceMap)) as { version?: number; mappings?: unknown; sources?: unknown };
          if (
            map.version !== 3 ||
            typeof map.mappings !== 'string' ||
            !Array.isArray(map.sources) ||
            map.sources.length === 0
          )
            throw new Error('not a v3 source map with sources');
        } catch (error) {
          report('jssourcemap', 'js-map-invalid', 'error', `${base}module.js.map: ${(error as Error).message}`);
        }
        const sourceDir = typeof metadata.id === 'string' ? options.sourceDirOf?.(metadata.id) : undefined;
        if (sourceDir) {
          try {
            for (const problem of sourceMapMismatches(text(sourceMap), sourceDir))
              report('jssourcemap', 'js-map-no-match', 'error', `${base}module.js.map: ${problem}`);
          } catch {
            // an unreadable map is reported as js-map-invalid above
          }
        }
      }
      const code = text(moduleJs);
      if (TRACKING_SERVERS.some((server) => code.includes(server)))
        report('trackingscripts', 'tracking-scripts', 'error', `${base}module.js: should not include tracking scripts`);
      for (const { rule, severity, pattern, message } of BUNDLE_RULES)
        if (pattern.test(code)) report('coderules', rule, severity, `${base}module.js ${message}`);
      if (PROCESS_ENV.test(code))
        report(
          'nodescope',
          'process-env',
          'error',
          `${base}module.js still reads process.env (define it at build time)`
        );
    }

    // backendbinary: the capability flags agree with the files
    // a plugin's binaries sit in its own folder, where Grafana looks up <executable>_<os>_<arch>;
    // a nested plugin's binaries (datasource/gpx_*) are that plugin's, not the app's
    const executables = [...files.keys()].filter((file) => file.startsWith(base) && /^gpx_[^/]*$/.test(file.slice(base.length)));
    if (metadata.backend === true) {
      // sdkusage (needs source): go.mod beside pkg/ in the plugin's source root (the folder above
      // the src/ it was built from), requiring the SDK unreplaced (sdkusage.ts)
      const builtFrom = typeof metadata.id === 'string' ? options.sourceDirOf?.(metadata.id) : undefined;
      if (builtFrom)
        for (const { rule, message } of sdkUsageFindings(path.dirname(builtFrom)))
          report('sdkusage', rule, 'error', `${where}: ${message}`);
      // binarypermissions: some <executable>_<os>_<arch> exists, each with mode 0755
      const executable = typeof metadata.executable === 'string' ? metadata.executable : '';
      const binaries = executable ? [...files.keys()].filter((file) => file.startsWith(`${base}${executable}_`)) : [];
      if (executable && binaries.length === 0) {
        report(
          'binarypermissions',
          'binary-executable-found',
          'error',
          `${where}: no ${executable}_<os>_<arch> binary in the archive`
        );
      }
      for (const binary of binaries) {
        const mode = options.modes?.get(prefix + binary);
        if (options.modes && mode !== 0o755) {
          report(
            'binarypermissions',
            'binary-executable-permissions',
            'error',
            `${binary} has mode ${mode === undefined ? 'unknown' : mode.toString(8)}, not 755`
          );
        }
      }
      if (typeof metadata.executable !== 'string' || !metadata.executable)
        report(
          'backendbinary',
          'backend-binary-mission',
          'error',
          `${where}: backend is true but executable is not set`
        );
      else if (!files.has(`${base}${metadata.executable}_linux_amd64`))
        report(
          'backendbinary',
          'backend-binary-not-linux-amd64',
          'error',
          `${where}: ${metadata.executable}_linux_amd64 is missing`
        );
    } else {
      if (metadata.executable !== undefined || executables.length > 0)
        report(
          'backendbinary',
          'backend-found-but-not-declared',
          'error',
          `${where}: backend is not true but an executable is ${metadata.executable !== undefined ? 'declared' : `shipped (${executables.join(', ')})`}`
        );
      if (metadata.alerting === true)
        report('backendbinary', 'alerting-found-but-backend-false', 'error', `${where}: alerting needs backend: true`);
    }

    // nodescope: the build replaced its template variables
    if (BUILD_VARIABLES.test(text(files.get(name))))
      report('nodescope', 'build-variables-left', 'error', `${where} still holds %VERSION%, %TODAY% or %PLUGIN_ID%`);
  }

  // discoverability + pluginname on the root
  if (typeof root.info?.description !== 'string' || root.info.description.trim() === '')
    report('discoverability', 'empty-description', 'warning', 'plugin.json: info.description is empty');
  if (!Array.isArray(root.info?.keywords) || root.info.keywords.length === 0)
    report('discoverability', 'empty-keywords', 'warning', 'plugin.json: info.keywords is empty');

  // archivename
  if (typeof root.id === 'string' && rootName !== root.id)
    report(
      'archivename',
      'no-ident-root-dir',
      'error',
      `the archive's root directory ${rootName} should be named ${root.id}`
    );

  // includesnested
  const nested = [...metadataMap.keys()].filter((name) => name !== 'plugin.json');
  if (nested.length > 0 && root.type !== 'app')
    report(
      'includesnested',
      'nested-plugin-id-in-non-app',
      'error',
      `only app plugins may contain nested plugins (${nested.join(', ')})`
    );
  const includes = Array.isArray(root.includes) ? (root.includes as Array<{ path?: unknown; type?: unknown }>) : [];
  for (const name of nested) {
    const include = includes.find((candidate) => candidate.path === name);
    if (!include)
      report(
        'includesnested',
        'nested-plugins-not-declared',
        'error',
        `Nested plugin ${name} is not declared in plugin.json includes`
      );
    else if (!include.type)
      report('includesnested', 'nested-plugin-missing-type', 'error', `Nested plugin ${name} is missing type`);
    else if (include.type !== metadataMap.get(name)!.type)
      report(
        'includesnested',
        'nested-plugin-type-missmatch',
        'error',
        `Nested plugin ${name} is declared as ${String(include.type)} but is a ${String(metadataMap.get(name)!.type)}`
      );
  }
  for (const include of includes) {
    if (include.type === 'dashboard' && typeof include.path === 'string' && !files.has(include.path))
      report('metadatapaths', 'path-not-exists', 'error', `plugin.json: dashboard ${include.path} does not exist`);
  }

  // readme, templatereadme, jargon, brokenlinks (format only: no HTTP here)
  const readme = text(files.get('README.md'));
  if (readme.trim() === '') report('readme', 'missing-readme', 'error', 'README.md is missing or empty');
  else {
    if (/<!--/.test(readme)) report('readme', 'readme-comment', 'warning', 'README.md contains HTML comments');
    if (/^# Grafana (Panel|Data Source|Data Source Backend) Plugin Template/.test(readme))
      report('templatereadme', 'template-readme', 'error', 'README.md: uses README from template');
    // the validator's jargon analyzer: a plain, case-sensitive substring match
    if (['yarn', 'nodejs'].some((word) => readme.includes(word)))
      report(
        'jargon',
        'developer-jargon',
        'warning',
        'README.md talks about yarn or nodejs; move developer notes elsewhere'
      );
    for (const match of readme.matchAll(/\[.+?\]\((.+?)\)/g)) {
      const target = (match[1] ?? '').trim().split(/\s+/)[0] ?? '';
      if (target.startsWith('#') || target.startsWith('mailto:')) continue;
      if (!/^https?:\/\//.test(target))
        report('brokenlinks', 'relative-link', 'error', `README.md: convert relative link to absolute: ${target}`);
      else if (!isAbsoluteUrl(target))
        report('brokenlinks', 'broken-link', 'warning', `README.md: malformed link ${target}`);
    }
    if (BUILD_VARIABLES.test(readme))
      report('nodescope', 'build-variables-left', 'error', 'README.md still holds %VERSION%, %TODAY% or %PLUGIN_ID%');
  }

  // changelog, license
  if (text(files.get('CHANGELOG.md')).trim() === '')
    report('changelog', 'missing-changelog', 'warning', 'CHANGELOG.md is missing or empty');
  const licenceFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE'].find((candidate) => files.has(candidate));
  if (!licenceFile) report('license', 'license-not-provided', 'error', 'no LICENSE file in the archive');
  else {
    const licence = text(files.get(licenceFile));
    if (!detectLicense(licence))
      report(
        'license',
        'license-not-valid',
        'error',
        `${licenceFile} is not BSD, MIT, Apache-2.0, LGPL-3.0, GPL-3.0 or AGPL-3.0`
      );
    else if (/\{yyyy\}|\{name of copyright owner\}/.test(licence))
      report(
        'license',
        'license-with-generic-text',
        'warning',
        `${licenceFile} still has the {yyyy} / {name of copyright owner} placeholders`
      );
  }

  // unsafesvg: every svg in the archive
  for (const [name, data] of files) {
    if (!name.toLowerCase().endsWith('.svg')) continue;
    const reason = unsafeSvgReason(text(data));
    if (reason) report('unsafesvg', 'unsafe-svg-file', 'error', `SVG file ${name} is unsafe: ${reason}`);
  }

  // manifest (signature presence and sha256 sums)
  findings.push(...manifestFindings(files, root));

  // packagejson + nodescope zip naming
  const version = root.info?.version;
  if (options.packageVersion !== undefined && version !== options.packageVersion) {
    report(
      'packagejson',
      'packagecode-version-mismatch',
      'error',
      `plugin.json version ${String(version)} is not package.json's ${options.packageVersion}`
    );
  }
  if (options.zipName !== undefined && options.zipName !== `${String(root.id)}-${String(version)}.zip`) {
    report(
      'nodescope',
      'zip-name',
      'error',
      `${options.zipName} should be named ${String(root.id)}-${String(version)}.zip`
    );
  }
  return findings;
}

export const errorsOf = (findings: Finding[]): Finding[] => findings.filter((finding) => finding.severity === 'error');

export function formatFindings(findings: Finding[]): string {
  return findings
    .map((finding) => `${finding.severity.padEnd(7)} ${finding.analyzer}/${finding.rule}: ${finding.message}`)
    .join('\n');
}
