// Demo-like frames for the panel harness and the render bench, shaped exactly as the proxy's
// frames.ts writes them (DataFrameJSON via @nodescope/shared's toFrame) or as Grafana's
// Prometheus datasource returns series. Seeded, so screenshots are reproducible.
import {
  type DataFrameJSON,
  FEE_BAND_EDGES,
  feeBandLabel,
  HISTOGRAM_FIELDS,
  FORWARD_FIELDS as FW,
  MARKET_FIELDS as M,
  MINING_FRAMES,
  PEER_FIELDS,
  PROFIT_FIELDS as P,
  PROFIT_HISTORY_FIELDS as H,
  PROJECTED_BLOCK_FIELDS as B,
  TARIFF_FIELDS as TF,
  btcPerDay,
  findMinerSpec,
  halvingInfo,
  hashpricePerThDay,
  profitability,
  retargetInfo,
  toFrame,
} from '../../plugins/shared/src/index.ts';

export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BANDS = FEE_BAND_EDGES.length;
// vbytes per minute arriving in each band: most traffic at 2-20 sat/vB, a long thin tail above
const RAW_ARRIVAL = FEE_BAND_EDGES.map((lower) => 1 / (1 + Math.abs(Math.log2((lower + 1) / 9)) ** 1.8));
const RAW_SUM = RAW_ARRIVAL.reduce((s, v) => s + v, 0);
// about one block's worth (1 MvB) per 10 minutes on average, more by day than by night
const ARRIVAL = RAW_ARRIVAL.map((v) => (v / RAW_SUM) * 112_000);

export interface MempoolDemo {
  times: number[];
  /** [row][band] vbytes */
  vsize: number[][];
  count: number[][];
  final: number[];
}

/** Minutes of mempool: arrivals per band, a block every ~10 min clears 1 MvB from the top fee down. */
export function simulateMempool(points: number, stepMs: number, end: number, seed = 7): MempoolDemo {
  const rnd = random(seed);
  const state = FEE_BAND_EDGES.map((_e, b) => ARRIVAL[b]! * (b < 6 ? 500 : 60));
  const times: number[] = [];
  const vsize: number[][] = [];
  const count: number[][] = [];
  let nextBlock = 0;
  const stepMinutes = stepMs / 60_000;
  for (let i = 0; i < points; i++) {
    const t = end - (points - 1 - i) * stepMs;
    const hour = new Date(t).getUTCHours();
    const daily = 1 + 0.45 * Math.sin(((hour - 8) / 24) * Math.PI * 2);
    // an afternoon rush (an exchange consolidating, a mint): extra transactions at 20-150 sat/vB
    const rush = hour >= 13 && hour < 16 ? 1 : 0;
    for (let b = 0; b < BANDS; b++) {
      const lower = FEE_BAND_EDGES[b]!;
      const extra = rush && lower >= 15 && lower < 150 ? 160_000 / 10 : 0;
      state[b]! += (ARRIVAL[b]! * daily * (0.6 + 0.8 * rnd()) + extra * (0.5 + rnd())) * stepMinutes;
    }
    nextBlock -= stepMinutes;
    while (nextBlock <= 0) {
      let room = 1_000_000;
      for (let b = BANDS - 1; b >= 0 && room > 0; b--) {
        const take = Math.min(room, state[b]!);
        state[b]! -= take;
        room -= take;
      }
      nextBlock += -Math.log(1 - rnd()) * 10;
    }
    // the lowest bands are purged when the mempool is full (300 MB), as bitcoind's minimum fee does
    times.push(t);
    vsize.push(state.map((v) => Math.round(v)));
    count.push(state.map((v, b) => Math.round(v / (140 + (b % 5) * 30))));
  }
  return { times, vsize, count, final: state.map((v) => Math.round(v)) };
}

/** nodescope `mempool.histogram` + `mempool.histogram.count` (wide, as sources/bitcoin/frames.ts). */
export function histogramFrames(demo: MempoolDemo): DataFrameJSON[] {
  const wide = (name: string, rows: number[][], unit: string) =>
    toFrame(name, [
      { name: HISTOGRAM_FIELDS.time, type: 'time', values: demo.times },
      ...FEE_BAND_EDGES.map((_e, b) => {
        const label = feeBandLabel(b);
        return { name: label, type: 'number' as const, values: rows.map((r) => r[b]!), unit, labels: { [HISTOGRAM_FIELDS.bandLabel]: label }, config: { displayNameFromDS: `${label} sat/vB` } };
      }),
    ]);
  return [wide(HISTOGRAM_FIELDS.vsizeFrame, demo.vsize, 'si:vB'), wide(HISTOGRAM_FIELDS.countFrame, demo.count, 'short')];
}

/** What Grafana's Prometheus datasource returns for `bitcoin_mempool_fee_band_vsize`: one frame per band. */
export function prometheusFrames(demo: MempoolDemo, metric = 'bitcoin_mempool_fee_band_vsize'): DataFrameJSON[] {
  return FEE_BAND_EDGES.map((_e, b) => {
    const band = feeBandLabel(b);
    return {
      schema: {
        refId: 'A',
        meta: { type: 'timeseries-multi', typeVersion: [0, 1] as [number, number], executedQueryString: `Expr: ${metric}` },
        fields: [
          { name: 'Time', type: 'time' as const, config: { interval: demo.times[1]! - demo.times[0]! } },
          { name: 'Value', type: 'number' as const, labels: { __name__: metric, band, instance: 'proxy:8787', job: 'nodescope', source: 'btc-main' }, config: { displayNameFromDS: band } },
        ],
      },
      data: { values: [demo.times, demo.vsize.map((r) => r[b]!)] },
    };
  });
}

/** `mempool.blocks` from the simulated mempool's final state. */
export function projectedBlocksFrame(final: number[]): DataFrameJSON {
  const rows: Array<{ vsize: number; fees: number[]; weights: number[]; tx: number }> = [];
  let current = { vsize: 0, fees: [] as number[], weights: [] as number[], tx: 0 };
  const remaining = [...final];
  for (let b = BANDS - 1; b >= 0; b--) {
    const mid = b === BANDS - 1 ? FEE_BAND_EDGES[b]! * 1.1 : (FEE_BAND_EDGES[b]! + FEE_BAND_EDGES[b + 1]!) / 2;
    while (remaining[b]! > 0) {
      const room = rows.length < 7 ? 1_000_000 - current.vsize : Infinity;
      const take = Math.min(room, remaining[b]!);
      current.vsize += take;
      current.fees.push(mid);
      current.weights.push(take);
      current.tx += Math.round(take / 180);
      remaining[b]! -= take;
      if (current.vsize >= 1_000_000 && rows.length < 7) {
        rows.push(current);
        current = { vsize: 0, fees: [], weights: [], tx: 0 };
      }
    }
  }
  if (current.vsize > 0) rows.push(current);
  const median = (r: (typeof rows)[number]) => {
    let acc = 0;
    for (let i = 0; i < r.fees.length; i++) {
      acc += r.weights[i]!;
      if (acc >= r.vsize / 2) return r.fees[i]!;
    }
    return r.fees[r.fees.length - 1] ?? 1;
  };
  return toFrame(
    'mempool.blocks',
    [
      { name: B.index, type: 'number', values: rows.map((_r, i) => i) },
      { name: B.tail, type: 'boolean', values: rows.map((_r, i) => i === 7) },
      { name: B.txCount, type: 'number', values: rows.map((r) => r.tx), unit: 'short' },
      { name: B.vsize, type: 'number', values: rows.map((r) => r.vsize), unit: 'si:vB' },
      { name: B.totalFees, type: 'number', values: rows.map((r) => r.fees.reduce((s, f, i) => s + f * r.weights[i]!, 0) / 1e8), unit: 'currencyBTC' },
      { name: B.medianFee, type: 'number', values: rows.map(median), unit: 'sat/vB' },
      { name: B.feeMin, type: 'number', values: rows.map((r) => Math.min(...r.fees) * 0.98), unit: 'sat/vB' },
      { name: B.feeP10, type: 'number', values: rows.map((r) => Math.min(...r.fees)), unit: 'sat/vB' },
      { name: B.feeP25, type: 'number', values: rows.map(median), unit: 'sat/vB' },
      { name: B.feeP50, type: 'number', values: rows.map(median), unit: 'sat/vB' },
      { name: B.feeP75, type: 'number', values: rows.map(median), unit: 'sat/vB' },
      { name: B.feeP90, type: 'number', values: rows.map((r) => Math.max(...r.fees)), unit: 'sat/vB' },
      { name: B.feeMax, type: 'number', values: rows.map((r) => Math.max(...r.fees) * 1.15), unit: 'sat/vB' },
    ],
    { preferredVisualisationType: 'table' }
  );
}

// where Bitcoin nodes are hosted (lat, lon, city, country, AS, weight)
const HUBS: Array<[number, number, string, string, string, number]> = [
  [50.11, 8.68, 'Frankfurt', 'DE', 'AS24940 Hetzner', 14],
  [52.37, 4.9, 'Amsterdam', 'NL', 'AS14061 DigitalOcean', 9],
  [60.17, 24.94, 'Helsinki', 'FI', 'AS24940 Hetzner', 6],
  [48.86, 2.35, 'Paris', 'FR', 'AS16276 OVH', 7],
  [51.51, -0.13, 'London', 'GB', 'AS20473 Vultr', 6],
  [47.37, 8.54, 'Zurich', 'CH', 'AS13030 Init7', 3],
  [52.52, 13.4, 'Berlin', 'DE', 'AS3320 Deutsche Telekom', 4],
  [59.33, 18.07, 'Stockholm', 'SE', 'AS3301 Telia', 2],
  [50.08, 14.44, 'Prague', 'CZ', 'AS5610 O2', 2],
  [41.39, 2.17, 'Barcelona', 'ES', 'AS3352 Telefonica', 2],
  [39.04, -77.49, 'Ashburn', 'US', 'AS16509 Amazon', 10],
  [40.71, -74.0, 'New York', 'US', 'AS14061 DigitalOcean', 5],
  [37.77, -122.42, 'San Francisco', 'US', 'AS13335 Cloudflare', 4],
  [45.5, -73.57, 'Montreal', 'CA', 'AS16276 OVH', 4],
  [43.65, -79.38, 'Toronto', 'CA', 'AS812 Rogers', 2],
  [41.88, -87.63, 'Chicago', 'US', 'AS7922 Comcast', 2],
  [32.78, -96.8, 'Dallas', 'US', 'AS20473 Vultr', 2],
  [47.61, -122.33, 'Seattle', 'US', 'AS16509 Amazon', 2],
  [1.35, 103.82, 'Singapore', 'SG', 'AS16509 Amazon', 4],
  [35.68, 139.69, 'Tokyo', 'JP', 'AS2516 KDDI', 4],
  [37.57, 126.98, 'Seoul', 'KR', 'AS4766 Korea Telecom', 2],
  [22.32, 114.17, 'Hong Kong', 'HK', 'AS4760 HKT', 2],
  [-33.87, 151.21, 'Sydney', 'AU', 'AS1221 Telstra', 2],
  [-23.55, -46.63, 'São Paulo', 'BR', 'AS28573 Claro', 2],
  [-26.2, 28.05, 'Johannesburg', 'ZA', 'AS37100 SEACOM', 1],
  [55.76, 37.62, 'Moscow', 'RU', 'AS12389 Rostelecom', 3],
  [19.08, 72.88, 'Mumbai', 'IN', 'AS9829 BSNL', 1],
  [-34.6, -58.38, 'Buenos Aires', 'AR', 'AS7303 Telecom Argentina', 1],
  [6.52, 3.38, 'Lagos', 'NG', 'AS29465 MTN', 1],
  [25.2, 55.27, 'Dubai', 'AE', 'AS5384 Etisalat', 1],
];

const AGENTS = ['/Satoshi:27.1.0/', '/Satoshi:28.0.0/', '/Satoshi:28.1.0/', '/Satoshi:26.0.0/', '/Satoshi:27.0.0/Knots:20240801/', '/btcd:0.24.2/', '/Satoshi:25.1.0/'];

/** `network.peers` with geo columns: `count` peers, about 12 % not placeable (onion, i2p, cjdns, private). */
export function peersFrame(count: number, seed = 11): DataFrameJSON {
  const rnd = random(seed);
  const totalWeight = HUBS.reduce((s, h) => s + h[5], 0);
  const rows: Array<Record<string, string | number | null>> = [];
  for (let i = 0; i < count; i++) {
    const r = rnd();
    const net = r < 0.07 ? 'onion' : r < 0.09 ? 'i2p' : r < 0.1 ? 'cjdns' : r < 0.115 ? 'not_publicly_routable' : r < 0.3 ? 'ipv6' : 'ipv4';
    const inbound = rnd() < (count > 200 ? 0.88 : 0.7);
    let lat: number | null = null;
    let lon: number | null = null;
    let city = '';
    let country = '';
    let asn = '';
    let address: string;
    if (net === 'ipv4' || net === 'ipv6') {
      let pick = rnd() * totalWeight;
      const hub = HUBS.find((h) => (pick -= h[5]) <= 0) ?? HUBS[0]!;
      lat = hub[0] + (rnd() - 0.5) * 3.2;
      lon = hub[1] + (rnd() - 0.5) * 4.5;
      [city, country, asn] = [hub[2], hub[3], hub[4]];
      address = net === 'ipv4' ? `${Math.floor(rnd() * 223) + 1}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 254) + 1}:8333` : `[2a01:4f8:${Math.floor(rnd() * 65535).toString(16)}::${Math.floor(rnd() * 65535).toString(16)}]:8333`;
    } else if (net === 'onion') {
      address = `${Array.from({ length: 16 }, () => 'abcdefghijklmnopqrstuvwxyz234567'[Math.floor(rnd() * 32)]).join('')}…onion:8333`;
    } else if (net === 'i2p') {
      address = `${Array.from({ length: 12 }, () => 'abcdefghijklmnopqrstuvwxyz234567'[Math.floor(rnd() * 32)]).join('')}…b32.i2p:0`;
    } else if (net === 'cjdns') {
      address = `[fc32:${Math.floor(rnd() * 65535).toString(16)}::1]:8333`;
    } else {
      address = `192.168.1.${Math.floor(rnd() * 250) + 2}:8333`;
    }
    const ping = net === 'onion' || net === 'i2p' ? 250 + rnd() * 900 : 8 + rnd() ** 2 * 320;
    rows.push({
      id: i,
      address,
      network: net,
      direction: inbound ? 'inbound' : 'outbound',
      connectionType: inbound ? 'inbound' : rnd() < 0.25 ? 'block-relay-only' : 'outbound-full-relay',
      userAgent: AGENTS[Math.floor(rnd() * AGENTS.length)]!,
      pingMs: Math.round(ping * 10) / 10,
      bytesSent: Math.round(rnd() ** 3 * 4e9),
      bytesRecv: Math.round(rnd() ** 3 * 2e9),
      latitude: lat,
      longitude: lon,
      city,
      country,
      asn,
    });
  }
  const col = (k: string) => rows.map((r) => r[k] ?? null);
  return toFrame(
    'network.peers',
    [
      { name: PEER_FIELDS.id, type: 'number', values: col('id') },
      { name: PEER_FIELDS.address, type: 'string', values: col('address') },
      { name: PEER_FIELDS.network, type: 'string', values: col('network') },
      { name: PEER_FIELDS.direction, type: 'string', values: col('direction') },
      { name: PEER_FIELDS.connectionType, type: 'string', values: col('connectionType') },
      { name: PEER_FIELDS.userAgent, type: 'string', values: col('userAgent') },
      { name: PEER_FIELDS.pingMs, type: 'number', values: col('pingMs'), unit: 'ms' },
      { name: PEER_FIELDS.bytesSent, type: 'number', values: col('bytesSent'), unit: 'decbytes' },
      { name: PEER_FIELDS.bytesRecv, type: 'number', values: col('bytesRecv'), unit: 'decbytes' },
      { name: PEER_FIELDS.lat, type: 'number', values: col('latitude') },
      { name: PEER_FIELDS.lon, type: 'number', values: col('longitude') },
      { name: PEER_FIELDS.country, type: 'string', values: col('country') },
      { name: PEER_FIELDS.city, type: 'string', values: col('city') },
      { name: PEER_FIELDS.asn, type: 'number', values: rows.map((r) => (r.asn ? Number(String(r.asn).replace(/^AS(\d+).*/, '$1')) : null)) },
      { name: PEER_FIELDS.org, type: 'string', values: rows.map((r) => (r.asn ? String(r.asn).replace(/^AS\d+ /, '') : null)) },
    ],
    { preferredVisualisationType: 'table' }
  );
}

const FLEET: Array<[string, string, number]> = [
  ['rig-01', 'Antminer S21 Pro', 1],
  ['rig-02', 'Antminer S21', 1],
  ['rig-03', 'Antminer S21', 1],
  ['rig-04', 'Antminer S19 XP', 1],
  ['rig-05', 'Antminer S19 XP', 1],
  ['rig-06', 'Whatsminer M60S', 1],
  ['rig-07', 'Whatsminer M50S', 1],
  ['rig-08', 'Antminer S19j Pro', 1],
  ['rig-09', 'Antminer S19j Pro', 1],
  ['rig-10', 'Antminer S19 Pro', 1],
  ['rig-11', 'Whatsminer M30S+', 1],
  ['rig-12', 'Antminer S19', 1],
  ['rig-13', 'Antminer S19', 0],
  ['rig-14', 'Antminer S17 Pro', 1],
  ['rig-15', 'Antminer S9', 1],
];

/** The profitability source's `market`, `miners` (+ `fleets`) and `fleet.history` frames. */
export function profitabilityFrames(now: number, seed = 5): DataFrameJSON[] {
  const rnd = random(seed);
  const price = 96_420;
  const difficulty = 1.1295e14;
  const height = 923_456;
  const subsidy = 3.125;
  const feesPerBlock = 0.031;
  const blockReward = subsidy + feesPerBlock;
  const electricityPerKwh = 0.065;
  const poolFeePercent = 2;
  const halving = halvingInfo(height);
  const retarget = retargetInfo(height);
  const one = (name: string, type: 'time' | 'number' | 'string', value: unknown, unit?: string) => ({ name, type, values: [value], ...(unit ? { unit } : {}) });
  const market = toFrame(MINING_FRAMES.market, [
    one(M.time, 'time', now),
    one(M.price, 'number', price, 'currencyUSD'),
    one(M.currency, 'string', 'usd'),
    one(M.difficulty, 'number', difficulty, 'short'),
    one(M.height, 'number', height, 'none'),
    one(M.subsidy, 'number', subsidy, 'currencyBTC'),
    one(M.feesPerBlock, 'number', feesPerBlock, 'currencyBTC'),
    one(M.blockReward, 'number', blockReward, 'currencyBTC'),
    one(M.hashprice, 'number', hashpricePerThDay(difficulty, blockReward, price), 'currencyUSD'),
    one(M.nextRetargetHeight, 'number', retarget.nextRetargetHeight, 'none'),
    one(M.blocksToRetarget, 'number', retarget.blocksToRetarget, 'none'),
    one(M.daysToRetarget, 'number', retarget.daysToRetarget, 'd'),
    one(M.difficultyChangePercent, 'number', 2.37, 'percent'),
    one(M.nextHalvingHeight, 'number', halving.nextHalvingHeight, 'none'),
    one(M.blocksToHalving, 'number', halving.blocksToHalving, 'none'),
    one(M.daysToHalving, 'number', halving.daysToHalving, 'd'),
    one(M.priceSource, 'string', 'coingecko'),
    one(M.electricityPerKwh, 'number', electricityPerKwh, 'currencyUSD'),
    one(M.poolFeePercent, 'number', poolFeePercent, 'percent'),
  ]);
  const miners = FLEET.map(([name, model, online]) => {
    const spec = findMinerSpec(model)!;
    const hashrate = online ? spec.terahash * 1e12 * (0.96 + rnd() * 0.06) : 0;
    const powerWatts = online ? spec.watts * (0.97 + rnd() * 0.05) : 0;
    return { name, model, status: online ? 'online' : 'offline', hashrate, powerWatts, result: profitability({ hashrate, powerWatts, difficulty, blockReward, price, electricityPerKwh, poolFeePercent }) };
  });
  const col = <T,>(f: (m: (typeof miners)[number]) => T) => miners.map(f);
  const minersFrame = toFrame(
    MINING_FRAMES.profitMiners,
    [
      { name: P.fleet, type: 'string', values: col(() => 'farm-a') },
      { name: P.miner, type: 'string', values: col((m) => m.name) },
      { name: P.model, type: 'string', values: col((m) => m.model) },
      { name: P.status, type: 'string', values: col((m) => m.status) },
      { name: P.hashrate, type: 'number', unit: 'Hs', values: col((m) => m.hashrate) },
      { name: P.powerWatts, type: 'number', unit: 'watt', values: col((m) => m.powerWatts) },
      { name: P.powerSource, type: 'string', values: col(() => 'measured') },
      { name: P.btcPerDay, type: 'number', unit: 'currencyBTC', values: col((m) => m.result.btcPerDay) },
      { name: P.revenuePerDay, type: 'number', unit: 'currencyUSD', values: col((m) => m.result.revenuePerDay) },
      { name: P.costPerDay, type: 'number', unit: 'currencyUSD', values: col((m) => m.result.costPerDay) },
      { name: P.profitPerDay, type: 'number', unit: 'currencyUSD', values: col((m) => m.result.profitPerDay) },
      { name: P.marginPercent, type: 'number', unit: 'percent', values: col((m) => m.result.marginPercent) },
      { name: P.breakEvenPerKwh, type: 'number', unit: 'currencyUSD', values: col((m) => m.result.breakEvenPerKwh) },
      { name: P.breakEvenPrice, type: 'number', unit: 'currencyUSD', values: col((m) => m.result.breakEvenPrice) },
      { name: P.joulesPerTh, type: 'number', values: col((m) => m.result.joulesPerTh) },
    ],
    { preferredVisualisationType: 'table' }
  );
  const fleetHash = miners.reduce((s, m) => s + m.hashrate, 0);
  const fleetWatts = miners.reduce((s, m) => s + m.powerWatts, 0);
  const hours = 7 * 24;
  const history = Array.from({ length: hours }, (_v, i) => {
    const t = now - (hours - 1 - i) * 3_600_000;
    const p = price * (0.94 + 0.06 * Math.sin(i / 20) + 0.03 * rnd());
    const r = profitability({ hashrate: fleetHash * (0.97 + 0.03 * rnd()), powerWatts: fleetWatts, difficulty: i < 100 ? difficulty / 1.0237 : difficulty, blockReward, price: p, electricityPerKwh, poolFeePercent });
    return { t, p, r };
  });
  const historyFrame = toFrame(MINING_FRAMES.fleetHistory, [
    { name: H.time, type: 'time', values: history.map((h) => h.t) },
    { name: H.revenuePerDay, type: 'number', unit: 'currencyUSD', values: history.map((h) => h.r.revenuePerDay) },
    { name: H.costPerDay, type: 'number', unit: 'currencyUSD', values: history.map((h) => h.r.costPerDay) },
    { name: H.profitPerDay, type: 'number', unit: 'currencyUSD', values: history.map((h) => h.r.profitPerDay) },
    { name: H.price, type: 'number', unit: 'currencyUSD', values: history.map((h) => h.p) },
  ]);
  // tariffs and forward hashprice as the source's tariff.ts / forward.ts compute them: Monday 18:30,
  // the peak (curtailed 18-20), while the mempool's next three blocks pay 3 BTC of fees each
  const forwardReward = subsidy + 3;
  const kw = fleetWatts / 1000;
  const perHour = (reward: number) => (btcPerDay(fleetHash, difficulty, reward, poolFeePercent) * price) / 24;
  const periods = [
    { name: 'base', price: electricityPerKwh, hours: 92, curtailed: 0, active: false },
    { name: 'peak', price: 0.14, hours: 20, curtailed: 10, active: true },
    { name: 'night', price: 0.045, hours: 56, curtailed: 0, active: false },
  ].map((p) => {
    const profit = perHour(blockReward) - kw * p.price;
    const forwardPerKwh = perHour(forwardReward) / kw;
    return { ...p, profit, forwardPerKwh, breakEven: (kw * p.price * 24) / btcPerDay(fleetHash, difficulty, blockReward, poolFeePercent), stop: (p.curtailed > 0 || profit < 0) && forwardPerKwh > p.price };
  });
  const tariffs = toFrame(MINING_FRAMES.tariffs, [
    { name: TF.fleet, type: 'string', values: periods.map(() => 'farm-a') },
    { name: TF.period, type: 'string', values: periods.map((p) => p.name) },
    { name: TF.pricePerKwh, type: 'number', unit: 'currencyUSD', values: periods.map((p) => p.price) },
    { name: TF.hoursPerWeek, type: 'number', unit: 'h', values: periods.map((p) => p.hours) },
    { name: TF.curtailedHoursPerWeek, type: 'number', unit: 'h', values: periods.map((p) => p.curtailed) },
    { name: TF.active, type: 'boolean', values: periods.map((p) => p.active) },
    { name: TF.curtailedNow, type: 'boolean', values: periods.map((p) => p.active) },
    { name: TF.profitPerHour, type: 'number', unit: 'currencyUSD', values: periods.map((p) => p.profit) },
    { name: TF.breakEvenPrice, type: 'number', unit: 'currencyUSD', values: periods.map((p) => p.breakEven) },
    { name: TF.forwardRevenuePerKwh, type: 'number', unit: 'currencyUSD', values: periods.map((p) => p.forwardPerKwh) },
    { name: TF.stopCurtailing, type: 'boolean', values: periods.map((p) => p.stop) },
  ]);
  const forward = toFrame(MINING_FRAMES.forward, [
    one(FW.time, 'time', now),
    one(FW.blocks, 'number', 3, 'none'),
    one(FW.forwardFeesPerBlock, 'number', 3, 'currencyBTC'),
    one(FW.trailingFeesPerBlock, 'number', feesPerBlock, 'currencyBTC'),
    one(FW.forwardHashprice, 'number', hashpricePerThDay(difficulty, forwardReward, price), 'currencyUSD'),
    one(FW.trailingHashprice, 'number', hashpricePerThDay(difficulty, blockReward, price), 'currencyUSD'),
    one(FW.forwardPremiumPercent, 'number', (forwardReward / blockReward - 1) * 100, 'percent'),
  ]);
  return [market, minersFrame, historyFrame, tariffs, forward];
}

/** Named datasets a scenario can ask for. */
export function dataset(name: string, now: number): DataFrameJSON[] {
  switch (name) {
    case 'mempool': {
      const demo = simulateMempool(24 * 60, 60_000, now);
      return [...histogramFrames(demo), projectedBlocksFrame(demo.final)];
    }
    case 'mempool-prometheus':
      return prometheusFrames(simulateMempool(24 * 60, 60_000, now));
    case 'mempool-bench':
      return histogramFrames(simulateMempool(8_640, 60_000, now)).slice(0, 1);
    case 'peers':
      return [peersFrame(420)];
    case 'peers-bench':
      return [peersFrame(10_000)];
    case 'profitability':
      return profitabilityFrames(now);
    case 'empty':
      return [];
    default:
      throw new Error(`unknown dataset ${name}`);
  }
}
