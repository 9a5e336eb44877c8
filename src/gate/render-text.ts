// Human-readable gate verdicts: a terminal table and GitHub-flavoured Markdown (step summary).
import { displayWidth, padColumns } from '../util/text-width.js';
import type { GateOutcome, RuleResult } from './types.js';

/** Scores are fractions in run files; tables show points (×100). */
export const pts = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : (100 * x).toFixed(digits);
const signed = (x: number | null | undefined): string =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
const pv = (p: number | null): string => (p === null || Number.isNaN(p) ? '—' : p < 0.0001 ? '<0.0001' : p.toFixed(4));

function ruleName(r: RuleResult): string {
  const what = r.kind === 'ceiling' ? r.scope : r.scope === 'overall' ? 'overall' : `${r.scope} ${r.name}`;
  return `${r.suite} · ${what}`;
}

function criterion(r: RuleResult): string {
  if (r.kind === 'ceiling') return `≤ ${pts(r.ceiling, 2)}%`;
  const parts: string[] = [];
  const lower = r.direction === 'lower';
  if (r.floor !== undefined) parts.push(`${lower ? 'max' : 'floor'} ${pts(r.floor)}`);
  parts.push(`${r.significance ? '' : 'point '}${lower ? 'rise' : 'drop'} ≤ ${pts(r.margin ?? 0)}`);
  return parts.join(', ');
}

export function verdictLine(o: GateOutcome): string {
  const failed = o.rules.filter((r) => r.status === 'fail').length;
  const skipped = o.rules.filter((r) => r.status === 'skip').length;
  return o.passed
    ? `PASSED: ${o.rules.length - skipped} rule(s) passed${skipped ? `, ${skipped} skipped` : ''}`
    : `FAILED: ${failed} of ${o.rules.length} rule(s) failed`;
}

function settingsLine(o: GateOutcome): string {
  const tests = o.rules.filter((r) => r.pValue !== null).length;
  return (
    `alpha ${o.alpha} one-sided, ${o.correction === 'holm' ? `Holm across ${tests} test(s)` : 'no multiple-comparison correction'}, ` +
    `bootstrap ${o.bootstrap} draws, seed ${o.seed}; gate: ${o.config ?? 'default (overall + every subset and section, margin 0)'}`
  );
}

const HEADERS = ['status', 'rule', 'n', 'base', 'cand', 'Δ', 'CI', 'p', 'p adj', 'test', 'criterion'];

function row(r: RuleResult): string[] {
  const ci = r.ciLow === null || r.ciHigh === null || Number.isNaN(r.ciLow) ? '—' : `[${signed(r.ciLow)}, ${signed(r.ciHigh)}]`;
  const method = r.discordant ? `${r.method} (${r.discordant.b}↓ ${r.discordant.c}↑)` : r.method;
  return [r.status.toUpperCase(), ruleName(r), String(r.n), pts(r.baseline), pts(r.candidate), signed(r.estimate), ci, pv(r.pValue), pv(r.pAdjusted), method, criterion(r)];
}

/** The plain-text verdict table printed by `rmgauge gate`. */
export function renderTable(o: GateOutcome): string {
  const ciLevel = Math.round((1 - 2 * o.alpha) * 100);
  const headers = HEADERS.map((h) => (h === 'CI' ? `${ciLevel}% CI` : h));
  const rows = o.rules.map((r) => row(r));
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const fmt = (cells: string[]) => cells.map((c, i) => padColumns(c, widths[i], i >= 2 && i <= 8 ? 'right' : 'left')).join('  ').trimEnd();
  const lines = [
    `rmgauge gate — ${verdictLine(o)}`,
    `baseline:  ${o.baseline.model} (${o.baseline.dir})`,
    `candidate: ${o.candidate.model} (${o.candidate.dir})`,
    settingsLine(o),
    'scores in points (×100); Δ = candidate − baseline; ↓/↑ = items only the baseline / only the candidate got right',
    '',
    fmt(headers),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...rows.map(fmt),
  ];
  const failed = o.rules.filter((r) => r.status !== 'pass' && r.reasons.length);
  if (failed.length) {
    lines.push('');
    for (const r of failed) lines.push(`${r.status.toUpperCase()} ${r.id}: ${r.reasons.join('; ')}`);
  }
  if (o.notes.length) {
    lines.push('');
    for (const n of o.notes) lines.push(`note: ${n}`);
  }
  return lines.join('\n') + '\n';
}

const mdEscape = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

function mdTable(rules: RuleResult[], o: GateOutcome): string[] {
  const ciLevel = Math.round((1 - 2 * o.alpha) * 100);
  const headers = HEADERS.map((h) => (h === 'CI' ? `${ciLevel}% CI` : h));
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rules.map((r) => `| ${row(r).map(mdEscape).join(' | ')} |`)];
}

/** 1 MiB: GitHub's limit for one step's summary. */
export const STEP_SUMMARY_CAP = 1024 * 1024;

/** Markdown for $GITHUB_STEP_SUMMARY: verdict, failed rules, full table inside <details>; capped. */
export function renderMarkdown(o: GateOutcome, cap = STEP_SUMMARY_CAP): string {
  const icon = o.passed ? '✅' : '❌';
  const head = [
    `### ${icon} rmgauge gate — ${mdEscape(verdictLine(o))}`,
    '',
    `Baseline **${mdEscape(o.baseline.model)}** vs candidate **${mdEscape(o.candidate.model)}**. ${mdEscape(settingsLine(o))}.`,
    '',
  ];
  const failed = o.rules.filter((r) => r.status === 'fail');
  if (failed.length) {
    head.push(...mdTable(failed, o), '');
    for (const r of failed) head.push(`- **${mdEscape(r.id)}**: ${mdEscape(r.reasons.join('; '))}`);
    head.push('');
  }
  const tail = ['', '</details>', ''];
  if (o.notes.length) tail.push(...o.notes.map((n) => `> ${mdEscape(n)}`), '');
  const detailsOpen = ['<details><summary>All rules</summary>', ''];
  const body = mdTable(o.rules, o);
  const size = (lines: string[]) => Buffer.byteLength(lines.join('\n') + '\n', 'utf8');
  const fixed = [...head, ...detailsOpen, ...tail];
  let kept = body.length;
  while (kept > 2 && size([...fixed, ...body.slice(0, kept), '', '*(table truncated to fit the 1 MiB summary limit)*']) > cap) {
    kept = Math.max(2, Math.floor(kept * 0.9));
  }
  const table = kept < body.length ? [...body.slice(0, kept), '', `*(table truncated: ${body.length - kept} of ${body.length - 2} rows left out to fit the 1 MiB summary limit)*`] : body;
  let out = [...head, ...detailsOpen, ...table, ...tail].join('\n') + '\n';
  if (Buffer.byteLength(out, 'utf8') > cap) out = Buffer.from(out, 'utf8').subarray(0, cap - 4).toString('utf8').replace(/\uFFFD$/, '') + '\n';
  return out;
}
