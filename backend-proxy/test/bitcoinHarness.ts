// The bitcoind simulator and a bitcoin source pointed at it over real sockets, set up the way the
// bitcoin suites share: regtest, source id `btc`, both closed after the test.
import type { DataFrameJSON } from '@nodescope/shared';
import { expect } from 'vitest';
import {
  startBitcoinSimulator,
  type BitcoinSimulator,
  type BitcoinSimulatorOptions,
} from '../src/simulators/bitcoin/index.js';
import { bitcoinConfigSchema } from '../src/sources/bitcoin/config.js';
import { createBitcoinSource } from '../src/sources/bitcoin/index.js';
import type { QueryInput, Source } from '../src/sources/types.js';
import { createTestContext, HOUR_MS, queryInput, type CleanupList, type TestContext } from './helpers.js';

/** RPC timing short enough that a fault shows in health, and clears again, within one test. */
export const FAST_RPC = { timeoutMs: 1_000, retries: 2, circuitOpenMs: 150 };

/** A peer row's geolocation columns when nothing was looked up or found. */
export const NO_GEOLOCATION = { lat: null, lon: null, country: null, city: null, asn: null, org: null };

/** Starts the simulator (regtest unless `options` say otherwise) and closes it after the test. */
export async function startRegtestSimulator(
  cleanups: CleanupList,
  options: BitcoinSimulatorOptions = {}
): Promise<BitcoinSimulator> {
  const sim = await startBitcoinSimulator({ network: 'regtest', ...options });
  cleanups.push(() => sim.close());
  return sim;
}

/** The simulator's RPC URL and the credentials it expects: its cookie file, or its rpcauth user and password. */
export function simulatorRpc(sim: BitcoinSimulator): Record<string, unknown> {
  if (sim.cookieFile) return { url: sim.rpcUrl, cookieFile: sim.cookieFile };
  const [user, ...password] = sim.credentials().split(':');
  return { url: sim.rpcUrl, user, password: password.join(':') };
}

/** The secret half of the simulator's current credentials (the cookie's password in cookie mode). */
export function rpcPassword(sim: BitcoinSimulator): string {
  return sim.credentials().split(':')[1]!;
}

/** A regtest bitcoin source `btc` (not started), stopped after the test; `config` goes on top. */
export function createRegtestSource(
  cleanups: CleanupList,
  ctx: TestContext,
  rpc: Record<string, unknown>,
  config: Record<string, unknown> = {}
): Source {
  const source = createBitcoinSource(
    bitcoinConfigSchema.parse({ id: 'btc', kind: 'bitcoin', network: 'regtest', rpc, ...config }),
    ctx
  );
  cleanups.push(() => source.stop());
  return source;
}

export interface BitcoinHarness {
  sim: BitcoinSimulator;
  ctx: TestContext;
  source: Source;
}

export interface BitcoinHarnessOptions {
  simulator?: BitcoinSimulatorOptions;
  /** the simulator publishes the mempool sequence over ZMQ and the source subscribes to it */
  zmq?: boolean;
  /** on top of the simulator's URL and credentials and FAST_RPC */
  rpc?: Record<string, unknown>;
  /** on top of id, kind, network, rpc (and zmq) */
  config?: Record<string, unknown>;
  /** a fresh test context when omitted */
  ctx?: TestContext;
  /** start the source's poll loops (default true) */
  start?: boolean;
}

/** A simulator and a source on it, both closed after the test. */
export async function startBitcoinHarness(
  cleanups: CleanupList,
  options: BitcoinHarnessOptions = {}
): Promise<BitcoinHarness> {
  const sim = await startRegtestSimulator(cleanups, { ...(options.zmq ? { zmqPort: 0 } : {}), ...options.simulator });
  const ctx = options.ctx ?? createTestContext();
  const source = createRegtestSource(
    cleanups,
    ctx,
    { ...simulatorRpc(sim), ...FAST_RPC, ...options.rpc },
    { ...(options.zmq ? { zmq: { sequence: sim.zmqSequenceEndpoint } } : {}), ...options.config }
  );
  if (options.start !== false) await source.start();
  return { sim, ctx, source };
}

/** Runs query `name` over the last hour; `aheadMs` lets in a live row stamped after the request. */
export async function queryFrames(
  source: Source,
  name: string,
  params: QueryInput['params'] = {},
  aheadMs = 0
): Promise<DataFrameJSON[]> {
  const handler = source.queries[name];
  if (!handler) throw new Error(`no query ${name}`);
  const now = Date.now();
  return handler(queryInput({ from: now - HOUR_MS, to: now + aheadMs }, params));
}

/** Runs query `name` over the last hour and expects exactly one frame. */
export async function queryFrame(
  source: Source,
  name: string,
  params: QueryInput['params'] = {}
): Promise<DataFrameJSON> {
  const frames = await queryFrames(source, name, params);
  expect(frames).toHaveLength(1);
  return frames[0]!;
}
