import type { DataQuery } from '@grafana/schema';
import { dateTime, type DataQueryRequest, type DataQueryResponse, LoadingState } from '@grafana/data';
import { toFrame } from '@nodescope/shared';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { config, type GrafanaLiveSrv, type LiveDataStreamOptions, setGrafanaLiveSrv } from '@grafana/runtime';
import { StreamingDataFrame } from '@grafana/data';
import { Subject } from 'rxjs';
import { NodescopeDataSource } from './datasource';
import { fakeBackendSrv, fakeTemplateSrv, instanceSettings } from './testing';
import { FakeEventSource, fakeEventSources } from './testingEventSource';
import type { NodescopeQuery, NodescopeVariableQuery } from './types';

const FROM = 1_700_000_000_000;
function request<Q extends DataQuery>(targets: Q[]): DataQueryRequest<Q> {
  return {
    requestId: 'r1',
    interval: '1m',
    intervalMs: 60_000,
    maxDataPoints: 500,
    range: { from: dateTime(FROM), to: dateTime(FROM + 3_600_000), raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: 0,
  } as DataQueryRequest<Q>;
}

const chainFrame = (height: number) =>
  toFrame('chain', [
    { name: 'time', type: 'time', values: [FROM + height] },
    { name: 'blocks', type: 'number', values: [height] },
  ]);

describe('NodescopeDataSource', () => {
  beforeEach(() => fakeTemplateSrv({ node: ['btc-main', 'btc-b'], pair: ['ETH/USDT'] }));

  // Grafana's /api/ds/query answer (pkg/api/ds_query.go): {results: {refId: {status, frames, error?}}}, 400 when a query failed
  const answer = (queries: Array<{ refId: string }>, frame: (i: number) => unknown) => ({
    results: Object.fromEntries(queries.map((q, i) => [q.refId, { status: 200, frames: [frame(i)] }])),
  });

  it('sends migrated, expanded queries to the backend through /api/ds/query, variables replaced, frames back on their refIds', async () => {
    const { requests } = fakeBackendSrv({
      'POST /api/ds/query': (req) => answer((req.data as { queries: Array<{ refId: string }> }).queries, (i) => chainFrame(100 + i)),
    });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await lastValueFrom(
      ds.query(
        request<NodescopeQuery>([
          { refId: 'A', schemaVersion: 1, sourceId: '$node', query: 'chain.info' },
          { refId: 'B', schemaVersion: 1, sourceId: 'bot-1', query: 'trades', params: { pair: '$pair' } },
          { refId: 'C', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info', hide: true },
        ])
      )
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/api/ds/query?ds_type=nodescope-crypto-datasource&requestId=r1');
    const body = requests[0]!.data as { from: string; to: string; queries: Array<Record<string, unknown>> };
    expect([body.from, body.to]).toEqual([String(FROM), String(FROM + 3_600_000)]);
    expect(body.queries.map(({ refId, sourceId, query, params, datasource, maxDataPoints, intervalMs }) => ({ refId, sourceId, query, params, datasource, maxDataPoints, intervalMs }))).toEqual([
      { refId: 'A', sourceId: 'btc-main', query: 'chain.info', params: undefined, datasource: { type: 'nodescope-crypto-datasource', uid: 'nodescope' }, maxDataPoints: 500, intervalMs: 60_000 },
      { refId: 'A·btc-b', sourceId: 'btc-b', query: 'chain.info', params: undefined, datasource: { type: 'nodescope-crypto-datasource', uid: 'nodescope' }, maxDataPoints: 500, intervalMs: 60_000 },
      { refId: 'B', sourceId: 'bot-1', query: 'trades', params: { pair: 'ETH/USDT' }, datasource: { type: 'nodescope-crypto-datasource', uid: 'nodescope' }, maxDataPoints: 500, intervalMs: 60_000 },
    ]);
    expect(response.data.map((f) => f.refId)).toEqual(['A', 'A', 'B']);
    expect(response.state).toBe(LoadingState.Done);
  });

  it('a saved query of the oldest format (legendFormat, numbers as strings) reaches the backend migrated', async () => {
    const { requests } = fakeBackendSrv({ 'POST /api/ds/query': (req) => answer((req.data as { queries: Array<{ refId: string }> }).queries, () => chainFrame(1)) });
    const ds = new NodescopeDataSource(instanceSettings());
    // as dashboards saved it before schemaVersion existed
    const saved = { refId: 'A', sourceId: 'btc-main', query: 'blocks.recent', legendFormat: '{{source}} {{field}}', params: { count: 5 } } as unknown as NodescopeQuery;
    await lastValueFrom(ds.query(request<NodescopeQuery>([saved])));
    const sent = (requests[0]!.data as { queries: Array<Record<string, unknown>> }).queries[0]!;
    expect(sent).toMatchObject({ refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'blocks.recent', alias: '{{source}} {{field}}', params: { count: 5 } });
    expect(sent).not.toHaveProperty('legendFormat');
  });

  it('a request that fails as a whole becomes one error per query', async () => {
    fakeBackendSrv({
      'POST /api/ds/query': () => {
        throw { status: 502, statusText: 'Bad Gateway', data: { message: 'Query data error' } };
      },
    });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await lastValueFrom(ds.query(request<NodescopeQuery>([{ refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info' }])));
    expect(response.state).toBe(LoadingState.Error);
    expect(response.errors).toEqual([{ refId: 'A', message: 'btc-main chain.info: Query data error (HTTP 502)' }]);
  });

  it("shows the backend's per-query errors (Grafana answers 400 with every result) beside the other queries' frames", async () => {
    fakeBackendSrv({
      'POST /api/ds/query': () => {
        throw {
          status: 400,
          data: {
            results: {
              A: { status: 400, error: 'btc-main: blocks.recent: count must be an integer from 1 to 100', errorSource: 'downstream' },
              'B·btc-b': { status: 200, frames: [chainFrame(7)] },
            },
          },
        };
      },
    });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await lastValueFrom(
      ds.query(
        request<NodescopeQuery>([
          { refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'blocks.recent', params: { count: 0 } },
          { refId: 'B', schemaVersion: 1, sourceId: '$node', query: 'chain.info' },
        ])
      )
    );
    expect(response.errors).toEqual([{ refId: 'A', message: 'btc-main: blocks.recent: count must be an integer from 1 to 100', status: 400 }]);
    expect(response.data.map((f) => f.refId)).toEqual(['B']);
    expect(response.state).toBe(LoadingState.Done);
  });

  it("tests the datasource through the backend's health check (Grafana's own testDatasource)", async () => {
    const { requests } = fakeBackendSrv({
      'GET /health': () => ({ status: 'OK', message: 'nodescope proxy: 1 source (1 ok) — btc-main: ok', details: { message: 'btc-main: ok', verboseMessage: 'btc-main (bitcoin): ok' } }),
    });
    const result = await new NodescopeDataSource(instanceSettings()).testDatasource();
    expect(requests[0]!.url).toBe('/api/datasources/uid/nodescope/health');
    expect(result).toEqual({ status: 'success', message: 'nodescope proxy: 1 source (1 ok) — btc-main: ok' });
  });

  it("shows the backend's message when Save & test fails (Grafana answers 400 with it)", async () => {
    const message = 'Cannot reach the nodescope proxy: missing or wrong API key (HTTP 401) — the proxy refused the API key: check it here and in the proxy config (server.apiKey)';
    fakeBackendSrv({
      'GET /health': () => {
        throw { status: 400, data: { status: 'ERROR', message } };
      },
    });
    // DataSourceWithBackend rejects with {status, message, error: HealthCheckError}, which Grafana's
    // Save & test reads (public/app/features/datasources/state/actions.ts parseHealthCheckError)
    await expect(new NodescopeDataSource(instanceSettings()).testDatasource()).rejects.toMatchObject({ status: 'error', message });
  });

  it('lists variable values as text/value frames', async () => {
    const { requests } = fakeBackendSrv({ 'GET /resources/variables': () => ({ values: [{ text: 'rig-1 (S19)', value: 'rig-1' }] }) });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await firstValueFrom(
      (ds.variables as unknown as { query: (r: DataQueryRequest<NodescopeVariableQuery>) => import('rxjs').Observable<DataQueryResponse> }).query(
        request<NodescopeVariableQuery>([{ refId: 'v', schemaVersion: 1, name: 'miners', sourceId: '$node' }])
      )
    );
    expect(requests[0]!.url).toBe('/api/datasources/uid/nodescope/resources/variables');
    expect(requests[0]!.params).toEqual({ name: 'miners', sourceId: '{btc-main,btc-b}' });
    expect(response.data[0].fields.map((f: { name: string; values: unknown[] }) => [f.name, f.values])).toEqual([
      ['text', ['rig-1 (S19)']],
      ['value', ['rig-1']],
    ]);
  });

  it("runs annotation queries through the backend's annotations resource with the dashboard range", async () => {
    const { requests } = fakeBackendSrv({
      'GET /resources/annotations': () => ({ annotations: [{ time: FROM + 5, title: 'Block 840000', text: '3050 tx', tags: ['block'] }] }),
    });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await lastValueFrom(
      ds.query(request<NodescopeQuery>([{ refId: 'Anno', schemaVersion: 1, queryType: 'annotations', sourceId: 'btc-main', query: '', annotationType: 'blocks' }]))
    );
    expect(requests[0]!.url).toBe('/api/datasources/uid/nodescope/resources/annotations');
    expect(requests[0]!.params).toEqual({ sourceId: 'btc-main', type: 'blocks', from: FROM, to: FROM + 3_600_000 });
    expect(response.data[0].fields.find((f: { name: string }) => f.name === 'title').values).toEqual(['Block 840000']);
  });

  it('streams live queries: seeds a ring buffer, appends SSE frames, drops the oldest rows', async () => {
    fakeBackendSrv({ 'POST /api/query': () => ({ results: { A: { frames: [chainFrame(1)] } } }) });
    const { opened, open } = fakeEventSources();
    const ds = new NodescopeDataSource(instanceSettings(), open);
    const responses: DataQueryResponse[] = [];
    const req = request<NodescopeQuery>([{ refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info', live: true }]);
    req.maxDataPoints = 10;
    const subscription = ds.query(req).subscribe((r) => responses.push(r));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(opened[0]!.url).toBe('/api/datasources/proxy/uid/nodescope/api/stream?sourceId=btc-main&query=chain.info');
    for (let height = 2; height <= 12; height++) opened[0]!.emit('frame', JSON.stringify(chainFrame(height)));
    const last = responses.at(-1)!;
    expect(last.state).toBe(LoadingState.Streaming);
    expect(last.key).toBe('nodescope-live-A-btc-main');
    expect(Array.from(last.data[0].fields[1].values)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    subscription.unsubscribe();
    expect(opened[0]!.closed).toBe(true);
  });

  describe('live', () => {
    const liveSetup = (appSubUrl = '') => {
      const previous = config.appSubUrl;
      config.appSubUrl = appSubUrl;
      const { opened, open } = fakeEventSources();
      const ds = new NodescopeDataSource(instanceSettings(), open);
      config.appSubUrl = previous;
      return { ds, opened };
    };
    const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

    // Grafana under a sub-path (root_url = https://example.com/grafana/): the page's base href is
    // /grafana/ and backendSrv requests are relative to it; the EventSource must carry it too
    it('opens the stream under config.appSubUrl', async () => {
      fakeBackendSrv({ 'POST /api/query': () => ({ results: { A: { frames: [chainFrame(1)] } } }) });
      const { ds, opened } = liveSetup('/grafana');
      const subscription = ds.query(request<NodescopeQuery>([{ refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info', live: true }])).subscribe();
      await tick();
      expect(opened[0]!.url).toBe('/grafana/api/datasources/proxy/uid/nodescope/api/stream?sourceId=btc-main&query=chain.info');
      subscription.unsubscribe();
    });

    it('a live target whose seed query fails names the source once (the proxy\'s error already starts with it)', async () => {
      fakeBackendSrv({ 'POST /api/query': () => ({ results: { A: { frames: [], error: 'btc-main: RPC connection to <upstream> failed', status: 502 } } }) });
      const { ds } = liveSetup();
      const responses: DataQueryResponse[] = [];
      const subscription = ds.query(request<NodescopeQuery>([{ refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info', live: true }])).subscribe((r) => responses.push(r));
      await tick();
      expect(responses.at(-1)!.errors?.[0]?.message).toBe('btc-main: RPC connection to <upstream> failed');
      subscription.unsubscribe();
    });

    it('a panel with several live targets: one POST seeds them, one connection carries them', async () => {
      const { requests } = fakeBackendSrv({
        'POST /api/query': (req) => ({
          results: Object.fromEntries((req.data as { queries: Array<{ refId: string }> }).queries.map((q) => [q.refId, { frames: [chainFrame(1)] }])),
        }),
      });
      const { ds, opened } = liveSetup();
      const responses: DataQueryResponse[] = [];
      const subscription = ds
        .query(
          request<NodescopeQuery>([
            { refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info', live: true },
            { refId: 'B', schemaVersion: 1, sourceId: 'btc-main', query: 'mempool.summary', live: true },
            { refId: 'C', schemaVersion: 1, sourceId: 'stx-1', query: 'node.info', live: true },
          ])
        )
        .subscribe((r) => responses.push(r));
      await tick();
      expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(opened).toHaveLength(1);
      expect(JSON.parse(new URL(opened[0]!.url, 'http://grafana').searchParams.get('streams')!).map((s: { key: string }) => s.key)).toEqual(['A', 'B', 'C']);
      opened[0]!.emit('open', '');
      opened[0]!.emit('frame', JSON.stringify({ key: 'B', frame: chainFrame(2) }));
      const last = responses.at(-1)!;
      expect(last.key).toBe('nodescope-live-B-btc-main');
      expect(Array.from(last.data[0].fields[1].values)).toEqual([1, 2]);
      subscription.unsubscribe();
      expect(opened[0]!.closed).toBe(true);
    });

    // Explore's Live button sends request.liveStreaming (DataQueryRequest in @grafana/data 12.4.10)
    it('Explore\'s Live button (request.liveStreaming) streams the streamable queries, the others run once through the backend', async () => {
      const { requests } = fakeBackendSrv({
        'POST /api/query': (req) => ({
          results: Object.fromEntries((req.data as { queries: Array<{ refId: string }> }).queries.map((q) => [q.refId, { frames: [chainFrame(1)] }])),
        }),
        'POST /api/ds/query': (req) => answer((req.data as { queries: Array<{ refId: string }> }).queries, () => chainFrame(1)),
      });
      const { ds, opened } = liveSetup();
      const req = request<NodescopeQuery>([
        { refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info' },
        { refId: 'B', schemaVersion: 1, sourceId: 'btc-main', query: 'fees.estimates' },
      ]);
      req.liveStreaming = true;
      const subscription = ds.query(req).subscribe();
      await tick();
      expect(opened.map((s) => s.url)).toEqual(['/api/datasources/proxy/uid/nodescope/api/stream?sourceId=btc-main&query=chain.info']);
      const posted = (path: string) => requests.filter((r) => r.url.startsWith(path)).map((r) => (r.data as { queries: Array<{ query: string }> }).queries.map((q) => q.query));
      // the live one seeds through the data source proxy, the other goes to the backend
      expect(posted('/api/datasources/proxy/uid/nodescope/api/query')).toEqual([['chain.info']]);
      expect(posted('/api/ds/query')).toEqual([['fees.estimates']]);
      subscription.unsubscribe();

      // without the button nothing streams
      const quiet = liveSetup();
      req.liveStreaming = false;
      await lastValueFrom(quiet.ds.query(req));
      expect(quiet.opened).toHaveLength(0);
    });
  });
});

// Grafana Live present (as in Grafana): live targets go through the backend with `live: true`,
// and DataSourceWithBackend.query hands each frame's meta.channel to getDataStream
// (@grafana/runtime 12.4.10 utils/DataSourceWithBackend.ts toStreamingDataResponse, with
// standardStreamOptionsProvider's buffer: maxLength = maxDataPoints, action append).
describe('NodescopeDataSource on Grafana Live', () => {
  const channel = (refId: string) => `ds/nodescope/stream/key-${refId}`;
  let streams: Array<{ options: LiveDataStreamOptions; emit: Subject<DataQueryResponse> }>;
  beforeEach(() => {
    fakeTemplateSrv({ node: ['btc-main', 'btc-b'] });
    streams = [];
    setGrafanaLiveSrv({
      getDataStream: (options: LiveDataStreamOptions) => {
        const emit = new Subject<DataQueryResponse>();
        streams.push({ options, emit });
        return emit.asObservable();
      },
    } as unknown as GrafanaLiveSrv);
  });
  afterEach(() => setGrafanaLiveSrv(undefined as unknown as GrafanaLiveSrv));

  const withChannel = (refId: string) => {
    const frame = chainFrame(1) as { schema: { meta?: Record<string, unknown> } };
    frame.schema.meta = { channel: channel(refId) };
    return frame;
  };
  const backendAnswers = () =>
    fakeBackendSrv({
      'POST /api/ds/query': (req) => {
        const queries = (req.data as { queries: Array<{ refId: string; live?: boolean }> }).queries;
        return {
          results: Object.fromEntries(
            queries.map((q) => [q.refId, { status: 200, frames: [q.live ? withChannel(q.refId) : chainFrame(1)] }])
          ),
        };
      },
    });

  it('a live target asks the backend for a channel and follows it on Live; no EventSource, no proxy call', async () => {
    const { requests } = backendAnswers();
    const opened: string[] = [];
    const ds = new NodescopeDataSource(instanceSettings(), (url) => {
      opened.push(url);
      throw new Error('no EventSource with Grafana Live');
    });
    const responses: DataQueryResponse[] = [];
    const subscription = ds
      .query(
        request<NodescopeQuery>([
          { refId: 'A', schemaVersion: 1, sourceId: '$node', query: 'chain.info', live: true, alias: '{{source}}' },
        ])
      )
      .subscribe((r) => responses.push(r));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // one backend request per expanded source, each carrying live: true
    expect(requests.map((r) => r.url.replace(/\?.*/, ''))).toEqual(['/api/ds/query', '/api/ds/query']);
    expect(
      requests.map((r) =>
        (r.data as { queries: Array<Record<string, unknown>> }).queries.map(({ refId, sourceId, live, alias }) => ({
          refId,
          sourceId,
          live,
          alias,
        }))
      )
    ).toEqual([
      [{ refId: 'A', sourceId: 'btc-main', live: true, alias: '{{source}}' }],
      [{ refId: 'A', sourceId: 'btc-b', live: true, alias: '{{source}}' }],
    ]);
    expect(opened).toEqual([]);
    expect(streams).toHaveLength(2);
    // parseLiveChannelAddress('ds/nodescope/stream/key-A'): scope, stream (the namespace), path
    expect(streams[0]!.options.addr).toEqual({ scope: 'ds', stream: 'nodescope', path: 'stream/key-A' });
    expect(streams[0]!.options.buffer).toMatchObject({ maxLength: 500, action: 'append' });
    expect(streams[0]!.options.frame?.schema?.name).toBe('chain');

    // what the live service emits after a RunStream packet: a StreamingDataFrame whose refId came
    // from the packet's schema (none: the channel is shared by every panel following it)
    const buffer = StreamingDataFrame.fromDataFrameJSON(streams[0]!.options.frame!, { maxLength: 500 });
    buffer.push({
      schema: {
        fields: [
          { name: 'time', type: 'time' as never },
          { name: 'blocks', type: 'number' as never },
        ],
      },
      data: { values: [[FROM + 2], [2]] },
    });
    streams[0]!.emit.next({ key: 'xstr/0', state: LoadingState.Streaming, data: [buffer] });
    const last = responses.at(-1)!;
    expect(last.key).toBe('xstr/0');
    expect(last.state).toBe(LoadingState.Streaming);
    expect(last.data[0].refId).toBe('A');
    expect(Array.from(last.data[0].fields[1].values)).toEqual([1, 2]);
    subscription.unsubscribe();
  });

  it('a live query saved in the oldest format (legendFormat, no schemaVersion) follows its channel, migrated', async () => {
    const { requests } = backendAnswers();
    const ds = new NodescopeDataSource(instanceSettings());
    const saved = { refId: 'A', sourceId: 'btc-main', query: 'mempool.summary', live: true, legendFormat: '{{field}}' } as unknown as NodescopeQuery;
    const subscription = ds.query(request<NodescopeQuery>([saved])).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const sent = (requests[0]!.data as { queries: Array<Record<string, unknown>> }).queries[0]!;
    expect(sent).toMatchObject({ refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'mempool.summary', live: true, alias: '{{field}}' });
    expect(sent).not.toHaveProperty('legendFormat');
    expect(streams.map((s) => s.options.addr.path)).toEqual(['stream/key-A']);
    subscription.unsubscribe();
  });

  it("Explore's Live button: streamable queries get live: true, the others run once", async () => {
    const { requests } = backendAnswers();
    const ds = new NodescopeDataSource(instanceSettings());
    const req = request<NodescopeQuery>([
      { refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info' },
      { refId: 'B', schemaVersion: 1, sourceId: 'btc-main', query: 'fees.estimates' },
    ]);
    req.liveStreaming = true;
    const subscription = ds.query(req).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const sent = requests.flatMap((r) =>
      (r.data as { queries: Array<{ refId: string; live?: boolean }> }).queries.map(
        (q) => `${q.refId}:${q.live ?? false}`
      )
    );
    expect(sent.sort()).toEqual(['A:true', 'B:false']);
    expect(streams.map((s) => s.options.addr.path)).toEqual(['stream/key-A']);
    subscription.unsubscribe();
  });

  it('with Live turned off ([live] max_connections = 0: config.liveEnabled false) live targets keep the SSE fallback', async () => {
    const { requests } = fakeBackendSrv({ 'POST /api/query': () => ({ results: { A: { frames: [chainFrame(1)] } } }) });
    const opened: string[] = [];
    const ds = new NodescopeDataSource(instanceSettings(), (url) => {
      opened.push(url);
      return new FakeEventSource(url);
    });
    config.liveEnabled = false;
    try {
      const subscription = ds.query(request<NodescopeQuery>([{ refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info', live: true }])).subscribe();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(streams).toHaveLength(0);
      expect(requests.map((r) => r.url)).toEqual(['/api/datasources/proxy/uid/nodescope/api/query']);
      expect(opened).toEqual(['/api/datasources/proxy/uid/nodescope/api/stream?sourceId=btc-main&query=chain.info']);
      subscription.unsubscribe();
    } finally {
      config.liveEnabled = true;
    }
  });

  it('a live query the backend refuses shows its error on the target', async () => {
    fakeBackendSrv({
      'POST /api/ds/query': () => {
        throw {
          status: 400,
          data: { results: { A: { status: 400, error: 'btc-main chain.info: unknown source "btc-main"' } } },
        };
      },
    });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await lastValueFrom(
      ds.query(
        request<NodescopeQuery>([
          { refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info', live: true },
        ])
      )
    );
    expect(response.state).toBe(LoadingState.Error);
    expect(response.errors?.[0]).toMatchObject({
      refId: 'A',
      message: 'btc-main chain.info: unknown source "btc-main"',
    });
    expect(streams).toHaveLength(0);
  });
});
