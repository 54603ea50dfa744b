import { describe, expect, it } from 'vitest';
import { migrateQuery, migrateVariableQuery } from './migrations';
import { QUERY_SCHEMA_VERSION } from './types';

describe('migrateQuery', () => {
  it('fills defaults into the empty query Grafana creates', () => {
    expect(migrateQuery({ refId: 'A' })).toEqual({ refId: 'A', schemaVersion: QUERY_SCHEMA_VERSION, sourceId: '', query: '' });
  });

  it('lifts a hand-written provisioned target and takes legendFormat as alias', () => {
    // as written in a provisioning dashboard by someone copying a Prometheus panel
    const saved = {
      refId: 'B',
      datasource: { type: 'nodescope-crypto-datasource', uid: 'nodescope' },
      sourceId: '$node',
      query: 'fees.estimates',
      legendFormat: '{{field}} ({{source}})',
      params: { targets: ['1', '6', 144], mode: 'economical', bogus: { nested: true } },
    };
    expect(migrateQuery(saved)).toEqual({
      refId: 'B',
      datasource: { type: 'nodescope-crypto-datasource', uid: 'nodescope' },
      schemaVersion: QUERY_SCHEMA_VERSION,
      sourceId: '$node',
      query: 'fees.estimates',
      alias: '{{field}} ({{source}})',
      params: { targets: ['1', '6', '144'], mode: 'economical' },
    });
  });

  it('keeps a current query unchanged', () => {
    const current = { refId: 'A', schemaVersion: QUERY_SCHEMA_VERSION, sourceId: 'btc-main', query: 'chain.info', live: true };
    expect(migrateQuery(current)).toEqual(current);
  });

  it('does not downgrade a query saved by a newer plugin', () => {
    const newer = { refId: 'A', schemaVersion: QUERY_SCHEMA_VERSION + 1, sourceId: 'x', query: 'y', futureField: 1 };
    expect(migrateQuery(newer)).toBe(newer);
  });
});

describe('migrateVariableQuery', () => {
  it.each([
    [undefined, 'sources'],
    ['', 'sources'],
    ['miners', 'miners'],
  ])('turns the legacy string %j into a variable query named %s', (saved, name) => {
    expect(migrateVariableQuery(saved)).toEqual({ refId: 'variable', schemaVersion: QUERY_SCHEMA_VERSION, name });
  });

  it('keeps the fields of a saved object', () => {
    expect(migrateVariableQuery({ name: 'pools', sourceId: 'farm-a', miner: 'rig-1' })).toEqual({
      refId: 'variable',
      schemaVersion: QUERY_SCHEMA_VERSION,
      name: 'pools',
      sourceId: 'farm-a',
      miner: 'rig-1',
    });
  });
});
