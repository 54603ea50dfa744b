// Discovery: scan configured IPv4 CIDRs on one port with bounded concurrency, identify each
// answering miner via `version` (+ `devdetails` for the model). Only configured ranges are
// scanned (no SSRF through queries); progress is readable while a scan runs.
import { UpstreamError } from '../types.js';
import { CgminerStatusError, sendCommands, type ClientOptions, type MinerEndpoint, type ReplyDocument } from './client.js';
import type { ReadOnlyCommand } from './commands.js';
import { mapLimit } from './limit.js';
import { identify, type Identity } from './model.js';

type Send = (commands: ReadOnlyCommand[]) => Promise<Partial<Record<ReadOnlyCommand, ReplyDocument>>>;

/**
 * Identifies a miner with `version+devdetails` on one connection; firmware that refuses or
 * garbles the `+` form gets the two commands one by one. A miner that does not answer at all
 * throws (the caller decides: not a miner, or offline).
 */
export async function identifyMiner(send: Send): Promise<Identity> {
  try {
    const both = await send(['version', 'devdetails']);
    if (Array.isArray(both.version?.VERSION)) return identify(both.version, both.devdetails);
  } catch (error) {
    const answered = error instanceof CgminerStatusError || (error instanceof UpstreamError && error.code === 'bad-json');
    if (!answered) throw error;
  }
  const version = await send(['version']);
  const details = await send(['devdetails']).catch(() => undefined);
  return identify(version.version, details?.devdetails);
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
