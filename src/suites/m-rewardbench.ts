// M-RewardBench: RewardBench v1 pairs translated into 23 languages, one config per language.
// Items are keyed `${language}/${id}` (ids repeat across languages). In the records, `subset` is
// the language and `section` the RewardBench category, so results.<suite>.subsets are per language
// and .sections per category (averaged over the languages); the RewardBench subset each pair comes
// from travels in `extra.source` and feeds the weighted categories.
import { basename, extname } from 'node:path';
import type { Item, Scorer } from '../types.js';
import { UserError } from '../errors.js';
import { pairwiseResult } from '../metrics/rewardbench.js';
import { type CategoryWeights, aggregateMRewardBench } from '../metrics/m-rewardbench.js';
import type { SuiteDeclaration } from './registry.js';
import type { ItemOutcome, Row, RowSource, SuiteDefinition, SuiteOptions } from './types.js';
import { fieldError, getId, getPrompt, getString, type RowContext } from './fields.js';
import { requireCapability, scoreCompletions } from './pointwise.js';

export interface MRewardBenchParams {
  weights: CategoryWeights;
  /** The 23 language configs. */
  languages: string[];
  /** Language codes treated as the English reference (excluded from the overall; used for the gap). */
  english: string[];
}

const LANGUAGE_CODE = /^[a-z]{3}_[A-Z][a-z]{3}$/;

export function readParams(decl: SuiteDeclaration): MRewardBenchParams {
  const p = (decl.params ?? {}) as Partial<MRewardBenchParams>;
  if (!p.weights || !p.languages) throw new UserError(`suite "${decl.name}": params.weights and params.languages are required`);
  return { weights: p.weights, languages: p.languages, english: p.english ?? ['eng_Latn'] };
}

/**
 * The language of a row: the file's config when it is a known language code, else the row's
 * `language` field, else a file name that looks like a code (arb_Arab.jsonl), else the config.
 */
export function rowLanguage(row: Row, source: RowSource, ctx: RowContext, known: ReadonlySet<string>): string {
  if (source.config && known.has(source.config)) return source.config;
  const field = row.language;
  if (typeof field === 'string' && field) return field;
  const stem = basename(source.file, extname(source.file));
  if (LANGUAGE_CODE.test(stem)) return stem;
  if (source.config) return source.config;
  throw fieldError(ctx, 'language', 'missing (and neither the manifest config nor the file name gives the language)');
}

/** Checks --languages against the known configs and the English reference codes. */
export function checkLanguages(wanted: readonly string[] | undefined, params: MRewardBenchParams): void {
  if (!wanted) return;
  const known = new Set([...params.languages, ...params.english]);
  const unknown = wanted.filter((l) => !known.has(l));
  if (unknown.length) throw new UserError(`unknown language(s) ${unknown.join(', ')}; known: ${[...known].join(' ')}`);
}

export function mRewardBenchItems(rows: Row[], source: RowSource, opts: SuiteOptions, suite: string, params: MRewardBenchParams): Item[] {
  checkLanguages(opts.languages, params);
  const categoryOf = new Map<string, string>();
  for (const [cat, table] of Object.entries(params.weights)) for (const s of Object.keys(table)) categoryOf.set(s, cat);
  const known = new Set([...params.languages, ...params.english]);
  const items: Item[] = [];
  rows.forEach((row, i) => {
    const ctx = { file: source.file, row: i + 1 };
    const language = rowLanguage(row, source, ctx, known);
    // --languages picks exactly the languages read (list eng_Latn too to keep the English gap).
    if (opts.languages && !opts.languages.includes(language)) return;
    const id = getId(row, 'id', ctx);
    const rbSubset = row.source !== undefined && row.source !== null ? getString(row, 'source', ctx) : getString(row, 'subset', ctx);
    const item: Item = {
      key: `${language}/${id}`,
      id,
      suite,
      subset: language,
      language,
      prompt: getPrompt(row, 'prompt', ctx),
      completions: [getString(row, 'chosen', ctx, { allowEmpty: true }), getString(row, 'rejected', ctx, { allowEmpty: true })],
      numCorrect: 1,
      meta: { source: rbSubset },
    };
    const category = categoryOf.get(rbSubset);
    if (category) item.section = category;
    items.push(item);
  });
  return items;
}

export async function evaluateMRewardBench(item: Item, scorer: Scorer, opts: SuiteOptions): Promise<ItemOutcome> {
  const source = item.meta?.source;
  if (scorer.score) {
    const scores = await scoreCompletions(item, scorer);
    return { scores, result: pairwiseResult(scores[0], scores[1]), extra: { source } };
  }
  requireCapability(scorer, 'judge', item.suite);
  // The pairwise judge request carries item.language, so the prompt names the question's language.
  const { judgePairwiseItem } = await import('./judge-protocols.js');
  const out = await judgePairwiseItem(item, scorer, opts);
  return { ...out, extra: { ...(out.extra ?? {}), source } };
}

export function mRewardBenchSuite(decl: SuiteDeclaration): SuiteDefinition {
  const params = readParams(decl);
  return {
    name: decl.name,
    description: decl.description,
    datasets: decl.datasets,
    sample: decl.sample,
    configsFor: (opts) => opts.languages,
    toItems: (rows, source, opts) => mRewardBenchItems(rows, source, opts, decl.name, params),
    evaluate: evaluateMRewardBench,
    aggregate: (records) => aggregateMRewardBench(records, params.weights, params.english),
  };
}
