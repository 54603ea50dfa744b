// One upstream subscription per distinct live query, however many clients follow it: the source
// computes each frame once, and it is serialised (and scrubbed) once for every client. The last
// client to leave ends the subscription.
import type { DataFrameJSON } from '@nodescope/shared';
import type { Logger } from 'pino';
import type { QueryInput, StreamSubscribe } from '../sources/types.js';

/** Receives each frame as JSON text, ready to write. */
export type FrameListener = (frameJson: string) => void;

interface Topic {
  listeners: Set<FrameListener>;
  unsubscribe: () => void;
}

export class StreamHub {
  private readonly topics = new Map<string, Topic>();

  constructor(
    private readonly scrub: (text: string) => string,
    private readonly logger: Logger
  ) {}

  /**
   * Adds `listener` to the topic of (source, query, params), subscribing upstream if it is the
   * first. Throws what the source's subscribe throws (nothing is left registered then).
   */
  follow(topicKey: string, subscribe: StreamSubscribe, params: QueryInput['params'], listener: FrameListener): () => void {
    let topic = this.topics.get(topicKey);
    if (!topic) {
      const listeners = new Set<FrameListener>();
      const emit = (frame: DataFrameJSON) => {
        let json: string;
        try {
          json = this.scrub(JSON.stringify(frame));
        } catch (error) {
          this.logger.error({ err: error, topic: topicKey }, 'stream frame not serialisable');
          return;
        }
        for (const each of [...listeners]) {
          try {
            each(json);
          } catch (error) {
            this.logger.error({ err: error, topic: topicKey }, 'stream listener failed');
          }
        }
      };
      const unsubscribe = subscribe(emit, params);
      if (typeof unsubscribe !== 'function') throw new TypeError('stream subscription returned no unsubscribe function');
      topic = { listeners, unsubscribe };
      this.topics.set(topicKey, topic);
    }
    const current = topic;
    current.listeners.add(listener);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      current.listeners.delete(listener);
      if (current.listeners.size > 0 || this.topics.get(topicKey) !== current) return;
      this.topics.delete(topicKey);
      try {
        current.unsubscribe();
      } catch (error) {
        this.logger.error({ err: error, topic: topicKey }, 'stream unsubscribe failed');
      }
    };
  }

  /** Distinct upstream subscriptions open now. */
  get size(): number {
    return this.topics.size;
  }

  /** Clients following now, over every topic. */
  get clients(): number {
    let n = 0;
    for (const topic of this.topics.values()) n += topic.listeners.size;
    return n;
  }
}

/** The same key for the same params in any order. */
export function topicKey(sourceId: string, query: string, params: QueryInput['params']): string {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]]);
  return JSON.stringify([sourceId, query, sorted]);
}
