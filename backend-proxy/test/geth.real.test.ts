// The geth source and the geth simulator against a real geth: v1.17.10 from the Go module proxy
// (scripts/go-deps.sh), run as `geth --dev` on loopback with ephemeral ports. Three nodes: stock
// HTTP modules with --metrics, and --http.api with txpool (and admin). Every JSON-RPC method the
// source may send is asked of the real node and of the simulator, and the answers are compared
// field by field; so are the bad-request answers and the /debug/metrics/prometheus families. The
// expected values are what the real node answers, never what the simulator says.
// No geth binary is a failure that names the install command (CI installs it), not a skip.
import { frameColumn } from '@nodescope/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familiesByName, parsePrometheusText } from '../src/core/prometheusText.js';
import { GETH_CLIENT_VERSION, GETH_PROTOCOLS, GETH_STOCK_HTTP_NAMESPACES, startGethSimulator, type GethSimulator } from '../src/simulators/geth/index.js';
import { GETH_ADMIN_READ_METHODS, GETH_READ_METHODS } from '../src/sources/geth/client.js';
import { gethConfigSchema } from '../src/sources/geth/config.js';
import { createGethSource, type GethSource } from '../src/sources/geth/index.js';
import { includeGethFamily } from '../src/sources/geth/metrics.js';
import { GETH_BIN, requireGeth, startGethDev, type GethDev } from './gethDev.js';
import { createTestContext, expectSeries, firstValue, inputAround, type TestContext } from './helpers.js';

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

/** One JSON-RPC exchange, the whole envelope kept (result or error). */
async function exchange(url: string, body: string, contentType = 'application/json') {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  return { status: response.status, type: (response.headers.get('content-type') ?? '').split(';')[0], text };
}
const request = (method: string, params: unknown[] = []) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });

/**
 * A value's shape: JSON type, and for 0x-strings the encoding (a quantity, or data of N bytes)
 * that the execution API fixes per field. Arrays take their first element's shape ('any' when
 * empty). extraData is free-form data of any length.
 */
type Shape = string | Shape[] | { [key: string]: Shape };
const DATA_LENGTHS = new Set([16, 40, 64, 128, 512]); // nonce, address, hash, enode id, bloom (hex digits)
function shape(value: unknown, key = ''): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? ['any'] : [shape(value[0])];
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v, k)]));
  if (typeof value === 'string' && /^0x[0-9a-f]*$/i.test(value)) {
    const digits = value.length - 2;
    if (key === 'extraData' || digits === 0) return 'data';
    if (DATA_LENGTHS.has(digits)) return `data${digits / 2}`;
    return /^0x(0|[1-9a-f][0-9a-f]*)$/i.test(value) ? 'quantity' : 'data';
  }
  return typeof value;
}
/** Both shapes, with an empty array on either side matching any element shape. */
function alignEmptyArrays(a: Shape, b: Shape): [Shape, Shape] {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a[0] === 'any' || b[0] === 'any') return [['any'], ['any']];
    const [x, y] = alignEmptyArrays(a[0]!, b[0]!);
    return [[x], [y]];
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const left: Record<string, Shape> = {};
    const right: Record<string, Shape> = {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const [x, y] = k in a && k in b ? alignEmptyArrays((a as Record<string, Shape>)[k]!, (b as Record<string, Shape>)[k]!) : [(a as Record<string, Shape>)[k], (b as Record<string, Shape>)[k]];
      if (x !== undefined) left[k] = x;
      if (y !== undefined) right[k] = y;
    }
    return [left, right];
  }
  return [a, b];
}
function envelopeShape(text: string): Shape {
  const body = JSON.parse(text) as { result?: unknown; error?: unknown };
  // an error is compared whole: code and message are part of the protocol
  return 'error' in body ? { error: JSON.stringify(body.error) } : { result: shape(body.result) };
}

/** Every method the source may send, with the params it sends them (index.ts). */
const CALLS: Array<[string, unknown[]]> = [
  ['eth_blockNumber', []],
  ['eth_getBlockByNumber', ['latest', false]],
  ['eth_syncing', []],
  ['eth_chainId', []],
  ['eth_gasPrice', []],
  ['eth_maxPriorityFeePerGas', []],
  ['eth_feeHistory', ['0x4', 'latest', [10, 50, 90]]],
  ['eth_feeHistory', ['0x2', 'latest', []]],
  ['net_peerCount', []],
  ['net_version', []],
  ['net_listening', []],
  ['web3_clientVersion', []],
  ['txpool_status', []],
  ['admin_peers', []],
];

async function compareEveryMethod(geth: GethDev, sim: GethSimulator): Promise<Record<string, Shape>> {
  const real: Record<string, Shape> = {};
  const simulated: Record<string, Shape> = {};
  for (const [method, params] of CALLS) {
    const key = `${method}(${JSON.stringify(params)})`;
    real[key] = envelopeShape((await exchange(geth.rpcUrl, request(method, params))).text);
    simulated[key] = envelopeShape((await exchange(sim.rpcUrl, request(method, params))).text);
  }
  const [left, right] = alignEmptyArrays(simulated, real);
  expect(left).toEqual(right);
  return real;
}

/** A value transfer from the dev account, so blocks carry a transaction hash and the pool moves. */
async function sendTransfer(geth: GethDev): Promise<string> {
  const [from] = await geth.rpc<string[]>('eth_accounts');
  const hash = await geth.rpc<string>('eth_sendTransaction', [{ from, to: from, value: '0x1' }]);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const receipt = await geth.rpc<{ blockNumber: string } | null>('eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt.blockNumber;
    if (Date.now() > deadline) throw new Error(`transfer ${hash} never mined:\n${geth.log().slice(-1_500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function buildSource(ctx: TestContext, geth: GethDev, overrides: Record<string, unknown> = {}): GethSource {
  // geth --dev runs without peers (ethereum/go-ethereum@v1.17.10:cmd/utils/flags.go:1534-1537 sets MaxPeers = 0): no peer minimum
  const source = createGethSource(
    gethConfigSchema.parse({ id: 'geth-dev', kind: 'geth', rpcUrl: geth.rpcUrl, ...(geth.metricsUrl ? { metricsUrl: geth.metricsUrl } : {}), minPeers: 0, timeoutMs: 5_000, ...overrides }),
    ctx
  );
  closers.push(() => source.stop());
  return source;
}

describe('the geth binary', () => {
  it(`is geth 1.17.10 at ${GETH_BIN} (scripts/go-deps.sh installs it; NODESCOPE_TOOLS moves it)`, () => {
    expect(() => requireGeth()).not.toThrow();
  });
});

describe('real geth --dev with stock HTTP modules and --metrics', () => {
  let geth: GethDev;
  let sim: GethSimulator;
  beforeAll(async () => {
    geth = await startGethDev({ metrics: true });
    closers.push(() => geth.stop());
    sim = await startGethSimulator({ peers: 0 }); // the simulator's defaults, peers as on a dev node
    closers.push(() => sim.close());
  }, 120_000);

  it('the shape comparison covers every method on the read-only allow-list', () => {
    expect(new Set(CALLS.map(([m]) => m))).toEqual(new Set([...GETH_READ_METHODS, ...GETH_ADMIN_READ_METHODS]));
  });

  it('every method the source uses: the simulator answers with the shapes real geth answers, field by field', async () => {
    await sendTransfer(geth); // a block with a transaction hash in it becomes the one compared below
    const real = await compareEveryMethod(geth, sim);
    // what stock geth answers, read from the node itself: eth,net,web3 only
    expect(real['txpool_status([])']).toEqual({ error: '{"code":-32601,"message":"the method txpool_status does not exist/is not available"}' });
    expect(real['admin_peers([])']).toEqual({ error: '{"code":-32601,"message":"the method admin_peers does not exist/is not available"}' });
    expect(real['eth_syncing([])']).toEqual({ result: 'boolean' });
    expect(await geth.rpc('web3_clientVersion')).toMatch(/^Geth\/v1\.17\.10-stable\/linux-amd64\/go1\.\d+/);
    expect(GETH_CLIENT_VERSION).toMatch(/^Geth\/v1\.17\.10-stable\/linux-amd64\/go1\.\d+/);
    // a block with transactions: hashes (32-byte data), as the simulator's
    const block = await geth.rpc<{ transactions: string[] }>('eth_getBlockByNumber', [await sendTransfer(geth), false]);
    const simBlock = JSON.parse((await exchange(sim.rpcUrl, request('eth_getBlockByNumber', ['latest', false]))).text) as { result: unknown };
    expect(shape(simBlock.result)).toEqual(shape(block));
  });

  it('bad requests: the simulator answers as real geth does (status, content type, body)', async () => {
    const cases: Array<[string, string, string?]> = [
      ['parse error', '{"jsonrpc":'],
      ['invalid request in a batch', '[{"id":1}]'],
      ['bad block tag', '{"jsonrpc":"2.0","id":7,"method":"eth_getBlockByNumber","params":["zz",false]}'],
      ['unknown method', '{"jsonrpc":"2.0","id":8,"method":"eth_noSuchThing","params":[]}'],
      ['disabled namespace in a batch', '[{"jsonrpc":"2.0","id":9,"method":"txpool_status","params":[]},{"jsonrpc":"2.0","id":10,"method":"eth_chainId","params":[]}]'],
      ['text/plain', '{}', 'text/plain'],
      ['json-rpc media type', '{"jsonrpc":"2.0","id":11,"method":"net_listening","params":[]}', 'application/json-rpc; charset=utf-8'],
    ];
    for (const [what, body, type] of cases) {
      const real = await exchange(geth.rpcUrl, body, type);
      const simulated = await exchange(sim.rpcUrl, body, type);
      // the batch's eth_chainId differs by chain (1337 vs 1): compare its shape, the rest verbatim
      const normal = (text: string) => text.replace(/"result":"0x[0-9a-f]+"/g, '"result":"0x…"').trim();
      expect({ what, status: simulated.status, type: simulated.type, body: normal(simulated.text) }).toEqual({ what, status: real.status, type: real.type, body: normal(real.text) });
    }
    // an empty GET is geth's health check: 200, no body (ethereum/go-ethereum@v1.17.10:rpc/http.go:374-378)
    const [realGet, simGet] = await Promise.all([fetch(geth.rpcUrl), fetch(sim.rpcUrl)]);
    expect([simGet.status, await simGet.text()]).toEqual([realGet.status, await realGet.text()]);
  });

  it('/debug/metrics/prometheus: every family the simulator writes exists in real geth with the same type and labels', async () => {
    const real = familiesByName(parsePrometheusText(await (await fetch(geth.metricsUrl!)).text()));
    const simulated = parsePrometheusText(await (await fetch(sim.metricsUrl)).text());
    const labelNames = (f: { samples: Array<{ labels: Record<string, string> }> }) => [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))].sort();
    const mismatches: string[] = [];
    for (const family of simulated) {
      const twin = real.get(family.name);
      if (!twin) mismatches.push(`${family.name}: not in real geth`);
      else if (twin.type !== family.type || JSON.stringify(labelNames(twin)) !== JSON.stringify(labelNames(family)))
        mismatches.push(`${family.name}: ${family.type} ${labelNames(family).join(',')} vs real ${twin.type} ${labelNames(twin).join(',')}`);
    }
    expect(mismatches).toEqual([]);
    // geth_info as real geth writes it: arch, os, protocols, version (ethereum/go-ethereum@v1.17.10:cmd/geth/config.go:266-271)
    const info = real.get('geth_info')!.samples[0]!.labels;
    expect(Object.keys(info).sort()).toEqual(['arch', 'os', 'protocols', 'version']);
    expect(info).toMatchObject({ version: '1.17.10-stable', protocols: GETH_PROTOCOLS });
    // every family the source mirrors by default exists upstream (none named from memory)
    const mirroredReal = [...real.keys()].filter(includeGethFamily);
    for (const name of ['chain_head_block', 'chain_info', 'geth_info', 'p2p_peers', 'p2p_peers_inbound', 'p2p_peers_outbound', 'txpool_pending', 'txpool_queued', 'txpool_local', 'txpool_slots', 'eth_db_chaindata_disk_size', 'system_memory_used'])
      expect(mirroredReal, name).toContain(name);
  });

  it('the source on stock geth: healthy, txpool "not enabled" with the flag, counts from the metrics endpoint', async () => {
    const ctx = createTestContext();
    const s = buildSource(ctx, geth);
    for (let i = 0; i < 4; i++) {
      ctx.cache.delete('geth:geth-dev:');
      await s.refresh();
    }
    // four polls, each of them asking or remembering txpool_status: never degraded, circuit closed
    expect(s.health()).toMatchObject({
      status: 'ok',
      circuit: 'closed',
      components: { txpool_status: { status: 'ok', message: expect.stringContaining('start geth with --http.api eth,net,web3,txpool') }, metrics: { status: 'ok' } },
    });
    const input = inputAround(Date.now());
    const [sync] = await s.queries['sync.status']!(input);
    expect([firstValue(sync, 'phase'), firstValue(sync, 'healthy'), firstValue(sync, 'reason')]).toEqual(['synced', true, 'following the chain']);
    const [pool] = await s.queries['txpool.status']!(input);
    expect(pool!.schema.meta?.notices?.[0]?.text).toMatch(/^txpool_status is not enabled over HTTP .*--http\.api eth,net,web3,txpool\. Meanwhile pending\/queued are txpool_pending/);
    expect(typeof firstValue(pool, 'pending')).toBe('number');

    const latest = Number(BigInt(await geth.rpc<string>('eth_blockNumber')));
    const [head] = await s.queries['chain.head']!(input);
    expect(firstValue(head, 'number')).toBeGreaterThanOrEqual(latest - 1);
    expect(firstValue(head, 'chain_id')).toBe(1337); // ethereum/go-ethereum@v1.17.10:params/config.go:81-82 (AllDevChainProtocolChanges)
    expect(firstValue(head, 'network_id')).toBe('1337');
    expect(firstValue(head, 'head_age')).toBeLessThan(30);
    const [fees] = await s.queries['fees.history']!(inputAround(Date.now(), { blocks: 4, percentiles: '25,75' }));
    const blocks = frameColumn<number>(fees!, 'block')!;
    expect(blocks).toHaveLength(4);
    expect(blocks[3]! - blocks[0]!).toBe(3);
    expect(frameColumn<number>(fees!, 'base_fee')!.every((fee) => fee > 0)).toBe(true);
    const [peers] = await s.queries['network.peers']!(input);
    expect([firstValue(peers, 'peers'), firstValue(peers, 'inbound'), firstValue(peers, 'outbound')]).toEqual([0, 0, 0]);

    const text = await ctx.metrics.registry.metrics();
    expect(text).toMatch(/^geth_chain_head_block\{source="geth-dev"\} \d+$/m);
    expect(text).toMatch(/^geth_info\{arch="amd64",os="linux",protocols="eth\/72,eth\/71,eth\/70,eth\/69,snap\/2,snap\/1",version="1\.17\.10-stable",source="geth-dev"\} 1$/m);
    expectSeries(text, ['geth_rpc_syncing{source="geth-dev"} 0', 'geth_rpc_indexing{source="geth-dev"} 0', 'geth_rpc_healthy{source="geth-dev"} 1']);
    expect(text).not.toContain('geth_rpc_txpool_transactions{source="geth-dev"'); // only from txpool_status
    expect(text).not.toMatch(/nodescope_upstream_errors_total\{source="geth-dev"/);
  });
});

describe('real geth --dev with --http.api eth,net,web3,txpool,admin', () => {
  const API = [...GETH_STOCK_HTTP_NAMESPACES, 'txpool', 'admin'];
  let geth: GethDev;
  let sim: GethSimulator;
  beforeAll(async () => {
    geth = await startGethDev({ httpApi: API });
    closers.push(() => geth.stop());
    sim = await startGethSimulator({ namespaces: API, peers: 0 });
    closers.push(() => sim.close());
  }, 120_000);

  it('every method the source uses, txpool_status and admin_peers included: same shapes as real geth', async () => {
    const real = await compareEveryMethod(geth, sim);
    expect(real['txpool_status([])']).toEqual({ result: { pending: 'quantity', queued: 'quantity' } });
    expect(real['admin_peers([])']).toEqual({ result: ['any'] }); // a dev node has no peers: entries follow ethereum/go-ethereum@v1.17.10:p2p/peer.go:544-558
  });

  it('the source reads txpool_status and admin_peers from the real node, no notice, healthy', async () => {
    const ctx = createTestContext();
    const s = buildSource(ctx, geth, { adminPeers: true });
    await s.refresh();
    expect(s.health()).toMatchObject({ status: 'ok', circuit: 'closed' });
    expect(Object.keys(s.health().components ?? {})).toEqual([]);
    const input = inputAround(Date.now());
    const [pool] = await s.queries['txpool.status']!(input);
    expect(pool!.schema.meta?.notices).toBeUndefined();
    const status = await geth.rpc<{ pending: string; queued: string }>('txpool_status');
    expect(firstValue(pool, 'queued')).toBe(Number(BigInt(status.queued)));
    expect(typeof firstValue(pool, 'pending')).toBe('number');
    const frames = await s.queries['network.peers']!(input);
    expect(frames.map((f) => f.schema.name)).toEqual(['network.peers.summary', 'network.peers']);
    expect(frameColumn(frames[1]!, 'id')).toEqual([]);
    expect(await ctx.metrics.registry.metrics()).toMatch(/^geth_rpc_txpool_transactions\{source="geth-dev",state="queued"\} 0$/m);
  });
});
