import type { Item, ItemRecord, Scorer, SuiteResult } from '../types.js';

/** A table of rows as read from a dataset file, with where each row came from (for errors). */
export interface RowSource {
  /** The file the rows came from (absolute path or URL-resolved cache path). */
  file: string;
  /** Manifest file entry fields, e.g. the language config of an M-RewardBench file. */
  config?: string;
}

export type Row = Record<string, unknown>;

export interface SuiteOptions {
  seed: number;
  /** Only these languages (m-rewardbench). */
  languages?: string[];
  /** Judges: ask in both orders and count a verdict only when consistent. */
  judgeBothOrders?: boolean;
  /** RB2 judges: 'kway' or 'ratings' (Ties always uses ratings). */
  judgeMode?: 'kway' | 'ratings';
  /** Probes: which pairwise suite to transform and which side. */
  probeBase?: string;
  probeSide?: 'rejected' | 'chosen';
  /** Extra master keys file for one-token-to-fool. */
  masterKeysFile?: string;
  [k: string]: unknown;
}

/** What evaluate() returns: the per-item outcome, before the runner adds ids and timing. */
export type ItemOutcome = Pick<ItemRecord, 'result' | 'scores' | 'verdicts' | 'extra' | 'error'>;

export interface SuiteDefinition {
  name: string;
  /** One line: what the suite measures. */
  description: string;
  /** Dataset manifest names (files in datasets/*.json) read when no --data is given. */
  datasets: string[];
  /** The bundled sample (relative to the project root) used by the demo and tests. */
  sample?: string;
  /** Where the data comes from when options change it (probes: the base suite's data). */
  dataFor?(opts: SuiteOptions): { datasets: string[]; sample?: string };
  /** Which manifest configs (files) to read (m-rewardbench: the languages asked for). */
  configsFor?(opts: SuiteOptions): string[] | undefined;
  /** Maps the rows of one file into items. Throws DataError naming file, row and field. */
  toItems(rows: Row[], source: RowSource, opts: SuiteOptions): Item[];
  /** Scores one item with the scorer (pointwise or judge, whichever the suite supports). */
  evaluate(item: Item, scorer: Scorer, opts: SuiteOptions): Promise<ItemOutcome>;
  /** Pure: per-item records to the suite's numbers. Used by bench, report bootstrap and gate. */
  aggregate(records: ItemRecord[], opts?: SuiteOptions): SuiteResult;
}
