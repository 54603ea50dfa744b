// An I/O thread of the cgminer poller (ioThreads.ts): runs the CGMiner exchanges it is sent, on
// this thread's sockets, and sends back each reply's text or error. Both ways a message is one
// flat array of many (ioProtocol.ts), not one message (and one structured clone) per miner.
import { parentPort } from 'node:worker_threads';
import { nulExchange } from './tcp.js';
import { FLUSH_ENTRIES, FLUSH_MS, REPLY_FIELDS, REQUEST_FIELDS, type ReplyBatch, type RequestBatch } from './ioProtocol.js';

const port = parentPort!;
let out: ReplyBatch = [];
let timer: NodeJS.Timeout | undefined;
let immediate: NodeJS.Immediate | undefined;

function flush(): void {
  clearTimeout(timer);
  clearImmediate(immediate);
  timer = immediate = undefined;
  const batch = out;
  out = [];
  port.postMessage(batch);
}

function settle(id: number, ok: 0 | 1, text: string, detail: number | string | null, name: string): void {
  out.push(id, ok, text, detail, name);
  if (out.length >= FLUSH_ENTRIES * REPLY_FIELDS) immediate ??= setImmediate(flush);
  else timer ??= setTimeout(flush, FLUSH_MS);
}

port.on('message', (batch: RequestBatch) => {
  for (let i = 0; i < batch.length; i += REQUEST_FIELDS) {
    const id = batch[i] as number;
    const maxBytes = batch[i + 6] as number;
    nulExchange(
      { host: batch[i + 1] as string, port: batch[i + 2] as number },
      batch[i + 3] as string,
      { connectTimeoutMs: batch[i + 4] as number, timeoutMs: batch[i + 5] as number, ...(maxBytes > 0 ? { maxBytes } : {}) }
    ).then(
      (reply) => settle(id, 1, reply.text, reply.bytes, ''),
      (error: unknown) => {
        const e: Error & { code?: number | string } = error instanceof Error ? error : new Error(String(error));
        settle(id, 0, e.message, e.code ?? null, e.name);
      }
    );
  }
});
