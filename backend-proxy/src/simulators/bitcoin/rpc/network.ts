// Network answers: getnetworkinfo, getpeerinfo, getnettotals.
import { type SimPeer, peerPing, peerTraffic } from '../peers.js';
import { Rng, subSeed } from '../rng.js';
import { btc, btcPerKvB } from '../univalue.js';
import type { RpcContext } from './common.js';
import { MIN_RELAY_SAT_VB } from './mempool.js';

/** getnetworkinfo (net.cpp:620); networks as GetNetworksInfo, bitcoin/bitcoin@a05987d:src/rpc/net.cpp:599 */
export function networkInfo(ctx: RpcContext): Record<string, unknown> {
  const inbound = ctx.peers.filter((p) => p.inbound).length;
  // peerman's median_outbound_time_offset (bitcoin/bitcoin@81405fc7:src/rpc/net.cpp:718): the
  // median of the outbound peers' offsets, 0 with fewer than 5 of them (src/node/timeoffsets.cpp:39);
  // every simulated peer sees the same offset, so the median is it
  const outbound = ctx.peers.length - inbound;
  const timeoffset = outbound >= 5 ? ctx.timeOffset() : 0;
  // beyond WARN_THRESHOLD (10 min, src/node/timeoffsets.h:27) Core sets CLOCK_OUT_OF_SYNC with this text (timeoffsets.cpp:50-62)
  const warnings =
    Math.abs(timeoffset) > 600
      ? [
          "Your computer's date and time appear to be more than 10 minutes out of sync with the network, this may lead to consensus failure. After you've confirmed your computer's clock, this message should no longer appear when you restart your node. Without a restart, it should stop showing automatically after you've connected to a sufficient number of new outbound peers, which may take some time. You can inspect the `timeoffset` field of the `getpeerinfo` and `getnetworkinfo` RPC methods to get more info.",
        ]
      : [];
  const reach = (name: string, proxy = '') => ({
    name,
    limited: false,
    reachable: true,
    proxy,
    proxy_randomize_credentials: proxy !== '',
  });
  return {
    version: 280000,
    subversion: '/Satoshi:28.0.0/',
    protocolversion: 70016,
    localservices: '0000000000000c09',
    localservicesnames: ['NETWORK', 'WITNESS', 'NETWORK_LIMITED', 'P2P_V2'],
    localrelay: true,
    timeoffset,
    connections: ctx.peers.length,
    connections_in: inbound,
    connections_out: ctx.peers.length - inbound,
    networkactive: true,
    networks: [reach('ipv4'), reach('ipv6'), reach('onion', '127.0.0.1:9050'), reach('i2p'), reach('cjdns')],
    relayfee: btcPerKvB(MIN_RELAY_SAT_VB),
    incrementalfee: btcPerKvB(MIN_RELAY_SAT_VB),
    localaddresses: [
      { address: `${new Rng(subSeed(ctx.node.seed, 0x0ca1)).base32(56)}.onion`, port: ctx.params.p2pPort, score: 4 },
    ],
    warnings,
  };
}

export function peerInfo(peer: SimPeer, ctx: RpcContext): Record<string, unknown> {
  const nowMs = ctx.nowMs();
  const now = Math.floor(nowMs / 1000);
  const traffic = peerTraffic(peer, nowMs);
  const ping = peerPing(peer, nowMs);
  const tip = ctx.node.tipHeight();
  const synced = tip - peer.lag;
  const info: Record<string, unknown> = {
    id: peer.id,
    addr: peer.addr,
    addrbind: peer.addrbind,
    network: peer.network,
  };
  if (peer.mappedAs !== undefined) info.mapped_as = peer.mappedAs;
  Object.assign(info, {
    services: peer.services,
    servicesnames: peer.servicesnames,
    relaytxes: peer.relaytxes,
    lastsend: now - (peer.id % 3),
    lastrecv: now - (peer.id % 4),
    last_transaction: peer.relaytxes ? now - (peer.id % 5) : 0,
    last_block: ctx.node.blockTime(tip),
    bytessent: traffic.bytessent,
    bytesrecv: traffic.bytesrecv,
    conntime: peer.conntime,
    timeoffset: ctx.timeOffset(),
    pingtime: ping,
    minping: Math.round(peer.basePingMs * 850) / 1e6,
    version: peer.version,
    subver: peer.subver,
    inbound: peer.inbound,
    bip152_hb_to: peer.id === 0,
    bip152_hb_from: peer.id === 1,
    startingheight: Math.max(0, ctx.node.initialHeight - 2),
    presynced_headers: -1,
    synced_headers: synced,
    synced_blocks: synced,
    inflight: [],
    addr_relay_enabled: peer.connectionType !== 'block-relay-only',
    addr_processed: 40 + peer.id * 13,
    addr_rate_limited: 0,
    permissions: [],
    minfeefilter: btc(peer.minfeefilter * 1e8),
    bytessent_per_msg: {
      addrv2: Math.floor(traffic.bytessent * 0.02),
      headers: Math.floor(traffic.bytessent * 0.08),
      inv: Math.floor(traffic.bytessent * 0.6),
      ping: Math.floor(traffic.bytessent * 0.01),
      pong: Math.floor(traffic.bytessent * 0.01),
      tx: Math.floor(traffic.bytessent * 0.28),
    },
    bytesrecv_per_msg: {
      cmpctblock: Math.floor(traffic.bytesrecv * 0.1),
      inv: Math.floor(traffic.bytesrecv * 0.5),
      ping: Math.floor(traffic.bytesrecv * 0.01),
      pong: Math.floor(traffic.bytesrecv * 0.01),
      tx: Math.floor(traffic.bytesrecv * 0.38),
    },
    connection_type: peer.connectionType,
    transport_protocol_type: peer.transport,
    session_id: peer.sessionId,
  });
  return info;
}

export function netTotals(ctx: RpcContext): Record<string, unknown> {
  const nowMs = ctx.nowMs();
  // bytes of connections that closed before the current ones, so totals exceed the per-peer sum
  const closedSeconds = Math.max(0, nowMs / 1000 - ctx.startTime());
  let recv = 1_200_000 + Math.floor(closedSeconds * 1_500);
  let sent = 900_000 + Math.floor(closedSeconds * 1_100);
  for (const peer of ctx.peers) {
    const traffic = peerTraffic(peer, nowMs);
    recv += traffic.bytesrecv;
    sent += traffic.bytessent;
  }
  return {
    totalbytesrecv: recv,
    totalbytessent: sent,
    timemillis: Math.floor(nowMs),
    uploadtarget: {
      timeframe: 86400,
      target: 0,
      target_reached: false,
      serve_historical_blocks: true,
      bytes_left_in_cycle: 0,
      time_left_in_cycle: 0,
    },
  };
}
