// compareNodes on hand-made readings; the statuses mean what Bitcoin Core's getchaintips says
// (bitcoin/bitcoin@000c7e4cdb4cd0c3e8292c6257642f9ac2d95b59:src/rpc/blockchain.cpp getchaintips):
// a block both nodes hold as valid-headers at the same height is a race (never validated, never
// the most work), not a lost branch; valid-fork (reorganized away) is.
import { describe, expect, it } from 'vitest';
import type { ChainTipView } from '../capabilities.js';
import { compareNodes, judge, tipRows, type NodeReading } from './model.js';

const node = (
  source: string,
  height: number,
  hash: string,
  tips: ChainTipView[] = [],
  headers = height
): NodeReading => ({
  source,
  best: { height, hash, headers, tipTime: 0 },
  tips: [{ height, hash, branchlen: 0, status: 'active' }, ...tips],
});

describe('compareNodes', () => {
  it('a race relayed both ways: each holds the other block as valid-headers, both compete, neither is stale', () => {
    const c = compareNodes([
      node('a', 201, 'A', [{ height: 201, hash: 'B', branchlen: 1, status: 'valid-headers' }]),
      node('b', 201, 'B', [{ height: 201, hash: 'A', branchlen: 1, status: 'valid-headers' }]),
    ]);
    // a tie in votes goes to the first configured node
    expect(c).toMatchObject({ bestHeight: 201, bestHash: 'A' });
    expect(c.rows.map((r) => [r.source, r.state])).toEqual([
      ['a', 'best'],
      ['b', 'competing'],
    ]);
    expect(judge(c, 1)).toEqual({
      status: 'ok',
      message: '2 nodes at or near the best tip 201; b on a competing block at that height',
    });
  });

  it('valid-headers under a longer chain, valid-fork and invalid mean the branch lost', () => {
    const c = compareNodes([
      node('a', 203, 'A3', [
        { height: 201, hash: 'X', branchlen: 1, status: 'valid-headers' },
        { height: 202, hash: 'Y', branchlen: 2, status: 'valid-fork' },
        { height: 202, hash: 'Z', branchlen: 1, status: 'invalid' },
      ]),
      node('x', 201, 'X'),
      node('y', 202, 'Y'),
      node('z', 202, 'Z'),
      node('w', 202, 'A2'),
    ]);
    expect(Object.fromEntries(c.rows.map((r) => [r.source, [r.state, r.lagBlocks, r.rejectedBy.join('|')]]))).toEqual({
      a: ['best', 0, ''],
      x: ['stale', 2, 'a (valid-headers)'],
      y: ['stale', 1, 'a (valid-fork)'],
      z: ['stale', 1, 'a (invalid)'],
      w: ['behind', 1, ''],
    });
    expect(c.rows[0]!.forks).toBe(3);
  });

  it('headers-only: blocks missing, not a lost branch; headers ahead of blocks are counted', () => {
    const c = compareNodes([
      node('a', 204, 'A4'),
      node('c', 200, 'C0', [{ height: 204, hash: 'A4', branchlen: 4, status: 'headers-only' }], 204),
    ]);
    expect(c.rows[1]).toMatchObject({ state: 'behind', lagBlocks: 4, headersAhead: 4, forks: 1 });
    expect(judge(c, 1)).toEqual({ status: 'degraded', message: 'c is 4 blocks behind the best tip 204' });
    expect(judge(c, 4).status).toBe('ok');
  });

  it('nobody answering is down; the tips table is highest first with where each is active', () => {
    expect(
      judge(
        compareNodes([
          { source: 'a', error: 'ECONNREFUSED' },
          { source: 'b', error: 'timeout' },
        ]),
        1
      )
    ).toEqual({
      status: 'down',
      message: 'a unreachable (ECONNREFUSED); b unreachable (timeout)',
    });
    const rows = tipRows([
      node('a', 202, 'A2', [{ height: 201, hash: 'B1', branchlen: 1, status: 'valid-fork' }]),
      node('b', 201, 'B1'),
    ]);
    expect(rows.map((r) => [r.source, r.height, r.status, r.forkHeight, r.activeOn.join()])).toEqual([
      ['a', 202, 'active', 202, 'a'],
      ['a', 201, 'valid-fork', 200, 'b'],
      ['b', 201, 'active', 201, 'b'],
    ]);
  });
});
