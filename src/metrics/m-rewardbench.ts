// M-RewardBench arithmetic: per language, RewardBench subset accuracies -> the four categories
// (weighted with the multilingual release's counts) -> the language score (unweighted mean of the
// categories); overall = mean over the non-English languages; English gap and spread.
import type { ItemRecord, ScoreCell, SuiteResult } from '../types.js';
import { sectionScores, subsetCells } from './rewardbench.js';
import { type ResultTable, meanOrNull, populationStd } from './cells.js';

/** category -> RewardBench subset -> weight. */
export type CategoryWeights = Record<string, Record<string, number>>;

export interface LanguageScore {
  language: string;
  english: boolean;
  /** The language score: unweighted mean of its categories; null when one is missing. */
  cell: ScoreCell;
  categories: Record<string, ScoreCell>;
}

/** The RewardBench subset of a record: `extra.source` (set by the suite), else null. */
export function recordSource(r: ItemRecord): string | null {
  const s = r.extra?.source;
  return typeof s === 'string' && s ? s : null;
}

export function recordLanguage(r: ItemRecord): string {
  return r.language ?? r.subset;
}

/** Scores one language's records: subset accuracies, weighted categories, their mean. */
export function scoreLanguage(
  language: string,
  records: readonly ItemRecord[],
  weights: CategoryWeights,
  english: boolean,
): LanguageScore {
  // Records that failed before their subset was known count as errors of the language only.
  const withSource = records.filter((r) => recordSource(r) !== null);
  const subsets = subsetCells(withSource, (r) => recordSource(r)!);
  const categories = sectionScores(subsets, weights);
  const n = records.filter((r) => typeof r.result === 'number' && Number.isFinite(r.result)).length;
  const errors = records.length - n;
  const missing = Object.entries(categories)
    .filter(([, c]) => c.score === null)
    .map(([k]) => k);
  const score = meanOrNull(Object.values(categories).map((c) => c.score));
  let cell: ScoreCell;
  if (records.length === 0) cell = { score: null, n: 0, errors: 0, reason: 'no items' };
  else if (score === null) cell = { score: null, n, errors, reason: 'no category is present in the data' };
  else {
    cell = { score, n, errors };
    // As for RewardBench v1: a missing category is left out of the mean, and said so.
    if (missing.length > 0) cell.reason = `mean over the categories present; missing: ${missing.join(', ')}`;
  }
  return { language, english, cell, categories };
}

export interface MRewardBenchSummary {
  languages: LanguageScore[];
  overall: ScoreCell;
  english: number | null;
  /** (multilingual − English) / English × 100, in percent (not a fraction). */
  englishGapPct: number | null;
  /** Population standard deviation (divide by n) of the non-English language scores. */
  languageStd: number | null;
  /** Category -> mean over the non-English languages of that category's score. */
  categories: Record<string, ScoreCell>;
}

/** The English gap in percent; null when either side is missing or English is 0. */
export function englishGapPct(multilingual: number | null, english: number | null): number | null {
  if (multilingual === null || english === null || english === 0) return null;
  return ((multilingual - english) / english) * 100;
}

export function summarizeMRewardBench(
  records: readonly ItemRecord[],
  weights: CategoryWeights,
  englishLanguages: readonly string[],
): MRewardBenchSummary {
  const byLang = new Map<string, ItemRecord[]>();
  for (const r of records) {
    const lang = recordLanguage(r);
    if (!byLang.has(lang)) byLang.set(lang, []);
    byLang.get(lang)!.push(r);
  }
  const isEnglish = (l: string) => englishLanguages.includes(l);
  const languages = [...byLang.keys()]
    .sort()
    .map((l) => scoreLanguage(l, byLang.get(l)!, weights, isEnglish(l)));
  const multi = languages.filter((l) => !l.english);
  const eng = languages.filter((l) => l.english);

  const n = multi.reduce((a, l) => a + l.cell.n, 0);
  const errors = multi.reduce((a, l) => a + l.cell.errors, 0);
  const nullLangs = multi.filter((l) => l.cell.score === null).map((l) => l.language);
  const overallScore = meanOrNull(multi.map((l) => l.cell.score));
  let overall: ScoreCell;
  if (multi.length === 0) overall = { score: null, n, errors, reason: 'no non-English language in the data' };
  else if (overallScore === null) overall = { score: null, n, errors, reason: 'no language could be scored' };
  else {
    overall = { score: overallScore, n, errors };
    if (nullLangs.length > 0) overall.reason = `mean over the languages scored; not computable: ${nullLangs.join(', ')}`;
  }

  const english = meanOrNull(eng.map((l) => l.cell.score));
  const languageStd = populationStd(multi.map((l) => l.cell.score));

  const categories: Record<string, ScoreCell> = {};
  for (const cat of Object.keys(weights)) {
    const cells = multi.map((l) => l.categories[cat]);
    const score = meanOrNull(cells.map((c) => c.score));
    const cn = cells.reduce((a, c) => a + c.n, 0);
    const ce = cells.reduce((a, c) => a + c.errors, 0);
    const missing = multi.filter((l) => l.categories[cat].score === null).map((l) => l.language);
    if (score === null) {
      const reason = multi.length === 0 ? 'no non-English language in the data' : 'not present in any language';
      categories[cat] = { score: null, n: cn, errors: ce, reason };
    } else {
      categories[cat] = { score, n: cn, errors: ce };
      if (missing.length > 0) categories[cat].reason = `mean over the languages where present; missing in: ${missing.join(', ')}`;
    }
  }
  return { languages, overall, english, englishGapPct: englishGapPct(overall.score, english), languageStd, categories };
}

export function languageCategoryTable(summary: MRewardBenchSummary, categoryNames: string[]): ResultTable {
  const rows = summary.languages.map((l) => [
    l.language,
    l.english ? 'english (reference, not in overall)' : 'multilingual',
    ...categoryNames.map((c) => l.categories[c]?.score ?? null),
    l.cell.score,
    l.cell.n,
    l.cell.errors,
  ]);
  const notes = summary.languages
    .filter((l) => l.cell.score === null && l.cell.reason)
    .map((l) => `${l.language}: ${l.cell.reason}`);
  return {
    title: 'Language × category accuracy (score = unweighted mean of the categories)',
    columns: ['language', 'role', ...categoryNames, 'score', 'n', 'errors'],
    rows,
    ...(notes.length ? { notes } : {}),
  };
}

/** The suite result: subsets = languages (English included, as a reference), sections = categories. */
export function aggregateMRewardBench(
  records: readonly ItemRecord[],
  weights: CategoryWeights,
  englishLanguages: readonly string[],
): SuiteResult {
  const s = summarizeMRewardBench(records, weights, englishLanguages);
  const subsets: Record<string, ScoreCell> = {};
  for (const l of s.languages) subsets[l.language] = l.cell;
  return {
    ...s.overall,
    subsets,
    sections: s.categories,
    tables: { language_by_category: languageCategoryTable(s, Object.keys(weights)) },
    metrics: {
      english: s.english,
      english_gap_pct: s.englishGapPct,
      language_std: s.languageStd,
      languages: s.languages.filter((l) => !l.english).length,
    },
  };
}
