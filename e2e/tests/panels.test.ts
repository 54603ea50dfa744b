// The three panel plugins as Grafana loads them (built module.js through SystemJS, host-provided
// @grafana/*, React), rendered in Chromium with demo-like frames in both themes: nodescope frames,
// Prometheus frames, empty and error states, a migrated old panel, and the copy nested in the app.
// Screenshots go to e2e/screenshots/.out/panel-*.png (see browser.ts SCREENSHOTS).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPanelHost } from '../panels/build.ts';
import { ensurePanelsBuilt } from '../panels/plugins.ts';
import type { PanelScenario } from '../panels/scenario.ts';
import { type PanelHarnessServer, startPanelHarness } from '../panels/server.ts';
import { type Stack, startStack, TEST_API_KEY } from '../harness/stack.ts';
import { launchChromium, openScenario, SCREENSHOTS } from './browser.ts';

const THEMES = ['dark', 'light'] as const;
let server: PanelHarnessServer;
let browser: Browser;
let stack: Stack;
// scenarios whose frames come from the real proxy in front of the bitcoind simulator
const live = new Map<string, PanelScenario>();

async function proxyFrames(query: string): Promise<unknown[]> {
  const to = Date.now();
  const response = await fetch(`${stack.proxyUrl}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
    body: JSON.stringify({ queries: [{ refId: 'A', sourceId: 'btc-main', query }], range: { from: to - 3_600_000, to }, intervalMs: 1_000, maxDataPoints: 1_000 }),
  });
  const body = (await response.json()) as { results: Record<string, { frames: unknown[]; error?: string }> };
  if (body.results.A?.error) throw new Error(`${query}: ${body.results.A.error}`);
  return body.results.A!.frames;
}

beforeAll(async () => {
  await Promise.all([ensurePanelsBuilt({ app: true }), buildPanelHost()]);
  stack = await startStack();
  // a few seconds of mempool history (the source polls every second)
  const rows = async () => ((await proxyFrames('mempool.histogram'))[0] as { data: { values: unknown[][] } }).data.values[0]!.length;
  for (let tries = 0; tries < 60 && (await rows()) < 4; tries++) await new Promise((resolve) => setTimeout(resolve, 500));
  const [histogram, blocks, peers] = await Promise.all([proxyFrames('mempool.histogram'), proxyFrames('mempool.blocks'), proxyFrames('network.peers')]);
  live.set('live-mempool', { name: 'live-mempool', pluginId: 'nodescope-mempool-panel', title: 'Mempool (live proxy, regtest simulator)', dataset: 'inline', frames: [...histogram, ...blocks], width: 1240, height: 560 });
  live.set('live-peers', { name: 'live-peers', pluginId: 'nodescope-peermap-panel', title: 'Peers (live proxy, regtest simulator)', dataset: 'inline', frames: peers, width: 1240, height: 560 });
  server = await startPanelHarness(0, live);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.close();
});

/** A panel scenario in a 1280 × 720 page; the panel harness has no data source, so every HTTP error is a problem. */
const open = (scenario: string, theme: 'dark' | 'light') => openScenario(browser, server.url, scenario, theme, { height: 720, answers: null });

/** `open`, then wait until the panel has drawn once. */
async function openDrawn(scenario: string, theme: 'dark' | 'light') {
  const opened = await open(scenario, theme);
  await opened.page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-drawn-count]')?.dataset.drawnCount ?? 0) > 0, null, { timeout: 30_000 });
  return opened;
}

/** Alpha of the chart canvas at a fraction of its size (0 = nothing painted there). */
const paintedAt = (page: Page, fx: number, fy: number) =>
  page.evaluate(
    ([x, y]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="mempool-chart"] canvas')!;
      return canvas.getContext('2d')!.getImageData(Math.floor(canvas.width * x!), Math.floor(canvas.height * y!), 1, 1).data[3];
    },
    [fx, fy]
  );

/** What the mempool panel made of its frames: their origin (nodescope or prometheus) and the fee bands its legend shows. */
async function mempoolRead(page: Page) {
  const origin = await page.getByTestId('mempool-panel').getAttribute('data-origin');
  return { origin, bands: await page.getByTestId('mempool-legend').locator('[title$="sat/vB"]').count() };
}

async function shot(page: Page, name: string) {
  await page.mouse.move(1275, 715);
  await page.locator('[data-testid="panel-frame"]').screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

describe.each(THEMES)('panels (%s theme)', (theme) => {
  it('mempool: nodescope frames -> 39 bands, projected blocks, threshold, tooltip per band', async () => {
    const { page, problems } = await openDrawn('mempool', theme);
    expect(await mempoolRead(page)).toEqual({ origin: 'nodescope', bands: 39 });
    expect(await page.getByTestId('mempool-panel').getAttribute('data-kind')).toBe('vsize');
    expect(await page.getByTestId('projected-block').count()).toBe(8);
    expect(await paintedAt(page, 0.5, 0.9)).toBeGreaterThan(0);
    await shot(page, `panel-mempool-${theme}`);
    const box = (await page.getByTestId('mempool-chart').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
    const tooltip = page.getByTestId('mempool-tooltip');
    await expect.poll(() => tooltip.innerText()).toMatch(/sat\/vB/);
    expect(await tooltip.innerText()).toMatch(/\d+(\.\d+)? [kM]vB/);
    await page.screenshot({ path: path.join(SCREENSHOTS, `panel-mempool-tooltip-${theme}.png`) });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('mempool: Prometheus series (one frame per band label), log scale, merged bands', async () => {
    const { page, problems } = await openDrawn('mempool-prometheus', theme);
    expect(await mempoolRead(page)).toEqual({ origin: 'prometheus', bands: 13 });
    expect(await page.getByTestId('projected-blocks').count()).toBe(0);
    await shot(page, `panel-mempool-prometheus-${theme}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it.each([
    ['mempool-empty', 'panel-empty', 'No fee histogram in the data'],
    ['mempool-error', 'panel-error', 'ECONNREFUSED'],
    ['peermap-empty', 'panel-empty', 'No peer table in the data'],
    ['profitability-empty', 'panel-empty', 'No market data'],
  ])('%s: says what is missing', async (scenario, testId, text) => {
    const { page, problems } = await open(scenario, theme);
    await expect.poll(() => page.getByTestId(testId).innerText()).toContain(text);
    await shot(page, `panel-${scenario}-${theme}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('peer map: placed peers clustered on the offline map, unplaceable counted, zoom splits clusters', async () => {
    const { page, problems } = await openDrawn('peermap', theme);
    const panel = page.getByTestId('peermap-panel');
    const placed = Number(await panel.getAttribute('data-placed'));
    const unplaced = Number(await panel.getAttribute('data-unplaced'));
    expect(placed + unplaced).toBe(420);
    expect(unplaced).toBeGreaterThan(20);
    expect(await page.getByTestId('unplaced').innerText()).toContain(String(unplaced));
    const canvas = page.getByTestId('peermap-canvas');
    const before = Number(await canvas.getAttribute('data-clusters'));
    expect(before).toBeLessThan(placed);
    await shot(page, `panel-peermap-${theme}`);
    const box = (await canvas.boundingBox())!;
    // Europe, zoomed in: clusters split
    await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.3);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -200);
    await expect.poll(async () => Number(await canvas.getAttribute('data-zoom'))).toBeGreaterThan(2);
    expect(Number(await canvas.getAttribute('data-clusters'))).not.toBe(before);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('peer map: colour by network, size by traffic, hover shows a peer', async () => {
    const { page, problems } = await openDrawn('peermap-network', theme);
    const canvas = page.getByTestId('peermap-canvas');
    expect(Number(await canvas.getAttribute('data-clusters'))).toBe(Number(await page.getByTestId('peermap-panel').getAttribute('data-placed')));
    await shot(page, `panel-peermap-network-${theme}`);
    // sweep the mouse over western Europe as a user would until a marker answers
    const box = (await canvas.boundingBox())!;
    const tooltip = page.getByTestId('peer-tooltip');
    let found = false;
    for (let dy = 0.2; dy <= 0.36 && !found; dy += 0.01) {
      for (let dx = 0.44; dx <= 0.56 && !found; dx += 0.006) {
        await page.mouse.move(box.x + box.width * dx, box.y + box.height * dy);
        found = (await tooltip.count()) > 0;
      }
    }
    expect(found).toBe(true);
    const text = await tooltip.innerText();
    expect(text).toMatch(/Network/);
    expect(text).toMatch(/Ping/);
    expect(text).toMatch(/AS\d+/);
    await page.screenshot({ path: path.join(SCREENSHOTS, `panel-peermap-tooltip-${theme}.png`) });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('profitability: fleet P&L, sorted miner bars, halving and retarget, what-if recomputes in the browser', async () => {
    const { page, problems } = await openDrawn('profitability', theme);
    expect(await page.getByTestId('miner-bar').count()).toBe(15);
    const first = await page.getByTestId('miner-bar').first().innerText();
    expect(first).toContain('rig-01');
    expect(await page.getByTestId('kpi-halving').innerText()).toMatch(/days/);
    await shot(page, `panel-profitability-${theme}`);
    const profit = () => page.getByTestId('kpi-profit').innerText();
    const before = await profit();
    await page.getByLabel('Electricity price per kWh').fill('0.02');
    await expect.poll(profit).not.toBe(before);
    expect(await profit()).toContain('what if');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe.each(THEMES)('panels with frames from the real proxy (%s theme)', (theme) => {
  it('mempool: mempool.histogram and mempool.blocks as the proxy returns them', async () => {
    const { page, problems } = await openDrawn('live-mempool', theme);
    expect(await mempoolRead(page)).toEqual({ origin: 'nodescope', bands: 39 });
    expect(await page.getByTestId('projected-block').count()).toBeGreaterThan(0);
    // the fee bands are painted, not just the axes (one snapshot spans the chart)
    expect(await paintedAt(page, 0.5, 0.9)).toBeGreaterThan(0);
    await shot(page, `panel-mempool-live-${theme}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('peer map: network.peers as the proxy returns it; peers without lat/lon go to the side count', async () => {
    const { page, problems } = await openDrawn('live-peers', theme);
    const panel = page.getByTestId('peermap-panel');
    // what the frame itself says (with or without a GeoIP database on the proxy)
    const frame = live.get('live-peers')!.frames![0] as { schema: { fields: Array<{ name: string }> }; data: { values: unknown[][] } };
    const column = (name: string) => frame.data.values[frame.schema.fields.findIndex((f) => f.name === name)] ?? [];
    const rows = frame.data.values[0]!.length;
    const lat = column('lat');
    const lon = column('lon');
    const located = Array.from({ length: rows }, (_v, i) => typeof lat[i] === 'number' && typeof lon[i] === 'number').filter(Boolean).length;
    expect(rows).toBeGreaterThan(0);
    expect(Number(await panel.getAttribute('data-placed'))).toBe(located);
    expect(Number(await panel.getAttribute('data-unplaced'))).toBe(rows - located);
    await shot(page, `panel-peermap-live-${theme}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('panels: migration and app bundling', () => {
  it('a 0.0.x saved mempool panel is migrated by the plugin handler', async () => {
    const { page, problems } = await openDrawn('mempool-migrated', 'dark');
    const options = JSON.parse((await page.evaluate(() => document.body.dataset.options))!);
    expect(options).toMatchObject({ schemaVersion: 1, scale: 'log', bandGrouping: 'coarse', maxBlocks: 4 });
    expect(await page.getByTestId('projected-block').count()).toBe(4);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the mempool panel nested in nodescope-suite-app renders from the app dist', async () => {
    const { page, problems } = await openDrawn('mempool-app', 'dark');
    expect(await page.getByTestId('mempool-panel').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
