// Minimal stand-ins for the Grafana services plugins call through @grafana/runtime: backendSrv
// over window.fetch (errors shaped like Grafana's FetchError) and a templateSrv with the
// scenario's variables.
import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import { type BackendSrv, type BackendSrvRequest, type EchoSrv, type FetchResponse, setBackendSrv, setEchoSrv, setTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { Observable } from 'rxjs';

function withParams(url: string, params?: BackendSrvRequest['params']): string {
  if (!params) return url;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text ? `${url}${url.includes('?') ? '&' : '?'}${text}` : url;
}

export function fetchObservable<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable<FetchResponse<T>>((subscriber) => {
    const controller = new AbortController();
    const body = options.data === undefined ? undefined : typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
    // like backendSrv: a local URL loses its leading "/" and resolves against the page's
    // <base href="[[.AppSubUrl]]/">, so Grafana under a sub-path works
    const url = withParams(/^https?:/.test(options.url) ? options.url : options.url.replace(/^\/+/, ''), options.params);
    fetch(url, {
      method: options.method ?? 'GET',
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.headers ?? {}) },
      body,
      signal: controller.signal,
    })
      .then(async (response) => {
        const text = await response.text();
        let data: unknown = text;
        try {
          data = text ? JSON.parse(text) : {};
        } catch {
          // keep text
        }
        const result = { data: data as T, status: response.status, statusText: response.statusText, ok: response.ok, headers: response.headers, redirected: response.redirected, type: response.type, url, config: options } as FetchResponse<T>;
        if (response.ok) {
          subscriber.next(result);
          subscriber.complete();
        } else {
          subscriber.error({ ...result, message: response.statusText });
        }
      })
      .catch((error: unknown) => subscriber.error({ status: 0, statusText: String(error), data: {}, message: String(error) }));
    return () => controller.abort();
  });
}

export function installBackendSrv(): void {
  const request = <T>(options: BackendSrvRequest) =>
    new Promise<T>((resolve, reject) => fetchObservable<T>(options).subscribe({ next: (r) => resolve(r.data), error: reject }));
  setBackendSrv({
    fetch: fetchObservable,
    request,
    datasourceRequest: (options: BackendSrvRequest) =>
      new Promise((resolve, reject) => fetchObservable(options).subscribe({ next: resolve, error: reject })),
    get: (url: string, params?: BackendSrvRequest['params']) => request({ url, params, method: 'GET' }),
    post: (url: string, data?: unknown) => request({ url, data, method: 'POST' }),
    put: (url: string, data?: unknown) => request({ url, data, method: 'PUT' }),
    delete: (url: string) => request({ url, method: 'DELETE' }),
  } as unknown as BackendSrv);
  // Grafana's usage analytics: DataSourceWithBackend's failed health check reports an
  // interaction through it; the harness records nothing
  setEchoSrv({ logging: false, addBackend: () => {}, addEvent: () => {}, flush: () => {} } as unknown as EchoSrv);
}

/** Grafana's variable syntaxes ($x, ${x}, ${x:format}, [[x]]) over the scenario's values. */
export function installTemplateSrv(variables: Record<string, string[]>): void {
  const pattern = /\$(\w+)|\[\[(\w+)(?::(\w+))?\]\]|\${(\w+)(?::([^}]+))?}/g;
  const format = (values: string[], fmt: unknown): string => {
    if (typeof fmt === 'function') return (fmt as (v: string[]) => string)(values);
    if (fmt === 'csv') return values.join(',');
    if (fmt === 'pipe') return values.join('|');
    return values.length > 1 ? `{${values.join(',')}}` : (values[0] ?? '');
  };
  const replace = (target?: string, scopedVars?: ScopedVars, fmt?: unknown) =>
    (target ?? '').replace(pattern, (whole, a?: string, b?: string, bFmt?: string, c?: string, cFmt?: string) => {
      const name = a ?? b ?? c ?? '';
      const scoped = scopedVars?.[name]?.value;
      const values = scoped !== undefined ? (Array.isArray(scoped) ? scoped.map(String) : [String(scoped)]) : variables[name];
      return values ? format(values, bFmt ?? cFmt ?? fmt) : whole;
    });
  setTemplateSrv({
    replace,
    getVariables: () => Object.keys(variables).map((name) => ({ name, type: 'custom', label: name }) as unknown as TypedVariableModel),
    containsTemplate: (target?: string) => Boolean(target && target.match(pattern)),
    updateTimeRange: () => {},
  } as unknown as TemplateSrv);
}
