// Starts a real lnd (v0.18.3-beta.rc3, the newest tag the Go module proxy serves, built by
// scripts/go-deps.sh) on loopback with ephemeral ports, for the tests that hold the lightning source
// and the lnd simulator against the real REST gateway. No chain is needed for what is compared:
// `--bitcoin.node=nochainbackend` (lightningnetwork/lnd@v0.18.3-beta.rc3:chainreg/chainregistry.go:672-686)
// and `--noseedbackup` (a wallet without a seed prompt, so readonly.macaroon is written at once).
// The binary is $NODESCOPE_TOOLS/lnd, else ~/.cache/nodescope/bin/lnd; missing, it is an error
// that names the install command, never a skip.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, supervise, toolPath } from './realBinary.js';

export const LND_VERSION = '0.18.3-beta.rc3';
export const LND_BIN = toolPath('lnd');

export function requireLnd(): string {
  const install = `run scripts/go-deps.sh (builds lnd v${LND_VERSION} from the Go module proxy into ${join(LND_BIN, '..')})`;
  if (!existsSync(LND_BIN)) throw new Error(`lnd not found at ${LND_BIN}: ${install}`);
  const version = spawnSync(LND_BIN, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  if (!version.includes(`version ${LND_VERSION}`))
    throw new Error(`${LND_BIN} is not lnd ${LND_VERSION} (${version.trim() || 'no version'}): ${install}`);
  return LND_BIN;
}

export interface RawAnswer {
  status: number;
  body: unknown;
}

export interface LndReal {
  restUrl: string;
  tlsCertFile: string;
  tlsCert: string;
  /** readonly.macaroon as hex */
  readonlyMacaroonHex: string;
  /** an HTTP exchange with no allow-list (tests also send what the proxy must never send) */
  raw(method: string, path: string, options?: { macaroonHex?: string | null; body?: unknown }): Promise<RawAnswer>;
  log(): string;
  stop(): Promise<void>;
}

export async function startLndReal(): Promise<LndReal> {
  const bin = requireLnd();
  const dir = await mkdtemp(join(tmpdir(), 'nodescope-lnd-'));
  const [rpc, rest, p2p] = [await freePort(), await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    bin,
    [
      `--lnddir=${dir}`,
      '--bitcoin.regtest',
      '--bitcoin.node=nochainbackend',
      '--noseedbackup',
      '--nobootstrap',
      `--rpclisten=127.0.0.1:${rpc}`,
      `--restlisten=127.0.0.1:${rest}`,
      `--listen=127.0.0.1:${p2p}`,
      '--tlsdisableautofill',
      '--debuglevel=info',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  const { stop } = supervise(child, dir, 15_000);
  const certFile = join(dir, 'tls.cert');
  const macFile = join(dir, 'data', 'chain', 'bitcoin', 'regtest', 'readonly.macaroon');
  const deadline = Date.now() + 90_000;
  while (!(existsSync(certFile) && existsSync(macFile))) {
    if (child.exitCode !== null) throw new Error(`lnd exited (${child.exitCode}):\n${output.slice(-3000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`lnd wrote no tls.cert/readonly.macaroon in 90 s:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const tlsCert = readFileSync(certFile, 'utf8');
  const macaroonHex = readFileSync(macFile).toString('hex');
  const raw = (
    method: string,
    path: string,
    options: { macaroonHex?: string | null; body?: unknown } = {}
  ): Promise<RawAnswer> =>
    new Promise((resolve, reject) => {
      const body = options.body === undefined ? null : JSON.stringify(options.body);
      const mac = options.macaroonHex === undefined ? macaroonHex : options.macaroonHex;
      const request = https.request(
        {
          host: '127.0.0.1',
          port: rest,
          path,
          method,
          ca: tlsCert,
          headers: {
            ...(mac ? { 'Grpc-Metadata-macaroon': mac } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          timeout: 10_000,
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (c: string) => (text += c));
          response.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // kept as text
            }
            resolve({ status: response.statusCode ?? 0, body: parsed });
          });
        }
      );
      request.on('error', reject);
      request.end(body ?? undefined);
    });
  // ready when the RPC server (not only the unlocker) answers getinfo
  for (;;) {
    const answer = await raw('GET', '/v1/getinfo').catch(() => null);
    if (answer?.status === 200) break;
    if (child.exitCode !== null) throw new Error(`lnd exited (${child.exitCode}):\n${output.slice(-3000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`lnd REST not ready in 90 s (last: ${JSON.stringify(answer)}):\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    restUrl: `https://127.0.0.1:${rest}`,
    tlsCertFile: certFile,
    tlsCert,
    readonlyMacaroonHex: macaroonHex,
    raw,
    log: () => output,
    stop,
  };
}
