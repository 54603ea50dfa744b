// ZMQ `sequence` subscriber (zeromq v6): I/O only. Decoding is a pure function below.
//
// Wire format (Core's CZMQPublishSequenceNotifier, checked by interface_zmq.py): three frames
//   "sequence" | 32-byte hash + label ['A'|'R' + 8-byte LE mempool sequence, or 'C'|'D']
//   | 4-byte LE message counter (per topic; a jump means lost messages, 0 after a restart).
// The hash bytes are already in RPC order: body[0:32].hex() is the txid / block hash.
import { Subscriber, type Observer } from 'zeromq';

/** how long stop() waits for the observer to end by itself before closing it */
const OBSERVER_END_MS = 2_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export type SequenceLabel = 'A' | 'R' | 'C' | 'D';

export interface SequenceMessage {
  hash: string;
  label: SequenceLabel;
  /** mempool sequence of an A/R event; absent for blocks */
  mempoolSequence?: number;
  /** per-topic message counter */
  counter: number;
}

/** Decodes one multipart message; null when it is not a well-formed `sequence` message. */
export function decodeSequenceMessage(frames: Buffer[]): SequenceMessage | null {
  const [topic, body, counterFrame] = frames;
  if (!topic || !body || !counterFrame || frames.length !== 3) return null;
  if (topic.toString('latin1') !== 'sequence' || counterFrame.length !== 4) return null;
  const label = String.fromCharCode(body[32] ?? 0);
  const counter = counterFrame.readUInt32LE(0);
  const hash = body.subarray(0, 32).toString('hex');
  if ((label === 'A' || label === 'R') && body.length === 41) {
    return { hash, label, mempoolSequence: Number(body.readBigUInt64LE(33)), counter };
  }
  if ((label === 'C' || label === 'D') && body.length === 33) return { hash, label, counter };
  return null;
}

export interface SubscriberEvents {
  message(message: SequenceMessage): void;
  connected(): void;
  disconnected(): void;
  malformed(): void;
}

/** Subscribes to one endpoint; ZMQ reconnects by itself after a node restart. */
export class SequenceSubscriber {
  private socket: Subscriber | null = null;
  private observer: Observer | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private eventLoop: Promise<void> | null = null;

  constructor(
    readonly endpoint: string,
    private readonly events: SubscriberEvents
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    // a deep receive queue: while the event loop is busy (a resync's JSON) messages wait here
    // instead of being dropped at the default 1,000
    const socket = new Subscriber({
      linger: 0,
      reconnectInterval: 100,
      reconnectMaxInterval: 2_000,
      receiveHighWaterMark: 100_000,
    });
    this.socket = socket;
    // the observer's iterator, not events.on(): on() runs an internal loop whose rejection at
    // close time nobody can catch
    this.observer = socket.events;
    this.eventLoop = this.watch(this.observer);
    socket.connect(this.endpoint);
    socket.subscribe('sequence');
    this.loop = this.receive(socket);
  }

  private async watch(observer: Observer): Promise<void> {
    try {
      for await (const event of observer) {
        if (event.type === 'connect') this.events.connected();
        else if (event.type === 'disconnect') this.events.disconnected();
      }
    } catch {
      // the observer ends with an error when its socket closes
    }
  }

  private async receive(socket: Subscriber): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = decodeSequenceMessage(frames);
        if (message) this.events.message(message);
        else this.events.malformed();
      }
    } catch (error) {
      // closing the socket ends the iterator with an error: only report it while running
      if (this.running) throw error;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    const socket = this.socket;
    const observer = this.observer;
    this.socket = null;
    this.observer = null;
    // the socket first, the observer after: libzmq writes the socket's events (disconnected,
    // closed) to the observer's inproc PAIR from its I/O thread with a blocking send, so an
    // observer closed while its socket is still monitored and reaped can leave that send
    // waiting for a reader for good, and with it the I/O thread every ZMQ socket of the process
    // shares (no later subscriber connected: bitcoin-mempool.test under load). Closing the socket
    // stops the monitor with ZMQ_EVENT_MONITOR_STOPPED, on which zeromq.js closes the observer
    // (zeromq@6.8.0 src/observer.cc:307-309), ending watch().
    socket?.close();
    await this.loop?.catch(() => undefined);
    if (observer && this.eventLoop) {
      const ended = await Promise.race([this.eventLoop.then(() => true), sleep(OBSERVER_END_MS).then(() => false)]);
      try {
        if (!ended && !observer.closed) observer.close();
      } catch {
        /* already gone */
      }
      await this.eventLoop;
    }
  }
}
