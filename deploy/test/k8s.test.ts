// deploy/k8s: structural checks of the manifests (what kubectl/kustomize would reject or wire
// wrongly: kinds and apiVersions, names, selectors, ports, references between objects), the
// ConfigMap's proxy.yaml through the proxy's own config parser, and the probes run for real
// against a proxy started in-process.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../backend-proxy/src/config/load.js';
import { configSchema } from '../../backend-proxy/src/config/schema.js';
import { startServer } from '../../backend-proxy/src/http/server.js';

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
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Namespace', 'PersistentVolumeClaim', 'Secret', 'Service']);
  });

  it('wires the Deployment: selector, ports, Service, ConfigMap, Secret and volume claim', () => {
    const { selector, template } = deployment.spec;
    for (const [key, value] of Object.entries(selector.matchLabels)) expect(template.metadata.labels[key]).toBe(value);
    expect(deployment.spec.replicas).toBe(1);

    const service = find<{ spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: string }> } }>('Service');
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
