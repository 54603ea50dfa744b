import { toFrame } from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import { browserUrl } from './api';
import { LiveStreams, type StreamHandlers } from './liveStreams';
import { fakeEventSources } from './testingEventSource';

const STREAM = '/api/datasources/proxy/uid/nodescope/api/stream';
const frame = (n: number) => toFrame('chain', [{ name: 'blocks', type: 'number', values: [n] }]);

function setup() {
  const { opened, open } = fakeEventSources();
  const live = new LiveStreams(STREAM, open);
  const seen: string[] = [];
  const handlers: StreamHandlers = {
    onFrame: (key, json) => seen.push(`${key}:${String(json.data?.values[0]?.[0])}`),
    onError: (key, message) => seen.push(`${key}! ${message}`),
  };
  return { live, opened, seen, handlers };
}

const specs = [
  { key: 'A', sourceId: 'btc-main', query: 'mempool.summary' },
  { key: 'B', sourceId: 'btc-main', query: 'chain.info' },
  { key: 'C', sourceId: 'farm-a', query: 'fleet.summary', params: { miner: 'm1' } },
];

describe('browserUrl: the data source URL under Grafana\'s sub-path, as backendSrv + <base href> resolve it', () => {
  it.each([
    ['', '/api/datasources/proxy/uid/x/api/stream', '/api/datasources/proxy/uid/x/api/stream'],
    ['/grafana', '/api/datasources/proxy/uid/x/api/stream', '/grafana/api/datasources/proxy/uid/x/api/stream'],
    ['/grafana/', '/api/datasources/proxy/uid/x/api/stream', '/grafana/api/datasources/proxy/uid/x/api/stream'],
    ['/a/b', 'api/datasources/proxy/uid/x', '/a/b/api/datasources/proxy/uid/x'],
  ])('appSubUrl %j + %s → %s', (sub, path, expected) => {
    expect(browserUrl(sub, path)).toBe(expected);
  });
});

describe('LiveStreams', () => {
  it('carries all live targets of a request on one connection when the proxy multiplexes', () => {
    const { live, opened, seen, handlers } = setup();
    const stop = live.follow(specs, handlers);
    expect(opened).toHaveLength(1);
    const url = new URL(opened[0]!.url, 'http://grafana');
    expect(url.pathname).toBe(STREAM);
    expect(JSON.parse(url.searchParams.get('streams')!)).toEqual(specs);
    opened[0]!.emit('open');
    opened[0]!.emit('frame', JSON.stringify({ key: 'B', frame: frame(7) }));
    opened[0]!.emit('frame', JSON.stringify({ key: 'A', frame: frame(3) }));
    opened[0]!.emit('stream-error', JSON.stringify({ key: 'C', error: 'farm-a: unknown miner m1' }));
    expect(seen).toEqual(['B:7', 'A:3', 'C! farm-a: unknown miner m1']);
    stop();
    expect(opened[0]!.closed).toBe(true);
  });

  it('a proxy that refuses the multiplexed URL: one connection per query, and it is not asked again', () => {
    const { live, opened, seen, handlers } = setup();
    live.follow(specs.slice(0, 2), handlers);
    opened[0]!.refuse();
    expect(opened[0]!.closed).toBe(true);
    expect(opened.slice(1).map((s) => s.url)).toEqual([`${STREAM}?sourceId=btc-main&query=mempool.summary`, `${STREAM}?sourceId=btc-main&query=chain.info`]);
    opened[2]!.emit('frame', JSON.stringify(frame(9)));
    expect(seen).toEqual(['B:9']);
    // the next request goes straight to per-query connections
    live.follow([specs[2]!, { key: 'D', sourceId: 'stx-1', query: 'logs' }], handlers);
    expect(opened.slice(3).map((s) => new URL(s.url, 'http://grafana').searchParams.get('streams'))).toEqual([null, null]);
  });

  it('targets and panels following the same query share one connection, closed with the last of them', () => {
    const { live, opened, seen, handlers } = setup();
    const stopA = live.follow([specs[0]!], handlers);
    const stopB = live.follow([{ ...specs[0]!, key: 'panel2-A' }], handlers);
    expect(opened).toHaveLength(1);
    expect(live.connections).toBe(1);
    opened[0]!.emit('frame', JSON.stringify(frame(5)));
    expect(seen).toEqual(['A:5', 'panel2-A:5']);
    stopA();
    expect(opened[0]!.closed).toBe(false);
    stopB();
    expect(opened[0]!.closed).toBe(true);
    expect(live.connections).toBe(0);
  });

  it('a multiplexed connection that opened and later closes reports every target, and does not fall back', () => {
    const { live, opened, seen, handlers } = setup();
    live.follow(specs.slice(0, 2), handlers);
    opened[0]!.emit('open');
    opened[0]!.refuse();
    expect(opened).toHaveLength(1);
    expect(seen).toEqual(['A! btc-main mempool.summary: live stream closed by the proxy', 'B! btc-main chain.info: live stream closed by the proxy']);
  });

  it('a connection that is retrying (CONNECTING) is left to reconnect', () => {
    const { live, opened, handlers } = setup();
    live.follow(specs.slice(0, 2), handlers);
    opened[0]!.onerror?.(new Event('error'));
    expect(opened).toHaveLength(1);
    expect(opened[0]!.closed).toBe(false);
  });
});
