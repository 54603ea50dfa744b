// `npm run build:backend`: the Go backend for every platform Grafana runs on, named as Grafana
// looks it up (<executable>_<os>_<arch>[.exe], executable "gpx_nodescope" in src/plugin.json),
// static (CGO_ENABLED=0), with the flags the SDK's own mage build uses
// (grafana-plugin-sdk-go@v0.300.0 build/common.go:153-195: `-tags arrow_json_stdlib`,
// `-ldflags -w -s -X '…/build/buildinfo.buildInfoJSON={time,pluginID,version}'`, ./pkg) so the
// HTTP client's User-Agent names the plugin and version; -trimpath and no VCS stamp.
//   node scripts/build-backend.mjs [--out <dir>] [--only linux/amd64]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const EXECUTABLE = 'gpx_nodescope';
export const TARGETS = [
  ['linux', 'amd64'],
  ['linux', 'arm64'],
  ['darwin', 'arm64'],
  ['windows', 'amd64'],
];

export function binaryName(os, arch) {
  return `${EXECUTABLE}_${os}_${arch}${os === 'windows' ? '.exe' : ''}`;
}

const here = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(here, 'dist'));
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;

const go = spawnSync('go', ['version'], { encoding: 'utf8' });
if (go.status !== 0) {
  console.error('build:backend needs Go (https://go.dev/dl/); scripts/go-deps.sh checks for it');
  process.exit(1);
}
mkdirSync(out, { recursive: true });
const pluginId = JSON.parse(readFileSync(path.join(here, 'src', 'plugin.json'), 'utf8')).id;
const version = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8')).version;
const epoch = Number(process.env.SOURCE_DATE_EPOCH);
const buildInfo = JSON.stringify({ time: Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : Date.now(), pluginID: pluginId, version });
const ldflags = `-w -s -X 'github.com/grafana/grafana-plugin-sdk-go/build/buildinfo.buildInfoJSON=${buildInfo}'`;
for (const [os, arch] of TARGETS.filter(([os, arch]) => !only || only === `${os}/${arch}`)) {
  const target = path.join(out, binaryName(os, arch));
  const started = Date.now();
  const result = spawnSync('go', ['build', '-trimpath', '-buildvcs=false', '-tags', 'arrow_json_stdlib', '-ldflags', ldflags, '-o', target, './pkg'], {
    cwd: here,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOOS: os, GOARCH: arch },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  console.log(`${path.relative(process.cwd(), target)} (${Date.now() - started} ms)`);
}
