// The messages between the poller and its I/O threads (ioThreads.ts, ioWorker.ts): flat arrays
// of primitives, which structured clone copies cheaply (no object per miner).

/** per request: id, host, port, request text, connectTimeoutMs, timeoutMs, maxBytes (0: the default) */
export const REQUEST_FIELDS = 7;
export type RequestBatch = Array<number | string>;

/** per reply: id, ok (1) or not (0), the reply text or the error message, bytes or the error code, the error's name */
export const REPLY_FIELDS = 5;
export type ReplyBatch = Array<number | string | null>;

/**
 * A batch goes at once from this many entries, else after FLUSH_MS: each message costs both
 * threads a fixed share (a clone, a wake-up), and replies trickling in one at a time made a
 * message per reply (postMessage was 7 % of an I/O thread's CPU). A millisecond is ~5 % of a
 * miner's ~20 ms answer time.
 */
export const FLUSH_ENTRIES = 32;
export const FLUSH_MS = 1;
