// The parameters each query takes, per source kind, for the query editor. Unknown params are
// still sent (the editor's "more params" row), so a source can grow one before this list does.
import type { SourceKind } from '@nodescope/shared';
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

export const QUERY_PARAMS: Partial<Record<SourceKind, Record<string, ParamSpec[]>>> = {
  bitcoin: {
    'blocks.recent': [count('10', 'number of most recent blocks')],
    'mempool.histogram': [
      { key: 'metric', label: 'Measure', type: 'select', options: ['vsize', 'count', 'fees'], tooltip: 'what each fee band holds' },
      { key: 'merge', label: 'Band merge', type: 'number', placeholder: '1', tooltip: 'merge this many adjacent fee bands into one' },
    ],
    'mempool.blocks': [count('8', 'number of projected blocks')],
    'fees.estimates': [
      { key: 'targets', label: 'Fee targets', type: 'list', placeholder: '1,3,6,144', tooltip: 'confirmation targets in blocks' },
      { key: 'mode', label: 'Mode', type: 'select', options: ['economical', 'conservative'] },
    ],
    'network.peers': [{ key: 'network', label: 'Network', type: 'select', options: ['', 'ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'] }],
  },
  stacks: {
    logs: [
      { key: 'level', label: 'Level', type: 'select', options: ['', 'error', 'warn', 'info', 'debug'] },
      { key: 'search', label: 'Search', type: 'string', placeholder: 'text in the line' },
      { key: 'limit', label: 'Limit', type: 'number', placeholder: '1000' },
    ],
  },
  geth: {
    'fees.history': [
      { key: 'blocks', label: 'Blocks', type: 'number', placeholder: '20' },
      { key: 'percentiles', label: 'Percentiles', type: 'list', placeholder: '10,50,90' },
    ],
  },
  cgminer: {
    miners: [{ key: 'status', label: 'Status', type: 'select', options: ['', 'up', 'down'] }],
    'miner.devices': [miner],
    'miner.pools': [miner],
    'miner.history': [miner],
  },
  profitability: {
    miners: [miner],
    whatif: [
      { key: 'hashrateTh', label: 'Hashrate (TH/s)', type: 'number', placeholder: '110' },
      { key: 'efficiencyJth', label: 'Efficiency (J/TH)', type: 'number', placeholder: '29.5' },
      { key: 'electricityPerKwh', label: 'Electricity ($/kWh)', type: 'number', placeholder: '0.08' },
      { key: 'poolFeePercent', label: 'Pool fee (%)', type: 'number', placeholder: '2' },
    ],
  },
  freqtrade: {
    trades: [
      { key: 'pair', label: 'Pair', type: 'string', placeholder: 'BTC/USDT or $pair', variable: 'pairs' },
      count('100', 'number of most recent trades'),
    ],
    'open.trades': [{ key: 'pair', label: 'Pair', type: 'string', placeholder: 'BTC/USDT or $pair', variable: 'pairs' }],
    daily: [{ key: 'days', label: 'Days', type: 'number', placeholder: '30' }],
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
