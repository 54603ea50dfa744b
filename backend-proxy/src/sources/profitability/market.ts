// Market inputs of the profitability maths: BTC price (CoinGecko, then CoinCap; 5-minute
// cache) and difficulty / height / fees (the configured bitcoin source first, then
// mempool.space, then blockchain.info; 30-minute cache). A failed refresh falls back to the
// next API, and when all fail the last good value is served as stale with a notice
// (primary, then fallback, then the last good value rather than nothing).
import { BodyTooLargeError, readBodyText } from '../../core/body.js';
import { chargeUpstream } from '../../core/budget.js';
import { subsidyAtHeight } from '@nodescope/shared';
import type { PeerSource } from '../../core/context.js';
import { chainOf } from '../capabilities.js';
import { UpstreamError } from '../types.js';
import type { ProfitabilitySourceConfig } from './config.js';

/** Market APIs answer a few KB; a reply over this is not one of theirs. */
const MAX_MARKET_REPLY_BYTES = 1024 * 1024;

export interface PriceReading {
  price: number;
  currency: string;
  source: 'coingecko' | 'coincap';
  at: number;
}

export interface ChainReading {
  difficulty: number;
  height: number;
  /** percent, mempool.space's estimate of the next adjustment; null when unknown */
  difficultyChangePercent: number | null;
  /** BTC, average over the last 144 blocks; null when no source had it */
  feesPerBlock: number | null;
  source: string;
  feesSource: string;
  at: number;
}

export interface Market {
  price: PriceReading & { stale: boolean };
  chain: ChainReading & { stale: boolean };
  subsidy: number;
  blockReward: number;
  notices: string[];
}

export type FetchLike = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;

export interface MarketDeps {
  now: () => number;
  lookup: (id: string) => PeerSource | undefined;
  fetch?: FetchLike;
  onFailure?: (api: string, reason: string) => void;
}

export class MarketError extends UpstreamError {
  override name = 'MarketError';
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

export class MarketFeed {
  private price: PriceReading | null = null;
  private chain: ChainReading | null = null;
  private readonly fetch: FetchLike;
  private pricePending: Promise<PriceReading> | null = null;
  private chainPending: Promise<ChainReading> | null = null;
  lastErrors: string[] = [];

  constructor(
    private readonly config: ProfitabilitySourceConfig,
    private readonly deps: MarketDeps
  ) {
    this.fetch = deps.fetch ?? ((url, init) => fetch(url, init));
  }

  /** Current market, refreshing whatever has expired. Throws only when a value was never obtained. */
  async read(): Promise<Market> {
    const notices: string[] = [];
    const now = this.deps.now();
    const priceFresh = this.price !== null && now - this.price.at < this.config.priceTtlSeconds * 1000;
    const chainFresh = this.chain !== null && now - this.chain.at < this.config.difficultyTtlSeconds * 1000;
    const [price, chain] = await Promise.all([
      priceFresh ? { value: this.price!, stale: false } : this.refresh('price', notices),
      chainFresh ? { value: this.chain!, stale: false } : this.refresh('chain', notices),
    ]);
    const chainValue = chain.value as ChainReading;
    const subsidy = subsidyAtHeight(chainValue.height);
    const fees = chainValue.feesPerBlock ?? 0;
    if (chainValue.feesPerBlock === null) notices.push('no fee data: block reward counts the subsidy only');
    return {
      price: { ...(price.value as PriceReading), stale: price.stale },
      chain: { ...chainValue, stale: chain.stale },
      subsidy,
      blockReward: subsidy + fees,
      notices,
    };
  }

  private async refresh(kind: 'price' | 'chain', notices: string[]): Promise<{ value: PriceReading | ChainReading; stale: boolean }> {
    try {
      if (kind === 'price') {
        this.pricePending ??= this.fetchPrice().finally(() => (this.pricePending = null));
        this.price = await this.pricePending;
        return { value: this.price, stale: false };
      }
      this.chainPending ??= this.fetchChain().finally(() => (this.chainPending = null));
      this.chain = await this.chainPending;
      return { value: this.chain, stale: false };
    } catch (error) {
      const last = kind === 'price' ? this.price : this.chain;
      const message = error instanceof Error ? error.message : String(error);
      if (!last) throw new MarketError(`no ${kind === 'price' ? 'BTC price' : 'difficulty'} available: ${message}`, 'market');
      const ageMin = Math.round((this.deps.now() - last.at) / 60_000);
      notices.push(`${kind === 'price' ? 'price' : 'difficulty'} is ${ageMin} min old (${message})`);
      return { value: last, stale: true };
    }
  }

  private async getJson(api: string, url: string): Promise<unknown> {
    const text = await this.getText(api, url);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UpstreamError(`${api}: reply is not JSON`, 'bad-json');
    }
  }

  private async getText(api: string, url: string): Promise<string> {
    chargeUpstream(1, api);
    let response: Response;
    try {
      response = await this.fetch(url, { signal: AbortSignal.timeout(this.config.timeoutMs), headers: { accept: 'application/json, text/plain' } });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `timeout after ${this.config.timeoutMs} ms` : 'connection failed';
      throw new UpstreamError(`${api}: ${reason}`, 'network');
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new UpstreamError(`${api}: HTTP ${response.status}${response.status === 429 ? ' (rate limited)' : ''}`, response.status);
    }
    try {
      // a price or difficulty answer is a few KB: anything near 1 MiB is not one
      return await readBodyText(response, MAX_MARKET_REPLY_BYTES);
    } catch (error) {
      throw new UpstreamError(`${api}: ${error instanceof BodyTooLargeError ? error.message : 'reply cut off'}`, 'network');
    }
  }

  /** Runs the attempts in order; the first success wins. */
  private async firstOf<T>(attempts: Array<[string, () => Promise<T>]>, what: string): Promise<T> {
    const errors: string[] = [];
    for (const [api, attempt] of attempts) {
      try {
        return await attempt();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        errors.push(message.startsWith(api) ? message : `${api}: ${message}`);
        this.deps.onFailure?.(api, message);
      }
    }
    this.lastErrors = errors;
    throw new UpstreamError(attempts.length === 0 ? `no ${what} source configured` : `${what}: ${errors.join('; ')}`, 'market');
  }

  private fetchPrice(): Promise<PriceReading> {
    const { coingecko, coincap } = this.config.priceApis;
    const currency = this.config.currency;
    const attempts: Array<[string, () => Promise<PriceReading>]> = [];
    if (coingecko) {
      attempts.push([
        'coingecko',
        async () => {
          const body = (await this.getJson('coingecko', `${coingecko.replace(/\/$/, '')}/api/v3/simple/price?ids=bitcoin&vs_currencies=${currency}`)) as {
            bitcoin?: Record<string, unknown>;
          };
          const price = body.bitcoin?.[currency];
          if (typeof price !== 'number' || !(price > 0)) throw new UpstreamError(`coingecko: no bitcoin.${currency} price in reply`);
          return { price, currency, source: 'coingecko', at: this.deps.now() };
        },
      ]);
    }
    // CoinCap's assets endpoint quotes USD only
    if (coincap && currency === 'usd') {
      attempts.push([
        'coincap',
        async () => {
          const body = (await this.getJson('coincap', `${coincap.replace(/\/$/, '')}/v2/assets/bitcoin`)) as { data?: { priceUsd?: unknown } };
          const price = Number(body.data?.priceUsd);
          if (!(price > 0)) throw new UpstreamError('coincap: no data.priceUsd in reply');
          return { price, currency, source: 'coincap', at: this.deps.now() };
        },
      ]);
    }
    return this.firstOf(attempts, 'price');
  }

  private fetchChain(): Promise<ChainReading> {
    const attempts: Array<[string, () => Promise<ChainReading>]> = [];
    const bitcoinId = this.config.bitcoinSource;
    if (bitcoinId) attempts.push([`bitcoin:${bitcoinId}`, () => this.fromNode(bitcoinId)]);
    const { mempool, blockchainInfo } = this.config.difficultyApis;
    if (mempool) attempts.push(['mempool', () => this.fromMempool(mempool.replace(/\/$/, ''))]);
    if (blockchainInfo) attempts.push(['blockchainInfo', () => this.fromBlockchainInfo(blockchainInfo.replace(/\/$/, ''))]);
    return this.firstOf(attempts, 'difficulty');
  }

  /** The own node's tip and the getblockstats fee totals of its last 144 blocks (its ChainReader). */
  private async fromNode(id: string): Promise<ChainReading> {
    const chain = chainOf(this.deps.lookup(id));
    if (!chain) throw new UpstreamError(`bitcoin source "${id}" is not configured`);
    const tip = await chain.tip();
    const difficulty = finiteOrNull(tip.difficulty);
    const height = finiteOrNull(tip.height);
    if (difficulty === null || !(difficulty > 0) || height === null) throw new UpstreamError(`bitcoin:${id}: chain.info has no difficulty/height`);
    let feesPerBlock: number | null = null;
    let feesSource = `bitcoin:${id}`;
    try {
      const fees = (await chain.recentBlockFees(144)).filter((f) => typeof f === 'number' && Number.isFinite(f));
      if (fees.length > 0) feesPerBlock = fees.reduce((a, b) => a + b, 0) / fees.length;
    } catch {
      // fees are a refinement; difficulty from the node still wins
    }
    if (feesPerBlock === null) {
      const mempool = this.config.difficultyApis.mempool;
      feesPerBlock = mempool ? await this.mempoolFees(mempool.replace(/\/$/, '')).catch(() => null) : null;
      feesSource = feesPerBlock === null ? 'none' : 'mempool';
    }
    return { difficulty, height, difficultyChangePercent: null, feesPerBlock, source: `bitcoin:${id}`, feesSource, at: this.deps.now() };
  }

  private async mempoolFees(base: string): Promise<number> {
    const stats = (await this.getJson('mempool', `${base}/api/v1/mining/reward-stats/144`)) as { totalFee?: unknown; startBlock?: unknown; endBlock?: unknown };
    const total = Number(stats.totalFee);
    const blocks = Number(stats.endBlock) - Number(stats.startBlock) + 1;
    if (!(total >= 0) || !(blocks > 0)) throw new UpstreamError('mempool: reward-stats has no totalFee');
    return total / blocks / 1e8;
  }

  private async fromMempool(base: string): Promise<ChainReading> {
    const [heightText, adjustment, hashrate] = await Promise.all([
      this.getText('mempool', `${base}/api/blocks/tip/height`),
      this.getJson('mempool', `${base}/api/v1/difficulty-adjustment`) as Promise<{ difficultyChange?: unknown }>,
      this.getJson('mempool', `${base}/api/v1/mining/hashrate/3d`) as Promise<{ currentDifficulty?: unknown }>,
    ]);
    const height = Number(heightText.trim());
    const difficulty = Number(hashrate.currentDifficulty);
    if (!Number.isInteger(height) || height < 0 || !(difficulty > 0)) throw new UpstreamError('mempool: no height/difficulty in reply');
    const change = Number(adjustment.difficultyChange);
    const feesPerBlock = await this.mempoolFees(base).catch(() => null);
    return {
      difficulty,
      height,
      difficultyChangePercent: Number.isFinite(change) ? change : null,
      feesPerBlock,
      source: 'mempool',
      feesSource: feesPerBlock === null ? 'none' : 'mempool',
      at: this.deps.now(),
    };
  }

  private async fromBlockchainInfo(base: string): Promise<ChainReading> {
    const [difficultyText, heightText] = await Promise.all([
      this.getText('blockchainInfo', `${base}/q/getdifficulty`),
      this.getText('blockchainInfo', `${base}/q/getblockcount`),
    ]);
    const difficulty = Number(difficultyText.trim());
    const height = Number(heightText.trim());
    if (!(difficulty > 0) || !Number.isInteger(height)) throw new UpstreamError('blockchainInfo: reply is not a number');
    // blockchain.info has no fee average: ask mempool.space for it when configured
    const mempool = this.config.difficultyApis.mempool;
    const feesPerBlock = mempool ? await this.mempoolFees(mempool.replace(/\/$/, '')).catch(() => null) : null;
    return {
      difficulty,
      height,
      difficultyChangePercent: null,
      feesPerBlock,
      source: 'blockchainInfo',
      feesSource: feesPerBlock === null ? 'none' : 'mempool',
      at: this.deps.now(),
    };
  }
}
