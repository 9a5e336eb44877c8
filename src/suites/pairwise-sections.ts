// Strict pairwise suites (RewardBench v1 and the bundled arithmetic pairs): 1 when chosen scores
// strictly above rejected; subset accuracies; sections as weighted means over the subsets present;
// the score is the mean of the sections (or of the subsets when the suite has no sections).
import type { Item, ItemRecord, Scorer, SuiteResult } from '../types.js';
import { meanOfCells, pairwiseResult, sectionScores, subsetCells, mean } from '../metrics/rewardbench.js';
import type { SuiteDeclaration } from './registry.js';
import type { ItemOutcome, Row, RowSource, SuiteDefinition, SuiteOptions } from './types.js';
import { getId, getPrompt, getString } from './fields.js';
import { requireCapability, scoreCompletions } from './pointwise.js';

export type SectionWeights = Record<string, Record<string, number>>;

export function pairwiseItems(rows: Row[], source: RowSource, suite: string, sectionOf: (subset: string) => string | undefined): Item[] {
  return rows.map((row, i) => {
    const ctx = { file: source.file, row: i + 1 };
    const id = getId(row, 'id', ctx);
    const subset = getString(row, 'subset', ctx);
    const item: Item = {
      key: id,
      id,
      suite,
      subset,
      prompt: getPrompt(row, 'prompt', ctx),
      completions: [getString(row, 'chosen', ctx, { allowEmpty: true }), getString(row, 'rejected', ctx, { allowEmpty: true })],
      numCorrect: 1,
    };
    const section = sectionOf(subset);
    if (section) item.section = section;
    return item;
  });
}

export async function evaluatePairwise(item: Item, scorer: Scorer, opts: SuiteOptions): Promise<ItemOutcome> {
  if (scorer.score) {
    const scores = await scoreCompletions(item, scorer);
    return { scores, result: pairwiseResult(scores[0], scores[1]) };
  }
  requireCapability(scorer, 'judge', item.suite);
  const { judgePairwiseItem } = await import('./judge-protocols.js');
  return judgePairwiseItem(item, scorer, opts);
}

export function aggregateSections(records: readonly ItemRecord[], weights: SectionWeights | undefined): SuiteResult {
  const subsets = subsetCells(records);
  const n = Object.values(subsets).reduce((a, c) => a + c.n, 0);
  const errors = Object.values(subsets).reduce((a, c) => a + c.errors, 0);
  if (n + errors === 0) return { score: null, n, errors, reason: 'no items', subsets };
  if (!weights) {
    const overall = meanOfCells(subsets);
    return { ...overall, n, errors, subsets };
  }
  const sections = sectionScores(subsets, weights);
  const present = Object.entries(sections).filter(([, c]) => c.score !== null);
  const missing = Object.entries(sections).filter(([, c]) => c.score === null).map(([k]) => k);
  if (present.length === 0) {
    return { score: null, n, errors, reason: 'no subset of any section is present', subsets, sections };
  }
  const result: SuiteResult = { score: mean(present.map(([, c]) => c.score as number)), n, errors, subsets, sections };
  // The reference would average a 0 in for a missing section; we leave it out and say so.
  if (missing.length > 0) result.reason = `mean over the sections present; missing: ${missing.join(', ')}`;
  return result;
}

export function pairwiseSectionsSuite(decl: SuiteDeclaration): SuiteDefinition {
  const weights = decl.params?.sections as SectionWeights | undefined;
  const sectionBySubset = new Map<string, string>();
  for (const [section, table] of Object.entries(weights ?? {})) for (const s of Object.keys(table)) sectionBySubset.set(s, section);
  return {
    name: decl.name,
    description: decl.description,
    datasets: decl.datasets,
    sample: decl.sample,
    toItems: (rows, source) => pairwiseItems(rows, source, decl.name, (s) => sectionBySubset.get(s)),
    evaluate: evaluatePairwise,
    aggregate: (records) => aggregateSections(records, weights),
  };
}
