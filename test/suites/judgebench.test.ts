import { describe, expect, it } from 'vitest';
import { aggregateJudgeBench, flipVerdict, gamePoints, pairCorrect, parseLabel, type GameVerdict } from '../../src/metrics/judgebench.js';
import { evaluateJudgeBench, judgeBenchItems, splitName, verdictOf } from '../../src/suites/judgebench.js';
import type { ItemRecord, JudgeRequest, JudgeVerdict, Scorer } from '../../src/types.js';

describe('JudgeBench +1/−1/0 rule (hand-computed)', () => {
  it('points per game', () => {
    expect(gamePoints('A>B', 'A>B')).toBe(1);
    expect(gamePoints('B>A', 'A>B')).toBe(-1);
    expect(gamePoints('A=B', 'A>B')).toBe(0);
    expect(gamePoints(null, 'B>A')).toBe(0);
  });

  it('correct iff the sum is > 0', () => {
    const cases: Array<[GameVerdict, GameVerdict, number, 0 | 1]> = [
      ['A>B', 'A>B', 2, 1], // right twice
      ['A>B', 'A=B', 1, 1], // one right game plus a tie is correct
      ['A=B', 'A>B', 1, 1],
      ['A>B', null, 1, 1], // one right game plus an unparseable / failed one
      ['A>B', 'B>A', 0, 0], // inconsistent: nets 0
      ['A=B', 'A=B', 0, 0], // two ties
      [null, null, 0, 0],
      ['B>A', 'A=B', -1, 0],
      ['B>A', 'B>A', -2, 0],
    ];
    for (const [g1, g2, sum, correct] of cases) expect(pairCorrect(g1, g2, 'A>B')).toEqual({ sum, correct });
  });

  it('the swapped game is flipped back; position bias nets 0', () => {
    expect(flipVerdict('A>B')).toBe('B>A');
    expect(flipVerdict('B>A')).toBe('A>B');
    expect(flipVerdict('A=B')).toBe('A=B');
    expect(flipVerdict(null)).toBeNull();
    // a judge that always answers "A": game 1 says A>B, game 2 (swapped) says A>B = B>A in the original order
    expect(pairCorrect('A>B', flipVerdict('A>B'), 'A>B')).toEqual({ sum: 0, correct: 0 });
    expect(pairCorrect('A>B', flipVerdict('A>B'), 'B>A')).toEqual({ sum: 0, correct: 0 });
  });

  it('labels and verdicts', () => {
    expect(parseLabel('A>B')).toBe('A>B');
    expect(parseLabel(' B > A ')).toBe('B>A');
    expect(parseLabel('A=B')).toBeNull();
    expect(verdictOf({ choice: 0, parseFailed: false })).toBe('A>B');
    expect(verdictOf({ choice: 1, parseFailed: false })).toBe('B>A');
    expect(verdictOf({ choice: null, tie: true, parseFailed: false })).toBe('A=B');
    expect(verdictOf({ choice: null, parseFailed: true })).toBeNull();
  });

  it('score = correct / N over both splits; splits as subsets; errors left out', () => {
    const r = (subset: string, result: number | null): ItemRecord => ({ suite: 'jb', key: String(Math.random()), id: 'x', subset, result });
    const out = aggregateJudgeBench([r('gpt', 1), r('gpt', 0), r('gpt', 1), r('claude', 0), r('claude', null)]);
    expect(out.score).toBeCloseTo(2 / 4, 12);
    expect(out.subsets.gpt.score).toBeCloseTo(2 / 3, 12);
    expect(out.subsets.claude).toEqual({ score: 0, n: 1, errors: 1 });
    expect(out.errors).toBe(1);
    expect(aggregateJudgeBench([]).score).toBeNull();
    expect(JSON.stringify(aggregateJudgeBench([]))).not.toMatch(/NaN/);
  });
});

const rows = [
  { pair_id: 'p1', original_id: 'o1', source: 'mmlu', question: 'Q1', response_model: 'm', response_A: 'good', response_B: 'bad', label: 'A>B' },
  { pair_id: 'p2', original_id: 'o2', source: 'mmlu', question: 'Q2', response_model: 'm', response_A: 'bad', response_B: 'good', label: 'B>A' },
];

describe('JudgeBench items and evaluation', () => {
  const items = judgeBenchItems(rows, { file: '/d/gpt-00000-of-00001.jsonl' }, 'judgebench');
  const info = { spec: 'd', kind: 'double', label: 'd', fingerprint: 'x' };

  it('splits from config or file name; completions [better, worse]', () => {
    expect(items.map((i) => i.subset)).toEqual(['gpt', 'gpt']);
    expect(items[1].completions).toEqual(['good', 'bad']);
    expect(splitName({ file: '/x/claude-00000-of-00001.jsonl', config: 'claude-00000-of-00001' })).toBe('claude');
    expect(splitName({ file: '/x/mine.jsonl' })).toBe('mine');
    expect(() => judgeBenchItems([{ ...rows[0], label: 'A=B' }], { file: 'f' }, 'jb')).toThrow(/field "label"/);
  });

  it('reward model: scored once, strict', async () => {
    let calls = 0;
    const scorer = (s: number[]): Scorer => ({
      info,
      score: async () => {
        calls++;
        return s;
      },
    });
    expect((await evaluateJudgeBench(items[1], scorer([2, 1]))).result).toBe(1);
    expect((await evaluateJudgeBench(items[1], scorer([1, 1]))).result).toBe(0);
    expect(calls).toBe(2);
  });

  const judgeWith = (answer: (req: Extract<JudgeRequest, { protocol: 'pairwise' }>) => JudgeVerdict | Error): Scorer => ({
    info,
    judge: async (req) => {
      if (req.protocol !== 'pairwise') throw new Error('unexpected');
      const v = answer(req);
      if (v instanceof Error) throw v;
      return v;
    },
  });

  it('a judge that knows the answer gets +2; one that always says A nets 0', async () => {
    const right = judgeWith((req) => ({ choice: req.a === 'good' ? 0 : 1, parseFailed: false }));
    for (const item of items) expect(await evaluateJudgeBench(item, right)).toMatchObject({ result: 1, extra: { sum: 2 } });
    const alwaysA = judgeWith(() => ({ choice: 0, parseFailed: false }));
    for (const item of items) expect(await evaluateJudgeBench(item, alwaysA)).toMatchObject({ result: 0, extra: { sum: 0 } });
  });

  it('a right game plus a tie is correct; a failed call counts 0; both failing is an item error', async () => {
    const rightThenTie = judgeWith((req) => (req.a === 'good' ? { choice: 0, parseFailed: false } : { choice: null, tie: true, parseFailed: false }));
    expect(await evaluateJudgeBench(items[0], rightThenTie)).toMatchObject({ result: 1, extra: { games: ['A>B', 'A=B'], sum: 1 } });
    const rightThenFail = judgeWith((req) => (req.a === 'good' ? { choice: 0, parseFailed: false } : new Error('timeout')));
    const out = await evaluateJudgeBench(items[0], rightThenFail);
    expect(out).toMatchObject({ result: 1, extra: { games: ['A>B', null], sum: 1 } });
    expect((out.verdicts as Array<{ error?: string }>)[1].error).toBe('timeout');
    await expect(evaluateJudgeBench(items[0], judgeWith(() => new Error('down')))).rejects.toThrow(/both games failed/);
  });
});
