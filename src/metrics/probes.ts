// Metamorphic probe arithmetic: per transform, the accuracy on the transformed pairs beside the
// untransformed accuracy, and the flip rate (how often the verdict on a pair changes when one side
// is transformed). Items carry `subset` = transform ('original' for the untouched pair) and
// `extra.base` = the key of the pair they were made from.
import type { ItemRecord, ScoreCell, SuiteResult } from '../types.js';
import { subsetCells } from './rewardbench.js';
import { type ResultTable, isNum, meanOrNull } from './cells.js';

export const ORIGINAL = 'original';

export interface FlipStats {
  /** Pairs with a result both untransformed and transformed. */
  pairs: number;
  /** Mean |r_transformed − r_original|: for 0/1 verdicts the share of verdicts that change. */
  flipRate: number | null;
  /** Mean max(0, r_original − r_transformed): flips from right to wrong. */
  toWrong: number | null;
  /** Mean max(0, r_transformed − r_original): flips from wrong to right. */
  toRight: number | null;
}

function baseOf(r: ItemRecord): string | null {
  const b = r.extra?.base;
  return typeof b === 'string' ? b : null;
}

/** Flip statistics of one transform against the original verdicts, paired by base pair. */
export function flipStats(original: readonly ItemRecord[], transformed: readonly ItemRecord[]): FlipStats {
  const orig = new Map<string, number>();
  for (const r of original) {
    const b = baseOf(r);
    if (b !== null && isNum(r.result)) orig.set(b, r.result);
  }
  const diffs: number[] = [];
  for (const r of transformed) {
    const b = baseOf(r);
    if (b === null || !isNum(r.result) || !orig.has(b)) continue;
    diffs.push(r.result - orig.get(b)!);
  }
  return {
    pairs: diffs.length,
    flipRate: meanOrNull(diffs.map((d) => Math.abs(d))),
    toWrong: meanOrNull(diffs.map((d) => Math.max(0, -d))),
    toRight: meanOrNull(diffs.map((d) => Math.max(0, d))),
  };
}

/**
 * subsets = accuracy per transform (and 'original'); score = 1 − mean flip rate over the
 * transforms (1 = no verdict ever changes); the flip table is in tables.flips.
 */
export function aggregateProbes(records: readonly ItemRecord[]): SuiteResult {
  const subsets = subsetCells(records);
  const original = records.filter((r) => r.subset === ORIGINAL);
  const transforms = Object.keys(subsets).filter((t) => t !== ORIGINAL);
  const origCell = subsets[ORIGINAL] ?? { score: null, n: 0, errors: 0, reason: 'no untransformed pairs' };
  const stats = new Map(transforms.map((t) => [t, flipStats(original, records.filter((r) => r.subset === t))] as const));
  const meanFlip = meanOrNull([...stats.values()].map((s) => s.flipRate));
  const n = records.filter((r) => isNum(r.result)).length;
  const errors = records.length - n;
  let overall: ScoreCell;
  if (transforms.length === 0) overall = { score: null, n, errors, reason: 'no transformed pairs' };
  else if (meanFlip === null)
    overall = { score: null, n, errors, reason: 'no pair was scored both untransformed and transformed' };
  else overall = { score: 1 - meanFlip, n, errors };

  const table: ResultTable = {
    title: 'Flip rate per transform beside the untransformed accuracy',
    columns: ['transform', 'accuracy', 'original_accuracy', 'flip_rate', 'flips_to_wrong', 'flips_to_right', 'pairs'],
    rows: transforms.map((t) => {
      const s = stats.get(t)!;
      return [t, subsets[t].score, origCell.score, s.flipRate, s.toWrong, s.toRight, s.pairs];
    }),
    notes: ['flip_rate = mean |result_transformed − result_original| over the pairs scored both ways.'],
  };
  const metrics: Record<string, number | null> = { original_accuracy: origCell.score, mean_flip_rate: meanFlip };
  for (const [t, s] of stats) metrics[`flip_rate.${t}`] = s.flipRate;
  return { ...overall, subsets, tables: { flips: table }, metrics };
}
