// How suites use a judge scorer: the benchmark protocols on top of `scorer.judge()`.
// Scoring rules (docs/judges.md):
// - pairwise (RB v1, M-RewardBench): seeded A/B order; correct 1, wrong 0, unparseable or tie 0.5.
//   Both orders: a verdict counts only when the two asks agree (1 or 0); disagreement, a tie or an
//   unparseable reply in either order scores 0.5.
// - best-of-N kway (RB2): seeded order of all completions; correct 1, wrong 0, unparseable
//   numCorrect/k (0.25 for RB2's 1 + 3).
// - best-of-N ratings (RB2, and Ties always): each completion rated alone; an unparseable rating
//   becomes score 0 (below every valid rating), so it never wins unless nothing is valid, and then
//   all tie and the result is numCorrect/k (0.25). Ties uses these scores in its formula as is.
import type { Item, ItemRecord, JudgeVerdict, Scorer } from '../types.js';
import { rngFor, shuffled } from '../util/random.js';
import { requireCapability } from './pointwise.js';
import type { ItemOutcome, SuiteOptions } from './types.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** One judge verdict as recorded in items.jsonl. */
export interface VerdictRecord {
  protocol: 'pairwise' | 'kway' | 'rating' | 'verify';
  /** pairwise/kway: completion index shown at each position (A, B, ...); rating: the completion index. */
  order?: number[];
  /** Position chosen (0 = A); null when unparseable or a tie. */
  choice?: number | null;
  /** Completion index chosen (item order); null when unparseable or a tie. */
  picked?: number | null;
  rating?: number | null;
  yes?: boolean | null;
  tie?: boolean;
  prob?: number | null;
  parseFailed: boolean;
  cached?: boolean;
  raw?: string;
}

function record(protocol: VerdictRecord['protocol'], v: JudgeVerdict, extra: Partial<VerdictRecord> = {}): VerdictRecord {
  const r: VerdictRecord = { protocol, ...extra, parseFailed: v.parseFailed };
  if (v.choice !== undefined) r.choice = v.choice;
  if (v.rating !== undefined) r.rating = v.rating;
  if (v.yes !== undefined) r.yes = v.yes;
  if (v.tie) r.tie = true;
  if (v.prob !== undefined && v.prob !== null) r.prob = v.prob;
  if (v.cached) r.cached = true;
  if (v.raw !== undefined) r.raw = v.raw;
  return r;
}

/** Whether the chosen (correct) answer is shown first, seeded by the run seed and the item key. */
export function pairwiseChosenFirst(seed: number, itemKey: string): boolean {
  return rngFor(seed, 'pairwise-order', itemKey)() < 0.5;
}

/** The seeded order in which a best-of-N item's completions are shown (position -> completion). */
export function kwayOrder(seed: number, itemKey: string, n: number): number[] {
  return shuffled(
    Array.from({ length: n }, (_, i) => i),
    rngFor(seed, 'kway-order', itemKey),
  );
}

function checkPair(item: Item): void {
  if (item.completions.length !== 2 || item.numCorrect !== 1) {
    throw new Error(`pairwise judging needs [chosen, rejected], got ${item.completions.length} completions with ${item.numCorrect} correct`);
  }
}

async function askPair(item: Item, scorer: Scorer, chosenFirst: boolean) {
  const [chosen, rejected] = item.completions;
  const v = await scorer.judge!({
    protocol: 'pairwise',
    prompt: item.prompt,
    a: chosenFirst ? chosen : rejected,
    b: chosenFirst ? rejected : chosen,
    ...(item.language ? { language: item.language } : {}),
  });
  const order = chosenFirst ? [0, 1] : [1, 0];
  const picked = v.choice === null || v.choice === undefined ? null : order[v.choice];
  // P(chosen answer) from P(the letter picked)
  const pChosen = typeof v.prob === 'number' && picked !== null ? (picked === 0 ? v.prob : 1 - v.prob) : null;
  return { rec: record('pairwise', v, { order, picked }), picked, pChosen };
}

/** RB v1 / M-RewardBench: item.completions = [chosen, rejected]. */
export async function judgePairwiseItem(item: Item, scorer: Scorer, opts: SuiteOptions): Promise<ItemOutcome> {
  requireCapability(scorer, 'judge', item.suite);
  checkPair(item);
  const chosenFirst = pairwiseChosenFirst(opts.seed, item.key);
  if (!opts.judgeBothOrders) {
    const a = await askPair(item, scorer, chosenFirst);
    const result = a.picked === null ? 0.5 : a.picked === 0 ? 1 : 0;
    const extra: Record<string, unknown> = { chosen_position: chosenFirst ? 'A' : 'B' };
    if (a.pChosen !== null) extra.p_chosen = a.pChosen;
    return { result, verdicts: [a.rec], extra };
  }
  const [first, second] = await Promise.all([askPair(item, scorer, chosenFirst), askPair(item, scorer, !chosenFirst)]);
  const consistent = first.picked !== null && first.picked === second.picked;
  const result = consistent ? (first.picked === 0 ? 1 : 0) : 0.5;
  const extra: Record<string, unknown> = { chosen_position: chosenFirst ? 'A' : 'B', both_orders: true, consistent };
  if (first.pChosen !== null && second.pChosen !== null) extra.p_chosen = (first.pChosen + second.pChosen) / 2;
  return { result, verdicts: [first.rec, second.rec], extra };
}

/** Rates every completion alone; unparseable ratings become 0 (see the header). */
export async function judgeRatingsScores(
  item: Item,
  scorer: Scorer,
  _opts?: SuiteOptions,
): Promise<{ scores: number[]; ratings: Array<number | null>; verdicts: VerdictRecord[] }> {
  requireCapability(scorer, 'judge', item.suite);
  const verdicts = await Promise.all(
    item.completions.map((completion) => scorer.judge!({ protocol: 'rating', prompt: item.prompt, completion })),
  );
  const ratings = verdicts.map((v) => (typeof v.rating === 'number' && !v.parseFailed ? v.rating : null));
  return {
    scores: ratings.map((r) => r ?? 0),
    ratings,
    verdicts: verdicts.map((v, i) => record('rating', v, { order: [i] })),
  };
}

/** RB2 non-Ties best-of-N: opts.judgeMode 'kway' (default) or 'ratings'. */
export async function judgeBestOfNItem(item: Item, scorer: Scorer, opts: SuiteOptions): Promise<ItemOutcome> {
  requireCapability(scorer, 'judge', item.suite);
  const k = item.completions.length;
  if (k < 2 || k > LETTERS.length) throw new Error(`best-of-N judging needs 2 to 26 completions, got ${k}`);
  if (item.numCorrect < 1 || item.numCorrect >= k) throw new Error(`best-of-N judging needs at least one correct and one incorrect completion`);
  const chance = item.numCorrect / k;
  if (opts.judgeMode === 'ratings') {
    const { scores, ratings, verdicts } = await judgeRatingsScores(item, scorer, opts);
    const valid = ratings.filter((r): r is number => r !== null);
    let result = chance;
    if (valid.length > 0) {
      const top = Math.max(...valid);
      const winners = ratings.map((r, i) => (r === top ? i : -1)).filter((i) => i >= 0);
      result = winners.filter((i) => i < item.numCorrect).length / winners.length;
    }
    return { result, scores, verdicts, extra: { mode: 'ratings', ratings } };
  }
  const order = kwayOrder(opts.seed, item.key, k);
  const v = await scorer.judge!({ protocol: 'kway', prompt: item.prompt, candidates: order.map((i) => item.completions[i]) });
  const picked = v.choice === null || v.choice === undefined ? null : order[v.choice];
  const result = picked === null ? chance : picked < item.numCorrect ? 1 : 0;
  return {
    result,
    verdicts: [record('kway', v, { order, picked })],
    extra: { mode: 'kway', correct_position: LETTERS[order.findIndex((i) => i < item.numCorrect)] },
  };
}

/** One-token-to-fool: is `candidate` correct given `reference`? (yes: null when unparseable). */
export async function judgeVerify(question: string, reference: string, candidate: string, scorer: Scorer): Promise<JudgeVerdict> {
  if (!scorer.judge) throw new Error(`${scorer.info.spec} cannot judge (verify needs a judge)`);
  return scorer.judge({ protocol: 'verify', question, reference, candidate });
}

/** Verdict and parse-failure counts over a suite's records (for run.json metrics). */
export function judgeParseStats(records: readonly ItemRecord[]): { verdicts: number; parse_failures: number; parse_failure_rate: number | null } {
  let verdicts = 0;
  let failures = 0;
  for (const r of records) {
    for (const v of r.verdicts ?? []) {
      if (typeof v !== 'object' || v === null || !('parseFailed' in v)) continue;
      verdicts++;
      if ((v as { parseFailed: boolean }).parseFailed) failures++;
    }
  }
  return { verdicts, parse_failures: failures, parse_failure_rate: verdicts ? failures / verdicts : null };
}
