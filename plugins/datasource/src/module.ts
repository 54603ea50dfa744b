import { DataSourcePlugin } from '@grafana/data';
import { NodescopeDataSource } from './datasource';
import { ConfigEditor } from './editors/ConfigEditor';
import { QueryEditor } from './editors/QueryEditor';
import type { NodescopeOptions, NodescopeQuery, NodescopeSecureOptions } from './types';

export const plugin = new DataSourcePlugin<NodescopeDataSource, NodescopeQuery, NodescopeOptions, NodescopeSecureOptions>(NodescopeDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
