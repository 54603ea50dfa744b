import { describe, expect, it } from 'vitest';
import { expandSourceIds, interpolateQuery, renderAlias, type Replace } from './interpolate';

// a small stand-in for Grafana's templateSrv.replace: $node is multi-valued, $pair single
const vars: Record<string, string[]> = { node: ['btc-a', 'btc-b'], pair: ['BTC/USDT'], targets: ['2', '6'] };
const replace: Replace = (text = '', _scoped, format) =>
  text.replace(/\$(\w+)/g, (whole, name: string) => {
    const values = vars[name];
    if (!values) return whole;
    return format === 'csv' ? values.join(',') : values.length > 1 ? `{${values.join(',')}}` : values[0]!;
  });

describe('interpolateQuery', () => {
  it('replaces variables in the source, params and list items', () => {
    const query = interpolateQuery(
      { refId: 'A', schemaVersion: 1, sourceId: '$node', query: 'trades', params: { pair: '$pair', targets: ['1', '$targets'], count: 5 } },
      {},
      replace
    );
    expect(query.params).toEqual({ pair: 'BTC/USDT', targets: ['1', '2', '6'], count: 5 });
    expect(query.sourceId).toBe('{btc-a,btc-b}');
  });
});

describe('expandSourceIds', () => {
  it('runs a multi-value source variable once per source', () => {
    expect(expandSourceIds('$node', {}, replace)).toEqual(['btc-a', 'btc-b']);
    expect(expandSourceIds('btc-main', {}, replace)).toEqual(['btc-main']);
    expect(expandSourceIds('', {}, replace)).toEqual([]);
  });
});

describe('renderAlias', () => {
  it.each([
    ['{{field}}', { field: 'feeRate' }, 'feeRate'],
    ['{{ source }} / {{field}}', { field: 'x', source: 'btc' }, 'btc / x'],
    ['{{missing}}', {}, '{{missing}}'],
  ])('%s', (alias, values, expected) => {
    expect(renderAlias(alias, values as Record<string, string>)).toBe(expected);
  });
});
