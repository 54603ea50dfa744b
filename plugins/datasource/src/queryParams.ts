// The parameters each query takes, per source kind, for the query editor. Unknown params are
// still sent (the editor's "more params" row), so a source can grow one before this list does.
import { LIGHTNING_CHANNEL_PHASES, type SourceKind } from '@nodescope/shared';
import type { ParamValue, VariableName } from './types';

export interface ParamSpec {
  key: string;
  label: string;
  type: 'number' | 'string' | 'list' | 'select' | 'boolean';
  options?: readonly string[];
  placeholder?: string;
  tooltip?: string;
  /** values for this param can be listed by this template variable (/api/variables) */
  variable?: VariableName;
}

const count = (placeholder: string, tooltip: string): ParamSpec => ({ key: 'count', label: 'Count', type: 'number', placeholder, tooltip });
const miner: ParamSpec = { key: 'miner', label: 'Miner', type: 'string', placeholder: 'rig-1 or $miner', variable: 'miners' };

// Names and values follow what each source reads (backend-proxy/src/sources/<kind>/index.ts);
// freqtrade refuses params it does not know, so nothing is sent that a source would not read.
export const QUERY_PARAMS: Partial<Record<SourceKind, Record<string, ParamSpec[]>>> = {
  bitcoin: {
    'blocks.recent': [count('10', 'number of most recent blocks')],
  },
  stacks: {
    logs: [
      { key: 'level', label: 'Level', type: 'list', placeholder: 'error,warn', tooltip: 'one or several severities' },
      { key: 'search', label: 'Search', type: 'string', placeholder: 'text in the line' },
      { key: 'service', label: 'Service', type: 'select', options: ['', 'node', 'signer'] },
      { key: 'component', label: 'Component', type: 'string', placeholder: 'e.g. chainstate' },
      { key: 'limit', label: 'Limit', type: 'number', placeholder: '1000' },
    ],
    'node.neighbors': [{ key: 'direction', label: 'Direction', type: 'select', options: ['', 'inbound', 'outbound'] }],
  },
  geth: {
    'fees.history': [
      { key: 'blocks', label: 'Blocks', type: 'number', placeholder: '20' },
      { key: 'percentiles', label: 'Percentiles', type: 'list', placeholder: '10,50,90' },
    ],
  },
  cgminer: {
    miners: [{ key: 'status', label: 'Status', type: 'select', options: ['all', 'online', 'offline', 'unknown'] }],
    'miner.devices': [miner],
    'miner.pools': [miner],
    'miner.history': [miner],
  },
  profitability: {
    whatif: [
      { key: 'hashrateTh', label: 'Hashrate (TH/s)', type: 'number', placeholder: '110' },
      { key: 'joulesPerTh', label: 'Efficiency (J/TH)', type: 'number', placeholder: '29.5' },
      { key: 'electricityPerKwh', label: 'Electricity ($/kWh)', type: 'number', placeholder: 'from config' },
      { key: 'poolFeePercent', label: 'Pool fee (%)', type: 'number', placeholder: 'from config' },
      { key: 'price', label: 'BTC price', type: 'number', placeholder: 'market' },
      { key: 'difficulty', label: 'Difficulty', type: 'number', placeholder: 'network' },
      { key: 'feesPerBlock', label: 'Fees per block (BTC)', type: 'number', placeholder: 'recent blocks' },
    ],
    'hashprice.forward': [{ key: 'blocks', label: 'Blocks', type: 'number', placeholder: '3', tooltip: 'projected next blocks of the own mempool counted (1-8)' }],
    roi: [
      { key: 'purchasePrice', label: 'Purchase price', type: 'number', placeholder: '3500', tooltip: "the miner's price in the source currency (required)" },
      { key: 'model', label: 'Model', type: 'string', placeholder: 'Antminer S19', tooltip: 'a model of the spec table, or hashrate and power below' },
      { key: 'hashrateTh', label: 'Hashrate (TH/s)', type: 'number', placeholder: '110' },
      { key: 'powerWatts', label: 'Power (W)', type: 'number', placeholder: '3250' },
      { key: 'joulesPerTh', label: 'Efficiency (J/TH)', type: 'number', placeholder: 'instead of power' },
      { key: 'fleet', label: 'Tariff of fleet', type: 'string', placeholder: 'farm-a', tooltip: 'price the energy with this fleet\'s tariff' },
      { key: 'electricityPerKwh', label: 'Electricity ($/kWh)', type: 'number', placeholder: 'from config' },
      { key: 'growth', label: 'Difficulty growth (%/retarget)', type: 'list', placeholder: '0,2,4' },
      { key: 'horizonDays', label: 'Horizon (days)', type: 'number', placeholder: '1095' },
    ],
  },
  freqtrade: {
    trades: [
      { key: 'pair', label: 'Pair', type: 'string', placeholder: 'BTC/USDT or $pair', variable: 'pairs' },
      { key: 'limit', label: 'Limit', type: 'number', placeholder: '500', tooltip: 'number of most recent trades' },
    ],
    'open.trades': [{ key: 'pair', label: 'Pair', type: 'string', placeholder: 'BTC/USDT or $pair', variable: 'pairs' }],
    daily: [{ key: 'days', label: 'Days', type: 'number', placeholder: '30' }],
  },
  lightning: {
    channels: [
      {
        key: 'phase',
        label: 'Phase',
        type: 'select',
        options: ['all', ...LIGHTNING_CHANNEL_PHASES],
        tooltip: 'only channels in this phase',
      },
    ],
  },
};

export function paramsFor(kind: SourceKind | undefined, query: string): ParamSpec[] {
  return (kind && QUERY_PARAMS[kind]?.[query]) || [];
}

/** Turns what the user typed into the value sent to the proxy; empty input removes the param. */
export function parseParamInput(spec: Pick<ParamSpec, 'type'>, text: string): ParamValue | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (spec.type) {
    case 'number':
      // a template variable stays text until interpolation
      return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'list':
      return trimmed
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    case 'boolean':
      return trimmed === 'true';
    default:
      return trimmed;
  }
}

export function formatParamValue(value: ParamValue | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}
