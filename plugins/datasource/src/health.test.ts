import { describe, expect, it } from 'vitest';
import { describeHealth } from './health';

describe('describeHealth', () => {
  it('lists each source with its status for Save & test', () => {
    const result = describeHealth({
      status: 'degraded',
      sources: [
        { id: 'btc-main', kind: 'bitcoin', status: 'ok', message: 'height 840000', lastSuccess: 1 },
        { id: 'farm-a', kind: 'cgminer', status: 'degraded', message: '2 of 40 miners unreachable', lastSuccess: 1 },
      ],
    });
    expect(result.status).toBe('success');
    expect(result.message).toBe('nodescope proxy: 2 sources (1 ok, 1 degraded)');
    expect(result.details).toEqual({
      message: 'btc-main: ok · farm-a: degraded',
      verboseMessage: 'btc-main (bitcoin): ok — height 840000\nfarm-a (cgminer): degraded — 2 of 40 miners unreachable',
    });
  });

  it('fails when every source is down or none is configured', () => {
    expect(describeHealth({ status: 'down', sources: [{ id: 'b', kind: 'bitcoin', status: 'down', message: 'ECONNREFUSED', lastSuccess: null }] }).status).toBe('error');
    expect(describeHealth({ status: 'ok', sources: [] }).status).toBe('error');
  });
});
