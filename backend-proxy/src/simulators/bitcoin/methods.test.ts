import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type BitcoinSimulator, startBitcoinSimulator } from './index.js';
import { rpc, startForSuite } from './testkit.js';

const HEX64 = /^[0-9a-f]{64}$/;

interface PeerJson {
  network: string;
  addr: string;
  inbound: boolean;
  bytessent: number;
  bytesrecv: number;
  [key: string]: unknown;
}
interface EntryJson {
  vsize: number;
  weight: number;
  ancestorcount: number;
  ancestorsize: number;
  depends: string[];
  spentby: string[];
  fees: { base: number; modified: number; ancestor: number; descendant: number };
  [key: string]: unknown;
}

describe('bitcoind simulator: read-only methods (mainnet profile)', () => {
  let sim: BitcoinSimulator;
  let clock = Date.UTC(2026, 10, 23, 12, 0, 0);
  startForSuite(async () => (sim = await startBitcoinSimulator({ network: 'mainnet', seed: 42, initialMempool: 800, now: () => clock })));

  it('getblockchaininfo has Core 28 fields, warnings as an array', async () => {
    const info = await rpc<Record<string, unknown>>(sim, 'getblockchaininfo');
    expect(Object.keys(info)).toEqual([
      'chain',
      'blocks',
      'headers',
      'bestblockhash',
      'difficulty',
      'time',
      'mediantime',
      'verificationprogress',
      'initialblockdownload',
      'chainwork',
      'size_on_disk',
      'pruned',
      'warnings',
    ]);
    expect(info.chain).toBe('main');
    expect(info.blocks).toBe(840_000);
    expect(info.bestblockhash).toMatch(/^0{19}[1-3][0-9a-f]{44}$/);
    expect(info.chainwork).toMatch(HEX64);
    expect(info.warnings).toEqual([]);
    expect(info.verificationprogress as number).toBeGreaterThan(0.999);
    expect(info.verificationprogress as number).toBeLessThanOrEqual(1);
  });

  it('starts from the real mainnet genesis block', async () => {
    const hash = await rpc<string>(sim, 'getblockhash', [0]);
    expect(hash).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    const block = await rpc<Record<string, unknown>>(sim, 'getblock', [hash]);
    expect(block).toMatchObject({
      height: 0,
      time: 1231006505,
      nonce: 2083236893,
      bits: '1d00ffff',
      difficulty: 1,
      merkleroot: '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b',
      size: 285,
      nTx: 1,
    });
    expect(block.previousblockhash).toBeUndefined();
    // the serialized header is the real one: its double SHA-256, reversed, is the genesis hash
    const header = Buffer.from(await rpc<string>(sim, 'getblockheader', [hash, false]), 'hex');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest();
    expect(
      Buffer.from(sha(sha(header)))
        .reverse()
        .toString('hex')
    ).toBe(hash);
    expect(
      (await rpc<Record<string, unknown>>(sim, 'getblockheader', [await rpc(sim, 'getblockhash', [1])]))
        .previousblockhash
    ).toBe(hash);
  });

  it('links blocks: previousblockhash, nextblockhash, confirmations, median time', async () => {
    const tip = await rpc<string>(sim, 'getbestblockhash');
    const header = await rpc<Record<string, unknown>>(sim, 'getblockheader', [tip]);
    expect(header.confirmations).toBe(1);
    expect(header.nextblockhash).toBeUndefined();
    const prev = await rpc<Record<string, unknown>>(sim, 'getblockheader', [header.previousblockhash]);
    expect(prev.height).toBe(839_999);
    expect(prev.nextblockhash).toBe(tip);
    expect(prev.confirmations).toBe(2);
    expect(await rpc(sim, 'getblockhash', [839_999])).toBe(header.previousblockhash);
    expect(header.mediantime as number).toBeLessThanOrEqual((header.time as number) + 7200);
    expect(header.bits).toBe('17030ecd');
    expect(header.difficulty as number).toBeGreaterThan(1e13);
  });

  it('serializes an 80-byte header whose prev-hash field is the reversed previousblockhash', async () => {
    const tip = await rpc<string>(sim, 'getbestblockhash');
    const hex = await rpc<string>(sim, 'getblockheader', [tip, false]);
    const header = await rpc<Record<string, string>>(sim, 'getblockheader', [tip]);
    expect(hex).toHaveLength(160);
    expect(Buffer.from(hex.slice(8, 72), 'hex').reverse().toString('hex')).toBe(header.previousblockhash);
    expect(Buffer.from(hex.slice(72, 136), 'hex').reverse().toString('hex')).toBe(header.merkleroot);
  });

  it('getblock: verbosity 0 hex, 1 txids, 2 transaction objects; unknown hash -5', async () => {
    const hash = sim.mineBlock();
    const v1 = await rpc<Record<string, unknown>>(sim, 'getblock', [hash]);
    const txids = v1.tx as string[];
    expect(txids.length).toBe(v1.nTx);
    expect(txids.every((t) => HEX64.test(t))).toBe(true);
    expect(v1.weight).toBe((v1.strippedsize as number) * 3 + (v1.size as number));
    expect(v1.weight as number).toBeLessThanOrEqual(4_000_000);
    const raw = await rpc<string>(sim, 'getblock', [hash, 0]);
    expect(raw.length).toBe((v1.size as number) * 2);
    const v2 = await rpc<Record<string, unknown>>(sim, 'getblock', [hash, 2]);
    const [coinbase, first] = v2.tx as Array<Record<string, unknown>>;
    expect(coinbase?.txid).toBe(txids[0]);
    expect(coinbase?.fee).toBeUndefined();
    expect(first).toMatchObject({ txid: txids[1], version: 2 });
    expect(typeof first?.fee).toBe('number');
    expect(await rpc(sim, 'getblock', [hash, false])).toBe(raw);
    await expect(rpc(sim, 'getblock', ['00'.repeat(32)])).rejects.toMatchObject({
      code: -5,
      message: 'Block not found',
    });
    await expect(rpc(sim, 'getblock', ['xyz'])).rejects.toMatchObject({
      code: -8,
      message: "blockhash must be of length 64 (not 3, for 'xyz')",
    });
  });

  it('getblockstats: all fields, fee-rate percentiles ordered, selected stats only, bad stat -8', async () => {
    const height = sim.tipHeight();
    const stats = await rpc<Record<string, unknown>>(sim, 'getblockstats', [height]);
    expect(Object.keys(stats)).toEqual([
      'avgfee',
      'avgfeerate',
      'avgtxsize',
      'blockhash',
      'feerate_percentiles',
      'height',
      'ins',
      'maxfee',
      'maxfeerate',
      'maxtxsize',
      'medianfee',
      'mediantime',
      'mediantxsize',
      'minfee',
      'minfeerate',
      'mintxsize',
      'outs',
      'subsidy',
      'swtotal_size',
      'swtotal_weight',
      'swtxs',
      'time',
      'total_out',
      'total_size',
      'total_weight',
      'totalfee',
      'txs',
      'utxo_increase',
      'utxo_size_inc',
      'utxo_increase_actual',
      'utxo_size_inc_actual',
    ]);
    const p = stats.feerate_percentiles as number[];
    expect(p).toHaveLength(5);
    expect([...p].sort((a, b) => a - b)).toEqual(p);
    expect(stats.subsidy).toBe(312_500_000);
    const block = await rpc<{ tx: string[]; hash: string }>(sim, 'getblock', [stats.blockhash]);
    expect(stats.txs).toBe(block.tx.length);
    // totals come from the same transactions the block lists: compare with getblock verbosity 2
    const v2 = await rpc<{ tx: Array<{ fee?: number; size: number; weight: number }> }>(sim, 'getblock', [
      stats.blockhash,
      2,
    ]);
    const fees = v2.tx.slice(1).reduce((s, t) => s + Math.round((t.fee ?? 0) * 1e8), 0);
    expect(stats.totalfee).toBe(fees);
    expect(stats.total_weight).toBe(v2.tx.slice(1).reduce((s, t) => s + t.weight, 0));
    expect(await rpc(sim, 'getblockstats', [block.hash, ['txs', 'height']])).toEqual({ height, txs: block.tx.length });
    await expect(rpc(sim, 'getblockstats', [height, ['nope']])).rejects.toMatchObject({
      code: -8,
      message: "Invalid selected statistic 'nope'",
    });
    await expect(rpc(sim, 'getblockstats', [height + 5])).rejects.toMatchObject({
      code: -8,
      message: `Target block height ${height + 5} after current tip ${height}`,
    });
  });

  it('getrawmempool: list, verbose map, {txids, mempool_sequence}, and the -8 for both flags', async () => {
    const list = await rpc<string[]>(sim, 'getrawmempool');
    expect(list.sort()).toEqual(sim.mempoolTxids().sort());
    const withSeq = await rpc<{ txids: string[]; mempool_sequence: number }>(sim, 'getrawmempool', [false, true]);
    expect(withSeq.mempool_sequence).toBe(sim.mempoolSequence());
    expect(withSeq.txids).toHaveLength(list.length);
    const verbose = await rpc<Record<string, { vsize: number }>>(sim, 'getrawmempool', [true]);
    expect(Object.keys(verbose)).toHaveLength(list.length);
    await expect(rpc(sim, 'getrawmempool', [true, true])).rejects.toMatchObject({
      code: -8,
      message: 'Verbose results cannot contain mempool sequence values.',
    });
  });

  it('getmempoolinfo agrees with the mempool', async () => {
    const info = await rpc<Record<string, unknown>>(sim, 'getmempoolinfo');
    const entries = [...sim.mempoolEntries().values()];
    expect(info.size).toBe(entries.length);
    expect(info.bytes).toBe(entries.reduce((s, e) => s + e.vsize, 0));
    expect(info.total_fee).toBeCloseTo(
      entries.reduce((s, e) => s + e.fee, 0),
      8
    );
    expect(info).toMatchObject({
      loaded: true,
      maxmempool: 300_000_000,
      mempoolminfee: 0.00001,
      minrelaytxfee: 0.00001,
      fullrbf: true,
    });
  });

  it('estimatesmartfee: targets 1..1008, blocks >= 2, lower rate for longer targets, mode checked', async () => {
    const fast = await rpc<{ feerate: number; blocks: number }>(sim, 'estimatesmartfee', [1]);
    expect(fast.blocks).toBe(2);
    const slow = await rpc<{ feerate: number; blocks: number }>(sim, 'estimatesmartfee', [144, 'ECONOMICAL']);
    expect(slow.blocks).toBe(144);
    expect(slow.feerate).toBeLessThanOrEqual(fast.feerate);
    expect(slow.feerate).toBeGreaterThanOrEqual(0.00001);
    const conservative = await rpc<{ feerate: number }>(sim, 'estimatesmartfee', [6, 'conservative']);
    const economical = await rpc<{ feerate: number }>(sim, 'estimatesmartfee', [6, 'economical']);
    expect(conservative.feerate).toBeGreaterThanOrEqual(economical.feerate);
    // Core 28 made economical the default mode
    expect(await rpc(sim, 'estimatesmartfee', [6])).toEqual(economical);
    await expect(rpc(sim, 'estimatesmartfee', [0])).rejects.toMatchObject({
      code: -8,
      message: 'Invalid conf_target, must be between 1 and 1008',
    });
    await expect(rpc(sim, 'estimatesmartfee', [6, 'fast'])).rejects.toMatchObject({ code: -8 });
  });

  it('getpeerinfo: every network type, Core 28 fields, traffic that grows with time', async () => {
    const peers = await rpc<PeerJson[]>(sim, 'getpeerinfo');
    expect(peers).toHaveLength(12);
    expect(new Set(peers.map((p) => p.network))).toEqual(
      new Set(['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns', 'not_publicly_routable'])
    );
    for (const p of peers) {
      for (const key of [
        'id',
        'addr',
        'network',
        'services',
        'bytessent',
        'bytesrecv',
        'conntime',
        'pingtime',
        'version',
        'subver',
        'inbound',
        'synced_headers',
        'synced_blocks',
        'connection_type',
        'transport_protocol_type',
      ])
        expect(p, key).toHaveProperty(key);
    }
    expect(peers.find((p) => p.network === 'onion')?.addr).toMatch(/^[a-z2-7]{56}\.onion:8333$/);
    expect(peers.find((p) => p.network === 'i2p')?.addr).toMatch(/^[a-z2-7]{52}\.b32\.i2p:0$/);
    expect(peers.find((p) => p.network === 'cjdns')?.addr).toMatch(/^\[fc[0-9a-f]{2}:/);
    expect(
      peers
        .filter((p) => p.network === 'not_publicly_routable')
        .map((p) => p.addr)
        .join(' ')
    ).toMatch(/(10\.|192\.168\.)/);
    expect(peers.some((p) => p.inbound)).toBe(true);
    const totals1 = await rpc<{ totalbytesrecv: number; totalbytessent: number }>(sim, 'getnettotals');
    clock += 10_000;
    const peers2 = await rpc<PeerJson[]>(sim, 'getpeerinfo');
    const totals2 = await rpc<{ totalbytesrecv: number; totalbytessent: number; timemillis: number }>(
      sim,
      'getnettotals'
    );
    expect(totals2.totalbytesrecv).toBeGreaterThan(totals1.totalbytesrecv);
    expect(totals2.totalbytessent).toBeGreaterThan(totals1.totalbytessent);
    expect(totals2.timemillis).toBe(clock);
    expect(peers2[0]?.bytessent).toBeGreaterThan(peers[0]?.bytessent ?? Infinity);
    const sum = peers2.reduce((s, p) => s + p.bytesrecv, 0);
    expect(totals2.totalbytesrecv).toBeGreaterThanOrEqual(sum);
  });

  it('small status methods', async () => {
    const net = await rpc<Record<string, unknown>>(sim, 'getnetworkinfo');
    expect(Object.keys(net)).toEqual([
      'version',
      'subversion',
      'protocolversion',
      'localservices',
      'localservicesnames',
      'localrelay',
      'timeoffset',
      'connections',
      'connections_in',
      'connections_out',
      'networkactive',
      'networks',
      'relayfee',
      'incrementalfee',
      'localaddresses',
      'warnings',
    ]);
    expect(net).toMatchObject({
      version: 280000,
      subversion: '/Satoshi:28.0.0/',
      connections: 12,
      relayfee: 0.00001,
      warnings: [],
    });
    expect(await rpc(sim, 'getconnectioncount')).toBe(12);
    expect(await rpc(sim, 'getblockcount')).toBe(sim.tipHeight());
    expect(await rpc(sim, 'getdifficulty')).toBeGreaterThan(1e13);
    expect(await rpc<number>(sim, 'getnetworkhashps')).toBeGreaterThan(1e20);
    // Core 28 refuses nblocks 0 and heights past the tip (bitcoin/bitcoin@a05987d:src/rpc/mining.cpp:63-68)
    await expect(rpc(sim, 'getnetworkhashps', [0])).rejects.toMatchObject({
      code: -8,
      message: 'Invalid nblocks. Must be a positive number or -1.',
    });
    await expect(rpc(sim, 'getnetworkhashps', [120, -2])).rejects.toMatchObject({
      code: -8,
      message: 'Block does not exist at specified height',
    });
    expect(await rpc<number>(sim, 'getnetworkhashps', [-1])).toBeGreaterThan(0);
    const mining = await rpc<Record<string, unknown>>(sim, 'getmininginfo');
    expect(mining).toMatchObject({ blocks: sim.tipHeight(), chain: 'main', pooledtx: sim.mempoolTxids().length });
    expect(await rpc(sim, 'uptime')).toBeGreaterThanOrEqual(0);
    expect(await rpc(sim, 'getindexinfo')).toEqual({ txindex: { synced: true, best_block_height: sim.tipHeight() } });
    expect(await rpc(sim, 'getindexinfo', ['coinstatsindex'])).toEqual({});
    expect(await rpc(sim, 'getzmqnotifications')).toEqual([]);
    const deployments = await rpc<{ deployments: Record<string, { active: boolean; height: number }> }>(
      sim,
      'getdeploymentinfo'
    );
    // Core 28 still runs taproot as BIP9 (bitcoin/bitcoin@a05987d:src/kernel/chainparams.cpp:113-116), reported by
    // SoftForkDescPushBack (src/rpc/blockchain.cpp:1197-1260): ACTIVE since its min_activation_height 709,632
    expect(deployments.deployments.taproot).toEqual({
      type: 'bip9',
      height: 709_632,
      active: true,
      bip9: {
        start_time: 1619222400,
        timeout: 1628640000,
        min_activation_height: 709_632,
        status: 'active',
        since: 709_632,
        status_next: 'active',
      },
    });
    // buried: type, active, height (blockchain.cpp:1189-1193); testdummy is NEVER_ACTIVE on mainnet, so absent
    expect(Object.keys(deployments.deployments)).toEqual(['bip34', 'bip66', 'bip65', 'csv', 'segwit', 'taproot']);
    expect(deployments.deployments.segwit).toEqual({ type: 'buried', active: true, height: 481_824 });
    expect(await rpc(sim, 'getmemoryinfo')).toHaveProperty('locked.used');
    expect(await rpc(sim, 'getmemoryinfo', ['mallocinfo'])).toMatch(/^<malloc/);
    await expect(rpc(sim, 'getmemoryinfo', ['bogus'])).rejects.toMatchObject({
      code: -8,
      message: 'unknown mode bogus',
    });
    const rpcInfo = await rpc<{ active_commands: Array<{ method: string }>; logpath: string }>(sim, 'getrpcinfo');
    expect(rpcInfo.active_commands[0]?.method).toBe('getrpcinfo');
    expect(rpcInfo.logpath.endsWith('/debug.log')).toBe(true);
  });

  it('getchaintxstats and listbanned', async () => {
    const stats = await rpc<Record<string, number | string>>(sim, 'getchaintxstats');
    expect(Object.keys(stats)).toEqual([
      'time',
      'txcount',
      'window_final_block_hash',
      'window_final_block_height',
      'window_block_count',
      'window_tx_count',
      'window_interval',
      'txrate',
    ]);
    expect(stats.window_block_count).toBe(4320);
    expect(stats.window_final_block_hash).toBe(sim.tipHash());
    expect(stats.txcount as number).toBeGreaterThan(stats.window_tx_count as number);
    expect(stats.txrate as number).toBeGreaterThan(0);
    const before = await rpc<{ txcount: number }>(sim, 'getchaintxstats', [0]);
    sim.addTransactions(20);
    const block = await rpc<{ nTx: number }>(sim, 'getblock', [sim.mineBlock()]);
    expect((await rpc<{ txcount: number }>(sim, 'getchaintxstats', [0])).txcount).toBe(before.txcount + block.nTx);
    await expect(rpc(sim, 'getchaintxstats', [-1])).rejects.toMatchObject({ code: -8 });
    const bans = await rpc<Array<Record<string, unknown>>>(sim, 'listbanned');
    expect(Object.keys(bans[0] ?? {})).toEqual([
      'address',
      'ban_created',
      'banned_until',
      'ban_duration',
      'time_remaining',
    ]);
  });

  it('reorg leaves a valid-fork tip in getchaintips and stale blocks at -1 confirmations', async () => {
    const oldTip = sim.tipHash();
    const oldHeight = sim.tipHeight();
    const hashes = sim.reorg(2);
    expect(hashes).toHaveLength(3);
    expect(sim.tipHeight()).toBe(oldHeight + 1);
    const tips = await rpc<Array<Record<string, unknown>>>(sim, 'getchaintips');
    expect(tips[0]).toEqual({ height: oldHeight + 1, hash: hashes[2], branchlen: 0, status: 'active' });
    expect(tips).toContainEqual({ height: oldHeight, hash: oldTip, branchlen: 2, status: 'valid-fork' });
    expect((await rpc<Record<string, unknown>>(sim, 'getblockheader', [oldTip])).confirmations).toBe(-1);
    expect(await rpc(sim, 'getblockhash', [oldHeight])).toBe(hashes[1]);
  });
});

describe('bitcoind simulator: generated mempool', () => {
  let sim: BitcoinSimulator;
  startForSuite(async () => (sim = await startBitcoinSimulator({ seed: 11, initialMempool: 3000 })));

  it('getmempoolentry: Core field order, fees in BTC, ancestor/descendant packages with CPFP links', async () => {
    const entries = sim.mempoolEntries();
    const child = [...entries].find(([, e]) => e.depends.length > 0);
    expect(child, 'the generator makes some CPFP children').toBeDefined();
    const [childId, childEntry] = child as [string, { depends: string[] }];
    const parentId = childEntry.depends[0] as string;
    const e = await rpc<EntryJson>(sim, 'getmempoolentry', [childId]);
    expect(Object.keys(e)).toEqual([
      'vsize',
      'weight',
      'time',
      'height',
      'descendantcount',
      'descendantsize',
      'ancestorcount',
      'ancestorsize',
      'wtxid',
      'fees',
      'depends',
      'spentby',
      'bip125-replaceable',
      'unbroadcast',
    ]);
    expect(Object.keys(e.fees)).toEqual(['base', 'modified', 'ancestor', 'descendant']);
    expect(e.depends).toContain(parentId);
    expect(e.ancestorcount).toBeGreaterThanOrEqual(2);
    const parent = await rpc<EntryJson>(sim, 'getmempoolentry', [parentId]);
    expect(parent.spentby).toContain(childId);
    expect(e.ancestorsize).toBe(
      e.vsize +
        (await rpc<Record<string, EntryJson>>(sim, 'getmempoolancestors', [childId, true]).then((m) =>
          Object.values(m).reduce((s, a) => s + a.vsize, 0)
        ))
    );
    expect(Math.round(e.fees.ancestor * 1e8)).toBeGreaterThan(Math.round(e.fees.base * 1e8));
    expect(e.vsize).toBe(Math.ceil(e.weight / 4));
    await expect(rpc(sim, 'getmempoolentry', ['ab'.repeat(32)])).rejects.toMatchObject({
      code: -5,
      message: 'Transaction not in mempool',
    });
  });

  it('has a realistic fee-rate mix: most below 5 sat/vB, a body to 50, a tail beyond 200', () => {
    const rates = [...sim.mempoolEntries().values()]
      .filter((e) => e.depends.length === 0)
      .map((e) => (e.fee * 1e8) / e.vsize);
    const share = (lo: number, hi: number) => rates.filter((r) => r >= lo && r < hi).length / rates.length;
    expect(share(1, 5)).toBeGreaterThan(0.3);
    expect(share(5, 50)).toBeGreaterThan(0.25);
    expect(share(200, Infinity)).toBeGreaterThan(0.005);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(1);
    const sizes = [...sim.mempoolEntries().values()].map((e) => e.vsize);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...sizes)).toBeGreaterThan(1500);
  });
});

describe('bitcoind simulator: regtest fee estimation', () => {
  // CBlockPolicyEstimator::estimateSmartFee / MaxUsableEstimate, bitcoin/bitcoin@a05987d:src/policy/fees.cpp:
  // 794-798, 867-893: the target is capped at half the block span recorded since the first block with
  // transactions; `blocks` is that capped target, also in the error answer; at 1 or less there is no estimate
  it('reports insufficient data until the estimator has recorded a span of 4 blocks, then caps the target', async () => {
    const sim = await startBitcoinSimulator({ seed: 3 });
    try {
      // nothing recorded: span 0, blocks 0 (what a fresh regtest node answers)
      expect(await rpc(sim, 'estimatesmartfee', [6])).toEqual({
        errors: ['Insufficient data or no feerate found'],
        blocks: 0,
      });
      // first block with transactions at height h: span tip - h; 3 such blocks give span 2, cap 1: still none
      for (let i = 0; i < 3; i++) {
        sim.addTransactions(20);
        sim.mineBlock();
      }
      expect(await rpc(sim, 'estimatesmartfee', [6])).toEqual({
        errors: ['Insufficient data or no feerate found'],
        blocks: 1,
      });
      // span 4: cap 2, so a target of 6 is answered for 2 blocks
      sim.addTransactions(20);
      sim.mineBlock();
      sim.addTransactions(20);
      sim.mineBlock();
      let estimate = await rpc<{ feerate: number; blocks: number }>(sim, 'estimatesmartfee', [6]);
      expect(estimate.feerate).toBeGreaterThanOrEqual(0.00001);
      expect(estimate.blocks).toBe(2);
      // span 12: cap 6
      for (let i = 0; i < 8; i++) sim.mineBlock();
      estimate = await rpc<{ feerate: number; blocks: number }>(sim, 'estimatesmartfee', [6]);
      expect(estimate.blocks).toBe(6);
      expect((await rpc<{ blocks: number }>(sim, 'estimatesmartfee', [1])).blocks).toBe(2);
    } finally {
      await sim.close();
    }
  });
});
