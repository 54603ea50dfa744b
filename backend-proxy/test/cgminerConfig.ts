// The cgminer source over a simulated fleet, as the cgminer, pool-account and profitability tests
// configure it.
import { cgminerConfigSchema } from '../src/sources/cgminer/config.js';

/** Source `id` over every miner of `fleet` under its own name: no poll jitter, 2 s timeouts; `extra` adds or overrides fields. */
export function cgminerConfigFor(fleet: { miners: ReadonlyArray<{ host: string; port: number; name: string }> }, extra: Record<string, unknown> = {}, id = 'farm') {
  return cgminerConfigSchema.parse({
    id,
    kind: 'cgminer',
    miners: fleet.miners.map((m) => ({ host: m.host, port: m.port, name: m.name })),
    jitter: 0,
    timeoutMs: 2_000,
    ...extra,
  });
}
