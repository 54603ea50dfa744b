// Mining profitability maths: pure functions with no I/O, used by the proxy's profitability
// source and by the profitability panel in the browser (what-if sliders), so both always agree.
//
// Expected coins per day of a miner with hashrate H (H/s) on a network of difficulty D:
//   a share of difficulty 1 takes 2^32 hashes on average, so a block takes D·2^32 hashes and
//   the miner finds H·86400/(D·2^32) blocks per day, each paying subsidy + fees.
//   BTC/day = H · 86400 · (subsidy + fees) / (D · 2^32) · (1 − pool fee)

export const SECONDS_PER_DAY = 86_400;
export const TWO_POW_32 = 4_294_967_296;
export const SATS_PER_BTC = 100_000_000;
export const HALVING_INTERVAL = 210_000;
export const RETARGET_INTERVAL = 2_016;
/** target block spacing in seconds */
export const BLOCK_SECONDS = 600;
/** genesis subsidy in satoshis (50 BTC) */
const INITIAL_SUBSIDY_SATS = 5_000_000_000n;

/** Block subsidy in BTC at a height: 50 BTC halved every 210,000 blocks (integer sats, as in Core's GetBlockSubsidy). */
export function subsidyAtHeight(height: number): number {
  if (!Number.isInteger(height) || height < 0) throw new RangeError(`height must be a non-negative integer, got ${height}`);
  const halvings = Math.floor(height / HALVING_INTERVAL);
  // Core: halvings >= 64 -> 0 (a right shift by 64 is undefined in C++)
  if (halvings >= 64) return 0;
  return Number(INITIAL_SUBSIDY_SATS >> BigInt(halvings)) / SATS_PER_BTC;
}

export interface HalvingInfo {
  /** halvings so far */
  epoch: number;
  nextHalvingHeight: number;
  blocksToHalving: number;
  /** at the 10-minute target spacing */
  daysToHalving: number;
  subsidyNow: number;
  subsidyAfter: number;
}

export function halvingInfo(height: number): HalvingInfo {
  const epoch = Math.floor(height / HALVING_INTERVAL);
  const nextHalvingHeight = (epoch + 1) * HALVING_INTERVAL;
  const blocksToHalving = nextHalvingHeight - height;
  return {
    epoch,
    nextHalvingHeight,
    blocksToHalving,
    daysToHalving: (blocksToHalving * BLOCK_SECONDS) / SECONDS_PER_DAY,
    subsidyNow: subsidyAtHeight(height),
    subsidyAfter: subsidyAtHeight(nextHalvingHeight),
  };
}

export interface RetargetInfo {
  nextRetargetHeight: number;
  blocksToRetarget: number;
  /** at the 10-minute target spacing unless `secondsPerBlock` is given */
  daysToRetarget: number;
}

/** Next difficulty adjustment: the first height that is a multiple of 2016 after `height`. */
export function retargetInfo(height: number, secondsPerBlock = BLOCK_SECONDS): RetargetInfo {
  const nextRetargetHeight = (Math.floor(height / RETARGET_INTERVAL) + 1) * RETARGET_INTERVAL;
  const blocksToRetarget = nextRetargetHeight - height;
  return { nextRetargetHeight, blocksToRetarget, daysToRetarget: (blocksToRetarget * secondsPerBlock) / SECONDS_PER_DAY };
}

/** Network hashrate (H/s) implied by a difficulty at the target spacing: D·2^32/600. */
export function networkHashrate(difficulty: number): number {
  return (difficulty * TWO_POW_32) / BLOCK_SECONDS;
}

/**
 * Expected BTC per day.
 * @param hashrate H/s
 * @param difficulty network difficulty
 * @param blockReward subsidy + average fees per block, BTC
 * @param poolFeePercent 0..100
 */
export function btcPerDay(hashrate: number, difficulty: number, blockReward: number, poolFeePercent = 0): number {
  if (!(difficulty > 0)) throw new RangeError(`difficulty must be > 0, got ${difficulty}`);
  if (!(hashrate >= 0)) return 0;
  return ((hashrate * SECONDS_PER_DAY * blockReward) / (difficulty * TWO_POW_32)) * (1 - poolFeePercent / 100);
}

/** Hashprice: revenue of 1 TH/s for one day, in the price's currency, before pool fee. */
export function hashpricePerThDay(difficulty: number, blockReward: number, price: number): number {
  return btcPerDay(1e12, difficulty, blockReward, 0) * price;
}

/** Same, in BTC per TH/s per day. */
export function hashpriceBtcPerThDay(difficulty: number, blockReward: number): number {
  return btcPerDay(1e12, difficulty, blockReward, 0);
}

/** Efficiency in J/TH (= W per TH/s); null when the hashrate is zero. */
export function joulesPerTerahash(powerWatts: number, hashrate: number): number | null {
  return hashrate > 0 ? powerWatts / (hashrate / 1e12) : null;
}

export interface ProfitInputs {
  /** H/s */
  hashrate: number;
  /** W at the wall */
  powerWatts: number;
  difficulty: number;
  /** BTC per block: subsidy + average fees */
  blockReward: number;
  /** price of 1 BTC in the chosen currency */
  price: number;
  /** currency per kWh */
  electricityPerKwh: number;
  /** 0..100 */
  poolFeePercent: number;
}

export interface ProfitResult {
  btcPerDay: number;
  /** currency per day */
  revenuePerDay: number;
  kwhPerDay: number;
  costPerDay: number;
  profitPerDay: number;
  /** profit / revenue · 100; null when there is no revenue */
  marginPercent: number | null;
  /** electricity price at which profit is zero (currency/kWh); null without power */
  breakEvenPerKwh: number | null;
  /** BTC price at which profit is zero; null without coins */
  breakEvenPrice: number | null;
  joulesPerTh: number | null;
}

export function profitability(input: ProfitInputs): ProfitResult {
  const coins = btcPerDay(input.hashrate, input.difficulty, input.blockReward, input.poolFeePercent);
  const revenuePerDay = coins * input.price;
  const kwhPerDay = (Math.max(0, input.powerWatts) * 24) / 1000;
  const costPerDay = kwhPerDay * input.electricityPerKwh;
  const profitPerDay = revenuePerDay - costPerDay;
  return {
    btcPerDay: coins,
    revenuePerDay,
    kwhPerDay,
    costPerDay,
    profitPerDay,
    marginPercent: revenuePerDay > 0 ? (profitPerDay / revenuePerDay) * 100 : null,
    breakEvenPerKwh: kwhPerDay > 0 ? revenuePerDay / kwhPerDay : null,
    breakEvenPrice: coins > 0 ? costPerDay / coins : null,
    joulesPerTh: joulesPerTerahash(input.powerWatts, input.hashrate),
  };
}

export interface WhatIfInputs extends Omit<ProfitInputs, 'powerWatts'> {
  /** efficiency; power = J/TH · TH/s */
  joulesPerTh: number;
}

/** What-if from hashrate, efficiency and power price (the panel's sliders). */
export function whatIf(input: WhatIfInputs): ProfitResult & { powerWatts: number } {
  const powerWatts = input.joulesPerTh * (input.hashrate / 1e12);
  return { ...profitability({ ...input, powerWatts }), powerWatts };
}

// Nominal specs as the manufacturers publish them (stock firmware, normal mode, 25 °C), one
// variant per model: the base or most common bin (noted where several exist). Each `source`
// says where the figures were checked (a listing or guide that quotes the spec, with its
// address) or says "unconfirmed" for a figure no checked source quotes. Watts derived from a
// quoted efficiency are marked "=". Real power varies ±5–10 % with temperature and PSU;
// firmware-measured power always wins (resolvePower).
export interface MinerSpec {
  model: string;
  /** nominal hashrate, TH/s */
  terahash: number;
  /** nominal wall power, W */
  watts: number;
  /** the spec's figures and where they were checked, or what is unconfirmed */
  source: string;
}

export const MINER_SPECS: readonly MinerSpec[] = [
  {
    model: 'Antminer S9',
    terahash: 13.5,
    watts: 1323,
    source:
      'Antminer S9 13.5T: 13.5 TH/s, 98 J/TH = 1323 W (13.5 TH/s, 1323 W in https://huggingface.co/spaces/amaai-lab/MineROI-Net/blob/main/miner_specs.py; 13.5 TH/s ±5 %, 1320 W +10 % in https://www.839607.cn/btc/14275.html; D-Central lists 1400 W, https://d-central.tech/data/asic-power-requirements.json)',
  },
  {
    model: 'Antminer S17 Pro',
    terahash: 53,
    watts: 2094,
    source:
      'Antminer S17 Pro 53T: 53 TH/s nameplate (https://d-central.tech/asic-troubleshooting/antminer-s17-hashboard-not-detected/); 2094 W (= 53 TH/s × 39.5 J/TH) unconfirmed: no checked source quotes its wall power (a 50 TH/s variant is listed at 1975 W)',
  },
  {
    model: 'Antminer S19',
    terahash: 95,
    watts: 3250,
    source:
      'Antminer S19 95T: 95 TH/s, 3250 W, 34 W/TH (https://miningstore.com/understanding-the-bitcoin-mining-rig-market/the-definitive-guide-to-antminer-s19-series-bitcoin-miners/)',
  },
  {
    model: 'Antminer S19 Pro',
    terahash: 110,
    watts: 3250,
    source:
      'Antminer S19 Pro 110T: 110 TH/s ±3 %, 3250 W ±5 % at the wall (https://blog.zeusmining.co/2022/08/Antminer-s19-pro-110t-evaluation.html; 110 TH/s, 3250 W, 29.5 W/TH in the miningstore.com S19-series guide)',
  },
  {
    model: 'Antminer S19j Pro',
    terahash: 100,
    watts: 3050,
    source:
      'Antminer S19j Pro 100T (variants 96 / 100 / 104 TH/s at 2832 / 3050 / 3082 W): 100 TH/s, 3050 W (https://miningstore.com/understanding-the-bitcoin-mining-rig-market/the-definitive-guide-to-antminer-s19-series-bitcoin-miners/)',
  },
  {
    model: 'Antminer S19 XP',
    terahash: 140,
    watts: 3010,
    source:
      'Antminer S19 XP 140T: 140 TH/s, 3010 W (http://miningstore.com/understanding-the-bitcoin-mining-rig-market/is-the-antminer-s19-xp-worth-it-part-1/), 21.5 W/TH (miningstore.com S19-series guide)',
  },
  {
    model: 'Antminer S21',
    terahash: 200,
    watts: 3500,
    source:
      "Antminer S21 200T: 200 TH/s, 17.5 J/TH as published by Bitmain (BTCWire's S21 review, https://hackernoon.com/lang/ja/%E3%81%95%E3%81%BE%E3%81%96%E3%81%BE%E3%81%AA%E5%91%A8%E5%9B%B2%E6%B8%A9%E5%BA%A6%E3%81%A7%E3%81%AE-s21-%E3%81%AE%E3%83%91%E3%83%95%E3%82%A9%E3%83%BC%E3%83%9E%E3%83%B3%E3%82%B9%E3%82%92%E6%A4%9C%E8%A8%BC%E3%81%99%E3%82%8B-Antminer-s21-%E3%83%AC%E3%83%93%E3%83%A5%E3%83%BC) = 3500 W",
  },
  {
    model: 'Antminer S21 Pro',
    terahash: 234,
    watts: 3510,
    source:
      'Antminer S21 Pro 234T: 234 TH/s (https://antminer-s21-pro-profitability.pages.dev, which quotes 3531 W); 3510 W (= 234 TH/s × 15 J/TH) unconfirmed: no checked source quotes 3510 W or 15 J/TH',
  },
  {
    model: 'Antminer S21 XP',
    terahash: 270,
    watts: 3645,
    source:
      'Antminer S21 XP 270T: 270 TH/s ±3 %, 13.5 J/TH ±5 % on the wall at 25 °C (https://btcminermarketplace.com/how-to-calculate-roi-for-bitcoin-miner-s21-xp) = 3645 W',
  },
  {
    model: 'Whatsminer M30S',
    terahash: 88,
    watts: 3344,
    source:
      'Whatsminer M30S 88T: 88 TH/s ±3 % nameplate, ~3344 W at the wall (https://d-central.tech/asic-troubleshooting/whatsminer-m30s-low-hashrate/)',
  },
  {
    model: 'Whatsminer M30S+',
    terahash: 100,
    watts: 3400,
    source:
      'Whatsminer M30S+ 100T (bins 100–108 TH/s, https://d-central.tech/asic-troubleshooting/whatsminer-m30s-low-hashrate/): 100 TH/s; 3400 W (= 100 TH/s × 34 J/TH) unconfirmed: no checked source quotes its power',
  },
  {
    model: 'Whatsminer M30S++',
    terahash: 112,
    watts: 3472,
    source:
      'Whatsminer M30S++ 112T: 112 TH/s ±5 %, 31 J/TH ±5 % (MicroBT M3X maintenance guidance, https://www.scribd.com/document/659312327/M30-Repair-Guidance-20200717) = 3472 W',
  },
  {
    model: 'Whatsminer M50',
    terahash: 114,
    watts: 3306,
    source:
      'Whatsminer M50 114T: 114 TH/s, 3306 W, 29.0 J/TH (https://staging.docs.azic.pt/docs/guides/whatsminer/m50/hashboard-repair-guide)',
  },
  {
    model: 'Whatsminer M50S',
    terahash: 126,
    watts: 3276,
    source:
      'Whatsminer M50S 126T: 126 TH/s, 3276 W, 26.0 J/TH (https://staging.docs.azic.pt/docs/guides/whatsminer/m50/hashboard-repair-guide; 126 TH/s nameplate also in https://d-central.tech/asic-troubleshooting/whatsminer-m50s-power-limit-triggered/)',
  },
  {
    model: 'Whatsminer M60',
    terahash: 172,
    watts: 3422,
    source: 'Whatsminer M60 172T: 172 TH/s, 3422 W (19.9 J/TH) unconfirmed: no checked source quotes M60 figures',
  },
  {
    model: 'Whatsminer M60S',
    terahash: 186,
    watts: 3441,
    source:
      'Whatsminer M60S 186T: 186 TH/s, 3441 W (18.5 J/TH) unconfirmed: no checked source quotes them; D-Central speaks of a ~172 TH/s M60S target (https://d-central.tech/asic-troubleshooting/whatsminer-m60s-hashboard-not-detected/), so the bin sold may be lower',
  },
];

function normaliseModel(text: string): string {
  return text
    .toLowerCase()
    .replace(/antminer|whatsminer|bitmain|microbt/g, '')
    .replace(/[^a-z0-9+]/g, '');
}

/**
 * Finds the spec of a model string as firmware reports it ("Antminer S19 Pro", "S19XP",
 * "M30S+"); the longest matching model wins, so "S19 Pro" is not read as "S19".
 */
export function findMinerSpec(model: string | null | undefined): MinerSpec | undefined {
  if (!model) return undefined;
  const key = normaliseModel(model);
  if (!key) return undefined;
  let best: MinerSpec | undefined;
  let bestLength = 0;
  for (const spec of MINER_SPECS) {
    const specKey = normaliseModel(spec.model);
    // whole-model match: the reported key equals the spec key or goes on with a hashrate
    // ("s19pro110t") or a Whatsminer hardware revision ("m30s++v10", "m30s+ve40"), never with more of
    // another model's name ("s19xphyd" is not an "s19xp")
    const rest = key.slice(specKey.length);
    if (key.startsWith(specKey) && (rest === '' || /^(\d|v[a-z]{0,2}\d)/.test(rest))) {
      if (specKey.length > bestLength) {
        best = spec;
        bestLength = specKey.length;
      }
    }
  }
  return best;
}

export type PowerSource = 'measured' | 'model' | 'config' | 'none';

/** Power of one miner: measured by firmware, else the manufacturer table, else config, in that order. */
export function resolvePower(input: {
  measuredWatts?: number | null;
  model?: string | null;
  configWatts?: number | null;
}): { watts: number; source: PowerSource; note: string } {
  if (input.measuredWatts != null && input.measuredWatts > 0) {
    return { watts: input.measuredWatts, source: 'measured', note: 'reported by firmware' };
  }
  const spec = findMinerSpec(input.model);
  if (spec) return { watts: spec.watts, source: 'model', note: spec.source };
  if (input.configWatts != null && input.configWatts > 0) {
    return { watts: input.configWatts, source: 'config', note: 'powerWatts from config' };
  }
  return { watts: 0, source: 'none', note: 'no power known: set powerWatts in config' };
}
