// deploy/k8s: structural checks of the manifests (what kubectl/kustomize would reject or wire
// wrongly: kinds and apiVersions, names, selectors, ports, references between objects), the
// ConfigMap's proxy.yaml through the proxy's own config parser, and the probes run for real
// against a proxy started in-process. The node-exporter DaemonSet against kube-prometheus's own
// manifest and Debian's real prometheus-node-exporter 1.5.0 run with its arguments.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../backend-proxy/src/config/load.js';
import { configSchema } from '../../backend-proxy/src/config/schema.js';
import { startServer } from '../../backend-proxy/src/http/server.js';
import { freePort, NODE_EXPORTER, nodeExporterPackageVersion } from '../../provisioning/test/nodeExporterServer.js';

const dir = fileURLToPath(new URL('../k8s/', import.meta.url));

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: unknown };
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as Manifest;
  })
);
const find = <T>(kind: string, name?: string) => manifests.find((m) => m.kind === kind && (!name || m.metadata.name === name)) as unknown as T;

interface Container {
  name: string;
  image: string;
  args: string[];
  ports: Array<{ name: string; containerPort: number }>;
  env: Array<{ name: string; value: string }>;
  envFrom: Array<{ secretRef: { name: string } }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
  livenessProbe: { httpGet?: { path: string; port: string } };
  readinessProbe: { exec?: { command: string[] }; httpGet?: { path: string } };
  startupProbe?: { httpGet?: { path: string; port: string } };
  securityContext: Record<string, unknown>;
}
interface Deployment {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        containers: Container[];
        volumes: Array<{ name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string } }>;
      };
    };
  };
}
const deployment = find<Deployment>('Deployment', 'nodescope-proxy');
const container = deployment.spec.template.spec.containers[0]!;
const secret = find<{ metadata: { name: string }; stringData: Record<string, string> }>('Secret');
const configMap = find<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap');

const KNOWN: Record<string, string> = {
  Namespace: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  PersistentVolumeClaim: 'v1',
  Deployment: 'apps/v1',
  DaemonSet: 'apps/v1',
};

describe('deploy/k8s manifests', () => {
  it('are listed in kustomization.yaml, each a known kind with its apiVersion and a DNS-1123 name', () => {
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[]; namespace: string };
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
    for (const manifest of manifests) {
      expect(KNOWN[manifest.kind], manifest.kind).toBe(manifest.apiVersion);
      expect(manifest.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(manifest.metadata.name.length).toBeLessThanOrEqual(63);
    }
    expect(find<Manifest>('Namespace').metadata.name).toBe(kustomization.namespace);
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'DaemonSet', 'Deployment', 'Namespace', 'PersistentVolumeClaim', 'Secret', 'Service', 'Service']);
  });

  it('wires the Deployment: selector, ports, Service, ConfigMap, Secret and volume claim', () => {
    const { selector, template } = deployment.spec;
    for (const [key, value] of Object.entries(selector.matchLabels)) expect(template.metadata.labels[key]).toBe(value);
    expect(deployment.spec.replicas).toBe(1);

    const service = find<{ spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: string }> } }>('Service', 'nodescope-proxy');
    for (const [key, value] of Object.entries(service.spec.selector)) expect(template.metadata.labels[key]).toBe(value);
    for (const port of service.spec.ports) expect(container.ports.map((p) => p.name)).toContain(port.targetPort);

    const volumes = template.spec.volumes;
    expect(volumes.find((v) => v.configMap)?.configMap?.name).toBe(configMap.metadata.name);
    expect(volumes.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName).toBe(find<Manifest>('PersistentVolumeClaim').metadata.name);
    for (const mount of container.volumeMounts) expect(volumes.map((v) => v.name)).toContain(mount.name);
    expect(container.envFrom.map((e) => e.secretRef.name)).toEqual([secret.metadata.name]);

    // --config points at the ConfigMap key where it is mounted
    const configMount = container.volumeMounts.find((m) => m.name === volumes.find((v) => v.configMap)!.name)!;
    const configPath = container.args[container.args.indexOf('--config') + 1]!;
    expect(Object.keys(configMap.data).map((key) => `${configMount.mountPath}/${key}`)).toContain(configPath);
  });

  it('runs as non-root with a read-only root filesystem and the data volume where the config writes', () => {
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    const dataMount = container.volumeMounts.find((m) => m.name === 'data')!.mountPath;
    const config = parse(configMap.data['proxy.yaml']!) as { server: { historyFile: string }; outputs: { influx: { queueFile: string } } };
    expect(config.server.historyFile.startsWith(`${dataMount}/`)).toBe(true);
    expect(config.outputs.influx.queueFile.startsWith(`${dataMount}/`)).toBe(true);
  });

  it("the ConfigMap's proxy.yaml is valid for the proxy with the Secret's and the container's environment", () => {
    const env = { ...secret.stringData, ...Object.fromEntries(container.env.map((e) => [e.name, e.value])) };
    const config = parseConfig(configMap.data['proxy.yaml']!, 'configmap proxy.yaml', env);
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8787, apiKey: secret.stringData.NODESCOPE_API_KEY, site: 'site-1' });
    // no credential is written into the ConfigMap itself
    for (const value of Object.values(secret.stringData)) expect(configMap.data['proxy.yaml']).not.toContain(value);
    // and without the Secret the proxy refuses to start, naming the variable
    expect(() => parseConfig(configMap.data['proxy.yaml']!, 'proxy.yaml', {})).toThrow(/NODESCOPE_API_KEY is not set/);
  });

  it('liveness and startup use /healthz; readiness reads the key from the environment, never from the manifest', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    const script = container.readinessProbe.exec!.command.join(' ');
    expect(script).toContain('/api/health');
    expect(script).toContain('process.env.NODESCOPE_API_KEY');
    expect(JSON.stringify(deployment)).not.toContain(secret.stringData.NODESCOPE_API_KEY);
  });
});

describe('the probes against a running proxy', () => {
  const apiKey = 'probe-test-key-7f3a9e';
  let proxy: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    proxy = await startServer(configSchema.parse({ server: { port: 0, apiKey, logLevel: 'silent' } }));
  });
  afterAll(async () => {
    await proxy?.close();
  });

  /** Runs the readiness exec command as the kubelet would (async: the proxy answers in this process). */
  const readiness = (key: string) =>
    new Promise<number | null>((resolve) => {
      const [command, ...args] = container.readinessProbe.exec!.command.map((part) => part.replace('127.0.0.1:8787', new URL(proxy.url).host));
      const child = spawn(command!, args, { env: { ...process.env, NODESCOPE_API_KEY: key }, stdio: 'ignore', timeout: 20_000 });
      child.on('exit', (code) => resolve(code));
    });

  it('readiness passes with the right key and fails with a wrong one', async () => {
    expect(await readiness(apiKey)).toBe(0);
    expect(await readiness('wrong-key-0000')).toBe(1);
  });

  it('liveness /healthz answers 200 without a key', async () => {
    const response = await fetch(`${proxy.url}${container.livenessProbe.httpGet!.path}`);
    expect(response.status).toBe(200);
  });
});

// The node-exporter DaemonSet. Expected values from kube-prometheus's own manifest,
// prometheus-operator/kube-prometheus@4d719f1dea8853540b3823ab1fbe6be74a9953b3:manifests/nodeExporter-daemonset.yaml
// (KP below): args :31-33, container securityContext :50-57, mounts :58-66, hostNetwork/hostPID
// :100-101, pod securityContext :105-108, tolerations :110-111, hostPath volumes :112-118; and
// from the compose stack's node-exporter (the image) and Prometheus `node` job.
interface DaemonSet {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        hostNetwork: boolean;
        hostPID: boolean;
        automountServiceAccountToken: boolean;
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        tolerations: Array<Record<string, string>>;
        containers: Array<
          Omit<Container, 'volumeMounts' | 'livenessProbe'> & {
            volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
            livenessProbe: { httpGet: { path: string; port: string } };
            securityContext: { capabilities?: { drop?: string[] } } & Record<string, unknown>;
          }
        >;
        volumes: Array<{ name: string; hostPath?: { path: string } }>;
      };
    };
  };
}
const daemonSet = () => find<DaemonSet>('DaemonSet', 'node-exporter');
const exporterService = () =>
  find<{ metadata: { name: string }; spec: { clusterIP?: string; selector: Record<string, string>; ports: Array<{ name: string; port: number; targetPort: string }> } }>('Service', 'node-exporter');

/** The DaemonSet's args with each mounted path turned into the host path it shows (/host/root/proc -> /proc). */
function argsOnTheHost(): string[] {
  const pod = daemonSet().spec.template.spec;
  const exporter = pod.containers[0]!;
  const mounts = exporter.volumeMounts
    .map((m) => ({ at: m.mountPath, host: pod.volumes.find((v) => v.name === m.name)!.hostPath!.path }))
    .sort((a, b) => b.at.length - a.at.length);
  return exporter.args.map((arg) => {
    const [flag, value] = arg.split(/=(.*)/s) as [string, string | undefined];
    if (!flag.startsWith('--path.') || value === undefined) return arg;
    const mount = mounts.find((m) => value === m.at || value.startsWith(`${m.at}/`));
    if (!mount) return arg;
    const rest = value.slice(mount.at.length);
    return `${flag}=${mount.host === '/' ? rest || '/' : mount.host + rest}`;
  });
}

describe('deploy/k8s node-exporter', () => {
  it('is a DaemonSet on every node with the compose stack image, behind a headless Service', () => {
    const ds = daemonSet();
    expect(ds, 'a DaemonSet named node-exporter in deploy/k8s').toBeDefined();
    const { selector, template } = ds.spec;
    for (const [key, value] of Object.entries(selector.matchLabels)) expect(template.metadata.labels[key]).toBe(value);
    const exporter = template.spec.containers[0]!;
    // docker-compose.yml's `image: prom/node-exporter:${NODE_EXPORTER_VERSION:-v1.5.0}`, its default filled in
    const compose = parse(readFileSync(join(dir, '../../docker-compose.yml'), 'utf8')) as { services: Record<string, { image: string }> };
    const composeImage = compose.services['node-exporter']!.image.replace(/\$\{[A-Z_]+:-([^}]+)\}/g, '$1');
    expect(composeImage).toBe('prom/node-exporter:v1.5.0');
    expect(exporter.image).toBe(composeImage);
    // KP :110-111: tolerate every taint, so control-plane and tainted nodes are covered too
    expect(template.spec.tolerations).toContainEqual({ operator: 'Exists' });

    const service = exporterService();
    expect(service.spec.clusterIP).toBe('None');
    for (const [key, value] of Object.entries(service.spec.selector)) expect(template.metadata.labels[key]).toBe(value);
    expect(service.spec.ports.map((p) => [p.port, exporter.ports.find((c) => c.name === p.targetPort)?.containerPort])).toEqual([[9100, 9100]]);
  });

  it("reads the host as kube-prometheus does: host namespaces, / and /sys read-only, --path.rootfs=/host/root, non-root", () => {
    const pod = daemonSet().spec.template.spec;
    const exporter = pod.containers[0]!;
    // KP :100-101
    expect(pod.hostNetwork).toBe(true);
    expect(pod.hostPID).toBe(true);
    // KP :31-33
    expect(exporter.args).toEqual(expect.arrayContaining(['--path.sysfs=/host/sys', '--path.rootfs=/host/root', '--path.procfs=/host/root/proc']));
    // KP :58-66 and :112-118: the host's / at /host/root and /sys at /host/sys, both read-only
    const mounts = exporter.volumeMounts.map((m) => [m.mountPath, pod.volumes.find((v) => v.name === m.name)?.hostPath?.path, m.readOnly]);
    expect(mounts.sort()).toEqual([
      ['/host/root', '/', true],
      ['/host/sys', '/sys', true],
    ]);
    // KP :105-108: nobody; KP :50-57: no privilege escalation, read-only root, every capability dropped
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(exporter.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(exporter.securityContext.capabilities?.drop).toEqual(['ALL']);
    // it reads files only: no service-account token in the pod
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("the README's `node` job: the job name the host rules select, keeping this Service's endpoints", () => {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('job_name: node'));
    expect(block, 'a ```yaml block with the node job in deploy/k8s/README.md').toBeDefined();
    const config = parse(block!) as {
      scrape_configs: Array<{
        job_name: string;
        kubernetes_sd_configs: Array<{ role: string; namespaces: { names: string[] } }>;
        relabel_configs: Array<{ source_labels: string[]; regex?: string; action?: string; target_label?: string }>;
      }>;
    };
    const job = config.scrape_configs[0]!;
    // provisioning/prometheus/prometheus.yml names the job the rules and dashboard select
    const provisioned = parse(readFileSync(join(dir, '../../provisioning/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: Array<{ job_name: string }> };
    expect(provisioned.scrape_configs.map((c) => c.job_name)).toContain(job.job_name);
    expect(job.job_name).toBe('node');
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { namespace: string };
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'endpoints', namespaces: { names: [kustomization.namespace] } }]);
    // Debian's promtool is built without Kubernetes discovery ("field kubernetes_sd_configs not
    // found"), so the names are checked against Prometheus's source by hand,
    // prometheus/prometheus@d15adb9ad7e5d9fbde3a9a8f30200593a5a14d86:
    //  discovery/kubernetes/kubernetes.go:79 (role "endpoints"), :110/:113/:243 (role, namespaces.names);
    //  discovery/kubernetes/endpoints_test.go:235 __meta_kubernetes_endpoint_port_name, :244
    //  __meta_kubernetes_pod_node_name (a pod-backed endpoint), :457 __meta_kubernetes_service_name
    expect(Object.keys(job).sort()).toEqual(['job_name', 'kubernetes_sd_configs', 'relabel_configs']);
    const keep = job.relabel_configs.find((r) => r.action === 'keep')!;
    expect(keep.source_labels).toEqual(['__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name']);
    expect(keep.regex).toBe(`${exporterService().metadata.name};${exporterService().spec.ports[0]!.name}`);
    expect(job.relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'instance' });
  });

  it("Debian's prometheus-node-exporter 1.5.0 starts with the DaemonSet's arguments and serves what the host rules read", async () => {
    expect(nodeExporterPackageVersion()).toMatch(/^1\.5\.0-/);
    const port = await freePort();
    // an unknown flag or a bad regex makes it exit at once (kingpin / collector set-up)
    const child = spawn(NODE_EXPORTER, [...argsOnTheHost(), `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    try {
      const probe = daemonSet().spec.template.spec.containers[0]!.livenessProbe.httpGet;
      let live: Response | undefined;
      for (const deadline = Date.now() + 15_000; !live && child.exitCode === null && Date.now() < deadline; ) {
        live = await fetch(`http://127.0.0.1:${port}${probe.path}`).catch(() => undefined);
        if (!live) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(live?.status, `node-exporter did not serve: ${output}`).toBe(200);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      // the series the host rules read (provisioning/prometheus/nodescope-rules.yml), / among the filesystems
      expect(text).toMatch(/^node_filesystem_avail_bytes\{[^}]*mountpoint="\/"[^}]*\} \d/m);
      for (const name of ['node_timex_offset_seconds', 'node_timex_sync_status', 'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes'])
        expect(text, name).toMatch(new RegExp(`^${name} `, 'm'));
    } finally {
      child.kill('SIGTERM');
    }
  });
});
