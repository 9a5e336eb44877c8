// Preference strength, bands, actions, label smoothing and member agreement: pure functions,
// tested against hand-computed values.
import { UserError } from '../errors.js';
import { mean, populationStd, sigmoid } from '../ensemble/math.js';

export const BANDS = ['mislabeled', 'ambiguous', 'clear', 'very_easy'] as const;
export type Band = (typeof BANDS)[number];
export type Action = 'keep' | 'flip' | 'drop';

/** d_m = r_m(chosen) − r_m(rejected); μ = mean_m d_m; σ = population std of d_m. */
export function preferenceStrength(chosen: readonly number[], rejected: readonly number[]): { d: number[]; mu: number; sigma: number } {
  const d = chosen.map((c, i) => c - rejected[i]);
  return { d, mu: mean(d), sigma: populationStd(d) };
}

/**
 * Band cut-offs. quantile: three fractions q1 ≤ q2 ≤ q3 of rows sorted by μ (ascending, ties in
 * input order): rank < ⌊q1·n⌋ → mislabeled, < ⌊q2·n⌋ → ambiguous, ≥ ⌊q3·n⌋ → very_easy, else clear.
 * fixed: three μ values t1 ≤ t2 ≤ t3: μ < t1 → mislabeled, μ < t2 → ambiguous, μ ≥ t3 → very_easy.
 */
export interface BandCuts {
  mode: 'quantile' | 'fixed';
  cuts: [number, number, number];
}

export const DEFAULT_BANDS: BandCuts = { mode: 'quantile', cuts: [0.2, 0.4, 0.9] };

export function parseBands(text: string): BandCuts {
  const m = /^(quantile|fixed):(.+)$/.exec(text.trim());
  const nums = m ? m[2].split(',').map((s) => Number(s.trim())) : [];
  if (!m || nums.length !== 3 || nums.some((n) => !Number.isFinite(n))) {
    throw new UserError(`--bands "${text}": expected quantile:q1,q2,q3 (e.g. quantile:0.2,0.4,0.9) or fixed:t1,t2,t3 (μ cut-offs)`);
  }
  const [a, b, c] = nums;
  if (!(a <= b && b <= c)) throw new UserError(`--bands "${text}": the three cut-offs must be in ascending order`);
  if (m[1] === 'quantile' && (a < 0 || c > 1)) throw new UserError(`--bands "${text}": quantiles must lie in [0, 1]`);
  return { mode: m[1] as BandCuts['mode'], cuts: [a, b, c] };
}

export type Actions = Record<Band, Action>;
export const DEFAULT_ACTIONS: Actions = { mislabeled: 'keep', ambiguous: 'keep', clear: 'keep', very_easy: 'keep' };

/** "mislabeled=flip,ambiguous=drop" → actions (bands not named keep their default). */
export function parseActions(text: string): Actions {
  const out: Actions = { ...DEFAULT_ACTIONS };
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [band, action] = part.split('=').map((s) => s.trim());
    if (!(BANDS as readonly string[]).includes(band)) throw new UserError(`--actions "${part}": unknown band "${band}" (bands: ${BANDS.join(', ')})`);
    if (action !== 'keep' && action !== 'flip' && action !== 'drop') throw new UserError(`--actions "${part}": action must be keep, flip or drop`);
    out[band as Band] = action;
  }
  return out;
}

const EPS = 1e-9;

/** Band index (into BANDS) for each μ, in input order. Needs every μ (the quantiles do). */
export function assignBands(mu: ArrayLike<number>, bands: BandCuts): Uint8Array {
  const n = mu.length;
  const out = new Uint8Array(n);
  const [a, b, c] = bands.cuts;
  if (bands.mode === 'fixed') {
    for (let i = 0; i < n; i++) out[i] = mu[i] < a ? 0 : mu[i] < b ? 1 : mu[i] >= c ? 3 : 2;
    return out;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => mu[x] - mu[y] || x - y);
  const c1 = Math.floor(a * n + EPS);
  const c2 = Math.floor(b * n + EPS);
  const c3 = Math.floor(c * n + EPS);
  for (let rank = 0; rank < n; rank++) out[order[rank]] = rank < c1 ? 0 : rank < c2 ? 1 : rank >= c3 ? 3 : 2;
  return out;
}

/**
 * Label smoothing for conservative DPO / cDPO: the probability that the (possibly flipped) label is
 * wrong under a Bradley-Terry reading of the margin, ε = σ(−μ / T), capped at 0.5.
 */
export function labelSmoothing(mu: number, temperature = 1): number {
  return Math.min(0.5, sigmoid(-mu / temperature));
}

/** Member agreement across pairs: signs of d_m against the label and between members. */
export class Agreement {
  n = 0;
  allAgreeWithLabel = 0;
  allAgainstLabel = 0;
  private readonly withLabel: number[];
  private readonly pairSame: number[][];
  private sigmaSum = 0;

  constructor(readonly members: string[]) {
    this.withLabel = members.map(() => 0);
    this.pairSame = members.map(() => members.map(() => 0));
  }

  add(d: readonly number[], sigma: number): void {
    this.n++;
    this.sigmaSum += sigma;
    if (d.every((x) => x > 0)) this.allAgreeWithLabel++;
    if (d.every((x) => x < 0)) this.allAgainstLabel++;
    d.forEach((x, i) => {
      if (x > 0) this.withLabel[i]++;
      for (let j = i + 1; j < d.length; j++) if (Math.sign(x) === Math.sign(d[j])) this.pairSame[i][j]++;
    });
  }

  summary(): Record<string, unknown> {
    const frac = (k: number) => (this.n ? k / this.n : null);
    const pairwise: Record<string, number | null> = {};
    for (let i = 0; i < this.members.length; i++) {
      for (let j = i + 1; j < this.members.length; j++) pairwise[`${this.members[i]}|${this.members[j]}`] = frac(this.pairSame[i][j]);
    }
    return {
      pairs: this.n,
      all_members_prefer_chosen: frac(this.allAgreeWithLabel),
      all_members_prefer_rejected: frac(this.allAgainstLabel),
      members_split: frac(this.n - this.allAgreeWithLabel - this.allAgainstLabel),
      member_prefers_chosen: Object.fromEntries(this.members.map((m, i) => [m, frac(this.withLabel[i])])),
      pairwise_sign_agreement: pairwise,
      mean_sigma: this.n ? this.sigmaSum / this.n : null,
    };
  }
}
