// The Stacks source and simulator held against stacks-core's own source (stacks-network/stacks-core,
// tags read from the repository): which /v3/health a node version has and what it answers, and how
// often stacks-signer refreshes stacks_signer_stacks_node_height. Every expected value below is
// typed from the cited line, not taken from our simulator.
import { beforeEach, describe, expect, it } from 'vitest';
import { stacksConfigSchema } from '../src/sources/stacks/config.js';
import { createStacksSource, type StacksSource } from '../src/sources/stacks/index.js';
import { signerLag, SIGNER_REFRESH_SECONDS, TipTracker, type StacksInfo } from '../src/sources/stacks/model.js';
import { DEFAULT_SERVER_VERSION, healthGeneration, startStacksSimulator, type StacksSimulator } from '../src/simulators/stacks/index.js';
import { cleanupAfterEach, createClockedContext, firstValue, inputAround, TEST_CLOCK_START, type TestContext } from './helpers.js';
import { stacksConfigFor } from './stacksSim.js';

const cleanups = cleanupAfterEach();
let clock: number;
let ctx: TestContext;

beforeEach(() => {
  clock = TEST_CLOCK_START;
  ctx = createClockedContext(() => clock);
});

async function sim(options: Parameters<typeof startStacksSimulator>[0] = {}): Promise<StacksSimulator> {
  const s = await startStacksSimulator({ now: () => clock, ...options });
  cleanups.push(() => s.close());
  return s;
}

function build(s: StacksSimulator, pollSeconds = 15): StacksSource {
  const config = stacksConfigFor(s, { pollSeconds });
  const source = createStacksSource(config, ctx);
  cleanups.push(() => source.stop());
  return source;
}

const fresh = () => ctx.cache.delete('stacks:stx-1:');

describe('/v3/health: versions and answers agree with stacks-core', () => {
  // stackslib/src/net/api/gethealth.rs does not exist at tag 3.1.0.0.12 (ae969ca5) nor 3.1.0.0.5
  // (513dbc51); it first appears at 3.1.0.0.13 (8a79aaa7, commit 1bdf08008a "implement /v3/health");
  // 3.2.0.0.1 (4a7dfc22) still has the three-field struct and the 500 answers; 3.2.0.0.2 (bd9ee631)
  // adds max_stacks_neighbor_address and drops every error answer.
  it.each([
    ['stacks-node 3.1.0.0.5 (release/3.1.0.0.5:513dbc5, release build, linux [x86_64])', 'absent'],
    ['stacks-node 3.1.0.0.12 (release/3.1.0.0.12:ae969ca, release build, linux [x86_64])', 'absent'],
    ['stacks-node 3.1.0.0.13 (release/3.1.0.0.13:8a79aaa, release build, linux [x86_64])', 'first'],
    ['stacks-node 3.2.0.0.0 (release/3.2.0.0.0:6c76963, release build, linux [x86_64])', 'first'],
    ['stacks-node 3.2.0.0.1 (release/3.2.0.0.1:4a7dfc2, release build, linux [x86_64])', 'first'],
    ['stacks-node 3.2.0.0.2 (release/3.2.0.0.2:bd9ee63, release build, linux [x86_64])', 'current'],
    ['stacks-node 3.3.0.0.6 (release/3.3.0.0.6:01c9768, release build, linux [x86_64])', 'current'],
  ])('%s -> %s', (version, generation) => {
    expect(healthGeneration(version)).toBe(generation);
  });

  it('the simulator reports a version whose /v3/health it serves (3.3.0.0.6 field set)', async () => {
    const s = await sim();
    const info = (await (await fetch(`${s.rpcUrl}/v2/info`)).json()) as { server_version: string };
    expect(info.server_version).toBe(DEFAULT_SERVER_VERSION);
    expect(info.server_version).toMatch(/^stacks-node 3\.3\.0\.0\.6 /);
    const health = (await (await fetch(`${s.rpcUrl}/v3/health`)).json()) as Record<string, unknown>;
    // RPCGetHealthResponse at stacks-network/stacks-core@3.3.0.0.6:stackslib/src/net/api/gethealth.rs:33-41
    expect(Object.keys(health).sort()).toEqual(['difference_from_max_peer', 'max_stacks_height_of_neighbors', 'max_stacks_neighbor_address', 'node_stacks_tip_height']);
  });

  it('an older node (no-health) reports an older version and 404s /v3/health', async () => {
    const s = await sim();
    await s.setFault('no-health');
    const info = (await (await fetch(`${s.rpcUrl}/v2/info`)).json()) as { server_version: string };
    expect(healthGeneration(info.server_version)).toBe('absent');
    expect((await fetch(`${s.rpcUrl}/v3/health`)).status).toBe(404);
  });

  it('3.2.0.0.1 without bootstrap-peer stats: 500 text/plain with the message; the source reports it and stays ok', async () => {
    const s = await sim({ serverVersion: 'stacks-node 3.2.0.0.1 (release/3.2.0.0.1:4a7dfc2, release build, linux [x86_64])' });
    await s.setFault('zero-peers');
    // stacks-network/stacks-core@3.2.0.0.1:stackslib/src/net/api/gethealth.rs:244-247 (the message),
    // :141 HttpServerError; stackslib/src/net/http/error.rs:336 (code 500), :339 (Text payload);
    // stackslib/src/net/http/mod.rs:167 (HttpContentType::Text is "text/plain")
    const message = "Couldn't obtain stats on any bootstrap peers, unable to determine health.";
    const raw = await fetch(`${s.rpcUrl}/v3/health`);
    expect(raw.status).toBe(500);
    expect(raw.headers.get('content-type')).toBe('text/plain');
    expect(await raw.text()).toBe(message);

    const source = build(s);
    const [frame] = await source.queries['node.info']!(inputAround(clock));
    expect(firstValue(frame, 'health_message')).toBe(message);
    expect(firstValue(frame, 'difference_from_max_peer')).toBeNull();
    expect(frame?.schema.meta?.notices?.map((n) => n.text)).toEqual([`the node could not determine its health (/v3/health): ${message}`]);
    // not an RPC failure: the source stays ok, no upstream error counted, the circuit stays closed
    for (let i = 0; i < 4; i++) {
      clock += 20_000;
      fresh();
      await source.queries['node.info']!(inputAround(clock));
    }
    expect(source.health().status).toBe('ok');
    const text = await ctx.metrics.registry.metrics();
    expect(text).not.toMatch(/nodescope_upstream_errors_total\{[^}]*upstream="stacks-rpc"/);
    expect(text).not.toContain('stacks_info_difference_from_max_peer{source="stx-1"}');

    // peers back: the three-field answer of that version (gethealth.rs:40-47 at 3.2.0.0.1)
    await s.setFault('none');
    const health = (await (await fetch(`${s.rpcUrl}/v3/health`)).json()) as Record<string, unknown>;
    expect(Object.keys(health).sort()).toEqual(['difference_from_max_peer', 'max_stacks_height_of_neighbors', 'node_stacks_tip_height']);
    clock += 20_000;
    fresh();
    const [after] = await source.queries['node.info']!(inputAround(clock));
    expect(firstValue(after, 'health_message')).toBeNull();
    expect(firstValue(after, 'difference_from_max_peer')).toBe(0);
  });

  it('3.3.0.0.6 without neighbors answers 200 with height 0 and a null address (gethealth.rs:110-121)', async () => {
    const s = await sim();
    await s.setFault('zero-peers');
    const raw = await fetch(`${s.rpcUrl}/v3/health`);
    expect(raw.status).toBe(200);
    // unwrap_or((None, 0)) then saturating_sub: 0 - tip saturates to 0
    expect(await raw.json()).toEqual({
      difference_from_max_peer: 0,
      max_stacks_height_of_neighbors: 0,
      max_stacks_neighbor_address: null,
      node_stacks_tip_height: 171_000,
    });
  });

  // stacks-core's own cases: stacks-network/stacks-core@3.2.0.0.1:stackslib/src/net/api/tests/gethealth.rs
  // asserts status 500 and these exact texts (the body is HttpServerError's text/plain payload)
  it.each([
    ['test_get_health_500_no_initial_neighbors (:314, :348)', 'No viable bootstrap peers found, unable to determine health'],
    ['test_get_health_500_no_inv_state_pre_nakamoto (:353, :378)', 'Peer inventory state (Epoch 2.x) not found, unable to determine health.'],
    ['test_get_health_500_no_download_state (:383, :403)', 'Nakamoto block downloader not found (Epoch 3.0+), unable to determine health.'],
    ['test_get_health_500_no_peers_stats (:408, :428)', "Couldn't obtain stats on any bootstrap peers, unable to determine health."],
  ])('%s: node.info reports the message, the source stays ok', async (_case, message) => {
    const { createServer } = await import('node:http');
    const s = await sim({ serverVersion: 'stacks-node 3.2.0.0.1 (release/3.2.0.0.1:4a7dfc2, release build, linux [x86_64])' });
    // a node stand-in: /v3/health as the upstream test asserts, every other path from the simulator
    const server = createServer(async (req, res) => {
      if (req.url === '/v3/health') return void res.writeHead(500, { 'content-type': 'text/plain' }).end(message);
      const upstream = await fetch(`${s.rpcUrl}${req.url}`);
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const config = stacksConfigSchema.parse({ id: 'stx-1', kind: 'stacks', rpcUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`, timeoutMs: 1_000 });
    const source = createStacksSource(config, ctx);
    cleanups.push(() => source.stop());
    const [frame] = await source.queries['node.info']!(inputAround(clock));
    expect(firstValue(frame, 'health_message')).toBe(message);
    expect(firstValue(frame, 'stacks_tip_height')).toBe(171_000);
    expect(source.health().status).toBe('ok');
  });

  it('a 500 that is not the node speaking (HTML from a reverse proxy) is still a failure', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      if (req.url === '/v3/health') res.writeHead(500, { 'content-type': 'text/html' }).end('<html>500 Internal Server Error</html>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { StacksRpcClient } = await import('../src/sources/stacks/client.js');
    const port = (server.address() as { port: number }).port;
    const client = new StacksRpcClient(`http://127.0.0.1:${port}`, { timeoutMs: 1_000, sourceId: 'stx-1', upstream: 'stacks-rpc' });
    await expect(client.health()).rejects.toThrow(/HTTP 500/);
  });
});

describe('signer lag: stacks_signer_stacks_node_height refreshes at most every 61 s', () => {
  // stacks-network/stacks-core@3.3.0.0.6:stacks-signer/src/monitoring/server.rs
  //   :99     update_metrics() once at start
  //   :118-122 each loop turn: refresh_metrics(), then wait for the next request
  //   :176    refresh only when duration_since(last_metrics_poll).as_secs() > 60 (61 whole seconds)
  //   :177-178 last_metrics_poll is set before update_metrics(), so a failing refresh waits 61 s too
  //   :186-188 the height is the node's /v2/info stacks_tip_height at refresh time
  const info = (height: number): StacksInfo => ({ stacks_tip_height: height, burn_block_height: 870_000 }) as StacksInfo;

  it('by hand: blocks every 5 s, a request every 15 s; at t=75 s the gap is 15 blocks yet only 60 s old', () => {
    // t=0 the signer starts at node height 100 (server.rs:99). Requests at 0,15,30,45,60,75:
    // after the one at 60, 60 s passed: not > 60, no refresh; after the one at 75: refresh to the
    // tip then, 100 + 75/5 = 115, first served at t=90. So the request at 75 still gets 100.
    // Our tracker sees the node at each poll: 100 (t=0), 103 (t=15), ... 115 (t=75).
    const tracker = new TipTracker();
    for (const t of [0, 15, 30, 45, 60, 75]) tracker.observe(info(100 + t / 5), t * 1000);
    const lag = signerLag(100, tracker, 115, 75_000, 15);
    expect(lag.gapBlocks).toBe(15); // the old rule (gap > 10) calls this signer behind
    expect(lag.behindSeconds).toBe(60); // first seen above 100 at t=15
    expect(lag.allowanceSeconds).toBe(61 + 2 * 15 + 5);
    expect(lag.stale).toBe(false);
    expect(SIGNER_REFRESH_SECONDS).toBe(61);
  });

  it('by hand: a signer whose refresh keeps failing is stale once the allowance has passed', () => {
    const tracker = new TipTracker();
    for (let t = 0; t <= 300; t += 15) tracker.observe(info(100 + t / 5), t * 1000);
    // stuck at 100; the node passed it at t=15: 96 s later (t=111) it is past the allowance
    expect(signerLag(100, tracker, 118, 90_000, 15).stale).toBe(false);
    const lag = signerLag(100, tracker, 160, 300_000, 15);
    expect(lag.behindSeconds).toBe(285);
    expect(lag.stale).toBe(true);
    // a signer at or above our node's tip is not behind at all
    expect(signerLag(160, tracker, 160, 300_000, 15)).toMatchObject({ gapBlocks: 0, behindSeconds: 0, stale: false });
  });

  it('the simulated signer refreshes as server.rs does: not after 60 s, after 61 s, served on the next request', async () => {
    const s = await sim({ stacksTipHeight: 100 });
    const height = async () => {
      const text = await (await fetch(s.signerMetricsUrl)).text();
      return Number(/^stacks_signer_stacks_node_height (\d+)$/m.exec(text)?.[1]);
    };
    s.advance({ stacks: 12 });
    clock += 60_000;
    expect(await height()).toBe(100); // as_secs() == 60: no refresh after this one either
    expect(await height()).toBe(100);
    clock += 1_000;
    expect(await height()).toBe(100); // refreshed after answering (loop order, server.rs:118-122)
    expect(await height()).toBe(112);
  });

  it('source + simulator over 10 minutes of 5 s blocks: the block gap passes 10 while behind_seconds stays in the allowance; a stuck signer goes stale', async () => {
    const s = await sim();
    const source = build(s, 15);
    let maxGap = 0;
    let maxBehind = 0;
    const behindGauge = async () => Number(/^stacks_info_signer_behind_seconds\{source="stx-1"\} (\S+)$/m.exec(await ctx.metrics.registry.metrics())?.[1]);
    for (let t = 0; t < 600; t += 15) {
      fresh();
      await source.refresh();
      const [frame] = await source.queries['signer.status']!(inputAround(clock));
      maxGap = Math.max(maxGap, Number(firstValue(frame, 'node_height_gap')));
      maxBehind = Math.max(maxBehind, Number(firstValue(frame, 'behind_seconds')));
      expect(firstValue(frame, 'signer_view_stale')).toBe(false);
      expect(await behindGauge()).toBe(Number(firstValue(frame, 'behind_seconds')));
      clock += 15_000;
      s.advance({ stacks: 3 });
    }
    expect(maxGap).toBeGreaterThan(10);
    expect(maxBehind).toBeLessThanOrEqual(61 + 2 * 15 + 5);

    s.setSignerRefreshFails(true);
    let staleAfter: number | null = null;
    for (let t = 0; t < 300 && staleAfter === null; t += 15) {
      fresh();
      await source.refresh();
      const [frame] = await source.queries['signer.status']!(inputAround(clock));
      if (firstValue(frame, 'signer_view_stale') === true) staleAfter = t;
      clock += 15_000;
      s.advance({ stacks: 3 });
    }
    // stale within refresh period + allowance + one poll of the failure starting
    expect(staleAfter).not.toBeNull();
    expect(staleAfter!).toBeLessThanOrEqual(61 + 15 + (61 + 2 * 15 + 5) + 15);
    expect(await behindGauge()).toBeGreaterThan(61 + 2 * 15 + 5);
  });
});
