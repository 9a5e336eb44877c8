// JudgeBench: hard response pairs with an objective label (A>B or B>A). Judges play two games,
// the second with the responses swapped, scored with the +1/−1/0 rule (a pair is correct iff the
// sum is > 0); a reward model scores both responses once (strict >). Records: subset = split
// (gpt / claude), completions = [better, worse] by the label, so a score file lists the better
// response's score first.
import { basename, extname } from 'node:path';
import type { Item, JudgeVerdict, Scorer } from '../types.js';
import { errorMessage } from '../errors.js';
import { pairwiseResult } from '../metrics/rewardbench.js';
import { type GameVerdict, type Label, aggregateJudgeBench, flipVerdict, pairCorrect, parseLabel } from '../metrics/judgebench.js';
import type { SuiteDeclaration } from './registry.js';
import type { ItemOutcome, Row, RowSource, SuiteDefinition } from './types.js';
import { fieldError, getId, getPrompt, getString } from './fields.js';
import { requireCapability, scoreCompletions } from './pointwise.js';

interface JudgeBenchMeta {
  label: Label;
  responseA: string;
  responseB: string;
  source?: string;
}

/** The split of a file: "gpt"/"claude" read from its config or file name (gpt-00000-of-00001.jsonl), else that name. */
export function splitName(source: RowSource): string {
  const name = source.config ?? basename(source.file, extname(source.file));
  const m = /^(gpt|claude)(?:[-_.]|$)/i.exec(name);
  return m ? m[1].toLowerCase() : name;
}

export function judgeBenchItems(rows: Row[], source: RowSource, suite: string): Item[] {
  const split = splitName(source);
  return rows.map((row, i) => {
    const ctx = { file: source.file, row: i + 1 };
    const id = getId(row, 'pair_id', ctx);
    const label = parseLabel(row.label);
    if (!label) throw fieldError(ctx, 'label', `expected "A>B" or "B>A", found ${JSON.stringify(row.label)}`);
    const a = getString(row, 'response_A', ctx, { allowEmpty: true });
    const b = getString(row, 'response_B', ctx, { allowEmpty: true });
    const meta: JudgeBenchMeta = { label, responseA: a, responseB: b };
    if (typeof row.source === 'string') meta.source = row.source;
    return {
      key: id,
      id,
      suite,
      subset: split,
      prompt: getPrompt(row, 'question', ctx),
      completions: label === 'A>B' ? [a, b] : [b, a],
      numCorrect: 1,
      meta: meta as unknown as Record<string, unknown>,
    };
  });
}

/** A pairwise verdict as A>B / B>A / A=B in the order it was asked; null when unparseable. */
export function verdictOf(v: JudgeVerdict): GameVerdict {
  if (v.tie) return 'A=B';
  if (v.parseFailed || v.choice === null || v.choice === undefined) return null;
  return v.choice === 0 ? 'A>B' : v.choice === 1 ? 'B>A' : null;
}

async function playGame(scorer: Scorer, item: Item, a: string, b: string): Promise<{ verdict: GameVerdict; raw?: JudgeVerdict; error?: string }> {
  try {
    const v = await scorer.judge!({ protocol: 'pairwise', prompt: item.prompt, a, b });
    return { verdict: verdictOf(v), raw: v };
  } catch (err) {
    return { verdict: null, error: errorMessage(err) };
  }
}

export async function evaluateJudgeBench(item: Item, scorer: Scorer): Promise<ItemOutcome> {
  const meta = item.meta as unknown as JudgeBenchMeta;
  if (scorer.score) {
    // Scored once: completions are [better, worse], and order does not matter to a reward model.
    const scores = await scoreCompletions(item, scorer);
    return { scores, result: pairwiseResult(scores[0], scores[1]), extra: { label: meta.label } };
  }
  requireCapability(scorer, 'judge', item.suite);
  const [g1, g2] = await Promise.all([
    playGame(scorer, item, meta.responseA, meta.responseB),
    playGame(scorer, item, meta.responseB, meta.responseA),
  ]);
  // Both calls failing measures nothing: an item error (redone on resume), not a silent 0.
  if (g1.error && g2.error) throw new Error(`both games failed: ${g1.error}`);
  const games: GameVerdict[] = [g1.verdict, flipVerdict(g2.verdict)];
  const { sum, correct } = pairCorrect(games[0], games[1], meta.label);
  return {
    result: correct,
    verdicts: [g1, g2].map((g, i) => ({
      order: i === 0 ? 'A,B' : 'B,A',
      verdict: g.verdict,
      ...(g.error ? { error: g.error } : {}),
      ...(g.raw?.raw !== undefined ? { raw: g.raw.raw } : {}),
    })),
    extra: { label: meta.label, games, sum },
  };
}

export function judgeBenchSuite(decl: SuiteDeclaration): SuiteDefinition {
  return {
    name: decl.name,
    description: decl.description,
    datasets: decl.datasets,
    sample: decl.sample,
    toItems: (rows, source) => judgeBenchItems(rows, source, decl.name),
    evaluate: (item, scorer) => evaluateJudgeBench(item, scorer),
    aggregate: (records) => aggregateJudgeBench(records),
  };
}
