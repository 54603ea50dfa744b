// Test doubles for Grafana's runtime services: a backendSrv answering like the proxy, and a
// templateSrv with a few variables. Only used by *.test.ts(x).
import { type BackendSrv, type BackendSrvRequest, type EchoSrv, type FetchResponse, setBackendSrv, setEchoSrv, setTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { type DataSourceInstanceSettings, type ScopedVars, type TypedVariableModel } from '@grafana/data';
import { Observable, of, throwError } from 'rxjs';
import type { NodescopeOptions } from './types';

export type Route = (request: BackendSrvRequest) => unknown;

/**
 * Answers fetch() by `METHOD path`, the path without its query string: after the data source
 * proxy URL (`POST /api/query`), Grafana's `/api/ds/query`, the backend's resources as
 * `/resources/<path>` and its health as `/health`. Records every request.
 */
export function fakeBackendSrv(routes: Record<string, Route>): { requests: BackendSrvRequest[] } {
  const requests: BackendSrvRequest[] = [];
  const fetch = (request: BackendSrvRequest): Observable<FetchResponse<unknown>> => {
    requests.push(request);
    const path = request.url
      .replace(/\?.*$/, '')
      .replace(/^\/api\/datasources\/proxy\/uid\/[^/]+/, '')
      .replace(/^\/api\/datasources\/uid\/[^/]+\//, '/');
    const route = routes[`${request.method ?? 'GET'} ${path}`];
    if (!route) return throwError(() => ({ status: 404, data: { error: `no route ${path}` } }));
    try {
      return of({ data: route(request), status: 200 } as FetchResponse<unknown>);
    } catch (error) {
      return throwError(() => error);
    }
  };
  setBackendSrv({ fetch } as unknown as BackendSrv);
  // DataSourceWithBackend's failed health check reports an interaction to Grafana's analytics
  setEchoSrv({ logging: false, addBackend: () => {}, addEvent: () => {}, flush: () => {} } as unknown as EchoSrv);
  return { requests };
}

export function fakeTemplateSrv(variables: Record<string, string[]> = {}): void {
  const replace = (text = '', _scoped?: ScopedVars, format?: unknown) =>
    text.replace(/\$(\w+)/g, (whole, name: string) => {
      const values = variables[name];
      if (!values) return whole;
      return format === 'csv' ? values.join(',') : values.length > 1 ? `{${values.join(',')}}` : values[0]!;
    });
  setTemplateSrv({
    replace,
    getVariables: () => Object.keys(variables).map((name) => ({ name }) as TypedVariableModel),
    containsTemplate: (text?: string) => Boolean(text?.includes('$')),
    updateTimeRange: () => {},
  } as unknown as TemplateSrv);
}

export function instanceSettings(): DataSourceInstanceSettings<NodescopeOptions> {
  return {
    id: 1,
    uid: 'nodescope',
    type: 'nodescope-crypto-datasource',
    name: 'nodescope',
    url: '/api/datasources/proxy/uid/nodescope',
    access: 'proxy',
    jsonData: { proxyUrl: 'http://127.0.0.1:8787' },
    readOnly: false,
    meta: {} as DataSourceInstanceSettings['meta'],
  };
}

export const SOURCES = [
  { id: 'btc-main', kind: 'bitcoin', name: 'btc-main', network: 'mainnet' },
  { id: 'farm-a', kind: 'cgminer', name: 'farm-a', network: null },
  { id: 'stx-1', kind: 'stacks', name: 'stx-1', network: 'mainnet' },
];
