// The simulated stack (demo and harness) configures the bitcoin source with the synthetic
// city + ASN databases: network.peers from a real proxy over HTTP has places for public peers
// and none for onion / I2P / CJDNS / private ones.
import { frameColumn, PEER_FIELDS, type DataFrameJSON } from '@nodescope/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load.js';
import { startServer } from '../../http/server.js';
import { startSimulatedStack, type SimulatedStack } from '../stack.js';
import { tempDir } from '../../../test/helpers.js';

const API_KEY = 'geoip-stack-api-key-3c7e';

describe('simulated stack geolocation', () => {
  let stack: SimulatedStack;
  let proxy: Awaited<ReturnType<typeof startServer>>;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const dir = await tempDir('nodescope-geoip-stack-');
    remove = dir.remove;
    stack = await startSimulatedStack({ dir: dir.path, profile: 'test', miners: 1, bots: 0 });
    const config = parseConfig(
      stringify({ server: { port: 0, apiKey: API_KEY, logLevel: 'warn' }, sources: stack.sources }),
      'stack.yaml',
      stack.env
    );
    proxy = await startServer(config, { port: 0 });
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await stack?.close();
    await remove?.();
  });

  it('names the databases in the bitcoin source config', () => {
    const bitcoin = stack.sources.find((s) => s.kind === 'bitcoin') as { geoip?: { cityDb: string; asnDb: string } };
    expect(bitcoin.geoip?.cityDb).toMatch(/\.mmdb$/);
    expect(bitcoin.geoip?.asnDb).toMatch(/\.mmdb$/);
  });

  it('network.peers has lat/lon for public peers only', async () => {
    const response = await fetch(`${proxy.url}/api/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        queries: [{ refId: 'A', sourceId: 'btc-main', query: 'network.peers' }],
        range: { from: Date.now() - 60_000, to: Date.now() },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: Record<string, { frames?: DataFrameJSON[]; error?: string }> };
    const frame = body.results.A?.frames?.[0];
    expect(frame, JSON.stringify(body)).toBeDefined();
    const networks = frameColumn<string>(frame!, PEER_FIELDS.network)!;
    const addresses = frameColumn<string>(frame!, PEER_FIELDS.address)!;
    const lats = frameColumn<number | null>(frame!, PEER_FIELDS.lat)!;
    const lons = frameColumn<number | null>(frame!, PEER_FIELDS.lon)!;
    const countries = frameColumn<string | null>(frame!, PEER_FIELDS.country)!;
    const asns = frameColumn<number | null>(frame!, PEER_FIELDS.asn)!;
    // the stack's 24 peers cover every network kind
    expect(new Set(networks)).toEqual(new Set(['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns', 'not_publicly_routable']));
    networks.forEach((network, i) => {
      if (network === 'ipv4' || network === 'ipv6') {
        expect(lats[i], addresses[i]).toBeTypeOf('number');
        expect(lons[i], addresses[i]).toBeTypeOf('number');
        expect(Math.abs(lats[i]!)).toBeLessThanOrEqual(90);
        expect(countries[i], addresses[i]).toMatch(/^[A-Z]{2}$/);
        expect(asns[i], addresses[i]).toBeGreaterThan(0);
      } else {
        expect(lats[i], addresses[i]).toBeNull();
        expect(lons[i], addresses[i]).toBeNull();
        expect(countries[i], addresses[i]).toBeNull();
      }
    });
  });
});
