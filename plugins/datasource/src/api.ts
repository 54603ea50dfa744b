// The proxy API reached through Grafana's data source proxy: `${instanceSettings.url}/api/...`
// matches the `api` route in plugin.json, where Grafana adds the Authorization header.
import { getBackendSrv } from '@grafana/runtime';
import type { DataFrameJSON, QueryRequest } from '@nodescope/shared';
import { lastValueFrom } from 'rxjs';
import type { ProxyQueryResult } from './frames';
import type { AnnotationJSON, HealthResponse, NodescopeVariableQuery, SourceInfo } from './types';

/** What the stream needs from the browser's EventSource (injected in tests). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  onerror: ((event: Event) => void) | null;
  close(): void;
  readonly readyState: number;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

export class ProxyClient {
  constructor(
    private readonly baseUrl: string,
    private readonly openEventSource: EventSourceFactory = (url) => new EventSource(url)
  ) {}

  private async get<T>(path: string, params?: Record<string, string | number | undefined>): Promise<T> {
    const clean = params ? Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')) : undefined;
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({ url: `${this.baseUrl}/api/${path}`, method: 'GET', params: clean, showErrorAlert: false })
    );
    return response.data;
  }

  health(): Promise<HealthResponse> {
    return this.get<HealthResponse>('health');
  }

  async sources(): Promise<SourceInfo[]> {
    return (await this.get<{ sources: SourceInfo[] }>('sources')).sources;
  }

  async query(body: QueryRequest, requestId?: string): Promise<Record<string, ProxyQueryResult>> {
    try {
      const response = await lastValueFrom(
        getBackendSrv().fetch<{ results: Record<string, ProxyQueryResult> }>({
          url: `${this.baseUrl}/api/query`,
          method: 'POST',
          data: body,
          requestId,
          showErrorAlert: false,
        })
      );
      return response.data.results ?? {};
    } catch (error) {
      // the proxy answers 400 when every query was refused for its params, still with
      // per-query errors in `results`: show those rather than a bare status
      const results = (error as { data?: { results?: Record<string, ProxyQueryResult> } })?.data?.results;
      if (results && typeof results === 'object') return results;
      throw error;
    }
  }

  async variables(query: Omit<NodescopeVariableQuery, 'refId' | 'schemaVersion'>): Promise<Array<{ text: string; value: string }>> {
    const { name, sourceId, kind, network, miner, bot } = query;
    return (await this.get<{ values: Array<{ text: string; value: string }> }>('variables', { name, sourceId, kind, network, miner, bot }))
      .values;
  }

  async annotations(sourceId: string, type: string, from: number, to: number): Promise<AnnotationJSON[]> {
    return (await this.get<{ annotations: AnnotationJSON[] }>('annotations', { sourceId, type, from, to })).annotations;
  }

  /** Opens the SSE stream of one query; each `frame` event carries one DataFrameJSON append. */
  stream(sourceId: string, query: string, params: Record<string, unknown> | undefined, onFrame: (frame: DataFrameJSON) => void, onError: (message: string) => void): () => void {
    const search = new URLSearchParams({ sourceId, query });
    if (params && Object.keys(params).length > 0) search.set('params', JSON.stringify(params));
    const source = this.openEventSource(`${this.baseUrl}/api/stream?${search.toString()}`);
    source.addEventListener('frame', (event) => {
      try {
        onFrame(JSON.parse(event.data as string) as DataFrameJSON);
      } catch {
        onError(`${sourceId} ${query}: unreadable stream event`);
      }
    });
    source.onerror = () => {
      // EventSource reconnects by itself (the proxy sends `retry:`); CLOSED means it gave up
      if (source.readyState === 2) onError(`${sourceId} ${query}: live stream closed by the proxy`);
    };
    return () => source.close();
  }
}
