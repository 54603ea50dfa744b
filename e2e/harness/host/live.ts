// Grafana Live in the harness host: the part of Grafana's live service a DataSourceWithBackend
// uses, getDataStream, over centrifuge-js (the client and version Grafana ships: grafana/grafana
// package.json "centrifuge": "5.4.0") against the bridge's centrifuge server at
// <appSubUrl>/api/live/ws. Following grafana/grafana public/app/features/live/centrifuge/
// service.ts@eed4cf741ed0c516a192d4afd47474ff22300189 (the ws URL from appUrl, channel id
// `${orgId}/${scope}/${namespace}/${path}`, one centrifuge subscription per channel, a stream key
// `xstr/<n>` unless given) and LiveDataStream.ts@ea7330ee6ef0ef0b13365d4eb3d8c4d4d3bd2243 (the
// seed frame first, each message pushed into a StreamingDataFrame with the request's buffer
// options, LoadingState.Streaming, errors as "Streaming channel error: …"). Left out: the web
// worker, presence, publish, the shared per-channel buffer and its shutdown delay (each
// getDataStream keeps its own buffer here).
import { type DataFrameJSON, type DataQueryResponse, LoadingState, StreamingDataFrame, toLiveChannelId } from '@grafana/data';
import { type GrafanaLiveSrv, type LiveDataStreamOptions, setGrafanaLiveSrv } from '@grafana/runtime';
import { Centrifuge, type Subscription } from 'centrifuge';
import { BehaviorSubject, Observable } from 'rxjs';

interface Listener {
  message(data: DataFrameJSON): void;
  error(message: string): void;
}

export function installLiveSrv(appUrl: string, orgId: number): void {
  const url = `${appUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/api/live/ws`;
  const centrifuge = new Centrifuge(url, { timeout: 30_000 });
  const connected = new BehaviorSubject(false);
  centrifuge.on('connected', () => connected.next(true));
  centrifuge.on('connecting', () => connected.next(false));
  centrifuge.on('disconnected', () => connected.next(false));
  centrifuge.connect();

  const channels = new Map<string, { subscription: Subscription; listeners: Set<Listener> }>();
  let streamCounter = 0;

  const follow = (id: string, listener: Listener): (() => void) => {
    let channel = channels.get(id);
    if (!channel) {
      const subscription = centrifuge.newSubscription(id);
      const listeners = new Set<Listener>();
      subscription.on('publication', (ctx) => listeners.forEach((l) => l.message(ctx.data as DataFrameJSON)));
      subscription.on('error', (ctx) => listeners.forEach((l) => l.error(ctx.error.message)));
      // a refused subscription ends unsubscribed with the server's code (404 Not Found, 400 invalid channel ID)
      subscription.on('unsubscribed', (ctx) => {
        if (ctx.code >= 100) listeners.forEach((l) => l.error(`${ctx.reason} (${ctx.code})`));
      });
      subscription.subscribe();
      channel = { subscription, listeners };
      channels.set(id, channel);
    }
    channel.listeners.add(listener);
    const current = channel;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && channels.get(id) === current) {
        channels.delete(id);
        current.subscription.unsubscribe();
        centrifuge.removeSubscription(current.subscription);
      }
    };
  };

  const getDataStream = (options: LiveDataStreamOptions): Observable<DataQueryResponse> =>
    new Observable<DataQueryResponse>((subscriber) => {
      const key = options.key ?? `xstr/${streamCounter++}`;
      const buffer = StreamingDataFrame.fromDataFrameJSON(options.frame ?? { schema: { fields: [] } }, options.buffer);
      const emit = (error?: string) =>
        subscriber.next({
          key,
          state: error ? LoadingState.Error : LoadingState.Streaming,
          data: [buffer],
          ...(error ? { error: { message: `Streaming channel error: ${error}` } } : {}),
        });
      if (options.frame) emit();
      return follow(`${orgId}/${toLiveChannelId(options.addr)}`, {
        message: (data) => {
          buffer.push(data);
          emit();
        },
        error: (message) => emit(message),
      });
    });

  setGrafanaLiveSrv({
    getConnectionState: () => connected.asObservable(),
    getDataStream,
    getStream: () => {
      throw new Error('the harness serves getDataStream only');
    },
    getPresence: () => Promise.reject(new Error('the harness serves getDataStream only')),
    publish: () => Promise.reject(new Error('the harness serves getDataStream only')),
  } as unknown as GrafanaLiveSrv);
}
