// Helpers behind the gate's resampling tests: cluster differences for the sign-flip test, the
// small-sample factor of the bootstrap, and the paired permutation through the aggregate.
import { describe, expect, it } from 'vitest';
import { clusterDifferences, pairedPermutation, smallSampleFactor } from '../../src/gate/bootstrap.js';
import { permutationPValue } from '../../src/metrics/paired-tests.js';
import type { ItemRecord, SuiteResult } from '../../src/types.js';

const rec = (key: string, subset: string, result: number, id = key): ItemRecord => ({ suite: 's', key, id, subset, result });

describe('resampling helpers', () => {
  it('sums differences per cluster: Ties ref/tied of one prompt together, extra.cluster honoured', () => {
    const records = [rec('a', 'X', 1), rec('ref:7', 'Ties', 1), rec('tied:07', 'Ties', 0), { ...rec('b', 'X', 0), extra: { cluster: 'g' } }, { ...rec('c', 'X', 0), extra: { cluster: 'g' } }];
    const base = [1, 1, 0, 0, 0];
    const cand = [0.5, 0, 1, 1, 1 / 3];
    const { sums, sizes } = clusterDifferences(records, base, cand);
    expect(sizes).toEqual([1, 2, 2]);
    expect(sums[0]).toBeCloseTo(-0.5, 12);
    expect(sums[1]).toBeCloseTo(0, 12); // −1 + 1
    expect(sums[2]).toBeCloseTo(4 / 3, 12);
  });

  it('stretches the bootstrap by sqrt(m/(m − 1)) for the smallest stratum of clusters', () => {
    const many = (subset: string, n: number) => Array.from({ length: n }, (_, i) => rec(`${subset}${i}`, subset, 1));
    expect(smallSampleFactor([...many('A', 12), ...many('B', 30)])).toBeCloseTo(Math.sqrt(12 / 11), 12);
    expect(smallSampleFactor(many('B', 30))).toBeCloseTo(Math.sqrt(30 / 29), 12);
    // Ties: 10 prompts of ref + tied = 10 clusters
    const ties = Array.from({ length: 10 }, (_, p) => [rec(`ref:${p}`, 'Ties', 1), rec(`tied:${p}`, 'Ties', 1)]).flat();
    expect(smallSampleFactor(ties)).toBeCloseTo(Math.sqrt(10 / 9), 12);
    // strata under 10 clusters are pooled: 3 + 4 items → one stratum of 7
    expect(smallSampleFactor([...many('A', 3), ...many('C', 4), ...many('B', 30)])).toBeCloseTo(Math.sqrt(7 / 6), 12);
    expect(smallSampleFactor([rec('x', 'A', 1)])).toBe(1);
  });

  it('permutation p-value: (#{draws <= observed} + 1)/(B + 1), NaN dropped', () => {
    expect(permutationPValue([-3, -1, 0, 1, NaN], -1)).toEqual({ p: 3 / 5, draws: 4 });
    expect(permutationPValue([0, 0, 0], -0.1).p).toBeCloseTo(1 / 4, 12);
    expect(permutationPValue([], 0).p).toBe(1);
  });

  it('pairedPermutation swaps whole clusters between the runs and recomputes the aggregate', () => {
    // Score = 10 × ref + tied + 100 × x. Prompt 1's ref and tied swap together, x on its own; a
    // split swap of ref without tied would show up as ±111 or ±89.
    const aggregate = (rs: ItemRecord[]): SuiteResult => {
      const w = (r: ItemRecord) => (r.id.startsWith('ref:') ? 10 : r.id.startsWith('tied:') ? 1 : 100);
      return { score: rs.reduce((s, r) => s + w(r) * (r.result ?? 0), 0), n: rs.length, errors: 0, subsets: {} };
    };
    const baseline = [rec('ref:1', 'Ties', 1), rec('tied:1', 'Ties', 0), rec('x', 'X', 0)];
    const candidate = [rec('ref:1', 'Ties', 0), rec('tied:1', 'Ties', 1), rec('x', 'X', 1)];
    const draws = pairedPermutation({
      suite: 's',
      baseline,
      candidate,
      aggregateBaseline: aggregate,
      aggregateCandidate: aggregate,
      targets: [{ suite: 's', scope: 'overall' }],
      draws: 400,
      seed: 3,
    }).get('s/overall')!;
    const seen = new Set(draws);
    // observed: cand − base = (1 + 100) − 10 = 91; the four patterns give ±91 and ±109
    expect([...seen].sort((a, b) => a - b)).toEqual([-109, -91, 91, 109]);
    // each pattern about a quarter of the time
    for (const v of seen) expect(draws.filter((d) => d === v).length).toBeGreaterThan(60);
    // identical runs: every draw is 0
    const same = pairedPermutation({ suite: 's', baseline, candidate: baseline, aggregateBaseline: aggregate, aggregateCandidate: aggregate, targets: [{ suite: 's', scope: 'overall' }], draws: 20, seed: 1 });
    expect([...same.get('s/overall')!].every((d) => d === 0)).toBe(true);
  });
});
