// What one source offers another, as typed interfaces: stacks and lightning read a bitcoin
// source's tip height, profitability a bitcoin source's difficulty and fees and a cgminer source's
// fleet. A source asks through these and `context.lookup`, never through another's query
// handlers and frames, and never imports a sibling source.
import type { PowerSource } from '@nodescope/shared';
import type { PeerSource } from '../core/context.js';

/** A bitcoin source's chain, read from the same cached calls its queries use. */
export interface ChainReader {
  /** the tip as getblockchaininfo gives it: `blocks` (height) and `difficulty` */
  tip(): Promise<{ height: number; difficulty: number }>;
  /** total fees (BTC) of the latest `count` blocks (getblockstats totalfee), oldest first */
  recentBlockFees(count: number): Promise<number[]>;
  /**
   * total fees (BTC) of the projected blocks of the live mempool, next block first, the tail
   * (everything beyond the projected blocks) left out; throws until the mempool is loaded
   */
  projectedBlockFees(): number[];
  /** the active tip and the best header, as getblockchaininfo gives them (the chain view compares nodes by these) */
  best(): Promise<ChainBest>;
  /** getchaintips as the node answers it */
  tips(): Promise<ChainTipView[]>;
  /** the reorgs this source recorded (tip tracking and getchaintips valid-forks) in a time range */
  reorgs(range: { from: number; to: number }): ChainReorgView[];
}

export interface ChainBest {
  /** getblockchaininfo `blocks` */
  height: number;
  /** `bestblockhash` */
  hash: string;
  /** `headers`: the best header's height, above `height` while blocks are missing */
  headers: number;
  /** the tip block's time, ms */
  tipTime: number;
}

/** One getchaintips entry (Bitcoin Core src/rpc/blockchain.cpp getchaintips). */
export interface ChainTipView {
  height: number;
  hash: string;
  branchlen: number;
  status: 'active' | 'valid-fork' | 'valid-headers' | 'headers-only' | 'invalid' | 'unknown';
}

/** A reorg a bitcoin source saw: `depth` blocks above `forkHeight` replaced. */
export interface ChainReorgView {
  detectedAt: number;
  depth: number;
  forkHeight: number;
  oldTip: string;
  oldHeight: number;
  newTip: string;
  newHeight: number;
}

/** One miner as the profitability source reads a fleet. */
export interface FleetMinerView {
  name: string;
  status: 'online' | 'offline' | 'unknown';
  model: string | null;
  /** H/s, 5 s rate; 0 when offline, null when never seen */
  hashrate: number | null;
  hashrateAvg: number | null;
  powerWatts: number;
  powerSource: PowerSource;
  powerNote: string;
}

/** A cgminer source's fleet. */
export interface FleetReader {
  miners(): FleetMinerView[];
}

/** A geth source's head and sync state, from the same cached calls its queries use. */
export interface ExecutionReader {
  execution(): Promise<{
    /** eth_syncing reports blocks still to import */
    syncing: boolean;
    headNumber: number;
    /** seconds since the latest block's timestamp */
    headAge: number;
  }>;
}

export interface Provides {
  chain?: ChainReader;
  fleet?: FleetReader;
  execution?: ExecutionReader;
}

/** The execution client of a geth source found through `context.lookup` (a beacon source's pair), or undefined. */
export function executionOf(peer: PeerSource | undefined): ExecutionReader | undefined {
  return peer?.kind === 'geth' ? (peer.provides as Provides | undefined)?.execution : undefined;
}

/** The chain of a bitcoin source found through `context.lookup`, or undefined for anything else. */
export function chainOf(peer: PeerSource | undefined): ChainReader | undefined {
  return peer?.kind === 'bitcoin' ? (peer.provides as Provides | undefined)?.chain : undefined;
}

/** The fleet of a cgminer source found through `context.lookup`, or undefined for anything else. */
export function fleetOf(peer: PeerSource | undefined): FleetReader | undefined {
  return peer?.kind === 'cgminer' ? (peer.provides as Provides | undefined)?.fleet : undefined;
}

/** A tip height as a number, or null when the node gave none. */
export function finiteHeight(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
