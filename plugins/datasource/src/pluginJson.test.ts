// plugin.json against grafana-reference/plugin-json.md (the schema and validator rules that can
// be checked without the validator binary).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const json = JSON.parse(readFileSync(path.join(__dirname, 'plugin.json'), 'utf8'));

/** Every plugin.json in the plugin sources (the datasource, the app and its panels). */
function pluginJsonFiles(dir = path.resolve(__dirname, '../..')): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'dist-packages'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...pluginJsonFiles(full));
    else if (entry.name === 'plugin.json' && full.includes(`${path.sep}src${path.sep}`)) found.push(full);
  }
  return found;
}

describe('nodescope-crypto-datasource plugin.json', () => {
  it('has a catalog-shaped identity and metadata', () => {
    expect(json.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/);
    expect(json.id.split('-')).toHaveLength(3);
    expect(json.id.endsWith(`-${json.type}`)).toBe(true);
    expect(json.name).not.toBe(json.id);
    expect(json.info.version).toBe('%VERSION%');
    expect(json.info.updated).toBe('%TODAY%');
    expect(json.info.keywords.length).toBeGreaterThan(0);
    expect(json.info.description).toBeTruthy();
    expect(json.dependencies.grafanaDependency).toBe('>=12.4.0');
  });

  it('points at logos and screenshots that exist, by relative paths', () => {
    const paths = [json.info.logos.small, json.info.logos.large, ...json.info.screenshots.map((s: { path: string }) => s.path)];
    expect(json.info.screenshots.length).toBeGreaterThan(0);
    for (const p of paths) {
      expect(p).not.toMatch(/^(\.|\/)/);
      expect(existsSync(path.join(__dirname, p))).toBe(true);
    }
  });

  it('injects the API key server side through one data source proxy route per method', () => {
    const route = { path: 'api', url: '{{ .JsonData.proxyUrl }}/api', headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiKey }}' }] };
    // the client sends GET (health, sources, variables, annotations, stream) and POST (query)
    expect(json.routes).toEqual([
      expect.objectContaining({ ...route, method: 'GET' }),
      expect.objectContaining({ ...route, method: 'POST' }),
    ]);
  });

  // Grafana skips a route unless route.Method is "", "*" or equal to the request method; there is
  // no list syntax, so "GET,POST" matches nothing and the API key is never added
  // (grafana/grafana@00d660d5083ca750731d5dcdc444a1b218f07f52:pkg/api/pluginproxy/ds_proxy.go:299).
  it.each(pluginJsonFiles())('%s: every route method is one HTTP method, "" or "*"', (file) => {
    const routes = (JSON.parse(readFileSync(file, 'utf8')) as { routes?: Array<{ method?: string }> }).routes ?? [];
    for (const route of routes) {
      expect(route.method ?? '', `${file}: route method ${route.method}`).toMatch(/^(|\*|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/);
    }
  });

  it('declares what the datasource does: a Go backend (pkg/) that serves alerting, named as the build names its binaries', () => {
    expect(json).toMatchObject({ metrics: true, annotations: true, logs: true, streaming: true });
    // Grafana starts <executable>_<os>_<arch>[.exe] (scripts/build-backend.mjs writes gpx_nodescope_*)
    expect(json).toMatchObject({ backend: true, alerting: true, executable: 'gpx_nodescope' });
  });
});
