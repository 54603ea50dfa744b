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
