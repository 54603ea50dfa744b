/**
 * JSON output the way bitcoind's UniValue writes it: compact, keys in insertion order, and
 * amounts (ValueFromAmount) always with exactly 8 decimals (0.00001000, never 1e-5).
 *
 * Amounts are JSON.rawJSON numbers (Node >= 21), so the engine's own JSON.stringify writes the
 * whole reply: a 300k-entry resync used to spend most of the simulator's CPU in a hand-written
 * serialiser.
 */

declare global {
  interface JSON {
    rawJSON(text: string): { readonly rawJSON: string };
  }
}

/** a pre-written JSON number, as JSON.rawJSON returns it */
export type Amount = ReturnType<typeof JSON.rawJSON>;

export function formatAmount(sats: number): string {
  const negative = sats < 0;
  const abs = Math.abs(sats);
  const whole = Math.floor(abs / 1e8);
  const frac = abs - whole * 1e8;
  // whole satoshis (every amount a node writes): the 8 decimals are the last 8 digits of
  // 1e8 + frac, without padStart (half the cost; a 1M resync writes 1M of these)
  if (Number.isInteger(frac)) return `${negative ? '-' : ''}${whole}.${String(frac + 1e8).slice(1)}`;
  return `${negative ? '-' : ''}${whole}.${String(frac).padStart(8, '0')}`;
}

/** BTC amount from satoshis */
export const btc = (sats: number): Amount => JSON.rawJSON(formatAmount(Math.round(sats)));

/** fee rate in sat/vB -> BTC/kvB amount, as estimatesmartfee and relayfee report it */
export const btcPerKvB = (satPerVb: number): Amount => btc(satPerVb * 1000);

/**
 * A value whose JSON is already written (an object or array: JSON.rawJSON takes only
 * primitives). Only an RPC reply's `result` may be one; the HTTP layer writes it in place.
 */
export class PreWritten {
  constructor(readonly text: string) {}
}

export function writeUniValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    // BigInt has no JSON form: written as its exact digits; only then pay for a replacer
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint' ? JSON.rawJSON(item.toString()) : item
    );
  }
}
