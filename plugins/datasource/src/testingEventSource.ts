// A stand-in for the browser's EventSource in the live-stream tests. Only used by *.test.ts(x).
import type { EventSourceLike } from './liveStreams';

export class FakeEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  onerror: ((event: Event) => void) | null = null;
  private listeners = new Map<string, Array<(event: MessageEvent) => void>>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, data = '') {
    if (type === 'open') this.readyState = 1;
    for (const listener of this.listeners.get(type) ?? []) listener({ data } as MessageEvent);
  }
  /** what a browser does when the response is not a 200 text/event-stream: CLOSED, then error */
  refuse() {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
}

/** An EventSource factory (`open`) that keeps every source it opened, in order (`opened`). */
export function fakeEventSources() {
  const opened: FakeEventSource[] = [];
  const open = (url: string) => {
    const source = new FakeEventSource(url);
    opened.push(source);
    return source;
  };
  return { opened, open };
}
