// promtool unit tests of the alert catalog (`promtool test rules`), written as scenarios: input
// series in promtool's expanding notation, then what must fire (with the value the summary
// shows) at given minutes. Expected annotations are rendered from the catalog the way
// Prometheus' template functions do (humanize, humanizePercentage), so promtool checks the
// summaries too.
import { stringify } from 'yaml';
import { ruleLabels } from './alerts.ts';
import { RULES, type AlertRule } from './rules.ts';

interface Firing {
  labels: Record<string, string>;
  value: number;
}

interface Scenario {
  name: string;
  /** series selector -> promtool values, one sample per minute */
  series: Record<string, string>;
  /** minute -> alert name -> alerts expected firing (empty list = none) */
  checks: Array<{ at: number; alert: string; firing: Firing[] }>;
}

const btc = { source: 'btc-main' };
const farm = { source: 'farm-a' };
const bot = { source: 'bot-1', cluster: 'bot-1', strategy: 'SampleStrategy', version: '2025.6' };
const botSeries = (name: string, extra = '') =>
  `${name}{source="bot-1",cluster="bot-1",strategy="SampleStrategy",version="2025.6"${extra}}`;

export const SCENARIOS: Scenario[] = [
  {
    name: 'bitcoin head stale: quiet without an hour of history, fires after 60 + 15 min without a block',
    series: {
      'bitcoin_blocks{source="btc-main"}': '800000x100',
      'bitcoin_blocks{source="btc-moving"}': '800000+1x100',
    },
    checks: [
      { at: 30, alert: 'BitcoinHeadStale', firing: [] },
      { at: 70, alert: 'BitcoinHeadStale', firing: [] },
      { at: 80, alert: 'BitcoinHeadStale', firing: [{ labels: btc, value: 0 }] },
    ],
  },
  {
    name: 'bitcoin peers low, then none; resolves when peers return',
    series: { 'bitcoin_peers{source="btc-main"}': '8x5 2x19 0x20 10x10' },
    checks: [
      { at: 12, alert: 'BitcoinPeersLow', firing: [] },
      { at: 20, alert: 'BitcoinPeersLow', firing: [{ labels: btc, value: 2 }] },
      { at: 20, alert: 'BitcoinNoPeers', firing: [] },
      { at: 40, alert: 'BitcoinPeersLow', firing: [{ labels: btc, value: 0 }] },
      { at: 40, alert: 'BitcoinNoPeers', firing: [{ labels: btc, value: 0 }] },
      { at: 50, alert: 'BitcoinPeersLow', firing: [] },
      { at: 50, alert: 'BitcoinNoPeers', firing: [] },
    ],
  },
  {
    name: 'bitcoin IBD stalled: only while verification is incomplete',
    series: {
      'bitcoin_blocks{source="btc-ibd"}': '500000+100x40 504000x60',
      'bitcoin_verification_progress{source="btc-ibd"}': '0.6x100',
      'bitcoin_blocks{source="btc-synced"}': '800000x100',
      'bitcoin_verification_progress{source="btc-synced"}': '0.99999x100',
    },
    checks: [
      { at: 60, alert: 'BitcoinIbdStalled', firing: [] },
      { at: 75, alert: 'BitcoinIbdStalled', firing: [] },
      { at: 85, alert: 'BitcoinIbdStalled', firing: [{ labels: { source: 'btc-ibd' }, value: 0 }] },
    ],
  },
  {
    name: 'bitcoin mempool near the 300 MB limit',
    series: { 'bitcoin_mempool_usage{source="btc-main"}': '100000000x10 285000000x20' },
    checks: [
      { at: 15, alert: 'BitcoinMempoolNearLimit', firing: [] },
      { at: 25, alert: 'BitcoinMempoolNearLimit', firing: [{ labels: btc, value: 0.95 }] },
    ],
  },
  {
    name: 'bitcoin ZMQ disconnected, then connected but silent',
    series: {
      'bitcoin_zmq_connected{source="btc-main"}': '1x5 0x10 1x30',
      'bitcoin_zmq_silent{source="btc-main"}': '0x16 1x30',
    },
    checks: [
      { at: 9, alert: 'BitcoinZmqDown', firing: [] },
      { at: 13, alert: 'BitcoinZmqDown', firing: [{ labels: btc, value: 0 }] },
      { at: 20, alert: 'BitcoinZmqDown', firing: [] },
      { at: 24, alert: 'BitcoinZmqSilent', firing: [] },
      { at: 30, alert: 'BitcoinZmqSilent', firing: [{ labels: btc, value: 1 }] },
    ],
  },
  {
    name: 'geth head stale and peers low',
    series: {
      'geth_rpc_head_age_seconds{source="geth-1"}': '12x5 0+60x20',
      'geth_rpc_peers{source="geth-1"}': '30x5 3x20',
    },
    checks: [
      { at: 8, alert: 'GethHeadStale', firing: [] },
      { at: 12, alert: 'GethHeadStale', firing: [{ labels: { source: 'geth-1' }, value: 360 }] },
      { at: 12, alert: 'GethPeersLow', firing: [] },
      { at: 20, alert: 'GethPeersLow', firing: [{ labels: { source: 'geth-1' }, value: 3 }] },
    ],
  },
  {
    name: 'geth txpool spike against the last hour (a small pool tripling is ignored)',
    series: {
      'geth_rpc_txpool_transactions{source="geth-1",state="pending"}': '2000x60 9000x30',
      'geth_rpc_txpool_transactions{source="geth-1",state="queued"}': '500x90',
      'geth_rpc_txpool_transactions{source="geth-2",state="pending"}': '100x60 400x30',
    },
    checks: [
      { at: 65, alert: 'GethTxpoolSpike', firing: [] },
      { at: 75, alert: 'GethTxpoolSpike', firing: [{ labels: { source: 'geth-1' }, value: 4.5 }] },
    ],
  },
  {
    name: 'electrum index lagging, then the server down',
    series: {
      'electrum_index_lag_blocks{source="btc-main",kind="electrs"}': '0x5 5x20',
      'electrum_up{source="btc-main",kind="electrs"}': '1x25 0x10',
    },
    checks: [
      { at: 12, alert: 'ElectrumIndexLagging', firing: [] },
      { at: 20, alert: 'ElectrumIndexLagging', firing: [{ labels: { ...btc, kind: 'electrs' }, value: 5 }] },
      { at: 28, alert: 'ElectrumDown', firing: [] },
      { at: 33, alert: 'ElectrumDown', firing: [{ labels: { ...btc, kind: 'electrs' }, value: 0 }] },
    ],
  },
  {
    name: 'miner offline, auto-resolves when it answers again',
    series: {
      'mining_up{source="farm-a",miner="rig-1"}': '1x5 0x10 1x10',
      'mining_up{source="farm-a",miner="rig-2"}': '1x25',
    },
    checks: [
      { at: 9, alert: 'MinerOffline', firing: [] },
      { at: 13, alert: 'MinerOffline', firing: [{ labels: { ...farm, miner: 'rig-1' }, value: 0 }] },
      { at: 22, alert: 'MinerOffline', firing: [] },
    ],
  },
  {
    name: 'board hot (warning) then critical',
    series: { 'mining_temperature_max_celsius{source="farm-a",miner="rig-1"}': '70x5 90x10 97x10' },
    checks: [
      { at: 9, alert: 'MinerBoardHot', firing: [] },
      { at: 14, alert: 'MinerBoardHot', firing: [{ labels: { ...farm, miner: 'rig-1' }, value: 90 }] },
      { at: 14, alert: 'MinerBoardCritical', firing: [] },
      { at: 20, alert: 'MinerBoardCritical', firing: [{ labels: { ...farm, miner: 'rig-1' }, value: 97 }] },
    ],
  },
  {
    name: 'fan stopped on a running miner; an offline miner is left to MinerOffline',
    series: {
      'mining_fan_min_rpm{source="farm-a",miner="rig-1"}': '6000x5 0x10',
      'mining_up{source="farm-a",miner="rig-1"}': '1x15',
      'mining_fan_min_rpm{source="farm-a",miner="rig-2"}': '0x15',
      'mining_up{source="farm-a",miner="rig-2"}': '0x15',
    },
    checks: [
      { at: 7, alert: 'MinerFanStopped', firing: [] },
      { at: 10, alert: 'MinerFanStopped', firing: [{ labels: { ...farm, miner: 'rig-1' }, value: 0 }] },
    ],
  },
  {
    name: 'reject rate above 5 % for 15 minutes',
    series: {
      'mining_shares_accepted_total{source="farm-a",miner="rig-1"}': '0+100x60',
      'mining_shares_rejected_total{source="farm-a",miner="rig-1"}': '0+2x20 60+20x40',
    },
    checks: [
      { at: 20, alert: 'MinerRejectRateHigh', firing: [] },
      { at: 55, alert: 'MinerRejectRateHigh', firing: [{ labels: { ...farm, miner: 'rig-1' }, value: 20 / 120 }] },
    ],
  },
  {
    name: 'fleet hashrate 30 % below its last-hour peak',
    series: { 'mining_fleet_hashrate_hashes_per_second{source="farm-a"}': '1e15x30 7e14x30' },
    checks: [
      { at: 35, alert: 'FleetHashrateDrop', firing: [] },
      { at: 45, alert: 'FleetHashrateDrop', firing: [{ labels: farm, value: 1 - 7e14 / 1e15 }] },
    ],
  },
  {
    name: 'stacks tip stalled',
    series: { 'stacks_info_tip_age_seconds{source="stx-1"}': '0+60x60' },
    checks: [
      { at: 33, alert: 'StacksTipStalled', firing: [] },
      { at: 40, alert: 'StacksTipStalled', firing: [{ labels: { source: 'stx-1' }, value: 2400 }] },
    ],
  },
  {
    name: 'stacks burn height behind bitcoin',
    series: { 'stacks_burn_block_lag{source="stx-1"}': '0x5 4x20' },
    checks: [
      { at: 12, alert: 'StacksBurnHeightBehind', firing: [] },
      { at: 20, alert: 'StacksBurnHeightBehind', firing: [{ labels: { source: 'stx-1' }, value: 4 }] },
    ],
  },
  {
    name: 'stacks signer stops following the tip',
    series: {
      'stacks_info_stacks_tip_height{source="stx-1"}': '1000+10x40',
      'stacks_signer_stacks_node_height{source="stx-1"}': '1000+10x10 1100x30',
    },
    checks: [
      { at: 18, alert: 'StacksSignerBehind', firing: [] },
      { at: 25, alert: 'StacksSignerBehind', firing: [{ labels: { source: 'stx-1' }, value: 150 }] },
    ],
  },
  {
    name: 'fleet and miner below break-even; stale market data',
    series: {
      'profitability_fleet_profit_per_day{source="profit",fleet="farm-a",currency="usd"}': '120x10 -12.5x50',
      'profitability_miner_profit_per_day{source="profit",fleet="farm-a",miner="rig-7",currency="usd"}': '3x10 -1.25x80',
      'profitability_miner_profit_per_day{source="profit",fleet="farm-a",miner="rig-1",currency="usd"}': '8x90',
      'profitability_market_stale{source="profit"}': '0x10 1x40',
    },
    checks: [
      { at: 35, alert: 'FleetBelowBreakEven', firing: [] },
      { at: 45, alert: 'FleetBelowBreakEven', firing: [{ labels: { source: 'profit', fleet: 'farm-a', currency: 'usd' }, value: -12.5 }] },
      { at: 60, alert: 'MinerBelowBreakEven', firing: [] },
      { at: 75, alert: 'MinerBelowBreakEven', firing: [{ labels: { source: 'profit', fleet: 'farm-a', miner: 'rig-7', currency: 'usd' }, value: -1.25 }] },
      { at: 35, alert: 'ProfitabilityMarketStale', firing: [] },
      { at: 45, alert: 'ProfitabilityMarketStale', firing: [{ labels: { source: 'profit' }, value: 1 }] },
    ],
  },
  {
    name: 'freqtrade API down',
    series: { [botSeries('freqtrade_build_info')]: '1x5 0x10' },
    checks: [
      { at: 9, alert: 'FreqtradeBotDown', firing: [] },
      { at: 13, alert: 'FreqtradeBotDown', firing: [{ labels: bot, value: 0 }] },
    ],
  },
  {
    name: 'freqtrade bot stopped (a running bot beside it stays quiet)',
    series: {
      [botSeries('freqtrade_state', ',text="stopped"')]: '0x15',
      'freqtrade_state{source="bot-2",cluster="bot-2",strategy="SampleStrategy",version="2025.6",text="running"}': '1x15',
    },
    checks: [
      { at: 3, alert: 'FreqtradeBotStopped', firing: [] },
      { at: 8, alert: 'FreqtradeBotStopped', firing: [{ labels: { ...bot, text: 'stopped' }, value: 0 }] },
    ],
  },
  {
    name: 'freqtrade heartbeat stale',
    series: { [botSeries('freqtrade_heartbeat_age_seconds')]: '5x5 400x10' },
    checks: [
      { at: 7, alert: 'FreqtradeHeartbeatStale', firing: [] },
      { at: 10, alert: 'FreqtradeHeartbeatStale', firing: [{ labels: bot, value: 400 }] },
    ],
  },
  {
    name: 'freqtrade drawdown over 20 %',
    series: { [botSeries('freqtrade_drawdown_current_ratio')]: '0.05x5 0.25x10' },
    checks: [
      { at: 9, alert: 'FreqtradeDrawdownHigh', firing: [] },
      { at: 13, alert: 'FreqtradeDrawdownHigh', firing: [{ labels: bot, value: 0.25 }] },
    ],
  },
  {
    name: 'nodescope source down',
    series: { 'nodescope_source_up{source="btc-main"}': '1x5 0x10' },
    checks: [
      { at: 9, alert: 'NodescopeSourceDown', firing: [] },
      { at: 13, alert: 'NodescopeSourceDown', firing: [{ labels: btc, value: 0 }] },
    ],
  },
  {
    name: 'nodescope proxy not scraped',
    series: { 'up{job="nodescope",instance="127.0.0.1:8787"}': '1x5 0x10' },
    checks: [
      { at: 7, alert: 'NodescopeProxyDown', firing: [] },
      { at: 10, alert: 'NodescopeProxyDown', firing: [{ labels: { job: 'nodescope', instance: '127.0.0.1:8787' }, value: 0 }] },
    ],
  },
];

// --- Prometheus template functions, as far as the summaries use them ----------------------------

/** Go's %.4g for the magnitudes the summaries show. */
function g4(value: number): string {
  if (value === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 4) {
    const [mantissa = '', exp = '0'] = value.toExponential(3).split('e');
    const m = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
    const e = Number(exp);
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(Number(value.toPrecision(4)));
}

/** Prometheus' `humanize` (template.go): SI prefixes, %.4g. */
export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return g4(value);
  if (Math.abs(value) >= 1) {
    const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let i = 0;
    while (Math.abs(value) >= 1000 && i < prefixes.length - 1) {
      value /= 1000;
      i++;
    }
    return `${g4(value)}${prefixes[i]}`;
  }
  const prefixes = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let i = 0;
  while (Math.abs(value) < 1 && i < prefixes.length - 1) {
    value *= 1000;
    i++;
  }
  return `${g4(value)}${prefixes[i]}`;
}

export function humanizePercentage(value: number): string {
  return `${g4(value * 100)}%`;
}

/** The Prometheus rendering of a catalog summary for one alert instance. */
export function renderSummary(rule: AlertRule, labels: Record<string, string>, value: number): string {
  return rule.summary
    .replace(/\{\{source\}\}/g, labels.source ?? '')
    .replace(/\{\{label:([a-zA-Z_][a-zA-Z0-9_]*)\}\}/g, (_, name: string) => labels[name] ?? '')
    .replace(/\{\{value\}\}/g, humanize(value))
    .replace(/\{\{percent\}\}/g, humanizePercentage(value));
}

export function promtoolTests(rulesFile = 'nodescope-rules.yml'): string {
  const rule = (name: string) => {
    const found = RULES.find((r) => r.alert === name);
    if (!found) throw new Error(`scenario names unknown alert ${name}`);
    return found;
  };
  const tests = SCENARIOS.map((scenario) => ({
    name: scenario.name,
    interval: '1m',
    input_series: Object.entries(scenario.series).map(([series, values]) => ({ series, values })),
    alert_rule_test: scenario.checks.map((check) => {
      const r = rule(check.alert);
      return {
        eval_time: `${check.at}m`,
        alertname: check.alert,
        exp_alerts: check.firing.map((f) => ({
          exp_labels: { ...f.labels, ...ruleLabels(r) },
          exp_annotations: {
            summary: renderSummary(r, f.labels, f.value),
            description: r.description,
            dashboard: `/d/${r.dashboard}`,
          },
        })),
      };
    }),
  }));
  return (
    '# GENERATED from provisioning/build/ruleTests.ts - run: promtool test rules nodescope-rules.test.yml\n' +
    stringify({ rule_files: [rulesFile], evaluation_interval: '1m', tests }, { lineWidth: 0 })
  );
}

/** Alerts of the catalog that no scenario checks firing (the test requires none). */
export function untestedAlerts(): string[] {
  const fired = new Set(SCENARIOS.flatMap((s) => s.checks.filter((c) => c.firing.length > 0).map((c) => c.alert)));
  return RULES.map((r) => r.alert).filter((name) => !fired.has(name));
}
