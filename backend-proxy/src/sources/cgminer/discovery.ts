// Discovery: scan configured IPv4 CIDRs on one port with bounded concurrency, identify each
// answering miner via `version` (+ `devdetails` for the model). Only configured ranges are
// scanned (no SSRF through queries); progress is readable while a scan runs.
import { UpstreamError } from '../types.js';
import { CgminerStatusError, sendCommands, type ClientOptions, type MinerEndpoint, type ReplyDocument } from './client.js';
import type { ReadOnlyCommand } from './commands.js';
import { mapLimit } from './limit.js';
import { identify, type Identity } from './model.js';
import { speaksV3 } from './btminerV3.js';

type Send = (commands: ReadOnlyCommand[]) => Promise<Partial<Record<ReadOnlyCommand, ReplyDocument>>>;

/** The miner answered (with a refusal or broken JSON): it is there, just not with this command. */
function answered(error: unknown): boolean {
  return error instanceof CgminerStatusError || (error instanceof UpstreamError && error.code === 'bad-json');
}

/**
 * Identifies a miner as pyasic and asic-rs do: `version` and `devdetails`
 * (pyasic@0.79.0:pyasic/miners/factory.py:951 sends both; 256foundation/asic-rs@fdcd101:
 * asic-rs-core/src/discovery.rs:3-10). First as one `version+devdetails` request, then one by
 * one when the firmware refuses or garbles the `+` form. Whatsminer's btminer has no `version`:
 * it answers `{"STATUS":"E","Code":14,"Msg":"invalid cmd","Description":"whatsminer v1.1"}`,
 * so the refusal's Description, or `devdetails` Driver `bitmicro`
 * (pyasic@0.79.0:pyasic/miners/factory.py:1072-1073), names it; its firmware version comes
 * from btminer's own `get_version` (`Msg.fw_ver`, pyasic@0.79.0:pyasic/miners/factory.py:1356-1361).
 * A miner that answers neither command throws (the caller decides: not a miner, or offline).
 */
export async function identifyMiner(send: Send): Promise<Identity> {
  let identity: Identity | undefined;
  try {
    const both = await send(['version', 'devdetails']);
    // a member the miner refused is left out: devdetails alone (Driver `bitmicro`) still names a Whatsminer
    if (Array.isArray(both.version?.VERSION) || Array.isArray(both.devdetails?.DEVDETAILS)) identity = identify(both.version, both.devdetails);
  } catch (error) {
    if (!answered(error)) throw error;
  }
  if (!identity) {
    let refusal: CgminerStatusError | undefined;
    const version = await send(['version']).then(
      (docs) => docs.version,
      (error: unknown) => {
        if (!answered(error)) throw error;
        if (error instanceof CgminerStatusError) refusal = error;
        return undefined;
      }
    );
    const details = (await send(['devdetails']).catch(() => undefined))?.devdetails;
    if (!version && !details) {
      throw refusal ?? new UpstreamError('the miner answered neither version nor devdetails', 'not-a-miner');
    }
    identity = identify(version, details, refusal?.description);
  }
  if (identity.flavour === 'whatsminer' && !identity.firmware) {
    const reply = await send(['get_version']).catch(() => undefined);
    identity = { ...identity, firmware: btminerFirmware(reply?.get_version) };
  }
  // firmware from 2024-11 on is read over API v3 (port 4433), as asic-rs and pyasic decide
  // from the same `get_version` fw_ver (btminerV3.ts `speaksV3`)
  if (identity.flavour === 'whatsminer' && speaksV3(identity.firmware)) identity = { ...identity, flavour: 'whatsminer-v3' };
  return identity;
}

/** `get_version` answers `{"STATUS":"S","Code":131,"Msg":{"api_ver":…,"fw_ver":"20210322.22.REL"}}`. */
function btminerFirmware(document: ReplyDocument | undefined): string | null {
  const msg = document?.Msg;
  if (typeof msg !== 'object' || msg === null) return null;
  const version = (msg as Record<string, unknown>).fw_ver;
  return typeof version === 'string' && version !== '' ? version.slice(0, 100) : null;
}

export interface Cidr {
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d/n` (n from 16 to 32, so one range is at most 65,536 addresses). */
export function parseCidr(text: string): Cidr | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) return null;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 32) return null;
  const address = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (address & mask) >>> 0, prefix };
}

function toDotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Host addresses of a range: network and broadcast addresses are skipped below /31. */
export function cidrHosts(cidr: Cidr): string[] {
  const size = 2 ** (32 - cidr.prefix);
  const first = cidr.prefix >= 31 ? 0 : 1;
  const last = cidr.prefix >= 31 ? size - 1 : size - 2;
  const hosts: string[] = [];
  for (let i = first; i <= last; i++) hosts.push(toDotted((cidr.base + i) >>> 0));
  return hosts;
}

export interface DiscoveryProgress {
  running: boolean;
  scanned: number;
  total: number;
  found: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface FoundMiner extends MinerEndpoint, Identity {}

export async function scanRanges(
  cidrs: string[],
  port: number,
  options: { concurrency: number; client: ClientOptions; progress: DiscoveryProgress; now?: () => number }
): Promise<FoundMiner[]> {
  const now = options.now ?? Date.now;
  const hosts = [...new Set(cidrs.flatMap((c) => {
    const parsed = parseCidr(c);
    return parsed ? cidrHosts(parsed) : [];
  }))];
  const progress = options.progress;
  Object.assign(progress, { running: true, scanned: 0, total: hosts.length, found: 0, startedAt: now(), finishedAt: null });
  const found: FoundMiner[] = [];
  try {
    await mapLimit(hosts, options.concurrency, async (host) => {
      try {
        const endpoint = { host, port };
        const identity = await identifyMiner(async (commands) => (await sendCommands(endpoint, commands, options.client)).documents);
        found.push({ ...endpoint, ...identity });
        progress.found++;
      } catch {
        // nothing listening, or not a CGMiner API: not a miner
      } finally {
        progress.scanned++;
      }
    });
  } finally {
    progress.running = false;
    progress.finishedAt = now();
  }
  return found.sort((a, b) => compareHosts(a.host, b.host));
}

function compareHosts(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
