import { describe, expect, it } from 'vitest';
import { healthResult } from './health';

// The messages themselves are the backend's (pkg/plugin/health_test.go tests DescribeHealth and
// the refused key); here only how Grafana's health answer becomes Save & test's result.
describe('healthResult', () => {
  const details = { message: 'btc-main: ok · farm-a: degraded', verboseMessage: 'btc-main (bitcoin): ok — height 840000\nfarm-a (cgminer): degraded — 2 of 40 miners unreachable' };

  it('OK is success, with the per-source details', () => {
    expect(healthResult({ status: 'OK', message: 'nodescope proxy: 2 sources (1 ok, 1 degraded)', details })).toEqual({
      status: 'success',
      message: 'nodescope proxy: 2 sources (1 ok, 1 degraded)',
      details,
    });
  });

  it('ERROR (Grafana answers 400) is an error with the backend message', () => {
    const message = 'Cannot reach the nodescope proxy: missing or wrong API key (HTTP 401) — the proxy refused the API key: check it here and in the proxy config (server.apiKey)';
    expect(healthResult({ status: 'ERROR', message })).toEqual({ status: 'error', message });
  });

  it("Grafana's own error (the plugin could not be asked) or no body is an error that says so", () => {
    expect(healthResult({ message: 'Plugin health check failed' })).toEqual({ status: 'error', message: 'Plugin health check failed' });
    expect(healthResult(undefined)).toEqual({ status: 'error', message: 'the datasource backend did not answer the health check' });
    expect(healthResult({ status: 'UNKNOWN', message: '' }).status).toBe('error');
  });
});
