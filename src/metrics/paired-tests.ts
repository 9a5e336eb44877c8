// Paired statistics for comparing two runs item by item: McNemar's test (exact binomial when the
// discordant count is small), Tango's score test for a non-inferiority margin on paired
// proportions, the paired sign-flip (randomisation) test for fractional item results,
// paired-bootstrap summaries, and Holm's step-down correction. Pure functions, no I/O (the
// sign-flip test's Monte Carlo branch takes its random source as an argument).
//
// Conventions: delta = candidate − baseline. "b" counts items the baseline got right and the
// candidate wrong, "c" the reverse; n is the number of paired items. All tests here are one-sided
// tests of H0: delta >= −margin against H1: delta < −margin (the candidate is worse by more than
// the margin); a small p-value means a real regression.

/** Below this many discordant pairs McNemar uses the exact binomial distribution. */
export const EXACT_DISCORDANT_LIMIT = 25;

/** ln(n!) for integer n >= 0 (exact summation up to a cache, Stirling series beyond). */
const lnFactCache: number[] = [0];
export function lnFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`lnFactorial: ${n} is not a non-negative integer`);
  if (n < 20000) {
    for (let i = lnFactCache.length; i <= n; i++) lnFactCache[i] = lnFactCache[i - 1] + Math.log(i);
    return lnFactCache[n];
  }
  const x = n + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p = 0.5): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const logs: number[] = [];
  for (let i = k; i <= n; i++) {
    logs.push(lnFactorial(n) - lnFactorial(i) - lnFactorial(n - i) + i * lp + (n - i) * lq);
  }
  const max = Math.max(...logs);
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - max);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}

/** Complementary error function (Numerical Recipes' Chebyshev fit, |relative error| < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9 after refinement). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p = ${p} is outside [0, 1]`);
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step against our normalCdf keeps quantile and CDF consistent.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

export interface PairedCounts {
  /** Paired items. */
  n: number;
  /** Baseline right (1), candidate wrong (0). */
  b: number;
  /** Baseline wrong, candidate right. */
  c: number;
}

/** Counts concordant/discordant pairs of 0/1 results. Throws on values other than 0 and 1. */
export function pairedCounts(baseline: readonly number[], candidate: readonly number[]): PairedCounts {
  if (baseline.length !== candidate.length) throw new RangeError('pairedCounts: arrays differ in length');
  let b = 0;
  let c = 0;
  for (let i = 0; i < baseline.length; i++) {
    const x = baseline[i];
    const y = candidate[i];
    if ((x !== 0 && x !== 1) || (y !== 0 && y !== 1)) throw new RangeError(`pairedCounts: item ${i} is not 0/1 (${x}, ${y})`);
    if (x === 1 && y === 0) b++;
    else if (x === 0 && y === 1) c++;
  }
  return { n: baseline.length, b, c };
}

export interface TestResult {
  /** One-sided p-value for H0: delta >= −margin. */
  p: number;
  method: 'mcnemar-exact' | 'mcnemar-z' | 'tango' | 'sign-flip-exact' | 'sign-flip' | 'permutation' | 'bootstrap';
  statistic?: number;
}

/**
 * McNemar's test, one-sided (is the candidate worse?). With margin 0: under H0 the b discordant
 * pairs are Binomial(b + c, 1/2); exact tail when b + c < EXACT_DISCORDANT_LIMIT, otherwise the
 * normal approximation with continuity correction. With a margin > 0: Tango's score test.
 */
export function mcnemarTest(counts: PairedCounts, margin = 0): TestResult {
  const { n, b, c } = counts;
  if (margin < 0 || margin > 1) throw new RangeError(`mcnemarTest: margin ${margin} outside [0, 1]`);
  if (margin > 0) return tangoTest(counts, margin);
  const m = b + c;
  if (m === 0 || n === 0) return { p: 1, method: 'mcnemar-exact', statistic: 0 };
  if (m < EXACT_DISCORDANT_LIMIT) return { p: binomialUpperTail(b, m, 0.5), method: 'mcnemar-exact', statistic: b };
  const z = (b - c - 1) / Math.sqrt(m);
  return { p: 1 - normalCdf(z), method: 'mcnemar-z', statistic: z };
}

/**
 * Tango's (1998) score test for a difference of paired proportions, H0: p_b − p_c = margin
 * (baseline better by exactly the margin) against p_b − p_c > margin, using the restricted
 * maximum-likelihood estimate of the discordant probability. Reduces to McNemar's z at margin 0.
 */
export function tangoTest(counts: PairedCounts, margin: number): TestResult {
  const { n, b, c } = counts;
  if (n === 0) return { p: 1, method: 'tango', statistic: 0 };
  const d = margin;
  const A = 2 * n;
  const B = -b - c + (2 * n - b + c) * d;
  const C = -c * d * (1 - d);
  const q = (Math.sqrt(Math.max(0, B * B - 4 * A * C)) - B) / (2 * A);
  const v = n * (2 * q + d * (1 - d));
  if (v <= 0) return { p: b - c - n * d > 0 ? 0 : 1, method: 'tango', statistic: NaN };
  const z = (b - c - n * d) / Math.sqrt(v);
  return { p: 1 - normalCdf(z), method: 'tango', statistic: z };
}

/** Wald interval for the paired difference delta = (c − b)/n at two-sided level 1 − 2·alpha, within [−1, 1]. */
export function pairedProportionInterval(counts: PairedCounts, alpha: number): [number, number] {
  const { n, b, c } = counts;
  if (n === 0) return [NaN, NaN];
  const est = (c - b) / n;
  const se = Math.sqrt(Math.max(0, b + c - ((c - b) * (c - b)) / n)) / n;
  const z = normalQuantile(1 - alpha);
  return [Math.max(-1, est - z * se), Math.min(1, est + z * se)];
}

/** Up to this many non-zero unit differences the sign-flip test enumerates all 2^K sign patterns. */
export const EXACT_SIGNFLIP_LIMIT = 20;

/** Every signed sum ±v[0] ± v[1] ± … of the values (2^length of them). */
function signedSums(values: readonly number[]): Float64Array {
  const out = new Float64Array(1 << values.length);
  out[0] = values.reduce((s, v) => s - v, 0);
  for (let mask = 1; mask < out.length; mask++) {
    const low = 31 - Math.clz32(mask & -mask);
    out[mask] = out[mask & (mask - 1)] + 2 * values[low];
  }
  return out;
}

export interface SignFlipOptions {
  /** Monte Carlo sign patterns when there are more than exactLimit non-zero differences. */
  draws: number;
  rand: () => number;
  exactLimit?: number;
}

/**
 * Paired sign-flip test, one-sided, of H0: mean difference >= −margin against "worse by more than
 * the margin". `sums[u]` is the summed difference (candidate − baseline, oriented so that negative is
 * worse) over unit u's `sizes[u]` items; a unit is one item, or a cluster of items that belong
 * together. Each unit's shifted sum D_u = sums[u] + margin·sizes[u] keeps its size and gets a random
 * sign; the p-value is the share of sign patterns whose total is at most the observed total. Under
 * H0 with differences symmetric about −margin (two checkpoints that differ by noise only, margin 0)
 * every pattern is equally likely, so the test is exact: all 2^K patterns of the K non-zero units
 * when K <= exactLimit (p = #{Σ ±|D_u| <= Σ D_u} / 2^K, counted by meet-in-the-middle), otherwise B
 * seeded random patterns with the valid estimator p = (#{…} + 1)/(B + 1).
 */
export function signFlipTest(sums: readonly number[], sizes: readonly number[], margin: number, opts: SignFlipOptions): TestResult {
  if (sums.length !== sizes.length) throw new RangeError('signFlipTest: sums and sizes differ in length');
  if (!(margin >= 0)) throw new RangeError(`signFlipTest: margin ${margin} is negative`);
  const shifted = sums.map((s, u) => s + margin * sizes[u]);
  const scale = shifted.reduce((a, d) => a + Math.abs(d), 0);
  const tol = 1e-9 * (scale + 1);
  const abs = shifted.map(Math.abs).filter((a) => a > tol);
  const observed = shifted.reduce((a, d) => a + d, 0);
  const limit = observed + tol;
  const K = abs.length;
  if (K === 0) return { p: 1, method: 'sign-flip-exact', statistic: observed };
  if (K <= (opts.exactLimit ?? EXACT_SIGNFLIP_LIMIT)) {
    const half = K >> 1;
    const left = signedSums(abs.slice(0, half));
    const right = signedSums(abs.slice(half)).sort();
    let count = 0;
    for (const x of left) {
      // right values <= limit − x (upper bound by binary search)
      let lo = 0;
      let hi = right.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (right[mid] <= limit - x) lo = mid + 1;
        else hi = mid;
      }
      count += lo;
    }
    return { p: count / 2 ** K, method: 'sign-flip-exact', statistic: observed };
  }
  const B = opts.draws;
  if (!(B >= 1)) throw new RangeError(`signFlipTest: ${B} draws`);
  let atMost = 0;
  for (let d = 0; d < B; d++) {
    let total = 0;
    let bits = 0;
    for (let u = 0; u < K; u++) {
      if (u % 32 === 0) bits = Math.floor(opts.rand() * 4294967296) >>> 0;
      total += bits & 1 ? abs[u] : -abs[u];
      bits >>>= 1;
    }
    if (total <= limit) atMost++;
  }
  return { p: (atMost + 1) / (B + 1), method: 'sign-flip', statistic: observed };
}

/** Linear-interpolation quantile (type 7) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface BootstrapSummary {
  /** Percentile interval at two-sided level 1 − 2·alpha: [alpha, 1 − alpha] quantiles. */
  ciLow: number;
  ciHigh: number;
  /** (#{draws >= −margin} + 1) / (B + 1): small when almost every resample is worse than −margin. */
  p: number;
  draws: number;
}

/**
 * Summarises bootstrap draws of delta (candidate − baseline, each computed on the same resample of
 * paired items). Draws that are NaN (the statistic was undefined on that resample) are dropped.
 */
export function summarizeBootstrap(deltas: ArrayLike<number>, margin: number, alpha: number): BootstrapSummary {
  const vals: number[] = [];
  for (let i = 0; i < deltas.length; i++) if (!Number.isNaN(deltas[i])) vals.push(deltas[i]);
  const sorted = Float64Array.from(vals).sort();
  const B = sorted.length;
  if (B === 0) return { ciLow: NaN, ciHigh: NaN, p: 1, draws: 0 };
  let atLeast = 0;
  const threshold = -margin - 1e-12;
  for (const v of sorted) if (v >= threshold) atLeast++;
  return { ciLow: quantileSorted(sorted, alpha), ciHigh: quantileSorted(sorted, 1 - alpha), p: (atLeast + 1) / (B + 1), draws: B };
}

/**
 * One-sided Monte Carlo permutation p-value: (#{draws <= observed} + 1)/(B + 1), where the draws
 * are the statistic (negative = worse) under random relabellings. NaN draws are dropped.
 */
export function permutationPValue(draws: ArrayLike<number>, observed: number): { p: number; draws: number } {
  let B = 0;
  let atMost = 0;
  const limit = observed + 1e-12 * (1 + Math.abs(observed));
  for (let i = 0; i < draws.length; i++) {
    const v = draws[i];
    if (Number.isNaN(v)) continue;
    B++;
    if (v <= limit) atMost++;
  }
  return { p: B === 0 ? 1 : (atMost + 1) / (B + 1), draws: B };
}

/**
 * Holm's step-down adjusted p-values (same order as the input). NaN entries are ignored (they get
 * NaN back) and do not count towards the family size.
 */
export function holmAdjust(pvalues: readonly number[]): number[] {
  const idx = pvalues.map((p, i) => [p, i] as const).filter(([p]) => !Number.isNaN(p));
  idx.sort((x, y) => x[0] - y[0]);
  const m = idx.length;
  const out = pvalues.map(() => NaN);
  let running = 0;
  idx.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
