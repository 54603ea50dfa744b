import { Rng, subSeed } from './rng.js';

export type PeerNetwork = 'ipv4' | 'ipv6' | 'onion' | 'i2p' | 'cjdns' | 'not_publicly_routable';

export interface SimPeer {
  id: number;
  addr: string;
  addrbind: string;
  network: PeerNetwork;
  inbound: boolean;
  connectionType: 'outbound-full-relay' | 'block-relay-only' | 'inbound' | 'manual' | 'addr-fetch' | 'feeler';
  subver: string;
  version: number;
  services: string;
  servicesnames: string[];
  transport: 'v1' | 'v2';
  sessionId: string;
  conntime: number;
  basePingMs: number;
  /** bytes per second, sent and received */
  sendRate: number;
  recvRate: number;
  startingheight: number;
  mappedAs: number | undefined;
  /** blocks this peer lags behind our tip */
  lag: number;
  relaytxes: boolean;
  minfeefilter: number;
}

// Public addresses inside well-known hosting ranges, so offline geolocation finds them.
const PUBLIC_V4 = [
  '95.216.',
  '144.76.',
  '5.9.',
  '88.99.',
  '138.68.',
  '51.15.',
  '104.248.',
  '34.105.',
  '3.120.',
  '185.180.',
  '62.210.',
  '178.63.',
  '159.89.',
  '18.197.',
];
const PUBLIC_V6 = ['2a01:4f8:', '2001:41d0:', '2604:a880:', '2a03:b0c0:', '2600:1f18:'];
const AS_BY_PREFIX: Record<string, number> = {
  '95.216.': 24940,
  '144.76.': 24940,
  '5.9.': 24940,
  '88.99.': 24940,
  '178.63.': 24940,
  '138.68.': 14061,
  '104.248.': 14061,
  '159.89.': 14061,
  '51.15.': 12876,
  '62.210.': 12876,
  '34.105.': 396982,
  '3.120.': 16509,
  '18.197.': 16509,
  '185.180.': 60068,
  '2a01:4f8:': 24940,
  '2001:41d0:': 16276,
  '2604:a880:': 14061,
  '2a03:b0c0:': 14061,
  '2600:1f18:': 14618,
};
const SUBVERSIONS = [
  '/Satoshi:28.0.0/',
  '/Satoshi:27.1.0/',
  '/Satoshi:27.0.0/',
  '/Satoshi:26.1.0/',
  '/Satoshi:28.1.0/',
  '/Satoshi:25.0.0/',
  '/Satoshi:27.1.0(Knots)/',
  '/btcwire:0.5.0/btcd:0.24.2/',
];

/** the mix the brief asks for: IPv4, IPv6, onion v3, I2P, CJDNS and private addresses */
const LAYOUT: PeerNetwork[] = [
  'ipv4',
  'ipv4',
  'ipv6',
  'onion',
  'ipv4',
  'i2p',
  'cjdns',
  'not_publicly_routable',
  'ipv4',
  'onion',
  'ipv6',
  'not_publicly_routable',
];

export function createPeers(count: number, seed: number, port: number, now: number): SimPeer[] {
  const peers: SimPeer[] = [];
  for (let i = 0; i < count; i++) {
    const rng = new Rng(subSeed(seed, 0x9ee7 + i));
    const network = LAYOUT[i % LAYOUT.length] as PeerNetwork;
    const inbound = i % 3 === 2;
    let addr: string;
    let mappedAs: number | undefined;
    switch (network) {
      case 'ipv4': {
        const prefix = rng.pick(PUBLIC_V4);
        const rest = prefix.split('.').length === 3 ? `${rng.int(0, 255)}.${rng.int(1, 254)}` : `${rng.int(1, 254)}`;
        addr = `${prefix}${rest}:${inbound ? rng.int(40000, 65000) : port}`;
        mappedAs = AS_BY_PREFIX[prefix];
        break;
      }
      case 'ipv6': {
        const prefix = rng.pick(PUBLIC_V6);
        addr = `[${prefix}${rng.hex(2).replace(/^0+(?=.)/, '')}:${rng.hex(2).replace(/^0+(?=.)/, '')}::${rng.hex(2).replace(/^0+(?=.)/, '')}]:${inbound ? rng.int(40000, 65000) : port}`;
        mappedAs = AS_BY_PREFIX[prefix];
        break;
      }
      case 'onion':
        addr = `${rng.base32(56)}.onion:${port}`;
        break;
      case 'i2p':
        // I2P SAM 3.1 has no ports: bitcoind shows :0
        addr = `${rng.base32(52)}.b32.i2p:0`;
        break;
      case 'cjdns':
        addr = `[fc${rng.hex(1)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}]:${port}`;
        break;
      default:
        addr =
          i % 2 === 0
            ? `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}:${port}`
            : `192.168.${rng.int(0, 255)}.${rng.int(2, 254)}:${port}`;
    }
    const connectionType: SimPeer['connectionType'] = inbound
      ? 'inbound'
      : network === 'not_publicly_routable'
        ? 'manual'
        : i % 4 === 1
          ? 'block-relay-only'
          : 'outbound-full-relay';
    const v2 = rng.chance(0.55);
    peers.push({
      id: i,
      addr,
      addrbind:
        network === 'onion' || network === 'i2p'
          ? '127.0.0.1:' + (network === 'onion' ? 9050 : 7656)
          : `192.168.1.20:${inbound ? port : rng.int(40000, 60000)}`,
      network,
      inbound,
      connectionType,
      subver: rng.pick(SUBVERSIONS),
      version: 70016,
      services: v2 ? '0000000000000c09' : '0000000000000409',
      servicesnames: v2
        ? ['NETWORK', 'WITNESS', 'NETWORK_LIMITED', 'P2P_V2']
        : ['NETWORK', 'WITNESS', 'NETWORK_LIMITED'],
      transport: v2 ? 'v2' : 'v1',
      sessionId: v2 ? rng.hex(32) : '',
      conntime: now - rng.int(60, 6 * 86400),
      basePingMs: network === 'onion' || network === 'i2p' ? rng.range(250, 1400) : rng.range(8, 180),
      sendRate: rng.range(300, 40_000),
      recvRate: rng.range(300, 30_000),
      startingheight: 0,
      mappedAs,
      lag: rng.chance(0.15) ? 1 : 0,
      relaytxes: connectionType !== 'block-relay-only',
      minfeefilter: rng.pick([0.00001, 0.00001, 0.000001, 0.00002]),
    });
  }
  return peers;
}

export interface PeerTraffic {
  bytessent: number;
  bytesrecv: number;
}

/** counters grow with time since connection; deterministic so two calls a second apart differ only by rate */
export function peerTraffic(peer: SimPeer, nowMs: number): PeerTraffic {
  const seconds = Math.max(0, nowMs / 1000 - peer.conntime);
  return {
    bytessent: Math.floor(4_000 + seconds * peer.sendRate),
    bytesrecv: Math.floor(6_000 + seconds * peer.recvRate),
  };
}

export function peerPing(peer: SimPeer, nowMs: number): number {
  // slow wobble around the base ping, in seconds with microsecond precision like bitcoind
  const wobble = 1 + 0.15 * Math.sin(nowMs / 7000 + peer.id);
  return Math.round(peer.basePingMs * wobble * 1000) / 1e6;
}
