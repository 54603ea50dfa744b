// A fast reader for `getrawmempool false true`'s reply: {"txids":[...],"mempool_sequence":N}
// with up to 1M txids. JSON.parse of its ~67 MB makes 1M strings that live through the whole
// fill (~0.2-0.4 s, and old-generation garbage after); here each txid is a slice of the reply
// text (V8 keeps a reference, no copy). Only the exact compact form is read this way — every
// item a quoted 64-character string without escapes, separated by single commas — and the rest
// of the reply still goes through JSON.parse, so the value equals JSON.parse's; anything else
// returns null and the caller parses the whole reply as before.

const TXIDS_KEY = '"txids":[';
const TXID_LENGTH = 64;
/** a backslash (an escape) or a control character: JSON.parse's value would differ from a slice */
const NOT_PLAIN = /[\\\u0000-\u001f]/;

/** getrawmempool false true's result, or null when the reply is not in the expected form. */
export function scanRawMempool(body: string, ids: readonly number[]): Array<{ txids: string[]; mempool_sequence: number }> | null {
  if (ids.length !== 1) return null;
  const key = body.indexOf(TXIDS_KEY);
  if (key < 0) return null;
  const open = key + TXIDS_KEY.length - 1;
  const txids: string[] = [];
  let p = open + 1;
  if (body.charCodeAt(p) !== 0x5d /* ] */) {
    for (;;) {
      if (body.charCodeAt(p) !== 0x22 /* " */ || body.charCodeAt(p + TXID_LENGTH + 1) !== 0x22) return null;
      txids.push(body.slice(p + 1, p + 1 + TXID_LENGTH));
      p += TXID_LENGTH + 2;
      const next = body.charCodeAt(p);
      if (next === 0x5d) break;
      if (next !== 0x2c /* , */) return null;
      p++;
    }
  }
  const close = p;
  if (txids.length > 0 && NOT_PLAIN.test(body.slice(open, close))) return null;
  // the envelope (id, error, mempool_sequence) through JSON.parse with the list left empty
  let envelope: { id?: unknown; error?: unknown; result?: { txids?: unknown; mempool_sequence?: unknown } };
  try {
    envelope = JSON.parse(body.slice(0, open + 1) + body.slice(close));
  } catch {
    return null;
  }
  const result = envelope?.result;
  if (envelope.id !== ids[0] || (envelope.error !== undefined && envelope.error !== null)) return null;
  if (!result || !Array.isArray(result.txids) || result.txids.length !== 0) return null;
  return [{ ...result, txids }] as Array<{ txids: string[]; mempool_sequence: number }>;
}
