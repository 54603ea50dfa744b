// Fails if a built plugin bundles its own React or @grafana/* instead of using Grafana's.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectBundle } from '../harness/bundleCheck.ts';
import { ensurePluginsBuilt, PLUGIN_DISTS, REPO } from './plugins.ts';

beforeAll(() => ensurePluginsBuilt());

/** Every built module.js: standalone plugins, panels, and the copies nested in the app. */
function builtModules(dir = path.join(REPO, 'plugins'), found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'src') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) builtModules(full, found);
    else if (entry.name === 'module.js' && full.includes(`${path.sep}dist${path.sep}`)) found.push(full);
  }
  return found;
}

describe('built plugins', () => {
  it('include the datasource, the app and the datasource nested in the app', () => {
    const modules = builtModules();
    for (const expected of [PLUGIN_DISTS.datasource, PLUGIN_DISTS.app, PLUGIN_DISTS.nestedDatasource]) {
      expect(modules).toContain(path.join(expected, 'module.js'));
    }
  });

  it.each(builtModules().map((file) => [path.relative(REPO, file), file]))(
    '%s is AMD, takes React and @grafana/data from the host and bundles none of the shared packages',
    (_name, moduleJs) => {
      const report = inspectBundle(moduleJs);
      expect(report.amdDependencies).not.toBeNull();
      expect(report.amdDependencies).toEqual(expect.arrayContaining(['react', '@grafana/data']));
      expect(report.bundledPackages).toEqual([]);
      expect(report.reactInternals).toEqual([]);
    }
  );

  it('the datasource asks the host for @grafana/runtime, @grafana/ui and rxjs too', () => {
    for (const dir of [PLUGIN_DISTS.datasource, PLUGIN_DISTS.nestedDatasource]) {
      expect(inspectBundle(path.join(dir, 'module.js')).amdDependencies).toEqual(
        expect.arrayContaining(['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react', 'rxjs'])
      );
    }
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
