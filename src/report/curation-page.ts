// `rmgauge curate --html`: a standalone page of one curation summary, in the report's page shell
// (same styles, escaping, inline chart.js; no network).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ChartSpec } from './charts.js';
import { renderPage } from './html.js';
import { curationChart, curationView, type CurationView } from './training.js';

export interface CurationPageData {
  page: 'curation';
  title: string;
  generatedAt: string;
  curation: CurationView[];
  charts: ChartSpec[];
  notes: string[];
}

export function curationPageData(summary: unknown, source: string, title?: string): CurationPageData {
  const view = curationView(summary, source);
  const chart = curationChart(view, 0);
  return {
    page: 'curation',
    title: title ?? `rmgauge curate: ${view.data ? basename(view.data) : source}`,
    generatedAt: new Date().toISOString(),
    curation: [view],
    charts: chart ? [chart] : [],
    notes: [],
  };
}

export function renderCurationHtml(summary: unknown, source: string, title?: string): string {
  const data = curationPageData(summary, source, title);
  return renderPage(data.title, data);
}

export function writeCurationHtml(file: string, summary: unknown, source: string, title?: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderCurationHtml(summary, source, title));
}
