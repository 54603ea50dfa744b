// Panel edit: each panel beside the options pane Grafana would build from its plugin's own
// options supplier (real Switch / RadioButtonGroup / Slider / number Input editors, grouped by
// category, showIf applied). Changing options through those controls must re-render the panel
// with them. Screenshots: e2e/screenshots/.out/options-<panel>-<theme>.png
// (see browser.ts SCREENSHOTS).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPanelHost } from '../panels/build.ts';
import { ensurePanelsBuilt } from '../panels/plugins.ts';
import { type PanelHarnessServer, startPanelHarness } from '../panels/server.ts';
import { launchChromium, openScenario, SCREENSHOTS } from './browser.ts';

const THEMES = ['dark', 'light'] as const;
let server: PanelHarnessServer;
let browser: Browser;

beforeAll(async () => {
  await Promise.all([ensurePanelsBuilt(), buildPanelHost()]);
  server = await startPanelHarness(0);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const drawnCount = (page: Page) => page.evaluate(() => Number(document.querySelector<HTMLElement>('[data-drawn-count]')?.dataset.drawnCount ?? 0));
const savedOptions = async (page: Page) => JSON.parse((await page.evaluate(() => document.body.dataset.options)) ?? '{}') as Record<string, unknown>;
const option = (page: Page, path: string) => page.getByTestId(`option ${path}`);
/** RadioButtonGroup: its (transparent) radio input lies over the label a user clicks */
const pickRadio = (page: Page, path: string, label: string) => option(page, path).getByRole('radio', { name: label, exact: true }).click();
/** Switch: the visible slider is the input's label */
const toggle = (page: Page, path: string) => option(page, path).locator('label').last().click();
async function typeNumber(page: Page, path: string, value: string) {
  const input = option(page, path).locator('input');
  await input.fill(value);
  await input.press('Enter');
}

/** A panel scenario beside its options pane, drawn at least once; page actions wait at most 10 s. */
async function openDrawn(scenario: string, theme: 'dark' | 'light') {
  const opened = await openScenario(browser, server.url, scenario, theme);
  opened.page.setDefaultTimeout(10_000);
  await expect.poll(() => drawnCount(opened.page)).toBeGreaterThan(0);
  return opened;
}

async function categories(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="options-category "]').evaluateAll((sections) => sections.map((s) => s.getAttribute('data-testid')!.slice('options-category '.length)));
}

async function shot(page: Page, name: string) {
  await page.mouse.move(1275, 855);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(300);
  await page.locator('[data-testid="panel-frame"]').screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

describe.each(THEMES)('panel options pane (%s theme)', (theme) => {
  it('mempool: Y scale, fee bands and legend radios, projected blocks switch and slider re-render the panel', async () => {
    const { page, problems } = await openDrawn('options-mempool', theme);
    expect(await categories(page)).toEqual(['nodescope mempool', 'Projected blocks']);
    // defaults as the pane shows them: linear scale selected, 39 bands, 8 blocks
    expect(await option(page, 'scale').locator('input:checked').count()).toBe(1);
    const legend = page.getByTestId('mempool-legend').locator('[title$="sat/vB"]');
    expect(await legend.count()).toBe(39);
    expect(await page.getByTestId('projected-block').count()).toBe(8);

    const before = await drawnCount(page);
    await pickRadio(page, 'scale', 'Log');
    await expect.poll(() => drawnCount(page)).toBeGreaterThan(before);
    expect((await savedOptions(page)).scale).toBe('log');

    await pickRadio(page, 'bandGrouping', 'Merged (13)');
    await expect.poll(() => legend.count()).toBe(13);

    await pickRadio(page, 'legend', 'Bottom');
    expect((await savedOptions(page)).legend).toBe('bottom');

    // the blocks slider (showIf: projected blocks on): 8 -> 3 blocks through its number box
    const slider = option(page, 'maxBlocks').locator('input[type="text"], input:not([type])').first();
    await slider.fill('3');
    await slider.blur();
    await expect.poll(() => page.getByTestId('projected-block').count()).toBe(3);
    await shot(page, `options-mempool-${theme}`);

    // switching projected blocks off removes the strip and hides its slider
    await toggle(page, 'showBlocks');
    await expect.poll(() => page.getByTestId('projected-blocks').count()).toBe(0);
    expect(await option(page, 'maxBlocks').count()).toBe(0);
    expect(await savedOptions(page)).toMatchObject({ scale: 'log', bandGrouping: 'coarse', legend: 'bottom', maxBlocks: 3, showBlocks: false });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('peer map: colour-by radio, cluster switch and its radius slider re-render the map', async () => {
    const { page, problems } = await openDrawn('options-peermap', theme);
    expect(await categories(page)).toEqual(['nodescope peer map']);
    const panel = page.getByTestId('peermap-panel');
    const canvas = page.getByTestId('peermap-canvas');
    const placed = Number(await panel.getAttribute('data-placed'));
    const clustered = Number(await canvas.getAttribute('data-clusters'));
    expect(clustered).toBeLessThan(placed);
    // the side legend names the colour categories: inbound/outbound first
    const side = () => panel.innerText();
    expect(await side()).toMatch(/inbound/i);
    await pickRadio(page, 'colorBy', 'Network');
    await expect.poll(side).toMatch(/ipv4/i);
    expect(await side()).not.toMatch(/inbound/i);
    await pickRadio(page, 'sizeBy', 'Traffic');
    expect(await savedOptions(page)).toMatchObject({ colorBy: 'network', sizeBy: 'traffic' });
    await shot(page, `options-peermap-${theme}`);

    // cluster radius is shown only while clustering is on; off, every peer is its own marker
    expect(await option(page, 'clusterRadius').count()).toBe(1);
    await toggle(page, 'cluster');
    await expect.poll(async () => Number(await canvas.getAttribute('data-clusters'))).toBe(placed);
    expect(await option(page, 'clusterRadius').count()).toBe(0);

    await toggle(page, 'showSide');
    await expect.poll(() => page.getByTestId('unplaced').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('profitability: miners shown (number), sort radio, what-if switch and start electricity price re-render the panel', async () => {
    const { page, problems } = await openDrawn('options-profitability', theme);
    expect(await categories(page)).toEqual(['nodescope mining profitability', 'What if']);
    const bars = page.getByTestId('miner-bar');
    expect(await bars.count()).toBe(15);

    await typeNumber(page, 'maxMiners', '5');
    await expect.poll(() => bars.count()).toBe(5);
    await pickRadio(page, 'sort', 'Name');
    await expect.poll(() => bars.first().innerText()).toContain('rig-01');
    await pickRadio(page, 'hashpriceUnit', 'TH/s');
    await expect.poll(() => page.getByTestId('profitability-panel').innerText()).toMatch(/TH\/s/);

    // the start price is offered only with the what-if controls on
    const cost = page.getByTestId('kpi-cost');
    if (await page.getByTestId('whatif').count()) await toggle(page, 'showWhatIf');
    await expect.poll(() => page.getByTestId('whatif').count()).toBe(0);
    expect(await option(page, 'electricityPerKwh').count()).toBe(0);
    await toggle(page, 'showWhatIf');
    await expect.poll(() => page.getByTestId('whatif').count()).toBe(1);
    const before = await cost.innerText();
    await typeNumber(page, 'electricityPerKwh', '0.035');
    await expect.poll(() => cost.innerText()).toContain('0.035');
    expect(await cost.innerText()).not.toBe(before);
    expect(await savedOptions(page)).toMatchObject({ maxMiners: 5, sort: 'name', hashpriceUnit: 'TH', showWhatIf: true, electricityPerKwh: 0.035 });
    await shot(page, `options-profitability-${theme}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});
