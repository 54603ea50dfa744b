import { describe, expect, expectTypeOf, it } from 'vitest';
import { CATALOG, frameNames, paramSpecs, parseQueryParams, VARIABLE_NAMES, type ParamsOf, type QueryName, type StreamName } from './catalog.js';
import { ALL_QUERY_NAMES, QUERIES_BY_KIND, STREAMABLE_QUERIES } from './queries.js';

describe('parseQueryParams', () => {
  it('fills defaults and reads numbers, enums and lists in their wire forms', () => {
    expect(parseQueryParams('bitcoin', 'blocks.recent', {})).toEqual({ ok: true, params: { count: 10 } });
    expect(parseQueryParams('bitcoin', 'blocks.recent', { count: '20' })).toEqual({ ok: true, params: { count: 20 } });
    expect(parseQueryParams('bitcoin', 'blocks.recent', { count: '' })).toEqual({ ok: true, params: { count: 10 } });
    expect(parseQueryParams('geth', 'fees.history', { percentiles: '25, 75' })).toEqual({ ok: true, params: { blocks: 20, percentiles: [25, 75] } });
    expect(parseQueryParams('geth', 'fees.history', { percentiles: ['5', '95'] })).toEqual({ ok: true, params: { blocks: 20, percentiles: [5, 95] } });
    expect(parseQueryParams('stacks', 'logs', { level: 'error,WARN', service: 'signer' })).toEqual({
      ok: true,
      params: { level: ['error', 'WARN'], service: 'signer', limit: 1_000 },
    });
    expect(parseQueryParams('cgminer', 'miners', { status: 'online' })).toEqual({ ok: true, params: { status: 'online' } });
    expect(parseQueryParams('profitability', 'whatif', {})).toEqual({ ok: true, params: {} });
  });

  it.each([
    ['bitcoin', 'blocks.recent', { count: 0 }, 'blocks.recent: count must be an integer from 1 to 144'],
    ['bitcoin', 'blocks.recent', { count: 2.5 }, 'blocks.recent: count must be an integer from 1 to 144'],
    ['bitcoin', 'blocks.recent', { count: '1x' }, 'blocks.recent: count must be an integer from 1 to 144'],
    ['bitcoin', 'chain.info', { count: 1 }, 'chain.info: unknown parameter "count" (this query takes none)'],
    ['freqtrade', 'open.trades', { symbol: 'x' }, 'open.trades: unknown parameter "symbol" (allowed: pair)'],
    ['cgminer', 'miner.pools', {}, 'miner.pools: parameter "miner" is required (a miner name or host:port from the miners table)'],
    ['cgminer', 'miner.devices', { miner: '  ' }, 'miner.devices: parameter "miner" is required (a miner name or host:port from the miners table)'],
    ['cgminer', 'miners', { status: 'sleeping' }, 'miners: status must be one of all, online, offline, unknown'],
    ['geth', 'fees.history', { percentiles: '10,x' }, 'fees.history: percentiles must be 1 to 10 numbers from 0 to 100, as a list or comma-separated'],
    ['geth', 'fees.history', { percentiles: [10, 10] }, 'fees.history: percentiles must be strictly increasing'],
    ['profitability', 'roi', { purchasePrice: 1, growth: '1,,2' }, 'roi: growth must be 1 to 6 numbers from -50 to 100, as a list or comma-separated'],
    ['stacks', 'logs', { search: 5 }, 'logs: search must be a string of at most 1000 characters'],
    ['stacks', 'logs', { constructor: 'x' }, 'logs: unknown parameter "constructor" (allowed: level, search, service, component, limit)'],
    ['lightning', 'balances', '{"__proto__":1}', 'balances: unknown parameter "__proto__" (this query takes none)'],
    ['bitcoin', 'no.such', {}, 'bitcoin has no query "no.such"'],
  ] as const)('%s %s %j is refused: %s', (kind, query, raw, message) => {
    expect(parseQueryParams(kind, query, (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>)).toEqual({ ok: false, error: message });
  });

  it('gives every number param finite bounds and every list a size limit', () => {
    for (const kind of Object.keys(CATALOG) as Array<keyof typeof CATALOG>) {
      for (const query of QUERIES_BY_KIND[kind]) {
        for (const [name, spec] of paramSpecs(kind, query)) {
          if (spec.type === 'number' || spec.type === 'integer') expect([name, spec.min < spec.max]).toEqual([name, true]);
          if (spec.type === 'list') expect([name, spec.maxItems > 0]).toEqual([name, true]);
        }
      }
    }
  });
});

describe('catalog views', () => {
  it('names the frames a query answers with: its own name unless the catalog lists others', () => {
    expect(frameNames('bitcoin', 'chain.info')).toEqual(['chain.info']);
    expect(frameNames('freqtrade', 'profit')).toEqual(['profit', 'profit.equity']);
    expect(frameNames('bitcoin', 'no.such')).toEqual([]);
  });

  it('lists names and live queries from the one catalog', () => {
    expect(QUERIES_BY_KIND.stacks).toEqual(['node.info', 'node.neighbors', 'signer.status', 'host.health', 'logs']);
    expect(STREAMABLE_QUERIES.cgminer).toEqual(['fleet.summary', 'miners']);
    expect(STREAMABLE_QUERIES.geth).toBeUndefined();
    expect(ALL_QUERY_NAMES.filter((name) => name === 'network.peers')).toHaveLength(1);
    expect(VARIABLE_NAMES).toEqual(['sources', 'peers', 'peerNetworks', 'feeTargets', 'components', 'levels', 'miners', 'pools', 'fleets', 'bots', 'pairs']);
  });
});

// Renaming or removing a query, or changing a param's type, must fail to compile wherever the
// catalog is used; these lines are checked by `tsc -p plugins/shared` (the repo project runs it).
describe('types', () => {
  it('derives handler params from the specs', () => {
    expectTypeOf<ParamsOf<'bitcoin', 'blocks.recent'>>().toEqualTypeOf<{ count: number }>();
    expectTypeOf<ParamsOf<'cgminer', 'miners'>>().toEqualTypeOf<{ status: 'all' | 'online' | 'offline' | 'unknown' }>();
    expectTypeOf<ParamsOf<'geth', 'fees.history'>>().toEqualTypeOf<{ blocks: number; percentiles: number[] }>();
    expectTypeOf<ParamsOf<'freqtrade', 'trades'>>().toEqualTypeOf<{ limit: number; pair?: string }>();
    expectTypeOf<ParamsOf<'stacks', 'logs'>['level']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<StreamName<'stacks'>>().toEqualTypeOf<'node.info' | 'logs'>();
    expectTypeOf<QueryName<'lightning'>>().toEqualTypeOf<'node.info' | 'channels' | 'balances' | 'forwards'>();
  });

  it('refuses names the catalog does not have', () => {
    // @ts-expect-error a renamed query is no query of the kind
    expect(paramSpecs('bitcoin', 'blocks.latest')).toEqual([]);
    // @ts-expect-error a query of another kind
    const wrongKind: QueryName<'geth'> = 'mempool.summary';
    expect(wrongKind).toBe('mempool.summary');
    // @ts-expect-error no such param
    const noParam: ParamsOf<'bitcoin', 'blocks.recent'>['limit'] = 1;
    expect(noParam).toBe(1);
  });
});
