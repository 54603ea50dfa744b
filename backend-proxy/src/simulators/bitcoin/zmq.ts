import { Publisher } from 'zeromq';
import type { SequenceEvent } from './chain.js';

/** bitcoind's default -zmqpubsequencehwm */
export const ZMQ_HWM = 1000;
/** messages queued in the simulator before the socket takes them */
const MAX_QUEUED = 200_000;
const EMPTY: Buffer[] = [];

/**
 * zmqpubsequence as CZMQPublishSequenceNotifier sends it: three frames
 *   "sequence" | 32-byte hash + label [+ 8-byte LE mempool sequence for A/R] | 4-byte LE counter
 * The hash bytes go out reversed from uint256's internal order, i.e. in the order RPC prints them
 * (interface_zmq.py reads body[:32].hex() and compares it with the RPC txid).
 * Layout: SendSequenceMsg, bitcoin/bitcoin@a05987defdd2c7400f6057953535f76aeb52fa28:
 * src/zmq/zmqpublishnotifier.cpp:264-274 (hash reversed :269-271, LE64 sequence only when given
 * :273-274); labels C/D :281/:288, A/R with the mempool sequence :295/:302; the frames and the
 * per-notifier LE32 counter, bumped after each send: SendZmqMessage :203-215. The reader Core tests
 * itself with: test/functional/interface_zmq.py:55-81 (receive_sequence: 41 bytes = A/R with
 * "<Q", 33 = C/D; counter "<I" incremental), mempool sequence starting at 1 :325.
 * HWM: DEFAULT_ZMQ_SNDHWM 1000, src/zmq/zmqabstractnotifier.h:22.
 */
export function encodeSequenceBody(event: SequenceEvent): Buffer {
  const withSequence = event.label === 'A' || event.label === 'R';
  const body = Buffer.alloc(withSequence ? 41 : 33);
  Buffer.from(event.hash, 'hex').copy(body, 0);
  body[32] = event.label.charCodeAt(0);
  if (withSequence) body.writeBigUInt64LE(BigInt(event.mempoolSequence), 33);
  return body;
}

export class SequencePublisher {
  private socket: Publisher | null = null;
  /** per-notifier message counter (nSequence), starts at 0 for every (re)start */
  private counter = 0;
  /** frames waiting for the socket; zeromq.js takes one send at a time */
  private queue: Buffer[][] = [];
  private head = 0;
  private pumping: Promise<void> | null = null;
  silent = false;
  private dropRemaining = 0;
  published = 0;
  endpoint = '';

  async bind(port: number, host = '127.0.0.1'): Promise<string> {
    const socket = new Publisher({ sendHighWaterMark: ZMQ_HWM, linger: 0 });
    const address = `tcp://${host}:${port === 0 ? '*' : port}`;
    // a port freed a moment ago (restart) can still be busy for a short while
    for (let attempt = 0; ; attempt++) {
      try {
        await socket.bind(address);
        break;
      } catch (error) {
        if (attempt >= 40) {
          socket.close();
          throw error;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    this.socket = socket;
    this.counter = 0;
    this.endpoint = socket.lastEndpoint ?? address;
    return this.endpoint;
  }

  /** drop the next `count` messages; their counter values are used up, so subscribers see a gap */
  drop(count: number): void {
    this.dropRemaining = Math.max(0, Math.floor(count));
  }

  publish(event: SequenceEvent): void {
    if (!this.socket) return;
    const counter = this.counter;
    this.counter = (this.counter + 1) >>> 0;
    // a silent or lossy path still uses up counter values, as lost messages do
    if (this.silent) return;
    if (this.dropRemaining > 0) {
      this.dropRemaining--;
      return;
    }
    const seq = Buffer.alloc(4);
    seq.writeUInt32LE(counter);
    const frames = [Buffer.from('sequence'), encodeSequenceBody(event), seq];
    // far more queued than any HWM allows: drop as an overflowing bitcoind socket would
    if (this.queue.length - this.head >= MAX_QUEUED) return;
    this.published++;
    this.queue.push(frames);
    this.pumping ??= this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (this.head < this.queue.length && this.socket) {
        const frames = this.queue[this.head] as Buffer[];
        this.queue[this.head++] = EMPTY;
        if (this.head > 4096 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        await this.socket.send(frames);
      }
    } catch {
      // socket closed underneath: the rest is lost, as with linger 0
    } finally {
      this.queue = [];
      this.head = 0;
      this.pumping = null;
    }
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    await this.pumping;
    // close() alone leaves the listener to libzmq's I/O thread, which can hold the port for
    // seconds while a subscriber is connected; unbind releases it before a restart re-binds
    await socket.unbind(this.endpoint).catch(() => undefined);
    socket.close();
  }
}
