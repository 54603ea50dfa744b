// @grafana/plugin-e2e against a real Grafana: the stack of the root docker-compose.yml
// (`docker compose --profile demo up -d --build`), with the app, its nested datasource and panels,
// and provisioning/ mounted. Runs where Docker and a Playwright browser exist (a developer's
// machine or CI with Docker); on the project machines it is only typechecked and linted
// (plugins/tools/test/plugin-e2e.test.ts). See README.md beside this file.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';

const require = createRequire(import.meta.url);
// plugin-e2e's login step: signs in with grafanaAPICredentials and stores the session
const pluginE2eAuth = path.join(path.dirname(require.resolve('@grafana/plugin-e2e')), 'auth');

/** Debian's or any installed Chromium when PLAYWRIGHT_CHROMIUM_PATH is set; Playwright's own otherwise. */
const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH;

export default defineConfig<PluginOptions>({
  testDir: './tests',
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: '../../reports/plugin-e2e' }]],
  outputDir: '../../test-results/plugin-e2e',
  use: {
    baseURL: process.env.GRAFANA_URL ?? 'http://localhost:3000',
    // the stack's admin (docker-compose.yml: admin / GF_ADMIN_PASSWORD from .env)
    grafanaAPICredentials: {
      user: process.env.GF_ADMIN_USER ?? 'admin',
      password: process.env.GF_ADMIN_PASSWORD ?? 'admin',
    },
    // readProvisioned* read the same files Grafana was provisioned from
    provisioningRootDir: path.resolve(import.meta.dirname, '../../provisioning'),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'auth', testDir: pluginE2eAuth, testMatch: [/.*\.js/] },
    {
      name: 'run-tests',
      use: {
        ...devices['Desktop Chrome'],
        storageState: 'playwright/.auth/admin.json',
        launchOptions: executablePath
          ? { executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] }
          : {},
      },
      dependencies: ['auth'],
    },
  ],
});
