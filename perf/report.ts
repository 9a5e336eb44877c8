// Report benchmark: 5 models × 9,000 items (synthetic runs over five suites, scored with the
// registry's own aggregate functions), against one baseline. Measures the generation time, the
// HTML file size (target < 15 MB), and the load-to-rendered time in headless Chromium (target
// < 3 s). Runnable alone: `npx tsx perf/report.ts [items] [models]`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeReports } from '../src/report/index.js';
import { ALL_SYNTHETIC_SUITES, registryAggregates, writeSyntheticRuns } from '../test/report/synthetic.js';
import { chromiumAvailable, CHROMIUM, launch, openReport } from '../test/report/chromium.js';

const MB = 1024 * 1024;

export async function runReportPerf(items = 9000, models = 5): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rmgauge-report-perf-'));
  try {
    const aggregates = await registryAggregates();
    let t = performance.now();
    const dirs = writeSyntheticRuns(join(dir, 'runs'), { models: models + 1, items, suites: ALL_SYNTHETIC_SUITES, aggregates });
    const genRuns = performance.now() - t;
    const html = join(dir, 'report.html');
    const md = join(dir, 'summary.md');
    t = performance.now();
    let cpu = process.cpuUsage();
    const { data } = await writeReports(dirs.slice(1), { html, markdown: md }, { baselineDirs: [dirs[0]] });
    const genReport = performance.now() - t;
    const genCpu = process.cpuUsage(cpu);
    // The same without intervals: what the bootstrap costs.
    t = performance.now();
    cpu = process.cpuUsage();
    await writeReports(dirs.slice(1), { html: join(dir, 'no-ci.html') }, { baselineDirs: [dirs[0]], resamples: 0 });
    const genNoCi = performance.now() - t;
    const noCiCpu = process.cpuUsage(cpu);
    const cpuS = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(1);
    const size = statSync(html).size;
    const resamples = [...new Set(data.suites.flatMap((s) => s.resamples))].join('/');
    console.log(`report perf: ${models} models × ${data.items.n} items (+1 baseline), ${data.suites.length} suites`);
    console.log(`  synthetic runs written        ${(genRuns / 1000).toFixed(1)} s (not part of the report)`);
    console.log(`  report generation (HTML + MD) ${(genReport / 1000).toFixed(1)} s wall, ${cpuS(genCpu)} s CPU (bootstrap resamples used: ${resamples})`);
    console.log(`  ... of which without bootstrap ${(genNoCi / 1000).toFixed(1)} s wall, ${cpuS(noCiCpu)} s CPU`);
    console.log(`  HTML size                     ${(size / MB).toFixed(2)} MB  (target < 15 MB) ${size < 15 * MB ? 'OK' : 'OVER'}`);
    console.log(`  Markdown size                 ${(statSync(md).size / 1024).toFixed(1)} KiB (cap 1 MiB)`);
    if (!chromiumAvailable()) {
      console.log(`  browser timing skipped: no Chromium at ${CHROMIUM}`);
      return;
    }
    const browser = await launch();
    try {
      const runs: number[] = [];
      let textsMs = 0;
      for (let i = 0; i < 3; i++) {
        const opened = await openReport(browser, html);
        runs.push(opened.renderMs);
        const t0 = Date.now();
        await opened.page.waitForSelector('body[data-texts="ready"]', { timeout: 60_000 });
        textsMs = Date.now() - t0;
        if (opened.problems.length) console.log(`  page problems: ${opened.problems.join(' | ')}`);
        if (i === 0) {
          // Item browser responsiveness: a filter change and a full-text search over every text.
          const page = opened.page;
          const info = () => page.textContent('#page-info');
          const timed = async (act: () => Promise<void>) => {
            const before = await info();
            const t1 = Date.now();
            await act();
            await page.waitForFunction((b) => document.querySelector('#page-info')?.textContent !== b, before);
            return Date.now() - t1;
          };
          const filterMs = await timed(async () => void (await page.selectOption('#f-outcome', 'wrong')));
          const disagreeMs = await timed(() => page.check('#f-disagree'));
          await page.selectOption('#f-outcome', '');
          await page.uncheck('#f-disagree');
          const searchMs = await timed(() => page.fill('#f-search', 'prime matrix'));
          console.log(
            `  item browser: outcome filter ${filterMs} ms, "models disagree" ${disagreeMs} ms, text search ${searchMs} ms (incl. 150 ms typing debounce); now ${await info()}`,
          );
        }
        await opened.page.close();
      }
      const best = Math.min(...runs);
      console.log(`  load-to-rendered (Chromium)   ${runs.map((r) => (r / 1000).toFixed(2)).join(' / ')} s  (target < 3 s) ${best < 3000 ? 'OK' : 'OVER'}`);
      console.log(`  texts decompressed after      ${(textsMs / 1000).toFixed(2)} s more (search ready)`);
      console.log(`  open it yourself: ${pathToFileURL(html).href} (removed at exit)`);
    } finally {
      await browser.close();
    }
  } finally {
    if (!process.env.RMGAUGE_KEEP_PERF) rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && /perf[\\/]report\.ts$/.test(process.argv[1]);
if (isMain) {
  const items = Number(process.argv[2] ?? 9000);
  const models = Number(process.argv[3] ?? 5);
  runReportPerf(items, models).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
