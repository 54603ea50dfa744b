// The harness page: loads a scenario, loads the plugin's built module.js through SystemJS with
// the host's shared modules, and mounts its editors the way Grafana's pages do. Status goes to
// document.body.dataset so tests can wait on it.
import {
  type AnnotationQuery,
  type AnnotationSupport,
  createTheme,
  type DataFrame,
  type DataQuery,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type DataSourcePlugin,
  type DataSourcePluginMeta,
  type DataSourceSettings,
  dateTime,
  dateTimeFormat,
  LoadingState,
  type TestDataSourceResponse,
  ThemeContext,
} from '@grafana/data';
import { Alert, Button, GlobalStyles, Stack, Text } from '@grafana/ui';
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Observable } from 'rxjs';
import { ExploreResults, type ResultsState } from './ExploreResults';
import { importPluginModule } from './sharedModules';
import { config } from '@grafana/runtime';
import { installLiveSrv } from './live';
import { installBackendSrv, installTemplateSrv } from './services';
import type { Scenario } from '../scenario';
// Grafana's app bundles uPlot's stylesheet; without it the graph's canvas is not positioned
import uplotCss from 'uplot/dist/uPlot.min.css';

const uplotStyle = document.createElement('style');
uplotStyle.textContent = uplotCss;
document.head.appendChild(uplotStyle);

const status = (key: string, value: string) => {
  document.body.dataset[key] = value;
};

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface Loaded {
  scenario: Scenario;
  plugin: DataSourcePlugin<DataSourceApi>;
  meta: DataSourcePluginMeta;
  settings: DataSourceSettings;
}

let liveInstalled = false;

async function load(name: string): Promise<Loaded> {
  const scenario = await getJson<Scenario>(`/scenarios/${encodeURIComponent(name)}.json`);
  installBackendSrv();
  installTemplateSrv(scenario.variables ?? {});
  // once per page: the live service outlives scenario reloads, as Grafana's does
  if (config.liveEnabled && !liveInstalled) {
    installLiveSrv(config.appUrl, config.bootData.user.orgId);
    liveInstalled = true;
  }
  const base = `/public/plugins/${scenario.pluginPath ?? scenario.pluginId}`;
  const meta = await getJson<DataSourcePluginMeta>(`${base}/plugin.json`);
  meta.baseUrl = base.slice(1);
  meta.module = `${base.slice(1)}/module.js`;
  const exports = await importPluginModule(`${base}/module.js`);
  const plugin = exports.plugin as DataSourcePlugin<DataSourceApi>;
  if (!plugin || typeof plugin !== 'object' || !('DataSourceClass' in plugin)) throw new Error(`${base}/module.js does not export a DataSourcePlugin`);
  plugin.meta = meta;
  const settings = await getJson<DataSourceSettings>(`api/datasources/uid/${scenario.datasourceUid}`);
  return { scenario, plugin, meta, settings };
}

function instanceSettings(settings: DataSourceSettings, meta: DataSourcePluginMeta): DataSourceInstanceSettings {
  return {
    id: settings.id,
    uid: settings.uid,
    type: settings.type,
    name: settings.name,
    meta,
    url: `/api/datasources/proxy/uid/${settings.uid}`,
    access: 'proxy',
    jsonData: settings.jsonData,
    readOnly: false,
  } as DataSourceInstanceSettings;
}

function queryRequest<Q extends DataQuery>(targets: Q[], scenario: Scenario): DataQueryRequest<Q> {
  const to = Date.now();
  const from = to - (scenario.rangeMinutes ?? 60) * 60_000;
  return {
    requestId: `harness-${Math.random().toString(36).slice(2)}`,
    interval: '15s',
    intervalMs: 15_000,
    maxDataPoints: 1_000,
    range: { from: dateTime(from), to: dateTime(to), raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'explore',
    startTime: Date.now(),
    ...(scenario.liveStreaming ? { liveStreaming: true } : {}),
  } as DataQueryRequest<Q>;
}

/** Combines responses the way Grafana's runRequest does: the latest packet per key wins. */
function useQueryRunner() {
  const [results, setResults] = useState<ResultsState>({ state: LoadingState.NotStarted, frames: [], errors: [] });
  const subscription = useRef<{ unsubscribe(): void }>();
  const run = useCallback((observable: Observable<DataQueryResponse>) => {
    subscription.current?.unsubscribe();
    status('results', 'loading');
    const packets = new Map<string, DataQueryResponse>();
    setResults({ state: LoadingState.Loading, frames: [], errors: [] });
    subscription.current = observable.subscribe({
      next: (response) => {
        packets.set(response.key ?? 'A', response);
        const all = [...packets.values()];
        const frames: DataFrame[] = all.flatMap((p) => p.data as DataFrame[]);
        const errors: DataQueryError[] = all.flatMap((p) => p.errors ?? (p.error ? [p.error] : []));
        const state = all.some((p) => p.state === LoadingState.Streaming) ? LoadingState.Streaming : errors.length > 0 && frames.length === 0 ? LoadingState.Error : LoadingState.Done;
        setResults({ state, frames, errors });
        status('frames', String(frames.length));
        status('errors', String(errors.length));
        status('results', state === LoadingState.Streaming ? 'streaming' : state === LoadingState.Error ? 'error' : 'done');
      },
      error: (error: unknown) => {
        setResults({ state: LoadingState.Error, frames: [], errors: [{ message: String((error as Error)?.message ?? error) }] });
        status('results', 'error');
      },
    });
  }, []);
  useEffect(() => () => subscription.current?.unsubscribe(), []);
  return { results, run };
}

function Page({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div style={{ padding: 24, maxWidth: 1240 }}>
      <Stack direction="column" gap={2}>
        <Text element="h2">{title}</Text>
        {children}
      </Stack>
    </div>
  );
}

/** Grafana's data source settings page: the plugin's ConfigEditor, then Save & test. */
function ConfigView({ loaded }: { loaded: Loaded }) {
  const { plugin, meta } = loaded;
  const [options, setOptions] = useState<DataSourceSettings>(loaded.settings);
  const [test, setTest] = useState<TestDataSourceResponse & { running?: boolean }>();
  const ConfigEditor = plugin.components.ConfigEditor!;
  const saveAndTest = async () => {
    setTest({ status: 'info', message: 'Testing…', running: true } as never);
    status('test', 'running');
    // what Grafana's PUT /api/datasources/uid/:uid does: store jsonData, encrypt secureJsonData
    const saved = await getJson<DataSourceSettings>(`api/datasources/uid/${options.uid}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonData: options.jsonData, secureJsonData: options.secureJsonData ?? {} }),
    });
    setOptions(saved);
    try {
      const ds = new plugin.DataSourceClass(instanceSettings(saved, meta));
      const result = await ds.testDatasource();
      setTest(result);
      status('test', result.status);
    } catch (error) {
      // a failed check is read as Grafana's Save & test reads it: the HealthCheckError's message and
      // details, else a fetch error's data.message, else the Error's message
      // (grafana/grafana public/app/features/datasources/state/actions.ts, parseHealthCheckError)
      const failed = error as { error?: { message?: string; details?: unknown }; data?: { message?: string }; message?: string };
      const message = failed?.error?.message ?? failed?.data?.message ?? failed?.message ?? String(error);
      setTest({ status: 'error', message, ...(failed?.error?.details ? { details: failed.error.details as Record<string, unknown> } : {}) });
      status('test', 'error');
    }
  };
  const details = test?.details as { message?: string; verboseMessage?: string } | undefined;
  return (
    <Page title={`Data sources › ${options.name}`}>
      <Text color="secondary">Type: {meta.name} ({meta.id})</Text>
      <ConfigEditor options={options} onOptionsChange={setOptions} />
      {test && !test.running && (
        <Alert severity={test.status === 'success' ? 'success' : test.status === 'error' ? 'error' : 'info'} title={test.message} data-testid="test-result">
          {details?.message && <div>{details.message}</div>}
          {details?.verboseMessage && (
            <details open>
              <summary>Details</summary>
              <pre data-testid="test-details" style={{ whiteSpace: 'pre-wrap' }}>{details.verboseMessage}</pre>
            </details>
          )}
        </Alert>
      )}
      <Stack direction="row" gap={1}>
        <Button onClick={saveAndTest} disabled={test?.running}>
          Save &amp; test
        </Button>
      </Stack>
    </Page>
  );
}

/** The plugin's data source on the scenario's settings, made once per page. */
function useDataSource({ plugin, meta, settings }: Loaded) {
  return useMemo(() => new plugin.DataSourceClass(instanceSettings(settings, meta)), [plugin, meta, settings]);
}

/** A ref to the latest `value`: onRunQuery comes right after onChange, before a re-render. */
function useLatest<T>(value: T) {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

function RunQueryButton({ onClick }: { onClick(): void }) {
  return (
    <Stack direction="row" gap={1}>
      <Button icon="sync" onClick={onClick}>
        Run query
      </Button>
    </Stack>
  );
}

/** Explore: the plugin's QueryEditor above an Explore-like result view. */
function QueryView({ loaded }: { loaded: Loaded }) {
  const { plugin, scenario, settings } = loaded;
  const ds = useDataSource(loaded);
  const [query, setQuery] = useState<DataQuery>({ refId: 'A', ...(ds.getDefaultQuery?.('explore' as never) ?? {}), ...(scenario.query ?? {}) } as DataQuery);
  const latest = useLatest(query);
  const { results, run } = useQueryRunner();
  const QueryEditor = plugin.components.QueryEditor!;
  const runQuery = useCallback(() => {
    // onRunQuery comes right after onChange: read the query after React applied it
    status('results', 'loading');
    const others = (scenario.moreQueries ?? []) as unknown as DataQuery[];
    setTimeout(() => run(ds.query(queryRequest([latest.current, ...others], scenario)) as Observable<DataQueryResponse>), 0);
  }, [ds, latest, run, scenario]);
  useEffect(() => {
    if (scenario.runOnLoad) runQuery();
  }, [runQuery, scenario.runOnLoad]);
  return (
    <Page title={`Explore › ${settings.name}`}>
      <div style={{ border: `1px solid rgba(128,128,128,0.3)`, borderRadius: 4, padding: 12 }}>
        <QueryEditor datasource={ds} query={query} onChange={(q: DataQuery) => setQuery(q)} onRunQuery={runQuery} app={'explore' as never} />
      </div>
      <RunQueryButton onClick={runQuery} />
      <div data-testid="explore-results">
        <ExploreResults results={results} width={1180} />
      </div>
    </Page>
  );
}

/** Variable editor (dashboard settings › variables) with a preview of the values. */
function VariableView({ loaded }: { loaded: Loaded }) {
  const { scenario } = loaded;
  const ds = useDataSource(loaded);
  // CustomVariableSupport: its own editor and query()
  const support = ds.variables as unknown as {
    editor: React.ComponentType<{ datasource: DataSourceApi; query: DataQuery; onChange(query: DataQuery): void; onRunQuery(): void }>;
    query(request: DataQueryRequest<DataQuery>): Observable<DataQueryResponse>;
  };
  const [query, setQuery] = useState<DataQuery>({ refId: 'variable', ...(scenario.variableQuery ?? {}) });
  const [values, setValues] = useState<Array<{ text: string; value: string }>>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    status('results', 'loading');
    const sub = support.query(queryRequest([query], scenario)).subscribe((response) => {
      const frame = response.data[0] as DataFrame | undefined;
      const text = frame?.fields.find((f) => f.name === 'text');
      const value = frame?.fields.find((f) => f.name === 'value');
      setValues(text ? text.values.map((t, i) => ({ text: String(t), value: String(value?.values[i] ?? t) })) : []);
      setError(response.errors?.[0]?.message);
      status('results', response.errors?.length ? 'error' : 'done');
      status('frames', String(text?.values.length ?? 0));
    });
    return () => sub.unsubscribe();
  }, [query, scenario, support]);
  const Editor = support.editor;
  return (
    <Page title="Variables › Query options">
      <Editor datasource={ds} query={query} onChange={setQuery} onRunQuery={() => {}} />
      {error && <Alert severity="error" title="Variable query failed">{error}</Alert>}
      <Text element="h5">Preview of values</Text>
      <Stack direction="row" gap={1} wrap="wrap">
        {values.map((v) => (
          <span key={v.value} data-testid="variable-value" style={{ padding: '2px 8px', borderRadius: 2, background: 'rgba(128,128,128,0.2)' }}>
            {v.text}
          </span>
        ))}
      </Stack>
    </Page>
  );
}

/** Dashboard settings › annotations: the datasource's annotation editor, then the events it finds. */
function AnnotationView({ loaded }: { loaded: Loaded }) {
  const { scenario } = loaded;
  const ds = useDataSource(loaded);
  const support = ds.annotations as AnnotationSupport<DataQuery>;
  const [target, setTarget] = useState<DataQuery>(() => ({ refId: 'Anno', ...(support.getDefaultQuery?.() ?? {}), ...(scenario.query ?? {}) }) as DataQuery);
  const latest = useLatest(target);
  const { results, run } = useQueryRunner();
  const runQuery = useCallback(() => {
    status('results', 'loading');
    setTimeout(() => {
      // what Grafana's standard annotation support does before it calls query()
      const annotation = { name: 'nodescope', enable: true, iconColor: 'red', target: latest.current } as AnnotationQuery<DataQuery>;
      const prepared = support.prepareQuery ? support.prepareQuery(annotation) : latest.current;
      if (prepared) run(ds.query(queryRequest([prepared], scenario)) as Observable<DataQueryResponse>);
    }, 0);
  }, [ds, latest, run, scenario, support]);
  const Editor = support.QueryEditor!;
  const events = results.frames.flatMap((frame) => {
    const field = (name: string) => frame.fields.find((f) => f.name === name);
    return Array.from({ length: frame.length }, (_, i) => ({
      time: field('time')?.values[i] as number,
      title: String(field('title')?.values[i] ?? ''),
      text: String(field('text')?.values[i] ?? ''),
      tags: (field('tags')?.values[i] as string[] | undefined) ?? [],
    }));
  });
  return (
    <Page title="Annotations › nodescope">
      <Editor datasource={ds} query={target} onChange={setTarget} onRunQuery={runQuery} />
      <RunQueryButton onClick={runQuery} />
      {results.errors.map((error, i) => (
        <Alert key={i} severity="error" title="Annotation query failed">
          {error.message}
        </Alert>
      ))}
      <Stack direction="column" gap={0.5}>
        {events.map((event, i) => (
          <div key={i} data-testid="annotation-event" style={{ display: 'flex', gap: 12, borderLeft: '3px solid #f2495c', padding: '2px 8px' }}>
            <Text color="secondary">{dateTimeFormat(event.time, { timeZone: 'utc' })}</Text>
            <Text weight="medium">{event.title}</Text>
            <Text color="secondary">{event.text}</Text>
            <Text color="secondary">{event.tags.join(', ')}</Text>
          </div>
        ))}
      </Stack>
    </Page>
  );
}

function App({ loaded }: { loaded: Loaded }) {
  switch (loaded.scenario.view) {
    case 'config':
      return <ConfigView loaded={loaded} />;
    case 'query':
      return <QueryView loaded={loaded} />;
    case 'variable':
      return <VariableView loaded={loaded} />;
    case 'annotation':
      return <AnnotationView loaded={loaded} />;
    default:
      throw new Error(`unknown view ${String(loaded.scenario.view)}`);
  }
}

/** The landing page: every scenario, in both themes. */
function ScenarioList({ scenarios }: { scenarios: Array<{ name: string; description?: string }> }) {
  return (
    <Page title="nodescope plugin harness">
      <Text color="secondary">The nodescope plugins loaded the way Grafana loads them, against the running proxy.</Text>
      {scenarios.map((s) => (
        <div key={s.name}>
          <Text element="h5">{s.name}</Text>
          <Text color="secondary">{s.description ?? ''}</Text>{' '}
          <a href={`/?scenario=${s.name}&theme=dark`}>dark</a> · <a href={`/?scenario=${s.name}&theme=light`}>light</a>
        </div>
      ))}
    </Page>
  );
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  const name = params.get('scenario');
  const container = document.getElementById('root')!;
  const root = createRoot(container);
  if (!name) {
    const theme = createTheme({ colors: { mode: params.get('theme') === 'light' ? 'light' : 'dark' } });
    document.body.style.background = theme.colors.background.primary;
    const scenarios = await getJson<Array<{ name: string; description?: string }>>('/scenarios/');
    root.render(
      <ThemeContext.Provider value={theme}>
        <GlobalStyles />
        <ScenarioList scenarios={scenarios} />
      </ThemeContext.Provider>
    );
    status('status', 'rendered');
    return;
  }
  try {
    const loaded = await load(name);
    const mode = (params.get('theme') ?? loaded.scenario.theme ?? 'dark') === 'light' ? 'light' : 'dark';
    const theme = createTheme({ colors: { mode } });
    document.body.style.background = theme.colors.background.primary;
    root.render(
      <ThemeContext.Provider value={theme}>
        <GlobalStyles />
        <App loaded={loaded} />
      </ThemeContext.Provider>
    );
    // a frame later, so the editor has mounted
    requestAnimationFrame(() => status('status', 'rendered'));
  } catch (error) {
    console.error(error);
    container.textContent = `harness error: ${(error as Error)?.stack ?? String(error)}`;
    status('status', 'error');
    status('error', String((error as Error)?.message ?? error));
  }
}

void main();
