// Save & test of the nodescope datasource against the stack's proxy: the provisioned one
// (read-only, so Grafana shows "Test" instead of "Save & test") and a new one made in the UI.
import { expect, test } from '@grafana/plugin-e2e';

interface NodescopeJsonData {
  proxyUrl?: string;
}

/**
 * What the datasource's testDatasource() calls: Grafana's health API, which runs the Go
 * backend's CheckHealth (the proxy's /api/health on the Grafana server's side).
 */
const healthPath = (uid: string) => `/api/datasources/uid/${uid}/health`;

test('the provisioned nodescope datasource passes its test', async ({
  readProvisionedDataSource,
  gotoDataSourceConfigPage,
  page,
}) => {
  const provisioned = await readProvisionedDataSource<NodescopeJsonData>({
    fileName: 'nodescope.yaml',
    name: 'nodescope',
  });
  expect(provisioned.type).toBe('nodescope-crypto-datasource');
  const configPage = await gotoDataSourceConfigPage(provisioned.uid);

  const health = page.waitForResponse((response) => response.url().includes(healthPath(provisioned.uid)));
  await page.getByRole('button', { name: /^(Save & test|Test)$/ }).click();
  expect((await health).ok()).toBe(true);
  await expect(configPage).toHaveAlert('success');
});

test('a nodescope datasource made in the UI saves and tests', async ({ createDataSourceConfigPage, page }) => {
  // where Grafana's server reaches the proxy, and the proxy's key (the stack's .env)
  const proxyUrl = process.env.NODESCOPE_PROXY_URL ?? 'http://nodescope-proxy:8787';
  const apiKey = process.env.NODESCOPE_API_KEY;
  test.skip(!apiKey, 'set NODESCOPE_API_KEY to the key in the stack .env');

  const configPage = await createDataSourceConfigPage({ type: 'nodescope-crypto-datasource' });
  await page.getByLabel('Proxy URL').fill(proxyUrl);
  await page.getByLabel('API key').fill(apiKey!);
  await expect(configPage.saveAndTest({ path: healthPath(configPage.datasource.uid) })).toBeOK();
  await expect(configPage).toHaveAlert('success');
});
