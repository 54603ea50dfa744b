// Forward hashprice from projected blocks, by hand from the inputs stated here.
// Hashprice is "the expected value of 1 TH/s of hashing power per day", Luxor's index taking the
// fees as a 144-block lagging average (https://docs.luxor.tech/hashrateindex/hashprice): that is
// the trailing figure; the forward one puts the fees of the own mempool's next blocks in its place.
// Subsidy: 50 BTC >> (height / 210,000), 0 from 64 halvings — Bitcoin Core v23.0 GetBlockSubsidy,
// bitcoin/bitcoin@fcf6c8f4eb217763545ede1766831a6b93f583bd:src/validation.cpp:1417-1428, with
// nSubsidyHalvingInterval = 210000 and nPowTargetSpacing = 10 * 60 in src/chainparams.cpp:67,78;
// the same rule in btcd@2c67bc29cedf391baf5e2d453855256432bb2006:blockchain/validate.go:259-265
// (CalcBlockSubsidy: baseSubsidy >> uint(height/SubsidyReductionInterval)), chaincfg/params.go:330-332.
import { describe, expect, it } from 'vitest';
import { forwardHashprice } from './forward.js';

const TWO_POW_32 = 4_294_967_296;
// 1 TH/s finds a block with probability 1e12 · 600 / (1e14 · 2^32) = 1.3969838619e-9
const P_TH = (1e12 * 600) / (1e14 * TWO_POW_32);
const BASE = { count: 3, tipHeight: 870_000, difficulty: 1e14, price: 100_000, trailingFeesPerBlock: 0.125, fleetHashrate: 100e12, poolFeePercent: 2 };

describe('forward hashprice', () => {
  it('three projected blocks paying 0.5, 0.3 and 0.1 BTC in fees, at 870,001-870,003 (subsidy 3.125)', () => {
    const f = forwardHashprice({ ...BASE, projected: { fees: [0.5, 0.3, 0.1, 0.05] } });
    expect(P_TH).toBeCloseTo(1.3969838619e-9, 19);
    expect(f.blocks.map((b) => [b.height, b.subsidy, b.fees, b.reward])).toEqual([
      [870_001, 3.125, 0.5, 3.625],
      [870_002, 3.125, 0.3, 3.425],
      [870_003, 3.125, 0.1, 3.225],
    ]);
    expect(f.blocks[0]!.btcPerTh).toBeCloseTo(3.625 * 1.3969838619e-9, 18); // 5.0640664995e-9 BTC
    // the fleet: 100 TH/s, 2 % pool fee: 3.625 · 100 · 1.3969838619e-9 · 0.98 = 4.9627851695e-7 BTC
    expect(f.blocks[0]!.fleetBtc).toBeCloseTo(4.9627851695e-7, 16);
    expect(f.forwardFeesPerBlock).toBeCloseTo(0.3, 15);
    expect(f.forwardReward).toBeCloseTo(3.425, 15);
    // 1e12 · 86400 · 3.425 / (1e14 · 2^32) = 6.889924407e-7 BTC = 0.06889924407 USD per TH/s per day
    expect(f.forwardHashpriceBtc).toBeCloseTo(6.889924407e-7, 16);
    expect(f.forwardHashprice).toBeCloseTo(0.06889924407, 11);
    // trailing 3.125 + 0.125: 0.0653788447 USD, the market frame's hashprice of the worked example
    expect(f.trailingHashprice).toBeCloseTo(0.0653788447, 10);
    expect(f.forwardPremiumPercent!).toBeCloseTo((3.425 / 3.25 - 1) * 100, 10); // 5.3846 %
  });

  it('a block the mempool does not fill pays only what it holds: 5 counted, 3 projected -> mean fees 0.9 / 5', () => {
    const f = forwardHashprice({ ...BASE, count: 5, projected: { fees: [0.5, 0.3, 0.1] } });
    expect(f.blocks.map((b) => b.fees)).toEqual([0.5, 0.3, 0.1, 0, 0]);
    expect(f.forwardFeesPerBlock).toBeCloseTo(0.18, 15);
    expect(f.forwardPremiumPercent!).toBeCloseTo((3.305 / 3.25 - 1) * 100, 10);
  });

  it('across the halving at 1,050,000: 3.125 then 1.5625 BTC (50 BTC >> 5)', () => {
    const f = forwardHashprice({ ...BASE, tipHeight: 1_049_998, projected: { fees: [0.2, 0.2, 0.2] } });
    expect(f.blocks.map((b) => [b.height, b.subsidy])).toEqual([
      [1_049_999, 3.125],
      [1_050_000, 1.5625],
      [1_050_001, 1.5625],
    ]);
    expect(f.forwardReward).toBeCloseTo((3.325 + 1.7625 + 1.7625) / 3, 15);
    expect(f.trailingReward).toBe(3.125 + 0.125); // the next block's subsidy + the 144-block fees
  });

  it('no trailing fee data: trailing reward is the subsidy alone', () => {
    const f = forwardHashprice({ ...BASE, trailingFeesPerBlock: null, projected: { fees: [] } });
    expect(f.trailingReward).toBe(3.125);
    expect(f.forwardReward).toBe(3.125);
    expect(f.forwardPremiumPercent).toBe(0);
  });
});
