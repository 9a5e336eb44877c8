import { describe, expect, it } from 'vitest';
import { bestOfNResult, parseTiesId, tiesScore, type TiesGroup } from '../../src/metrics/rewardbench2.js';
import { aggregateRewardBench2 } from '../../src/suites/rewardbench2.js';
import type { ItemRecord } from '../../src/types.js';

describe('bestOfNResult', () => {
  it('gives 1 when the chosen answer is the unique maximum', () => {
    expect(bestOfNResult([3, 1, 2, 0])).toBe(1);
  });
  it('gives 0 when a rejected answer is higher', () => {
    expect(bestOfNResult([1, 3, 2, 0])).toBe(0);
  });
  it('gives 1/k for a k-way tie at the top that includes the chosen answer', () => {
    expect(bestOfNResult([2, 2, 1, 0])).toBe(0.5);
    expect(bestOfNResult([5, 5, 5, 1])).toBeCloseTo(1 / 3, 15);
    expect(bestOfNResult([7, 7, 7, 7])).toBe(0.25);
  });
  it('gives 0 when the tie at the top excludes the chosen answer', () => {
    expect(bestOfNResult([1, 2, 2, 0])).toBe(0);
  });
  it('uses exact equality (no tolerance)', () => {
    expect(bestOfNResult([0.1 + 0.2, 0.3, 0, 0])).toBe(1);
  });
});

const g = (kind: 'ref' | 'tied', promptId: string, correct: number[], incorrect: number[]): TiesGroup => ({ kind, promptId, correct, incorrect });

describe('tiesScore', () => {
  it('matches a hand computation', () => {
    // prompt 1: ref corr_inc = 5-3 = 2 (accurate); tied C=[6,4] diff 2, corr_inc = 4-3 = 1 (accurate)
    //   pref: 1 > 2 false; hard: min(2,1)=1 > 2 false; margin tanh(1/2 - 1) = tanh(-0.5)
    // prompt 2: ref corr_inc = 1-2 = -1 (not accurate); tied C=[9,8.5] diff .5, corr_inc = 8.5-1 = 7.5
    //   pref: 7.5 > .5 true; hard: min(-1, 7.5) = -1 > .5 false; margin tanh(-1/.5 - 1) = tanh(-3)
    const r = tiesScore([
      g('ref', '1', [5], [3, 1]),
      g('tied', '1', [6, 4], [3]),
      g('ref', '2', [1], [2]),
      g('tied', '2', [9, 8.5], [1]),
    ]);
    const margin = (Math.tanh(-0.5) + Math.tanh(-3)) / 2;
    expect(r.ref_accuracy).toBe(0.5);
    expect(r.tied_accuracy).toBe(1);
    expect(r.correctness_preferred).toBe(0.5);
    expect(r.correctness_preferred_hard).toBe(0);
    expect(r.margin).toBeCloseTo(margin, 15);
    expect(r.score).toBeCloseTo(0.3 * 1 + 0.3 * 0.5 + 0.2 * 0.5 + 0 + 0.01 * margin, 15);
  });

  it('treats every comparison as strict (equal scores are not accurate, not preferred)', () => {
    const r = tiesScore([g('ref', '1', [3], [3]), g('tied', '1', [5, 3], [3])]);
    // ref corr_inc 0 -> not accurate; tied corr_inc 0, diff 2 -> 0 > 2 false
    expect(r.ref_accuracy).toBe(0);
    expect(r.tied_accuracy).toBe(0);
    expect(r.correctness_preferred).toBe(0);
    // margin tanh(0/2 - 1) = tanh(-1)
    expect(r.margin).toBeCloseTo(Math.tanh(-1), 15);
  });

  it('gives tanh(+inf)=1 when the tied correct answers all score the same and the margin is positive', () => {
    const r = tiesScore([g('ref', '1', [5], [1]), g('tied', '1', [4, 4], [1])]);
    // diff 0; corr_inc tied 3, ref 4 -> pref 3 > 0 true; hard min(4,3)=3 > 0 true; margin tanh(3/0 - 1) = 1
    expect(r.correctness_preferred).toBe(1);
    expect(r.correctness_preferred_hard).toBe(1);
    expect(r.margin).toBe(1);
    expect(r.score).toBeCloseTo(0.3 + 0.3 + 0.2 + 0.2 + 0.01, 15);
  });

  it('gives tanh(-inf)=-1 for a negative margin over zero spread, and 0 for 0/0', () => {
    const neg = tiesScore([g('ref', '1', [1], [5]), g('tied', '1', [4, 4], [1])]);
    expect(neg.margin).toBe(-1);
    const zero = tiesScore([g('ref', '1', [2], [2]), g('tied', '1', [4, 4], [1])]);
    // min(ref 0, tied 3) = 0; 0/0 = NaN -> 0
    expect(zero.margin).toBe(0);
  });

  it('merges rows that share (kind, prompt id), as the reference groups them', () => {
    const merged = tiesScore([g('ref', '1', [5], [1]), g('ref', '1', [], [6]), g('tied', '1', [4, 3], [0])]);
    expect(merged.ref_accuracy).toBe(0); // 5 - max(1, 6) < 0
  });

  it('is not computable when no prompt has both a ref and a tied group', () => {
    const r = tiesScore([g('ref', '1', [5], [1]), g('tied', '2', [4, 3], [0])]);
    expect(r.score).toBeNull();
    expect(r.reason).toMatch(/both a ref: and a tied: group/);
    expect(r.ref_accuracy).toBe(1);
  });

  it('is not computable when a shared prompt has a single tied correct answer', () => {
    const r = tiesScore([g('ref', '1', [5], [1]), g('tied', '1', [4], [0])]);
    expect(r.score).toBeNull();
    expect(r.reason).toMatch(/single correct answer/);
  });

  it('is not computable for a group without incorrect answers', () => {
    expect(tiesScore([g('ref', '1', [5], []), g('tied', '1', [4, 3], [0])]).score).toBeNull();
  });

  it('parses ids like the reference (integer prompt ids)', () => {
    expect(parseTiesId('ref:07')).toEqual({ kind: 'ref', promptId: '7' });
    expect(parseTiesId('tied:abc')).toEqual({ kind: 'tied', promptId: 'abc' });
    expect(parseTiesId('other:1')).toBeNull();
  });
});

function rec(subset: string, id: string, scores: number[], numCorrect = 1, result: number | null = 0): ItemRecord {
  return { suite: 'rewardbench2', key: id, id, subset, scores, numCorrect, result };
}

describe('aggregateRewardBench2', () => {
  it('is the unweighted mean of the subsets, with Ties by its formula', () => {
    const records = [
      rec('Math', 'm1', [3, 1, 1, 1], 1, 1),
      rec('Math', 'm2', [1, 1, 0, 0], 1, 0.5),
      rec('Focus', 'f1', [0, 1, 0, 0], 1, 0),
      rec('Ties', 'ref:1', [5, 1], 1, 1),
      rec('Ties', 'tied:1', [4, 4, 1], 2, 1),
    ];
    const r = aggregateRewardBench2(records);
    expect(r.subsets.Math.score).toBe(0.75);
    expect(r.subsets.Focus.score).toBe(0);
    expect(r.subsets.Ties.score).toBeCloseTo(1.01, 15);
    expect(r.score).toBeCloseTo((0.75 + 0 + 1.01) / 3, 15);
    expect(r.metrics?.ties_margin).toBe(1);
  });

  it('counts errors and leaves them out of the means', () => {
    const r = aggregateRewardBench2([rec('Math', 'm1', [3, 1, 1, 1], 1, 1), { ...rec('Math', 'm2', [], 1, null), error: 'boom' }]);
    expect(r.subsets.Math).toEqual({ score: 1, n: 1, errors: 1 });
    expect(r.errors).toBe(1);
  });

  it('reports the overall score as not computable when Ties is', () => {
    const r = aggregateRewardBench2([rec('Math', 'm1', [3, 1, 1, 1], 1, 1), rec('Ties', 'ref:1', [5, 1], 1, 1)]);
    expect(r.subsets.Ties.score).toBeNull();
    expect(r.score).toBeNull();
    expect(r.reason).toMatch(/Ties/);
  });

  it('has no score for no items', () => {
    expect(aggregateRewardBench2([]).score).toBeNull();
  });
});
