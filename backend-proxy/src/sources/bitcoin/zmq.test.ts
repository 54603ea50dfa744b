// SequenceSubscriber against a real zeromq Publisher on 127.0.0.1: stopping a subscriber must
// leave the process's ZMQ (one libzmq context, one I/O thread for every socket) usable.
import { Publisher } from 'zeromq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SequenceSubscriber, type SequenceMessage } from './zmq.js';

const publishers: Publisher[] = [];
afterEach(() => {
  while (publishers.length > 0) publishers.pop()!.close();
});

async function publisher(): Promise<{ socket: Publisher; endpoint: string }> {
  const socket = new Publisher({ linger: 0 });
  publishers.push(socket);
  await socket.bind('tcp://127.0.0.1:*');
  return { socket, endpoint: socket.lastEndpoint! };
}

/** A C (block connected) message as bitcoind frames it: topic, 32-byte hash + 'C', LE32 counter. */
function blockMessage(counter: number): Buffer[] {
  const body = Buffer.alloc(33, 0xab);
  body[32] = 'C'.charCodeAt(0);
  const seq = Buffer.alloc(4);
  seq.writeUInt32LE(counter);
  return [Buffer.from('sequence'), body, seq];
}

describe('SequenceSubscriber.stop', () => {
  it('leaves ZMQ working for the next subscriber when the publisher goes away right after (20 rounds)', async () => {
    // the old order (observer closed, then the socket) could leave libzmq's I/O thread blocked in
    // the socket's monitor send when an event came in between: every later subscriber in the
    // process then stayed unconnected. Each round stops a subscriber and drops its publisher at
    // once, so events arrive while the stopped socket is reaped; the next round must connect.
    for (let round = 0; round < 20; round++) {
      const { socket, endpoint } = await publisher();
      const received: SequenceMessage[] = [];
      let connected = 0;
      const sub = new SequenceSubscriber(endpoint, {
        message: (m) => received.push(m),
        connected: () => connected++,
        disconnected: () => undefined,
        malformed: () => undefined,
      });
      sub.start();
      // PUB drops what it sends before the subscription arrives: send until one gets through
      let counter = 0;
      await vi.waitFor(
        async () => {
          await socket.send(blockMessage(counter++));
          expect(received.length).toBeGreaterThan(0);
        },
        { timeout: 5_000, interval: 20 }
      );
      expect(connected).toBeGreaterThan(0);
      expect(received[0]).toMatchObject({ label: 'C', hash: 'ab'.repeat(32) });
      const stopped = sub.stop();
      await socket.unbind(endpoint);
      socket.close();
      await stopped;
    }
  }, 60_000);
});
