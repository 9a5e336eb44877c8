import { describe, expect, it } from 'vitest';
import { bootstrapPaired, bootstrapSuite, percentile, strataOf, type PairedCache } from '../../src/metrics/bootstrap.js';
import { loadSuite } from '../../src/suites/registry.js';
import type { ItemRecord, SuiteResult } from '../../src/types.js';
import { simpleAggregate } from './synthetic.js';

const rec = (key: string, subset: string, result: number | null, extra: Partial<ItemRecord> = {}): ItemRecord => ({
  suite: 's',
  key,
  id: key,
  subset,
  result,
  ...extra,
});

/** n records of a subset, the first `ones` right. */
const block = (subset: string, n: number, ones: number, prefix = subset) =>
  Array.from({ length: n }, (_, i) => rec(`${prefix}-${i}`, subset, i < ones ? 1 : 0));

describe('percentile', () => {
  it('interpolates between order statistics', () => {
    const s = [1, 2, 3, 4];
    expect(percentile(s, 0)).toBe(1);
    expect(percentile(s, 1)).toBe(4);
    expect(percentile(s, 0.5)).toBe(2.5);
    expect(percentile(s, 0.25)).toBeCloseTo(1.75, 12);
    expect(percentile([7], 0.975)).toBe(7);
  });
});

describe('bootstrapSuite', () => {
  it('all-ones data gives [1, 1] for the score and every subset', () => {
    const records = [...block('a', 30, 30), ...block('b', 5, 5)];
    const { intervals, resamples } = bootstrapSuite(records, simpleAggregate, { seed: 1, resamples: 300 });
    expect(resamples).toBe(300);
    expect(intervals.get('score')).toEqual({ lo: 1, hi: 1 });
    expect(intervals.get('subset:a')).toEqual({ lo: 1, hi: 1 });
    expect(intervals.get('subset:b')).toEqual({ lo: 1, hi: 1 });
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const records = block('a', 200, 90);
    const a = bootstrapSuite(records, simpleAggregate, { seed: 5, resamples: 200 }).intervals.get('score');
    const b = bootstrapSuite(records, simpleAggregate, { seed: 5, resamples: 200 }).intervals.get('score');
    const c = bootstrapSuite(records, simpleAggregate, { seed: 6, resamples: 200 }).intervals.get('score');
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('a mean of 0.5 over 100 items gets about ±1.96·0.05', () => {
    const { intervals } = bootstrapSuite(block('a', 100, 50), simpleAggregate, { seed: 3, resamples: 1000 });
    const iv = intervals.get('score')!;
    expect(iv.lo).toBeGreaterThan(0.38);
    expect(iv.lo).toBeLessThan(0.42);
    expect(iv.hi).toBeGreaterThan(0.58);
    expect(iv.hi).toBeLessThan(0.62);
  });

  it('resamples within subset × language strata: every subset keeps its size', () => {
    const records = [...block('a', 20, 10), ...block('b', 12, 1), rec('c-0', 'c', 1, { language: 'x' }), rec('c-1', 'c', 0, { language: 'y' })];
    expect(strataOf(records, 1).map((s) => s.length)).toEqual([20, 12, 1, 1]);
    const sizes = (rs: ItemRecord[]): SuiteResult => {
      const r = simpleAggregate(rs);
      return { ...r, metrics: { na: rs.filter((x) => x.subset === 'a').length, nb: rs.filter((x) => x.subset === 'b').length } };
    };
    const { intervals } = bootstrapSuite(records, sizes, { seed: 1, resamples: 100, minStratum: 1 });
    expect(intervals.get('metric:na')).toEqual({ lo: 20, hi: 20 });
    expect(intervals.get('metric:nb')).toEqual({ lo: 12, hi: 12 });
    // A single-item stratum always draws itself.
    expect(intervals.get('subset:c')).toEqual({ lo: 0.5, hi: 0.5 });
  });

  it('pools strata smaller than the minimum (default 10), so tiny subsets are not falsely certain', () => {
    const records = [...block('a', 20, 10), ...block('b', 3, 1), ...block('c', 4, 2)];
    expect(strataOf(records).map((s) => s.length)).toEqual([20, 7]);
    const { intervals } = bootstrapSuite(records, simpleAggregate, { seed: 1, resamples: 300 });
    const b = intervals.get('subset:b')!;
    expect(b.hi - b.lo).toBeGreaterThan(0.3);
  });

  it('per-language scores when asked', () => {
    const records = [
      ...Array.from({ length: 10 }, (_, i) => rec(`de-${i}`, 'chat', 1, { language: 'de' })),
      ...Array.from({ length: 10 }, (_, i) => rec(`fr-${i}`, 'chat', 0, { language: 'fr' })),
    ];
    const { intervals } = bootstrapSuite(records, simpleAggregate, { seed: 1, resamples: 50, byLanguage: true });
    expect(intervals.get('language:de')).toEqual({ lo: 1, hi: 1 });
    expect(intervals.get('language:fr')).toEqual({ lo: 0, hi: 0 });
  });

  it('uses the suite\'s own aggregate: RewardBench v1 sections of a perfect model are [1, 1]', async () => {
    const suite = await loadSuite('rewardbench');
    const subsets = ['alpacaeval-easy', 'mt-bench-hard', 'refusals-dangerous', 'math-prm', 'hep-python'];
    const records = subsets.flatMap((s) => block(s, 8, 8));
    const { intervals } = bootstrapSuite(records, (r) => suite.aggregate(r), { seed: 2, resamples: 100 });
    expect(intervals.get('score')).toEqual({ lo: 1, hi: 1 });
    for (const sec of ['Chat', 'Chat Hard', 'Safety', 'Reasoning']) expect(intervals.get(`section:${sec}`)).toEqual({ lo: 1, hi: 1 });
  });

  it('draws fewer resamples when the time budget runs short, never fewer than the minimum', () => {
    const slow = (rs: ItemRecord[]) => {
      const end = Date.now() + 2;
      while (Date.now() < end);
      return simpleAggregate(rs);
    };
    const r = bootstrapSuite(block('a', 20, 10), slow, { seed: 1, resamples: 1000, budgetMs: 100, minResamples: 50 });
    expect(r.resamples).toBe(200); // 1000 would take ~2 s, half ~1 s: a fifth (200) it is
    const fast = bootstrapSuite(block('a', 20, 10), simpleAggregate, { seed: 1, resamples: 300, budgetMs: 60_000 });
    expect(fast.resamples).toBe(300);
  });
});

describe('bootstrapPaired', () => {
  it('identical runs: delta 0 with interval [0, 0]', () => {
    const a = block('a', 50, 20);
    const p = bootstrapPaired(a, a.map((r) => ({ ...r })), simpleAggregate, { seed: 1, resamples: 200 });
    expect(p.matched).toBe(50);
    expect(p.delta.get('score')).toBe(0);
    expect(p.intervals.get('score')).toEqual({ lo: 0, hi: 0 });
  });

  it('pairs by key: a model right exactly where the baseline is, plus 10 more, has delta +0.1 with a tight interval', () => {
    const base = block('a', 100, 40);
    // Same items, reversed order; 10 more right.
    const model = block('a', 100, 50).reverse();
    const p = bootstrapPaired(model, base, simpleAggregate, { seed: 1, resamples: 500 });
    expect(p.delta.get('score')).toBeCloseTo(0.1, 12);
    const iv = p.intervals.get('score')!;
    // Paired: only the 10 changed items vary (sd = √(0.1·0.9/100) = 0.03, so about ±0.06); an
    // unpaired comparison would spread about ±0.14.
    expect(iv.lo).toBeGreaterThan(0.03);
    expect(iv.hi).toBeLessThanOrEqual(0.17);
    expect(iv.hi - iv.lo).toBeLessThan(0.14);
  });

  it('counts only keys present in both runs', () => {
    const base = block('a', 10, 10);
    const model = [...block('a', 10, 0), rec('extra', 'a', 1)];
    const p = bootstrapPaired(model, base, simpleAggregate, { seed: 1, resamples: 100 });
    expect(p.matched).toBe(10);
    expect(p.delta.get('score')).toBe(-1);
    expect(p.intervals.get('score')).toEqual({ lo: -1, hi: -1 });
    expect(p.a.get('score')).toEqual({ lo: 0, hi: 0 });
    expect(p.b.get('score')).toEqual({ lo: 1, hi: 1 });
  });

  it('the baseline cache gives the same intervals', () => {
    const base = block('a', 60, 30);
    const m1 = block('a', 60, 35);
    const m2 = block('a', 60, 20);
    const opts = { seed: 9, resamples: 200, purpose: ['s'] };
    const cache: PairedCache = new Map();
    const with1 = bootstrapPaired(m1, base, simpleAggregate, { ...opts, cache });
    const with2 = bootstrapPaired(m2, base, simpleAggregate, { ...opts, cache });
    expect(cache.size).toBe(1);
    expect(with1.intervals).toEqual(bootstrapPaired(m1, base, simpleAggregate, opts).intervals);
    expect(with2.intervals).toEqual(bootstrapPaired(m2, base, simpleAggregate, opts).intervals);
  });
});
