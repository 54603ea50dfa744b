import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const shared = here('./plugins/shared/src/index.ts');

// One run covers every workspace; each project keeps its own environment.
export default defineConfig({
  resolve: { alias: { '@nodescope/shared': shared } },
  test: {
    projects: [
      {
        resolve: { alias: { '@nodescope/shared': shared } },
        test: {
          name: 'proxy',
          root: here('./backend-proxy'),
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: { name: 'shared', root: here('./plugins/shared'), environment: 'node', include: ['src/**/*.test.ts'] },
      },
    ],
  },
});
