// An I/O thread of the cgminer poller (ioThreads.ts): runs the CGMiner exchanges it is sent, on
// this thread's sockets, and sends back each reply's bytes or error. Both ways a message carries
// many exchanges (ioProtocol.ts), not one message (and one structured clone) per miner.
import { parentPort } from 'node:worker_threads';
import { nulExchangeBytes } from './tcp.js';
import { FLUSH_ENTRIES, FLUSH_MS, REPLY_FIELDS, REQUEST_FIELDS, type RequestBatch } from './ioProtocol.js';

const port = parentPort!;
let entries: Array<number | string | null> = [];
let replies: Buffer[] = [];
let length = 0;
let timer: NodeJS.Timeout | undefined;
let immediate: NodeJS.Immediate | undefined;

function flush(): void {
  clearTimeout(timer);
  clearImmediate(immediate);
  timer = immediate = undefined;
  // the replies' bytes side by side in one buffer that is handed over, not copied again
  const data = new ArrayBuffer(length);
  const view = new Uint8Array(data);
  let at = 0;
  for (const reply of replies) {
    view.set(reply, at);
    at += reply.length;
  }
  port.postMessage({ entries, data }, [data]);
  entries = [];
  replies = [];
  length = 0;
}

function queued(): void {
  if (entries.length >= FLUSH_ENTRIES * REPLY_FIELDS) immediate ??= setImmediate(flush);
  else timer ??= setTimeout(flush, FLUSH_MS);
}

port.on('message', (batch: RequestBatch) => {
  for (let i = 0; i < batch.length; i += REQUEST_FIELDS) {
    const id = batch[i] as number;
    const maxBytes = batch[i + 6] as number;
    nulExchangeBytes(
      { host: batch[i + 1] as string, port: batch[i + 2] as number },
      batch[i + 3] as string,
      { connectTimeoutMs: batch[i + 4] as number, timeoutMs: batch[i + 5] as number, ...(maxBytes > 0 ? { maxBytes } : {}) }
    ).then(
      (reply) => {
        entries.push(id, 1, length, length + reply.length, '');
        replies.push(reply);
        length += reply.length;
        queued();
      },
      (error: unknown) => {
        const e: Error & { code?: number | string } = error instanceof Error ? error : new Error(String(error));
        entries.push(id, 0, e.message, e.code ?? null, e.name);
        queued();
      }
    );
  }
});
