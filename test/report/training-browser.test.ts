// The curation and ensemble sections in a real browser (headless Chromium, network blocked): the
// bands chart is drawn, hostile text in the summary stays text, "show" filters the item browser;
// and the standalone page of `rmgauge curate --html` works on its own.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sideBySide } from '../../src/ensemble/agreement.js';
import { writeReports } from '../../src/report/index.js';
import { writeCurationHtml } from '../../src/report/curation-page.js';
import { readItemRecords } from '../../src/run/run-files.js';
import { chromiumAvailable, launch, openReport } from './chromium.js';
import { simpleAggregate, writeSyntheticRuns } from './synthetic.js';
import { curationSummary, HOSTILE } from './curation-fixture.js';

const OUT = join(process.cwd(), 'test-output', 'report-training');

async function paintedPixels(page: Page, selector: string): Promise<number[]> {
  return page.evaluate((sel) =>
    Array.from(document.querySelectorAll(sel)).map((c) => {
      const canvas = c as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    }), selector);
}

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);

describe.skipIf(!chromiumAvailable())('curation and ensemble sections in headless Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  const file = join(OUT, 'report.html');
  const page1 = join(OUT, 'curation.html');
  let firstWrong = { suite: '', key: '' };

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const dirs = writeSyntheticRuns(join(OUT, 'runs'), { models: 3, items: 150, payload: true, seed: 11 });
    const recs = dirs.map((d) => readItemRecords(join(d, 'items.jsonl')));
    const table = sideBySide({ label: 'ensemble', records: recs[0] }, [
      { label: 'm1', records: recs[1] },
      { label: `m2${HOSTILE}`, records: recs[2] },
    ]);
    const [suite, s] = Object.entries(table).find(([, v]) => v.all_wrong_items.length > 0)!;
    firstWrong = { suite, key: s.all_wrong_items[0].key };
    writeFileSync(join(dirs[0], 'side-by-side.json'), JSON.stringify({ ensemble: `ens${HOSTILE}`, members: ['m1', `m2${HOSTILE}`], suites: table }));
    const summary = join(OUT, 'summary.json');
    writeFileSync(summary, JSON.stringify(curationSummary()));
    await writeReports(dirs, { html: file }, { resamples: 0, curationFiles: [summary], resolveSuite: async () => ({ aggregate: simpleAggregate }) });
    writeCurationHtml(page1, curationSummary(), 'summary.json');
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('the report draws the bands chart, shows hostile text as text, and "show" filters the items', async () => {
    const { page, problems, blocked } = await openReport(browser, file);
    expect(await page.locator('#curation-0').count()).toBe(1);
    expect(await page.locator('#ensemble-0').count()).toBe(1);
    const painted = await paintedPixels(page, '#curation-0 canvas');
    expect(painted).toHaveLength(1);
    expect(painted[0]).toBeGreaterThan(500);
    expect(await page.locator('#curation-0 tr[data-band="clear"] td').nth(1).textContent()).toBe('5');
    // Open every <details> so the hostile rows are in the rendered page.
    await page.evaluate(() => document.querySelectorAll('#curation-0 details, #ensemble-0 details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const problemText = await page.locator('#curation-0 table.problems').textContent();
    expect(problemText).toContain(`invalid JSON near ${HOSTILE}`);
    expect(await page.locator('#ensemble-0 h2').textContent()).toBe(`Ensemble and members: ens${HOSTILE}`);
    expect(await page.locator('#curation-0 img, #curation-0 script, #ensemble-0 img, #ensemble-0 script').count()).toBe(0);
    expect(await pwned(page)).toBeUndefined();
    await page.locator('#curation-0').screenshot({ path: join(OUT, 'curation-section.png') });
    await page.locator('#ensemble-0').screenshot({ path: join(OUT, 'ensemble-section.png') });

    // "show" on the first all-wrong item: the browser is filtered to its suite and key.
    await page.locator('#ensemble-0 button.show-item').first().click();
    await page.waitForFunction(() => /of 1 items/.test(document.querySelector('#page-info')?.textContent ?? ''));
    expect(await page.locator('#item-list .item-head code').allTextContents()).toEqual([firstWrong.key]);
    expect(await page.locator('#f-search').inputValue()).toBe(`=${firstWrong.key}`);
    expect(await page.locator('#f-suite option:checked').textContent()).toBe(firstWrong.suite);
    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it('the standalone curation page (curate --html) renders its chart with no errors', async () => {
    const { page, problems, blocked } = await openReport(browser, page1);
    const painted = await paintedPixels(page, 'canvas');
    expect(painted).toHaveLength(1);
    expect(painted[0]).toBeGreaterThan(500);
    expect(await page.locator('#curation-0 tr[data-band]').count()).toBe(4);
    expect(await page.locator('#curation-0 table.members td').first().textContent()).toBe('a');
    expect(await page.locator('img').count()).toBe(0);
    expect(await pwned(page)).toBeUndefined();
    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
    await page.screenshot({ path: join(OUT, 'curation-page.png'), fullPage: true });
    await page.close();
  });
});
