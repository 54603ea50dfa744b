// The proxy API reached through Grafana's data source proxy: `${instanceSettings.url}/api/...`
// matches the `api` routes in plugin.json (one per method), where Grafana adds the
// Authorization header.
import { config, getBackendSrv } from '@grafana/runtime';
import type { QueryRequest } from '@nodescope/shared';
import { lastValueFrom } from 'rxjs';
import type { ProxyQueryResult } from './frames';
import { type EventSourceFactory, LiveStreams } from './liveStreams';
import type { AnnotationJSON, HealthResponse, NodescopeVariableQuery, SourceInfo } from './types';

export type { EventSourceFactory, EventSourceLike } from './liveStreams';

/**
 * The URL the browser must request for a data source path. backendSrv drops the leading "/" of
 * `instanceSettings.url` (grafana/grafana@00f7793ab326aa460ef92592c87d2733d46cfbb1:
 * public/app/core/services/backend_srv.ts parseDataSourceRequestOptions) so that the page's
 * `<base href="[[.AppSubUrl]]/">` (grafana/grafana@00802d035ac21c700a245ac4dfcf9c358ee28fc1:
 * public/views/index.html:24) puts it under Grafana's sub-path; an EventSource built from the
 * absolute path would skip the sub-path, so it gets it explicitly.
 */
export function browserUrl(appSubUrl: string | undefined, path: string): string {
  const sub = (appSubUrl ?? '').replace(/\/+$/, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  return `${sub}/${path.replace(/^\/+/, '')}`;
}

export class ProxyClient {
  /** the live connections of this data source instance */
  readonly live: LiveStreams;

  constructor(
    private readonly baseUrl: string,
    openEventSource: EventSourceFactory = (url) => new EventSource(url),
    appSubUrl: string = config.appSubUrl
  ) {
    this.live = new LiveStreams(browserUrl(appSubUrl, `${baseUrl}/api/stream`), openEventSource);
  }

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
}
