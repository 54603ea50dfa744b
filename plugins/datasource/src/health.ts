// testDatasource(): the proxy's /api/health, one line per source, for Save & test.
import type { TestDataSourceResponse } from '@grafana/data';
import type { ProxyClient } from './api';
import { errorMessage } from './frames';
import type { HealthResponse } from './types';

export function describeHealth(health: HealthResponse): TestDataSourceResponse {
  const counts = { ok: 0, degraded: 0, down: 0 };
  for (const source of health.sources) counts[source.status] = (counts[source.status] ?? 0) + 1;
  const summary = (['ok', 'degraded', 'down'] as const)
    .filter((status) => counts[status] > 0)
    .map((status) => `${counts[status]} ${status}`)
    .join(', ');
  const n = health.sources.length;
  const lines = health.sources.map((s) => `${s.id} (${s.kind}): ${s.status}${s.message && s.message !== s.status ? ` — ${s.message}` : ''}`);
  if (n === 0) {
    return { status: 'error', message: 'Connected to the nodescope proxy, but it has no sources configured' };
  }
  return {
    status: counts.down === n ? 'error' : 'success',
    message: `nodescope proxy: ${n} source${n === 1 ? '' : 's'} (${summary})`,
    details: { message: health.sources.map((s) => `${s.id}: ${s.status}`).join(' · '), verboseMessage: lines.join('\n') },
  };
}

/**
 * Grafana's data proxy never passes a 401 on: it answers 400 with this body instead
 * (grafana/grafana@00d660d5083ca750731d5dcdc444a1b218f07f52:pkg/api/pluginproxy/ds_proxy.go:131-147).
 */
export const GRAFANA_AUTH_FAILED = 'Authentication to data source failed';

/** True when the proxy refused the key: Grafana's 400 with its body, or a 401 that reached us unchanged. */
export function isKeyRefused(error: unknown): boolean {
  const { status, data } = (error ?? {}) as { status?: number; data?: unknown };
  if (status === 401) return true;
  if (status !== 400) return false;
  const body = typeof data === 'string' ? data : ((data as { message?: unknown } | undefined)?.message ?? '');
  return typeof body === 'string' && body.includes(GRAFANA_AUTH_FAILED);
}

export async function checkHealth(api: ProxyClient): Promise<TestDataSourceResponse> {
  try {
    return describeHealth(await api.health());
  } catch (error) {
    const status = (error as { status?: number })?.status;
    const hint = isKeyRefused(error)
      ? 'the proxy refused the API key: check it here and in the proxy config (server.apiKey)'
      : status === 502 || status === 503 || status === 504 || status === undefined
        ? 'is the proxy running, and is the Proxy URL reachable from the Grafana server?'
        : '';
    return { status: 'error', message: `Cannot reach the nodescope proxy: ${errorMessage(error)}${hint ? ` — ${hint}` : ''}` };
  }
}
