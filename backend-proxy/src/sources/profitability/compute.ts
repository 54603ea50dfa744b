// Per-miner and per-fleet profitability from the fleets' current state and the market. Pure:
// the maths is @nodescope/shared's, shared with the profitability panel.
import { profitability, type PowerSource, type ProfitResult } from '@nodescope/shared';
import type { FleetMinerView } from '../capabilities.js';

export interface MarketInputs {
  price: number;
  difficulty: number;
  blockReward: number;
  electricityPerKwh: number;
  poolFeePercent: number;
}

export interface MinerProfit extends ProfitResult {
  fleet: string;
  miner: string;
  model: string | null;
  status: string;
  hashrate: number;
  powerWatts: number;
  powerSource: PowerSource;
}

export interface FleetProfit extends ProfitResult {
  fleet: string;
  miners: number;
  online: number;
  hashrate: number;
  powerWatts: number;
}

export function minerProfits(fleet: string, miners: FleetMinerView[], market: MarketInputs): MinerProfit[] {
  return miners.map((m) => {
    const online = m.status === 'online';
    // an offline miner earns nothing and, powered off or not hashing, is not billed here
    const hashrate = online ? (m.hashrate ?? 0) : 0;
    const powerWatts = online ? m.powerWatts : 0;
    return {
      fleet,
      miner: m.name,
      model: m.model,
      status: m.status,
      hashrate,
      powerWatts,
      powerSource: m.powerSource,
      ...profitability({ ...market, hashrate, powerWatts }),
    };
  });
}

export function fleetProfit(fleet: string, rows: MinerProfit[], market: MarketInputs): FleetProfit {
  const hashrate = rows.reduce((sum, r) => sum + r.hashrate, 0);
  const powerWatts = rows.reduce((sum, r) => sum + r.powerWatts, 0);
  return {
    fleet,
    miners: rows.length,
    online: rows.filter((r) => r.status === 'online').length,
    hashrate,
    powerWatts,
    ...profitability({ ...market, hashrate, powerWatts }),
  };
}
