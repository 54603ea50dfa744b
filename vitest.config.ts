import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const shared = fileURLToPath(new URL('./plugins/shared/src/index.ts', import.meta.url));

// One run covers every workspace; each project keeps its own environment.
export default defineConfig({
  resolve: { alias: { '@nodescope/shared': shared } },
  test: {
    projects: [
      {
        resolve: { alias: { '@nodescope/shared': shared } },
        test: {
          name: 'proxy',
          root: './backend-proxy',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: { name: 'shared', root: './plugins/shared', environment: 'node', include: ['src/**/*.test.ts'] },
      },
    ],
  },
});
