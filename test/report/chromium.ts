// Headless Debian Chromium through playwright-core, with all network blocked: the report must
// work from file:// alone. Shared by the browser test and the report benchmark.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.RMGAUGE_CHROMIUM || '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

export interface OpenedReport {
  page: Page;
  /** Console errors, page errors and blocked requests seen so far. */
  problems: string[];
  blocked: string[];
  /** Milliseconds from navigation start to the page's data-rendered mark. */
  renderMs: number;
}

export async function openReport(browser: Browser, file: string, viewport = { width: 1400, height: 900 }): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const blocked: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const t0 = Date.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 });
  const renderMs = Date.now() - t0;
  return { page, problems, blocked, renderMs };
}
