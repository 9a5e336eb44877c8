// Writes the report of a bench's own runs: report.html and summary.md beside the run folders.
import { join } from 'node:path';

export async function writeBenchReports(runDirs: string[], batchDir: string, opts: { seed: number }): Promise<string[]> {
  const { writeHtmlReport, writeMarkdownSummary } = await import('../report/index.js');
  const html = join(batchDir, 'report.html');
  const md = join(batchDir, 'summary.md');
  await writeHtmlReport(runDirs, html, { seed: opts.seed });
  await writeMarkdownSummary(runDirs, md, { seed: opts.seed });
  return [`Report:  ${html}`, `Summary: ${md}`];
}
