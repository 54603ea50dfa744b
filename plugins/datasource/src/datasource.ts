// A thin class: everything it does is handed to queryRunner, health, variables and annotations.
import {
  type CoreApp,
  type DataQueryRequest,
  type DataQueryResponse,
  DataSourceApi,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import type { Observable } from 'rxjs';
import { type EventSourceFactory, ProxyClient } from './api';
import { annotationSupport } from './annotations';
import { checkHealth } from './health';
import { interpolateQuery } from './interpolate';
import { migrateQuery } from './migrations';
import { isRunnable, runQueries } from './queryRunner';
import { type NodescopeOptions, type NodescopeQuery, QUERY_SCHEMA_VERSION, type SourceInfo } from './types';
import { NodescopeVariableSupport } from './variables';

export class NodescopeDataSource extends DataSourceApi<NodescopeQuery, NodescopeOptions> {
  readonly api: ProxyClient;
  private sourceList?: Promise<SourceInfo[]>;

  constructor(instanceSettings: DataSourceInstanceSettings<NodescopeOptions>, openEventSource?: EventSourceFactory) {
    super(instanceSettings);
    this.api = new ProxyClient(instanceSettings.url ?? '', openEventSource);
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
    return runQueries(this.api, request, templateSrv.replace.bind(templateSrv));
  }

  override testDatasource(): Promise<TestDataSourceResponse> {
    return checkHealth(this.api);
  }

  /** Sources for the editors, fetched once per datasource instance (a failed fetch is retried). */
  getSources(): Promise<SourceInfo[]> {
    this.sourceList ??= this.api.sources().catch((error: unknown) => {
      this.sourceList = undefined;
      throw error;
    });
    return this.sourceList;
  }

  override interpolateVariablesInQueries(queries: NodescopeQuery[], scopedVars: ScopedVars): NodescopeQuery[] {
    const templateSrv = getTemplateSrv();
    return queries.map((q) => interpolateQuery(migrateQuery(q), scopedVars, templateSrv.replace.bind(templateSrv)));
  }

  override getQueryDisplayText(query: NodescopeQuery): string {
    return query.queryType === 'annotations' ? `${query.sourceId} ${query.annotationType ?? ''}` : `${query.sourceId} ${query.query}`;
  }
}
