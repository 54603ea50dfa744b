import { z } from 'zod';
import { secret, sourceBase } from '../../config/common.js';

const httpUrl = z.url({ protocol: /^https?$/ });

export const lightningConfigSchema = sourceBase
  .extend({
    kind: z.literal('lightning'),
    /** lnd: its REST gateway (restlisten, https://127.0.0.1:8080); cln: the clnrest plugin (clnrest-port) */
    implementation: z.enum(['lnd', 'cln']),
    network: z.string().min(1).max(64).default('mainnet'),
    url: httpUrl,
    /** lnd: readonly.macaroon as hex (`xxd -ps -u -c 1000 readonly.macaroon`), e.g. ${LND_MACAROON_HEX} */
    macaroonHex: secret('macaroonHex')
      .regex(/^[0-9a-fA-F]+$/, 'hex digits only')
      .optional(),
    /** cln: a rune limited to the four read methods (see the source README), e.g. ${CLN_RUNE} */
    rune: secret('rune').optional(),
    /** PEM of the node's self-signed TLS certificate (lnd's tls.cert, clnrest's ca.pem) for an https url */
    tlsCertFile: z.string().min(1).optional(),
    /** a bitcoin source whose tip height (its ChainReader, capabilities.ts) the node's block height is compared with */
    bitcoinSource: z.string().min(1).optional(),
    /** the node this many blocks or more behind the bitcoin source -> degraded (out of sync) */
    maxBlocksBehind: z.number().int().min(1).max(1_000).default(3),
    /** an active channel whose local share of capacity is below this -> a low-liquidity channel */
    minLocalShare: z.number().min(0).max(1).default(0.1),
    /** forwarding history window for fees earned and HTLC failures */
    forwardsHours: z
      .number()
      .min(1)
      .max(24 * 90)
      .default(24),
    pollSeconds: z.number().min(1).max(3_600).default(30),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .superRefine((config, ctx) => {
    if (config.implementation === 'lnd' && !config.macaroonHex) {
      ctx.addIssue({
        code: 'custom',
        path: ['macaroonHex'],
        message: 'an lnd source needs macaroonHex (its readonly.macaroon as hex)',
      });
    }
    if (config.implementation === 'cln' && !config.rune) {
      ctx.addIssue({
        code: 'custom',
        path: ['rune'],
        message: 'a cln source needs rune (a read-only rune for clnrest)',
      });
    }
  });

export type LightningSourceConfig = z.infer<typeof lightningConfigSchema>;
