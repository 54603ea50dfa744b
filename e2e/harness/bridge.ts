// The datasource's Go backend for the harness: builds gpx_nodescope with the release build
// (plugins/datasource/scripts/build-backend.mjs, as the Go launch test does) and the
// grafana-bridge (e2e/grafana-bridge), then runs the bridge, which launches the binary as Grafana
// does and serves /api/ds/query, /api/datasources/uid/<uid>/health and …/resources/* on it.
// Both land in e2e/.cache/backend; Go's build cache makes a warm build a few seconds.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(REPO, 'e2e/.cache/backend');
/** A cold Go cache compiles the SDK, Arrow and gRPC (measured ~4 min on 2 cores); warm: seconds. */
export const BACKEND_BUILD_TIMEOUT_MS = 12 * 60_000;
/** How long the bridge may take to launch the plugin and listen. */
const START_TIMEOUT_MS = 60_000;

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
const GOOS: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };

export interface BackendBridge {
  url: string;
  /** what saving the datasource does in Grafana: the plugin gets new settings (a new instance) */
  updateSettings(jsonData: Record<string, unknown>, secureJsonData: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

let built: Promise<{ plugin: string; bridge: string }> | undefined;

/** Builds the plugin binary and the bridge once per process. */
export function buildBackend(): Promise<{ plugin: string; bridge: string }> {
  built ??= (async () => {
    const goos = GOOS[process.platform];
    const goarch = GOARCH[process.arch];
    if (!goos || !goarch) throw new Error(`no gpx_nodescope build for ${process.platform}/${process.arch}`);
    mkdirSync(OUT, { recursive: true });
    const run = promisify(execFile);
    const options = { cwd: REPO, timeout: BACKEND_BUILD_TIMEOUT_MS, maxBuffer: 16 << 20 };
    const exe = goos === 'windows' ? '.exe' : '';
    // the two builds share most packages; one after the other so the second reuses the cache
    await run(process.execPath, ['plugins/datasource/scripts/build-backend.mjs', '--out', OUT, '--only', `${goos}/${goarch}`], options).catch((error: unknown) => {
      built = undefined;
      throw new Error(`building gpx_nodescope: ${String((error as { stderr?: string }).stderr || error)}`);
    });
    const bridge = path.join(OUT, `grafana-bridge${exe}`);
    // the release build's -trimpath and tag, so the SDK, Arrow and gRPC packages come from its cache
    await run('go', ['build', '-trimpath', '-tags', 'arrow_json_stdlib', '-o', bridge, './cmd/grafana-bridge'], { ...options, cwd: path.join(REPO, 'e2e/grafana-bridge') }).catch((error: unknown) => {
      built = undefined;
      throw new Error(`building grafana-bridge: ${String((error as { stderr?: string }).stderr || error)}`);
    });
    return { plugin: path.join(OUT, `gpx_nodescope_${goos}_${goarch}${exe}`), bridge };
  })();
  return built;
}

export async function startBackendBridge(options: { proxyUrl: string; apiKey?: string; uid?: string }): Promise<BackendBridge> {
  const { plugin, bridge } = await buildBackend();
  const args = ['--plugin', plugin, '--proxy-url', options.proxyUrl, '--uid', options.uid ?? 'nodescope', '--listen', '127.0.0.1:0'];
  // the key through the environment, not the command line (visible to ps)
  const child = spawn(bridge, args, { env: { ...process.env, NODESCOPE_API_KEY: options.apiKey ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(`grafana-bridge did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (message: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${message}\n${stderr}`));
    };
    child.once('error', (error) => fail(String(error)));
    child.once('exit', (code) => fail(`grafana-bridge exited with ${code}`));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /grafana-bridge on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(match[1]!);
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    async updateSettings(jsonData, secureJsonData) {
      const response = await fetch(`${url}/bridge/settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonData, secureJsonData }),
      });
      if (!response.ok) throw new Error(`grafana-bridge settings: HTTP ${response.status} ${await response.text()}`);
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM: the bridge kills the plugin process on its way out
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Which harness paths belong to the backend (Grafana's datasource API on the plugin). */
export function isBackendPath(pathname: string): boolean {
  return pathname === '/api/ds/query' || /^\/api\/datasources\/uid\/[^/]+\/(health$|resources(\/|$))/.test(pathname);
}
