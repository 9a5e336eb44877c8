// RewardBench 2: best-of-4 with 1/k credit for ties at the top, the Ties composite, and the
// unweighted mean of the subsets. Judges: four-way or ratings (Ties always by ratings).
import type { Item, ItemRecord, Scorer, ScoreCell, SuiteResult } from '../types.js';
import { bestOfNResult, parseTiesId, tiesScore, type TiesGroup } from '../metrics/rewardbench2.js';
import { mean, subsetCells } from '../metrics/rewardbench.js';
import type { SuiteDeclaration } from './registry.js';
import type { ItemOutcome, Row, RowSource, SuiteDefinition, SuiteOptions } from './types.js';
import { fieldError, getId, getInt, getPrompt, getString, getStringList } from './fields.js';
import { requireCapability, scoreCompletions } from './pointwise.js';

export const TIES_SUBSET = 'Ties';

function toItems(rows: Row[], source: RowSource, suite: string): Item[] {
  return rows.map((row, i) => {
    const ctx = { file: source.file, row: i + 1 };
    const id = getId(row, 'id', ctx);
    const subset = getString(row, 'subset', ctx);
    const chosen = getStringList(row, 'chosen', ctx);
    const rejected = getStringList(row, 'rejected', ctx);
    const numCorrect = row.num_correct === undefined || row.num_correct === null ? chosen.length : getInt(row, 'num_correct', ctx);
    if (numCorrect !== chosen.length) {
      throw fieldError(ctx, 'num_correct', `is ${numCorrect} but "chosen" has ${chosen.length} completions`);
    }
    if (subset === TIES_SUBSET && !parseTiesId(id)) {
      throw fieldError(ctx, 'id', `a Ties item id must be "ref:<prompt id>" or "tied:<prompt id>", found "${id}"`);
    }
    return {
      key: id,
      id,
      suite,
      subset,
      prompt: getPrompt(row, 'prompt', ctx),
      completions: [...chosen, ...rejected],
      numCorrect,
    };
  });
}

async function evaluate(item: Item, scorer: Scorer, opts: SuiteOptions): Promise<ItemOutcome> {
  const isTies = item.subset === TIES_SUBSET;
  if (scorer.score) {
    const scores = await scoreCompletions(item, scorer);
    return { scores, result: isTies ? tiesRowAccuracy(scores, item.numCorrect) : bestOfNResult(scores) };
  }
  requireCapability(scorer, 'judge', item.suite);
  const judges = await import('./judge-protocols.js');
  if (isTies) {
    const { scores, verdicts } = await judges.judgeRatingsScores(item, scorer, opts);
    return { scores, verdicts, result: tiesRowAccuracy(scores, item.numCorrect) };
  }
  return judges.judgeBestOfNItem(item, scorer, opts);
}

/** A Ties row's own accuracy (every correct answer above every incorrect one), shown per item. */
function tiesRowAccuracy(scores: number[], numCorrect: number): number {
  const minCorrect = Math.min(...scores.slice(0, numCorrect));
  const maxIncorrect = Math.max(...scores.slice(numCorrect));
  return minCorrect - maxIncorrect > 0 ? 1 : 0;
}

export function tiesGroups(records: readonly ItemRecord[]): TiesGroup[] {
  const groups: TiesGroup[] = [];
  for (const r of records) {
    if (!r.scores || r.result === null || r.numCorrect === undefined) continue;
    const parsed = parseTiesId(r.id);
    if (!parsed) continue;
    groups.push({ ...parsed, correct: r.scores.slice(0, r.numCorrect), incorrect: r.scores.slice(r.numCorrect) });
  }
  return groups;
}

export function aggregateRewardBench2(records: readonly ItemRecord[]): SuiteResult {
  const regular = records.filter((r) => r.subset !== TIES_SUBSET);
  const ties = records.filter((r) => r.subset === TIES_SUBSET);
  const subsets: Record<string, ScoreCell> = subsetCells(regular);
  let metrics: SuiteResult['metrics'];
  if (ties.length > 0) {
    const errors = ties.filter((r) => r.result === null).length;
    const breakdown = tiesScore(tiesGroups(ties));
    const n = ties.length - errors;
    subsets[TIES_SUBSET] = breakdown.reason
      ? { score: breakdown.score, n, errors, reason: breakdown.reason }
      : { score: breakdown.score, n, errors };
    metrics = {
      ties_ref_accuracy: breakdown.ref_accuracy,
      ties_tied_accuracy: breakdown.tied_accuracy,
      ties_correctness_preferred: breakdown.correctness_preferred,
      ties_correctness_preferred_hard: breakdown.correctness_preferred_hard,
      ties_margin: breakdown.margin,
    };
  }
  const cells = Object.entries(subsets);
  const n = cells.reduce((a, [, c]) => a + c.n, 0);
  const errors = cells.reduce((a, [, c]) => a + c.errors, 0);
  const missing = cells.filter(([, c]) => c.score === null).map(([k, c]) => `${k} (${c.reason})`);
  const result: SuiteResult =
    cells.length === 0
      ? { score: null, n, errors, reason: 'no items', subsets }
      : missing.length > 0
        ? { score: null, n, errors, reason: `not computable: ${missing.join('; ')}`, subsets }
        : { score: mean(cells.map(([, c]) => c.score as number)), n, errors, subsets };
  if (metrics) result.metrics = metrics;
  return result;
}

export function rewardBench2Suite(decl: SuiteDeclaration): SuiteDefinition {
  return {
    name: decl.name,
    description: decl.description,
    datasets: decl.datasets,
    sample: decl.sample,
    toItems: (rows, source) => toItems(rows, source, decl.name),
    evaluate,
    aggregate: (records) => aggregateRewardBench2(records),
  };
}
