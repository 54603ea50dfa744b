// network.peers frames for the tests, as the proxy writes them (shared toFrame) plus geo columns.
import { type DataFrame, dataFrameFromJSON } from '@grafana/data';
import { PEER_FIELDS as F, toFrame } from '@nodescope/shared';

export interface PeerRow {
  address: string;
  network: string;
  direction: string;
  lat?: number | null;
  lon?: number | null;
  pingMs?: number | null;
  city?: string;
  country?: string;
}

export function peersFrame(rows: PeerRow[], geo: { lat: string; lon: string } | null = { lat: F.lat, lon: F.lon }): DataFrame {
  return dataFrameFromJSON(
    toFrame('network.peers', [
      { name: F.id, type: 'number', values: rows.map((_r, i) => i) },
      { name: F.address, type: 'string', values: rows.map((r) => r.address) },
      { name: F.network, type: 'string', values: rows.map((r) => r.network) },
      { name: F.direction, type: 'string', values: rows.map((r) => r.direction) },
      { name: F.userAgent, type: 'string', values: rows.map(() => '/Satoshi:28.0.0/') },
      { name: F.pingMs, type: 'number', values: rows.map((r) => r.pingMs ?? null), unit: 'ms' },
      { name: F.bytesSent, type: 'number', values: rows.map(() => 1000), unit: 'decbytes' },
      { name: F.bytesRecv, type: 'number', values: rows.map(() => 2000), unit: 'decbytes' },
      ...(geo
        ? [
            { name: geo.lat, type: 'number' as const, values: rows.map((r) => r.lat ?? null) },
            { name: geo.lon, type: 'number' as const, values: rows.map((r) => r.lon ?? null) },
            { name: F.city, type: 'string' as const, values: rows.map((r) => r.city ?? null) },
            { name: F.country, type: 'string' as const, values: rows.map((r) => r.country ?? null) },
            { name: F.asn, type: 'number' as const, values: rows.map((r) => (r.city ? 24940 : null)) },
            { name: F.org, type: 'string' as const, values: rows.map((r) => (r.city ? 'Hetzner Online GmbH' : null)) },
          ]
        : []),
    ]) as never
  );
}

export const SAMPLE: PeerRow[] = [
  { address: '88.99.1.2:8333', network: 'ipv4', direction: 'outbound', lat: 50.1, lon: 8.7, pingMs: 22, city: 'Frankfurt', country: 'DE' },
  { address: '88.99.1.3:8333', network: 'ipv4', direction: 'inbound', lat: 50.2, lon: 8.6, pingMs: 180 },
  { address: '[2a01::1]:8333', network: 'ipv6', direction: 'inbound', lat: 39.0, lon: -77.5, pingMs: 95 },
  { address: 'abc…onion:8333', network: 'onion', direction: 'inbound', pingMs: 640 },
  { address: 'xyz…b32.i2p:0', network: 'i2p', direction: 'outbound', pingMs: 900 },
  { address: '[fc00::1]:8333', network: 'cjdns', direction: 'inbound' },
  { address: '192.168.1.7:8333', network: 'not_publicly_routable', direction: 'inbound' },
  { address: '5.6.7.8:8333', network: 'ipv4', direction: 'inbound' },
];
