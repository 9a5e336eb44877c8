// The report in a real browser (headless Debian Chromium, network blocked): renders without
// errors, draws every chart, the item filter narrows the list, hostile text stays text.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { writeReports } from '../../src/report/index.js';
import { chromiumAvailable, CHROMIUM, launch, openReport, type OpenedReport } from './chromium.js';
import { simpleAggregate, writeSyntheticRuns } from './synthetic.js';

const OUT = join(process.cwd(), 'test-output', 'report-browser');
const available = chromiumAvailable();
if (!available) console.warn(`report browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

describe.skipIf(!available)('HTML report in headless Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let opened: OpenedReport;
  const file = join(OUT, 'report.html');
  const plainFile = join(OUT, 'report-plain.html');

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const dirs = writeSyntheticRuns(join(OUT, 'runs'), { models: 3, items: 400, payload: true, seed: 7 });
    const opts = {
      baselineDirs: [dirs[0]],
      resamples: 200,
      resolveSuite: async () => ({ description: 'A synthetic suite for the browser test.', aggregate: simpleAggregate }),
    };
    // The main page has its texts gzip'd (as big reports do); the plain variant is checked too.
    await writeReports(dirs.slice(1), { html: file }, { ...opts, compressTexts: true });
    await writeReports(dirs.slice(1), { html: plainFile }, { ...opts, compressTexts: false });
    browser = await launch();
    opened = await openReport(browser, file);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders with no console errors and no network request', async () => {
    await opened.page.waitForSelector('body[data-texts="ready"]', { timeout: 20_000 });
    expect(opened.problems).toEqual([]);
    expect(opened.blocked).toEqual([]);
    expect(await opened.page.locator('#leaderboard table').count()).toBe(1);
  });

  it('draws every chart canvas (non-blank pixels)', async () => {
    const stats = await opened.page.evaluate(() =>
      Array.from(document.querySelectorAll('canvas')).map((c) => {
        const ctx = c.getContext('2d')!;
        const { data } = ctx.getImageData(0, 0, c.width, c.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return { id: c.getAttribute('data-chart'), w: c.width, painted };
      }),
    );
    // the leaderboard chart, then 3 suites × (bars, margins, reliability)
    expect(stats.length).toBe(10);
    for (const s of stats) {
      expect(s.w, s.id ?? '').toBeGreaterThan(100);
      expect(s.painted, s.id ?? '').toBeGreaterThan(500);
    }
  });

  it('the item filters narrow the list', async () => {
    const { page } = opened;
    const total = async () => Number(/of (\d+) items/.exec((await page.textContent('#page-info')) ?? '')?.[1] ?? 0);
    const all = await total();
    expect(all).toBeGreaterThan(300);
    await page.selectOption('#f-suite', { label: 'rewardbench2' });
    const rb2 = await total();
    expect(rb2).toBeGreaterThan(0);
    expect(rb2).toBeLessThan(all);
    await page.selectOption('#f-outcome', 'wrong');
    const wrong = await total();
    expect(wrong).toBeLessThan(rb2);
    await page.check('#f-disagree');
    expect(await total()).toBeLessThanOrEqual(wrong);
    await page.selectOption('#f-suite', '-1');
    await page.selectOption('#f-outcome', '');
    await page.uncheck('#f-disagree');
    await page.fill('#f-search', 'payload');
    await page.waitForFunction(() => /of 1 items|of 2 items/.test(document.querySelector('#page-info')?.textContent ?? ''));
    expect(await page.locator('#item-list .item').count()).toBeGreaterThanOrEqual(1);
  });

  it('hostile text is shown as text and executes nothing', async () => {
    const { page } = opened;
    await page.fill('#f-search', 'payload');
    await page.waitForFunction(() => document.querySelectorAll('#item-list .item').length >= 1);
    const heads = page.locator('#item-list .item-head');
    for (let i = 0; i < (await heads.count()); i++) await heads.nth(i).click();
    const shown = await page.locator('#item-list .text').allTextContents();
    expect(shown.some((t) => t.includes('<script>window.__pwned=1</script>'))).toBe(true);
    expect(shown.some((t) => t.includes('<img src=x onerror="window.__pwned=2">'))).toBe(true);
    // The subset name and a model label carry payloads too.
    expect(await page.locator('text=odd<subset>').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#item-list img, #item-list b, #item-list script').count()).toBe(0);
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(8);
    await page.screenshot({ path: join(OUT, 'items.png'), fullPage: false });
    await page.fill('#f-search', '');
    expect(opened.problems).toEqual([]);
  });

  it('the variant with plain (uncompressed) texts works the same', async () => {
    const plain = await openReport(browser, plainFile);
    await plain.page.waitForSelector('body[data-texts="ready"]', { timeout: 20_000 });
    await plain.page.fill('#f-search', 'payload');
    await plain.page.waitForFunction(() => /of [12] items/.test(document.querySelector('#page-info')?.textContent ?? ''));
    await plain.page.locator('#item-list .item-head').first().click();
    expect((await plain.page.locator('#item-list .text').allTextContents()).join('')).toContain('<script>window.__pwned=1</script>');
    expect(await plain.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(plain.problems).toEqual([]);
    await plain.page.close();
  });

  it('full-page screenshot', async () => {
    await opened.page.evaluate(() => window.scrollTo(0, 0));
    await opened.page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
  });
});
