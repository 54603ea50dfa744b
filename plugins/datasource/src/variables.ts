// Template variables through /api/variables: sources by kind, miners, pools, peers, bots, pairs.
import { createDataFrame, CustomVariableSupport, type DataQueryRequest, type DataQueryResponse, FieldType } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { from, type Observable } from 'rxjs';
import type { ProxyClient } from './api';
import type { NodescopeDataSource } from './datasource';
import { VariableQueryEditor } from './editors/VariableQueryEditor';
import { errorMessage } from './frames';
import { migrateVariableQuery } from './migrations';
import type { NodescopeVariableQuery } from './types';

export function valuesToFrame(values: Array<{ text: string; value: string }>) {
  return createDataFrame({
    fields: [
      { name: 'text', type: FieldType.string, values: values.map((v) => v.text) },
      { name: 'value', type: FieldType.string, values: values.map((v) => v.value) },
    ],
  });
}

export class NodescopeVariableSupport extends CustomVariableSupport<NodescopeDataSource, NodescopeVariableQuery> {
  constructor(private readonly api: ProxyClient) {
    super();
  }

  editor = VariableQueryEditor;

  query(request: DataQueryRequest<NodescopeVariableQuery>): Observable<DataQueryResponse> {
    const query = migrateVariableQuery(request.targets[0]);
    const replace = (text?: string) => (text ? getTemplateSrv().replace(text, request.scopedVars) : undefined);
    const run = async (): Promise<DataQueryResponse> => {
      try {
        const values = await this.api.variables({
          name: query.name,
          sourceId: replace(query.sourceId),
          kind: query.kind,
          network: replace(query.network),
          miner: replace(query.miner),
          bot: replace(query.bot),
        });
        return { data: [valuesToFrame(values)] };
      } catch (error) {
        return { data: [], errors: [{ refId: query.refId, message: `variable ${query.name}: ${errorMessage(error)}` }] };
      }
    };
    return from(run());
  }
}
