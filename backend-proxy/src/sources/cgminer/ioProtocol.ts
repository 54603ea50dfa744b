// The messages between the poller and its I/O threads (ioThreads.ts, ioWorker.ts): flat arrays
// of primitives, which structured clone copies cheaply (no object per miner), and the replies'
// bytes in one transferred buffer (not cloned at all; decoded where the in-process path decodes).

/** per request: id, host, port, request text, connectTimeoutMs, timeoutMs, maxBytes (0: the default) */
export const REQUEST_FIELDS = 7;
export type RequestBatch = Array<number | string>;

/**
 * per reply: id, then 1, start, end, '' (its bytes are data[start, end)) or 0, the error's
 * message, code (or null) and name
 */
export const REPLY_FIELDS = 5;
export interface ReplyBatch {
  entries: Array<number | string | null>;
  data: ArrayBuffer;
}

/**
 * A batch goes at once from this many entries, else after FLUSH_MS: each message costs both
 * threads a fixed share (a clone, a wake-up), and replies trickling in one at a time made a
 * message per reply (postMessage was 7 % of an I/O thread's CPU). A millisecond is ~5 % of a
 * miner's ~20 ms answer time.
 */
export const FLUSH_ENTRIES = 32;
export const FLUSH_MS = 1;
