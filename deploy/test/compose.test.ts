// docker-compose.yml against the Compose Specification's JSON schema (vendored, deploy/schema),
// after YAML merge keys and ${VAR} interpolation with .env.example as docker compose does them,
// plus the cross-references the schema cannot see: depends_on targets, mounted paths, plugin
// ids, the demo proxy config (parsed by the proxy's own schema), the scale-out Prometheus config.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../backend-proxy/src/config/load.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** .env file lines `KEY=value` (no export, no quotes needed). */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

/**
 * Compose interpolation (compose-spec 12-interpolation.md): $$ is a literal $, ${VAR}, $VAR,
 * ${VAR:-default} (unset or empty), ${VAR-default} (unset), ${VAR:?error}, ${VAR?error}.
 */
function interpolate(value: unknown, env: Record<string, string>, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const key = (name ?? bare)!;
      const current = env[key];
      const missing = current === undefined || (colon === ':' && current === '');
      if (op === '-') return missing ? arg! : current!;
      if (op === '?' && missing) throw new Error(`${path}: required variable ${key} is missing: ${arg}`);
      return current ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
  command?: string[];
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

/** The schema without its `$schema` URL (draft-07 spelt without `#`, which Ajv does not know by that name). */
function composeSchema(): Record<string, unknown> {
  const { $schema: _draft, ...schema } = JSON.parse(read('deploy/schema/compose-spec.json')) as Record<string, unknown>;
  return schema;
}

const envExample = parseEnvFile(read('.env.example'));
const raw = parse(read('docker-compose.yml'), { merge: true }) as Record<string, unknown>;
const compose = interpolate(raw, envExample) as ComposeFile;
const services = compose.services;

describe('docker-compose.yml', () => {
  it('is valid against the compose-spec JSON schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // CommonJS module: the plugin is module.exports (ESM default) and also its .default (types)
    const addFormats = ((formats as unknown as { default?: unknown }).default ?? formats) as (ajv: Ajv) => Ajv;
    addFormats(ajv);
    const validate = ajv.compile(composeSchema());
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail: a misspelt key and a wrong type are caught', () => {
    const validate = new Ajv({ strict: false }).compile(composeSchema());
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.grafana!.helthcheck = broken.services.grafana!.healthcheck;
    expect(validate(broken)).toBe(false);
    const wrongType = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    wrongType.services.prometheus!.ports = 9090;
    expect(validate(wrongType)).toBe(false);
  });

  it('.env.example gives every required variable (interpolation would stop compose otherwise)', () => {
    expect(() => interpolate(raw, {})).toThrow(/required variable/);
    expect(() => interpolate(raw, envExample)).not.toThrow();
  });

  it('has the default stack, the demo simulators and the scale-out services, each with a healthcheck', () => {
    const inProfile = (profile: string | undefined) =>
      Object.entries(services)
        .filter(([, service]) => (profile ? service.profiles?.includes(profile) : !service.profiles))
        .map(([name]) => name)
        .sort();
    expect(inProfile(undefined)).toEqual(['grafana', 'influxdb', 'node-exporter', 'nodescope-proxy', 'prometheus']);
    expect(inProfile('demo')).toEqual(['simulators']);
    expect(inProfile('scale')).toEqual(['prometheus-scale', 'proxy-site-a', 'proxy-site-b', 'victoriametrics']);
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck?.test, name).toBeDefined();
  });

  it('depends only on services that exist, are always on, and have healthchecks', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[target], `${name} -> ${target}`).toBeDefined();
        if (!service.profiles) expect(services[target]!.profiles, `${name} (always on) depends on ${target} (profile only)`).toBeUndefined();
        if (condition === 'service_healthy') expect(services[target]!.healthcheck, `${target} healthcheck`).toBeDefined();
      }
    }
  });

  it('mounts only paths that exist in the repository (or are built into plugins/app/dist) and named volumes it declares', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source!.startsWith('./')) {
          const path = source === './plugins/app/dist' ? 'plugins/app/src/plugin.json' : source!;
          expect(existsSync(join(root, path)), `${name}: ${source}`).toBe(true);
        } else if (source!.startsWith('/')) {
          // the one host path: node-exporter reads the host's filesystems, read-only
          expect(`${name} ${volume}`).toBe('node-exporter /:/host:ro,rslave');
        } else expect(Object.keys(compose.volumes), `${name}: volume ${source}`).toContain(source);
      }
    }
  });

  it('allows unsigned loading for exactly our plugin ids, including every plugin.json in plugins/', () => {
    const allowed = services.grafana!.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS!.split(',');
    expect(allowed.every((id) => id.startsWith('nodescope-'))).toBe(true);
    const ids: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        if (entry === 'node_modules' || entry === 'dist') continue;
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (entry === 'plugin.json') ids.push((JSON.parse(readFileSync(path, 'utf8')) as { id: string }).id);
      }
    };
    walk(join(root, 'plugins'));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(allowed, `plugin ${id}`).toContain(id);
  });

  it('gives Grafana every variable its provisioning files read (datasources, alerting, plugins, dashboards)', () => {
    const used = new Set<string>();
    for (const sub of ['datasources', 'alerting', 'plugins', 'dashboards']) {
      const dir = join(root, 'provisioning', sub);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
        const content = readFileSync(join(dir, file), 'utf8').replace(/^\s*#.*$/gm, '');
        for (const match of content.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)) used.add(match[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(0);
    const environment = services.grafana!.environment!;
    for (const name of used) {
      expect(Object.keys(environment), name).toContain(name);
      // contact points are validated at start-up: those must not be empty with .env.example
      if (name.startsWith('ALERT_')) expect(environment[name], name).not.toBe('');
    }
  });

  it("mounts provisioning/ where the dashboard providers' paths expect the JSON", () => {
    const mount = services.grafana!.volumes!.find((v) => v.startsWith('./provisioning:'))!.split(':')[1]!;
    const dir = join(root, 'provisioning/dashboards');
    const providers = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .flatMap((f) => (parse(readFileSync(join(dir, f), 'utf8')) as { providers: Array<{ options: { path: string } }> }).providers);
    expect(providers.length).toBeGreaterThan(0);
    for (const provider of providers) {
      expect(provider.options.path.startsWith(`${mount}/`), provider.options.path).toBe(true);
      expect(existsSync(join(root, 'provisioning', provider.options.path.slice(mount.length + 1))), provider.options.path).toBe(true);
    }
  });

  it('builds the proxy from backend-proxy/Dockerfile: multi-stage node:22-slim, non-root, /healthz healthcheck', () => {
    for (const name of ['nodescope-proxy', 'proxy-site-a', 'proxy-site-b', 'simulators']) {
      expect(services[name]!.build).toEqual({ context: '.', dockerfile: 'backend-proxy/Dockerfile' });
    }
    expect(services['nodescope-proxy']!.healthcheck!.test.join(' ')).toContain('/healthz');
    const dockerfile = read('backend-proxy/Dockerfile');
    const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.every((image) => image === 'node:22-slim')).toBe(true);
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    // every COPY source of the build exists (the build context is the repository root)
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)) {
      const sources = match[1]!.trim().split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(join(root, source)), `COPY ${source}`).toBe(true);
    }
    // the simulators service runs the launcher copied into the image
    expect(services.simulators!.entrypoint).toEqual(['node', '/app/deploy/compose/simulators.mjs']);
    expect(dockerfile).toContain('COPY deploy/compose/simulators.mjs deploy/compose/simulators.mjs');
  });

  it('the demo proxy config is valid for the proxy, with the environment compose gives it', () => {
    const env = services['nodescope-proxy']!.environment!;
    const config = parseConfig(read('deploy/compose/proxy.demo.yaml'), 'proxy.demo.yaml', { ...env });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8787, site: 'demo' });
    expect(config.sources.map((s) => s.kind).sort()).toEqual(['bitcoin', 'cgminer', 'freqtrade', 'stacks']);
    expect(config.outputs?.influx).toMatchObject({ url: 'http://influxdb:8086', db: 'nodescope' });
    const site = parseConfig(read('deploy/compose/proxy.demo.yaml'), 'proxy.demo.yaml', { ...services['proxy-site-b']!.environment! });
    expect(site.server.site).toBe('site-b');
  });

  it('node-exporter reads the host through a read-only rootfs mount, and Prometheus scrapes it as job "node"', () => {
    const exporter = services['node-exporter'] as unknown as { image: string; command: string[]; pid: string; ports?: unknown };
    // the version the rules and dashboards are tested against (Debian's 1.5.0, provisioning/test/nodeExporter.test.ts)
    expect(exporter.image).toBe('prom/node-exporter:v1.5.0');
    expect(exporter.command).toContain('--path.rootfs=/host');
    expect(exporter.pid).toBe('host');
    expect(exporter.ports).toBeUndefined();
    const prometheus = parse(read('provisioning/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'node')!;
    expect(job.static_configs.flatMap((c) => c.targets)).toEqual(['node-exporter:9100']);
  });

  it('the scale Prometheus scrapes both site proxies and remote-writes to VictoriaMetrics', () => {
    const prometheus = parse(read('deploy/compose/prometheus.scale.yml')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
      remote_write: Array<{ url: string }>;
    };
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'nodescope')!;
    expect(job.static_configs.flatMap((c) => c.targets).sort()).toEqual(['proxy-site-a:8787', 'proxy-site-b:8787']);
    expect(prometheus.remote_write.map((w) => w.url)).toEqual(['http://victoriametrics:8428/api/v1/write']);
    expect(services['prometheus-scale']!.volumes).toContain('./deploy/compose/prometheus.scale.yml:/etc/prometheus-scale/prometheus.yml:ro');
  });

  it.skipIf(spawnSync('promtool', ['--version']).status !== 0)('promtool accepts the scale Prometheus config', () => {
    const result = spawnSync('promtool', ['check', 'config', '--syntax-only', join(root, 'deploy/compose/prometheus.scale.yml')], {
      encoding: 'utf8',
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});
