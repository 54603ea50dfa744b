// What an error may say to a client. Messages from upstreams (errors, health) pass here on their
// way out: known secret values are scrubbed and node addresses — configured hosts, URLs, IP
// literals — are replaced, because the browser that shows the message must never learn where the
// nodes are (SECURITY.md). Text built from the request itself (an unknown source id, a refId) is
// NOT passed here: scrubbing it would tell a guesser which guess was a secret.
import type { FastifyReply } from 'fastify';
import type { SecretScrubber } from '../core/logger.js';

export const ADDRESS = '<upstream>';

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi;
// not inside a longer dotted number: "Stacks 3.1.0.0.13" is a version, not an address
const IPV4_PATTERN = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?!\.?\d)/g;
const IPV6_PATTERN = /\[[0-9a-f:.]+\](?::\d{1,5})?/gi;

/** Hostnames written in the config: URL hosts, `host`/`hosts` entries, `host:port` strings. */
export function collectHosts(value: unknown, out = new Set<string>(), key = ''): Set<string> {
  if (Array.isArray(value)) for (const item of value) collectHosts(item, out, key);
  else if (value && typeof value === 'object') for (const [k, item] of Object.entries(value)) collectHosts(item, out, k);
  else if (typeof value === 'string') {
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? safeUrl(value) : null;
    if (url?.hostname) out.add(url.hostname.replace(/^\[|\]$/g, ''));
    else if (/^hosts?$/i.test(key)) out.add(value.replace(/:\d+$/, ''));
    else if (/^[a-z0-9.-]+:\d{1,5}$/i.test(value)) out.add(value.replace(/:\d+$/, ''));
  }
  return out;
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class ClientText {
  private readonly hosts: RegExp | null;

  constructor(
    private readonly secrets: SecretScrubber,
    hosts: Iterable<string>
  ) {
    // longest first, so "node1.lan" wins over "lan"; bare words shorter than 3 characters are skipped
    const names = [...new Set(hosts)].filter((h) => h.length >= 3).sort((a, b) => b.length - a.length);
    this.hosts = names.length > 0 ? new RegExp(`(?<![\\w.-])(?:${names.map(escape).join('|')})(?::\\d{1,5})?(?![\\w-])`, 'gi') : null;
  }

  /** An upstream's words, safe to show in a browser. */
  upstream(text: string): string {
    let out = this.secrets.size > 0 ? this.secrets.scrub(text) : text;
    out = out.replace(URL_PATTERN, ADDRESS).replace(IPV6_PATTERN, ADDRESS).replace(IPV4_PATTERN, ADDRESS);
    if (this.hosts) out = out.replace(this.hosts, ADDRESS);
    return out;
  }
}

/** Sends upstream-derived data as JSON with every known secret value scrubbed from it. */
export type SendScrubbed = (reply: FastifyReply, value: unknown) => FastifyReply;
