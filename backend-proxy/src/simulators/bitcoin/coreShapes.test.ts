import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_ONLY_METHODS } from '../../sources/bitcoin/client.js';
import { HASHPS_BLOCKS, SMART_FEE_METRIC_TARGETS } from '../../sources/bitcoin/metrics.js';
import { BLOCK_STATS_FIELDS, FEE_MODES, FEE_TARGETS } from '../../sources/bitcoin/model.js';
import { type BitcoinSimulator, startBitcoinSimulator } from './index.js';
import { type RpcResultDoc, resultMismatches } from './rpcResultCheck.js';
import { CORE_SHAPES_COMMIT, METHODS } from './rpc.js';
import { rpc } from './testkit.js';

/**
 * Every read-only method the simulator serves, checked against the result shape Bitcoin Core 28
 * declares for it in its source (RPCHelpMan / RPCResult), extracted into
 * test/fixtures/bitcoin-core/rpc-results-v28.json (provenance in the README beside it).
 * The check is Core's own -rpcdoccheck rule (RPCResult::MatchesType, see rpcResultCheck.ts):
 * each non-optional key present with its JSON type, no key Core does not declare.
 */

interface CoreFixture {
  core: string;
  methods: Record<string, { source: string; results: RpcResultDoc[] }>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/bitcoin-core/rpc-results-v28.json', import.meta.url), 'utf8')
) as CoreFixture;

/** the declared result for one call: by the condition text Core gives it, or its only result */
function declared(method: string, condition?: string): RpcResultDoc {
  const entry = fixture.methods[method];
  if (!entry) throw new Error(`no Core declaration extracted for ${method}`);
  const result = condition === undefined ? entry.results[0] : entry.results.find((r) => r.condition === condition);
  if (!result || (condition === undefined && entry.results.length !== 1))
    throw new Error(`${method}: pick one of ${entry.results.map((r) => JSON.stringify(r.condition)).join(', ')}`);
  return result;
}

async function expectCoreShape(sim: BitcoinSimulator, method: string, params: unknown[], condition?: string) {
  const answer = await rpc(sim, method, params);
  const problems = resultMismatches(declared(method, condition), answer);
  expect(problems, `${method}(${JSON.stringify(params)}) vs ${fixture.methods[method]?.source}`).toEqual([]);
  return answer;
}

describe('rpcResultCheck: MatchesType rules (bitcoin/bitcoin@a05987d:src/rpc/util.cpp:1136)', () => {
  const doc: RpcResultDoc = {
    type: 'OBJ',
    key: '',
    optional: false,
    inner: [
      { type: 'NUM', key: 'blocks', optional: false, inner: [] },
      { type: 'STR_AMOUNT', key: 'fee', optional: true, inner: [] },
      { type: 'ARR', key: 'warnings', optional: false, inner: [{ type: 'STR', key: '', optional: false, inner: [] }] },
      {
        type: 'OBJ_DYN',
        key: 'per_msg',
        optional: true,
        inner: [{ type: 'NUM', key: 'msg', optional: false, inner: [] }],
      },
    ],
  };
  it('accepts a conforming answer, with or without optional keys', () => {
    expect(resultMismatches(doc, { blocks: 1, warnings: [] })).toEqual([]);
    expect(resultMismatches(doc, { blocks: 1, fee: 0.0001, warnings: ['x'], per_msg: { ping: 32 } })).toEqual([]);
  });
  it('reports a missing key, an undeclared key and wrong types, as bitcoind would', () => {
    expect(resultMismatches(doc, { warnings: '', extra: 1, per_msg: { ping: '32' } })).toEqual([
      '$.extra: key returned that was not in doc',
      '$.blocks: key missing, despite not being optional in doc',
      '$.warnings: returned type is string, but declared as array (ARR)',
      '$.per_msg.ping: returned type is string, but declared as number (NUM)',
    ]);
    expect(resultMismatches(doc, [])).toEqual(['$: returned type is array, but declared as object (OBJ)']);
  });
  it('does not look into an elided object, and reuses the last array doc for extra elements', () => {
    const elided: RpcResultDoc = {
      type: 'OBJ',
      key: '',
      optional: false,
      inner: [{ type: 'ELISION', key: '', optional: false, inner: [] }],
    };
    expect(resultMismatches(elided, { anything: 1 })).toEqual([]);
    const arr: RpcResultDoc = {
      type: 'ARR',
      key: '',
      optional: false,
      inner: [{ type: 'STR_HEX', key: '', optional: false, inner: [] }],
    };
    expect(resultMismatches(arr, ['aa', 'bb', 3])).toEqual([
      '$[2]: returned type is number, but declared as string (STR_HEX)',
    ]);
  });
});

describe('the fixture covers what the proxy may ask', () => {
  it('has a Core declaration, with its source line, for every allow-listed method', () => {
    expect(fixture.core).toBe('bitcoin/bitcoin@a05987defdd2c7400f6057953535f76aeb52fa28');
    for (const method of READ_ONLY_METHODS) {
      expect(fixture.methods[method]?.source, method).toMatch(
        /^bitcoin\/bitcoin@a05987defdd2c7400f6057953535f76aeb52fa28:src\/(rpc|zmq)\/\w+\.cpp:\d+$/
      );
    }
    expect(Object.keys(fixture.methods).sort()).toEqual([...READ_ONLY_METHODS].sort());
  });
  it('the simulator serves exactly those methods and cites, per method, the Core line the fixture came from', () => {
    expect(Object.keys(METHODS).sort()).toEqual(Object.keys(fixture.methods).sort());
    for (const [method, spec] of Object.entries(METHODS)) {
      expect(`bitcoin/bitcoin@${CORE_SHAPES_COMMIT}:${spec.shape}`, method).toBe(fixture.methods[method]?.source);
    }
  });
  it('spot check against the source by hand: getmempoolinfo (mempool.cpp:691-704), getmininginfo (mining.cpp:417-431)', () => {
    const mempool = declared('getmempoolinfo');
    expect(mempool.inner.map((d) => `${d.key}:${d.type}`)).toEqual([
      'loaded:BOOL',
      'size:NUM',
      'bytes:NUM',
      'usage:NUM',
      'total_fee:STR_AMOUNT',
      'maxmempool:NUM',
      'mempoolminfee:STR_AMOUNT',
      'minrelaytxfee:STR_AMOUNT',
      'incrementalrelayfee:NUM',
      'unbroadcastcount:NUM',
      'fullrbf:BOOL',
    ]);
    const mining = declared('getmininginfo');
    expect(mining.inner.filter((d) => d.optional).map((d) => d.key)).toEqual(['currentblockweight', 'currentblocktx']);
    // without -deprecatedrpc=warnings Core 28 answers warnings as an array of strings
    expect(mining.inner.find((d) => d.key === 'warnings')?.type).toBe('ARR');
  });
});

describe('bitcoind simulator answers in Core 28 shapes (mainnet profile)', () => {
  let sim: BitcoinSimulator;
  let clock = Date.UTC(2026, 10, 23, 12, 0, 0);
  beforeAll(async () => {
    sim = await startBitcoinSimulator({
      network: 'mainnet',
      seed: 7,
      initialMempool: 800,
      zmqPort: 0,
      now: () => clock,
    });
    sim.mineBlock();
    sim.addTransactions(200);
    clock += 60_000;
  });
  afterAll(() => sim.close());

  it('chain and node state: the calls of the fast and slow poll loops (state.ts)', async () => {
    const withoutParams = [
      'getblockchaininfo',
      'getmempoolinfo',
      'getnettotals',
      'getnetworkinfo',
      'uptime',
      'getpeerinfo',
      'getconnectioncount',
      'getchaintips',
      'getchaintxstats',
      'getrpcinfo',
      'listbanned',
      'getmininginfo',
      'getdifficulty',
      'getblockcount',
      'getbestblockhash',
      'getzmqnotifications',
      'getindexinfo',
      'getdeploymentinfo',
    ];
    for (const method of withoutParams) await expectCoreShape(sim, method, []);
    for (const mode of ['stats', 'mallocinfo']) await expectCoreShape(sim, 'getmemoryinfo', [mode], `mode "${mode}"`);
    for (const n of [...HASHPS_BLOCKS, 120]) await expectCoreShape(sim, 'getnetworkhashps', [n]);
    for (const mode of FEE_MODES)
      for (const target of FEE_TARGETS) await expectCoreShape(sim, 'estimatesmartfee', [target, mode]);
    for (const target of SMART_FEE_METRIC_TARGETS)
      await expectCoreShape(sim, 'estimatesmartfee', [target, 'ECONOMICAL']);
  });

  it('blocks: header, block at each verbosity the proxy and its raw queries use, block stats', async () => {
    const tip = (await expectCoreShape(sim, 'getbestblockhash', [])) as string;
    const height = (await expectCoreShape(sim, 'getblockcount', [])) as number;
    const parent = (await expectCoreShape(sim, 'getblockhash', [height - 1])) as string;
    // tip: no nextblockhash; parent: both neighbours (optional keys on both sides)
    await expectCoreShape(sim, 'getblockheader', [tip, true], 'for verbose = true');
    await expectCoreShape(sim, 'getblockheader', [parent, true], 'for verbose = true');
    await expectCoreShape(sim, 'getblockheader', [tip, false], 'for verbose=false');
    await expectCoreShape(sim, 'getblock', [tip, 0], 'for verbosity = 0');
    await expectCoreShape(sim, 'getblock', [tip, 1], 'for verbosity = 1');
    // Core elides verbosity 2's transaction objects ("format of getrawtransaction"): only the outer keys are checked
    await expectCoreShape(sim, 'getblock', [tip, 2], 'for verbosity = 2');
    await expectCoreShape(sim, 'getblockstats', [height, [...BLOCK_STATS_FIELDS]]);
    await expectCoreShape(sim, 'getblockstats', [tip]);
    // selected stats come back in std::set<std::string> order (bitcoin/bitcoin@a05987d:src/rpc/blockchain.cpp:1878,
    // :2055): byte order, whatever order they were asked in
    const picked = (await rpc(sim, 'getblockstats', [
      height,
      ['utxo_size_inc', 'utxo_increase_actual', 'totalfee', 'height', 'total_out'],
    ])) as Record<string, unknown>;
    expect(Object.keys(picked)).toEqual(['height', 'total_out', 'totalfee', 'utxo_increase_actual', 'utxo_size_inc']);
  });

  it('mempool: snapshot with sequence (mempoolSync.ts), entries and their relatives', async () => {
    await expectCoreShape(sim, 'getrawmempool', [false, true], 'for verbose = false and mempool_sequence = true');
    const txids = (await expectCoreShape(sim, 'getrawmempool', [], 'for verbose = false')) as string[];
    const verbose = (await expectCoreShape(sim, 'getrawmempool', [true], 'for verbose = true')) as Record<
      string,
      { depends: string[] }
    >;
    const child = Object.keys(verbose).find((txid) => (verbose[txid]?.depends.length ?? 0) > 0);
    expect(child, 'the seeded mempool holds a transaction with an in-mempool parent').toBeDefined();
    const parent = verbose[child as string]?.depends[0] as string;
    await expectCoreShape(sim, 'getmempoolentry', [txids[0]]);
    await expectCoreShape(sim, 'getmempoolentry', [child]);
    for (const verboseFlag of [false, true]) {
      const condition = verboseFlag ? 'for verbose = true' : 'for verbose = false';
      await expectCoreShape(sim, 'getmempoolancestors', [child, verboseFlag], condition);
      await expectCoreShape(sim, 'getmempooldescendants', [parent, verboseFlag], condition);
    }
  });
});

describe('bitcoind simulator answers in Core 28 shapes (regtest profile: forks, no fee data, bip9)', () => {
  let sim: BitcoinSimulator;
  beforeAll(async () => {
    sim = await startBitcoinSimulator({ network: 'regtest', seed: 3, initialMempool: 50 });
    sim.reorg(2);
  });
  afterAll(() => sim.close());

  it('fee estimates without data, a stale tip, the genesis header, the testdummy deployment, no ZMQ', async () => {
    const fee = (await expectCoreShape(sim, 'estimatesmartfee', [6, 'conservative'])) as Record<string, unknown>;
    expect(fee.errors).toEqual(['Insufficient data or no feerate found']);
    const tips = (await expectCoreShape(sim, 'getchaintips', [])) as unknown[];
    expect(tips.length).toBeGreaterThan(1);
    const genesis = (await expectCoreShape(sim, 'getblockhash', [0])) as string;
    const header = (await expectCoreShape(sim, 'getblockheader', [genesis], 'for verbose = true')) as Record<
      string,
      unknown
    >;
    expect(header).not.toHaveProperty('previousblockhash');
    const deployments = (await expectCoreShape(sim, 'getdeploymentinfo', [])) as {
      height: number;
      deployments: Record<string, unknown>;
    };
    // by hand from regtest chainparams (bitcoin/bitcoin@a05987d:src/kernel/chainparams.cpp:546-557) and
    // SoftForkDescPushBack / GetStateStatisticsFor (blockchain.cpp:1197-1260, versionbits.cpp:102-137):
    // testdummy STARTED since 144 (first period DEFINED), elapsed = 1 + height % 144, no block signals bit 28
    const h = deployments.height;
    expect(h).toBeGreaterThanOrEqual(144);
    const elapsed = 1 + (h % 144);
    expect(deployments.deployments.testdummy).toEqual({
      type: 'bip9',
      active: false,
      bip9: {
        bit: 28,
        start_time: 0,
        timeout: 9223372036854775807,
        min_activation_height: 0,
        status: 'started',
        since: 144,
        status_next: 'started',
        statistics: { period: 144, elapsed, count: 0, threshold: 108, possible: 36 >= elapsed },
        signalling: '-'.repeat(elapsed),
      },
    });
    // taproot ALWAYS_ACTIVE on regtest: since 0 (versionbits.cpp:143-145)
    expect(deployments.deployments.taproot).toEqual({
      type: 'bip9',
      height: 0,
      active: true,
      bip9: {
        start_time: -1,
        timeout: 9223372036854775807,
        min_activation_height: 0,
        status: 'active',
        since: 0,
        status_next: 'active',
      },
    });
    expect(deployments.deployments.segwit).toEqual({ type: 'buried', active: true, height: 0 });
    expect(await expectCoreShape(sim, 'getzmqnotifications', [])).toEqual([]);
    await expectCoreShape(sim, 'getchaintxstats', [10]);
    await expectCoreShape(sim, 'getblockchaininfo', []);
    await expectCoreShape(sim, 'getmininginfo', []);
  });
});
