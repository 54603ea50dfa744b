// The scale-out path of the README's "Architecture" with real components: two proxies (two sites, each with
// its own simulated bitcoind) -> Debian's `prometheus` scraping both with the compose `scale`
// profile's config (deploy/compose/prometheus.scale.yml, addresses swapped for 127.0.0.1) ->
// remote_write -> Debian's `victoria-metrics`; then VictoriaMetrics' Prometheus query API returns
// a series from each proxy, told apart by `site`, labelled as the dashboards expect; and the
// `node` job's series from Debian's real prometheus-node-exporter for the Host dashboard.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../backend-proxy/src/config/schema.js';
import { startServer } from '../../backend-proxy/src/http/server.js';
import { startBitcoinSimulator, type BitcoinSimulator } from '../../backend-proxy/src/simulators/bitcoin/index.js';
import { freePort, startNodeExporter, type NodeExporter } from '../../provisioning/test/nodeExporterServer.js';

const has = (binary: string) => spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
const available = has('prometheus') && has('victoria-metrics');
const root = fileURLToPath(new URL('../../', import.meta.url));

async function waitFor<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Daemon {
  child: ChildProcess;
  output: () => string;
}
function daemon(command: string, args: string[]): Daemon {
  let output = '';
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  return { child, output: () => output };
}
async function stop(daemon: Daemon | undefined): Promise<void> {
  if (!daemon || daemon.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => daemon.child.once('exit', () => resolve()));
  daemon.child.kill('SIGTERM');
  await exited;
}

interface VmResult {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(!available)('scale-out: two proxies -> Prometheus remote_write -> VictoriaMetrics', () => {
  let dir: string;
  const simulators: BitcoinSimulator[] = [];
  const proxies: Array<Awaited<ReturnType<typeof startServer>>> = [];
  let vm: Daemon | undefined;
  let prometheus: Daemon | undefined;
  let nodeExporter: NodeExporter | undefined;
  let vmUrl = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nodescope-scale-'));
    for (const site of ['site-a', 'site-b']) {
      const simulator = await startBitcoinSimulator({
        network: 'regtest',
        auth: { user: 'nodescope', password: `${site}-rpc-password` },
        initialHeight: site === 'site-a' ? 870_000 : 870_500,
        seed: site === 'site-a' ? 1 : 2,
      });
      simulators.push(simulator);
      const config = configSchema.parse({
        server: { port: 0, site, logLevel: 'silent' },
        sources: [
          {
            id: 'btc-main',
            kind: 'bitcoin',
            network: 'regtest',
            rpc: { url: simulator.rpcUrl, user: 'nodescope', password: `${site}-rpc-password` },
            pollSeconds: 0.5,
          },
        ],
      });
      proxies.push(await startServer(config));
    }

    const vmPort = await freePort();
    vmUrl = `http://127.0.0.1:${vmPort}`;
    vm = daemon('victoria-metrics', [
      `-storageDataPath=${join(dir, 'vm')}`,
      `-httpListenAddr=127.0.0.1:${vmPort}`,
      '-retentionPeriod=1',
      // answer with samples as soon as they are stored (default hides the last 30 s)
      '-search.latencyOffset=0s',
      '-search.disableCache',
      '-loggerLevel=ERROR',
    ]);
    await waitFor(async () => (await fetch(`${vmUrl}/health`)).ok, 'victoria-metrics /health', 15_000);

    // the compose scale profile's Prometheus config, pointed at this test's processes
    const scale = parse(await readFile(join(root, 'deploy/compose/prometheus.scale.yml'), 'utf8')) as {
      global: Record<string, string>;
      rule_files?: string[];
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }>; scrape_interval?: string; scrape_timeout?: string }>;
      remote_write: Array<{ url: string; queue_config?: Record<string, unknown> }>;
    };
    scale.global.scrape_interval = '1s';
    scale.global.evaluation_interval = '1s';
    delete scale.rule_files; // the rules have their own promtool tests (provisioning/)
    const job = scale.scrape_configs.find((c) => c.job_name === 'nodescope')!;
    expect(job.static_configs.flatMap((c) => c.targets)).toHaveLength(2);
    job.static_configs = [{ targets: proxies.map((proxy) => new URL(proxy.url).host) }];
    job.scrape_timeout = '1s';
    // the node job at Debian's real prometheus-node-exporter
    nodeExporter = await startNodeExporter();
    const nodeJob = scale.scrape_configs.find((c) => c.job_name === 'node')!;
    expect(nodeJob.static_configs.flatMap((c) => c.targets)).toEqual(['node-exporter:9100']);
    nodeJob.static_configs = [{ targets: [nodeExporter.target] }];
    expect(scale.remote_write).toHaveLength(1);
    scale.remote_write[0]!.url = `${vmUrl}/api/v1/write`;
    scale.remote_write[0]!.queue_config = { ...scale.remote_write[0]!.queue_config, batch_send_deadline: '500ms' };
    const configFile = join(dir, 'prometheus.yml');
    await writeFile(configFile, stringify(scale));

    const promPort = await freePort();
    prometheus = daemon('prometheus', [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'prometheus')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ]);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok, 'prometheus /-/ready', 20_000);
  });

  afterAll(async () => {
    await stop(prometheus);
    await stop(vm);
    nodeExporter?.stop();
    await Promise.allSettled(proxies.map((proxy) => proxy.close()));
    await Promise.allSettled(simulators.map((simulator) => simulator.close()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const query = async (promql: string): Promise<VmResult[]> => {
    const response = await fetch(`${vmUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; data: { resultType: string; result: VmResult[] } };
    expect(body.status).toBe('success');
    return body.data.result;
  };

  it('VictoriaMetrics answers the PromQL the dashboards use with a series from each proxy', async () => {
    const series = await waitFor(
      async () => {
        const result = await query('bitcoin_blocks{job="nodescope", source="btc-main"}');
        return result.length === 2 ? result : null;
      },
      `bitcoin_blocks from both proxies in VictoriaMetrics (prometheus: ${prometheus?.output().slice(-500)}; vm: ${vm?.output().slice(-500)})`,
      40_000
    );
    const bySite = Object.fromEntries(series.map((s) => [s.metric.site, s]));
    expect(Object.keys(bySite).sort()).toEqual(['site-a', 'site-b']);
    expect(Number(bySite['site-a']!.value[1])).toBe(simulators[0]!.tipHeight());
    expect(Number(bySite['site-b']!.value[1])).toBe(simulators[1]!.tipHeight());
    expect(bySite['site-a']!.metric.instance).toBe(new URL(proxies[0]!.url).host);
    expect(bySite['site-b']!.metric.instance).toBe(new URL(proxies[1]!.url).host);

    // an aggregate across sites, as a multi-site dashboard would ask it (`site` comes from each
    // proxy's exposition, so Prometheus' own `up` does not carry it; the proxy's source gauge does)
    const up = await waitFor(
      async () => {
        const result = await query('sum by (site) (nodescope_source_up{job="nodescope"})');
        return result.length === 2 ? result : null;
      },
      'nodescope_source_up per site',
      20_000
    );
    expect(up.map((r) => [r.metric.site, r.value[1]]).sort()).toEqual([
      ['site-a', '1'],
      ['site-b', '1'],
    ]);
  });

  it("the hosts' node-exporter series reach VictoriaMetrics as the Host dashboard and rules read them", async () => {
    const series = await waitFor(
      async () => {
        const result = await query('node_filesystem_avail_bytes{job="node"} / node_filesystem_size_bytes{job="node"}');
        return result.length > 0 ? result : null;
      },
      'node_filesystem_* from node-exporter in VictoriaMetrics',
      40_000
    );
    for (const s of series) {
      expect(s.metric.instance).toBe(nodeExporter!.target);
      expect(Object.keys(s.metric)).toEqual(expect.arrayContaining(['device', 'fstype', 'mountpoint']));
      expect(Number(s.value[1])).toBeGreaterThanOrEqual(0);
      expect(Number(s.value[1])).toBeLessThanOrEqual(1);
    }
    expect((await query('node_timex_offset_seconds{job="node"}')).length).toBe(1);
  });
});
