import { type ElectrumSimulatorBase, type ElectrumSimulatorOptions, rateFor, type Scrape, startIndexServer } from './common.js';

/** electrs' Prometheus content type (rust-prometheus TEXT_FORMAT) */
const TEXT_FORMAT = 'text/plain; version=0.0.4';

/** metrics::default_duration_buckets() in electrs 0.10 */
const DURATION_BUCKETS = [
  1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1, 2e-1, 5e-1, 1, 2, 5,
  10, 20, 50, 100,
];

/** Electrum protocol methods clients call most, with a typical duration in seconds */
const RPC_METHODS: Array<[string, number]> = [
  ['blockchain.scripthash.subscribe', 0.004],
  ['blockchain.scripthash.get_history', 0.006],
  ['blockchain.headers.subscribe', 0.0002],
  ['blockchain.transaction.get', 0.002],
  ['blockchain.estimatefee', 0.0003],
  ['blockchain.relayfee', 0.0001],
  ['blockchain.block.header', 0.0004],
  ['mempool.get_fee_histogram', 0.0002],
  ['server.ping', 0.00002],
  ['server.version', 0.00003],
];

const INDEX_STEPS: Array<[string, number]> = [
  ['headers', 0.02],
  ['block', 0.35],
  ['sort', 0.004],
  ['write', 0.03],
];

const DB_PROPERTIES = [
  'rocksdb.estimate-live-data-size',
  'rocksdb.total-sst-files-size',
  'rocksdb.estimate-num-keys',
  'rocksdb.num-running-compactions',
];
const COLUMN_FAMILIES = ['config', 'headers', 'txid', 'funding', 'spending'];

export interface ElectrsSimulator extends ElectrumSimulatorBase {
  metricsUrl: string;
}

/** rust's f64 Display: no exponent notation */
function num(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (Number.isInteger(value)) return String(value);
  const text = String(value);
  return text.includes('e') ? value.toFixed(20).replace(/0+$/, '') : text;
}

/** share of observations at or below `le` for a log-normal around `typical` */
function cdf(le: number, typical: number): number {
  const z = (Math.log(le) - Math.log(typical)) / 0.9;
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

function histogram(lines: string[], name: string, label: string, series: Array<[string, number, number]>): void {
  for (const [value, count, typical] of series) {
    let previous = 0;
    for (const le of DURATION_BUCKETS) {
      const cumulative = Math.max(previous, Math.floor(count * cdf(le, typical)));
      previous = cumulative;
      lines.push(`${name}_bucket{${label}="${value}",le="${num(le)}"} ${cumulative}`);
    }
    lines.push(`${name}_bucket{${label}="${value}",le="+Inf"} ${count}`);
    lines.push(`${name}_sum{${label}="${value}"} ${num(Math.round(count * typical * 1.2 * 1e6) / 1e6)}`);
    lines.push(`${name}_count{${label}="${value}"} ${count}`);
  }
}

/** electrs' mempool fee histogram label: "[{:20.0}, {:20.0})" of the power-of-two bin */
function feeRateLabel(binIndex: number): string {
  const limit = 1n << BigInt(65 - binIndex - 1);
  const lower = limit / 2n;
  return `[${String(lower).padStart(20)}, ${String(limit).padStart(20)})`;
}

/** FeeHistogram::bin_index: leading zeros of the integer sat/vB rate as a u64 */
export function feeRateBin(feeSats: number, vsize: number): number {
  const rate = Math.floor(feeSats / vsize);
  return rate < 1 ? 64 : 63 - Math.floor(Math.log2(rate));
}

export function renderElectrsMetrics(options: ElectrumSimulatorOptions, { seed, elapsed, height }: Scrape): string {
  const lines: string[] = [];
  lines.push('# HELP electrs_index_db_properties Index DB properties', '# TYPE electrs_index_db_properties gauge');
  for (const property of DB_PROPERTIES) {
    for (const cf of COLUMN_FAMILIES) {
      const base = property.includes('compactions')
        ? 0
        : Math.round(height * rateFor(`${property}:${cf}`, 10, 60_000, seed));
      lines.push(`electrs_index_db_properties{name="${property}:${cf}"} ${base}`);
    }
  }
  lines.push(
    '# HELP electrs_index_height Indexed block height',
    '# TYPE electrs_index_height gauge',
    `electrs_index_height{type="tip"} ${height}`
  );
  lines.push(
    '# HELP electrs_index_update_duration Index update duration (in seconds)',
    '# TYPE electrs_index_update_duration histogram'
  );
  const blocksIndexed = height + 1;
  histogram(
    lines,
    'electrs_index_update_duration',
    'step',
    INDEX_STEPS.map(([step, typical]) => [
      step,
      step === 'headers' ? Math.floor(elapsed / 5) + 1 : blocksIndexed,
      typical,
    ])
  );
  // mempool fee histogram from the node's mempool: bin = leading zeros of the u64 fee rate
  const vsize = new Array<number>(65).fill(0);
  const count = new Array<number>(65).fill(0);
  for (const entry of options.bitcoin.mempoolEntries?.().values() ?? []) {
    const bin = feeRateBin(Math.round(entry.fee * 1e8), entry.vsize);
    vsize[bin] = (vsize[bin] as number) + entry.vsize;
    count[bin] = (count[bin] as number) + 1;
  }
  // all 65 bins are set on every update; the encoder lists them by label, i.e. lowest rate first
  lines.push(
    '# HELP electrs_mempool_txs_count Total number of mempool transactions',
    '# TYPE electrs_mempool_txs_count gauge'
  );
  for (let bin = 64; bin >= 0; bin--)
    lines.push(`electrs_mempool_txs_count{fee_rate="${feeRateLabel(bin)}"} ${count[bin]}`);
  lines.push(
    '# HELP electrs_mempool_txs_vsize Total vsize of mempool transactions (in bytes)',
    '# TYPE electrs_mempool_txs_vsize gauge'
  );
  for (let bin = 64; bin >= 0; bin--)
    lines.push(`electrs_mempool_txs_vsize{fee_rate="${feeRateLabel(bin)}"} ${vsize[bin]}`);
  lines.push('# HELP electrs_rpc_duration RPC duration (in seconds)', '# TYPE electrs_rpc_duration histogram');
  const clients = options.clients ?? 8;
  histogram(
    lines,
    'electrs_rpc_duration',
    'method',
    RPC_METHODS.map(([method, typical]) => [
      method,
      Math.floor(elapsed * clients * rateFor(method, 0.02, 0.6, seed)),
      typical,
    ])
  );
  lines.push(
    '# HELP electrs_server_loop_duration server loop duration',
    '# TYPE electrs_server_loop_duration histogram'
  );
  histogram(lines, 'electrs_server_loop_duration', 'step', [
    ['handle', Math.floor(elapsed * 3), 0.002],
    ['notify', Math.floor(elapsed / 10), 0.0005],
    ['select', Math.floor(elapsed * 3), 0.3],
    ['sync', Math.floor(elapsed / 10), 0.05],
  ]);
  return `${lines.join('\n')}\n`;
}

/**
 * electrs' metrics server (tiny_http): every request, whatever its path or method, gets the
 * Prometheus text of its registry.
 */
export async function startElectrsSimulator(options: ElectrumSimulatorOptions): Promise<ElectrsSimulator> {
  const base = await startIndexServer(
    options,
    (res) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('failed to encode metrics'),
    (_req, res, scrape) => {
      const body = renderElectrsMetrics(options, scrape);
      res.writeHead(200, { 'Content-Type': TEXT_FORMAT, 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
    }
  );
  return { ...base, metricsUrl: `${base.url}metrics` };
}
