// Benchmarks print figures beside a baseline measured in the same run, and write each figure to
// bench/results/<name>.json so runs can be compared. They never pass or fail.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** the goal as written in the issue, e.g. "<= 5 ms" */
  goal: string;
  baseline: { what: string; value: number } | null;
  /** baseline / value when lower is better, value / baseline when higher is better */
  ratio: number | null;
  /** free-form extra figures (per-concurrency tables etc.) */
  details?: Record<string, unknown>;
}

export interface StoredResult extends BenchResult {
  machine: { cpus: number; cpuModel: string; node: string };
  at: string;
}

// bench/results lives in the source tree (dist/bench/lib.js -> ../../bench/results)
const here = dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = here.includes(`${join('dist', 'bench')}`) ? join(here, '..', '..', 'bench', 'results') : join(here, 'results');

export function machine(): StoredResult['machine'] {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', node: process.version };
}

export async function saveResult(result: BenchResult): Promise<StoredResult> {
  const stored: StoredResult = { ...result, machine: machine(), at: new Date().toISOString() };
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, `${result.name}.json`), JSON.stringify(stored, null, 2) + '\n');
  return stored;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function ratio(value: number, baseline: number, lowerIsBetter: boolean): number {
  if (!(value > 0) || !(baseline > 0)) return NaN;
  return Number((lowerIsBetter ? baseline / value : value / baseline).toFixed(2));
}

export function formatResult(result: BenchResult): string {
  const base = result.baseline ? `  vs ${result.baseline.what}: ${fmt(result.baseline.value)} ${result.unit}` : '';
  const r = result.ratio !== null && Number.isFinite(result.ratio) ? `  (${result.ratio}x)` : '';
  return `${result.name.padEnd(34)} ${fmt(result.value).padStart(12)} ${result.unit.padEnd(8)} goal ${result.goal}${base}${r}`;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 3);
}
