// A small MaxMind DB (mmdb v2) writer for tests, following the published format spec
// (maxmind.github.io/MaxMind-DB): an IPv6 binary search tree with 24-bit records, a 16-byte
// zero separator, the data section, then "\xAB\xCD\xEFMaxMind.com" and the metadata map.
// IPv4 networks live at ::a.b.c.d/(96+n), where readers look for them.
import { isIP } from 'node:net';

type Value = string | number | boolean | { double: number } | Value[] | { [key: string]: Value };

function controlByte(type: number, size: number): Buffer {
  const parts: number[] = [];
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) {
    sizeBits = 29;
    extra.push(size - 29);
  } else {
    sizeBits = 30;
    const n = size - 285;
    extra.push(n >> 8, n & 255);
  }
  if (type <= 7) parts.push((type << 5) | sizeBits);
  else parts.push(sizeBits, type - 7); // extended type: 0 in the type bits, then type - 7
  return Buffer.from([...parts, ...extra]);
}

function uintBytes(value: number | bigint, max: number): Buffer {
  let v = BigInt(value);
  const bytes: number[] = [];
  while (v > 0n && bytes.length < max) {
    bytes.unshift(Number(v & 255n));
    v >>= 8n;
  }
  return Buffer.from(bytes);
}

function encode(value: Value): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([controlByte(2, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') return controlByte(14, value ? 1 : 0);
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new Error(`use { double } for ${value}`);
    const bytes = uintBytes(value, 4);
    return Buffer.concat([controlByte(6, bytes.length), bytes]); // uint32
  }
  if (Array.isArray(value)) return Buffer.concat([controlByte(11, value.length), ...value.map(encode)]);
  if ('double' in value && typeof value.double === 'number' && Object.keys(value).length === 1) {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value.double);
    return Buffer.concat([controlByte(3, 8), bytes]);
  }
  const entries = Object.entries(value as Record<string, Value>);
  return Buffer.concat([controlByte(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

function uint16(value: number): Buffer {
  const bytes = uintBytes(value, 2);
  return Buffer.concat([controlByte(5, bytes.length), bytes]);
}

function uint64(value: number): Buffer {
  const bytes = uintBytes(value, 8);
  return Buffer.concat([controlByte(9, bytes.length), bytes]);
}

/** 128 bits of a network address, most significant first. */
function addressBits(ip: string): number[] {
  const bits: number[] = [];
  const push = (value: number, width: number) => {
    for (let i = width - 1; i >= 0; i--) bits.push((value >> i) & 1);
  };
  if (isIP(ip) === 4) {
    for (let i = 0; i < 96; i++) bits.push(0);
    for (const octet of ip.split('.')) push(Number(octet), 8);
    return bits;
  }
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  for (const g of groups) push(parseInt(g, 16), 16);
  return bits;
}

/** Builds an mmdb holding `records` (CIDR -> value); the rest of the address space is empty. */
export function buildMmdb(databaseType: string, records: Array<[cidr: string, value: Value]>): Buffer {
  const nodes: Array<[number, number]> = [[-1, -1]];
  const dataParts: Buffer[] = [];
  let dataLength = 0;
  const pointers: Array<{ node: number; side: 0 | 1; offset: number }> = [];
  for (const [cidr, value] of records) {
    const [ip = '', lengthText = ''] = cidr.split('/');
    const prefix = (isIP(ip) === 4 ? 96 : 0) + Number(lengthText);
    const bits = addressBits(ip);
    let node = 0;
    for (let depth = 0; depth < prefix - 1; depth++) {
      const side = bits[depth] as 0 | 1;
      let next = nodes[node]![side];
      if (next < 0) {
        next = nodes.length;
        nodes.push([-1, -1]);
        nodes[node]![side] = next;
      }
      node = next;
    }
    const encoded = encode(value);
    pointers.push({ node, side: bits[prefix - 1] as 0 | 1, offset: dataLength });
    dataParts.push(encoded);
    dataLength += encoded.length;
  }
  const count = nodes.length;
  for (const p of pointers) nodes[p.node]![p.side] = count + 16 + p.offset;
  const tree = Buffer.alloc(count * 6);
  nodes.forEach(([left, right], i) => {
    tree.writeUIntBE(left < 0 ? count : left, i * 6, 3);
    tree.writeUIntBE(right < 0 ? count : right, i * 6 + 3, 3);
  });
  const metaEntries: Array<[string, Buffer]> = [
    ['binary_format_major_version', uint16(2)],
    ['binary_format_minor_version', uint16(0)],
    ['build_epoch', uint64(1_700_000_000)],
    ['database_type', encode(databaseType)],
    ['description', encode({ en: 'nodescope test database' })],
    ['ip_version', uint16(6)],
    ['languages', encode(['en'])],
    ['node_count', encode(count)],
    ['record_size', uint16(24)],
  ];
  const metadata = Buffer.concat([
    controlByte(7, metaEntries.length),
    ...metaEntries.flatMap(([k, v]) => [encode(k), v]),
  ]);
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...dataParts,
    Buffer.from([0xab, 0xcd, 0xef]),
    Buffer.from('MaxMind.com', 'latin1'),
    metadata,
  ]);
}

/** City and ASN databases covering the simulator's public hosting ranges (peers.ts). */
export function simulatorGeoDatabases(): { city: Buffer; asn: Buffer } {
  const place = (country: string, city: string, lat: number, lon: number): Value => ({
    city: { names: { en: city } },
    country: { iso_code: country, names: { en: country } },
    location: { latitude: { double: lat }, longitude: { double: lon } },
  });
  const hetznerDE = place('DE', 'Falkenstein', 50.4779, 12.3713);
  const doNL = place('NL', 'Amsterdam', 52.3676, 4.9041);
  const scalewayFR = place('FR', 'Paris', 48.8566, 2.3522);
  const ovhFR = place('FR', 'Roubaix', 50.6942, 3.1746);
  const awsDE = place('DE', 'Frankfurt am Main', 50.1109, 8.6821);
  const google = place('US', 'Council Bluffs', 41.2619, -95.8608);
  const v4: Array<[string, Value, number, string]> = [
    ['95.216.0.0/16', hetznerDE, 24940, 'Hetzner Online GmbH'],
    ['144.76.0.0/16', hetznerDE, 24940, 'Hetzner Online GmbH'],
    ['5.9.0.0/16', hetznerDE, 24940, 'Hetzner Online GmbH'],
    ['88.99.0.0/16', hetznerDE, 24940, 'Hetzner Online GmbH'],
    ['178.63.0.0/16', hetznerDE, 24940, 'Hetzner Online GmbH'],
    ['138.68.0.0/16', doNL, 14061, 'DigitalOcean, LLC'],
    ['104.248.0.0/16', doNL, 14061, 'DigitalOcean, LLC'],
    ['159.89.0.0/16', doNL, 14061, 'DigitalOcean, LLC'],
    ['51.15.0.0/16', scalewayFR, 12876, 'Scaleway S.a.s.'],
    ['62.210.0.0/16', scalewayFR, 12876, 'Scaleway S.a.s.'],
    ['34.105.0.0/16', google, 396982, 'Google LLC'],
    ['3.120.0.0/16', awsDE, 16509, 'Amazon.com, Inc.'],
    ['18.197.0.0/16', awsDE, 16509, 'Amazon.com, Inc.'],
    ['185.180.0.0/16', awsDE, 60068, 'Datacamp Limited'],
    ['2a01:4f8::/32', hetznerDE, 24940, 'Hetzner Online GmbH'],
    ['2001:41d0::/32', ovhFR, 16276, 'OVH SAS'],
    ['2604:a880::/32', doNL, 14061, 'DigitalOcean, LLC'],
    ['2a03:b0c0::/32', doNL, 14061, 'DigitalOcean, LLC'],
    ['2600:1f18::/32', awsDE, 14618, 'Amazon.com, Inc.'],
  ];
  return {
    city: buildMmdb(
      'GeoLite2-City',
      v4.map(([cidr, value]) => [cidr, value])
    ),
    asn: buildMmdb(
      'GeoLite2-ASN',
      v4.map(([cidr, , asn, org]) => [cidr, { autonomous_system_number: asn, autonomous_system_organization: org }])
    ),
  };
}
