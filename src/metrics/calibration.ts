// Calibration of a scalar reward model read as a preference model: p = σ((r_chosen − r_rejected)/T)
// is the probability it gives that the chosen answer is better. Because both A/B orders are
// equally likely, the confidence is max(p, 1 − p) and the prediction is right when the margin is
// positive (a zero margin is a coin flip: counted as half right). Pure functions, no I/O.
import type { ItemRecord } from '../types.js';

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Chosen-minus-rejected margins of one record: with one correct completion, its score minus the
 * best incorrect score (positive iff it wins outright); with several correct ones, every
 * correct × incorrect pair. None when the record has no usable scores.
 */
export function marginsOf(r: ItemRecord): number[] {
  const s = r.scores;
  const nc = r.numCorrect;
  if (!s || typeof nc !== 'number' || nc < 1 || nc >= s.length) return [];
  if (!s.every((x) => typeof x === 'number' && Number.isFinite(x))) return [];
  if (nc === 1) {
    let best = -Infinity;
    for (let i = 1; i < s.length; i++) best = Math.max(best, s[i]);
    return [s[0] - best];
  }
  const out: number[] = [];
  for (let i = 0; i < nc; i++) for (let j = nc; j < s.length; j++) out.push(s[i] - s[j]);
  return out;
}

export interface CalibrationBin {
  /** Confidence range [lo, hi) (the last bin includes 1). */
  lo: number;
  hi: number;
  n: number;
  /** Mean confidence max(p, 1 − p) of the margins in the bin. */
  confidence: number;
  /** Share of those margins that were right (margin > 0; 0 counts half). */
  accuracy: number;
}

export interface Calibration {
  n: number;
  temperature: number;
  /** Share of margins right (ties half). */
  accuracy: number;
  /** Expected calibration error: Σ (n_b / n) · |accuracy_b − confidence_b|. */
  ece: number;
  /** Brier score of p against the chosen-is-better label: mean (1 − p)². */
  brier: number;
  /** Mean negative log-likelihood −log p. */
  nll: number;
  bins: CalibrationBin[];
}

/** Calibration numbers of margins at temperature T, over `bins` equal bins of confidence in [0.5, 1]. */
export function calibrate(margins: number[], opts: { temperature?: number; bins?: number } = {}): Calibration {
  const T = opts.temperature ?? 1;
  const nb = opts.bins ?? 10;
  const acc = new Array<number>(nb).fill(0);
  const conf = new Array<number>(nb).fill(0);
  const cnt = new Array<number>(nb).fill(0);
  let right = 0;
  let brier = 0;
  let nll = 0;
  for (const m of margins) {
    const p = sigmoid(m / T);
    const c = Math.max(p, 1 - p);
    const ok = m > 0 ? 1 : m < 0 ? 0 : 0.5;
    // (the epsilon keeps a confidence of exactly a bin edge, like σ(ln 3) = 0.75, in the upper bin)
    const b = Math.min(nb - 1, Math.floor(((c - 0.5) / 0.5) * nb + 1e-9));
    acc[b] += ok;
    conf[b] += c;
    cnt[b]++;
    right += ok;
    brier += (1 - p) ** 2;
    nll += -Math.log(Math.max(p, 1e-15));
  }
  const n = margins.length;
  const bins: CalibrationBin[] = [];
  let ece = 0;
  for (let b = 0; b < nb; b++) {
    const lo = 0.5 + (0.5 * b) / nb;
    const hi = 0.5 + (0.5 * (b + 1)) / nb;
    if (cnt[b] === 0) {
      bins.push({ lo, hi, n: 0, confidence: NaN, accuracy: NaN });
      continue;
    }
    const a = acc[b] / cnt[b];
    const c = conf[b] / cnt[b];
    ece += (cnt[b] / n) * Math.abs(a - c);
    bins.push({ lo, hi, n: cnt[b], confidence: c, accuracy: a });
  }
  return {
    n,
    temperature: T,
    accuracy: n ? right / n : NaN,
    ece: n ? ece : NaN,
    brier: n ? brier / n : NaN,
    nll: n ? nll / n : NaN,
    bins,
  };
}

/** Mean negative log-likelihood of the chosen answer under p = σ(m/T). */
export function nllAt(margins: number[], T: number): number {
  let s = 0;
  for (const m of margins) {
    const z = m / T;
    // −log σ(z) = log(1 + e^−z), computed stably
    s += z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
  }
  return margins.length ? s / margins.length : NaN;
}

/** The temperature in [0.01, 1000] minimising the NLL (golden-section search on log T). */
export function fitTemperature(margins: number[]): number {
  if (margins.length === 0 || margins.every((m) => m === 0)) return 1;
  let a = Math.log(0.01);
  let b = Math.log(1000);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nllAt(margins, Math.exp(c));
  let fd = nllAt(margins, Math.exp(d));
  for (let i = 0; i < 80; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = nllAt(margins, Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = nllAt(margins, Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * Held-out temperature scaling: T fitted on the even-indexed margins is applied to the odd ones
 * and vice versa; returns the pooled calibration of the held-out halves and the mean T.
 */
export function crossFittedCalibration(margins: number[], bins = 10): Calibration {
  const even = margins.filter((_, i) => i % 2 === 0);
  const odd = margins.filter((_, i) => i % 2 === 1);
  if (even.length === 0 || odd.length === 0) return calibrate(margins, { bins });
  const tEven = fitTemperature(even);
  const tOdd = fitTemperature(odd);
  const scaled = [...odd.map((m) => m / tEven), ...even.map((m) => m / tOdd)];
  return { ...calibrate(scaled, { bins }), temperature: Math.sqrt(tEven * tOdd) };
}

export interface Histogram {
  edges: number[];
  counts: number[];
}

/** Counts of values in `nBins` equal bins over [lo, hi]; values outside are clamped into the ends. */
export function histogram(values: number[], lo: number, hi: number, nBins: number): Histogram {
  const counts = new Array<number>(nBins).fill(0);
  const w = hi > lo ? (hi - lo) / nBins : 1;
  for (const v of values) {
    const b = Math.min(nBins - 1, Math.max(0, Math.floor((v - lo) / w)));
    counts[b]++;
  }
  const edges = Array.from({ length: nBins + 1 }, (_, i) => lo + i * w);
  return { edges, counts };
}
