// A thin class on DataSourceWithBackend: queries go through Grafana's data query API to the Go
// backend (pkg/plugin), the editors, variables and annotations read the backend's resources,
// Save & test is its CheckHealth. Live queries follow a Grafana Live channel that the backend's
// RunStream feeds (queryRunner.ts); only without Grafana Live do they use the proxy's SSE (stream.ts).
import {
  type CoreApp,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';
import type { Observable } from 'rxjs';
import { type EventSourceFactory, ProxyClient } from './api';
import { annotationSupport } from './annotations';
import { interpolateQuery } from './interpolate';
import { migrateQuery } from './migrations';
import { isRunnable, runQueries } from './queryRunner';
import { type NodescopeOptions, type NodescopeQuery, QUERY_SCHEMA_VERSION, type SourceInfo } from './types';
import { NodescopeVariableSupport } from './variables';

export class NodescopeDataSource extends DataSourceWithBackend<NodescopeQuery, NodescopeOptions> {
  readonly api: ProxyClient;
  private sourceList?: Promise<SourceInfo[]>;

  constructor(instanceSettings: DataSourceInstanceSettings<NodescopeOptions>, openEventSource?: EventSourceFactory) {
    super(instanceSettings);
    this.api = new ProxyClient(instanceSettings.url ?? '', this, openEventSource);
    this.variables = new NodescopeVariableSupport(this.api);
    this.annotations = annotationSupport;
  }

  override getDefaultQuery(_app: CoreApp): Partial<NodescopeQuery> {
    return { schemaVersion: QUERY_SCHEMA_VERSION, sourceId: '', query: '' };
  }

  override filterQuery(query: NodescopeQuery): boolean {
    return isRunnable(migrateQuery(query));
  }

  override query(request: DataQueryRequest<NodescopeQuery>): Observable<DataQueryResponse> {
    const templateSrv = getTemplateSrv();
    return runQueries(this.api, (backendRequest) => super.query(backendRequest), request, templateSrv.replace.bind(templateSrv));
  }

  /**
   * What the backend gets for a query: a saved query of any version migrated to today's shape,
   * its variables replaced (DataSourceWithBackend.query calls this per target; Explore and
   * panel inspect through interpolateVariablesInQueries).
   */
  override applyTemplateVariables(query: NodescopeQuery, scopedVars: ScopedVars): NodescopeQuery {
    const templateSrv = getTemplateSrv();
    return interpolateQuery(migrateQuery(query), scopedVars, templateSrv.replace.bind(templateSrv));
  }

  // Save & test is DataSourceWithBackend's own method, the backend's CheckHealth: a subclass must
  // not replace it (the plugin validator's backend-datasource rule), so the backend writes the
  // per-source line into the message of a successful check (Grafana shows no details then).

  /** Sources for the editors, fetched once per datasource instance (a failed fetch is retried). */
  getSources(): Promise<SourceInfo[]> {
    this.sourceList ??= this.api.sources().catch((error: unknown) => {
      this.sourceList = undefined;
      throw error;
    });
    return this.sourceList;
  }

  override getQueryDisplayText(query: NodescopeQuery): string {
    return query.queryType === 'annotations' ? `${query.sourceId} ${query.annotationType ?? ''}` : `${query.sourceId} ${query.query}`;
  }
}
