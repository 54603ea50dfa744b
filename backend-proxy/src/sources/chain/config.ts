import { z } from 'zod';
import { sourceBase } from '../../config/common.js';

/** One chain, several nodes: bitcoin sources watched together (their tips, forks, lag, reorgs). */
export const chainConfigSchema = sourceBase.extend({
  kind: z.literal('chain'),
  /** ids of configured bitcoin sources of one network (checked at load: each must be a bitcoin source) */
  sources: z
    .array(z.string().min(1))
    .min(2, 'a chain view compares at least two bitcoin sources')
    .max(32)
    .refine((ids) => new Set(ids).size === ids.length, 'each bitcoin source once'),
  pollSeconds: z.number().min(1).max(3_600).default(10),
  /** a node more than this many blocks behind the best tip of the others -> degraded */
  maxLagBlocks: z.number().int().min(0).max(1_000).default(1),
  /** samples kept for the heights / lag time series (one per poll) */
  historyPoints: z.number().int().min(10).max(100_000).default(8_640),
});

export type ChainSourceConfig = z.infer<typeof chainConfigSchema>;
