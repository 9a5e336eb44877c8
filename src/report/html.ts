// The self-contained HTML page: styles, chart.js (read from node_modules at generation time), the
// report data as JSON in a non-executable <script> element, and the page script that renders it
// with textContent only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportData } from './data.js';
import { escapeHtml, jsonForScript } from './escape.js';

const here = (f: string) => new URL(`./client/${f}`, import.meta.url);

export function chartJsSource(): string {
  const require = createRequire(import.meta.url);
  // The package's exports hide dist/ files: find dist/ through the main entry (dist/chart.cjs).
  const file = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  // The bundle contains no "</script" (checked), but make sure it never ends our element.
  return readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
}

export function renderHtml(data: ReportData): string {
  return renderPage(data.title, data);
}

/** The page shell around any page data the client scripts understand (the report, or a page with
 * `page: 'curation'`). */
export function renderPage(title: string, data: unknown): string {
  const css = readFileSync(here('style.css'), 'utf8');
  const scripts = ['util.js', 'tables.js', 'charts.js', 'browser.js', 'training.js', 'app.js'].map((f) =>
    readFileSync(here(f), 'utf8').replace(/<\/script/gi, '<\\/script'),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src data:">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<noscript><p>This report needs JavaScript to draw its tables and charts (no network access is used).</p></noscript>
<div id="app"></div>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${chartJsSource()}</script>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}
