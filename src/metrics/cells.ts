// Small pure helpers shared by the multilingual and adversarial suites' metrics: score cells from
// lists of per-item results, means that never produce NaN, and the table shape used in run.json.
import type { ScoreCell } from '../types.js';

/**
 * A table for run.json `results.<suite>.tables.<name>`: column names and rows of cells. Numbers
 * are fractions in [0, 1] unless the column name says otherwise; null means not computable.
 */
export interface ResultTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  /** Optional notes (why a cell is null, how a figure is defined). */
  notes?: string[];
}

export function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Mean of the finite values; null when there are none. */
export function meanOrNull(values: ReadonlyArray<number | null | undefined>): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (isNum(v)) {
      sum += v;
      n++;
    }
  }
  return n > 0 ? sum / n : null;
}

/** Population standard deviation (divide by n) of the finite values; null when there are none. */
export function populationStd(values: ReadonlyArray<number | null | undefined>): number | null {
  const xs = values.filter(isNum);
  if (xs.length === 0) return null;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / xs.length);
}

/** A cell from per-item values: null/undefined/non-finite entries count as errors. */
export function cellOf(values: ReadonlyArray<number | null | undefined>, emptyReason = 'no item could be scored'): ScoreCell {
  const ok = values.filter(isNum);
  const errors = values.length - ok.length;
  if (ok.length === 0) return { score: null, n: 0, errors, reason: values.length === 0 ? 'no items' : emptyReason };
  return { score: ok.reduce((a, b) => a + b, 0) / ok.length, n: ok.length, errors };
}
