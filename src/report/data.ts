// The report's data model: what build.ts computes from run directories and what the HTML page,
// the Markdown summary and the PNG charts render. Plain JSON (embedded in the page as is).
import type { Calibration } from '../metrics/calibration.js';
import type { ItemRecord, SuiteResult } from '../types.js';
import type { LoadedRun } from '../run/run-files.js';
import type { Aggregate } from '../metrics/bootstrap.js';
import type { ChartSpec } from './charts.js';
import type { CurationView, EnsembleView } from './training.js';

export interface ReportOptions {
  /** Baseline run directories: each model gets delta columns against them (paired over item keys). */
  baselineDirs?: string[];
  /** Bootstrap seed (default: 1). */
  seed?: number;
  /** Bootstrap resamples (default 1000; 0 disables intervals). */
  resamples?: number;
  /**
   * Time budget for all the bootstrap work, in ms (default: none, so the intervals depend only on
   * the data and the seed), split evenly over the model × suite pairs. With a budget, a suite whose
   * aggregate is slow to recompute gets 500 or 200 resamples instead of 1000 (never fewer); the page
   * says so.
   */
  bootstrapBudgetMs?: number | null;
  title?: string;
  /** How to find a suite's aggregate function (default: loadSuite from the registry). */
  resolveSuite?: (name: string) => Promise<SuiteInfo | null>;
  /** Longest text kept per prompt/completion in the item browser (default 4000 characters). */
  maxTextChars?: number;
  /** Leave the item browser's data out (the Markdown summary and PNG charts do not need it). */
  skipItems?: boolean;
  /** Compress the item texts (gzip + base64, decompressed by the browser): 'auto' above 1 MB. */
  compressTexts?: boolean | 'auto';
  /** Curation summaries (`rmgauge curate --summary`): one "Preference-data curation" section each. */
  curationFiles?: string[];
}

export interface SuiteInfo {
  description?: string;
  aggregate: Aggregate;
}

export interface Cell {
  /** The number (a rate in [0, 1] for scores, raw for metrics); null when it cannot be computed. */
  score: number | null;
  lo?: number;
  hi?: number;
  n?: number;
  errors?: number;
  reason?: string;
  /** Baseline mode: paired delta (model − baseline) on matched items, with its interval. */
  delta?: number;
  dlo?: number;
  dhi?: number;
}

export type RowGroup = 'overall' | 'section' | 'subset' | 'language' | 'metric';

export interface Row {
  /** `score`, `section:X`, `subset:X`, `language:X`, `metric:X`. */
  name: string;
  group: RowGroup;
  label: string;
  /** One per model (index into ReportData.models), null where the model lacks it. */
  cells: Array<Cell | null>;
  /** Baseline's own value for the row, when in baseline mode. */
  baseline?: Cell | null;
}

export interface SuiteReport {
  name: string;
  description: string;
  /** Multiply score rows by this for display (100 for rates in [0, 1], 1 when already scaled). */
  scale: number;
  rows: Row[];
  /** results.<suite>.tables per model (null where absent). */
  tables: Array<Record<string, unknown> | null>;
  /** Baseline mode: the baseline's label and the matched item count per model. */
  baseline?: { label: string; matched: number[] };
  /** Chosen − rejected margins of scalar models (null for models without scores). */
  margins?: { edges: number[]; counts: Array<number[] | null>; standardized: boolean };
  calibration?: Array<{ raw: Calibration; fitted: Calibration } | null>;
  /** Share of items with the same outcome, model × model (null: no common items). */
  agreement: Array<Array<number | null>>;
  /** Number of item records per model for this suite. */
  items: number[];
  /** Rows (names) that are languages: the language × model heatmap. */
  languageRows: string[];
  /** Resamples drawn per model (fewer than asked when the time budget ran short). */
  resamples: number[];
  /** Whether intervals were computed (the suite's aggregate function was found). */
  intervals: boolean;
  note?: string;
}

export interface ModelInfo {
  label: string;
  spec: string;
  kind: string;
  fingerprint: string;
  dir: string;
  /** run.json without results, plus counts from items.jsonl. */
  meta: Record<string, unknown>;
}

/** The items, column-wise, texts deduplicated across models. */
export interface ItemsData {
  n: number;
  suite: number[];
  key: string[];
  /** Index into `labels` (subset names). */
  subset: number[];
  /** Index into `labels`, -1 when none. */
  lang: number[];
  /** Index into the texts, -1 when none. */
  prompt: number[];
  completions: number[][];
  numCorrect: number[];
  labels: string[];
  /** [model][item]: result in [0, 1], -1 for an error, null when the model has no record. */
  result: Array<Array<number | null>>;
  /** [model][item]: per-completion scores (0 when none). */
  scores: Array<Array<number[] | 0>>;
  /** [model] → item index → error message (texts index). */
  errors: Array<Record<number, number>>;
  /** [model] → item index → JSON of extra/verdicts (texts index). */
  extra: Array<Record<number, number>>;
  /** The texts: plain, or gzip'd JSON array in base64. */
  texts: string[] | null;
  textsGz: string | null;
  textCount: number;
  truncatedTexts: number;
}

export interface ReportData {
  title: string;
  generatedAt: string;
  seed: number;
  resamples: number;
  models: ModelInfo[];
  baselines: ModelInfo[];
  suites: SuiteReport[];
  /** Agreement over all suites. */
  agreement: Array<Array<number | null>>;
  items: ItemsData;
  /** Chart specifications (see charts.ts), placed by the page. */
  charts: ChartSpec[];
  notes: string[];
  /** Curation summaries given with --curation. */
  curation?: CurationView[];
  /** side-by-side.json of ensemble runs among the models. */
  ensembles?: EnsembleView[];
}

export interface LoadedModel extends LoadedRun {
  label: string;
  bySuite: Map<string, ItemRecord[]>;
  results: Record<string, SuiteResult>;
}
