#!/usr/bin/env node
// Builds the proxy's release artifact: one bundled JavaScript file (esbuild) with everything but
// the ZeroMQ native addon, which sits beside it in a pruned node_modules/ for one platform, plus
// the country database, the systemd unit, an example config and the licences. Runs on Node >= 22
// (no npm install on the target host). Output: deploy/release/dist/nodescope-proxy-<version>-<os>-<arch>/
// and a .tar.gz with a .sha256 beside it (format `sha256sum -c` reads).
//
//   node deploy/release/bundle.mjs [--platform linux-x64] [--no-tar]
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));

/** A package's folder, as Node would find it from `from` (without reading its exports map). */
function packageDir(name, from = join(root, 'backend-proxy')) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} is not installed (run npm ci)`);
  }
}
const manifest = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

const { values } = parseArgs({
  options: { platform: { type: 'string', default: `${process.platform}-${process.arch}` }, 'no-tar': { type: 'boolean' } },
});
const [os, arch] = values.platform.split('-');
const version = JSON.parse(readFileSync(join(root, 'backend-proxy/package.json'), 'utf8')).version;
const name = `nodescope-proxy-${version}-${os}-${arch}`;
const out = join(here, 'dist', name);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// zeromq loads a native addon at run time: it stays a package beside the bundle; pino-pretty is
// a developer convenience (--pretty says what to do when it is absent)
const external = ['zeromq', 'pino-pretty'];
const result = await build({
  entryPoints: [join(root, 'backend-proxy/src/cli.ts')],
  outfile: join(out, 'nodescope-proxy.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  external,
  alias: { '@nodescope/shared': join(root, 'plugins/shared/src/index.ts') },
  define: { __NODESCOPE_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies inside an ES module need require(); keep class names for the logs
  banner: { js: "import { createRequire as __nodescopeRequire } from 'node:module'; const require = __nodescopeRequire(import.meta.url);" },
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
// esbuild keeps the entry's shebang line; the file runs as ./nodescope-proxy.mjs
chmodSync(join(out, 'nodescope-proxy.mjs'), 0o755);
// the cgminer poller's I/O threads run ./ioWorker.js beside the bundle (sources/cgminer/ioThreads.ts);
// CommonJS, as a .js file with no package.json above it is read
await build({
  entryPoints: [join(root, 'backend-proxy/src/sources/cgminer/ioWorker.ts')],
  outfile: join(out, 'ioWorker.js'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
});

// the native addon: only this platform's prebuilt binaries, and the loader it needs
const zeromqDir = packageDir('zeromq');
const cmakeTsDir = packageDir('cmake-ts', zeromqDir);
cpSync(zeromqDir, join(out, 'node_modules/zeromq'), {
  recursive: true,
  filter: (path) => {
    const rel = relative(zeromqDir, path);
    if (/^(src|script|vcpkg\.json|CMakeLists\.txt)/.test(rel)) return false;
    const build = /^build\/([^/]+)(?:\/([^/]+))?/.exec(rel);
    if (build && build[1] !== 'manifest.json' && (build[1] !== os || (build[2] && build[2] !== arch))) return false;
    return true;
  },
});
cpSync(cmakeTsDir, join(out, 'node_modules/cmake-ts'), { recursive: true });

// the default peer-map database, found beside the bundle (sources/bitcoin/geo.ts)
const countryDir = packageDir('@ip-location-db/geo-whois-asn-country-mmdb');
cpSync(join(countryDir, 'geo-whois-asn-country.mmdb'), join(out, 'geo-whois-asn-country.mmdb'));
cpSync(join(countryDir, 'NRO_LICENSE'), join(out, 'geo-whois-asn-country.NRO_LICENSE'));

cpSync(join(root, 'LICENSE'), join(out, 'LICENSE'));
for (const file of ['nodescope-proxy.service', 'nodescope.sysusers', 'proxy.example.yaml', 'INSTALL.md', 'Dockerfile']) cpSync(join(here, file), join(out, file));

const bundled = Object.keys(result.metafile.inputs).filter((p) => p.includes('node_modules/'));
// the innermost node_modules/<package> of each input file
const packages = [...new Set(bundled.map((p) => [...p.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1)[1]))].sort();
writeFileSync(
  join(out, 'THIRD_PARTY.md'),
  `# Third-party code in this release\n\nBundled into nodescope-proxy.mjs (licence texts in THIRD_PARTY_LICENSES.txt):\n\n${packages
    .map((p) => {
      const { version, license } = manifest(packageDir(p, join(root, bundled.find((file) => file.includes(`node_modules/${p}/`)))));
      return `- ${p}@${version} (${license ?? 'see the package'})`;
    })
    .join('\n')}\n\nBeside it: node_modules/zeromq (MIT; libzmq MPL-2.0), node_modules/cmake-ts (MIT),\ngeo-whois-asn-country.mmdb (@ip-location-db/geo-whois-asn-country-mmdb, package CC0-1.0;\ndata © NRO, CC BY 4.0: see geo-whois-asn-country.NRO_LICENSE).\n`
);

// every bundled package's own licence file, as MIT and the others ask
const licences = packages.map((p) => {
  const dir = packageDir(p, join(root, bundled.find((file) => file.includes(`node_modules/${p}/`))));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  return `==== ${p}@${manifest(dir).version} ====\n${file ? readFileSync(join(dir, file), 'utf8').trim() : `licence: ${manifest(dir).license ?? 'unknown'} (no licence file in the package)`}\n`;
});
writeFileSync(join(out, 'THIRD_PARTY_LICENSES.txt'), licences.join('\n'));

if (!values['no-tar']) {
  const tarball = join(here, 'dist', `${name}.tar.gz`);
  execFileSync('tar', ['-czf', tarball, '-C', join(here, 'dist'), name]);
  const sum = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  writeFileSync(`${tarball}.sha256`, `${sum}  ${name}.tar.gz\n`);
  console.log(`${relative(root, tarball)}\n${relative(root, tarball)}.sha256`);
}
console.log(`${relative(root, out)}/nodescope-proxy.mjs (${packages.length} packages bundled)`);
if (!existsSync(join(out, 'node_modules/zeromq/build', os))) console.warn(`warning: zeromq ships no prebuilt addon for ${os}`);
