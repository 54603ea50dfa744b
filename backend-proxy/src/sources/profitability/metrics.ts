// profitability_* series (MetricFactory adds the `source` label).
import { halvingInfo, hashpricePerThDay, retargetInfo } from '@nodescope/shared';
import type { MetricFactory } from '../../core/metrics.js';
import type { FleetProfit, MinerProfit } from './compute.js';
import type { Market } from './market.js';

export function createProfitabilityMetrics(factory: MetricFactory, sourceId: string) {
  const m = {
    price: factory.gauge('profitability_btc_price', 'BTC price', ['currency', 'api']),
    difficulty: factory.gauge('profitability_network_difficulty', 'Network difficulty used', ['api']),
    blockReward: factory.gauge('profitability_block_reward_btc', 'Subsidy plus average fees per block'),
    hashprice: factory.gauge('profitability_hashprice', 'Revenue of 1 TH/s for one day, before pool fee', ['currency']),
    daysToRetarget: factory.gauge('profitability_days_to_retarget', 'Days to the next difficulty adjustment at 10 min per block'),
    daysToHalving: factory.gauge('profitability_days_to_halving', 'Days to the next halving at 10 min per block'),
    marketStale: factory.gauge('profitability_market_stale', '1 while price or difficulty is served stale after failed refreshes'),
    fetchErrors: factory.counter('profitability_market_fetch_errors_total', 'Failed price/difficulty API calls', ['api']),
    fleetBtc: factory.gauge('profitability_fleet_btc_per_day', 'Expected BTC per day of the fleet', ['fleet']),
    fleetRevenue: factory.gauge('profitability_fleet_revenue_per_day', 'Fleet revenue per day', ['fleet', 'currency']),
    fleetCost: factory.gauge('profitability_fleet_cost_per_day', 'Fleet electricity cost per day', ['fleet', 'currency']),
    fleetProfit: factory.gauge('profitability_fleet_profit_per_day', 'Fleet profit per day', ['fleet', 'currency']),
    fleetMargin: factory.gauge('profitability_fleet_margin_percent', 'Fleet profit margin', ['fleet']),
    fleetBreakEven: factory.gauge('profitability_fleet_break_even_per_kwh', 'Electricity price at which the fleet breaks even', ['fleet', 'currency']),
    fleetJth: factory.gauge('profitability_fleet_joules_per_terahash', 'Fleet efficiency', ['fleet']),
    minerProfit: factory.gauge('profitability_miner_profit_per_day', 'Miner profit per day', ['fleet', 'miner', 'currency']),
    minerBtc: factory.gauge('profitability_miner_btc_per_day', 'Miner expected BTC per day', ['fleet', 'miner']),
  };
  const source = sourceId;
  return {
    fetchError(api: string): void {
      m.fetchErrors.inc({ source, api });
    },
    update(market: Market, fleets: FleetProfit[], miners: MinerProfit[]): void {
      const currency = market.price.currency;
      m.price.set({ source, currency, api: market.price.source }, market.price.price);
      m.difficulty.set({ source, api: market.chain.source }, market.chain.difficulty);
      m.blockReward.set({ source }, market.blockReward);
      m.hashprice.set({ source, currency }, hashpricePerThDay(market.chain.difficulty, market.blockReward, market.price.price));
      m.daysToRetarget.set({ source }, retargetInfo(market.chain.height).daysToRetarget);
      m.daysToHalving.set({ source }, halvingInfo(market.chain.height).daysToHalving);
      m.marketStale.set({ source }, market.price.stale || market.chain.stale ? 1 : 0);
      for (const f of fleets) {
        m.fleetBtc.set({ source, fleet: f.fleet }, f.btcPerDay);
        m.fleetRevenue.set({ source, fleet: f.fleet, currency }, f.revenuePerDay);
        m.fleetCost.set({ source, fleet: f.fleet, currency }, f.costPerDay);
        m.fleetProfit.set({ source, fleet: f.fleet, currency }, f.profitPerDay);
        if (f.marginPercent !== null) m.fleetMargin.set({ source, fleet: f.fleet }, f.marginPercent);
        if (f.breakEvenPerKwh !== null) m.fleetBreakEven.set({ source, fleet: f.fleet, currency }, f.breakEvenPerKwh);
        if (f.joulesPerTh !== null) m.fleetJth.set({ source, fleet: f.fleet }, f.joulesPerTh);
      }
      for (const r of miners) {
        m.minerProfit.set({ source, fleet: r.fleet, miner: r.miner, currency }, r.profitPerDay);
        m.minerBtc.set({ source, fleet: r.fleet, miner: r.miner }, r.btcPerDay);
      }
    },
  };
}
