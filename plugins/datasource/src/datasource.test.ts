import type { DataQuery } from '@grafana/schema';
import { dateTime, type DataQueryRequest, type DataQueryResponse, LoadingState } from '@grafana/data';
import { toFrame } from '@nodescope/shared';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventSourceLike } from './api';
import { config } from '@grafana/runtime';
import { NodescopeDataSource } from './datasource';
import { fakeBackendSrv, fakeTemplateSrv, instanceSettings } from './testing';
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

  it('posts interpolated, expanded queries to the proxy route and shapes the frames', async () => {
    const { requests } = fakeBackendSrv({
      'POST /api/query': (req) => {
        const body = req.data as { queries: Array<{ refId: string }> };
        return { results: Object.fromEntries(body.queries.map((q, i) => [q.refId, { frames: [chainFrame(100 + i)] }])) };
      },
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
    expect(requests[0]!.url).toBe('/api/datasources/proxy/uid/nodescope/api/query');
    expect(requests[0]!.data).toEqual({
      queries: [
        { refId: 'A', sourceId: 'btc-main', query: 'chain.info' },
        { refId: 'A·btc-b', sourceId: 'btc-b', query: 'chain.info' },
        { refId: 'B', sourceId: 'bot-1', query: 'trades', params: { pair: 'ETH/USDT' } },
      ],
      range: { from: FROM, to: FROM + 3_600_000 },
      intervalMs: 60_000,
      maxDataPoints: 500,
    });
    expect(response.data.map((f) => f.refId)).toEqual(['A', 'A', 'B']);
    expect(response.state).toBe(LoadingState.Done);
  });

  it('reports a failed request per query with the proxy message', async () => {
    fakeBackendSrv({
      'POST /api/query': () => {
        throw { status: 401, data: { error: 'invalid API key' } };
      },
    });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await lastValueFrom(ds.query(request<NodescopeQuery>([{ refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'chain.info' }])));
    expect(response.state).toBe(LoadingState.Error);
    expect(response.errors).toEqual([{ refId: 'A', message: 'btc-main chain.info: invalid API key (HTTP 401)' }]);
  });

  it('shows per-query errors when the proxy refuses every query with a 400', async () => {
    fakeBackendSrv({
      'POST /api/query': () => {
        throw { status: 400, data: { results: { A: { frames: [], error: 'btc-main: blocks.recent: count must be an integer from 1 to 100', status: 400 } } } };
      },
    });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await lastValueFrom(
      ds.query(request<NodescopeQuery>([{ refId: 'A', schemaVersion: 1, sourceId: 'btc-main', query: 'blocks.recent', params: { count: 0 } }]))
    );
    expect(response.errors).toEqual([{ refId: 'A', message: 'btc-main: blocks.recent: count must be an integer from 1 to 100' }]);
  });

  it('tests the datasource through /api/health', async () => {
    fakeBackendSrv({
      'GET /api/health': () => ({ status: 'ok', sources: [{ id: 'btc-main', kind: 'bitcoin', status: 'ok', message: '', lastSuccess: 1 }] }),
    });
    const result = await new NodescopeDataSource(instanceSettings()).testDatasource();
    expect(result).toMatchObject({ status: 'success', message: 'nodescope proxy: 1 source (1 ok)' });
  });

  it('explains an unreachable proxy on Save & test', async () => {
    fakeBackendSrv({});
    fakeBackendSrv({
      'GET /api/health': () => {
        throw { status: 502, statusText: 'Bad Gateway', data: {} };
      },
    });
    const result = await new NodescopeDataSource(instanceSettings()).testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toContain('HTTP 502 Bad Gateway');
    expect(result.message).toContain('is the proxy running');
  });

  it('lists variable values as text/value frames', async () => {
    const { requests } = fakeBackendSrv({ 'GET /api/variables': () => ({ values: [{ text: 'rig-1 (S19)', value: 'rig-1' }] }) });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await firstValueFrom(
      (ds.variables as unknown as { query: (r: DataQueryRequest<NodescopeVariableQuery>) => import('rxjs').Observable<DataQueryResponse> }).query(
        request<NodescopeVariableQuery>([{ refId: 'v', schemaVersion: 1, name: 'miners', sourceId: '$node' }])
      )
    );
    expect(requests[0]!.params).toEqual({ name: 'miners', sourceId: '{btc-main,btc-b}' });
    expect(response.data[0].fields.map((f: { name: string; values: unknown[] }) => [f.name, f.values])).toEqual([
      ['text', ['rig-1 (S19)']],
      ['value', ['rig-1']],
    ]);
  });

  it('runs annotation queries against /api/annotations with the dashboard range', async () => {
    const { requests } = fakeBackendSrv({
      'GET /api/annotations': () => ({ annotations: [{ time: FROM + 5, title: 'Block 840000', text: '3050 tx', tags: ['block'] }] }),
    });
    const ds = new NodescopeDataSource(instanceSettings());
    const response = await lastValueFrom(
      ds.query(request<NodescopeQuery>([{ refId: 'Anno', schemaVersion: 1, queryType: 'annotations', sourceId: 'btc-main', query: '', annotationType: 'blocks' }]))
    );
    expect(requests[0]!.params).toEqual({ sourceId: 'btc-main', type: 'blocks', from: FROM, to: FROM + 3_600_000 });
    expect(response.data[0].fields.find((f: { name: string }) => f.name === 'title').values).toEqual(['Block 840000']);
  });

  it('streams live queries: seeds a ring buffer, appends SSE frames, drops the oldest rows', async () => {
    fakeBackendSrv({ 'POST /api/query': () => ({ results: { A: { frames: [chainFrame(1)] } } }) });
    const opened: FakeEventSource[] = [];
    const ds = new NodescopeDataSource(instanceSettings(), (url) => {
      const source = new FakeEventSource(url);
      opened.push(source);
      return source;
    });
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
      const opened: FakeEventSource[] = [];
      const ds = new NodescopeDataSource(instanceSettings(), (url) => {
        const source = new FakeEventSource(url);
        opened.push(source);
        return source;
      });
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
    it('Explore\'s Live button (request.liveStreaming) streams the streamable queries, the others run once', async () => {
      const { requests } = fakeBackendSrv({
        'POST /api/query': (req) => ({
          results: Object.fromEntries((req.data as { queries: Array<{ refId: string }> }).queries.map((q) => [q.refId, { frames: [chainFrame(1)] }])),
        }),
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
      const posted = requests.filter((r) => r.method === 'POST').map((r) => (r.data as { queries: Array<{ query: string }> }).queries.map((q) => q.query));
      expect(posted.sort()).toEqual([['chain.info'], ['fees.estimates']]);
      subscription.unsubscribe();

      // without the button nothing streams
      const quiet = liveSetup();
      req.liveStreaming = false;
      await lastValueFrom(quiet.ds.query(req));
      expect(quiet.opened).toHaveLength(0);
    });
  });
});

class FakeEventSource implements EventSourceLike {
  readyState = 1;
  closed = false;
  onerror: ((event: Event) => void) | null = null;
  private listeners = new Map<string, Array<(event: MessageEvent) => void>>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, data: string) {
    for (const listener of this.listeners.get(type) ?? []) listener({ data } as MessageEvent);
  }
  close() {
    this.closed = true;
  }
}
