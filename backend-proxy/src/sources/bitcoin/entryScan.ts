// A fast reader for a batch of getmempoolentry replies, as bitcoind writes them: compact JSON
// (UniValue::write without indentation), keys in entryToJSON's order. JSON.parse builds every
// field of every entry (wtxid, weight, ancestor/descendant sizes, four fee figures …) and that
// allocation is most of a 1M-transaction resync's CPU; this reads only what the compact store
// keeps: vsize, time, fees.base, depends, spentby. Anything else — whitespace, an error item
// ("Transaction not in mempool"), a missing field, an id out of place — returns null and the
// caller parses the reply with JSON.parse as before, so the result is the same either way.

import { Buffer } from 'node:buffer';

/** The fields of a getmempoolentry result the mempool sync reads (MempoolEntryRpc's shape). */
export interface ScannedEntry {
  vsize: number;
  time: number;
  fees: { base: number };
  depends: string[];
  spentby: string[];
}

// JSON's number grammar (RFC 8259 §6); Number() alone would also take "0x10" or "Infinity"
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ITEM_HEAD = '{"jsonrpc":"2.0","result":{"vsize":';
const ITEM_TAIL = '},"id":';

/** Each item's result in order, or null when the reply is not in the exact expected form. */
export function scanMempoolEntries(body: string, ids: readonly number[]): ScannedEntry[] | null {
  if (body.charCodeAt(0) !== 0x5b /* [ */) return null;
  const out: ScannedEntry[] = new Array<ScannedEntry>(ids.length);
  let p = 1;
  for (let i = 0; i < ids.length; i++) {
    if (i > 0) {
      if (body.charCodeAt(p) !== 0x2c /* , */) return null;
      p++;
    }
    if (!body.startsWith(ITEM_HEAD, p)) return null;
    // the result object ends at the first `},"id":` (no string in an entry holds one: hex only)
    const end = body.indexOf(ITEM_TAIL, p);
    if (end < 0) return null;
    p += ITEM_HEAD.length;
    const vsize = numberAt(body, p, end);
    if (vsize === null) return null;
    // each key is searched from the one before it (entryToJSON's order), so an entry is read once
    const time = numberAfter(body, '"time":', cursor, end);
    if (time === null) return null;
    const base = numberAfter(body, '"fees":{"base":', cursor, end);
    if (base === null) return null;
    const dependsAt = body.indexOf('"depends":[', cursor);
    if (dependsAt < 0 || dependsAt > end) return null;
    const depends = stringsAt(body, dependsAt + 11, end);
    if (depends === null) return null;
    const afterDepends = cursor;
    const spentbyAt = body.indexOf('"spentby":[', afterDepends);
    if (spentbyAt !== afterDepends + 1 || body.charCodeAt(afterDepends) !== 0x2c) return null;
    const spentby = stringsAt(body, spentbyAt + 11, end);
    if (spentby === null) return null;
    // the id, then the item's closing brace
    p = end + ITEM_TAIL.length;
    NUMBER.lastIndex = p;
    const id = NUMBER.exec(body);
    if (!id || Number(id[0]) !== ids[i]) return null;
    p += id[0].length;
    if (body.charCodeAt(p) !== 0x7d /* } */) return null;
    p++;
    out[i] = { vsize, time, fees: { base }, depends, spentby };
  }
  // bitcoind ends the body with a line feed (JSONRPCReply… .write() + "\n")
  if (body.charCodeAt(p) !== 0x5d /* ] */) return null;
  for (p++; p < body.length; p++) {
    const c = body.charCodeAt(p);
    if (c !== 0x0a && c !== 0x0d && c !== 0x20 && c !== 0x09) return null;
  }
  return out;
}

/** where the last number read ended */
let cursor = 0;

function numberAt(body: string, at: number, end: number): number | null {
  // a plain integer (vsize, time) or an amount of up to 8 decimals (fees.base) without the
  // regex; anything else through JSON's grammar
  let p = at;
  let value = 0;
  for (let c = body.charCodeAt(p); c >= 0x30 && c <= 0x39 && p - at < 15; c = body.charCodeAt(++p)) value = value * 10 + (c - 0x30);
  let next = body.charCodeAt(p);
  const plain = p > at && (body.charCodeAt(at) !== 0x30 || p === at + 1);
  if (plain && (next === 0x2c || next === 0x7d)) {
    cursor = p;
    return p > end ? null : value;
  }
  if (plain && next === 0x2e /* . */) {
    // d = I.F = (I * 1e8 + F * 10^(8 - digits of F)) / 1e8: both integers exact below 2^53, so
    // the one division rounds the exact decimal once, as JSON.parse does (bit-for-bit equal)
    const dot = p;
    let fraction = 0;
    for (let c = body.charCodeAt(++p); c >= 0x30 && c <= 0x39 && p - dot <= 8; c = body.charCodeAt(++p)) fraction = fraction * 10 + (c - 0x30);
    const digits = p - dot - 1;
    next = body.charCodeAt(p);
    const scaled = value * 1e8 + fraction * 10 ** (8 - digits);
    if (digits > 0 && (next === 0x2c || next === 0x7d) && Number.isSafeInteger(scaled)) {
      cursor = p;
      return p > end ? null : scaled / 1e8;
    }
  }
  NUMBER.lastIndex = at;
  const match = NUMBER.exec(body);
  if (!match || at + match[0].length > end) return null;
  next = body.charCodeAt(at + match[0].length);
  // a number is followed by the next key or the end of its object
  if (next !== 0x2c && next !== 0x7d) return null;
  cursor = at + match[0].length;
  return Number(match[0]);
}

function numberAfter(body: string, key: string, from: number, end: number): number | null {
  const at = body.indexOf(key, from);
  if (at < 0 || at > end) return null;
  return numberAt(body, at + key.length, end);
}

/** the empty list most entries have, shared (callers must not change it) */
const NO_STRINGS: string[] = Object.freeze([]) as unknown as string[];

/** A JSON array of plain strings (no escapes) starting after its `[`; `cursor` is then past its `]`. */
function stringsAt(body: string, at: number, end: number): string[] | null {
  let p = at;
  if (body.charCodeAt(p) === 0x5d /* ] */) {
    cursor = p + 1;
    return NO_STRINGS;
  }
  const values: string[] = [];
  for (;;) {
    if (body.charCodeAt(p) !== 0x22 /* " */) return null;
    const close = body.indexOf('"', p + 1);
    if (close < 0 || close > end) return null;
    const value = body.slice(p + 1, close);
    if (value.includes('\\')) return null;
    values.push(ownCopy(value));
    p = close + 1;
    const c = body.charCodeAt(p);
    if (c === 0x5d) {
      cursor = p + 1;
      return values;
    }
    if (c !== 0x2c) return null;
    p++;
  }
}

/**
 * A string of its own rather than V8's slice of the reply (a slice keeps the whole ~250 KB
 * body alive): a fill keeps the parents' txids until it links them at the end, and the slices
 * kept every reply of a 1M resync (~500 MB) in memory until then.
 */
function ownCopy(slice: string): string {
  return Buffer.from(slice, 'latin1').toString('latin1');
}
