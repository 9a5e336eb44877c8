// RewardBench v1 arithmetic (shared with M-RewardBench): strict pairwise results, subset means,
// and section scores as weighted means over the subsets present.
import type { ItemRecord, ScoreCell } from '../types.js';

/** 1 when the chosen answer scores strictly higher; a tie is wrong. */
export function pairwiseResult(chosen: number, rejected: number): 0 | 1 {
  return chosen > rejected ? 1 : 0;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Mean result per group (subset by default). Records with result null are errors, left out. */
export function subsetCells(
  records: readonly ItemRecord[],
  by: (r: ItemRecord) => string = (r) => r.subset,
): Record<string, ScoreCell> {
  const groups = new Map<string, { sum: number; n: number; errors: number }>();
  for (const r of records) {
    const name = by(r);
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { sum: 0, n: 0, errors: 0 }));
    if (r.result === null || r.result === undefined || !Number.isFinite(r.result)) g.errors++;
    else {
      g.sum += r.result;
      g.n++;
    }
  }
  const out: Record<string, ScoreCell> = {};
  for (const name of [...groups.keys()].sort()) {
    const g = groups.get(name)!;
    out[name] =
      g.n > 0
        ? { score: g.sum / g.n, n: g.n, errors: g.errors }
        : { score: null, n: 0, errors: g.errors, reason: 'no item could be scored' };
  }
  return out;
}

/**
 * Section score = Σ acc·w / Σ w over the section's subsets that are present (scored), with the
 * fixed weights of the table. A section with no subset present is reported as missing (score
 * null), where the reference would silently average in a 0.
 */
export function sectionScores(
  subsets: Record<string, ScoreCell>,
  weights: Record<string, Record<string, number>>,
): Record<string, ScoreCell> {
  const out: Record<string, ScoreCell> = {};
  for (const [section, table] of Object.entries(weights)) {
    let num = 0;
    let den = 0;
    let n = 0;
    let errors = 0;
    for (const [subset, w] of Object.entries(table)) {
      const cell = subsets[subset];
      if (!cell) continue;
      errors += cell.errors;
      if (cell.score === null) continue;
      num += cell.score * w;
      den += w;
      n += cell.n;
    }
    out[section] =
      den > 0
        ? { score: num / den, n, errors }
        : { score: null, n, errors, reason: `no subset of section "${section}" is present in the data` };
  }
  return out;
}

/** Mean of the computable cells; null (with the reason) when any is missing or none exist. */
export function meanOfCells(cells: Record<string, ScoreCell>): { score: number | null; reason?: string } {
  const entries = Object.entries(cells);
  if (entries.length === 0) return { score: null, reason: 'no items' };
  const missing = entries.filter(([, c]) => c.score === null).map(([k]) => k);
  if (missing.length > 0) return { score: null, reason: `not computable: ${missing.join(', ')} missing` };
  return { score: mean(entries.map(([, c]) => c.score as number)) };
}
