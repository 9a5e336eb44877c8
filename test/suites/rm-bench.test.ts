import { describe, expect, it } from 'vitest';
import { aggregateRmBench, itemMatrix, levels, matrixMean, meanMatrix } from '../../src/metrics/rm-bench.js';
import { evaluateRmBench, rmBenchItems, type RmBenchParams } from '../../src/suites/rm-bench.js';
import type { ItemRecord, Scorer } from '../../src/types.js';
import { DataError } from '../../src/errors.js';

const domains = ['chat', 'code', 'math', 'safety'];

describe('RM-Bench matrix (hand-computed 3x3)', () => {
  it('chosen [3,2,1] vs rejected [2.5,1.5,0.5]', () => {
    const m = itemMatrix([3, 2, 1], [2.5, 1.5, 0.5]);
    expect(m).toEqual([
      [1, 1, 1],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(levels(m)).toEqual({ hard: 1, normal: 1, easy: 0 });
    expect(matrixMean(m)).toBeCloseTo(6 / 9, 12);
  });

  it('ties are wrong (strict >)', () => {
    const m = itemMatrix([1, 1, 1], [1, 0, 2]);
    expect(m).toEqual([
      [0, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    const l = levels(m);
    expect(l.hard).toBeCloseTo(1 / 3, 12); // (0,1)=1 (0,2)=0 (1,2)=0
    expect(l.normal).toBeCloseTo(1 / 3, 12); // 0 1 0
    expect(l.easy).toBeCloseTo(1 / 3, 12); // (1,0)=0 (2,0)=0 (2,1)=1
  });

  it('rejects anything but 3 + 3 scores', () => {
    expect(() => itemMatrix([1, 2], [1, 2, 3])).toThrow();
  });
});

function rec(subset: string, matrix: number[][] | null): ItemRecord {
  return {
    suite: 'rm-bench',
    key: String(Math.random()),
    id: 'i',
    subset,
    result: matrix ? matrixMean(matrix) : null,
    ...(matrix ? { extra: { matrix } } : { error: 'failed' }),
  };
}

const I = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];
const U = [
  [0, 1, 1],
  [0, 0, 1],
  [0, 0, 0],
];
const L = [
  [0, 0, 0],
  [1, 0, 0],
  [1, 1, 0],
];
const ONES = [
  [1, 1, 1],
  [1, 1, 1],
  [1, 1, 1],
];

describe('RM-Bench aggregation (hand-computed)', () => {
  // chat: items I and U -> mean matrix; hard = mean(.5,.5,.5) = .5, normal = .5, easy = 0 -> 1/3
  // code: L -> hard 0, normal 0, easy 1 -> 1/3;  math: ONES -> 1, 1, 1 -> 1;  safety: I -> 0, 1, 0 -> 1/3
  const records = [rec('chat', I), rec('chat', U), rec('code', L), rec('math', ONES), rec('safety', I), rec('safety', null)];

  it('mean matrix per domain, hard/normal/easy, domain and overall means', () => {
    expect(meanMatrix([rec('chat', I), rec('chat', U)])).toEqual([
      [0.5, 0.5, 0.5],
      [0, 0.5, 0.5],
      [0, 0, 0.5],
    ]);
    const r = aggregateRmBench(records, domains);
    expect(r.subsets.chat.score).toBeCloseTo(1 / 3, 12);
    expect(r.subsets.code.score).toBeCloseTo(1 / 3, 12);
    expect(r.subsets.math.score).toBe(1);
    expect(r.subsets.safety.score).toBeCloseTo(1 / 3, 12);
    expect(r.subsets.safety.errors).toBe(1);
    expect(r.score).toBeCloseTo((1 / 3 + 1 / 3 + 1 + 1 / 3) / 4, 12); // 0.5
    expect(r.sections!.hard.score).toBeCloseTo((0.5 + 0 + 1 + 0) / 4, 12);
    expect(r.sections!.normal.score).toBeCloseTo((0.5 + 0 + 1 + 1) / 4, 12);
    expect(r.sections!.easy.score).toBeCloseTo((0 + 1 + 1 + 0) / 4, 12);
    expect(r.metrics).toEqual({ hard: 0.375, normal: 0.625, easy: 0.5 });
    expect(r.n).toBe(5);
    expect(r.errors).toBe(1);
    const t = r.tables!.matrix_chat as { rows: unknown[][] };
    expect(t.rows[0]).toEqual(['concise', 0.5, 0.5, 0.5]);
  });

  it('the item result (mean of 9) averages to the domain score', () => {
    const chat = [rec('chat', I), rec('chat', U)];
    const meanResult = chat.reduce((a, r) => a + (r.result as number), 0) / chat.length;
    expect(meanResult).toBeCloseTo(aggregateRmBench(chat, domains).subsets.chat.score as number, 12);
  });

  it('a missing domain is left out of the means and named; nothing scored is null, never NaN', () => {
    const r = aggregateRmBench([rec('math', ONES)], domains);
    expect(r.score).toBe(1);
    expect(r.reason).toMatch(/chat, code, safety/);
    expect(r.subsets.chat).toBeUndefined();
    const none = aggregateRmBench([rec('chat', null)], domains);
    expect(none.score).toBeNull();
    expect(none.sections!.hard.score).toBeNull();
    expect(JSON.stringify(aggregateRmBench([], domains))).not.toMatch(/NaN/);
  });
});

const params: RmBenchParams = { domains, fold: { 'safety-refuse': 'safety', 'safety-response': 'safety' } };
const row = (over: Record<string, unknown> = {}) => ({
  id: 3,
  prompt: 'p',
  chosen: ['c1', 'c2', 'c3'],
  rejected: ['r1', 'r2', 'r3'],
  domain: 'safety-refuse',
  ...over,
});

describe('RM-Bench items and evaluation', () => {
  it('folds the safety domains; completions chosen ++ rejected', () => {
    const [item] = rmBenchItems([row()], { file: 'f.json' }, 'rm-bench', params);
    expect(item).toMatchObject({ key: '3', subset: 'safety', numCorrect: 3, completions: ['c1', 'c2', 'c3', 'r1', 'r2', 'r3'], meta: { domain: 'safety-refuse' } });
  });

  it('rejects unknown domains and lists of the wrong length, naming row and field', () => {
    expect(() => rmBenchItems([row({ domain: 'poetry' })], { file: 'f.json' }, 'rm', params)).toThrow(/row 1: field "domain"/);
    expect(() => rmBenchItems([row({ chosen: ['a', 'b'] })], { file: 'f.json' }, 'rm', params)).toThrow(DataError);
    expect(() => rmBenchItems([row({ rejected: ['a', 'b', 'c', 'd'] })], { file: 'f.json' }, 'rm', params)).toThrow(/exactly 3/);
  });

  const [item] = rmBenchItems([row()], { file: 'f.json' }, 'rm', params);
  const info = { spec: 'd', kind: 'double', label: 'd', fingerprint: 'x' };

  it('scalar: the 9 comparisons from one scoring call', async () => {
    const scorer: Scorer = { info, score: async () => [3, 2, 1, 2.5, 1.5, 0.5] };
    const out = await evaluateRmBench(item, scorer, { seed: 0 });
    expect(out.extra!.matrix).toEqual(itemMatrix([3, 2, 1], [2.5, 1.5, 0.5]));
    expect(out.result).toBeCloseTo(6 / 9, 12);
  });

  it('judge: one pairwise game per cell', async () => {
    let calls = 0;
    // prefers the chosen answer unless it is the concise one against a styled rejected one
    const judge: Scorer = {
      info,
      judge: async (req) => {
        calls++;
        if (req.protocol !== 'pairwise') throw new Error('unexpected');
        const chosenIsA = req.a.startsWith('c');
        const [c, r] = chosenIsA ? [req.a, req.b] : [req.b, req.a];
        const chosenWins = !(c === 'c1' && r !== 'r1');
        return { choice: chosenWins === chosenIsA ? 0 : 1, parseFailed: false };
      },
    };
    const out = await evaluateRmBench(item, judge, { seed: 0 });
    expect(calls).toBe(9);
    expect(out.extra!.matrix).toEqual([
      [1, 0, 0],
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(out.result).toBeCloseTo(7 / 9, 12);
  });
});
