// Writes the report of a bench's own runs: report.html and summary.md beside the run folders.
import { join } from 'node:path';

export async function writeBenchReports(runDirs: string[], batchDir: string, opts: { seed: number; baselineDirs?: string[] }): Promise<string[]> {
  const { writeReports } = await import('../report/index.js');
  const html = join(batchDir, 'report.html');
  const markdown = join(batchDir, 'summary.md');
  await writeReports(runDirs, { html, markdown }, { seed: opts.seed, baselineDirs: opts.baselineDirs });
  return [`Report:  ${html}`, `Summary: ${markdown}`];
}
