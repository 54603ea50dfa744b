import { describe, expect, it } from 'vitest';
import { formatParamValue, paramsFor, parseParamInput } from './queryParams';

describe('parseParamInput', () => {
  it.each([
    [{ type: 'number' as const }, ' 25 ', 25],
    [{ type: 'number' as const }, '$count', '$count'],
    [{ type: 'number' as const }, '', undefined],
    [{ type: 'list' as const }, 'error, warn,,info ', ['error', 'warn', 'info']],
    [{ type: 'string' as const }, ' BTC/USDT ', 'BTC/USDT'],
    [{ type: 'boolean' as const }, 'true', true],
  ])('%j %j -> %j', (spec, text, value) => {
    expect(parseParamInput(spec, text)).toEqual(value);
  });

  it('round-trips lists through the text input', () => {
    expect(formatParamValue(parseParamInput({ type: 'list' }, '10,50,90'))).toBe('10,50,90');
  });
});

describe('paramsFor', () => {
  it('lists what each query reads and nothing for the others', () => {
    expect(paramsFor('cgminer', 'miner.pools').map((p) => p.key)).toEqual(['miner']);
    expect(paramsFor('freqtrade', 'trades').map((p) => p.key)).toEqual(['pair', 'limit']);
    // the phases the proxy's lightning source filters by (shared LIGHTNING_CHANNEL_PHASES), plus 'all'
    expect(paramsFor('lightning', 'channels')[0]).toMatchObject({ key: 'phase', type: 'select' });
    expect(paramsFor('lightning', 'channels')[0]?.options).toContain('force_closing');
    expect(paramsFor('bitcoin', 'chain.info')).toEqual([]);
    expect(paramsFor(undefined, 'logs')).toEqual([]);
  });

  it("draws enums from the catalog: '' (any) only where the param has no default", () => {
    expect(paramsFor('stacks', 'node.neighbors')[0]?.options).toEqual(['', 'inbound', 'outbound', 'sample', 'bootstrap']);
    expect(paramsFor('cgminer', 'miners')[0]?.options).toEqual(['all', 'online', 'offline', 'unknown']);
    expect(paramsFor('cgminer', 'miner.devices')[0]).toMatchObject({ key: 'miner', type: 'string', variable: 'miners' });
    expect(paramsFor('geth', 'fees.history').map((p) => [p.key, p.type])).toEqual([
      ['blocks', 'number'],
      ['percentiles', 'list'],
    ]);
  });
});
