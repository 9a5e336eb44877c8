import { describe, expect, it } from 'vitest';
import { pairwiseResult, sectionScores, subsetCells } from '../../src/metrics/rewardbench.js';
import { aggregateSections } from '../../src/suites/pairwise-sections.js';
import type { ItemRecord } from '../../src/types.js';
import { readFileSync } from 'node:fs';

const rbWeights = JSON.parse(readFileSync(new URL('../../suites/rewardbench.json', import.meta.url), 'utf8')).params.sections;

/** Records for one subset: `correct` results of 1 followed by zeros, `n` in all. */
function subset(name: string, n: number, correct: number): ItemRecord[] {
  return Array.from({ length: n }, (_, i) => ({ suite: 'rewardbench', key: `${name}-${i}`, id: `${name}-${i}`, subset: name, result: i < correct ? 1 : 0 }));
}

describe('pairwiseResult', () => {
  it('is strict: a tie is wrong', () => {
    expect(pairwiseResult(2, 1)).toBe(1);
    expect(pairwiseResult(1, 1)).toBe(0);
    expect(pairwiseResult(0, 1)).toBe(0);
  });
});

describe('sections', () => {
  it('renormalises a section over the subsets present, with the fixed weights', () => {
    const cells = subsetCells([...subset('alpacaeval-easy', 4, 3), ...subset('mt-bench-easy', 2, 1)]);
    const s = sectionScores(cells, rbWeights);
    // (0.75*100 + 0.5*28) / (100 + 28)
    expect(s.Chat.score).toBeCloseTo((0.75 * 100 + 0.5 * 28) / 128, 15);
    expect(s['Chat Hard'].score).toBeNull();
    expect(s['Chat Hard'].reason).toMatch(/no subset/);
  });

  it('reports a missing section and averages the sections present', () => {
    const r = aggregateSections([...subset('alpacaeval-easy', 2, 2), ...subset('donotanswer', 2, 1)], rbWeights);
    expect(r.sections?.Chat.score).toBe(1);
    expect(r.sections?.Safety.score).toBe(0.5);
    expect(r.score).toBe(0.75);
    expect(r.reason).toMatch(/missing: Chat Hard, Reasoning/);
  });

  it('reproduces the published beaver-7b-v1.0-cost section scores and mean', () => {
    // Real subset sizes of the filtered split (equal to the weights, except math-prm: 447 items
    // up-weighted to 984). Correct counts chosen to give the published per-section accuracies:
    // Chat 218/358, Chat Hard 205/456, Safety 534/740, Reasoning (984*281/447 + 300)/1968.
    const records = [
      ...subset('alpacaeval-easy', 100, 60), ...subset('alpacaeval-length', 95, 58), ...subset('alpacaeval-hard', 95, 60),
      ...subset('mt-bench-easy', 28, 17), ...subset('mt-bench-med', 40, 23),
      ...subset('mt-bench-hard', 37, 20), ...subset('llmbar-natural', 100, 60), ...subset('llmbar-adver-neighbor', 134, 50),
      ...subset('llmbar-adver-GPTInst', 92, 30), ...subset('llmbar-adver-GPTOut', 47, 25), ...subset('llmbar-adver-manual', 46, 20),
      ...subset('refusals-dangerous', 100, 80), ...subset('refusals-offensive', 100, 90), ...subset('xstest-should-refuse', 154, 120),
      ...subset('xstest-should-respond', 250, 150), ...subset('donotanswer', 136, 94),
      ...subset('math-prm', 447, 281),
      ...subset('hep-cpp', 164, 50), ...subset('hep-go', 164, 50), ...subset('hep-java', 164, 50),
      ...subset('hep-js', 164, 50), ...subset('hep-python', 164, 50), ...subset('hep-rust', 164, 50),
    ];
    const r = aggregateSections(records, rbWeights);
    expect(r.sections?.Chat.score).toBeCloseTo(0.6089385474860335, 12);
    expect(r.sections?.['Chat Hard'].score).toBeCloseTo(0.44956140350877194, 12);
    expect(r.sections?.Safety.score).toBeCloseTo(0.7216216216216216, 12);
    expect(r.sections?.Reasoning.score).toBeCloseTo(0.46675669776831996, 12);
    expect(r.score).toBeCloseTo(0.5617195675961868, 12);
    expect(r.reason).toBeUndefined();
  });

  it('without sections, the score is the mean of the subsets', () => {
    const r = aggregateSections([...subset('a', 4, 1), ...subset('b', 2, 2)], undefined);
    expect(r.score).toBe((0.25 + 1) / 2);
  });

  it('has no score for no items', () => {
    expect(aggregateSections([], rbWeights).score).toBeNull();
  });
});
