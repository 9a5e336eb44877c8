// The readable summary printed after a bench: suites down, models across, scores ×100.
import type { RunJson } from '../run/run-files.js';
import type { ScoreCell } from '../types.js';
import { displayWidth, padColumns } from '../util/text-width.js';

function fmt(cell: ScoreCell | undefined): string {
  if (!cell) return '';
  if (cell.score === null) return 'n/a';
  const err = cell.errors ? ` (${cell.errors} err)` : '';
  return `${(cell.score * 100).toFixed(1)}${err}`;
}

export function summaryRows(runs: RunJson[]): string[][] {
  const header = ['suite', ...runs.map((r) => r.model.label)];
  const rows: string[][] = [header];
  const suites = [...new Set(runs.flatMap((r) => Object.keys(r.results)))];
  for (const suite of suites) {
    rows.push([suite, ...runs.map((r) => fmt(r.results[suite]))]);
    const sections = [...new Set(runs.flatMap((r) => Object.keys(r.results[suite]?.sections ?? {})))];
    for (const s of sections) rows.push([`  ${s}`, ...runs.map((r) => fmt(r.results[suite]?.sections?.[s]))]);
    const subsets = [...new Set(runs.flatMap((r) => Object.keys(r.results[suite]?.subsets ?? {})))];
    for (const s of subsets) rows.push([`    ${s}`, ...runs.map((r) => fmt(r.results[suite]?.subsets[s]))]);
  }
  return rows;
}

export function printSummary(runs: RunJson[], out: NodeJS.WritableStream): void {
  const rows = summaryRows(runs);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c] ?? ''))));
  const line = (r: string[]) => r.map((v, c) => padColumns(v, widths[c], c === 0 ? 'left' : 'right')).join('  ');
  out.write('\nScores (×100; n/a = not computable, see run.json for the reason)\n\n');
  out.write(line(rows[0]) + '\n');
  out.write(widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  for (const r of rows.slice(1)) out.write(line(r) + '\n');
  const notes = runs.flatMap((r) =>
    Object.entries(r.results)
      .filter(([, s]) => s.reason)
      .map(([suite, s]) => `  ${r.model.label} · ${suite}: ${s.reason}`),
  );
  if (notes.length) out.write('\nNotes:\n' + notes.join('\n') + '\n');
}
