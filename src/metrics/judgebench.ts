// JudgeBench arithmetic. A judge plays two games per pair, the second with the responses swapped;
// the swapped verdict is flipped back. Each game's verdict scores +1 when it equals the label,
// −1 when it equals the opposite, 0 for a tie, an unparseable verdict or a failed call; the pair is
// correct iff the sum is > 0. A reward model is scored once. Score = correct / N (a fraction).
import type { ItemRecord, ScoreCell, SuiteResult } from '../types.js';
import { subsetCells } from './rewardbench.js';
import { type ResultTable, isNum, meanOrNull } from './cells.js';

export type Label = 'A>B' | 'B>A';
/** A game's verdict in the original A/B order; null = unparseable or failed. */
export type GameVerdict = 'A>B' | 'B>A' | 'A=B' | null;

export function parseLabel(v: unknown): Label | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(/\s+/g, '');
  return s === 'A>B' || s === 'B>A' ? s : null;
}

/** The verdict of a game played with the responses swapped, expressed in the original order. */
export function flipVerdict(v: GameVerdict): GameVerdict {
  return v === 'A>B' ? 'B>A' : v === 'B>A' ? 'A>B' : v;
}

/** +1 if the verdict equals the label, −1 if it equals the opposite, 0 otherwise. */
export function gamePoints(verdict: GameVerdict, label: Label): 1 | -1 | 0 {
  if (verdict === label) return 1;
  if (verdict === flipVerdict(label)) return -1;
  return 0;
}

/** Two games: the first in the original order, the second already flipped back. */
export function pairCorrect(game1: GameVerdict, game2Original: GameVerdict, label: Label): { sum: number; correct: 0 | 1 } {
  const sum = gamePoints(game1, label) + gamePoints(game2Original, label);
  return { sum, correct: sum > 0 ? 1 : 0 };
}

export function aggregateJudgeBench(records: readonly ItemRecord[]): SuiteResult {
  const subsets = subsetCells(records);
  const n = records.filter((r) => isNum(r.result)).length;
  const errors = records.length - n;
  const score = meanOrNull(records.map((r) => r.result));
  const overall: ScoreCell =
    score === null ? { score: null, n, errors, reason: records.length ? 'no item could be scored' : 'no items' } : { score, n, errors };
  const judged = records.filter((r) => Array.isArray(r.extra?.games));
  const consistent = judged.filter((r) => {
    const g = r.extra!.games as GameVerdict[];
    return g[0] !== null && g[0] === g[1];
  });
  const table: ResultTable = {
    title: 'Accuracy per response-model split (score = correct / N)',
    columns: ['split', 'accuracy', 'n', 'errors'],
    rows: Object.entries(subsets).map(([s, c]) => [s, c.score, c.n, c.errors]),
  };
  return {
    ...overall,
    subsets,
    tables: { splits: table },
    metrics: {
      // Judges only: share of pairs whose two games agree once the swap is undone.
      position_consistency: judged.length ? consistent.length / judged.length : null,
    },
  };
}
