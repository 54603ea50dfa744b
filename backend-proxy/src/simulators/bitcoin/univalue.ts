/**
 * JSON output the way bitcoind's UniValue writes it: compact, keys in insertion order, and
 * amounts (ValueFromAmount) always with exactly 8 decimals (0.00001000, never 1e-5).
 */
export class Amount {
  constructor(readonly sats: number) {}
}

/** BTC amount from satoshis */
export const btc = (sats: number): Amount => new Amount(Math.round(sats));

/** fee rate in sat/vB -> BTC/kvB amount, as estimatesmartfee and relayfee report it */
export const btcPerKvB = (satPerVb: number): Amount => new Amount(Math.round(satPerVb * 1000));

export function formatAmount(sats: number): string {
  const negative = sats < 0;
  const abs = Math.abs(sats);
  const whole = Math.floor(abs / 1e8);
  const frac = abs - whole * 1e8;
  return `${negative ? '-' : ''}${whole}.${String(frac).padStart(8, '0')}`;
}

export function writeUniValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Amount) return formatAmount(value.sats);
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(writeUniValue).join(',')}]`;
      const parts: string[] = [];
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (item === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${writeUniValue(item)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return 'null';
  }
}
