import { describe, expect, it } from 'vitest';
import { Agreement, assignBands, BANDS, labelSmoothing, parseActions, parseBands, preferenceStrength } from '../../src/curate/strength.js';
import { bestAndWorst } from '../../src/curate/best-of-n.js';

const names = (codes: Uint8Array) => [...codes].map((c) => BANDS[c]);

describe('preference strength', () => {
  it('d_m, μ (mean) and σ (population std) across members', () => {
    const s = preferenceStrength([3, 1, 2], [1, 2, 0]);
    expect(s.d).toEqual([2, -1, 2]);
    expect(s.mu).toBe(1);
    expect(s.sigma).toBeCloseTo(Math.sqrt(2), 12); // deviations 1, −2, 1 → (1 + 4 + 1) / 3 = 2
    expect(preferenceStrength([5], [2])).toEqual({ d: [3], mu: 3, sigma: 0 });
  });
});

describe('bands', () => {
  it('quantile bands by rank of μ: lowest 20% mislabeled, next 20% ambiguous, top 10% very easy', () => {
    const mu = [5, -3, 0.2, 9, 1, -1, 2, 0, 3, 4];
    expect(names(assignBands(mu, parseBands('quantile:0.2,0.4,0.9')))).toEqual([
      'clear', 'mislabeled', 'ambiguous', 'very_easy', 'clear', 'mislabeled', 'clear', 'ambiguous', 'clear', 'clear',
    ]);
  });
  it('ties are broken by input order, so band sizes are exact', () => {
    expect(names(assignBands([1, 1, 1, 1, 1], parseBands('quantile:0.2,0.4,0.8')))).toEqual([
      'mislabeled', 'ambiguous', 'clear', 'clear', 'very_easy',
    ]);
  });
  it('fixed cut-offs on μ', () => {
    expect(names(assignBands([-2, -0.5, 0.49, 0.5, 2.99, 3], parseBands('fixed:-0.5,0.5,3')))).toEqual([
      'mislabeled', 'ambiguous', 'ambiguous', 'clear', 'clear', 'very_easy',
    ]);
  });
  it('refuses malformed cut-offs', () => {
    expect(() => parseBands('quantile:0.4,0.2,0.9')).toThrow(/ascending/);
    expect(() => parseBands('quantile:0.2,0.4')).toThrow(/expected quantile/);
    expect(() => parseBands('quantile:0.2,0.4,1.5')).toThrow(/\[0, 1\]/);
    expect(() => parseBands('decile:1,2,3')).toThrow(/expected quantile/);
  });
  it('actions per band', () => {
    expect(parseActions('mislabeled=flip, ambiguous=drop')).toEqual({ mislabeled: 'flip', ambiguous: 'drop', clear: 'keep', very_easy: 'keep' });
    expect(() => parseActions('easy=drop')).toThrow(/unknown band "easy"/);
    expect(() => parseActions('clear=swap')).toThrow(/keep, flip or drop/);
  });
});

describe('label smoothing and agreement', () => {
  it('ε = min(0.5, σ(−μ/T))', () => {
    expect(labelSmoothing(0)).toBe(0.5);
    expect(labelSmoothing(-3)).toBe(0.5);
    expect(labelSmoothing(2)).toBeCloseTo(0.11920292202211755, 12);
    expect(labelSmoothing(2, 2)).toBeCloseTo(0.2689414213699951, 12);
  });
  it('member agreement counts', () => {
    const a = new Agreement(['a', 'b', 'c']);
    a.add([1, 2, 3], 0);
    a.add([-1, -2, -1], 0);
    a.add([1, -1, 1], 3);
    a.add([2, 1, -1], 1);
    const s = a.summary() as Record<string, unknown>;
    expect(s.all_members_prefer_chosen).toBe(0.25);
    expect(s.all_members_prefer_rejected).toBe(0.25);
    expect(s.members_split).toBe(0.5);
    expect(s.member_prefers_chosen).toEqual({ a: 0.75, b: 0.5, c: 0.5 });
    expect(s.pairwise_sign_agreement).toEqual({ 'a|b': 0.75, 'a|c': 0.75, 'b|c': 0.5 });
    expect(s.mean_sigma).toBe(1);
  });
  it('best is the first maximum, worst the last minimum', () => {
    expect(bestAndWorst([1, 3, 0, 3, 0])).toEqual({ best: 1, worst: 4 });
  });
});
