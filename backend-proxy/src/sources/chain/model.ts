// Pure: several nodes of one chain compared by what each answered (getblockchaininfo's tip and
// headers, getchaintips). No I/O. The statuses of getchaintips are Bitcoin Core's
// (bitcoin/bitcoin@000c7e4cdb4cd0c3e8292c6257642f9ac2d95b59:src/rpc/blockchain.cpp getchaintips):
//   active         the tip of the node's active chain
//   valid-fork     off the active chain but fully validated: it was active once, then reorganized away
//   valid-headers  every block there, never fully validated: never the most-work chain (a lost race)
//   headers-only   headers valid but block data missing (a download behind, or a branch never fetched)
//   invalid        at least one invalid block on the branch
// branchlen = height - height of the fork point with the active chain (0 on the active chain).
import type { ChainBest, ChainTipView } from '../capabilities.js';

export type NodeReading = { source: string; best: ChainBest; tips: ChainTipView[] } | { source: string; error: string };

export const NODE_STATES = ['best', 'behind', 'competing', 'stale', 'unreachable'] as const;
/**
 * best: at the best tip. behind: on no rejected branch, fewer blocks. competing: another block at
 * the best height (a race not settled yet). stale: another node left its tip behind (valid-fork:
 * reorganized away from it; invalid; valid-headers under a longer chain). unreachable: no answer.
 */
export type NodeState = (typeof NODE_STATES)[number];

export interface NodeRow {
  source: string;
  state: NodeState;
  height: number | null;
  hash: string | null;
  headers: number | null;
  /** best height of the reachable nodes minus this node's height */
  lagBlocks: number | null;
  /** headers known above the blocks (a download behind) */
  headersAhead: number | null;
  tipTime: number | null;
  /** tips of the node off its active chain, by status */
  forks: number;
  /** the other node(s) that hold this node's tip off their active chain, and how */
  rejectedBy: string[];
  error: string | null;
}

export interface Comparison {
  bestHeight: number | null;
  bestHash: string | null;
  rows: NodeRow[];
}

/**
 * The best tip is the highest reachable one; at that height the hash most nodes have wins, a tie
 * going to the first configured node. Lag is counted against it.
 */
export function compareNodes(readings: NodeReading[]): Comparison {
  const ok = readings.filter((r): r is Extract<NodeReading, { best: ChainBest }> => 'best' in r);
  if (ok.length === 0) {
    return {
      bestHeight: null,
      bestHash: null,
      rows: readings.map((r) => unreachableRow(r.source, 'error' in r ? r.error : 'no answer')),
    };
  }
  const bestHeight = Math.max(...ok.map((r) => r.best.height));
  const votes = new Map<string, number>();
  for (const r of ok) if (r.best.height === bestHeight) votes.set(r.best.hash, (votes.get(r.best.hash) ?? 0) + 1);
  let bestHash: string | null = null;
  for (const [hash, count] of votes) if (bestHash === null || count > (votes.get(bestHash) ?? 0)) bestHash = hash;
  // tips each node holds off its active chain: hash -> nodes (a node on such a tip was left behind by them)
  const offChain = new Map<string, string[]>();
  for (const r of ok) {
    for (const tip of r.tips) {
      // a block another node reorganized away from (valid-fork) or found invalid lost; one it holds
      // unvalidated (valid-headers) lost only once that node's chain is longer (before: a race)
      const lost =
        tip.status === 'valid-fork' ||
        tip.status === 'invalid' ||
        (tip.status === 'valid-headers' && r.best.height > tip.height);
      if (!lost) continue;
      const list = offChain.get(tip.hash) ?? [];
      list.push(`${r.source} (${tip.status})`);
      offChain.set(tip.hash, list);
    }
  }
  const rows = readings.map((r): NodeRow => {
    if (!('best' in r)) return unreachableRow(r.source, r.error);
    const rejectedBy = (offChain.get(r.best.hash) ?? []).filter((by) => !by.startsWith(`${r.source} (`));
    const lag = bestHeight - r.best.height;
    const state: NodeState =
      rejectedBy.length > 0 ? 'stale' : lag === 0 ? (r.best.hash === bestHash ? 'best' : 'competing') : 'behind';
    return {
      source: r.source,
      state,
      height: r.best.height,
      hash: r.best.hash,
      headers: r.best.headers,
      lagBlocks: lag,
      headersAhead: Math.max(0, r.best.headers - r.best.height),
      tipTime: r.best.tipTime,
      forks: r.tips.filter((t) => t.status !== 'active').length,
      rejectedBy,
      error: null,
    };
  });
  return { bestHeight, bestHash, rows };
}

function unreachableRow(source: string, error: string): NodeRow {
  return {
    source,
    state: 'unreachable',
    height: null,
    hash: null,
    headers: null,
    lagBlocks: null,
    headersAhead: null,
    tipTime: null,
    forks: 0,
    rejectedBy: [],
    error,
  };
}

export interface TipRow extends ChainTipView {
  /** the node whose getchaintips listed it */
  source: string;
  /** where the branch leaves that node's active chain */
  forkHeight: number;
  /** nodes whose active tip this is */
  activeOn: string[];
}

/** Every node's getchaintips in one table, highest first, with the nodes each tip is active on. */
export function tipRows(readings: NodeReading[]): TipRow[] {
  const ok = readings.filter((r): r is Extract<NodeReading, { best: ChainBest }> => 'best' in r);
  const activeOn = new Map<string, string[]>();
  for (const r of ok) activeOn.set(r.best.hash, [...(activeOn.get(r.best.hash) ?? []), r.source]);
  return ok
    .flatMap((r) =>
      r.tips.map((t) => ({
        ...t,
        source: r.source,
        forkHeight: t.height - t.branchlen,
        activeOn: activeOn.get(t.hash) ?? [],
      }))
    )
    .sort((a, b) => b.height - a.height || a.source.localeCompare(b.source));
}

/** The health line: the worst node first, or all at the best tip. */
export function judge(
  comparison: Comparison,
  maxLagBlocks: number
): { status: 'ok' | 'degraded' | 'down'; message: string } {
  const { rows, bestHeight } = comparison;
  const problems: string[] = [];
  for (const row of rows) {
    if (row.state === 'unreachable') problems.push(`${row.source} unreachable (${row.error})`);
    else if (row.state === 'stale')
      problems.push(`${row.source} is on a branch ${row.rejectedBy.join(', ')} left (tip ${row.height})`);
    else if (row.lagBlocks !== null && row.lagBlocks > maxLagBlocks)
      problems.push(`${row.source} is ${row.lagBlocks} blocks behind the best tip ${bestHeight}`);
  }
  if (rows.every((r) => r.state === 'unreachable')) return { status: 'down', message: problems.join('; ') };
  if (problems.length > 0) return { status: 'degraded', message: problems.join('; ') };
  const competing = rows.filter((r) => r.state === 'competing').map((r) => r.source);
  return {
    status: 'ok',
    message: `${rows.length} nodes at or near the best tip ${bestHeight}${competing.length ? `; ${competing.join(', ')} on a competing block at that height` : ''}`,
  };
}
