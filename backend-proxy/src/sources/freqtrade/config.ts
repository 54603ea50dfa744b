import { z } from 'zod';
import { secret, sourceBase } from '../../config/common.js';

/** One source = one Freqtrade bot (its REST API server). Several bots are several sources. */
export const freqtradeConfigSchema = sourceBase.extend({
  kind: z.literal('freqtrade'),
  /** the bot's api_server listen address, e.g. http://127.0.0.1:8080 (no /api/v1 suffix) */
  url: z
    .url({ protocol: /^https?$/ })
    .refine((url) => !/^https?:\/\/[^/]*@/i.test(url), 'put credentials in username/password, not in the URL'),
  /** api_server.username */
  username: z.string().min(1),
  /** api_server.password; keep it in an env var: password: ${FT_PASS} */
  password: secret('password'),
  /** jwt: log in once, send Bearer tokens (refreshed before expiry); basic: send the password on every call */
  auth: z.enum(['jwt', 'basic']).default('jwt'),
  /** how often the bot is polled (Freqtrade's own loop runs every ~5 s) */
  pollSeconds: z.number().min(1).max(3_600).default(15),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** page size of /api/v1/trades (the bot's own default and a sane upper bound is 500) */
  tradesPageSize: z.number().int().min(1).max(500).default(500),
  /** closed trades kept in memory (oldest dropped first) */
  maxTrades: z.number().int().min(10).max(1_000_000).default(20_000),
  /** days asked from /api/v1/daily */
  dailyDays: z.number().int().min(1).max(365).default(30),
  /** last_process older than this makes the source degraded (the bot's loop is stuck) */
  heartbeatStaleSeconds: z.number().min(10).max(86_400).default(180),
  /**
   * also listen on the bot's message websocket (/api/v1/message/ws): a fill message triggers
   * a poll at once, so trade streams follow within a round trip (polling stays the source of truth)
   */
  websocket: z.boolean().default(false),
  /**
   * fill messages poll at most this often (the first at once, a burst's rest in one trailing
   * poll); 5 s is the bot's own loop throttle (process_throttle_secs)
   */
  fillPollMinSeconds: z.number().min(0.1).max(300).default(5),
  /** api_server.ws_token; without it the JWT access token is used (needs auth: jwt) */
  wsToken: secret('wsToken').optional(),
  /** ftmetric's `cluster` label; defaults to the source id */
  cluster: z.string().min(1).max(200).optional(),
}).refine((c) => !c.websocket || c.auth === 'jwt' || c.wsToken !== undefined, {
  message: 'websocket needs auth: jwt or a wsToken (the message websocket takes a token, not Basic)',
  path: ['websocket'],
});

export type FreqtradeSourceConfig = z.infer<typeof freqtradeConfigSchema>;
