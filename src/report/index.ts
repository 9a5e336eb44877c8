// Public entry points of the report: build the data once, render HTML / Markdown / PNG from it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildReportData } from './build.js';
import type { ReportData, ReportOptions } from './data.js';
import { renderHtml } from './html.js';
import { renderMarkdown, type MarkdownOptions } from './markdown.js';
import { writePngChartsFromData, type PngResult } from './png.js';

export type { ReportData, ReportOptions } from './data.js';
export { buildReportData } from './build.js';
export { renderHtml } from './html.js';
export { renderMarkdown } from './markdown.js';
export { pngAvailable } from './png.js';

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Writes the self-contained HTML report comparing the runs (one run directory per model). */
export async function writeHtmlReport(runDirs: string[], outFile: string, opts: ReportOptions = {}): Promise<ReportData> {
  const data = await buildReportData(runDirs, opts);
  write(outFile, renderHtml(data));
  return data;
}

/** Writes the Markdown summary (under 1 MiB). */
export async function writeMarkdownSummary(
  runDirs: string[],
  outFile: string,
  opts: ReportOptions & MarkdownOptions = {},
): Promise<ReportData> {
  const data = await buildReportData(runDirs, { ...opts, skipItems: true });
  write(outFile, renderMarkdown(data, opts));
  return data;
}

/** Writes the main charts as PNG files into outDir (needs the optional chartjs-node-canvas). */
export async function writePngCharts(runDirs: string[], outDir: string, opts: ReportOptions = {}): Promise<PngResult> {
  const data = await buildReportData(runDirs, { ...opts, skipItems: true });
  return writePngChartsFromData(data, outDir);
}

/** All outputs from one computation of the data (bootstrap runs once). */
export async function writeReports(
  runDirs: string[],
  out: { html?: string; markdown?: string; pngDir?: string },
  opts: ReportOptions & MarkdownOptions = {},
): Promise<{ data: ReportData; png?: PngResult }> {
  const data = await buildReportData(runDirs, { ...opts, skipItems: opts.skipItems ?? !out.html });
  if (out.html) write(out.html, renderHtml(data));
  if (out.markdown) write(out.markdown, renderMarkdown(data, opts));
  const png = out.pngDir ? await writePngChartsFromData(data, out.pngDir) : undefined;
  return { data, png };
}
