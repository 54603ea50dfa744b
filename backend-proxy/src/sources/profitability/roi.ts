// ROI and payback of a miner bought at a price, under difficulty-growth scenarios. Pure.
//
// The chain is walked from the tip in segments that end at each retarget (every 2016 blocks)
// and halving (every 210,000 blocks), at the 10-minute target (144 blocks a day). In segment k
// after the tip's epoch the difficulty is D·(1+g)^k; the subsidy is subsidyAtHeight of the
// segment (Core's GetBlockSubsidy, bitcoin/bitcoin@fcf6c8f4:src/validation.cpp:1417).
// BTC price and fees per block stay as given.
// Per day of a segment, each slice of the week's energy schedule (share s of the hours,
// price p, curtailed or not) adds  s · max(0, revenue/day − kW·24·p)  unless curtailed: the
// miner runs only while it earns more than its power costs (an operator switches a losing
// miner off) and stands still in curtailment windows.
// Payback: the first day the running profit reaches the purchase price (linear inside a
// segment, where the daily profit is constant). ROI over the horizon = (profit − price)/price.
import { btcPerDay, HALVING_INTERVAL, RETARGET_INTERVAL, subsidyAtHeight } from '@nodescope/shared';

const BLOCKS_PER_DAY = 144;

export interface EnergySlice {
  /** fraction of the week's hours, all slices sum to 1 */
  share: number;
  pricePerKwh: number;
  curtailed: boolean;
}

export interface RoiInputs {
  /** H/s */
  hashrate: number;
  /** W */
  powerWatts: number;
  purchasePrice: number;
  price: number;
  difficulty: number;
  /** tip height: retargets and halvings are counted from here */
  height: number;
  /** BTC per block, held constant */
  feesPerBlock: number;
  poolFeePercent: number;
  energy: EnergySlice[];
  horizonDays: number;
}

export interface RoiPoint {
  day: number;
  /** profit so far minus the purchase price */
  cumulativeProfit: number;
}

export interface RoiScenario {
  growthPercent: number;
  paybackDays: number | null;
  roiPercent: number;
  netProfit: number;
  revenue: number;
  cost: number;
  daysMined: number;
  curve: RoiPoint[];
}

export function roiScenario(input: RoiInputs, growthPercent: number): RoiScenario {
  const g = growthPercent / 100;
  const kw = input.powerWatts / 1000;
  const endHeight = input.height + Math.round(input.horizonDays * BLOCKS_PER_DAY);
  let height = input.height;
  let retargets = 0;
  let profit = 0;
  let revenue = 0;
  let cost = 0;
  let daysMined = 0;
  let payback: number | null = input.purchasePrice <= 0 ? 0 : null;
  const curve: RoiPoint[] = [{ day: 0, cumulativeProfit: -input.purchasePrice }];
  while (height < endHeight) {
    const nextRetarget = (Math.floor(height / RETARGET_INTERVAL) + 1) * RETARGET_INTERVAL;
    const nextHalving = (Math.floor(height / HALVING_INTERVAL) + 1) * HALVING_INTERVAL;
    const end = Math.min(nextRetarget, nextHalving, endHeight);
    const days = (end - height) / BLOCKS_PER_DAY;
    const difficulty = input.difficulty * (1 + g) ** retargets;
    const revenuePerDay = btcPerDay(input.hashrate, difficulty, subsidyAtHeight(height) + input.feesPerBlock, input.poolFeePercent) * input.price;
    let profitPerDay = 0;
    for (const slice of input.energy) {
      const costPerDay = kw * 24 * slice.pricePerKwh;
      if (slice.curtailed || revenuePerDay <= costPerDay) continue;
      profitPerDay += slice.share * (revenuePerDay - costPerDay);
      revenue += slice.share * revenuePerDay * days;
      cost += slice.share * costPerDay * days;
      daysMined += slice.share * days;
    }
    const dayAt = (height - input.height) / BLOCKS_PER_DAY;
    if (payback === null && profitPerDay > 0 && profit + profitPerDay * days >= input.purchasePrice) {
      payback = dayAt + (input.purchasePrice - profit) / profitPerDay;
    }
    profit += profitPerDay * days;
    curve.push({ day: dayAt + days, cumulativeProfit: profit - input.purchasePrice });
    if (end === nextRetarget) retargets++;
    height = end;
  }
  return {
    growthPercent,
    paybackDays: payback,
    roiPercent: input.purchasePrice > 0 ? ((profit - input.purchasePrice) / input.purchasePrice) * 100 : 0,
    netProfit: profit - input.purchasePrice,
    revenue,
    cost,
    daysMined,
    curve,
  };
}
