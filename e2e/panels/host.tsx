// The panel harness page: loads a panel plugin's built module.js through SystemJS with the host's
// shared modules (the same loader as e2e/harness/host), applies options and field config the way
// Grafana's PanelStateWrapper does (getPanelOptionsWithDefaults, applyFieldOverrides with the
// plugin's fieldConfigRegistry, theme and time zone) and renders plugin.panel inside PanelChrome.
// `?bench=mempool|peermap` instead times renders against a naive SVG baseline in the same page.
import {
  applyFieldOverrides,
  createTheme,
  type DataFrame,
  dataFrameFromJSON,
  dateTime,
  EventBusSrv,
  type FieldConfigSource,
  getPanelOptionsWithDefaults,
  type GrafanaTheme2,
  LoadingState,
  type PanelData,
  type PanelPlugin,
  type PanelPluginMeta,
  ThemeContext,
} from '@grafana/data';
import { GlobalStyles, PanelChrome, PanelContextProvider } from '@grafana/ui';
import React from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { importPluginModule } from '../harness/host/sharedModules';
import { runBench } from './bench-page';
import { dataset } from './demoData';
import { PanelEditView } from './optionsPane';
import { registerStandardRegistries } from './registries';
import type { PanelScenario } from './scenario';

const status = (key: string, value: string) => {
  document.body.dataset[key] = value;
};

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export interface LoadedPanel {
  plugin: PanelPlugin;
  meta: PanelPluginMeta;
}

export async function loadPanelPlugin(pluginId: string, pluginPath?: string): Promise<LoadedPanel> {
  registerStandardRegistries();
  const base = `/public/plugins/${pluginPath ?? pluginId}`;
  const meta = await getJson<PanelPluginMeta>(`${base}/plugin.json`);
  meta.baseUrl = base.slice(1);
  meta.module = `${base.slice(1)}/module.js`;
  const exports = await importPluginModule(`${base}/module.js`);
  const plugin = exports.plugin as PanelPlugin;
  if (!plugin || typeof plugin !== 'object' || !('panel' in plugin)) throw new Error(`${base}/module.js does not export a PanelPlugin`);
  plugin.meta = meta;
  return { plugin, meta };
}

export interface PanelState {
  options: Record<string, unknown>;
  fieldConfig: FieldConfigSource;
}

export async function panelState(plugin: PanelPlugin, scenario: Pick<PanelScenario, 'options' | 'fieldConfig' | 'pluginVersion'>): Promise<PanelState> {
  let options = scenario.options ?? {};
  const savedFieldConfig = { defaults: scenario.fieldConfig?.defaults ?? {}, overrides: (scenario.fieldConfig?.overrides ?? []) as FieldConfigSource['overrides'] };
  if (scenario.pluginVersion !== undefined && plugin.onPanelMigration) {
    // what PanelModel.pluginLoaded does when the saved pluginVersion differs
    options = (await plugin.onPanelMigration({ id: 1, type: plugin.meta.id, options, fieldConfig: savedFieldConfig, pluginVersion: scenario.pluginVersion } as never)) as Record<string, unknown>;
  }
  const withDefaults = getPanelOptionsWithDefaults({ plugin, currentOptions: options, currentFieldConfig: savedFieldConfig, isAfterPluginChange: false });
  return { options: withDefaults.options, fieldConfig: withDefaults.fieldConfig };
}

export function processFrames(frames: DataFrame[], plugin: PanelPlugin, fieldConfig: FieldConfigSource, theme: GrafanaTheme2): DataFrame[] {
  return applyFieldOverrides({
    data: frames,
    fieldConfig,
    fieldConfigRegistry: plugin.fieldConfigRegistry,
    replaceVariables: (value: string) => value,
    theme,
    timeZone: 'utc',
  });
}

export function panelData(series: DataFrame[], error?: string): PanelData {
  const to = Date.now();
  return {
    state: error ? LoadingState.Error : LoadingState.Done,
    series,
    ...(error ? { errors: [{ message: error }], error: { message: error } } : {}),
    timeRange: { from: dateTime(to - 24 * 3_600_000), to: dateTime(to), raw: { from: 'now-24h', to: 'now' } },
  };
}

const eventBus = new EventBusSrv();

/** plugin.panel as Grafana mounts it: PanelChrome around, PanelContext, full PanelProps. */
export function PanelView(props: {
  loaded: LoadedPanel;
  state: PanelState;
  data: PanelData;
  width: number;
  height: number;
  title: string;
  theme: GrafanaTheme2;
  /** options held by the caller (the options pane); otherwise the panel keeps its own */
  options?: Record<string, unknown>;
  onOptionsChange?(options: Record<string, unknown>): void;
}) {
  const { loaded, state, data, width, height, title, theme } = props;
  const Panel = loaded.plugin.panel!;
  const [own, setOwn] = React.useState(state.options);
  const options = props.options ?? own;
  const setOptions = props.onOptionsChange ?? setOwn;
  const noPadding = Boolean((loaded.plugin as unknown as { noPadding?: boolean }).noPadding);
  return (
    <PanelContextProvider value={{ eventsScope: 'panel', eventBus, theme } as never}>
      <PanelChrome title={title} width={width} height={height} padding={noPadding ? 'none' : 'md'} loadingState={data.state}>
        {(innerWidth, innerHeight) => (
          <Panel
            id={1}
            data={data}
            timeRange={data.timeRange}
            timeZone="utc"
            options={options}
            fieldConfig={state.fieldConfig}
            transparent={false}
            width={innerWidth}
            height={innerHeight}
            renderCounter={0}
            title={title}
            eventBus={eventBus}
            onOptionsChange={(o: Record<string, unknown>) => setOptions(o)}
            onFieldConfigChange={() => {}}
            replaceVariables={(v: string) => v}
            onChangeTimeRange={() => {}}
          />
        )}
      </PanelChrome>
    </PanelContextProvider>
  );
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  const mode = params.get('theme') === 'light' ? 'light' : 'dark';
  const theme = createTheme({ colors: { mode } });
  document.body.style.background = theme.colors.background.canvas;
  const container = document.getElementById('root')!;
  const root: Root = createRoot(container);
  try {
    const bench = params.get('bench');
    if (bench) {
      await runBench(bench, Number(params.get('iterations') ?? 20), theme, root);
      return;
    }
    const scenario = await getJson<PanelScenario>(`/panel-scenarios/${encodeURIComponent(params.get('scenario') ?? '')}.json`);
    const loaded = await loadPanelPlugin(scenario.pluginId, scenario.pluginPath);
    const state = await panelState(loaded.plugin, scenario);
    status('options', JSON.stringify(state.options));
    const json = scenario.frames ?? dataset(scenario.dataset, Date.UTC(2026, 10, 23, 18, 0));
    const frames = json.map((frame) => dataFrameFromJSON(frame as never));
    const data = panelData(processFrames(frames, loaded.plugin, state.fieldConfig, theme), scenario.error);
    flushSync(() =>
      root.render(
        <ThemeContext.Provider value={theme}>
          <GlobalStyles />
          <div style={{ padding: 16 }} data-testid="panel-frame">
            {scenario.optionsPane ? (
              <PanelEditView loaded={loaded} state={state} data={data} width={scenario.width} height={scenario.height} title={scenario.title} theme={theme} />
            ) : (
              <PanelView loaded={loaded} state={state} data={data} width={scenario.width} height={scenario.height} title={scenario.title} theme={theme} />
            )}
          </div>
        </ThemeContext.Provider>
      )
    );
    requestAnimationFrame(() => status('status', 'rendered'));
  } catch (error) {
    console.error(error);
    container.textContent = `panel harness error: ${(error as Error)?.stack ?? String(error)}`;
    status('status', 'error');
    status('error', String((error as Error)?.message ?? error));
  }
}

void main();
