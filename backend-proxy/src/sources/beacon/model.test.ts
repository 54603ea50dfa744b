// The Beacon API parsers and judgements against the API document itself
// (ethereum/beacon-APIs@7a58b5a44ceb6174162f75e1bb6666efbb6ec07f, "BA" below): the answers are
// built from its schemas and examples, every expected value worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  finalityEpochsBehind,
  headAgeSeconds,
  healthState,
  judgeNode,
  judgePair,
  parseFinality,
  parseGenesisTime,
  parseHeader,
  parsePeerCount,
  parseSpec,
  parseSyncing,
  parseVersion,
  syncPercentage,
  uint64,
  wallSlot,
  type BeaconView,
  type ChainTiming,
} from './model.js';

const ZERO = `0x${'0'.repeat(64)}`;
// BA types/primitive.yaml:66 (Root example)
const ROOT = '0xcf8e0d4e9587369b2301d0790347320302cc0943d5a1884560367e8208d920f2';

describe('Uint64: decimal strings (BA types/primitive.yaml:37-39 type: string, example "1")', () => {
  it('reads the spec form and refuses JSON numbers, hex, signs and leading zeros', () => {
    expect(uint64('1', 'x')).toBe(1);
    expect(uint64('0', 'x')).toBe(0);
    for (const bad of [1, '0x1', '-1', '+1', '01', '1.5', '', null])
      expect(() => uint64(bad, 'x')).toThrow(/decimal string/);
    expect(() => uint64('18446744073709551615', 'x')).toThrow(/beyond 2\^53/);
  });
});

describe('node endpoints', () => {
  it('syncing: the five required fields (BA apis/node/syncing.yaml:20-36)', () => {
    const sync = parseSyncing({
      data: { head_slot: '1', sync_distance: '1', is_syncing: true, is_optimistic: true, el_offline: false },
    });
    expect(sync).toEqual({ headSlot: 1, syncDistance: 1, isSyncing: true, isOptimistic: true, elOffline: false });
    // el_offline is required since the spec added it: an answer without it is refused, not read as false
    expect(() =>
      parseSyncing({ data: { head_slot: '1', sync_distance: '1', is_syncing: true, is_optimistic: true } })
    ).toThrow(/el_offline/);
  });

  it('peer_count: the document example 12/34/56/5 (BA apis/node/peer_count.yaml:21-32)', () => {
    expect(
      parsePeerCount({ data: { disconnected: '12', connecting: '34', connected: '56', disconnecting: '5' } })
    ).toEqual({
      disconnected: 12,
      connecting: 34,
      connected: 56,
      disconnecting: 5,
    });
  });

  it('version: the example string (BA types/primitive.yaml:18)', () => {
    expect(parseVersion({ data: { version: 'Lighthouse/v0.1.5 (Linux x86_64)' } })).toBe(
      'Lighthouse/v0.1.5 (Linux x86_64)'
    );
  });

  it('health: 200 ready, 206 syncing/optimistic/EL offline, 503 not ready (BA apis/node/health.yaml:16-24)', () => {
    expect(healthState(200)).toBe('ready');
    expect(healthState(206)).toBe('syncing');
    expect(healthState(503)).toBe('not_ready');
    // 400 is "Invalid syncing status code", an answer to a syncing_status we never send
    expect(() => healthState(400)).toThrow(/none of 200\/206\/503/);
  });
});

describe('head, finality, timing', () => {
  it('headers/head: slot and proposer from data.header.message; execution_optimistic false when absent (BA header.yaml:20-35, primitive.yaml:56)', () => {
    const answer = {
      execution_optimistic: true,
      finalized: false,
      data: {
        root: ROOT,
        canonical: true,
        header: {
          message: { slot: '1', proposer_index: '1', parent_root: ROOT, state_root: ROOT, body_root: ROOT },
          signature: '0x',
        },
      },
    };
    expect(parseHeader(answer)).toEqual({ slot: 1, root: ROOT, proposerIndex: 1, executionOptimistic: true });
    const { execution_optimistic: _dropped, ...withoutFlag } = answer;
    expect(parseHeader(withoutFlag).executionOptimistic).toBe(false);
  });

  it('finality_checkpoints: epoch 0 and ZERO_HASH before finality (BA finality_checkpoints.yaml:6,27-36)', () => {
    const zero = { epoch: '0', root: ZERO };
    expect(
      parseFinality({
        execution_optimistic: false,
        finalized: false,
        data: { previous_justified: zero, current_justified: zero, finalized: zero },
      })
    ).toEqual({
      previousJustified: { epoch: 0, root: ZERO },
      currentJustified: { epoch: 0, root: ZERO },
      finalized: { epoch: 0, root: ZERO },
    });
  });

  it('spec: SLOT_DURATION_MS preferred, SECONDS_PER_SLOT of older configs, quoted integers (BA apis/config/spec.yaml:10-13)', () => {
    const genesis = parseGenesisTime({
      data: { genesis_time: '1590832934', genesis_validators_root: ROOT, genesis_fork_version: '0x00000000' },
    });
    // BA types/primitive.yaml:28 GenesisTime example
    expect(genesis).toBe(1_590_832_934);
    expect(
      parseSpec(
        {
          data: {
            SLOT_DURATION_MS: '12000',
            SECONDS_PER_SLOT: '3',
            SLOTS_PER_EPOCH: '32',
            MIN_EPOCHS_TO_INACTIVITY_PENALTY: '4',
          },
        },
        genesis
      )
    ).toEqual({
      genesisTime: genesis,
      slotMs: 12_000,
      slotsPerEpoch: 32,
      leakEpochs: 4,
    });
    // ethereum/consensus-specs@9fce57d9d282:configs/mainnet.yaml `SECONDS_PER_SLOT: 12`
    expect(parseSpec({ data: { SECONDS_PER_SLOT: '12', SLOTS_PER_EPOCH: '32' } }, genesis).slotMs).toBe(12_000);
    expect(() => parseSpec({ data: { SECONDS_PER_SLOT: 12, SLOTS_PER_EPOCH: '32' } }, genesis)).toThrow(
      /decimal string/
    );
  });

  it('wall slot, head age and finality distance on mainnet timing', () => {
    // mainnet genesis 1606824023 (2020-12-01 12:00:23 UTC), 12 s slots, 32 per epoch
    const timing: ChainTiming = { genesisTime: 1_606_824_023, slotMs: 12_000, slotsPerEpoch: 32, leakEpochs: 4 };
    const now = 1_800_000_000_000;
    // (1,800,000,000 - 1,606,824,023) = 193,175,977 s = 16,097,998 slots of 12 s + 1 s
    expect(wallSlot(timing, now)).toBe(16_097_998);
    expect(headAgeSeconds(timing, 16_097_998, now)).toBe(1);
    // five slots back: 5 x 12 + 1
    expect(headAgeSeconds(timing, 16_097_993, now)).toBe(61);
    // epoch 16,097,998 / 32 = 503,062 (+14 slots): finalized 503,060 is two back
    expect(finalityEpochsBehind(timing, 503_060, now)).toBe(2);
    expect(wallSlot(timing, 1_606_824_022_000)).toBeNull();
  });

  it('sync percentage as ethereum-metrics-exporter computes it (ethpandaops/beacon@26285c24b648:pkg/beacon/metrics_sync.go:105-118)', () => {
    // head 750, distance 250: 750 / 1000 = 75 %; not syncing: 100
    expect(
      syncPercentage({ headSlot: 750, syncDistance: 250, isSyncing: true, isOptimistic: false, elOffline: false })
    ).toBe(75);
    expect(
      syncPercentage({ headSlot: 750, syncDistance: 250, isSyncing: false, isOptimistic: false, elOffline: false })
    ).toBe(100);
  });
});

describe('answers a real Lighthouse gave, as its book publishes them', () => {
  it('headers/head after the Merge (sigp/lighthouse@bdbc75fb98e5:book/src/api_bn.md:74-93, slot at :83)', () => {
    const answer = {
      execution_optimistic: false,
      finalized: false,
      data: {
        root: '0x9059bbed6b8891e0ba2f656dbff93fc40f8c7b2b7af8fea9df83cfce5ee5e3d8',
        canonical: true,
        header: {
          message: {
            slot: '6271829',
            proposer_index: '114398',
            parent_root: '0x1d2b4fa8247f754a7a86d36e1d0283a5e425491c431533716764880a7611d225',
            state_root: '0x2b48adea290712f56b517658dde2da5d36ee01c41aebe7af62b7873b366de245',
            body_root: '0x6fa74c995ce6f397fa293666cde054d6a9741f7ec280c640bee51220b4641e2d',
          },
          signature:
            '0x8258e64fea426033676a0045c50543978bf173114ba94822b12188e23cbc8d8e89e0b5c628a881bf3075d325bc11341105a4e3f9332ac031d89a93b422525b79e99325928a5262f17dfa6cc3ddf84ca2466fcad86a3c168af0d045f79ef52036',
        },
      },
    };
    expect(parseHeader(answer)).toEqual({
      slot: 6_271_829,
      root: '0x9059bbed6b8891e0ba2f656dbff93fc40f8c7b2b7af8fea9df83cfce5ee5e3d8',
      proposerIndex: 114_398,
      executionOptimistic: false,
    });
  });

  it('headers/head before the Merge, without execution_optimistic/finalized (sigp/lighthouse@3904714f040f:book/src/api-bn.md:79-97, slot at :86)', () => {
    const answer = {
      data: {
        root: '0x4381454174fc28c7095077e959dcab407ae5717b5dca447e74c340c1b743d7b2',
        canonical: true,
        header: {
          message: {
            slot: '3199',
            proposer_index: '19077',
            parent_root: '0xf1934973041c5896d0d608e52847c3cd9a5f809c59c64e76f6020e3d7cd0c7cd',
            state_root: '0xe8e468f9f5961655dde91968f66480868dab8d4147de9498111df2b7e4e6fe60',
            body_root: '0x6f183abc6c4e97f832900b00d4e08d4373bfdc819055d76b0f4ff850f559b883',
          },
          signature:
            '0x988064a2f9cf13fe3aae051a3d85f6a4bca5a8ff6196f2f504e32f1203b549d5f86a39c6509f7113678880701b1881b50925a0417c1c88a750c8da7cd302dda5aabae4b941e3104d0cf19f5043c4f22a7d75d0d50dad5dbdaf6991381dc159ab',
        },
      },
    };
    expect(parseHeader(answer)).toMatchObject({ slot: 3_199, proposerIndex: 19_077, executionOptimistic: false });
  });

  it('node/version (sigp/lighthouse@bdbc75fb98e5:book/src/api_bn.md, Troubleshooting: "The beacon node should respond with its version")', () => {
    expect(parseVersion({ data: { version: 'Lighthouse/v4.1.0-693886b/x86_64-linux' } })).toBe(
      'Lighthouse/v4.1.0-693886b/x86_64-linux'
    );
  });
});

const synced = { headSlot: 100, syncDistance: 0, isSyncing: false, isOptimistic: false, elOffline: false };
const view = (over: Partial<BeaconView> = {}, sync: Partial<BeaconView['sync']> = {}): BeaconView => ({
  health: 'ready',
  sync: { ...synced, ...sync },
  headAge: 3,
  finalityBehind: 2,
  leakEpochs: 4,
  peers: 80,
  ...over,
});
const limits = { headStallSeconds: 120, minPeers: 1 };

describe('judgeNode', () => {
  it('worst first: 503, EL offline, syncing, optimistic, stalled, no finality, peers', () => {
    expect(judgeNode(view(), limits)).toEqual({
      healthy: true,
      reason: 'following the chain; finalized 2 epochs back',
    });
    expect(judgeNode(view({ health: 'not_ready' }, { elOffline: true }), limits).reason).toMatch(/503/);
    expect(judgeNode(view({ health: 'syncing' }, { elOffline: true, isSyncing: true }), limits).reason).toBe(
      'execution client offline per the consensus client (el_offline)'
    );
    expect(judgeNode(view({ health: 'syncing' }, { isSyncing: true, syncDistance: 5_000 }), limits).reason).toBe(
      'syncing: 5000 slots to go'
    );
    expect(judgeNode(view({ health: 'syncing' }, { isOptimistic: true }), limits).reason).toMatch(/^optimistic/);
    expect(judgeNode(view({ headAge: 121 }), limits).reason).toBe('head is 121 s old: stalled');
    // genesis/spec not read: the age is unknown, so no stall is claimed either way
    expect(judgeNode(view({ headAge: null }), limits).healthy).toBe(true);
    // 4 is MIN_EPOCHS_TO_INACTIVITY_PENALTY: 4 behind is still fine, 5 leaks
    expect(judgeNode(view({ finalityBehind: 4 }), limits).healthy).toBe(true);
    expect(judgeNode(view({ finalityBehind: 5 }), limits).reason).toBe(
      'no finality for 5 epochs (more than 4: inactivity leak)'
    );
    expect(judgeNode(view({ finalityBehind: 5 }), { ...limits, maxFinalityEpochs: 10 }).healthy).toBe(true);
    expect(judgeNode(view({ peers: 0 }), limits).reason).toBe('0 peers (minimum 1)');
  });
});

describe('judgePair: which side of the pair is behind', () => {
  const stall = { headStallSeconds: 120, executionStallSeconds: 120 };
  const geth = { syncing: false, headNumber: 21_000_000, headAge: 5 };
  it('in step', () => {
    expect(judgePair(view(), geth, stall)).toEqual({ behind: null, reason: 'in step' });
  });
  it('geth synced, beacon syncing: the consensus client', () => {
    expect(judgePair(view({}, { isSyncing: true, syncDistance: 300 }), geth, stall)).toEqual({
      behind: 'consensus',
      reason: 'consensus client syncing (300 slots to go) while geth says it is synced',
    });
  });
  it('el_offline: the execution client, in the consensus client words', () => {
    expect(judgePair(view({}, { elOffline: true }), geth, stall)).toEqual({
      behind: 'execution',
      reason: 'execution client offline per the consensus client (el_offline)',
    });
  });
  it('geth stalled while the beacon head advances: geth', () => {
    expect(judgePair(view(), { ...geth, headAge: 600 }, stall)).toEqual({
      behind: 'execution',
      reason: "geth's head (block 21000000) is 600 s old while the consensus client's head advances: geth is behind",
    });
  });
  it('the beacon head stalled while geth advances: the consensus client', () => {
    expect(judgePair(view({ headAge: 300 }), geth, stall)).toEqual({
      behind: 'consensus',
      reason: "the consensus client's head is 300 s old while geth's advances: the consensus client is behind",
    });
  });
  it('both stalled: the consensus client, which drives geth', () => {
    expect(judgePair(view({ headAge: 600 }), { ...geth, headAge: 600 }, stall).behind).toBe('consensus');
  });
  it('geth syncing beside a beacon node at the head: geth', () => {
    expect(judgePair(view({}, { isOptimistic: true }), { ...geth, syncing: true }, stall)).toEqual({
      behind: 'execution',
      reason: 'geth is syncing while the consensus client is at the head (optimistically)',
    });
  });
});
