// The gate with the project's own suite aggregates (src/suites/): which test each rule gets, and
// that resampled copies keep RB2 Ties prompts paired.
import { describe, expect, it } from 'vitest';
import { resampledCopy } from '../../src/gate/bootstrap.js';
import { defaultGateConfig } from '../../src/gate/config.js';
import { gateLoaded } from '../../src/gate/evaluate.js';
import { loadSuite } from '../../src/suites/registry.js';
import { loadedRun, rb1Records, rb2Records } from './synthetic-runs.js';

describe('gate with the real RewardBench aggregates', () => {
  it('RB2 Ties keeps its score when prompts are copied (ref and tied copies stay paired)', async () => {
    const rb2 = await loadSuite('rewardbench2');
    const recs = rb2Records(5, 12, 3, { seed: 1 });
    const ties = (rs: typeof recs) => rb2.aggregate(rs).subsets.Ties.score;
    const base = ties(recs);
    expect(base).not.toBeNull();
    expect(ties(recs.map((r) => resampledCopy(r, 7)))).toBeCloseTo(base!, 12);
    // every prompt twice (original + copy) gives the same composite as once
    expect(ties([...recs, ...recs.map((r) => resampledCopy(r, 1))])).toBeCloseTo(base!, 12);
    // "ref:07" and "tied:7" are one prompt for the reference; copies keep them together
    const padded = recs.map((r) => (r.id === 'ref:7' ? { ...r, id: 'ref:07', key: 'ref:07' } : r));
    expect(ties(padded.map((r) => resampledCopy(r, 2)))).toBeCloseTo(base!, 12);
  });

  it('picks McNemar for v1 subsets, the sign-flip test for RB2 1/k subsets, permutation for sections, Ties and overall scores', async () => {
    const b = loadedRun([...rb1Records(60, 1, { seed: 1 }), ...rb2Records(60, 15, 2, { seed: 3 })]);
    const c = loadedRun([...rb1Records(60, 1, { seed: 2 }), ...rb2Records(60, 15, 2, { seed: 4 })]);
    const o = await gateLoaded(b, c, { ...defaultGateConfig(), bootstrap: 100 });
    const method = (id: string) => o.rules.find((r) => r.id === id)?.method;
    expect(o.notes.filter((n) => n.includes('could not be loaded'))).toEqual([]);
    expect(method('rewardbench/subset:math-prm')).toMatch(/^mcnemar/);
    expect(method('rewardbench/section:Reasoning')).toBe('permutation');
    expect(method('rewardbench/overall')).toBe('permutation');
    expect(method('rewardbench2/subset:Math')).toMatch(/^sign-flip/);
    expect(method('rewardbench2/subset:Ties')).toBe('permutation');
    expect(method('rewardbench2/overall')).toBe('permutation');
    // sections and overall are recomputed by the suite: the estimate equals the aggregates' difference
    const rb1 = await loadSuite('rewardbench');
    const sec = (run: typeof b) => rb1.aggregate(run.records.filter((r) => r.suite === 'rewardbench')).sections!.Reasoning.score!;
    expect(o.rules.find((r) => r.id === 'rewardbench/section:Reasoning')!.estimate).toBeCloseTo(sec(c) - sec(b), 12);
    for (const r of o.rules) expect(r.ciLow!).toBeLessThanOrEqual(r.ciHigh!);
  });
});
