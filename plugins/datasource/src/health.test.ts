import { describe, expect, it } from 'vitest';
import type { ProxyClient } from './api';
import { checkHealth, describeHealth } from './health';

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

describe('checkHealth behind Grafana\'s data proxy', () => {
  const failing = (error: unknown) => ({ health: () => Promise.reject(error) }) as unknown as ProxyClient;

  // grafana/grafana@00d660d5083ca750731d5dcdc444a1b218f07f52:pkg/api/pluginproxy/ds_proxy.go:131-147:
  // the proxy's 401 reaches the browser as 400 with the plain-text body below; backendSrv hands
  // a body that is not JSON over as a string
  it('a refused key arrives as 400 "Authentication to data source failed": says the proxy refused the API key', async () => {
    const result = await checkHealth(failing({ status: 400, statusText: 'Bad Request', data: 'Authentication to data source failed' }));
    expect(result.status).toBe('error');
    expect(result.message).toBe(
      'Cannot reach the nodescope proxy: Authentication to data source failed (HTTP 400) — the proxy refused the API key: check it here and in the proxy config (server.apiKey)'
    );
  });

  it('a 401 seen directly also means the key was refused', async () => {
    expect((await checkHealth(failing({ status: 401, data: { error: 'missing or wrong API key' } }))).message).toContain('the proxy refused the API key');
  });

  it('another 400 is not a key problem; a 502 (no URL, proxy down) asks whether the proxy runs', async () => {
    expect((await checkHealth(failing({ status: 400, data: { error: 'query.sourceId: unknown source' } }))).message).not.toContain('API key');
    expect((await checkHealth(failing({ status: 502, statusText: 'Bad Gateway', data: '' }))).message).toContain('is the proxy running');
  });
});
