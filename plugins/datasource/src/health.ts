// testDatasource(): Save & test through the backend's CheckHealth (GET
// /api/datasources/uid/<uid>/health), which writes the messages (pkg/plugin/health.go
// DescribeHealth: a count per status, one line per source in details; a refused key says so).
import type { TestDataSourceResponse } from '@grafana/data';

/**
 * Grafana's answer to GET /api/datasources/uid/<uid>/health: {status, message, details?} from the
 * plugin's CheckHealthResult, 400 unless OK
 * (grafana/grafana@00d660d5083ca750731d5dcdc444a1b218f07f52:pkg/api/datasources.go checkDatasourceHealth),
 * or Grafana's own {message} when the plugin could not be asked. DataSourceWithBackend.callHealthCheck
 * gives the body either way.
 */
export interface BackendHealth {
  status?: string;
  message?: string;
  details?: { message?: string; verboseMessage?: string };
}

/** The result Save & test shows: success only for OK; the per-source details on either. */
export function healthResult(health: BackendHealth | undefined): TestDataSourceResponse {
  const details = health?.details && typeof health.details === 'object' ? { details: health.details } : {};
  if (health?.status === 'OK') return { status: 'success', message: health.message ?? '', ...details };
  const message = health?.message || 'the datasource backend did not answer the health check';
  return { status: 'error', message, ...details };
}
