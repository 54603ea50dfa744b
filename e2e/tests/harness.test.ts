// The plugins as Grafana loads them: the built module.js through SystemJS with host-provided
// @grafana/*, React and rxjs, against the real proxy and the simulators (bitcoind, Stacks, a
// CGMiner fleet, a Freqtrade bot). Clicks through
// the editors as a user would and saves screenshots (both themes) to e2e/screenshots/.out/
// (`npm run screenshots -w e2e` refreshes the committed e2e/screenshots/).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_BUILD_TIMEOUT_MS } from '../harness/bridge.ts';
import { buildHost } from '../harness/build-host.ts';
import { type Stack, startStack, TEST_API_KEY } from '../harness/stack.ts';
import { startHarnessServer } from '../harness/server.ts';
import { ensurePluginsBuilt } from './plugins.ts';
import { launchChromium, openScenario, pickOption, screenshot } from './browser.ts';

const THEMES = ['dark', 'light'] as const;

let stack: Stack;
let browser: Browser;

/** The results stream and their first frame gains rows (the simulator adds transactions every second; the proxy streams each mempool tick). */
async function expectFirstFrameGrowing(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.results === 'streaming', null, { timeout: 20_000 });
  const rows = () => page.getByTestId('result-frame').first().getAttribute('data-rows').then(Number);
  const first = await rows();
  await expect.poll(rows, { timeout: 20_000 }).toBeGreaterThan(first);
}

/** Polls how many `testId` elements show, clicking Run query before each look (the source reads what arrives meanwhile). */
function pollRunQuery(page: Page, testId: string) {
  return expect.poll(
    async () => {
      await page.getByRole('button', { name: 'Run query' }).click();
      await page.waitForFunction(() => document.body.dataset.results === 'done' || document.body.dataset.results === 'error');
      return page.getByTestId(testId).count();
    },
    { timeout: 20_000 }
  );
}

/** In the query editor: btc-main's mempool.summary, then its Live switch, until the stream grows. */
async function goLiveOnMempoolSummary(page: Page): Promise<void> {
  // the live service connects when the page loads: load it again with the listeners on
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.status === 'rendered');
  await pickOption(page, 'nodescope-source', 'btc-main');
  await pickOption(page, 'nodescope-query', 'mempool.summary');
  await page.waitForFunction(() => document.body.dataset.results === 'done');
  await page.locator('#nodescope-live').check({ force: true });
  await expectFirstFrameGrowing(page);
}

beforeAll(async () => {
  await Promise.all([ensurePluginsBuilt(), buildHost()]);
  stack = await startStack();
  browser = await launchChromium();
  // a cold Go cache builds the datasource backend and the bridge first (harness/bridge.ts)
}, BACKEND_BUILD_TIMEOUT_MS + 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe.each(THEMES)('harness (%s theme)', (theme) => {
  it('ConfigEditor: entering the proxy URL and key, Save & test lists every source with its status', async () => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'config-editor', theme);
    // nothing the browser receives may carry the key (it only sends it once, when saving)
    const leaks: string[] = [];
    page.on('response', async (response) => {
      const body = await response.text().catch(() => '');
      if (body.includes(TEST_API_KEY)) leaks.push(response.url());
    });
    const url = page.locator('#nodescope-proxy-url');
    await expect.poll(() => url.inputValue()).toBe(stack.proxyUrl);

    // a wrong key first: Save & test is the backend's CheckHealth (GET
    // /api/datasources/uid/<uid>/health → the real gpx_nodescope through grafana-bridge); the proxy
    // answers the backend 401 and the backend says why (pkg/plugin/health.go), Grafana answers 400
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.locator('#nodescope-api-key').fill('wrong-key-123456');
    const refused = page.waitForResponse((response) => response.url().endsWith('/api/datasources/uid/nodescope/health'));
    await page.getByRole('button', { name: 'Save & test' }).click();
    expect((await refused).status()).toBe(400);
    expect(await (await refused).json()).toMatchObject({ status: 'ERROR', message: expect.stringContaining('(HTTP 401) — the proxy refused the API key') });
    await page.waitForFunction(() => document.body.dataset.test === 'error');
    await expect.poll(() => page.getByTestId('test-result').innerText()).toContain('Cannot reach the nodescope proxy');
    await expect.poll(() => page.getByTestId('test-result').innerText()).toContain('— the proxy refused the API key: check it here and in the proxy config (server.apiKey)');

    await page.getByRole('button', { name: 'Reset' }).click();
    await page.locator('#nodescope-api-key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Save & test' }).click();
    await page.waitForFunction(() => document.body.dataset.test === 'success');
    const result = await page.getByTestId('test-result').innerText();
    // a successful check shows its message only (DataSourceWithBackend.testDatasource): the
    // backend puts the per-source line in it
    expect(result).toContain('nodescope proxy: 5 sources');
    expect(result).toMatch(/stx-1: (ok|degraded)/);
    expect(result).toMatch(/btc-main: ok/);
    expect(result).toMatch(/btc-offline: (down|degraded)/);
    expect(result).toMatch(/farm-a: (ok|degraded)/);
    expect(result).toMatch(/bot-1: (ok|degraded)/);
    // the key stays server side (the backend sends it to the proxy), never in a browser-visible form
    expect(await page.locator('#nodescope-api-key').inputValue()).toBe('configured');
    expect(leaks).toEqual([]);
    await screenshot(page, `config-editor-${theme}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('QueryEditor: picking a source and a query shows the frames in an Explore-like view', async () => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'query-editor', theme);
    // the editor's sources come from the backend's resources, the query goes through /api/ds/query
    const requests: string[] = [];
    page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
    await pickOption(page, 'nodescope-source', 'btc-main');
    await pickOption(page, 'nodescope-query', 'fees.estimates');
    await page.waitForFunction(() => document.body.dataset.results === 'done' || document.body.dataset.results === 'error');
    expect(await page.evaluate(() => document.body.dataset.results)).toBe('done');
    expect(requests).toContain('POST /api/ds/query');
    expect(requests.filter((r) => r.includes('/api/datasources/proxy/'))).toEqual([]);
    const frames = page.getByTestId('result-frame');
    expect(await frames.count()).toBeGreaterThan(0);
    await screenshot(page, `query-editor-${theme}`);

    // the picker only offers queries of the source's kind
    await page.locator('#nodescope-query').click();
    await page.locator('#nodescope-query').fill('fleet');
    expect(await page.getByRole('option', { name: 'fleet.summary' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Explore: a saved query through a template variable runs on load and renders a table', async () => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'explore-mempool', theme);
    await page.waitForFunction(() => document.body.dataset.results === 'done' || document.body.dataset.results === 'error');
    expect(await page.evaluate(() => document.body.dataset.results)).toBe('done');
    expect(Number(await page.evaluate(() => document.body.dataset.frames))).toBeGreaterThan(0);
    expect(await page.getByRole('table').count()).toBeGreaterThan(0);
    // mempool.summary is a time series: Explore draws it (uPlot canvas) above the table
    expect(await page.getByTestId('result-graph').locator('canvas').count()).toBeGreaterThan(0);
    await screenshot(page, `explore-${theme}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('harness: live and logs', () => {
  // Grafana Live: the backend's QueryData hands a channel, DataSourceWithBackend subscribes to it
  // over the centrifuge websocket (/api/live/ws → grafana-bridge), and the real gpx_nodescope's
  // RunStream feeds it from the proxy's SSE over the simulators; the browser opens no SSE
  it('Live: a streamable query switches to Grafana streaming frames and keeps growing over Grafana Live', async () => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'query-editor', 'dark');
    const sockets: string[] = [];
    const sse: string[] = [];
    page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
    page.on('request', (request) => {
      if (request.url().includes('/api/stream')) sse.push(request.url());
    });
    await goLiveOnMempoolSummary(page);
    expect(sockets).toEqual(['/api/live/ws']);
    expect(sse).toEqual([]);
    expect(stack.harness.forwarded.filter((f) => f.url.startsWith('/api/stream'))).toEqual([]);
    await screenshot(page, 'live-dark');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Live under a sub-path (root_url …/grafana/): the Live websocket is under it', async () => {
    // a second Grafana in front of the same proxy, whose API answers only under /grafana/
    const grafana = await startHarnessServer({ proxyUrl: stack.proxyUrl, apiKey: TEST_API_KEY, subPath: '/grafana', buildHost: false, backend: stack.backend });
    try {
      const { page, problems } = await openScenario(browser, `${grafana.url}/grafana`, 'query-editor', 'dark');
      const sockets: string[] = [];
      page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
      await goLiveOnMempoolSummary(page);
      expect(sockets).toEqual(['/grafana/api/live/ws']);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await grafana.close();
    }
  });

  // Where Grafana Live is absent (no live service), live queries fall back to the proxy's SSE
  // through the data source proxy, under the sub-path too
  it('without Grafana Live: the SSE fallback through the data source proxy, its URL under config.appSubUrl', async () => {
    const grafana = await startHarnessServer({ proxyUrl: stack.proxyUrl, apiKey: TEST_API_KEY, subPath: '/grafana', buildHost: false, backend: stack.backend, live: false });
    try {
      const { page, problems } = await openScenario(browser, `${grafana.url}/grafana`, 'live-panel', 'dark');
      const streams: string[] = [];
      const sockets: string[] = [];
      page.on('websocket', (ws) => sockets.push(ws.url()));
      page.on('request', (request) => {
        if (request.url().includes('/api/stream')) streams.push(new URL(request.url()).pathname);
      });
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.results === 'streaming', null, { timeout: 30_000 });
      const total = () => page.getByTestId('result-frame').evaluateAll((frames) => frames.reduce((sum, f) => sum + Number(f.getAttribute('data-rows')), 0));
      const before = await total();
      await expect.poll(total, { timeout: 20_000 }).toBeGreaterThan(before);
      expect(streams[0]).toBe('/grafana/api/datasources/proxy/uid/nodescope/api/stream');
      expect(grafana.forwarded.some((f) => f.url.startsWith('/api/stream?'))).toBe(true);
      expect(sockets).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await grafana.close();
    }
  });

  it("Explore's Live button (request.liveStreaming) follows a streamable query without its own Live switch", async () => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'explore-live-button', 'dark');
    await expectFirstFrameGrowing(page);
    expect(problems).toEqual([]);
    await page.close();
  });

  // a browser opens at most six HTTP/1.1 connections per origin: Grafana Live carries every
  // channel of the page on one websocket, and the bridge runs one RunStream per channel
  it('a panel with three live queries holds one Live websocket, a channel each', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const sockets: string[] = [];
    const subscribed = new Set<string>();
    const sse: string[] = [];
    page.on('websocket', (ws) => {
      sockets.push(new URL(ws.url()).pathname);
      // centrifuge's JSON protocol: {"id":…,"subscribe":{"channel":"1/ds/<uid>/<path>"}}, one command per line
      ws.on('framesent', (frame) => {
        for (const line of String(frame.payload).split('\n')) {
          const channel = (JSON.parse(line || '{}') as { subscribe?: { channel?: string } }).subscribe?.channel;
          if (channel) subscribed.add(channel);
        }
      });
    });
    page.on('request', (request) => {
      if (request.url().includes('/api/stream')) sse.push(request.url());
    });
    await page.goto(`${stack.harness.url}/?scenario=live-panel&theme=dark`);
    await page.waitForFunction(() => document.body.dataset.results === 'streaming', null, { timeout: 30_000 });
    await expect.poll(() => page.getByTestId('result-frame').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const total = () => page.getByTestId('result-frame').evaluateAll((frames) => frames.reduce((sum, f) => sum + Number(f.getAttribute('data-rows')), 0));
    const before = await total();
    await expect.poll(total, { timeout: 20_000 }).toBeGreaterThan(before);
    expect(sockets).toEqual(['/api/live/ws']);
    expect([...subscribed].every((channel) => channel.startsWith('1/ds/nodescope/stream/'))).toBe(true);
    expect(subscribed.size).toBeGreaterThanOrEqual(3);
    expect(sse).toEqual([]);
    await page.close();
  });

  it.each(THEMES)('Explore: Stacks node logs go to the logs view (%s)', async (theme) => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'explore-logs', theme);
    // the source tails the log file: run again until the appended lines are in
    await pollRunQuery(page, 'log-row').toBeGreaterThan(0);
    expect(await page.getByTestId('logs-view').count()).toBe(1);
    await screenshot(page, `explore-logs-${theme}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('harness: errors', () => {
  it('a bad parameter shows the proxy message on its query, and the page keeps working', async () => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'explore-error', 'dark');
    await page.waitForFunction(() => document.body.dataset.results === 'error' || document.body.dataset.results === 'done');
    const error = await page.getByTestId('query-error').innerText();
    expect(error).toContain('Query A failed');
    expect(error).toContain('btc-main: blocks.recent');
    expect(error).toMatch(/count must be an integer/);
    await screenshot(page, 'explore-error-dark');
    // fixing the parameter recovers
    await page.locator('#nodescope-param-count').fill('5');
    await page.locator('#nodescope-param-count').blur();
    await page.waitForFunction(() => document.body.dataset.results === 'done');
    expect(await page.getByTestId('result-frame').first().getAttribute('data-rows')).toBe('5');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('harness: annotations', () => {
  it('the annotation editor picks a source and an event type and lists the blocks', async () => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'annotations-blocks', 'dark');
    await pickOption(page, 'nodescope-annotation-source', 'btc-main');
    await page.getByRole('button', { name: 'Run query' }).click();
    await pollRunQuery(page, 'annotation-event').toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('annotation-event').first().innerText()).toMatch(/Block \d+|block/i);
    await screenshot(page, 'annotations-dark');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('harness: landing page', () => {
  it('lists every scenario (what `npm run demo` opens)', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.harness.url}/`);
    await page.waitForFunction(() => document.body.dataset.status === 'rendered');
    const text = await page.locator('#root').innerText();
    for (const name of ['config-editor', 'query-editor', 'explore-mempool', 'explore-logs', 'variables-sources', 'variables-fleet', 'annotations-blocks']) expect(text).toContain(name);
    await page.close();
  });
});

describe('harness: variables', () => {
  it('lists the bitcoin sources for a template variable', async () => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'variables-sources', 'dark');
    await page.waitForFunction(() => document.body.dataset.results === 'done');
    const values = await page.getByTestId('variable-value').allInnerTexts();
    expect(values.sort()).toEqual(['btc-main', 'btc-offline']);
    await screenshot(page, 'variables-dark');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('harness: variables of a CGMiner fleet and a Freqtrade bot', () => {
  it('the variable editor lists every source, the fleet miners and pools, the bot and its pairs as the simulators have them', async () => {
    const { page, problems } = await openScenario(browser, stack.harness.url, 'variables-fleet', 'dark');
    const values = async () => (await page.getByTestId('variable-value').allInnerTexts()).sort();
    await expect.poll(values).toEqual(['Farm A', 'Freqtrade momentum', 'btc-main', 'btc-offline', 'stx-1']);

    // miners of the fleet: the names the simulated miners carry
    await pickOption(page, 'nodescope-variable-name', 'miners');
    await pickOption(page, 'nodescope-variable-source', 'Farm A');
    const miners = stack.fleet.miners.map((m) => m.name).sort();
    expect(miners).toEqual(['bmminer-0002', 'braiins-0003', 'cgminer-0001', 'whatsminer-0004']);
    await expect.poll(values).toEqual(miners);
    await screenshot(page, 'variables-miners-dark');

    // pools: what the miners' `pools` replies list (known after the source's first poll)
    await pickOption(page, 'nodescope-variable-name', 'pools');
    await expect.poll(values, { timeout: 20_000 }).toEqual(['stratum+tcp://btc.pool-a.example:3333', 'stratum+tcp://btc.pool-b.example:443']);

    // the bot by its configured bot_name, then the pairs it trades (its whitelist)
    await pickOption(page, 'nodescope-variable-name', 'bots');
    await pickOption(page, 'nodescope-variable-source', 'Freqtrade momentum');
    await expect.poll(values).toEqual(['momentum']);
    await pickOption(page, 'nodescope-variable-name', 'pairs');
    const pairs = [...stack.bot.bot.whitelist().whitelist].sort();
    expect(pairs.length).toBeGreaterThan(3);
    await expect.poll(values, { timeout: 20_000 }).toEqual(pairs);
    await screenshot(page, 'variables-pairs-dark');

    // a variable the source does not serve: the proxy's message, no values
    await pickOption(page, 'nodescope-variable-name', 'miners');
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('has no variable "miners"');
    expect(await page.getByTestId('variable-value').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
