// Offline peer geolocation from MaxMind-format (mmdb) files (read with mmdb-lib): by default a
// country database that ships as an npm dependency (sapics' geo-whois-asn-country, data CC BY 4.0
// by the NRO), each country placed at its centroid; optionally city and ASN databases named in
// the config (GeoLite2 or DB-IP Lite). Only public IP addresses are looked up: onion, I2P, CJDNS,
// private, loopback, link-local and documentation ranges never are, and are labelled by their
// network instead.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Reader, type AsnResponse, type CityResponse } from 'mmdb-lib';
import { COUNTRY_CENTROIDS } from './geodata/countryCentroids.js';
import { NO_GEO, type PeerGeo } from './model.js';

// the looked-up columns are the peer row's own (model.ts); re-exported for the callers of the lookup
export { NO_GEO, type PeerGeo } from './model.js';

export interface AddressClass {
  /** the IP to look up, or null when this address must not be looked up */
  ip: string | null;
  /** why not: onion | i2p | cjdns | private | loopback | link-local | documentation | unroutable */
  reason: string | null;
}

/** Host part of a Bitcoin Core peer address (`1.2.3.4:8333`, `[2001:db8::1]:8333`, `x.onion:8333`). */
export function hostOf(addr: string): string {
  if (addr.startsWith('[')) return addr.slice(1, Math.max(1, addr.indexOf(']')));
  const colons = addr.split(':').length - 1;
  return colons === 1 ? addr.slice(0, addr.lastIndexOf(':')) : addr;
}

function v4Octets(ip: string): number[] {
  return ip.split('.').map(Number);
}

function classifyV4(ip: string): string | null {
  const [a = 0, b = 0, c = 0] = v4Octets(ip);
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127))
    return 'private';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if ((a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113))
    return 'documentation';
  if (a === 0 || a >= 224 || (a === 198 && (b === 18 || b === 19))) return 'unroutable';
  return null;
}

/** Expands an IPv6 address to its 8 groups. */
function v6Groups(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  let left = parse(head);
  let right = tail === undefined ? [] : parse(tail);
  // an embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups
  const fix = (groups: string[]) =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a = 0, b = 0, c = 0, d = 0] = v4Octets(g);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  left = fix(left);
  right = fix(right);
  const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16));
}

function classifyV6(ip: string): { reason: string | null; v4: string | null } {
  const g = v6Groups(ip.toLowerCase());
  if (g.length !== 8) return { reason: 'unroutable', v4: null };
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = g;
  if (g.slice(0, 5).every((x) => x === 0) && g5 === 0xffff) {
    return { reason: null, v4: `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}` };
  }
  if (g.every((x, i) => (i < 7 ? x === 0 : x <= 1))) return { reason: g7 === 1 ? 'loopback' : 'unroutable', v4: null };
  if ((g0 & 0xff00) === 0xfc00) return { reason: 'cjdns', v4: null }; // fc00::/8, Core's CJDNS range
  if ((g0 & 0xfe00) === 0xfc00) return { reason: 'private', v4: null }; // fd00::/8 unique local
  if ((g0 & 0xffc0) === 0xfe80) return { reason: 'link-local', v4: null };
  if (g0 === 0x2001 && g1 === 0x0db8) return { reason: 'documentation', v4: null };
  if ((g0 & 0xff00) === 0xff00) return { reason: 'unroutable', v4: null };
  return { reason: null, v4: null };
}

/** Decides whether a peer address may be looked up; Core's `network` field is trusted first. */
export function classifyPeerAddress(addr: string, network?: string): AddressClass {
  if (network === 'onion' || network === 'i2p' || network === 'cjdns') return { ip: null, reason: network };
  if (network === 'not_publicly_routable') return { ip: null, reason: 'private' };
  const host = hostOf(addr);
  if (host.endsWith('.onion')) return { ip: null, reason: 'onion' };
  if (host.endsWith('.i2p')) return { ip: null, reason: 'i2p' };
  const family = isIP(host);
  if (family === 4) {
    const reason = classifyV4(host);
    return reason ? { ip: null, reason } : { ip: host, reason: null };
  }
  if (family === 6) {
    const { reason, v4 } = classifyV6(host);
    if (v4) return classifyPeerAddress(v4);
    return reason ? { ip: null, reason } : { ip: host, reason: null };
  }
  return { ip: null, reason: 'unroutable' };
}

export const COUNTRY_DB_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';
export const COUNTRY_DB_FILE = 'geo-whois-asn-country.mmdb';

/**
 * Where the default country database is: beside this module when bundled (the release bundle
 * copies it there), else in node_modules; undefined when neither exists.
 */
export function defaultCountryDb(): string | undefined {
  const beside = fileURLToPath(new URL(COUNTRY_DB_FILE, import.meta.url));
  if (existsSync(beside)) return beside;
  try {
    return createRequire(import.meta.url).resolve(`${COUNTRY_DB_PACKAGE}/${COUNTRY_DB_FILE}`);
  } catch {
    return undefined;
  }
}

export interface GeoFiles {
  cityDb?: string | undefined;
  asnDb?: string | undefined;
  countryDb?: string | undefined;
}

/** ip-location-db's country mmdb holds one field per network, not MaxMind's record shapes. */
interface CountryCodeReader {
  get(ip: string): { country_code?: string } | null;
}

/** Reads the configured databases once; lookups are cached per address (bounded). */
export class GeoLookup {
  /** every address looked up (tests prove private ones never are) */
  readonly lookedUp = new Set<string>();
  private readonly cache = new Map<string, PeerGeo>();

  private constructor(
    private readonly city: Reader<CityResponse> | null,
    private readonly asn: Reader<AsnResponse> | null,
    private readonly country: CountryCodeReader | null,
    private readonly maxCache = 10_000
  ) {}

  static async open(files: GeoFiles): Promise<GeoLookup> {
    const load = async <T extends CityResponse | AsnResponse>(file: string | undefined) =>
      file ? new Reader<T>(await readFile(file)) : null;
    return new GeoLookup(
      await load<CityResponse>(files.cityDb),
      await load<AsnResponse>(files.asnDb),
      (await load<CityResponse>(files.countryDb)) as CountryCodeReader | null
    );
  }

  get enabled(): boolean {
    return this.city !== null || this.asn !== null || this.country !== null;
  }

  lookup(addr: string, network?: string): PeerGeo {
    const { ip } = classifyPeerAddress(addr, network);
    if (!ip || !this.enabled) return NO_GEO;
    const hit = this.cache.get(ip);
    if (hit) return hit;
    this.lookedUp.add(ip);
    const city = this.city?.get(ip) ?? null;
    const asn = this.asn?.get(ip) ?? null;
    const country = city?.country?.iso_code ?? city?.registered_country?.iso_code ?? this.country?.get(ip)?.country_code ?? null;
    // a city database's own point when it has one; otherwise the country's centroid
    const centroid = country ? COUNTRY_CENTROIDS[country.toUpperCase()] : undefined;
    const located = city?.location?.latitude !== undefined && city?.location?.longitude !== undefined;
    const geo: PeerGeo = {
      lat: located ? city!.location!.latitude : (centroid?.[0] ?? null),
      lon: located ? city!.location!.longitude : (centroid?.[1] ?? null),
      country,
      city: city?.city?.names?.en ?? null,
      asn: asn?.autonomous_system_number ?? null,
      org: asn?.autonomous_system_organization ?? null,
    };
    if (this.cache.size >= this.maxCache) this.cache.clear();
    this.cache.set(ip, geo);
    return geo;
  }
}
