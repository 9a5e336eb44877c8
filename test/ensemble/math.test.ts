import { describe, expect, it } from 'vitest';
import {
  aggregate,
  centreByGroup,
  logSigmoid,
  lsc,
  mean,
  median,
  normalQuantile85,
  par,
  populationStd,
  populationVariance,
  zScore,
} from '../../src/ensemble/math.js';

describe('aggregation of member rewards [1, 2, 6]', () => {
  const r = [1, 2, 6];
  it('mean, median, min', () => {
    expect(aggregate(r, 'mean', 0)).toBe(3);
    expect(aggregate(r, 'median', 0)).toBe(2);
    expect(aggregate(r, 'min', 0)).toBe(1);
  });
  it('population variance and std (divide by n)', () => {
    // deviations -2, -1, 3 → squares 4, 1, 9 → 14 / 3
    expect(populationVariance(r)).toBeCloseTo(14 / 3, 12);
    expect(populationStd(r)).toBeCloseTo(Math.sqrt(14 / 3), 12);
  });
  it('uwo: mean − λ·variance', () => {
    expect(aggregate(r, 'uwo', 0.5)).toBeCloseTo(3 - 7 / 3, 12);
    expect(aggregate(r, 'uwo', 0)).toBe(3);
  });
  it('mean_minus_std: mean − λ·std', () => {
    expect(aggregate(r, 'mean_minus_std', 1)).toBeCloseTo(3 - 2.1602468994692865, 12);
    expect(aggregate(r, 'mean_minus_std', 2)).toBeCloseTo(3 - 2 * 2.1602468994692865, 12);
  });
  it('median of an even count is the mean of the middle two; inputs are not mutated', () => {
    const xs = [4, 1, 3, 2];
    expect(median(xs)).toBe(2.5);
    expect(xs).toEqual([4, 1, 3, 2]);
    expect(mean([])).toBeNaN();
  });
});

describe('normalisation', () => {
  it('z-score', () => {
    expect(zScore(5, 3, 2)).toBe(1);
    expect(zScore(0, 3, 2)).toBe(-1.5);
  });
  it('per-prompt centring subtracts each group mean', () => {
    expect(centreByGroup([1, 3, 10, 20, 5, 7], ['a', 'a', 'b', 'b', 'c', 'c'])).toEqual([-1, 1, -5, 5, -1, 1]);
    expect(centreByGroup([1, 10, 3, 20], ['a', 'b', 'a', 'b'])).toEqual([-1, -5, 1, 5]);
  });
});

describe('RL transforms', () => {
  it('log-sigmoid is stable at the extremes', () => {
    expect(logSigmoid(0)).toBeCloseTo(-Math.LN2, 12);
    expect(logSigmoid(-800)).toBe(-800);
    expect(logSigmoid(800)).toBeCloseTo(0, 12);
    expect(logSigmoid(-0.5)).toBeCloseTo(-0.9740769841801068, 12);
  });
  it('r_ref is the 85th percentile of a normal fitted to the reference rewards', () => {
    // mean 2, population std 1 → 2 + Φ⁻¹(0.85) = 2 + 1.0364333894937898
    expect(normalQuantile85([1, 3])).toBeCloseTo(3.0364333894937898, 12);
    expect(normalQuantile85([4])).toBe(4);
  });
  it('LSC = log σ(r − r_ref)', () => {
    expect(lsc(2, 2)).toBeCloseTo(-Math.LN2, 12);
    expect(lsc(1.5, 2)).toBeCloseTo(-0.9740769841801068, 12);
  });
  it('PAR = mean of σ(k(r − r_ref,m))', () => {
    expect(par(1, [0, 2])).toBeCloseTo(0.5, 12); // σ(1) + σ(−1) = 1
    expect(par(1, [0], 2)).toBeCloseTo(0.8807970779778823, 12); // σ(2)
    expect(par(0, [0, 1, 3])).toBeCloseTo((0.5 + 0.2689414213699951 + 0.04742587317756678) / 3, 12);
    expect(par(1e6, [0])).toBeLessThanOrEqual(1);
  });
});
