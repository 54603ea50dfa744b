// Forward hashprice: what the next blocks pay, from the fees the own node's mempool already holds
// for them (the bitcoin source's projected blocks), beside the trailing 144-block figure. Pure.
//
// Block i after the tip (height h+1+i) pays subsidy(h+1+i) + the fees of projected block i; a
// block the mempool does not fill pays only what it holds (0 beyond the projection).
// A miner with hashrate H finds a given block with probability H / network hashrate, where the
// network hashrate implied by difficulty D is D·2^32/600 (shared networkHashrate), so
//   BTC from block i = reward_i · H·600 / (D·2^32)
// and at 144 blocks a day the forward hashprice (1 TH/s, one day) is the shared hashprice with
// the mean forward reward: 1e12 · 86400 · mean(reward_i) / (D · 2^32).
import { BLOCK_SECONDS, hashpriceBtcPerThDay, SATS_PER_BTC, subsidyAtHeight, TWO_POW_32 } from '@nodescope/shared';

export interface ProjectedFees {
  /** BTC of each projected block, next block first (the tail "rest of the mempool" row excluded) */
  fees: number[];
}

export interface ForwardBlock {
  index: number;
  height: number;
  subsidy: number;
  fees: number;
  reward: number;
  /** BTC a 1 TH/s miner expects from this block */
  btcPerTh: number;
  /** BTC the fleets expect from it after pool fee */
  fleetBtc: number;
}

export interface ForwardHashprice {
  blocks: ForwardBlock[];
  tipHeight: number;
  forwardFeesPerBlock: number;
  forwardReward: number;
  trailingFeesPerBlock: number | null;
  trailingReward: number;
  forwardHashpriceBtc: number;
  trailingHashpriceBtc: number;
  forwardHashprice: number;
  trailingHashprice: number;
  /** (forward / trailing − 1) · 100 */
  forwardPremiumPercent: number | null;
}

export interface ForwardInputs {
  projected: ProjectedFees;
  /** blocks to count, 1..8 */
  count: number;
  tipHeight: number;
  difficulty: number;
  price: number;
  /** BTC per block, mean of the last 144 blocks; null when unknown (then the subsidy alone) */
  trailingFeesPerBlock: number | null;
  /** H/s of the fleets */
  fleetHashrate: number;
  poolFeePercent: number;
}

export function forwardHashprice(input: ForwardInputs): ForwardHashprice {
  if (!(input.difficulty > 0)) throw new RangeError(`difficulty must be > 0, got ${input.difficulty}`);
  // share of the network's blocks that 1 H/s finds: 600 / (D·2^32)
  const perHash = BLOCK_SECONDS / (input.difficulty * TWO_POW_32);
  const keep = 1 - input.poolFeePercent / 100;
  const blocks: ForwardBlock[] = Array.from({ length: input.count }, (_, index) => {
    const height = input.tipHeight + 1 + index;
    const subsidy = subsidyAtHeight(height);
    // satoshi-exact sums: fees arrive as BTC with at most 8 decimals
    const fees = Math.round((input.projected.fees[index] ?? 0) * SATS_PER_BTC) / SATS_PER_BTC;
    const reward = subsidy + fees;
    return { index, height, subsidy, fees, reward, btcPerTh: reward * 1e12 * perHash, fleetBtc: reward * input.fleetHashrate * perHash * keep };
  });
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const forwardFeesPerBlock = mean(blocks.map((b) => b.fees));
  const forwardReward = mean(blocks.map((b) => b.reward));
  const trailingReward = subsidyAtHeight(input.tipHeight + 1) + (input.trailingFeesPerBlock ?? 0);
  const forwardHashpriceBtc = hashpriceBtcPerThDay(input.difficulty, forwardReward);
  const trailingHashpriceBtc = hashpriceBtcPerThDay(input.difficulty, trailingReward);
  return {
    blocks,
    tipHeight: input.tipHeight,
    forwardFeesPerBlock,
    forwardReward,
    trailingFeesPerBlock: input.trailingFeesPerBlock,
    trailingReward,
    forwardHashpriceBtc,
    trailingHashpriceBtc,
    forwardHashprice: forwardHashpriceBtc * input.price,
    trailingHashprice: trailingHashpriceBtc * input.price,
    forwardPremiumPercent: trailingHashpriceBtc > 0 ? (forwardHashpriceBtc / trailingHashpriceBtc - 1) * 100 : null,
  };
}
