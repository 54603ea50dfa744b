// Fails if a built plugin bundles its own React or @grafana/* instead of using Grafana's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectBundle } from '../harness/bundleCheck.ts';
import { ensurePluginsBuilt, PLUGIN_DISTS, REPO } from './plugins.ts';

beforeAll(() => ensurePluginsBuilt());

describe.each([
  ['nodescope-crypto-datasource', path.join(PLUGIN_DISTS.datasource, 'module.js'), ['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react', 'rxjs']],
  ['nodescope-suite-app', path.join(PLUGIN_DISTS.app, 'module.js'), ['@grafana/data', '@grafana/ui', 'react']],
  ['nodescope-crypto-datasource nested in the app', path.join(PLUGIN_DISTS.nestedDatasource, 'module.js'), ['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react', 'rxjs']],
])('%s module.js', (_name, moduleJs, expectedExternals) => {
  it('is an AMD module asking the host for React, @grafana/* and rxjs', () => {
    const report = inspectBundle(moduleJs);
    expect(report.amdDependencies).not.toBeNull();
    for (const dependency of expectedExternals) expect(report.amdDependencies).toContain(dependency);
  });

  it('bundles no copy of React, @grafana/data|ui|runtime, rxjs, lodash or emotion', () => {
    const report = inspectBundle(moduleJs);
    expect(report.bundledPackages).toEqual([]);
    expect(report.reactInternals).toEqual([]);
  });
});

describe('the bundle check itself', () => {
  it('catches a bundle that carries its own React', async () => {
    // a plugin built without Grafana's externals: React ends up inside
    const dir = mkdtempSync(path.join(tmpdir(), 'nodescope-bundle-'));
    const entry = path.join(dir, 'module.js');
    writeFileSync(entry, "import React from 'react';\nexport const plugin = React.createElement('div');\n");
    const outfile = path.join(dir, 'dist/module.js');
    await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', sourcemap: true, minify: true, nodePaths: [path.join(REPO, 'node_modules')], logLevel: 'silent' });
    const report = inspectBundle(outfile);
    expect(report.bundledPackages).toContain('react');
    expect(report.reactInternals.length).toBeGreaterThan(0);
    expect(report.amdDependencies).toBeNull();
  });
});
