// The query catalog as one typed contract: per kind and query, the params it takes (a small
// declarative spec the proxy validates with and the query editor draws its rows from), whether
// it can be followed live and the names of the frames it answers with. Extend, never rename: the
// proxy's sources are keyed by these names (a missing or extra query is a compile error there)
// and the editor looks params up here.

export const SOURCE_KINDS = ['bitcoin', 'stacks', 'geth', 'cgminer', 'profitability', 'freqtrade', 'lightning', 'beacon', 'chain'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** The phases a lightning channel is in (the `channels` query's `phase` column and filter). */
export const LIGHTNING_CHANNEL_PHASES = ['active', 'inactive', 'pending_open', 'waiting_close', 'force_closing', 'closing'] as const;

/** Template variables a source kind serves on `/api/variables` (`sources` needs no source). */
export const VARIABLES_BY_KIND = {
  bitcoin: ['peers', 'peerNetworks', 'feeTargets'],
  stacks: ['components', 'levels'],
  geth: [],
  cgminer: ['miners', 'pools'],
  profitability: ['fleets', 'miners'],
  freqtrade: ['bots', 'pairs'],
  lightning: [],
  beacon: [],
  chain: [],
} as const satisfies Record<SourceKind, readonly string[]>;
export type VariableName = 'sources' | (typeof VARIABLES_BY_KIND)[SourceKind][number];
/** Every variable name `/api/variables` answers, `sources` first. */
export const VARIABLE_NAMES: readonly VariableName[] = ['sources', ...new Set(Object.values(VARIABLES_BY_KIND).flat())];

/** What a query param value may be on the wire (`POST /api/query` params). */
export type ParamValue = string | number | boolean | string[];

interface ParamBase {
  /** the editor's label */
  label: string;
  description?: string;
  /** the editor's placeholder (what is used when the param is left out, or an example) */
  placeholder?: string;
  /** the query fails without it */
  required?: boolean;
  /** values can be listed by this template variable */
  variable?: VariableName;
}
export interface NumberParam extends ParamBase {
  type: 'number' | 'integer';
  min: number;
  max: number;
  default?: number;
}
export interface StringParam extends ParamBase {
  type: 'string';
  /** longest value accepted (default 1000, the request schema's limit) */
  maxLength?: number;
  default?: string;
}
export interface EnumParam extends ParamBase {
  type: 'enum';
  values: readonly string[];
  default?: string;
}
export interface BooleanParam extends ParamBase {
  type: 'boolean';
  default?: boolean;
}
/** A list: an array, or one comma-separated string. */
export interface ListParam extends ParamBase {
  type: 'list';
  items: 'string' | 'number';
  /** bounds of each number item */
  min?: number;
  max?: number;
  maxItems: number;
  /** number items must be strictly increasing */
  increasing?: true;
  default?: readonly string[] | readonly number[];
}
export type ParamSpec = NumberParam | StringParam | EnumParam | BooleanParam | ListParam;

export interface QuerySpec {
  params: Readonly<Record<string, ParamSpec>>;
  /** can be followed live over `/api/stream` (SSE) */
  streams?: true;
  /** the names of the frames it answers with, when not one frame named as the query */
  frames?: readonly string[];
}

const count = (max: number, fallback: number, label: string, description: string): NumberParam & { default: number } => ({
  type: 'integer',
  min: 1,
  max,
  default: fallback,
  label,
  placeholder: String(fallback),
  description,
});
const miner = {
  type: 'string',
  required: true,
  label: 'Miner',
  placeholder: 'rig-1 or $miner',
  description: 'a miner name or host:port from the miners table',
  variable: 'miners',
} as const satisfies StringParam;
const pair = { type: 'string', maxLength: 64, label: 'Pair', placeholder: 'BTC/USDT or $pair', variable: 'pairs' } as const satisfies StringParam;
const none = { params: {} } as const;
const live = { params: {}, streams: true } as const;
const electricityPerKwh = { type: 'number', min: 0, max: 10, label: 'Electricity ($/kWh)', placeholder: 'from config' } as const;
const poolFeePercent = { type: 'number', min: 0, max: 100, label: 'Pool fee (%)', placeholder: 'from config' } as const;
const price = { type: 'number', min: 0.000001, max: 1e9, label: 'BTC price', placeholder: 'market' } as const;
const difficulty = { type: 'number', min: 1, max: 1e20, label: 'Difficulty', placeholder: 'network' } as const;
const feesPerBlock = { type: 'number', min: 0, max: 1_000, label: 'Fees per block (BTC)', placeholder: 'recent blocks' } as const;

/** Every query of every kind; the order is the editor's. */
export const CATALOG = {
  bitcoin: {
    'chain.info': live,
    'blocks.recent': { params: { count: count(144, 10, 'Count', 'number of most recent blocks') } },
    'network.peers': none,
    'network.traffic': none,
    'mempool.summary': live,
    // vsize and count, appended by name to their rings when followed live
    'mempool.histogram': { ...live, frames: ['mempool.histogram', 'mempool.histogram.count'] },
    'mempool.blocks': live,
    'fees.estimates': none,
    'zmq.status': live,
    'electrum.stats': none,
    // the host under the node: datadir free space and days until full, clock offset, size_on_disk growth
    'host.health': none,
  },
  stacks: {
    'node.info': live,
    'node.neighbors': {
      params: { direction: { type: 'enum', values: ['inbound', 'outbound', 'sample', 'bootstrap'], label: 'Direction' } },
    },
    'signer.status': none,
    'host.health': none,
    logs: {
      streams: true,
      params: {
        // severities or their stacks-core abbreviations (ERRO, WARN…); the source maps them
        level: { type: 'list', items: 'string', maxItems: 16, label: 'Level', placeholder: 'error,warn', description: 'one or several severities' },
        search: { type: 'string', label: 'Search', placeholder: 'text in the line' },
        service: { type: 'enum', values: ['node', 'signer'], label: 'Service' },
        component: { type: 'string', label: 'Component', placeholder: 'e.g. chainstate' },
        limit: count(5_000, 1_000, 'Limit', 'number of most recent lines'),
      },
    },
  },
  geth: {
    'chain.head': none,
    // the count, and the peers table when the admin namespace is enabled
    'network.peers': { ...none, frames: ['network.peers.summary', 'network.peers'] },
    'txpool.status': none,
    'fees.history': {
      params: {
        // geth caps eth_feeHistory at 1024 blocks
        blocks: count(1_024, 20, 'Blocks', 'number of most recent blocks'),
        percentiles: {
          type: 'list',
          items: 'number',
          min: 0,
          max: 100,
          maxItems: 10,
          // geth refuses percentiles outside 0..100 or that decrease (ethereum/go-ethereum@07564049:
          // eth/gasprice/feehistory.go, FeeHistory); equal neighbours are refused here too, as before
          increasing: true,
          default: [10, 50, 90],
          label: 'Percentiles',
          placeholder: '10,50,90',
          description: 'strictly increasing, 0 to 100',
        },
      },
    },
    'sync.status': none,
    'host.health': none,
  },
  cgminer: {
    'fleet.summary': live,
    miners: {
      streams: true,
      params: { status: { type: 'enum', values: ['all', 'online', 'offline', 'unknown'], default: 'all', label: 'Status' } },
    },
    'miner.devices': { params: { miner }, frames: ['miner.devices', 'miner.fans'] },
    'miner.pools': { params: { miner } },
    'miner.history': { params: { miner } },
    'pool.accounts': none,
  },
  profitability: {
    market: none,
    miners: { ...none, frames: ['profitability.miners', 'profitability.fleets'] },
    'fleet.history': none,
    whatif: {
      frames: ['whatif', 'whatif.sweep'],
      params: {
        hashrateTh: { type: 'number', min: 0, max: 1e9, label: 'Hashrate (TH/s)', placeholder: '110' },
        joulesPerTh: { type: 'number', min: 0, max: 10_000, label: 'Efficiency (J/TH)', placeholder: '29.5' },
        electricityPerKwh,
        poolFeePercent,
        price,
        difficulty,
        feesPerBlock,
      },
    },
    tariffs: none,
    'hashprice.forward': {
      frames: ['hashprice.forward', 'hashprice.forward.blocks'],
      params: {
        blocks: { type: 'integer', min: 1, max: 8, label: 'Blocks', placeholder: '3', description: 'projected next blocks of the own mempool counted (1-8)' },
      },
    },
    roi: {
      // a row per growth scenario, and a curve frame per scenario
      frames: ['roi', 'roi.curve'],
      params: {
        purchasePrice: {
          type: 'number',
          min: 0.01,
          max: 1e9,
          required: true,
          label: 'Purchase price',
          placeholder: '3500',
          description: "the miner's price in the source currency",
        },
        model: { type: 'string', label: 'Model', placeholder: 'Antminer S19', description: 'a model of the spec table, or hashrate and power below' },
        hashrateTh: { type: 'number', min: 0.001, max: 1e6, label: 'Hashrate (TH/s)', placeholder: '110' },
        powerWatts: { type: 'number', min: 1, max: 1e7, label: 'Power (W)', placeholder: '3250' },
        joulesPerTh: { type: 'number', min: 1, max: 10_000, label: 'Efficiency (J/TH)', placeholder: 'instead of power' },
        fleet: { type: 'string', label: 'Tariff of fleet', placeholder: 'farm-a', description: "price the energy with this fleet's tariff", variable: 'fleets' },
        electricityPerKwh,
        poolFeePercent,
        price,
        difficulty,
        height: { type: 'integer', min: 0, max: 13_440_000, label: 'Height', placeholder: 'network' },
        feesPerBlock,
        growth: {
          type: 'list',
          items: 'number',
          min: -50,
          max: 100,
          maxItems: 6,
          default: [0, 2, 4],
          label: 'Difficulty growth (%/retarget)',
          placeholder: '0,2,4',
          description: 'difficulty change per retarget, one scenario each',
        },
        horizonDays: { type: 'number', min: 1, max: 3_650, default: 1_095, label: 'Horizon (days)', placeholder: '1095' },
      },
    },
  },
  freqtrade: {
    bots: none,
    profit: { ...none, frames: ['profit', 'profit.equity'] },
    trades: {
      streams: true,
      params: { pair, limit: count(100_000, 1_000, 'Limit', 'number of most recent trades') },
    },
    'open.trades': { streams: true, params: { pair } },
    performance: none,
    balance: { ...none, frames: ['balance', 'balance.total'] },
    // the bound is the source's `dailyDays` (at most 365), checked by the source
    daily: { params: { days: { type: 'integer', min: 1, max: 365, label: 'Days', placeholder: '30' } } },
    health: none,
  },
  /** lnd (REST) or Core Lightning (clnrest): one kind, the `implementation` config field picks the API */
  lightning: {
    'node.info': none,
    channels: {
      params: {
        phase: { type: 'enum', values: ['all', ...LIGHTNING_CHANNEL_PHASES], default: 'all', label: 'Phase', description: 'only channels in this phase' },
      },
    },
    balances: none,
    forwards: none,
  },
  /** an Ethereum consensus client through the standard Beacon API (Lighthouse, Prysm, Teku, Nimbus, Lodestar) */
  beacon: {
    'node.info': none,
    'sync.status': none,
    finality: none,
    'network.peers': none,
  },
  /** one chain, several nodes: bitcoin sources compared (tips, forks and stale blocks, lag, reorgs) */
  chain: {
    nodes: none,
    tips: none,
    heights: none,
    lag: none,
  },
} as const satisfies Record<SourceKind, Readonly<Record<string, QuerySpec>>>;

type Catalog = typeof CATALOG;
export type QueryName<K extends SourceKind = SourceKind> = K extends SourceKind ? keyof Catalog[K] & string : never;
/** The queries of a kind that can be followed live. */
export type StreamName<K extends SourceKind> = {
  [Q in QueryName<K>]: Catalog[K][Q] extends { streams: true } ? Q : never;
}[QueryName<K>];

type ValueOf<P> = P extends { type: 'number' | 'integer' }
  ? number
  : P extends { type: 'enum'; values: readonly (infer V)[] }
    ? V
    : P extends { type: 'boolean' }
      ? boolean
      : P extends { type: 'list'; items: 'number' }
        ? number[]
        : P extends { type: 'list' }
          ? string[]
          : string;
type SpecsOf<K extends SourceKind, Q extends QueryName<K>> = Catalog[K][Q] extends { params: infer P } ? P : never;
type Always<S> = { [N in keyof S]: S[N] extends { default: unknown } | { required: true } ? N : never }[keyof S];
type Simplify<T> = { [N in keyof T]: T[N] };
/** The params a query's handler receives: parsed, with defaults filled in. */
export type ParamsOf<K extends SourceKind, Q extends QueryName<K>> = Simplify<
  { [N in Always<SpecsOf<K, Q>>]: ValueOf<SpecsOf<K, Q>[N]> } & { [N in Exclude<keyof SpecsOf<K, Q>, Always<SpecsOf<K, Q>>>]?: ValueOf<SpecsOf<K, Q>[N]> }
>;

function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The spec of a query of a kind, or undefined for a name the kind does not serve. */
export function querySpec(kind: SourceKind, query: string): QuerySpec | undefined {
  const byQuery: Readonly<Record<string, QuerySpec>> = CATALOG[kind];
  return own(byQuery, query);
}

/** The names of the frames a query answers with (the catalog's, or one named as the query). */
export function frameNames(kind: SourceKind, query: string): readonly string[] {
  const spec = querySpec(kind, query);
  return spec ? (spec.frames ?? [query]) : [];
}

/** The params of a query, in the editor's order. */
export function paramSpecs<K extends SourceKind>(kind: K, query: QueryName<K>): Array<[string, ParamSpec]> {
  return Object.entries(querySpec(kind, query)?.params ?? {});
}

export type ParseResult = { ok: true; params: Record<string, ParamValue | number[]> } | { ok: false; error: string };

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function toNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && NUMBER.test(raw.trim())) return Number(raw.trim());
  return Number.NaN;
}

function checkNumber(spec: NumberParam | ListParam, n: number): boolean {
  if (!Number.isFinite(n)) return false;
  if (spec.type === 'integer' && !Number.isInteger(n)) return false;
  return (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
}

/** Parses one value; a string is the reason it is refused. */
function parseValue(spec: ParamSpec, raw: unknown): { value: ParamValue | number[] } | string {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const n = toNumber(raw);
      if (checkNumber(spec, n)) return { value: n };
      return `must be ${spec.type === 'integer' ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max}`;
    }
    case 'string': {
      const max = spec.maxLength ?? 1_000;
      if (typeof raw === 'string' && raw.length <= max) return { value: raw };
      return `must be a string of at most ${max} characters`;
    }
    case 'enum':
      if (typeof raw === 'string' && spec.values.includes(raw)) return { value: raw };
      return `must be one of ${spec.values.join(', ')}`;
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      return 'must be true or false';
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((item) => item.trim()) : null;
      const what = spec.items === 'number' ? `numbers${spec.min !== undefined ? ` from ${spec.min} to ${spec.max}` : ''}` : 'strings';
      const refusal = `must be 1 to ${spec.maxItems} ${what}, as a list or comma-separated`;
      if (!items || items.length === 0 || items.length > spec.maxItems) return refusal;
      if (spec.items === 'string') {
        return items.every((item): item is string => typeof item === 'string' && item !== '') ? { value: items } : refusal;
      }
      const numbers = items.map((item) => (item === '' ? Number.NaN : toNumber(item)));
      if (!numbers.every((n) => checkNumber(spec, n))) return refusal;
      if (spec.increasing && numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!)) return 'must be strictly increasing';
      return { value: numbers };
    }
  }
}

/**
 * Checks a query's params against its spec, once, where the request arrives: unknown names, bad
 * values and missing required params are refused with a message naming the param; an empty
 * string means "not given" (what the editor sends for a cleared input); defaults are filled in.
 */
export function parseQueryParams(kind: SourceKind, query: string, raw: Readonly<Record<string, unknown>>): ParseResult {
  const spec = querySpec(kind, query);
  if (!spec) return { ok: false, error: `${kind} has no query "${query}"` };
  const params: Record<string, ParamValue | number[]> = {};
  for (const name of Object.keys(raw)) {
    if (own(spec.params, name)) continue;
    const allowed = Object.keys(spec.params);
    return {
      ok: false,
      error: `${query}: unknown parameter "${name}"${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (this query takes none)'}`,
    };
  }
  for (const [name, param] of Object.entries(spec.params)) {
    const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
    // a required param left blank is missing too (a miner name of spaces names no miner)
    if (value === undefined || value === '' || (param.required && typeof value === 'string' && value.trim() === '')) {
      if (param.default !== undefined) params[name] = Array.isArray(param.default) ? [...(param.default as readonly (string | number)[])] as ParamValue : (param.default as ParamValue);
      else if (param.required) return { ok: false, error: `${query}: parameter "${name}" is required${param.description ? ` (${param.description})` : ''}` };
      continue;
    }
    const parsed = parseValue(param, value);
    if (typeof parsed === 'string') return { ok: false, error: `${query}: ${name} ${parsed}` };
    params[name] = parsed.value;
  }
  return { ok: true, params };
}
