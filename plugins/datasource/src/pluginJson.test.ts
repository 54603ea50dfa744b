// plugin.json against grafana-reference/plugin-json.md (the schema and validator rules that can
// be checked without the validator binary).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const json = JSON.parse(readFileSync(path.join(__dirname, 'plugin.json'), 'utf8'));

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

  it('injects the API key server side through the data source proxy route', () => {
    expect(json.routes).toEqual([
      expect.objectContaining({
        path: 'api',
        url: '{{ .JsonData.proxyUrl }}/api',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiKey }}' }],
      }),
    ]);
  });

  it('declares what the frontend datasource does, and no backend or alerting it does not have', () => {
    expect(json).toMatchObject({ metrics: true, annotations: true, logs: true, streaming: true });
    expect(json.backend).toBeUndefined();
    expect(json.alerting).toBeUndefined();
    expect(json.executable).toBeUndefined();
  });
});
