// The live connections of one data source instance. A browser opens at most six connections per
// origin over HTTP/1.1, and each EventSource holds one for as long as it lives: one per live
// target would stall a dashboard (its other requests queue behind the streams). So:
//  1. all live targets of a request go over ONE connection when the proxy can multiplex
//     (`GET /api/stream?streams=[{key, sourceId, query, params}]`, events `frame` carrying
//     `{key, frame}` and `stream-error` carrying `{key, error}`);
//  2. a proxy that cannot (it refuses that URL, so the EventSource fails before it opens) is
//     remembered, and each distinct live query gets its own connection, shared by every target
//     and panel of the page that follows the same query with the same params.
import type { DataFrameJSON } from '@nodescope/shared';

/** What the streams need from the browser's EventSource (injected in tests). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  onerror: ((event: Event) => void) | null;
  close(): void;
  readonly readyState: number;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

const CLOSED = 2;

export interface StreamSpec {
  /** unique within one call: the target's refId (and source) */
  key: string;
  sourceId: string;
  query: string;
  params?: Record<string, unknown>;
}

export interface StreamHandlers {
  onFrame(key: string, frame: DataFrameJSON): void;
  onError(key: string, message: string): void;
}

interface Shared {
  source: EventSourceLike;
  listeners: Set<{ key: string; handlers: StreamHandlers }>;
}

export class LiveStreams {
  /** undefined until a multiplexed connection opened or was refused */
  private multiplexing?: boolean;
  private readonly shared = new Map<string, Shared>();

  /** @param streamUrl the stream endpoint as the browser must call it (sub-path included) */
  constructor(
    private readonly streamUrl: string,
    private readonly open: EventSourceFactory
  ) {}

  /** How many connections are open now (tests; the budget is six per origin). */
  get connections(): number {
    return this.shared.size;
  }

  /** Follows every spec; returns the function that stops them all. */
  follow(specs: StreamSpec[], handlers: StreamHandlers): () => void {
    if (specs.length === 0) return () => {};
    if (specs.length === 1 || this.multiplexing === false) return this.followEach(specs, handlers);
    let stop = this.followMultiplexed(specs, handlers, () => {
      // refused before it opened: this proxy streams one query per connection
      this.multiplexing = false;
      stop = this.followEach(specs, handlers);
    });
    return () => stop();
  }

  private followMultiplexed(specs: StreamSpec[], handlers: StreamHandlers, refused: () => void): () => void {
    const url = `${this.streamUrl}?${new URLSearchParams({ streams: JSON.stringify(specs.map(({ key, sourceId, query, params }) => ({ key, sourceId, query, ...(params && Object.keys(params).length > 0 ? { params } : {}) }))) })}`;
    const source = this.open(url);
    let opened = false;
    source.addEventListener('open', () => {
      opened = true;
      this.multiplexing = true;
    });
    source.addEventListener('frame', (event) => {
      const message = parse<{ key?: string; frame?: DataFrameJSON }>(event.data);
      if (message?.key && message.frame) handlers.onFrame(message.key, message.frame);
    });
    source.addEventListener('stream-error', (event) => {
      const message = parse<{ key?: string; error?: string }>(event.data);
      if (message?.key) handlers.onError(message.key, message.error ?? 'live stream failed');
    });
    source.onerror = () => {
      if (source.readyState !== CLOSED) return; // EventSource reconnects by itself (the proxy sends `retry:`)
      if (!opened && this.multiplexing !== true) {
        source.close();
        return refused();
      }
      for (const spec of specs) handlers.onError(spec.key, `${spec.sourceId} ${spec.query}: live stream closed by the proxy`);
    };
    return () => source.close();
  }

  /** One connection per distinct query, shared across targets and panels. */
  private followEach(specs: StreamSpec[], handlers: StreamHandlers): () => void {
    const stops = specs.map((spec) => this.subscribe(spec, handlers));
    return () => stops.forEach((stop) => stop());
  }

  private subscribe(spec: StreamSpec, handlers: StreamHandlers): () => void {
    const search = new URLSearchParams({ sourceId: spec.sourceId, query: spec.query });
    if (spec.params && Object.keys(spec.params).length > 0) search.set('params', JSON.stringify(spec.params));
    const url = `${this.streamUrl}?${search.toString()}`;
    let entry = this.shared.get(url);
    if (!entry) {
      const source = this.open(url);
      const created: Shared = { source, listeners: new Set() };
      source.addEventListener('frame', (event) => {
        const frame = parse<DataFrameJSON>(event.data);
        for (const listener of created.listeners) {
          if (frame) listener.handlers.onFrame(listener.key, frame);
          else listener.handlers.onError(listener.key, `${spec.sourceId} ${spec.query}: unreadable stream event`);
        }
      });
      source.onerror = () => {
        if (source.readyState !== CLOSED) return;
        for (const listener of created.listeners) listener.handlers.onError(listener.key, `${spec.sourceId} ${spec.query}: live stream closed by the proxy`);
        this.shared.delete(url);
      };
      this.shared.set(url, created);
      entry = created;
    }
    const listener = { key: spec.key, handlers };
    entry.listeners.add(listener);
    const current = entry;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0) {
        current.source.close();
        if (this.shared.get(url) === current) this.shared.delete(url);
      }
    };
  }
}

function parse<T>(data: unknown): T | undefined {
  try {
    return JSON.parse(String(data)) as T;
  } catch {
    return undefined;
  }
}
