import { describe, expect, it } from 'vitest';
import {
  binomialUpperTail,
  holmAdjust,
  mcnemarTest,
  normalCdf,
  normalQuantile,
  pairedCounts,
  pairedProportionInterval,
  signFlipTest,
  summarizeBootstrap,
  tangoTest,
} from '../../src/metrics/paired-tests.js';
import { mulberry32 } from '../../src/util/random.js';

describe('binomial tail and normal helpers', () => {
  it('computes exact upper tails by hand', () => {
    // P(X >= 8 | Bin(10, 1/2)) = (45 + 10 + 1) / 1024
    expect(binomialUpperTail(8, 10)).toBeCloseTo(56 / 1024, 12);
    expect(binomialUpperTail(10, 10)).toBeCloseTo(1 / 1024, 12);
    expect(binomialUpperTail(0, 10)).toBe(1);
    expect(binomialUpperTail(11, 10)).toBe(0);
    // P(X >= 2 | Bin(3, 0.2)) = 3·0.04·0.8 + 0.008 = 0.104
    expect(binomialUpperTail(2, 3, 0.2)).toBeCloseTo(0.104, 12);
    // Large n stays finite: P(X >= 1000 | Bin(2000, 1/2)) is a bit above 1/2.
    const t = binomialUpperTail(1000, 2000);
    expect(t).toBeGreaterThan(0.5);
    expect(t).toBeLessThan(0.52);
  });
  it('normal CDF and quantile agree with tables', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853627, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 5);
  });
});

describe('McNemar', () => {
  it('counts discordant pairs and rejects non-binary values', () => {
    expect(pairedCounts([1, 1, 0, 0, 1], [1, 0, 1, 0, 0])).toEqual({ n: 5, b: 2, c: 1 });
    expect(() => pairedCounts([0.5], [1])).toThrow(/not 0\/1/);
  });
  it('uses the exact binomial for small discordant counts', () => {
    const r = mcnemarTest({ n: 100, b: 8, c: 2 });
    expect(r.method).toBe('mcnemar-exact');
    expect(r.p).toBeCloseTo(56 / 1024, 12);
    expect(mcnemarTest({ n: 100, b: 10, c: 0 }).p).toBeCloseTo(1 / 1024, 12);
    expect(mcnemarTest({ n: 100, b: 0, c: 0 }).p).toBe(1);
    // candidate better: p near 1
    expect(mcnemarTest({ n: 100, b: 2, c: 8 }).p).toBeCloseTo(1 - 11 / 1024, 12);
  });
  it('uses the continuity-corrected normal approximation for large discordant counts', () => {
    // z = (40 - 20 - 1) / sqrt(60) = 2.45287; 1 − Φ(z) = 0.0070857
    const r = mcnemarTest({ n: 500, b: 40, c: 20 });
    expect(r.method).toBe('mcnemar-z');
    expect(r.statistic).toBeCloseTo(19 / Math.sqrt(60), 10);
    expect(r.p).toBeCloseTo(0.0070857, 6);
  });
  it("Tango's score test: hand-computed values", () => {
    // n=100, b=10, c=5, margin 0.05: restricted q = 0.05, v = 14.75, z = (10-5-5)/sqrt(v) = 0
    const a = tangoTest({ n: 100, b: 10, c: 5 }, 0.05);
    expect(a.statistic).toBeCloseTo(0, 12);
    expect(a.p).toBeCloseTo(0.5, 7);
    // n=100, b=20, c=5, margin 0.05: q = 0.0916999, v = 23.08997, z = 2.081078, p = 0.0187134
    const b = tangoTest({ n: 100, b: 20, c: 5 }, 0.05);
    expect(b.statistic).toBeCloseTo(2.0810777, 6);
    expect(b.p).toBeCloseTo(0.0187134, 6);
    // margin 0 reduces to McNemar's z without correction: (b − c)/sqrt(b + c)
    expect(tangoTest({ n: 100, b: 20, c: 5 }, 0).statistic).toBeCloseTo(15 / 5, 10);
    expect(mcnemarTest({ n: 100, b: 20, c: 5 }, 0.05).method).toBe('tango');
  });
  it('Tango keeps its size at the margin boundary (simulation)', () => {
    // Paired items where baseline − candidate = 0.05 exactly: P(b) = 0.10, P(c) = 0.05.
    const rand = mulberry32(7);
    let rejections = 0;
    const reps = 2000;
    for (let rep = 0; rep < reps; rep++) {
      let b = 0;
      let c = 0;
      for (let i = 0; i < 400; i++) {
        const u = rand();
        if (u < 0.1) b++;
        else if (u < 0.15) c++;
      }
      if (tangoTest({ n: 400, b, c }, 0.05).p < 0.05) rejections++;
    }
    expect(rejections / reps).toBeGreaterThan(0.03);
    expect(rejections / reps).toBeLessThan(0.07);
  });
  it('Wald interval for the paired difference', () => {
    // est = (2 − 8)/100 = −0.06; se = sqrt(10 − 36/100)/100 = 0.0310483; z(0.95) = 1.6448536
    const [lo, hi] = pairedProportionInterval({ n: 100, b: 8, c: 2 }, 0.05);
    expect(lo).toBeCloseTo(-0.06 - 1.6448536 * 0.0310483, 6);
    expect(hi).toBeCloseTo(-0.06 + 1.6448536 * 0.0310483, 6);
  });
});

describe('paired sign-flip test', () => {
  const ones = (n: number) => Array.from({ length: n }, () => 1);
  const none = { draws: 0, rand: () => 0 };
  it('enumerates sign patterns exactly (hand-counted) and ignores zero differences', () => {
    // |D| = 1, .5, .5, .25, observed −1.75: only −2.25 (all negative) and −1.75 (flip .25) are <= it.
    const r = signFlipTest([-1, -0.5, -0.5, 0.25], ones(4), 0, none);
    expect(r.method).toBe('sign-flip-exact');
    expect(r.p).toBeCloseTo(2 / 16, 12);
    expect(r.statistic).toBeCloseTo(-1.75, 12);
    expect(signFlipTest([-1, 0, -0.5, -0.5, 0, 0.25], ones(6), 0, none).p).toBeCloseTo(2 / 16, 12);
    // the candidate better on every item: every pattern is <= the observed total
    expect(signFlipTest([0.5, 1, 1 / 3], ones(3), 0, none).p).toBe(1);
    expect(signFlipTest([0, 0], ones(2), 0, none).p).toBe(1);
    // odd and even counts split into halves alike: 5 equal losses → 1/32
    expect(signFlipTest([-1, -1, -1, -1, -1], ones(5), 0, none).p).toBeCloseTo(1 / 32, 12);
  });
  it('shifts each unit by margin × size', () => {
    // D' = −1 + 0.5 = −0.5 three times: only all-negative reaches −1.5 → 1/8
    expect(signFlipTest([-1, -1, -1], ones(3), 0.5, none).p).toBeCloseTo(1 / 8, 12);
    // a drop equal to the margin is no evidence at all
    expect(signFlipTest([-1, -1, -1], ones(3), 1, none).p).toBe(1);
    // one cluster of 2 items summing to −2, margin 0.5: D' = −1, two patterns → 1/2
    expect(signFlipTest([-2], [2], 0.5, none).p).toBeCloseTo(1 / 2, 12);
    expect(() => signFlipTest([1], [1, 1], 0, none)).toThrow(/differ in length/);
  });
  it('is exact: over all 2^K equally likely sign patterns, P(p <= alpha) <= alpha', () => {
    const abs = [0.2, 0.5, 1, 1 / 3, 0.25, 1, 0.5, 0.7];
    const K = abs.length;
    for (const alpha of [0.01, 0.05, 0.1, 0.25]) {
      let hits = 0;
      for (let mask = 0; mask < 1 << K; mask++) {
        const d = abs.map((a, i) => ((mask >> i) & 1 ? a : -a));
        if (signFlipTest(d, ones(K), 0, none).p <= alpha) hits++;
      }
      expect(hits / 2 ** K).toBeLessThanOrEqual(alpha);
      if (alpha >= 0.05) expect(hits).toBeGreaterThan(0);
    }
  });
  it('uses seeded Monte Carlo with (b + 1)/(B + 1) beyond the exact limit', () => {
    // 30 losses of 1: no random pattern reaches −30, so p = 1/(B + 1)
    const r = signFlipTest(Array(30).fill(-1), ones(30), 0, { draws: 199, rand: mulberry32(1) });
    expect(r.method).toBe('sign-flip');
    expect(r.p).toBeCloseTo(1 / 200, 12);
    // agrees with exact enumeration within Monte Carlo error, and is reproducible for a seed
    const rand = mulberry32(5);
    const d = Array.from({ length: 22 }, (_, i) => (i % 3 === 0 ? 0.5 : -1 / (1 + (i % 4))) * (rand() + 0.5));
    const exact = signFlipTest(d, ones(22), 0, { ...none, exactLimit: 22 });
    expect(exact.method).toBe('sign-flip-exact');
    const mc = signFlipTest(d, ones(22), 0, { draws: 4999, rand: mulberry32(9), exactLimit: 20 });
    expect(mc.method).toBe('sign-flip');
    expect(Math.abs(mc.p - exact.p)).toBeLessThan(4 * Math.sqrt((exact.p * (1 - exact.p)) / 5000) + 1 / 5000);
    expect(signFlipTest(d, ones(22), 0, { draws: 999, rand: mulberry32(9), exactLimit: 20 }).p).toBe(
      signFlipTest(d, ones(22), 0, { draws: 999, rand: mulberry32(9), exactLimit: 20 }).p,
    );
  });
});

describe('bootstrap summary and Holm', () => {
  it('summarises draws: percentile interval and one-sided p', () => {
    const s = summarizeBootstrap([0.1, -0.1, 0, 0.05, -0.05, NaN], 0, 0.25);
    // sorted [-0.1, -0.05, 0, 0.05, 0.1]; 3 draws >= 0 → p = (3 + 1)/(5 + 1)
    expect(s.draws).toBe(5);
    expect(s.p).toBeCloseTo(4 / 6, 12);
    expect(s.ciLow).toBeCloseTo(-0.05, 12);
    expect(s.ciHigh).toBeCloseTo(0.05, 12);
    // with margin 0.06 only draws >= −0.06 count: 4 → p = 5/6
    expect(summarizeBootstrap([0.1, -0.1, 0, 0.05, -0.05], 0.06, 0.25).p).toBeCloseTo(5 / 6, 12);
    // every draw below −margin → p = 1/(B + 1)
    expect(summarizeBootstrap([-0.2, -0.3, -0.25], 0.1, 0.05).p).toBeCloseTo(1 / 4, 12);
  });
  it('Holm step-down adjustment by hand', () => {
    // sorted 0.005, 0.01, 0.03, 0.04 → 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 0.04) = 0.06
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(adj[0]).toBeCloseTo(0.03, 12);
    expect(adj[1]).toBeCloseTo(0.06, 12);
    expect(adj[2]).toBeCloseTo(0.06, 12);
    expect(adj[3]).toBeCloseTo(0.02, 12);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    const withNaN = holmAdjust([0.01, NaN, 0.02]);
    expect(withNaN[0]).toBeCloseTo(0.02, 12);
    expect(withNaN[1]).toBeNaN();
    expect(withNaN[2]).toBeCloseTo(0.02, 12);
  });
});
