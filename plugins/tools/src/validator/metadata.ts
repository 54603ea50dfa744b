// plugin.json against the catalog's schema (metadatavalid) and grafanaDependency as Masterminds/semver reads it.
import { isObject } from './types.ts';
// --- metadata (config/plugin.schema.json, additionalProperties: false at the root) -------------

const ID_PATTERN = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/;
const PLUGIN_TYPES = ['app', 'datasource', 'panel', 'renderer'];
export const VERSION_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
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

export interface Metadata {
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

export function isAbsoluteUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A problem for each property of `object` (at `path`) that `allowed` lacks (additionalProperties: false). */
function onlyKeys(problems: string[], path: string, object: Record<string, unknown>, allowed: ReadonlySet<string> | readonly string[]): void {
  const has = (key: string) => ('has' in allowed ? allowed.has(key) : allowed.includes(key));
  for (const key of Object.keys(object)) if (!has(key)) problems.push(`${path}: additional property ${key} is not allowed`);
}

/** `value` (at `path`) must be an array of objects; `check` gets each object and its path (`path[i]`). */
function eachObject(problems: string[], path: string, value: unknown, check: (item: Record<string, unknown>, at: string) => void): void {
  if (!Array.isArray(value)) return void problems.push(`${path} must be an array`);
  value.forEach((item: unknown, index) => {
    if (isObject(item)) check(item, `${path}[${index}]`);
    else problems.push(`${path}[${index}] must be an object`);
  });
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
      onlyKeys(problems, 'info', info, INFO_KEYS);
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
          onlyKeys(problems, 'info.author', author, ['name', 'email', 'url']);
          if ('url' in author && !isAbsoluteUrl(author.url))
            problems.push(`info.author.url ${JSON.stringify(author.url)} is not a URI`);
          if (
            'email' in author &&
            (typeof author.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(author.email))
          )
            problems.push('info.author.email is not an email');
        }
      }
      if ('links' in info)
        eachObject(problems, 'info.links', info.links, (link, at) => {
          onlyKeys(problems, at, link, ['name', 'url', 'target']);
          if (typeof link.name !== 'string' || !link.name) problems.push(`${at}.name is missing`);
          if (!isAbsoluteUrl(link.url)) problems.push(`${at}.url ${JSON.stringify(link.url)} is not a URI`);
          if ('target' in link && !LINK_TARGETS.includes(link.target as string))
            problems.push(`${at}.target is not one of ${LINK_TARGETS.join(', ')}`);
        });
      if ('screenshots' in info)
        eachObject(problems, 'info.screenshots', info.screenshots, (shot, at) => onlyKeys(problems, at, shot, ['name', 'path']));
    }
  }
  if ('dependencies' in metadata) {
    const dependencies = metadata.dependencies;
    if (!isObject(dependencies)) problems.push('dependencies must be an object');
    else {
      if (!('grafanaDependency' in dependencies))
        problems.push('dependencies: missing required property grafanaDependency');
      if ('plugins' in dependencies)
        eachObject(problems, 'dependencies.plugins', dependencies.plugins, (dependency, at) => {
          for (const key of ['id', 'name', 'type'])
            if (!(key in dependency)) problems.push(`${at}: missing required property ${key}`);
        });
    }
  }
  if ('includes' in metadata)
    eachObject(problems, 'includes', metadata.includes, (include, at) => {
      if (!INCLUDE_TYPES.includes(include.type as string))
        problems.push(`${at}.type ${JSON.stringify(include.type)} is not one of ${INCLUDE_TYPES.join(', ')}`);
      onlyKeys(problems, at, include, INCLUDE_KEYS);
      if ('role' in include && !['Admin', 'Editor', 'Viewer'].includes(include.role as string))
        problems.push(`${at}.role is not Admin, Editor or Viewer`);
    });
  if ('routes' in metadata) {
    if (!Array.isArray(metadata.routes)) problems.push('routes must be an array');
    else
      (metadata.routes as unknown[]).forEach((route, index) => {
        if (!isObject(route) || typeof route.path !== 'string' || route.path === '')
          problems.push(`routes[${index}].path is required`);
        if (isObject(route)) onlyKeys(problems, `routes[${index}]`, route, ROUTE_KEYS);
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
