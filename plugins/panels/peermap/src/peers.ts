// Frames -> peers on the map. Any frame with latitude/longitude fields works (nodescope
// `network.peers` with geo columns, a table from another datasource); rows without a position
// (onion, i2p, cjdns, private addresses, unknown geo) are counted by network for the side column.
import { type DataFrame, type Field, FieldType } from '@grafana/data';
import { PEER_FIELDS } from '@nodescope/shared';

export interface Peer {
  row: number;
  lat: number;
  lon: number;
  address: string;
  network: string;
  direction: string;
  connectionType: string;
  userAgent: string;
  pingMs: number | null;
  traffic: number | null;
  bytesSent: number | null;
  bytesRecv: number | null;
  place: string;
  asn: string;
}

export interface PeerSet {
  placed: Peer[];
  /** count of rows without a position, by a readable network name */
  unplaced: Array<{ network: string; count: number }>;
  total: number;
  /** the ping field (its config formats ms and carries thresholds), when present */
  pingField?: Field;
  trafficField?: Field;
}

// nodescope's network.peers writes PEER_FIELDS.lat / lon; other tables often spell them out
const LAT = /^(lat|latitude)$/i;
const LON = /^(lon|lng|long|longitude)$/i;

const UNPLACED_NAMES: Record<string, string> = {
  onion: 'Tor (onion)',
  i2p: 'I2P',
  cjdns: 'CJDNS',
  not_publicly_routable: 'Private',
  private: 'Private',
  ipv4: 'IPv4, no location',
  ipv6: 'IPv6, no location',
};

export function hasPositions(frame: DataFrame): boolean {
  return frame.fields.some((f) => LAT.test(f.name)) && frame.fields.some((f) => LON.test(f.name));
}

function isPeerTable(frame: DataFrame): boolean {
  return hasPositions(frame) || frame.name === 'network.peers' || frame.fields.some((f) => f.name === PEER_FIELDS.network);
}

const finite = (v: unknown): number | null => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** `AS24940 Hetzner Online GmbH` from an AS number (or text) and its organisation. */
export function asLabel(asn: unknown, org: string): string {
  const number = typeof asn === 'number' && Number.isFinite(asn) ? `AS${asn}` : typeof asn === 'string' ? asn : '';
  return joinNonEmpty(number, org, ' ');
}

// `a + sep + b` without the separator around an empty part (no array per peer: 10,000 rows)
function joinNonEmpty(a: string, b: string, separator: string): string {
  return a && b ? a + separator + b : a || b;
}

export function readPeers(frames: DataFrame[]): PeerSet | undefined {
  const tables = frames.filter(isPeerTable);
  if (tables.length === 0) return undefined;
  const placed: Peer[] = [];
  const unplaced = new Map<string, number>();
  let total = 0;
  let pingField: Field | undefined;
  let trafficField: Field | undefined;
  for (const frame of tables) {
    const field = (test: RegExp | string) => frame.fields.find((f) => (typeof test === 'string' ? f.name === test : test.test(f.name)));
    const lat = field(PEER_FIELDS.lat) ?? field(LAT);
    const lon = field(PEER_FIELDS.lon) ?? field(LON);
    const text = (f: Field | undefined, i: number) => (f?.values[i] == null ? '' : String(f.values[i]));
    const address = field(PEER_FIELDS.address) ?? field(/^(addr|ip|host)$/i);
    const network = field(PEER_FIELDS.network);
    const direction = field(PEER_FIELDS.direction) ?? field(/^inbound$/i);
    const connectionType = field(PEER_FIELDS.connectionType);
    const userAgent = field(PEER_FIELDS.userAgent) ?? field(/^subver$/i);
    const ping = field(PEER_FIELDS.pingMs) ?? field(/^ping/i);
    const sent = field(PEER_FIELDS.bytesSent);
    const recv = field(PEER_FIELDS.bytesRecv);
    const city = field(PEER_FIELDS.city) ?? field(/^city$/i);
    const country = field(PEER_FIELDS.country) ?? field(/^(country|countryCode)$/i);
    const asn = field(PEER_FIELDS.asn) ?? field(/^as$/i);
    const org = field(PEER_FIELDS.org) ?? field(/^(asOrg|isp)$/i);
    pingField ??= ping?.type === FieldType.number ? ping : undefined;
    trafficField ??= sent ?? recv;
    for (let i = 0; i < frame.length; i++) {
      total++;
      const la = finite(lat?.values[i]);
      const lo = finite(lon?.values[i]);
      const net = text(network, i) || 'unknown';
      if (la === null || lo === null || Math.abs(la) > 90 || Math.abs(lo) > 180) {
        const name = UNPLACED_NAMES[net] ?? (net === 'unknown' ? 'No location' : net);
        unplaced.set(name, (unplaced.get(name) ?? 0) + 1);
        continue;
      }
      const dirValue = direction?.values[i];
      const s = finite(sent?.values[i]);
      const r = finite(recv?.values[i]);
      placed.push({
        row: i,
        lat: la,
        lon: lo,
        address: text(address, i),
        network: net,
        direction: typeof dirValue === 'boolean' ? (dirValue ? 'inbound' : 'outbound') : text(direction, i) || 'unknown',
        connectionType: text(connectionType, i),
        userAgent: text(userAgent, i),
        pingMs: finite(ping?.values[i]),
        bytesSent: s,
        bytesRecv: r,
        traffic: s === null && r === null ? null : (s ?? 0) + (r ?? 0),
        place: joinNonEmpty(text(city, i), text(country, i), ', '),
        asn: asLabel(asn?.values[i], text(org, i)),
      });
    }
  }
  return {
    placed,
    unplaced: [...unplaced.entries()].map(([network, count]) => ({ network, count })).sort((a, b) => b.count - a.count),
    total,
    pingField,
    trafficField,
  };
}
