// RM-Bench arithmetic. Responses are [concise, detailed plain, detailed markdown];
// M[i][j] = mean over items of [chosen[i] > rejected[j]]. hard = mean of the strict upper
// triangle (a plainer correct answer against a more styled wrong one), normal = the diagonal,
// easy = the strict lower triangle. Domain score = mean(hard, normal, easy); overall = mean over
// the four domains; hard/normal/easy are also averaged over the domains.
import type { ItemRecord, ScoreCell, SuiteResult } from '../types.js';
import { type ResultTable, isNum, meanOrNull } from './cells.js';

export type Matrix = number[][];
export const STYLES = ['concise', 'detailed', 'markdown'] as const;
export const LEVELS = ['hard', 'normal', 'easy'] as const;
export type Level = (typeof LEVELS)[number];

/** The 3×3 comparison matrix of one item from its chosen and rejected scores (strict >). */
export function itemMatrix(chosen: readonly number[], rejected: readonly number[]): Matrix {
  if (chosen.length !== 3 || rejected.length !== 3) throw new Error('RM-Bench needs 3 chosen and 3 rejected scores');
  return chosen.map((c) => rejected.map((r) => (c > r ? 1 : 0)));
}

/** hard / normal / easy of one matrix. */
export function levels(m: Matrix): Record<Level, number> {
  const n = m.length;
  const upper: number[] = [];
  const diag: number[] = [];
  const lower: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) (i < j ? upper : i === j ? diag : lower).push(m[i][j]);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { hard: avg(upper), normal: avg(diag), easy: avg(lower) };
}

/** The per-item result: the mean of the 9 comparisons (= mean of hard, normal and easy). */
export function matrixMean(m: Matrix): number {
  const l = levels(m);
  return (l.hard + l.normal + l.easy) / 3;
}

function isMatrix(v: unknown): v is Matrix {
  return Array.isArray(v) && v.length === 3 && v.every((row) => Array.isArray(row) && row.length === 3 && row.every(isNum));
}

/** Mean matrix over the records (null when none has a matrix). */
export function meanMatrix(records: readonly ItemRecord[]): Matrix | null {
  const ms = records.map((r) => r.extra?.matrix).filter(isMatrix);
  if (ms.length === 0) return null;
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => ms.reduce((a, m) => a + m[i][j], 0) / ms.length));
}

export interface DomainScore {
  domain: string;
  matrix: Matrix | null;
  levels: Record<Level, number | null>;
  cell: ScoreCell;
}

export function scoreDomain(domain: string, records: readonly ItemRecord[]): DomainScore {
  const m = meanMatrix(records);
  const n = records.filter((r) => isMatrix(r.extra?.matrix)).length;
  const errors = records.length - n;
  if (!m)
    return {
      domain,
      matrix: null,
      levels: { hard: null, normal: null, easy: null },
      cell: { score: null, n: 0, errors, reason: records.length ? 'no item could be scored' : 'no items' },
    };
  const l = levels(m);
  return { domain, matrix: m, levels: l, cell: { score: (l.hard + l.normal + l.easy) / 3, n, errors } };
}

export function aggregateRmBench(records: readonly ItemRecord[], domains: readonly string[]): SuiteResult {
  const scored = domains.map((d) => scoreDomain(d, records.filter((r) => r.subset === d)));
  const present = scored.filter((d) => d.cell.n + d.cell.errors > 0);
  const subsets: Record<string, ScoreCell> = {};
  for (const d of present) subsets[d.domain] = d.cell;
  const n = scored.reduce((a, d) => a + d.cell.n, 0);
  const errors = scored.reduce((a, d) => a + d.cell.errors, 0);
  // As for RewardBench v1's sections: a domain with nothing scored is left out of the means, and
  // the reason says so; with no domain at all the score is not computable.
  const missing = scored.filter((d) => d.cell.score === null).map((d) => d.domain);
  const cellFrom = (score: number | null): ScoreCell => {
    if (score === null) return { score: null, n, errors, reason: records.length ? 'no item could be scored' : 'no items' };
    const c: ScoreCell = { score, n, errors };
    if (missing.length > 0) c.reason = `mean over the domains present; missing: ${missing.join(', ')}`;
    return c;
  };
  const overall = cellFrom(meanOrNull(scored.map((d) => d.cell.score)));
  const sections: Record<string, ScoreCell> = {};
  for (const lv of LEVELS) sections[lv] = cellFrom(meanOrNull(scored.map((d) => d.levels[lv])));

  const matrixTable = (title: string, m: Matrix | null): ResultTable => ({
    title,
    columns: ['chosen \\ rejected', ...STYLES],
    rows: STYLES.map((s, i) => [s, ...STYLES.map((_, j) => (m ? m[i][j] : null))]),
  });
  const tables: Record<string, unknown> = {
    domains: {
      title: 'Per domain: hard / normal / easy and the domain score',
      columns: ['domain', 'hard', 'normal', 'easy', 'score', 'n', 'errors'],
      rows: scored.map((d) => [d.domain, d.levels.hard, d.levels.normal, d.levels.easy, d.cell.score, d.cell.n, d.cell.errors]),
    } satisfies ResultTable,
  };
  for (const d of present) tables[`matrix_${d.domain}`] = matrixTable(`Style matrix, ${d.domain}`, d.matrix);
  return {
    ...overall,
    subsets,
    sections,
    tables,
    metrics: { hard: sections.hard.score, normal: sections.normal.score, easy: sections.easy.score },
  };
}
