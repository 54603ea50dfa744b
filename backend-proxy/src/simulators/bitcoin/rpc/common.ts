// What the RPC answers share: argument checks and lookups that answer Core's own errors.
import type { Block, SimNode } from '../chain.js';
import { RPC, RpcError } from '../errors.js';
import type { MempoolTx } from '../mempool.js';
import type { NetworkParams, SimNetwork } from '../network.js';
import type { SimPeer } from '../peers.js';

export interface RpcContext {
  node: SimNode;
  network: SimNetwork;
  params: NetworkParams;
  peers: SimPeer[];
  /** unix seconds of the last (re)start */
  startTime: () => number;
  datadir: string;
  zmqEndpoint: () => string | null;
  indexes: string[];
  /** the fee estimator's MaxUsableEstimate(): 0 = nothing recorded yet */
  feeMaxTarget: () => number;
  nowMs: () => number;
  /** every peer's clock minus ours, seconds (the clockSkew fault) */
  timeOffset: () => number;
}

// ---- helpers ------------------------------------------------------------------------------------

export function parseHash(value: string, name: string): string {
  if (value.length !== 64)
    throw new RpcError(RPC.INVALID_PARAMETER, `${name} must be of length 64 (not ${value.length}, for '${value}')`);
  if (!/^[0-9a-fA-F]{64}$/.test(value))
    throw new RpcError(RPC.INVALID_PARAMETER, `${name} must be hexadecimal string (not '${value}')`);
  return value.toLowerCase();
}

export function requireBlock(ctx: RpcContext, hash: string): Block {
  const block = ctx.node.blockByHash(hash);
  if (!block) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block not found');
  return block;
}

export function requireMempoolTx(ctx: RpcContext, txid: string): MempoolTx {
  // a key of the mempool is a valid lowercase hash already: only a miss needs parsing
  const tx = ctx.node.mempool.entries.get(txid) ?? ctx.node.mempool.entries.get(parseHash(txid, 'txid'));
  if (!tx) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
  return tx;
}

export function confirmations(block: Block, ctx: RpcContext): number {
  return ctx.node.isActive(block.hash) ? ctx.node.tipHeight() - block.height + 1 : -1;
}
