// The release artifact a user installs without the repository (deploy/release/bundle.mjs): built
// here, copied outside the checkout (so nothing resolves from the repository's node_modules), and
// run as the systemd unit and the image would run it: --version, --check, then against a bitcoind
// simulator over RPC and ZMQ, which loads the ZeroMQ native addon shipped beside the bundle. The
// unit is checked by systemd's own `systemd-analyze verify`; the Dockerfile against the bundle's
// folder (no engine here to build it).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBitcoinSimulator, type BitcoinSimulator } from '../../backend-proxy/src/simulators/bitcoin/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const version = (JSON.parse(readFileSync(join(root, 'backend-proxy/package.json'), 'utf8')) as { version: string }).version;
const name = `nodescope-proxy-${version}-linux-x64`;
const built = join(root, 'deploy/release/dist', name);

let dir: string;
let bundle: string;

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, cwd: dir, timeout: 30_000 });

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'deploy/release/bundle.mjs'), '--platform', 'linux-x64'], { cwd: root, stdio: 'pipe' });
  dir = mkdtempSync(join(tmpdir(), 'nodescope-release-'));
  cpSync(built, join(dir, 'opt'), { recursive: true });
  bundle = join(dir, 'opt/nodescope-proxy.mjs');
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('release bundle', () => {
  it('is one executable file plus the native addon, the country database and the licences', () => {
    expect(statSync(bundle).mode & 0o111).not.toBe(0);
    for (const file of ['geo-whois-asn-country.mmdb', 'THIRD_PARTY.md', 'THIRD_PARTY_LICENSES.txt', 'LICENSE', 'nodescope-proxy.service', 'Dockerfile', 'INSTALL.md', 'ioWorker.js']) {
      expect(existsSync(join(dir, 'opt', file)), file).toBe(true);
    }
    expect(existsSync(join(dir, 'opt/node_modules/zeromq/build/linux/x64'))).toBe(true);
    expect(existsSync(join(dir, 'opt/node_modules/zeromq/build/darwin'))).toBe(false);
    // nothing else from npm: fastify, pino, zod … are inside the bundle
    expect(existsSync(join(dir, 'opt/node_modules/fastify'))).toBe(false);
  });

  it('its tarball verifies with sha256sum -c', () => {
    const check = spawnSync('sha256sum', ['-c', `${name}.tar.gz.sha256`], { cwd: join(root, 'deploy/release/dist'), encoding: 'utf8' });
    expect(check.stdout.trim()).toBe(`${name}.tar.gz: OK`);
    expect(check.status).toBe(0);
  });

  it('--version', () => {
    const out = run(['--version']);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`^nodescope-proxy ${version.replace(/\./g, '\\.')} \\(node `));
  });

  it('--check accepts the shipped example and refuses a wrong config with exit 1, naming what is wrong', () => {
    const ok = run(['--config', join(dir, 'opt/proxy.example.yaml'), '--check'], { NODESCOPE_API_KEY: 'release-test-key-1234' });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('config OK');
    expect(ok.stdout).toContain('btc-main (bitcoin)');
    expect(ok.status).toBe(0);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'server: { host: 0.0.0.0 }\nsources:\n  - { id: farm, kind: cgminr }\n');
    const refused = run(['--config', bad, '--check']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('sources[0] (id farm).kind: unknown kind "cgminr" (did you mean "cgminer"?)');
    expect(refused.stderr).toContain('server.apiKey: listening on 0.0.0.0 (beyond loopback) without an apiKey');
    expect(run(['--config', join(dir, 'missing.yaml'), '--check']).status).toBe(1);
  });

  describe('runs against bitcoind over RPC and ZMQ', () => {
    let sim: BitcoinSimulator;
    let proxy: ChildProcess;
    let url: string;
    let logs = '';

    beforeAll(async () => {
      sim = await startBitcoinSimulator({ network: 'regtest', zmqPort: 0, seed: 5, initialMempool: 50, peers: 12 });
      const [user, password] = sim.credentials().split(':');
      const config = join(dir, 'proxy.yaml');
      writeFileSync(
        config,
        `server: { host: 127.0.0.1, port: 0, apiKey: \${NODESCOPE_API_KEY} }
sources:
  - { id: btc, kind: bitcoin, network: regtest, pollSeconds: 0.5,
      rpc: { url: "${sim.rpcUrl}", user: ${user}, password: \${BTC_RPC_PASSWORD} }, zmq: { sequence: "${sim.zmqSequenceEndpoint}" } }
`
      );
      proxy = spawn(process.execPath, [bundle, '--config', config], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', NODESCOPE_API_KEY: 'release-test-key-1234', BTC_RPC_PASSWORD: password! },
      });
      url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${logs}`)), 20_000);
        proxy.stdout!.on('data', (chunk: Buffer) => {
          logs += chunk.toString();
          const found = /"msg":"listening on (http:\/\/[^"]+)"/.exec(logs);
          if (found) {
            clearTimeout(timer);
            resolve(found[1]!);
          }
        });
        proxy.stderr!.on('data', (chunk: Buffer) => (logs += chunk.toString()));
        proxy.once('exit', (code) => reject(new Error(`exited ${code}: ${logs}`)));
      });
    }, 60_000);

    afterAll(async () => {
      if (proxy && proxy.exitCode === null) {
        const exited = new Promise((resolve) => proxy.once('exit', resolve));
        proxy.kill('SIGTERM');
        await exited;
      }
      await sim?.close();
    });

    const query = async (name: string) => {
      const response = await fetch(`${url}/api/query`, {
        method: 'POST',
        headers: { authorization: 'Bearer release-test-key-1234', 'content-type': 'application/json' },
        body: JSON.stringify({ queries: [{ refId: 'A', sourceId: 'btc', query: name }] }),
      });
      return ((await response.json()) as { results: { A: { frames: Array<{ schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } }>; error?: string } } }).results.A;
    };
    const column = (result: Awaited<ReturnType<typeof query>>, field: string) => {
      const frame = result.frames[0]!;
      return frame.data.values[frame.schema.fields.findIndex((f) => f.name === field)]!;
    };

    it('follows the mempool over ZMQ with the addon shipped beside the bundle', async () => {
      let connected: unknown;
      for (let i = 0; i < 100 && connected !== true; i++) {
        const status = await query('zmq.status');
        connected = status.error ? undefined : column(status, 'connected')[0];
        if (connected !== true) await new Promise((r) => setTimeout(r, 200));
      }
      expect(connected, logs).toBe(true);
      sim.addTransactions(5);
      let tracked: unknown;
      for (let i = 0; i < 100 && tracked !== sim.mempoolTxids().length; i++) {
        tracked = column(await query('zmq.status'), 'mempoolTxs')[0];
        if (tracked !== sim.mempoolTxids().length) await new Promise((r) => setTimeout(r, 200));
      }
      expect(tracked).toBe(sim.mempoolTxids().length);
    });

    it('places public peers with the country database shipped beside the bundle', async () => {
      const peers = await query('network.peers');
      const networks = column(peers, 'network');
      const lats = column(peers, 'lat');
      const placed = networks.filter((n, i) => (n === 'ipv4' || n === 'ipv6') && typeof lats[i] === 'number');
      expect(placed.length).toBeGreaterThan(0);
      expect(placed.length).toBe(networks.filter((n) => n === 'ipv4' || n === 'ipv6').length);
    });

    it('logs "listening" once, as JSON lines', () => {
      expect(logs.match(/listening/gi)).toHaveLength(1);
      for (const line of logs.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
    });
  });
});

describe('systemd unit', () => {
  // systemd's own parser: unknown keys, bad values and a missing ExecStart binary are reported
  it('passes systemd-analyze verify without a warning', () => {
    const unit = join(mkdtempSync(join(tmpdir(), 'nodescope-unit-')), 'nodescope-proxy.service');
    cpSync(join(root, 'deploy/release/nodescope-proxy.service'), unit);
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8' });
    expect(result.error, 'systemd-analyze (Debian package systemd)').toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs as its dedicated user, checks the config before starting, and keeps state where the config says', () => {
    const unit = readFileSync(join(root, 'deploy/release/nodescope-proxy.service'), 'utf8');
    expect(unit).toMatch(/^User=nodescope$/m);
    expect(unit).toMatch(/^ExecStartPre=.*nodescope-proxy\.mjs --config \/etc\/nodescope\/proxy\.yaml --check$/m);
    expect(unit).toMatch(/^StateDirectory=nodescope$/m);
    expect(readFileSync(join(root, 'deploy/release/proxy.example.yaml'), 'utf8')).toContain('historyFile: /var/lib/nodescope/');
    expect(readFileSync(join(root, 'deploy/release/nodescope.sysusers'), 'utf8')).toMatch(/^u nodescope - "[^"]+" \/var\/lib\/nodescope \/usr\/sbin\/nologin$/m);
  });
});

describe('release Dockerfile', () => {
  it('copies the bundle folder and starts the bundle it contains, on a glibc base the addon fits', () => {
    const dockerfile = readFileSync(join(root, 'deploy/release/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:22-slim$/m);
    expect(dockerfile).toMatch(/^COPY \. \/opt\/nodescope-proxy\/$/m);
    const entry = /^ENTRYPOINT \["node", "\/opt\/nodescope-proxy\/([^"]+)"\]$/m.exec(dockerfile)?.[1];
    expect(entry).toBe('nodescope-proxy.mjs');
    expect(existsSync(join(built, entry!))).toBe(true);
    expect(existsSync(join(built, 'node_modules/zeromq/build/linux/x64/node/glibc-127-Release'))).toBe(true);
    expect(dockerfile).toMatch(/^USER nodescope$/m);
  });
});
