// The provisioned alert rules (provisioning/alerting/nodescope-rules.yaml) are listed by Grafana.
import { expect, test } from '@grafana/plugin-e2e';

test('a provisioned nodescope alert rule is listed', async ({ readProvisionedAlertRule, page }) => {
  const rule = await readProvisionedAlertRule({ fileName: 'nodescope-rules.yaml' });
  expect(rule.title).toBeTruthy();
  await page.goto(`/alerting/list?search=${encodeURIComponent(`rule:${rule.title}`)}`);
  await expect(page.getByText(rule.title, { exact: true }).first()).toBeVisible();
});

test('the same rule is served by the Grafana provisioning API', async ({ readProvisionedAlertRule, request }) => {
  const rule = await readProvisionedAlertRule({ fileName: 'nodescope-rules.yaml' });
  const response = await request.get(`/api/v1/provisioning/alert-rules/${rule.uid}`, {
    headers: {
      Authorization: `Basic ${Buffer.from(`${process.env.GF_ADMIN_USER ?? 'admin'}:${process.env.GF_ADMIN_PASSWORD ?? 'admin'}`).toString('base64')}`,
    },
  });
  expect(response.ok()).toBe(true);
  expect((await response.json()) as { title: string }).toMatchObject({ title: rule.title });
});
