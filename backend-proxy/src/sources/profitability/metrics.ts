// profitability_* series (MetricFactory adds the `source` label).
import { halvingInfo, hashpricePerThDay, retargetInfo } from '@nodescope/shared';
import type { MetricFactory } from '../../core/metrics.js';
import type { FleetProfit, MinerProfit } from './compute.js';
import type { ForwardHashprice } from './forward.js';
import type { Market } from './market.js';
import type { PeriodEconomics } from './tariff.js';

export interface FleetEnergyState {
  fleet: string;
  period: PeriodEconomics | undefined;
  curtailed: boolean;
  stopCurtailing: boolean;
}

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
    forwardHashprice: factory.gauge('profitability_forward_hashprice', 'Revenue of 1 TH/s for one day at the fees of the projected next blocks, before pool fee', ['currency']),
    forwardHashpriceBtc: factory.gauge('profitability_forward_hashprice_btc', 'BTC of 1 TH/s for one day at the fees of the projected next blocks'),
    trailingHashpriceBtc: factory.gauge('profitability_trailing_hashprice_btc', 'BTC of 1 TH/s for one day at the average fees of the last 144 blocks'),
    forwardFees: factory.gauge('profitability_forward_fees_per_block_btc', 'Mean fees of the projected next blocks in the own mempool'),
    tariffPrice: factory.gauge('profitability_fleet_tariff_price_per_kwh', 'Electricity price of the tariff period in force', ['fleet', 'period', 'currency']),
    curtailed: factory.gauge('profitability_fleet_curtailed', '1 while the fleet is curtailed: a curtailment window, or the period loses money at the trailing hashprice', ['fleet']),
    forwardPerKwh: factory.gauge('profitability_fleet_forward_revenue_per_kwh', 'What one kWh of the fleet earns at the forward hashprice', ['fleet', 'currency']),
    stopCurtailing: factory.gauge('profitability_fleet_stop_curtailing', '1 while the fleet is curtailed yet its forward revenue per kWh beats the period price (fees are high)', ['fleet']),
  };
  // label sets written last time, so a period or currency that no longer holds is removed
  const written = new Map<string, Record<string, string>>();
  const setOnce = (key: string, gauge: { set(l: Record<string, string>, v: number): void; remove(l: Record<string, string>): void }, labels: Record<string, string>, value: number | null) => {
    const before = written.get(key);
    if (before && JSON.stringify(before) !== JSON.stringify(labels)) gauge.remove(before);
    if (value === null || !Number.isFinite(value)) {
      if (before) gauge.remove(before);
      written.delete(key);
      return;
    }
    gauge.set(labels, value);
    written.set(key, labels);
  };
  const source = sourceId;
  return {
    energy(currency: string, forward: ForwardHashprice | null, fleets: FleetEnergyState[]): void {
      setOnce('fwd', m.forwardHashprice, { source, currency }, forward?.forwardHashprice ?? null);
      setOnce('fwdBtc', m.forwardHashpriceBtc, { source }, forward?.forwardHashpriceBtc ?? null);
      setOnce('trailBtc', m.trailingHashpriceBtc, { source }, forward?.trailingHashpriceBtc ?? null);
      setOnce('fwdFees', m.forwardFees, { source }, forward?.forwardFeesPerBlock ?? null);
      for (const f of fleets) {
        setOnce(`price:${f.fleet}`, m.tariffPrice, { source, fleet: f.fleet, period: f.period?.name ?? 'base', currency }, f.period?.pricePerKwh ?? null);
        setOnce(`curtailed:${f.fleet}`, m.curtailed, { source, fleet: f.fleet }, f.curtailed ? 1 : 0);
        setOnce(`perKwh:${f.fleet}`, m.forwardPerKwh, { source, fleet: f.fleet, currency }, f.period?.forwardRevenuePerKwh ?? null);
        setOnce(`stop:${f.fleet}`, m.stopCurtailing, { source, fleet: f.fleet }, f.stopCurtailing ? 1 : 0);
      }
    },
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
