import { z } from 'zod';

/** Fields every source entry has. */
export const sourceBase = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'letters, digits, - and _ only (it becomes a metric label and a URL parameter)'),
  name: z.string().min(1).max(200).optional(),
});

/** A secret read from config: at least 8 characters so it can be scrubbed from any output. */
export const secret = (what: string) =>
  z.string().min(8, `${what} must be at least 8 characters (use \${ENV_VAR} to keep it out of the file)`);

/**
 * Host health of a node whose data directory the proxy can see (same host, or a mount): free
 * space read with statfs, and when the disk is full at the current growth.
 */
export const hostWatchSchema = z.strictObject({
  /** the node's data directory (e.g. ~/.bitcoin, /stacks-node/data, ~/.ethereum) */
  datadir: z.string().min(1),
  /** health degrades, and the free-space alert fires, when available space is below this share */
  minFreeShare: z.number().min(0).max(1).default(0.1),
  /** health degrades when the disk is full within this many days at the fitted growth */
  fullWithinDays: z.number().min(0).max(3_650).default(7),
  sampleSeconds: z.number().min(1).max(3_600).default(60),
  /** window of the growth fit (least squares over the samples in it) */
  trendHours: z.number().min(1).max(2_160).default(24),
});
export type HostWatchConfig = z.infer<typeof hostWatchSchema>;
