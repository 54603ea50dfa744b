// One panel case, stored as JSON in e2e/panels/scenarios/<name>.json.
export interface PanelScenario {
  name: string;
  description?: string;
  /** panel plugin id; served from its standalone dist or, with pluginPath, nested in the app */
  pluginId: string;
  pluginPath?: string;
  title: string;
  /** a named dataset from demoData.ts */
  dataset: string;
  /** frames to use instead of the dataset (DataFrameJSON, e.g. fetched from a running proxy) */
  frames?: unknown[];
  /** how the query ended: Done (default) or Error with this message */
  error?: string;
  options?: Record<string, unknown>;
  fieldConfig?: { defaults?: Record<string, unknown>; overrides?: unknown[] };
  /** an older saved panel: runs the plugin's migration handler first */
  pluginVersion?: string;
  /** panel edit: the plugin's options pane beside the panel (its editors change the panel live) */
  optionsPane?: boolean;
  width: number;
  height: number;
}
