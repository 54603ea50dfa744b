// Each nodescope panel renders on its provisioned dashboard with data from the stack's proxy
// (demo simulators) without a panel error, and each is offered in the visualization picker.
import { expect, test, type Dashboard } from '@grafana/plugin-e2e';

const PANELS = [
  {
    type: 'nodescope-mempool-panel',
    name: 'nodescope mempool',
    dashboard: 'nodescope/nodescope-mempool.json',
    testId: 'mempool-panel',
  },
  {
    type: 'nodescope-peermap-panel',
    name: 'nodescope peer map',
    dashboard: 'nodescope/nodescope-bitcoin-peers.json',
    testId: 'peermap-panel',
  },
  {
    type: 'nodescope-profitability-panel',
    name: 'nodescope mining profitability',
    dashboard: 'nodescope/nodescope-profitability.json',
    testId: 'profitability-panel',
  },
] as const;

type DashboardJson = Dashboard & { panels?: Array<{ id: number; type: string; title?: string }> };

for (const { type, name, dashboard: fileName, testId } of PANELS) {
  test(`${type} renders on its dashboard`, async ({ readProvisionedDashboard, gotoDashboardPage }) => {
    const dashboard = (await readProvisionedDashboard({ fileName })) as DashboardJson;
    const definition = dashboard.panels?.find((panel) => panel.type === type);
    expect(definition, `${fileName} has a ${type}`).toBeDefined();

    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const panel = dashboardPage.getPanelByTitle(definition!.title ?? '');
    await panel.scrollIntoView();
    await expect(panel.locator.getByTestId(testId)).toBeVisible();
    await expect(panel.getErrorIcon()).toHaveCount(0);
  });

  test(`${type} is offered as a visualization`, async ({ panelEditPage }) => {
    await panelEditPage.setVisualization(name);
    await expect(panelEditPage.panel.locator).toBeVisible();
  });
}
