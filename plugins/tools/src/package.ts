// `npm run package`: the one catalog zip nodescope ships, the app's, laid out the way
// grafana/plugin-validator and Grafana's installer expect: a single top folder named by the
// plugin id holding what dist/ holds (the datasource and the panels are nested in it, since they
// live in its dist; they are never zipped on their own under the same ids), named
// `<id>-<version>.zip`, with `.sha1` and `.md5` beside it (what grafana/plugin-actions publish).
//   node plugins/tools/src/package.ts [--out dist-packages] [--build] [--only <id>]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { carrierOf, catalogPlugins, REPO_ROOT, zipName, type CatalogPlugin } from './plugins.ts';

export interface PackagedPlugin {
  id: string;
  version: string;
  zip: string;
  sha1: string;
  md5: string;
}

interface DistFile {
  /** path inside dist, `/`-separated */
  relative: string;
  mode: number;
}

/** Every file below dir, sorted so two runs over the same dist give the same zip. */
export function distFiles(dir: string, prefix = ''): DistFile[] {
  const found: DistFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...distFiles(full, relative));
    else if (entry.isFile()) found.push({ relative, mode: statSync(full).mode & 0o777 });
  }
  return found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

interface DistMetadata {
  id: string;
  info?: { version?: string; updated?: string };
}

function readDistMetadata(distDir: string): DistMetadata {
  return JSON.parse(readFileSync(path.join(distDir, 'plugin.json'), 'utf8')) as DistMetadata;
}

/** Fixed entry dates (SOURCE_DATE_EPOCH, else the build's `updated` day) keep zips reproducible. */
function entryDate(metadata: DistMetadata): Date {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  if (Number.isFinite(epoch) && epoch > 315532800) return new Date(epoch * 1000);
  const updated = metadata.info?.updated;
  return updated && /^\d{4}-\d{2}-\d{2}$/.test(updated)
    ? new Date(`${updated}T00:00:00Z`)
    : new Date('2020-01-01T00:00:00Z');
}

/** The zip bytes for a built dist: `<id>/<file>` entries, unix modes kept (executables stay 0755). */
export function zipPluginDist(distDir: string, id: string): Uint8Array {
  const metadata = readDistMetadata(distDir);
  const mtime = entryDate(metadata);
  const entries: Zippable = {};
  for (const file of distFiles(distDir)) {
    // os 3 = unix: the high 16 bits of the external attributes hold st_mode
    entries[`${id}/${file.relative}`] = [
      readFileSync(path.join(distDir, file.relative)),
      { mtime, os: 3, attrs: ((0o100000 | file.mode) << 16) >>> 0 },
    ];
  }
  return zipSync(entries, { level: 9 });
}

export function digest(algorithm: 'sha1' | 'md5' | 'sha256', data: Uint8Array): string {
  return createHash(algorithm).update(data).digest('hex');
}

/** Refuses a dist whose plugin.json does not match the workspace: a stale or foreign build. */
export function checkDist(plugin: CatalogPlugin): DistMetadata {
  for (const required of ['plugin.json', 'module.js']) {
    if (!existsSync(path.join(plugin.distDir, required)))
      throw new Error(
        `${plugin.workspace}: dist/${required} is missing; build it first (npm run build -w ${plugin.workspace})`
      );
  }
  const metadata = readDistMetadata(plugin.distDir);
  if (metadata.id !== plugin.id)
    throw new Error(`${plugin.workspace}: dist/plugin.json has id ${metadata.id}, src/plugin.json has ${plugin.id}`);
  if (metadata.info?.version !== plugin.version) {
    throw new Error(
      `${plugin.workspace}: dist/plugin.json version ${metadata.info?.version} is not package.json's ${plugin.version}; rebuild it`
    );
  }
  return metadata;
}

export function packagePlugin(plugin: CatalogPlugin, outDir: string): PackagedPlugin {
  checkDist(plugin);
  const bytes = zipPluginDist(plugin.distDir, plugin.id);
  mkdirSync(outDir, { recursive: true });
  const zip = path.join(outDir, zipName(plugin));
  const sha1 = digest('sha1', bytes);
  const md5 = digest('md5', bytes);
  writeFileSync(zip, bytes);
  // the line sha1sum -c / md5sum -c read ("<hex>  <file name>"), checked from the zip's folder
  writeFileSync(`${zip}.sha1`, `${sha1}  ${path.basename(zip)}\n`);
  writeFileSync(`${zip}.md5`, `${md5}  ${path.basename(zip)}\n`);
  return { id: plugin.id, version: plugin.version, zip, sha1, md5 };
}

/** Builds a workspace when its dist is missing (or always with force). A signed dist is never rebuilt unasked. */
export function ensureBuilt(plugin: CatalogPlugin, force = false): void {
  const built =
    existsSync(path.join(plugin.distDir, 'plugin.json')) && existsSync(path.join(plugin.distDir, 'module.js'));
  if (built && !force) return;
  const result = spawnSync('npm', ['run', 'build', '-w', plugin.workspace], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build -w ${plugin.workspace} failed`);
}

export interface PackageOptions {
  outDir?: string;
  build?: boolean;
  only?: string[];
  plugins?: CatalogPlugin[];
}

export function packageAll(options: PackageOptions = {}): PackagedPlugin[] {
  const outDir = path.resolve(REPO_ROOT, options.outDir ?? 'dist-packages');
  for (const id of options.only ?? []) {
    const carrier = carrierOf(id);
    if (carrier) throw new Error(`${id} ships only inside ${carrier.id} (nested); package ${carrier.id}`);
  }
  const plugins = (options.plugins ?? catalogPlugins()).filter(
    (plugin) => !options.only?.length || options.only.includes(plugin.id)
  );
  for (const plugin of plugins) ensureBuilt(plugin, options.build);
  return plugins.map((plugin) => packagePlugin(plugin, outDir));
}

function parseArgs(argv: string[]): PackageOptions {
  const options: PackageOptions = { only: [] };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--build') options.build = true;
    else if (arg === '--out') options.outDir = argv[++index];
    else if (arg === '--only') options.only!.push(argv[++index] ?? '');
    else throw new Error(`unknown argument ${arg}; usage: package.ts [--out dir] [--build] [--only plugin-id]`);
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  try {
    for (const packaged of packageAll(parseArgs(process.argv.slice(2)))) {
      process.stdout.write(`${path.relative(REPO_ROOT, packaged.zip)}  sha1 ${packaged.sha1}  md5 ${packaged.md5}\n`);
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
