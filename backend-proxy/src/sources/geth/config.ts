import { z } from 'zod';
import { hostWatchSchema, sourceBase } from '../../config/common.js';

const httpUrl = z.url({ protocol: /^https?$/ });

export const gethConfigSchema = sourceBase.extend({
  kind: z.literal('geth'),
  /** free space and days until full of the node's datadir, when the proxy can see it (core/datadirWatch.ts) */
  host: hostWatchSchema.optional(),
  /** a label for the UI (mainnet, sepolia, holesky, hoodi, a private chain name) */
  network: z.string().min(1).max(64).default('mainnet'),
  /** geth's HTTP JSON-RPC (--http), e.g. http://127.0.0.1:8545 */
  rpcUrl: httpUrl.default('http://127.0.0.1:8545'),
  /** geth's metrics server (--metrics --metrics.addr), e.g. http://127.0.0.1:6060/debug/metrics/prometheus */
  metricsUrl: httpUrl.optional(),
  /**
   * Also call admin_peers (read-only, but the admin namespace shows every peer's enode id and IP
   * and is off on --http by default). Off unless set; when the node refuses it (-32601) the
   * peers query falls back to net_peerCount and says so.
   */
  adminPeers: z.boolean().default(false),
  pollSeconds: z.number().min(1).max(3_600).default(10),
  timeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  /** latest block older than this -> degraded: after the Merge eth_syncing=false alone proves nothing */
  headStallSeconds: z.number().min(12).max(86_400).default(120),
  /** fewer peers than this -> degraded */
  minPeers: z.number().int().min(0).max(1_000).default(1),
});

export type GethSourceConfig = z.infer<typeof gethConfigSchema>;
