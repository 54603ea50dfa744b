// The rules of grafana/plugin-validator (pkg/analysis/passes/*, see
// shared/grafana-reference/plugin-validator-rules.md) applied to a plugin zip in Node, since the
// validator's Go binary cannot be fetched here. Each finding carries the validator's analyzer and
// rule name and severity, so a failure reads like the validator's own report. Rules that need
// grafana.com or other web services (org, version, published, brokenlinks' HTTP check, safelinks,
// legacyplatform, signature verification) are not applied; see README "Catalog distribution".
// Rules marked `nodescope` are our own release checks (zip name, unreplaced build variables,
// process.env left in a bundle).
import { docsFindings } from './validator/docs.ts';
import { manifestFindings } from './validator/manifest.ts';
import type { Metadata } from './validator/metadata.ts';
import { pluginJsonFindings } from './validator/plugin.ts';
import { isObject, text, type ArchiveFiles, type Finding, type Severity, type ValidateOptions } from './validator/types.ts';

// one module per rule group under validator/; their public names stay importable from here
export { BUNDLE_RULES, checkSourceFile, SOURCE_RULES, validateSourceDir } from './validator/code.ts';
export { detectLicense, imageType, unsafeSvgReason } from './validator/files.ts';
export { isValidGrafanaDependency, schemaViolations } from './validator/metadata.ts';
export type { ArchiveFiles, Finding, Severity, ValidateOptions } from './validator/types.ts';
export { readZip, readZipModes, sourceMapMismatches } from './validator/zip.ts';

// --- the whole archive ------------------------------------------------------------------------

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

  for (const [name, metadata] of metadataMap) pluginJsonFindings(name, metadata, files, prefix, options, report);

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

  docsFindings(files, report);

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
