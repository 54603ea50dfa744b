// The repository's own files are written for its users: they cite only documents the repository
// contains, use no internal tracker words (numbered seeds, "issue N"), and every relative link in
// a Markdown file resolves. Also: the changelogs exist and say what ships, the Node versions the
// README promises are the ones package.json declares.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SELF = 'test/repo/docs.test.ts';
/** Files that quote upstream text verbatim (captures, fixtures) may say anything. */
const QUOTED = /(^|\/)(fixtures?|captures?|testdata|__fixtures__)\//;

function trackedTextFiles(): Array<{ path: string; text: string }> {
  const paths = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\0').filter(Boolean);
  const out: Array<{ path: string; text: string }> = [];
  for (const path of paths) {
    if (path === SELF || path === 'package-lock.json' || QUOTED.test(path)) continue;
    const full = join(ROOT, path);
    if (!existsSync(full) || statSync(full).size > 2_000_000) continue;
    const bytes = readFileSync(full);
    if (bytes.includes(0)) continue; // binary
    out.push({ path, text: bytes.toString('utf8') });
  }
  return out;
}

/** Documents of the team's own workspace that are not part of the repository. */
const OUTSIDE_DOCUMENTS = /\b(ARCHITECTURE|HARNESS|FIDELITY|STYLE|TOOLCHAIN)\.md\b/;
/** Internal names for earlier projects and tracker items. */
const SEED = /\bseeds?[ -]?#?0\d\d\b/i;
const ISSUE = /\bissues? #?\d+(\.\d+)?\b/i;
/** An issue number of an upstream project is fine when the line says whose it is. */
const UPSTREAM_ISSUE = /github\.com\/|[\w.-]+\/[\w.-]+#\d+|\b(grafana|upstream|golang|node(js)?|bitcoin|geth|freqtrade|stacks-core|cgminer|vitest|npm)\s+(issue|#)/i;

export function internalReferences(files: Array<{ path: string; text: string }>): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    text.split('\n').forEach((line, i) => {
      const where = `${path}:${i + 1}: ${line.trim().slice(0, 120)}`;
      if (OUTSIDE_DOCUMENTS.test(line) && !existsSync(join(ROOT, OUTSIDE_DOCUMENTS.exec(line)![0]))) found.push(where);
      else if (SEED.test(line)) found.push(where);
      else if (ISSUE.test(line) && !UPSTREAM_ISSUE.test(line)) found.push(where);
    });
  }
  return found;
}

export function brokenLinks(files: Array<{ path: string; text: string }>, tracked: Set<string>): string[] {
  const broken: string[] = [];
  for (const { path, text } of files.filter((f) => f.path.endsWith('.md'))) {
    // [text](target) outside code spans; absolute URLs, mail and in-page anchors are not files
    for (const m of text.replace(/`[^`\n]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!.split('#')[0]!;
      if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const resolved = normalize(join(dirname(path), decodeURIComponent(target))).replace(/\/$/, '');
      const isDir = [...tracked].some((t) => t.startsWith(`${resolved}/`));
      if (!tracked.has(resolved) && !isDir) broken.push(`${path}: ${m[1]}`);
    }
  }
  return broken;
}

describe('documentation for users', () => {
  const files = trackedTextFiles();
  const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean));

  it('no file cites a document the repository does not contain, or an internal seed/issue number', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(internalReferences(files)).toEqual([]);
  });

  it('the check finds such references (and lets an upstream issue and a random seed through)', () => {
    const sample = [
      { path: 'a.ts', text: '// as ARCHITECTURE.md says\n// seed 003 style\n// (issue 9)\n// the seed-001 way\n// fixed-seed property test\n// grafana issue 116273\n// see https://github.com/x/y/issues/12 (issue 12)\nconst seed = 42;' },
    ];
    expect(internalReferences(sample).map((line) => line.split(':')[1])).toEqual(['1', '2', '3', '4']);
  });

  it('every relative link in a Markdown file points at a file or folder in the repository', () => {
    expect(brokenLinks(files, tracked)).toEqual([]);
    expect(brokenLinks([{ path: 'docs/x.md', text: 'see [it](../nowhere.md) and [ok](https://x.org) `[not](a-link)`' }], tracked)).toEqual(['docs/x.md: ../nowhere.md']);
  });

  it('a root CHANGELOG and the app CHANGELOG exist, and the app one names everything the app ships', () => {
    expect(tracked.has('CHANGELOG.md')).toBe(true);
    const app = readFileSync(join(ROOT, 'plugins/app/CHANGELOG.md'), 'utf8');
    const version = (JSON.parse(readFileSync(join(ROOT, 'plugins/app/package.json'), 'utf8')) as { version: string }).version;
    expect(app).toContain(`## ${version}`);
    // the app's plugin.json includes: the nested datasource and panels by id
    const plugin = JSON.parse(readFileSync(join(ROOT, 'plugins/app/src/plugin.json'), 'utf8')) as { includes: Array<{ type: string; path?: string }>; dependencies: { grafanaDependency: string } };
    for (const include of plugin.includes.filter((i) => i.path?.endsWith('plugin.json'))) {
      // nested as <dir>/plugin.json in the app's dist, built from plugins/<dir>/src/plugin.json
      const id = (JSON.parse(readFileSync(join(ROOT, 'plugins', include.path!.replace(/plugin\.json$/, 'src/plugin.json')), 'utf8')) as { id: string }).id;
      expect(app, id).toContain(id);
    }
    expect(app).toContain(plugin.dependencies.grafanaDependency.replace('>=', ''));
    expect(app).not.toMatch(/panels follow/i);
  });

  it('the Node versions: npm on Node 20 or newer installs, every script then runs the Node 22 the project installs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
    // the engines range admits Node 20 (so npm does not warn about the project itself) …
    expect(pkg.engines.node).toBe('>=20');
    // … because the `node` dev dependency puts Node 22 (type stripping: 22.18+) first on every npm script's PATH
    const [major, minor] = pkg.devDependencies.node!.split('.').map(Number);
    expect(major).toBe(22);
    expect(minor).toBeGreaterThanOrEqual(18);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/Node\.js 20 or newer/);
  });
});

describe("the README's Grafana steps", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Put it into your own Grafana'), readme.indexOf('## Run the proxy against real nodes'));
  const pluginJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as { id: string; dependencies?: { grafanaDependency?: string } };

  it('name the Grafana version the app declares, before any step', () => {
    const minimum = pluginJson('plugins/app/src/plugin.json').dependencies!.grafanaDependency!.replace('>=', '');
    expect(section.indexOf(`Grafana ${minimum.replace(/\.0$/, '')} or newer`)).toBeGreaterThan(-1);
    expect(section.indexOf('Grafana 12.4 or newer')).toBeLessThan(section.indexOf('1. '));
    expect(minimum).toBe('12.4.0');
  });

  it('allow every plugin id the app brings (and compose allows the same ones)', () => {
    const ids = ['plugins/app/src/plugin.json', 'plugins/datasource/src/plugin.json', 'plugins/panels/mempool/src/plugin.json', 'plugins/panels/peermap/src/plugin.json', 'plugins/panels/profitability/src/plugin.json'].map((p) => pluginJson(p).id);
    const listed = /allow_loading_unsigned_plugins = (\S+)/.exec(section)![1]!.split(',');
    expect(listed.sort()).toEqual([...ids].sort());
    const compose = /GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS: (\S+)/.exec(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'))![1]!.split(',');
    expect(compose.sort()).toEqual([...ids].sort());
  });

  it('say where the plugin folder is, to restart Grafana, and to enable the app, in that order', () => {
    const at = (text: string) => {
      const i = section.indexOf(text);
      expect(i, text).toBeGreaterThan(-1);
      return i;
    };
    const folder = at('/var/lib/grafana/plugins');
    const restart = at('**Restart Grafana**');
    const enable = at('**Enable the app**');
    expect(folder).toBeLessThan(restart);
    expect(restart).toBeLessThan(enable);
  });

  it('build the plugins before the docker compose line (compose mounts plugins/app/dist, it does not build it)', () => {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).toMatch(/- \.\/plugins\/app\/dist:\/var\/lib\/grafana\/plugins\/nodescope-suite-app/);
    const build = section.indexOf('npm ci && npm run build\ncp .env.example .env');
    expect(build).toBeGreaterThan(-1);
    expect(build).toBeLessThan(section.indexOf('docker compose --profile demo up'));
  });
});
