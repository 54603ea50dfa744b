// Debian's real Prometheus for the tests: 127.0.0.1 on a free port, its config and data in the
// caller's temp folder, its output kept for failure messages.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { freePort } from '../../backend-proxy/test/influxd.ts';
import { PROMETHEUS } from './paths.ts';
import { scaledRulesYaml } from './scaledRules.ts';

export interface PrometheusServer {
  url: string;
  /** what Prometheus printed so far */
  log(): string;
  stop(): void;
}

/** Writes `config` as work/prometheus.yml (rule_files are relative to work), starts Prometheus and waits until it is ready. */
export async function startPrometheus(work: string, config: object, extraArgs: string[] = []): Promise<PrometheusServer> {
  writeFileSync(join(work, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(
    PROMETHEUS,
    [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...extraArgs, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const server: PrometheusServer = { url, log: () => output, stop: () => void child.kill('SIGTERM') };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${output}`);
    if (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)) return server;
    if (Date.now() > deadline) {
      server.stop();
      throw new Error(`prometheus not ready: ${output}`);
    }
    await sleep(200);
  }
}

/** One alert of Prometheus' /api/v1/alerts. */
export interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

/** One sample of an instant query's vector result. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The alerts Prometheus holds now, pending and firing. */
export async function promAlerts(prometheus: PrometheusServer): Promise<PromAlert[]> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } };
  return body.data.alerts;
}

/** An instant query's vector result. */
export async function promQuery(prometheus: PrometheusServer, query: string): Promise<PromSample[]> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as {
    data: { result: PromSample[] };
  };
  return body.data.result;
}

/** Whether `name` fires with (at least) these labels. */
export const isFiring = (list: PromAlert[], name: string, labels: Record<string, string> = {}): boolean =>
  list.some(
    (a) =>
      a.state === 'firing' && a.labels.alertname === name && Object.entries(labels).every(([k, v]) => a.labels[k] === v)
  );

/** The `source` labels of the alerts `name` that fire. */
export const firingSources = (list: PromAlert[], name: string): Array<string | undefined> =>
  list.filter((a) => a.state === 'firing' && a.labels.alertname === name).map((a) => a.labels.source);

/**
 * Polls the alerts every 500 ms until `done` holds or `timeoutMs` passes; `ok` says which, `list`
 * is the last answer either way (for the caller's failure message or its own expectations).
 */
export async function pollAlerts(
  prometheus: PrometheusServer,
  done: (list: PromAlert[]) => boolean,
  timeoutMs: number
): Promise<{ ok: boolean; list: PromAlert[] }> {
  const deadline = Date.now() + timeoutMs;
  let list: PromAlert[] = [];
  while (Date.now() < deadline) {
    list = await promAlerts(prometheus);
    if (done(list)) return { ok: true, list };
    await sleep(500);
  }
  return { ok: false, list };
}

/** An alert as a failure message shows it: `Name{label=value,…} state`, the alertname left out of the labels. */
export const describeAlert = (a: PromAlert): string =>
  `${a.labels.alertname}{${Object.entries(a.labels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}} ${a.state}`;

/**
 * Polls Prometheus's alerts until `done` holds (bounded). On a timeout it throws what was firing
 * (`show`: the alerts worth showing), the samples of `series` and the tail of Prometheus's log.
 */
export async function waitForAlerts(
  prometheus: PrometheusServer,
  what: string,
  done: (list: PromAlert[]) => boolean,
  { series, show = (list) => list.map(describeAlert), timeoutMs = 40_000 }: { series: string; show?: (list: PromAlert[]) => string[]; timeoutMs?: number }
): Promise<PromAlert[]> {
  const { ok, list } = await pollAlerts(prometheus, done, timeoutMs);
  if (ok) return list;
  const samples = await promQuery(prometheus, series);
  throw new Error(
    `timed out waiting for ${what}; alerts: ${JSON.stringify(show(list))}\nseries: ${JSON.stringify(samples)}\nprometheus log tail: ${prometheus.log().slice(-1500)}`
  );
}

/**
 * Prometheus evaluating the catalog's rules (scaled: scaledRules.ts) every second over a 1 s
 * scrape of the proxy at `proxyUrl`, as the alert integration tests run it.
 */
export function startRulesPrometheus(work: string, proxyUrl: string, extraArgs: string[] = []): Promise<PrometheusServer> {
  writeFileSync(join(work, 'rules.yml'), scaledRulesYaml());
  return startPrometheus(
    work,
    {
      global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
      rule_files: ['rules.yml'],
      scrape_configs: [{ job_name: 'nodescope', static_configs: [{ targets: [new URL(proxyUrl).host] }] }],
    },
    extraArgs
  );
}
