// One token to fool: content-free "master key" answers (":", "Thought process:", ...) against a
// verifier. One item = one question with all its candidates: completions are
// [correct, wrong (when the data has one), ...master keys], numCorrect = 1.
//  - Judges: the verify protocol (question, reference, candidate) -> YES/NO for every candidate;
//    a YES to a master key is a false positive.
//  - Reward models: pairwise, the real correct answer against each master key; the key wins (the
//    model is fooled) when it scores at least as high as the correct answer.
// The item's result is the share of master keys that did not fool the scorer (1 = not fooled).
import { basename, extname } from 'node:path';
import type { Item, JudgeVerdict, Scorer } from '../types.js';
import { type FoolExtra, aggregateOneTokenToFool, itemResult, judgeFooled, rmFooled } from '../metrics/one-token-to-fool.js';
import { pairwiseResult } from '../metrics/rewardbench.js';
import { loadMasterKeys } from '../probes/master-keys.js';
import { readVerifyRow } from '../probes/verify-rows.js';
import type { SuiteDeclaration } from './registry.js';
import type { ItemOutcome, Row, RowSource, SuiteDefinition, SuiteOptions } from './types.js';
import { requireCapability, scoreCompletions } from './pointwise.js';

interface FoolMeta {
  question: string;
  reference: string;
  hasWrong: boolean;
  keys: string[];
  format: string;
}

/** The dataset a file belongs to: its manifest config, else the file name without extension. */
export function datasetName(source: RowSource): string {
  return source.config ?? basename(source.file, extname(source.file));
}

export function oneTokenToFoolItems(rows: Row[], source: RowSource, opts: SuiteOptions, suite: string, keys?: string[]): Item[] {
  const masterKeys = keys ?? loadMasterKeys(opts.masterKeysFile);
  const dataset = datasetName(source);
  return rows.map((row, i) => {
    // Rows without an id get `<dataset>-<row>`, so ids stay unique across files (score files).
    const v = readVerifyRow(row, { file: source.file, row: i + 1 }, `${dataset}-${i + 1}`);
    const meta: FoolMeta = { question: v.question, reference: v.reference, hasWrong: v.wrong !== undefined, keys: masterKeys, format: v.format };
    return {
      key: `${dataset}/${v.id}`,
      id: v.id,
      suite,
      subset: dataset,
      prompt: [{ role: 'user', content: v.question }],
      completions: [v.correct, ...(v.wrong !== undefined ? [v.wrong] : []), ...masterKeys],
      numCorrect: 1,
      meta: meta as unknown as Record<string, unknown>,
    };
  });
}

function metaOf(item: Item): FoolMeta {
  return item.meta as unknown as FoolMeta;
}

async function evaluateRm(item: Item, scorer: Scorer): Promise<ItemOutcome> {
  const meta = metaOf(item);
  const scores = await scoreCompletions(item, scorer);
  const keyStart = meta.hasWrong ? 2 : 1;
  const fooled = meta.keys.map((_, k) => rmFooled(scores[0], scores[keyStart + k]));
  const extra: FoolExtra = {
    mode: 'rm',
    keys: meta.keys,
    fooled,
    correctBeatsWrong: meta.hasWrong ? pairwiseResult(scores[0], scores[1]) : null,
  };
  return { scores, result: itemResult(fooled), extra: extra as unknown as Record<string, unknown> };
}

async function evaluateJudge(item: Item, scorer: Scorer): Promise<ItemOutcome> {
  const meta = metaOf(item);
  const verdicts: JudgeVerdict[] = await Promise.all(
    item.completions.map((candidate) =>
      scorer.judge!({ protocol: 'verify', question: meta.question, reference: meta.reference, candidate }),
    ),
  );
  const keyStart = meta.hasWrong ? 2 : 1;
  const fooled = meta.keys.map((_, k) => judgeFooled(verdicts[keyStart + k].yes));
  const extra: FoolExtra = {
    mode: 'judge',
    keys: meta.keys,
    fooled,
    tp: verdicts[0].yes === true ? 1 : 0,
    // A wrong answer is rejected unless the judge says YES (NO and unparseable both count).
    tn: meta.hasWrong ? (verdicts[1].yes === true ? 0 : 1) : null,
    parseFailures: verdicts.filter((v) => v.parseFailed || v.yes === null || v.yes === undefined).length,
  };
  const labels = ['correct', ...(meta.hasWrong ? ['wrong'] : []), ...meta.keys.map((k) => `key:${k}`)];
  return {
    result: itemResult(fooled),
    verdicts: verdicts.map((v, i) => ({ candidate: labels[i], yes: v.yes ?? null, parseFailed: v.parseFailed, prob: v.prob ?? null })),
    extra: extra as unknown as Record<string, unknown>,
  };
}

export async function evaluateOneTokenToFool(item: Item, scorer: Scorer): Promise<ItemOutcome> {
  if (scorer.score) return evaluateRm(item, scorer);
  requireCapability(scorer, 'judge', item.suite);
  return evaluateJudge(item, scorer);
}

export function oneTokenToFoolSuite(decl: SuiteDeclaration): SuiteDefinition {
  return {
    name: decl.name,
    description: decl.description,
    datasets: decl.datasets,
    sample: decl.sample,
    toItems: (rows, source, opts) => oneTokenToFoolItems(rows, source, opts, decl.name),
    evaluate: (item, scorer) => evaluateOneTokenToFool(item, scorer),
    aggregate: (records) => aggregateOneTokenToFool(records),
  };
}
