// Debian's Chromium driven by playwright-core (Playwright's own browser download cannot work here).
import { type Browser, chromium, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed screenshots (README, plugin listings); only `npm run screenshots -w e2e` rewrites them. */
export const COMMITTED_SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../screenshots');
/**
 * Where this run writes its screenshots: a test run leaves the tree clean, so pictures go to
 * screenshots/.out/ (git-ignored by e2e/.gitignore) unless NODESCOPE_UPDATE_SCREENSHOTS=1 asks
 * for the committed ones to be refreshed on purpose.
 */
export const SCREENSHOTS = process.env.NODESCOPE_UPDATE_SCREENSHOTS === '1' ? COMMITTED_SCREENSHOTS : path.join(COMMITTED_SCREENSHOTS, '.out');
mkdirSync(SCREENSHOTS, { recursive: true });
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
}

export interface OpenedPage {
  page: Page;
  /** uncaught page errors and console errors, checked at the end of each test */
  problems: string[];
}

/**
 * The datasource's answers, which tests check themselves (a refused key, a bad parameter): the
 * data source proxy, and Grafana's API on the backend (/api/ds/query answers 400 when a query
 * failed, …/health 400 unless OK, …/resources/* with the proxy's own status).
 */
const DATASOURCE_ANSWERS = /^\/api\/(datasources\/proxy\/|ds\/query$|datasources\/uid\/[^/]+\/(health$|resources\/))/;

/**
 * Opens `scenario` of a harness page and waits until it rendered. `height`: the viewport's;
 * `answers`: the HTTP errors that are answers under test, not problems (default: the datasource's).
 */
export async function openScenario(
  browser: Browser,
  baseUrl: string,
  scenario: string,
  theme: 'dark' | 'light',
  { height = 860, answers = DATASOURCE_ANSWERS }: { height?: number; answers?: RegExp | null } = {}
): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height }, deviceScaleFactor: 1 });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // failed requests are reported with their URL below; the datasource's 4xx are answers under test
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    // Roboto (Grafana's code font) is not on npm; the browser falls back to its monospace font
    if (url.pathname.startsWith('/public/fonts/roboto/')) return;
    if (response.status() >= 400 && !answers?.test(url.pathname)) problems.push(`HTTP ${response.status()} ${url.pathname}`);
  });
  await page.goto(`${baseUrl}/?scenario=${scenario}&theme=${theme}`);
  await page.waitForFunction(() => document.body.dataset.status !== undefined, null, { timeout: 60_000 });
  const status = await page.evaluate(() => document.body.dataset.status);
  if (status !== 'rendered') throw new Error(`scenario ${scenario} did not render: ${await page.evaluate(() => document.body.dataset.error)}\n${problems.join('\n')}`);
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // no hover state in the picture
  await page.mouse.move(1270, 850);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // let Grafana's 0.2 s hover/focus transitions finish so the picture shows resting colours
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Opens a Grafana Select by its input id, types to filter, and picks the option with this text. */
export async function pickOption(page: Page, inputId: string, text: string): Promise<void> {
  const input = page.locator(`#${inputId}`);
  await input.click();
  await input.fill(text);
  await page.getByRole('option', { name: text, exact: false }).first().click();
}
