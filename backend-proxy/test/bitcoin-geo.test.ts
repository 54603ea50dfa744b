// Peer geolocation: address classification, mmdb lookups (databases built here in the real
// format and read by mmdb-lib), and network.peers against the simulator with geo columns.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { frameColumn, PEER_FIELDS } from '@nodescope/shared';
import { Reader } from 'mmdb-lib';
import { describe, expect, it } from 'vitest';
import { classifyPeerAddress, defaultCountryDb, GeoLookup, hostOf } from '../src/sources/bitcoin/geo.js';
import { COUNTRY_CENTROIDS } from '../src/sources/bitcoin/geodata/countryCentroids.js';
import { bitcoinSourceState } from '../src/sources/bitcoin/index.js';
import { buildMmdb, simulatorGeoDatabases } from './bitcoin-mmdb.js';
import {
  createRegtestSource,
  NO_GEOLOCATION,
  queryFrame,
  simulatorRpc,
  startRegtestSimulator,
} from './bitcoinHarness.js';
import { cleanupAfterEach, createTestContext, tempDir } from './helpers.js';

const cleanups = cleanupAfterEach();

async function writeDatabases(): Promise<{ cityDb: string; asnDb: string }> {
  const dir = await tempDir('nodescope-geo-');
  cleanups.push(() => dir.remove());
  const { city, asn } = simulatorGeoDatabases();
  const cityDb = join(dir.path, 'city.mmdb');
  const asnDb = join(dir.path, 'asn.mmdb');
  await writeFile(cityDb, city);
  await writeFile(asnDb, asn);
  return { cityDb, asnDb };
}

describe('classifyPeerAddress', () => {
  it.each([
    ['95.216.1.2:8333', undefined, '95.216.1.2', null],
    ['[2a01:4f8:10a::2]:8333', undefined, '2a01:4f8:10a::2', null],
    ['[::ffff:95.216.1.2]:8333', undefined, '95.216.1.2', null],
    ['10.1.2.3:8333', undefined, null, 'private'],
    ['172.20.0.5:8333', undefined, null, 'private'],
    ['192.168.1.10:8333', undefined, null, 'private'],
    ['100.64.3.4:8333', undefined, null, 'private'],
    ['127.0.0.1:18444', undefined, null, 'loopback'],
    ['169.254.1.1:8333', undefined, null, 'link-local'],
    ['203.0.113.7:8333', undefined, null, 'documentation'],
    ['[::1]:8333', undefined, null, 'loopback'],
    ['[fe80::1]:8333', undefined, null, 'link-local'],
    ['[fd12:3456::1]:8333', undefined, null, 'private'],
    ['[fc32:17ea:e415:c3bf:9808:149d:b5a2:c9aa]:8333', undefined, null, 'cjdns'],
    ['[::ffff:192.168.1.1]:8333', undefined, null, 'private'],
    ['vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd.onion:8333', undefined, null, 'onion'],
    ['ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p:0', undefined, null, 'i2p'],
    // Core's own network label wins, whatever the address looks like
    ['95.216.1.2:8333', 'not_publicly_routable', null, 'private'],
    ['95.216.1.2:8333', 'onion', null, 'onion'],
  ])('%s (%s) -> ip %s, reason %s', (addr, network, ip, reason) => {
    expect(classifyPeerAddress(addr, network)).toEqual({ ip, reason });
  });

  it('finds the host of every address form', () => {
    expect(hostOf('1.2.3.4:8333')).toBe('1.2.3.4');
    expect(hostOf('[2001:db8::1]:8333')).toBe('2001:db8::1');
    expect(hostOf('x.onion:8333')).toBe('x.onion');
  });
});

describe('GeoLookup', () => {
  it('the test writer produces databases a MaxMind reader accepts', () => {
    const db = buildMmdb('GeoLite2-ASN', [
      ['1.2.3.0/24', { autonomous_system_number: 64500, autonomous_system_organization: 'Example' }],
    ]);
    const reader = new Reader(db);
    expect(reader.metadata.databaseType).toBe('GeoLite2-ASN');
    expect(reader.get('1.2.3.77')).toEqual({
      autonomous_system_number: 64500,
      autonomous_system_organization: 'Example',
    });
    expect(reader.get('1.2.4.1')).toBeNull();
  });

  it('looks up public addresses only, caching each', async () => {
    const geo = await GeoLookup.open(await writeDatabases());
    expect(geo.lookup('95.216.33.4:8333', 'ipv4')).toEqual({
      lat: 50.4779,
      lon: 12.3713,
      country: 'DE',
      city: 'Falkenstein',
      asn: 24940,
      org: 'Hetzner Online GmbH',
    });
    expect(geo.lookup('[2001:41d0:8:1::5]:8333', 'ipv6')).toMatchObject({ country: 'FR', city: 'Roubaix', asn: 16276 });
    expect(geo.lookup('8.8.8.8:8333', 'ipv4')).toEqual(NO_GEOLOCATION);
    for (const [addr, network] of [
      ['10.0.0.1:8333', 'not_publicly_routable'],
      ['192.168.0.2:8333', undefined],
      ['abc.onion:8333', 'onion'],
      ['abc.b32.i2p:0', 'i2p'],
      ['[fc00::1]:8333', 'cjdns'],
    ] as const) {
      expect(geo.lookup(addr, network).country).toBeNull();
    }
    expect([...geo.lookedUp]).toEqual(['95.216.33.4', '2001:41d0:8:1::5', '8.8.8.8']);
    geo.lookup('95.216.33.4:8333', 'ipv4');
    expect(geo.lookedUp.size).toBe(3);
  });
});

describe('network.peers with geolocation', () => {
  it('adds lat, lon, country, city, asn and org to public peers and never looks up the others', async () => {
    const files = await writeDatabases();
    const sim = await startRegtestSimulator(cleanups, { seed: 7, peers: 12 });
    const source = createRegtestSource(cleanups, createTestContext(), simulatorRpc(sim), { geoip: files });
    const frame = await queryFrame(source, 'network.peers');
    const networks = frameColumn<string>(frame, PEER_FIELDS.network)!;
    const addresses = frameColumn<string>(frame, PEER_FIELDS.address)!;
    const countries = frameColumn<string | null>(frame, PEER_FIELDS.country)!;
    const lats = frameColumn<number | null>(frame, PEER_FIELDS.lat)!;
    const asns = frameColumn<number | null>(frame, PEER_FIELDS.asn)!;
    expect(new Set(networks)).toEqual(new Set(['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns', 'not_publicly_routable']));
    networks.forEach((network, i) => {
      if (network === 'ipv4' || network === 'ipv6') {
        expect(countries[i], addresses[i]).toMatch(/^[A-Z]{2}$/);
        expect(typeof lats[i]).toBe('number');
        expect(asns[i]).toBeGreaterThan(0);
      } else {
        expect(countries[i]).toBeNull();
        expect(lats[i]).toBeNull();
      }
    });
    const looked = [...(await bitcoinSourceState(source)!.geo())!.lookedUp];
    const publicHosts = addresses.filter((_a, i) => networks[i] === 'ipv4' || networks[i] === 'ipv6').map(hostOf);
    expect(new Set(looked)).toEqual(new Set(publicHosts));
  });

  it('a missing database degrades health and leaves the columns empty', async () => {
    const sim = await startRegtestSimulator(cleanups, { seed: 7, peers: 4 });
    const source = createRegtestSource(cleanups, createTestContext(), simulatorRpc(sim), {
      geoip: { cityDb: '/nonexistent/city.mmdb' },
    });
    const frame = await queryFrame(source, 'network.peers');
    expect(frameColumn(frame, PEER_FIELDS.country)!.every((c) => c === null)).toBe(true);
    expect(source.health().components?.geoip?.message).toMatch(/geoip database not readable/);
  });
});

// The default a fresh config gets: the country database from npm
// (@ip-location-db/geo-whois-asn-country-mmdb@2.3.2026061719, RIR/NRO data under CC BY 4.0) and
// each country at its Natural Earth centroid. Expected countries are the networks' registrations
// in the RIRs' own databases (RIPE NCC's 193.0.0.0/21 in Amsterdam, LACNIC's 200.3.12.0/22 in
// Montevideo, Google's 8.8.8.0/24 at ARIN); expected boxes are each country's extent.
describe('default peer geolocation (no geoip in the config)', () => {
  const within = (point: readonly [number, number] | undefined, [south, north, west, east]: number[]) =>
    !!point && point[0] >= south! && point[0] <= north! && point[1] >= west! && point[1] <= east!;

  it('ships a country database and places a country at a point inside it', async () => {
    const file = defaultCountryDb();
    expect(file).toMatch(/geo-whois-asn-country\.mmdb$/);
    const geo = await GeoLookup.open({ countryDb: file });
    for (const [addr, country, box] of [
      ['193.0.0.1:8333', 'NL', [50.75, 53.56, 3.36, 7.23]],
      ['200.3.14.10:8333', 'UY', [-35.0, -30.08, -58.45, -53.07]],
      ['8.8.8.8:8333', 'US', [24.5, 49.4, -124.8, -66.9]],
    ] as const) {
      const found = geo.lookup(addr, 'ipv4');
      expect(found.country, addr).toBe(country);
      expect(within([found.lat!, found.lon!], [...box]), `${addr} at ${found.lat},${found.lon}`).toBe(true);
      expect(found).toMatchObject({ city: null, asn: null });
    }
    // territories Natural Earth draws inside another country still get their own point
    expect(within(COUNTRY_CENTROIDS.RE, [-21.4, -20.87, 55.2, 55.84])).toBe(true); // Réunion, not mainland France
    expect(within(COUNTRY_CENTROIDS.FR, [42.3, 51.1, -4.8, 8.2])).toBe(true); // France's largest polygon
  });

  it('a fresh config places every public peer and no other', async () => {
    const sim = await startRegtestSimulator(cleanups, { seed: 7, peers: 16 });
    const source = createRegtestSource(cleanups, createTestContext(), simulatorRpc(sim));
    const frame = await queryFrame(source, 'network.peers');
    const networks = frameColumn<string>(frame, PEER_FIELDS.network)!;
    const countries = frameColumn<string | null>(frame, PEER_FIELDS.country)!;
    const lats = frameColumn<number | null>(frame, PEER_FIELDS.lat)!;
    const lons = frameColumn<number | null>(frame, PEER_FIELDS.lon)!;
    let placed = 0;
    networks.forEach((network, i) => {
      if (network === 'ipv4' || network === 'ipv6') {
        expect(countries[i]).toMatch(/^[A-Z]{2}$/);
        expect([lats[i], lons[i]]).toEqual(COUNTRY_CENTROIDS[countries[i]!]);
        placed++;
      } else {
        expect([countries[i], lats[i], lons[i]]).toEqual([null, null, null]);
      }
    });
    expect(placed).toBeGreaterThan(0);
    expect(source.health().components?.geoip).toBeUndefined();
  });

  it('geoip: false turns lookups off', async () => {
    const sim = await startRegtestSimulator(cleanups, { seed: 7, peers: 4 });
    const source = createRegtestSource(cleanups, createTestContext(), simulatorRpc(sim), { geoip: false });
    const frame = await queryFrame(source, 'network.peers');
    expect(frameColumn(frame, PEER_FIELDS.lat)!.every((v) => v === null)).toBe(true);
  });
});
