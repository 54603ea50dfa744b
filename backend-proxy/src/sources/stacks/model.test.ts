import { describe, expect, it } from 'vitest';
import { familiesByName, parsePrometheusText } from '../../core/prometheusText.js';
import { burnLag, neighborCounts, parseHealth, parseInfo, parseNeighbors, signerStatus, TipTracker } from './model.js';

// Field set of RPCPeerInfoData (stackslib/src/net/api/getinfo.rs) as a 3.x node serves it.
const INFO = {
  peer_version: 402653196,
  pox_consensus: 'aa'.repeat(20),
  burn_block_height: 870_000,
  stable_pox_consensus: 'bb'.repeat(20),
  stable_burn_block_height: 869_993,
  server_version: 'stacks-node 3.1.0.0.5 (release/3.1.0.0.5:d37e4e1, release build, linux [x86_64])',
  network_id: 1,
  parent_network_id: 3652501241,
  stacks_tip_height: 171_000,
  stacks_tip: 'cc'.repeat(32),
  stacks_tip_consensus_hash: 'dd'.repeat(20),
  genesis_chainstate_hash: 'ee'.repeat(32),
  unanchored_tip: null,
  unanchored_seq: null,
  tenure_height: 95_000,
  exit_at_block_height: null,
  is_fully_synced: true,
  node_public_key: '02' + 'ff'.repeat(32),
  node_public_key_hash: '11'.repeat(20),
  affirmations: { heaviest: 'pp', stacks_tip: 'pp', sortition_tip: 'pp', tentative_best: 'pp' },
  stackerdbs: [],
};

describe('parseInfo', () => {
  it('accepts a 3.x payload and keeps unknown fields out of the way', () => {
    expect(parseInfo(INFO)).toMatchObject({ stacks_tip_height: 171_000, tenure_height: 95_000, is_fully_synced: true });
  });

  it('accepts a 2.x payload without tenure_height and is_fully_synced', () => {
    const { tenure_height: _t, is_fully_synced: _s, ...old } = INFO;
    expect(parseInfo(old).tenure_height).toBeUndefined();
  });

  it.each([
    [{ ...INFO, stacks_tip_height: '171000' }, /stacks_tip_height/],
    [{ ...INFO, burn_block_height: -1 }, /burn_block_height/],
    [null, /root/],
  ])('names the bad field of a malformed payload', (payload, message) => {
    expect(() => parseInfo(payload)).toThrow(message);
  });
});

describe('parseNeighbors', () => {
  const n = (ip: string, age?: number) => ({
    network_id: 1,
    peer_version: 402653196,
    ip,
    port: 20444,
    public_key_hash: '22'.repeat(20),
    authenticated: true,
    stackerdbs: ['SP000000000000000000002Q6VF78.signers-0-0'],
    ...(age === undefined ? {} : { age }),
  });

  it('flattens the four lists with their direction', () => {
    const rows = parseNeighbors({ bootstrap: [n('1.1.1.1')], sample: [n('2.2.2.2')], inbound: [n('3.3.3.3', 5)], outbound: [n('4.4.4.4', 9), n('5.5.5.5', 1)] });
    expect(rows.map((r) => [r.direction, r.ip, r.ageSeconds, r.stackerdbs])).toEqual([
      ['inbound', '3.3.3.3', 5, 1],
      ['outbound', '4.4.4.4', 9, 1],
      ['outbound', '5.5.5.5', 1, 1],
      ['sample', '2.2.2.2', null, 1],
      ['bootstrap', '1.1.1.1', null, 1],
    ]);
    expect(neighborCounts(rows)).toEqual({ inbound: 1, outbound: 2, sample: 1, bootstrap: 1 });
  });

  it('rejects a payload without inbound/outbound', () => {
    expect(() => parseNeighbors({ sample: [] })).toThrow(/\/v2\/neighbors: unexpected payload \(inbound/);
  });
});

describe('parseHealth', () => {
  it('reads RPCGetHealthResponse', () => {
    expect(
      parseHealth({ difference_from_max_peer: 3, max_stacks_height_of_neighbors: 10, max_stacks_neighbor_address: null, node_stacks_tip_height: 7 })
    ).toMatchObject({ difference_from_max_peer: 3 });
  });
});

describe('signerStatus', () => {
  it('reads stacks_signer_* and derives the rejection ratio', () => {
    const families = familiesByName(
      parsePrometheusText(`stacks_signer_stacks_node_height 171000
stacks_signer_current_reward_cycle 105
stacks_signer_stx_balance 250000000
stacks_signer_block_responses_sent{response_type="accepted"} 90
stacks_signer_block_responses_sent{response_type="rejected"} 10
`)
    );
    expect(signerStatus(families)).toMatchObject({
      stacksNodeHeight: 171_000,
      rewardCycle: 105,
      stxBalance: 250_000_000,
      responsesAccepted: 90,
      responsesRejected: 10,
      rejectionRatio: 0.1,
      nonce: null,
    });
  });
  it('has no ratio before any response', () => {
    expect(signerStatus(new Map()).rejectionRatio).toBeNull();
  });
});

describe('TipTracker', () => {
  it('measures tip age from the last change and records tenure changes after the first sighting', () => {
    const tracker = new TipTracker(2);
    const info = parseInfo(INFO);
    tracker.observe(info, 1_000);
    expect(tracker.tipAgeMs(31_000)).toBe(30_000);
    tracker.observe(info, 31_000);
    expect(tracker.tipAgeMs(31_000)).toBe(30_000); // same height: age keeps growing
    tracker.observe({ ...info, stacks_tip_height: 171_001, tenure_height: 95_001 }, 40_000);
    expect(tracker.tipAgeMs(40_000)).toBe(0);
    tracker.observe({ ...info, tenure_height: 95_002 }, 50_000);
    tracker.observe({ ...info, tenure_height: 95_003 }, 60_000);
    expect(tracker.tenures.map((t) => t.tenureHeight)).toEqual([95_002, 95_003]); // bounded to 2
  });
});

describe('burnLag', () => {
  it('is bitcoin height minus burn height, or null without a bitcoin source', () => {
    expect(burnLag(870_000, 870_003)).toEqual({ bitcoinHeight: 870_003, lag: 3, note: null });
    expect(burnLag(870_000, null, 'no source').lag).toBeNull();
  });
});
