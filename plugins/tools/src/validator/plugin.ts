// Per plugin.json: id and type, logos, screenshots, paths, dependency, backend binaries, bundles.
import path from 'node:path';
import { sdkUsageFindings } from '../sdkusage.ts';
import { BUNDLE_RULES, PROCESS_ENV, TRACKING_SERVERS } from './code.ts';
import { EXTENSION_TYPES, imageType } from './files.ts';
import {
  isAbsoluteUrl,
  isValidGrafanaDependency,
  schemaViolations,
  VERSION_PATTERN,
  type Metadata,
} from './metadata.ts';
import { BUILD_VARIABLES, text, type ArchiveFiles, type Report, type ValidateOptions } from './types.ts';
import { sourceMapMismatches } from './zip.ts';
/** The rules applied to each plugin.json of the archive (the root one and nested ones) and the files it names. */
export function pluginJsonFindings(
  name: string,
  metadata: Metadata,
  files: ArchiveFiles,
  prefix: string,
  options: ValidateOptions,
  report: Report
): void {
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
      report('nodescope', 'process-env', 'error', `${base}module.js still reads process.env (define it at build time)`);
  }

  // backendbinary: the capability flags agree with the files
  // a plugin's binaries sit in its own folder, where Grafana looks up <executable>_<os>_<arch>;
  // a nested plugin's binaries (datasource/gpx_*) are that plugin's, not the app's
  const executables = [...files.keys()].filter(
    (file) => file.startsWith(base) && /^gpx_[^/]*$/.test(file.slice(base.length))
  );
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
      report('backendbinary', 'backend-binary-mission', 'error', `${where}: backend is true but executable is not set`);
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
