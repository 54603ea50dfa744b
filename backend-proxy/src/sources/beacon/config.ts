import { z } from 'zod';
import { sourceBase } from '../../config/common.js';

const httpUrl = z.url({ protocol: /^https?$/ });

export const beaconConfigSchema = sourceBase.extend({
  kind: z.literal('beacon'),
  /** a label for the UI (mainnet, sepolia, holesky, hoodi, a devnet name) */
  network: z.string().min(1).max(64).default('mainnet'),
  /**
   * the consensus client's standard Beacon API: Lighthouse --http (:5052), Prysm --grpc-gateway
   * (:3500), Teku --rest-api-enabled (:5051), Nimbus --rest (:5052), Lodestar --rest (:9596)
   */
  url: httpUrl.default('http://127.0.0.1:5052'),
  /** the geth source this consensus client drives; health then names which side is behind */
  executionSource: z.string().min(1).optional(),
  pollSeconds: z.number().min(1).max(3_600).default(12),
  timeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  /** head slot older than this -> degraded (missed proposals leave gaps of a slot or two) */
  headStallSeconds: z.number().min(12).max(86_400).default(120),
  /** fewer connected peers than this -> degraded */
  minPeers: z.number().int().min(0).max(10_000).default(1),
  /** finality further back than this many epochs -> degraded; unset: the node's MIN_EPOCHS_TO_INACTIVITY_PENALTY (4) */
  maxFinalityEpochs: z.number().int().min(2).max(100_000).optional(),
});

export type BeaconSourceConfig = z.infer<typeof beaconConfigSchema>;
