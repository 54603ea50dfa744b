import { createTheme } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PING_THRESHOLDS, palette } from './colors';
import { asLabel, readPeers } from './peers';
import { peersFrame, SAMPLE } from './testing';

describe('readPeers', () => {
  it('places peers with a position and counts the rest by network', () => {
    const set = readPeers([peersFrame(SAMPLE)])!;
    expect(set.total).toBe(8);
    expect(set.placed.map((p) => p.address)).toEqual(['88.99.1.2:8333', '88.99.1.3:8333', '[2a01::1]:8333']);
    expect(set.placed[0]).toMatchObject({ lat: 50.1, lon: 8.7, place: 'Frankfurt, DE', asn: 'AS24940 Hetzner Online GmbH', direction: 'outbound', pingMs: 22, traffic: 3000 });
    expect(set.unplaced).toEqual(
      expect.arrayContaining([
        { network: 'Tor (onion)', count: 1 },
        { network: 'I2P', count: 1 },
        { network: 'CJDNS', count: 1 },
        { network: 'Private', count: 1 },
        { network: 'IPv4, no location', count: 1 },
      ])
    );
    expect(set.pingField?.config.unit).toBe('ms');
  });

  it.each([
    ['lat / lon (nodescope)', { lat: 'lat', lon: 'lon' }],
    ['latitude / longitude', { lat: 'latitude', lon: 'longitude' }],
    ['Latitude / Longitude', { lat: 'Latitude', lon: 'Longitude' }],
    ['lat / lng', { lat: 'lat', lon: 'lng' }],
  ])('accepts position fields named %s', (_name, geo) => {
    expect(readPeers([peersFrame(SAMPLE, geo)])!.placed).toHaveLength(3);
  });

  it('a peer table without positions puts everyone in the side count', () => {
    const set = readPeers([peersFrame(SAMPLE, null)])!;
    expect(set.placed).toHaveLength(0);
    expect(set.unplaced.reduce((s, u) => s + u.count, 0)).toBe(8);
  });

  it('rejects impossible coordinates', () => {
    expect(readPeers([peersFrame([{ address: 'a', network: 'ipv4', direction: 'inbound', lat: 120, lon: 10 }])])!.placed).toHaveLength(0);
  });

  it('is undefined when no frame is a peer table', () => {
    expect(readPeers([])).toBeUndefined();
  });
});

describe('palette', () => {
  const theme = createTheme();
  const peers = readPeers([peersFrame(SAMPLE)])!.placed;
  it.each([
    ['direction', [0, 1, 1]],
    ['network', [0, 0, 1]],
    ['ping', [0, 2, 1]],
  ] as const)('colour by %s', (mode, categories) => {
    const p = palette(mode, theme, mode === 'ping' ? DEFAULT_PING_THRESHOLDS : undefined);
    expect(peers.map((peer) => p.categoryOf(peer))).toEqual(categories);
    expect(p.colors).toHaveLength(p.names.length);
  });

  it('ping buckets follow the field thresholds', () => {
    const p = palette('ping', theme, [
      { value: -Infinity, color: 'green' },
      { value: 100, color: 'red' },
    ]);
    expect(p.names).toEqual(['< 100 ms', '≥ 100 ms', 'no ping']);
    expect(peers.map((peer) => p.categoryOf(peer))).toEqual([0, 1, 0]);
  });
});

describe('asLabel', () => {
  it.each([
    [24940, 'Hetzner Online GmbH', 'AS24940 Hetzner Online GmbH'],
    [24940, '', 'AS24940'],
    [undefined, 'Hetzner Online GmbH', 'Hetzner Online GmbH'],
    ['AS16509', 'Amazon.com, Inc.', 'AS16509 Amazon.com, Inc.'],
    [Number.NaN, '', ''],
    [null, '', ''],
  ])('%s + %j -> %j', (asn, org, want) => {
    expect(asLabel(asn, org)).toBe(want);
  });
});
