import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const shared = here('./plugins/shared/src/index.ts');

/** A project of Node tests in `dir` that may import @nodescope/shared (from source, as the bundlers do). */
const nodeProject = (name: string, dir: string, include: string[], timeouts: { testTimeout: number; hookTimeout: number }, extra: { fileParallelism?: boolean } = {}) => ({
  resolve: { alias: { '@nodescope/shared': shared } },
  test: { name, root: here(dir), environment: 'node' as const, include, ...timeouts, ...extra },
});

// One run covers every workspace; each project keeps its own environment.
export default defineConfig({
  resolve: { alias: { '@nodescope/shared': shared } },
  test: {
    projects: [
      nodeProject('proxy', './backend-proxy', ['src/**/*.test.ts', 'test/**/*.test.ts'], { testTimeout: 30_000, hookTimeout: 30_000 }),
      {
        test: { name: 'shared', root: here('./plugins/shared'), environment: 'node', include: ['src/**/*.test.ts'] },
      },
      {
        // plugin code (datasource, app, panels, their shared ui) in jsdom with Testing Library
        resolve: { alias: { '@nodescope/shared': shared } },
        test: {
          name: 'plugins',
          root: here('./plugins'),
          environment: 'jsdom',
          include: ['datasource/src/**/*.test.{ts,tsx}', 'app/src/**/*.test.{ts,tsx}', 'panels/*/src/**/*.test.{ts,tsx}', 'ui/src/**/*.test.{ts,tsx}'],
          setupFiles: [here('./plugins/vitest.setup.ts')],
          server: { deps: { inline: [/@grafana\//] } },
          css: false,
          testTimeout: 30_000,
        },
      },
      // the browser harness: builds the plugins' host page, starts the real proxy, drives Chromium
      nodeProject('e2e', './e2e', ['tests/**/*.test.ts', 'harness/**/*.test.ts'], { testTimeout: 120_000, hookTimeout: 180_000 }, { fileParallelism: false }),
      // Grafana/Prometheus provisioning: file validation, promtool, real prometheus vs the proxy
      nodeProject('provisioning', './provisioning', ['test/**/*.test.ts'], { testTimeout: 60_000, hookTimeout: 60_000 }),
      {
        // repository-wide checks vitest does not make itself: typecheck of every workspace, eslint
        test: { name: 'repo', root: here('./test/repo'), environment: 'node', include: ['**/*.test.ts'], testTimeout: 240_000 },
      },
      // deployment: compose file vs the compose-spec schema, k8s manifests, the scale-out path
      nodeProject('deploy', './deploy', ['test/**/*.test.ts'], { testTimeout: 60_000, hookTimeout: 60_000 }),
      {
        // catalog distribution: packaging, the plugin-validator rules on the zips, plugin-e2e specs typecheck + lint
        test: { name: 'catalog', root: here('./plugins/tools'), environment: 'node', include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 },
      },
    ],
  },
});
