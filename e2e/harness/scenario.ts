// One harness case, stored as JSON in e2e/scenarios/<name>.json.
export interface Scenario {
  name: string;
  description?: string;
  view: 'config' | 'query' | 'variable' | 'annotation';
  /** id of the datasource plugin */
  pluginId: string;
  /** where it is served below /public/plugins/, when nested in the app (e.g. nodescope-suite-app/datasource) */
  pluginPath?: string;
  datasourceUid: string;
  theme?: 'dark' | 'light';
  /** initial query for the query view */
  query?: Record<string, unknown>;
  /** the panel's other targets, sent in the same request as the edited one (query view) */
  moreQueries?: Array<Record<string, unknown>>;
  /** Explore's Live button: DataQueryRequest.liveStreaming */
  liveStreaming?: boolean;
  variableQuery?: Record<string, unknown>;
  runOnLoad?: boolean;
  /** template variables the page's templateSrv knows */
  variables?: Record<string, string[]>;
  rangeMinutes?: number;
}
