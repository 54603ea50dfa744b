// The lightning source and the lnd simulator against a real lnd (lndReal.ts): the source reads every
// query from the real REST gateway with the real readonly.macaroon and tls.cert, and every
// allow-listed call is asked of the real node and of the simulator and the answers compared field
// by field (names and JSON types: protojson writes 64-bit integers as strings, enums as names), as
// are the gateway's error answers. A node without a chain backend has no channels, forwards or
// funds, so the entries of those lists are compared in model.test.ts against lightning.proto only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LND_READ_CALLS } from '../src/sources/lightning/client.js';
import { lightningConfigSchema } from '../src/sources/lightning/config.js';
import { createLightningSource } from '../src/sources/lightning/index.js';
import { startLightningSimulator, type LightningSimulator } from '../src/simulators/lightning/index.js';
import { createTestContext, firstValue, inputAround } from './helpers.js';
import { startLndReal, type LndReal, type RawAnswer } from './lndReal.js';

let lnd: LndReal;
let sim: LightningSimulator;
const SIM_MACAROON = '0201036c6e6402f801030a10aabbccdd';

/** A JSON value's kind: what protojson's encoding decides (string for 64-bit integers, number for 32-bit). */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Fields of `real` the simulator lacks or types differently, as "path: real kind / sim kind". */
function differences(real: unknown, simulated: unknown, path = ''): string[] {
  if (kind(real) !== kind(simulated)) return [`${path || '.'}: ${kind(real)} / ${kind(simulated)}`];
  if (kind(real) === 'object') {
    const r = real as Record<string, unknown>;
    const s = simulated as Record<string, unknown>;
    return Object.keys(r).flatMap((key) =>
      key in s ? differences(r[key], s[key], `${path}.${key}`) : [`${path}.${key}: missing in the simulator`]
    );
  }
  if (kind(real) === 'array') {
    const [r] = real as unknown[];
    const [s] = simulated as unknown[];
    return r !== undefined && s !== undefined ? differences(r, s, `${path}[]`) : [];
  }
  return [];
}

async function simRaw(
  method: string,
  path: string,
  options: { macaroonHex?: string | null; body?: unknown } = {}
): Promise<RawAnswer> {
  const mac = options.macaroonHex === undefined ? SIM_MACAROON : options.macaroonHex;
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      ...(mac ? { 'Grpc-Metadata-macaroon': mac } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: response.status, body };
}

beforeAll(async () => {
  lnd = await startLndReal();
  sim = await startLightningSimulator({ implementation: 'lnd', macaroonHex: SIM_MACAROON });
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await lnd?.stop();
});

describe('lnd v0.18.3-beta.rc3, the real binary', () => {
  it('the source reads every query with readonly.macaroon over TLS with tls.cert', async () => {
    const ctx = createTestContext();
    const source = createLightningSource(
      lightningConfigSchema.parse({
        id: 'ln-real',
        kind: 'lightning',
        implementation: 'lnd',
        url: lnd.restUrl,
        macaroonHex: lnd.readonlyMacaroonHex,
        tlsCertFile: lnd.tlsCertFile,
        network: 'regtest',
      }),
      ctx
    );
    try {
      const input = inputAround(Date.now());
      const [info] = await source.queries['node.info']!(input);
      expect(firstValue(info, 'implementation')).toBe('lnd');
      expect(String(firstValue(info, 'version'))).toMatch(/^0\.18\.3-beta\.rc3/);
      expect(firstValue(info, 'network')).toBe('regtest');
      expect(firstValue(info, 'active_channels')).toBe(0);
      expect(typeof firstValue(info, 'block_height')).toBe('number');
      const [channels] = await source.queries.channels!(input);
      expect(channels!.data.values[0]).toEqual([]);
      const [balances] = await source.queries.balances!(input);
      expect(firstValue(balances, 'onchain_confirmed')).toBe(0);
      expect(firstValue(balances, 'channel_local')).toBe(0);
      const [forwards] = await source.queries.forwards!(input);
      expect(firstValue(forwards, 'settled')).toBe(0);
      expect(firstValue(forwards, 'fees_earned')).toBe(0);
      await source.refresh();
      expect(await ctx.metrics.registry.metrics()).toContain('lnd_channels_active_total{source="ln-real"} 0');
      // the macaroon is registered with the scrubber
      expect(ctx.secrets.scrub(lnd.readonlyMacaroonHex)).toBe('[redacted]');
    } finally {
      await source.stop();
    }
  });

  it.each(Object.entries(LND_READ_CALLS))(
    '%s: the simulator answers with the real fields and JSON types',
    async (_name, call) => {
      const body = call.method === 'POST' ? {} : undefined;
      const real = await lnd.raw(call.method, call.path, body === undefined ? {} : { body });
      const simulated = await simRaw(call.method, call.path, body === undefined ? {} : { body });
      expect(real.status).toBe(200);
      expect(simulated.status).toBe(real.status);
      expect(differences(real.body, simulated.body)).toEqual([]);
    }
  );

  it('error answers: no macaroon, an unknown path, a wrong HTTP method', async () => {
    for (const [method, path, mac] of [
      ['GET', '/v1/getinfo', null],
      ['GET', '/v1/nosuchpath', undefined],
      ['POST', '/v1/getinfo', undefined],
    ] as const) {
      const real = await lnd.raw(method, path, { macaroonHex: mac });
      const simulated = await simRaw(method, path, { macaroonHex: mac });
      expect({ status: simulated.status, body: simulated.body }, `${method} ${path}`).toEqual({
        status: real.status,
        body: real.body,
      });
    }
  });
});
