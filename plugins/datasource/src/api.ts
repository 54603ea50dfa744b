// How the frontend reaches the proxy. Since the datasource has a Go backend, everything goes
// through it: queries through Grafana's data query API (DataSourceWithBackend.query), sources,
// variables and annotations through the backend's resources (getResource), Save & test through
// its CheckHealth, and live queries through Grafana Live (queryRunner.ts). Where Grafana Live is
// absent, live queries fall back to the proxy's SSE through Grafana's data source proxy
// (`${instanceSettings.url}/api/...`, the `api` routes in plugin.json, where Grafana adds the
// Authorization header): the seed POST /api/query and GET /api/stream.
import { config, getBackendSrv } from '@grafana/runtime';
import type { QueryRequest } from '@nodescope/shared';
import { lastValueFrom } from 'rxjs';
import type { ProxyQueryResult } from './frames';
import { type EventSourceFactory, LiveStreams } from './liveStreams';
import type { AnnotationJSON, NodescopeVariableQuery, SourceInfo } from './types';

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

/** The backend's resources: DataSourceWithBackend.getResource (GET /api/datasources/uid/<uid>/resources/<path>). */
export interface Resources {
  getResource<T>(path: string, params?: Record<string, string | number>, options?: { showErrorAlert?: boolean }): Promise<T>;
}

export class ProxyClient {
  /** the live connections of this data source instance */
  readonly live: LiveStreams;

  constructor(
    private readonly baseUrl: string,
    private readonly resources: Resources,
    openEventSource: EventSourceFactory = (url) => new EventSource(url),
    appSubUrl: string = config.appSubUrl
  ) {
    this.live = new LiveStreams(browserUrl(appSubUrl, `${baseUrl}/api/stream`), openEventSource);
  }

  /** A resource of the backend, which answers with the proxy's GET /api/<path> (pkg/plugin/resources.go). */
  private get<T>(path: string, params?: Record<string, string | number | undefined>): Promise<T> {
    const clean = params ? (Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string | number>) : undefined;
    return this.resources.getResource<T>(path, clean, { showErrorAlert: false });
  }

  async sources(): Promise<SourceInfo[]> {
    return (await this.get<{ sources: SourceInfo[] }>('sources')).sources;
  }

  /** The live path's seed query: POST /api/query through the data source proxy. */
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
