// `npm run package` on the real builds (scripts/test.sh builds every workspace first; a missing
// dist is built here): one zip, the app's, carrying its nested plugins (no second plugin under a
// nested id), its layout and checksums, and the plugin-validator rules as the catalog applies them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest, packageAll, zipPluginDist, type PackagedPlugin } from '../src/package.ts';
import { catalogPlugins, nestedDirs, workspacePlugins, zipName } from '../src/plugins.ts';
import { signDist } from '../src/sign.ts';
import { NESTED_PLUGINS } from '../../app/src/nested.ts';
import {
  detectLicense,
  errorsOf,
  formatFindings,
  readZip,
  readZipModes,
  validateArchive,
  validateSourceDir,
} from '../src/validator.ts';

// what ships (the app) and every plugin workspace (the app and the plugins nested in it)
const plugins = catalogPlugins();
const workspaces = workspacePlugins();
const app = plugins.find((plugin) => plugin.type === 'app')!;
/** Where a nested workspace's build sits inside the app's dist (plugins/app/src/nested.ts). */
const nestedPath = (workspace: string) => NESTED_PLUGINS.find((nested) => `plugins/${nested.dir}` === workspace)?.path;
let outDir: string;
let packaged: PackagedPlugin[];

beforeAll(() => {
  outDir = mkdtempSync(path.join(tmpdir(), 'nodescope-packages-'));
  packaged = packageAll({ outDir, plugins });
});

describe('npm run package', () => {
  it('ships one plugin, the app; the datasource and the three panels only nested in it', () => {
    expect(workspaces.map((plugin) => plugin.id).sort()).toEqual([
      'nodescope-crypto-datasource',
      'nodescope-mempool-panel',
      'nodescope-peermap-panel',
      'nodescope-profitability-panel',
      'nodescope-suite-app',
    ]);
    expect(plugins.map((plugin) => plugin.id)).toEqual(['nodescope-suite-app']);
    expect(nestedDirs().sort()).toEqual(['datasource', 'panels/mempool', 'panels/peermap', 'panels/profitability']);
  });

  it('writes no standalone zip under a nested id: every plugin id ships exactly once', () => {
    const zips = readdirSync(outDir).filter((name) => name.endsWith('.zip'));
    expect(zips).toEqual([zipName(app)]);
    // each id appears once in what ships: the app at the top, each nested plugin once inside it
    const ids = [...readZip(readFileSync(path.join(outDir, zipName(app))))]
      .filter(([name]) => name.endsWith('/plugin.json'))
      .map(([, data]) => (JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id)
      .sort();
    expect(ids).toEqual(workspaces.map((plugin) => plugin.id).sort());
  });

  it('refuses to package a nested plugin on its own, naming the app that carries it', () => {
    expect(() => packageAll({ outDir: mkdtempSync(path.join(tmpdir(), 'nodescope-only-')), only: ['nodescope-crypto-datasource'] })).toThrow(
      'nodescope-crypto-datasource ships only inside nodescope-suite-app (nested); package nodescope-suite-app'
    );
  });

  it.each(plugins.map((plugin) => [plugin.id, plugin] as const))(
    '%s: <id>-<version>.zip with its sha1 and md5',
    (_id, plugin) => {
      const zip = path.join(outDir, zipName(plugin));
      const bytes = readFileSync(zip);
      const name = path.basename(zip);
      expect(readFileSync(`${zip}.sha1`, 'utf8')).toBe(`${createHash('sha1').update(bytes).digest('hex')}  ${name}\n`);
      expect(readFileSync(`${zip}.md5`, 'utf8')).toBe(`${createHash('md5').update(bytes).digest('hex')}  ${name}\n`);
      // GNU coreutils reads them as written: sha1sum -c / md5sum -c from the folder print "<name>: OK"
      for (const tool of ['sha1sum', 'md5sum']) {
        expect(execFileSync(tool, ['-c', `${name}.${tool.replace('sum', '')}`], { cwd: outDir, encoding: 'utf8' })).toBe(`${name}: OK\n`);
      }
      expect(packaged.find((entry) => entry.id === plugin.id)?.sha1).toBe(digest('sha1', bytes));
    }
  );

  it.each(plugins.map((plugin) => [plugin.id, plugin] as const))(
    '%s: one top folder named by the id, holding exactly dist/',
    (_id, plugin) => {
      const files = readZip(readFileSync(path.join(outDir, zipName(plugin))));
      const names = [...files.keys()];
      expect(new Set(names.map((name) => name.split('/')[0]))).toEqual(new Set([plugin.id]));
      for (const required of [
        'plugin.json',
        'module.js',
        'module.js.map',
        'README.md',
        'CHANGELOG.md',
        'LICENSE',
        'img/logo.svg',
      ]) {
        expect(names, `${plugin.id}/${required}`).toContain(`${plugin.id}/${required}`);
      }
      for (const [name, data] of files) {
        expect(
          Buffer.from(data).equals(readFileSync(path.join(plugin.distDir, name.slice(plugin.id.length + 1)))),
          name
        ).toBe(true);
      }
    }
  );

  it('the app zip carries every nested plugin its includes declare, each complete', () => {
    const files = readZip(readFileSync(path.join(outDir, zipName(app))));
    const includes = (
      JSON.parse(readFileSync(path.join(app.distDir, 'plugin.json'), 'utf8')) as {
        includes: Array<{ type: string; path: string }>;
      }
    ).includes;
    const nested = includes.filter((include) => include.type === 'datasource' || include.type === 'panel');
    expect(nested.map((include) => include.type).sort()).toEqual(['datasource', 'panel', 'panel', 'panel']);
    for (const include of nested) {
      const base = `${app.id}/${include.path.replace(/plugin\.json$/, '')}`;
      const metadata = JSON.parse(Buffer.from(files.get(`${base}plugin.json`)!).toString('utf8')) as {
        type: string;
        id: string;
      };
      expect(metadata.type).toBe(include.type);
      expect(workspaces.map((plugin) => plugin.id)).toContain(metadata.id);
      expect(files.has(`${base}module.js`), `${base}module.js`).toBe(true);
    }
  });

  it('zips are reproducible and keep unix modes (an executable stays 0755)', () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'nodescope-modes-'));
    writeFileSync(
      path.join(dist, 'plugin.json'),
      JSON.stringify({ id: 'nodescope-modes-datasource', info: { version: '1.0.0', updated: '2026-11-23' } })
    );
    writeFileSync(path.join(dist, 'gpx_modes_linux_amd64'), 'binary');
    chmodSync(path.join(dist, 'gpx_modes_linux_amd64'), 0o755);
    chmodSync(path.join(dist, 'plugin.json'), 0o644);
    const first = zipPluginDist(dist, 'nodescope-modes-datasource');
    expect(Buffer.from(zipPluginDist(dist, 'nodescope-modes-datasource')).equals(Buffer.from(first))).toBe(true);
    const modes = readZipModes(first);
    expect(modes.get('nodescope-modes-datasource/gpx_modes_linux_amd64')).toBe(0o755);
    expect(modes.get('nodescope-modes-datasource/plugin.json')).toBe(0o644);
  });

  it("refuses a dist whose version is not package.json's", () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'nodescope-stale-'));
    cpSync(app.distDir, dist, { recursive: true });
    const metadata = JSON.parse(readFileSync(path.join(dist, 'plugin.json'), 'utf8')) as { info: { version: string } };
    metadata.info.version = '0.0.1';
    writeFileSync(path.join(dist, 'plugin.json'), JSON.stringify(metadata));
    expect(() =>
      packageAll({ outDir: mkdtempSync(path.join(tmpdir(), 'nodescope-out-')), plugins: [{ ...app, distDir: dist }] })
    ).toThrow(/version 0\.0\.1 is not package\.json's/);
  });
});

describe('the plugin-validator rules on the real zips', () => {
  it.each(plugins.map((plugin) => [plugin.id, plugin] as const))(
    '%s: no errors; the only warning is that it is unsigned',
    (_id, plugin) => {
      const name = zipName(plugin);
      // sourceDirOf: each module.js.map (the nested ones too) must match the src/ it was built from
      const findings = validateArchive(readZip(readFileSync(path.join(outDir, name))), {
        zipName: name,
        packageVersion: plugin.version,
        sourceDirOf: (id) => workspaces.find((candidate) => candidate.id === id)?.dir.concat('/src'),
      });
      expect(errorsOf(findings), formatFindings(findings)).toEqual([]);
      expect(
        findings.map((finding) => `${finding.analyzer}/${finding.rule}`),
        formatFindings(findings)
      ).toEqual(['manifest/unsigned-plugin']);
    }
  );

  it.each(workspaces.map((plugin) => [plugin.id, plugin] as const))('%s: src/ passes the code rules', (_id, plugin) => {
    const findings = validateSourceDir(path.join(plugin.dir, 'src'));
    expect(findings, formatFindings(findings)).toEqual([]);
  });
});

describe('catalog listing', () => {
  it.each(workspaces.map((plugin) => [plugin.id, plugin] as const))(
    '%s: Apache-2.0 in package.json and in the LICENSE it ships',
    (_id, plugin) => {
      expect(plugin.license).toBe('Apache-2.0');
      // a nested plugin's LICENSE is the one in its folder of the app's dist
      const nested = nestedPath(plugin.workspace);
      const distDir = nested ? path.join(app.distDir, nested) : plugin.distDir;
      expect(detectLicense(readFileSync(path.join(distDir, 'LICENSE'), 'utf8'))).toBe('Apache-2.0');
    }
  );

  it.each(workspaces.map((plugin) => [plugin.id, plugin] as const))(
    '%s: screenshots, author and the documentation, repository, licence and issue links',
    (_id, plugin) => {
      const metadata = JSON.parse(readFileSync(path.join(plugin.dir, 'src/plugin.json'), 'utf8')) as {
        info: {
          author?: { name?: string };
          links?: Array<{ name: string; url: string }>;
          screenshots?: Array<{ path: string }>;
          version: string;
          updated: string;
        };
      };
      expect(metadata.info.author?.name).toBeTruthy();
      expect(metadata.info.links?.map((link) => link.name)).toEqual(
        expect.arrayContaining(['documentation', 'repository', 'license', 'raise issue'])
      );
      expect(metadata.info.screenshots?.length).toBeGreaterThan(0);
      for (const shot of metadata.info.screenshots ?? [])
        expect(existsSync(path.join(plugin.dir, 'src', shot.path)), shot.path).toBe(true);
      // the build fills these from package.json and the build date
      expect(metadata.info.version).toBe('%VERSION%');
      expect(metadata.info.updated).toBe('%TODAY%');
    }
  );
});

describe('npm run sign', () => {
  let server: Server;
  const received: Array<{
    authorization?: string;
    manifest: { plugin: string; version: string; files: Record<string, string> };
  }> = [];
  let certFile: string;
  let baseUrl: string;

  beforeAll(async () => {
    // a stand-in for grafana.com's /api/plugins/ci/sign over TLS (sign-plugin only speaks https)
    const dir = mkdtempSync(path.join(tmpdir(), 'nodescope-sign-'));
    certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' }
    );
    server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== '/api/plugins/ci/sign') return response.writeHead(404).end();
        const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof received)[number]['manifest'];
        received.push({ authorization: request.headers.authorization, manifest });
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(
          `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${JSON.stringify({ ...manifest, signatureType: 'community', signedByOrg: 'nodescope' }, null, 2)}\n-----BEGIN PGP SIGNATURE-----\n\nwsBcBAEBCAAQBQJ=\n-----END PGP SIGNATURE-----\n`
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("sends the token and every file's sha256, writes MANIFEST.txt, and the signed zip passes the manifest rules", async () => {
    // the shipped plugin: the app (its signature covers the nested plugins' files too)
    const plugin = app;
    const dist = path.join(mkdtempSync(path.join(tmpdir(), 'nodescope-signed-')), 'dist');
    mkdirSync(dist);
    cpSync(plugin.distDir, dist, { recursive: true });
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GRAFANA_ACCESS_POLICY_TOKEN: 'glc_test_token',
      GRAFANA_COM_URL: baseUrl,
      NODE_EXTRA_CA_CERTS: certFile,
      NO_PROXY: '*',
    };
    expect(await signDist(dist, [], env)).toBe(0);

    expect(received).toHaveLength(1);
    expect(received[0]!.authorization).toBe('Bearer glc_test_token');
    expect(received[0]!.manifest.plugin).toBe(plugin.id);
    expect(received[0]!.manifest.version).toBe(plugin.version);
    expect(received[0]!.manifest.files['module.js']).toBe(
      createHash('sha256')
        .update(readFileSync(path.join(dist, 'module.js')))
        .digest('hex')
    );

    const signed = readZip(zipPluginDist(dist, plugin.id));
    expect(signed.has(`${plugin.id}/MANIFEST.txt`)).toBe(true);
    expect(validateArchive(signed).filter((finding) => finding.analyzer === 'manifest')).toEqual([]);

    // a file changed after signing is caught
    writeFileSync(path.join(dist, 'CHANGELOG.md'), '# Changelog\n\nedited after signing\n');
    expect(validateArchive(readZip(zipPluginDist(dist, plugin.id))).map((finding) => finding.rule)).toContain(
      'invalid-sha-sum'
    );
  });
});
