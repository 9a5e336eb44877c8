// The readable summary printed after a bench: suites down, models across, scores ×100.
import type { RunJson } from '../run/run-files.js';
import type { ScoreCell } from '../types.js';

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

/** Terminal columns a string takes: wide (CJK, fullwidth) characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd) ? 2 : 1;
  }
  return w;
}

function pad(s: string, width: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return left ? s + fill : fill + s;
}

export function printSummary(runs: RunJson[], out: NodeJS.WritableStream): void {
  const rows = summaryRows(runs);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c] ?? ''))));
  const line = (r: string[]) => r.map((v, c) => pad(v, widths[c], c === 0)).join('  ');
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
