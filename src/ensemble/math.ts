// Pure formulas for reward ensembles: aggregation across members, normalisation, RL transforms.
// No I/O; every function is tested against hand-computed values (test/ensemble/math.test.ts).

export type Aggregation = 'mean' | 'median' | 'min' | 'uwo' | 'mean_minus_std';
export const AGGREGATIONS: readonly Aggregation[] = ['mean', 'median', 'min', 'uwo', 'mean_minus_std'];

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population variance (divides by n, not n − 1). */
export function populationVariance(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / xs.length;
}

export function populationStd(xs: readonly number[]): number {
  return Math.sqrt(populationVariance(xs));
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Combines the member rewards r_1..r_k of one response:
 * mean r̄; median; min (worst-case); uwo r̄ − λ·Var (population); mean_minus_std r̄ − λ·σ.
 */
export function aggregate(rewards: readonly number[], how: Aggregation, lambda: number): number {
  switch (how) {
    case 'mean':
      return mean(rewards);
    case 'median':
      return median(rewards);
    case 'min':
      return rewards.length === 0 ? NaN : Math.min(...rewards);
    case 'uwo':
      return mean(rewards) - lambda * populationVariance(rewards);
    case 'mean_minus_std':
      return mean(rewards) - lambda * populationStd(rewards);
  }
}

/** z = (r − mean_ref) / std_ref, with the member's reference statistics. */
export function zScore(r: number, refMean: number, refStd: number): number {
  return (r - refMean) / refStd;
}

/**
 * Per-prompt centring: each value minus the mean of the values in its group (same group key).
 * Returns a new array in the input order.
 */
export function centreByGroup(values: readonly number[], groups: readonly string[]): number[] {
  const sums = new Map<string, { s: number; n: number }>();
  values.forEach((v, i) => {
    const g = sums.get(groups[i]) ?? { s: 0, n: 0 };
    g.s += v;
    g.n += 1;
    sums.set(groups[i], g);
  });
  return values.map((v, i) => {
    const g = sums.get(groups[i])!;
    return v - g.s / g.n;
  });
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** log σ(x), computed without overflow or log(0) for large |x|. */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** Φ⁻¹(0.85), the standard normal's 85th percentile. */
export const Z85 = 1.0364333894937898;

/** The 85th percentile of a normal fitted to the reference rewards (mean + Φ⁻¹(0.85)·σ_pop). */
export function normalQuantile85(refRewards: readonly number[]): number {
  return mean(refRewards) + Z85 * populationStd(refRewards);
}

/** LSC: log σ(r − r_ref). */
export function lsc(r: number, rRef: number): number {
  return logSigmoid(r - rRef);
}

/** PAR: (1/M) Σ_m σ(k·(r − r_ref,m)) over the M reference rewards. Bounded in (0, 1). */
export function par(r: number, refRewards: readonly number[], k = 1): number {
  if (refRewards.length === 0) return NaN;
  let s = 0;
  for (const ref of refRewards) s += sigmoid(k * (r - ref));
  return s / refRewards.length;
}
