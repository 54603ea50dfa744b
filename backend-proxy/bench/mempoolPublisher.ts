// Worker thread for the ingest bench: publishes wire-exact zmqpubsequence `A` messages (topic |
// 32-byte txid + 'A' + 8-byte LE mempool sequence | 4-byte LE counter) for the txids it was
// given, as fast as the consumer lets it. Flow control: the main thread posts { upTo } and the
// worker publishes up to that many, so the subscriber's receive queue never overflows (PUB drops
// at the high-water mark, which would turn the bench into a resync bench).
import { parentPort, workerData } from 'node:worker_threads';
import { Publisher } from 'zeromq';

const { txids } = workerData as { txids: string[] };
const publisher = new Publisher({ linger: 0, sendHighWaterMark: 0 });
await publisher.bind('tcp://127.0.0.1:*');
parentPort!.postMessage({ endpoint: publisher.lastEndpoint });

let sent = 0;
let upTo = 0;
let sending = false;
const topic = Buffer.from('sequence', 'latin1');

async function pump(): Promise<void> {
  if (sending) return;
  sending = true;
  while (sent < upTo && sent < txids.length) {
    const body = Buffer.alloc(41);
    body.write(txids[sent]!, 0, 'hex');
    body[32] = 0x41; // 'A'
    body.writeBigUInt64LE(BigInt(sent), 33);
    const counter = Buffer.alloc(4);
    counter.writeUInt32LE(sent, 0);
    await publisher.send([topic, body, counter]);
    sent++;
  }
  sending = false;
}

parentPort!.on('message', (message: { upTo?: number; stop?: boolean }) => {
  if (message.stop) {
    publisher.close();
    process.exit(0);
  }
  if (message.upTo !== undefined) {
    upTo = message.upTo;
    void pump();
  }
});
