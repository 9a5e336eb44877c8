// Bootstrap confidence intervals for a suite's numbers. Items are resampled with replacement
// (within strata: subset × language, so every subset keeps its size and small subsets never vanish
// from a resample) and the suite's own aggregate function recomputes every number, so composite
// scores (RB2 Ties, v1 weighted sections, per-language means) get intervals that match their
// formula. 95% percentile intervals; seeded, so a report is reproducible.
import type { ItemRecord, SuiteResult } from '../types.js';
import { rngFor } from '../util/random.js';

export type Aggregate = (records: ItemRecord[]) => SuiteResult;

export interface Interval {
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  seed: number;
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** Extra parts for the RNG key (suite, model), so different tables draw different resamples. */
  purpose?: string[];
  /** Coverage of the interval (default 0.95). */
  level?: number;
  /**
   * Wall-time budget in milliseconds: when the first resamples show that `resamples` would take
   * longer, fewer are drawn (never fewer than `minResamples`, default 200). The count used is
   * returned, so a report can say it.
   */
  budgetMs?: number;
  minResamples?: number;
  /** Strata (subset × language) smaller than this are pooled (default 10). */
  minStratum?: number;
  /** Also compute per-language scores (`language:<lang>`) by aggregating each language alone. */
  byLanguage?: boolean;
}

/** The named numbers of a suite result: `score`, `subset:X`, `section:X`, `metric:X`. */
export function cellsOf(result: SuiteResult): Map<string, number> {
  const out = new Map<string, number>();
  const put = (name: string, v: number | null | undefined) => {
    if (typeof v === 'number' && Number.isFinite(v)) out.set(name, v);
  };
  put('score', result.score);
  for (const [k, c] of Object.entries(result.subsets ?? {})) put(`subset:${k}`, c.score);
  for (const [k, c] of Object.entries(result.sections ?? {})) put(`section:${k}`, c.score);
  for (const [k, v] of Object.entries(result.metrics ?? {})) put(`metric:${k}`, v);
  return out;
}

/** Languages present in the records (more than one, else none: a single language adds nothing). */
export function languagesOf(records: ItemRecord[]): string[] {
  const langs = [...new Set(records.map((r) => r.language).filter((l): l is string => !!l))].sort();
  return langs.length > 1 ? langs : [];
}

/** cellsOf plus `language:X` for each language present (when byLanguage). */
export function computeCells(records: ItemRecord[], aggregate: Aggregate, byLanguage: boolean): Map<string, number> {
  const cells = cellsOf(aggregate(records));
  if (byLanguage) {
    const groups = new Map<string, ItemRecord[]>();
    for (const r of records) {
      if (!r.language) continue;
      let g = groups.get(r.language);
      if (!g) groups.set(r.language, (g = []));
      g.push(r);
    }
    if (groups.size > 1) {
      for (const [lang, recs] of groups) {
        const s = aggregate(recs).score;
        if (typeof s === 'number' && Number.isFinite(s)) cells.set(`language:${lang}`, s);
      }
    }
  }
  return cells;
}

/** Percentile (linear interpolation between order statistics) of a sorted array. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Index lists of records grouped by subset × language, in first-seen order. Strata smaller than
 * `minSize` are pooled into one (last): resampling a 1-item stratum within itself would pretend
 * that subset's score is certain, so tiny subsets vary (and may be missing from a resample) instead.
 */
export function strataOf(records: ItemRecord[], minSize = 10): number[][] {
  const map = new Map<string, number[]>();
  records.forEach((r, i) => {
    const k = `${r.subset}\u0000${r.language ?? ''}`;
    let s = map.get(k);
    if (!s) map.set(k, (s = []));
    s.push(i);
  });
  const big = [...map.values()].filter((s) => s.length >= minSize);
  const small = [...map.values()].filter((s) => s.length < minSize).flat();
  return small.length ? [...big, small] : big;
}

/**
 * The core loop: `resamples` times, draw indices with replacement within each stratum, call
 * `compute` on them and collect every named number; then the percentile interval of each name.
 * A name missing from more than half of the resamples gets no interval.
 */
export interface BootstrapResult {
  intervals: Map<string, Interval>;
  /** Resamples actually drawn (fewer than asked when the time budget ran short). */
  resamples: number;
}

export function bootstrapNamed(
  strata: number[][],
  compute: (indices: number[], resample: number) => Map<string, number>,
  opts: BootstrapOptions,
): BootstrapResult {
  let B = opts.resamples ?? 1000;
  const minB = Math.min(B, opts.minResamples ?? 200);
  const probe = Math.min(B, 20);
  const t0 = Date.now();
  const level = opts.level ?? 0.95;
  const rand = rngFor(opts.seed, 'bootstrap', ...(opts.purpose ?? []));
  const total = strata.reduce((a, s) => a + s.length, 0);
  const values = new Map<string, number[]>();
  const idx = new Array<number>(total);
  for (let b = 0; b < B; b++) {
    if (b === probe && opts.budgetMs !== undefined) {
      const per = (Date.now() - t0) / probe;
      // Rounded down to half or a fifth of the request, so the count (and the intervals) change
      // only when the machine is much slower, not with every small timing wobble.
      if (per * B > opts.budgetMs) {
        const fit = opts.budgetMs / Math.max(per, 1e-6);
        B = Math.max(minB, fit >= B / 2 ? Math.floor(B / 2) : Math.floor(B / 5));
      }
    }
    let p = 0;
    for (const s of strata) {
      const n = s.length;
      for (let i = 0; i < n; i++) idx[p++] = s[Math.floor(rand() * n)];
    }
    for (const [name, v] of compute(idx, b)) {
      let arr = values.get(name);
      if (!arr) values.set(name, (arr = []));
      arr.push(v);
    }
  }
  const out = new Map<string, Interval>();
  const a = (1 - level) / 2;
  for (const [name, arr] of values) {
    if (arr.length * 2 < B) continue;
    const sorted = Float64Array.from(arr).sort();
    out.set(name, { lo: percentile(sorted, a), hi: percentile(sorted, 1 - a) });
  }
  return { intervals: out, resamples: B };
}

/** 95% intervals for every number of the suite result (and per language when asked). */
export function bootstrapSuite(records: ItemRecord[], aggregate: Aggregate, opts: BootstrapOptions): BootstrapResult {
  if (records.length === 0) return { intervals: new Map(), resamples: 0 };
  const byLanguage = opts.byLanguage ?? false;
  return bootstrapNamed(
    strataOf(records, opts.minStratum),
    (idx) => computeCells(idx.map((i) => records[i]), aggregate, byLanguage),
    opts,
  );
}

export interface PairedResult {
  /** Item keys present in both runs (with a record in each). */
  matched: number;
  /** Point deltas (a − b) of every named number, computed on the matched items. */
  delta: Map<string, number>;
  /** Paired bootstrap intervals of the deltas: the same resampled keys for both runs. */
  intervals: Map<string, Interval>;
  /** Intervals of a's and b's own numbers on the matched items (free by-products). */
  a: Map<string, Interval>;
  b: Map<string, Interval>;
  resamples: number;
}

/**
 * Reuses the baseline's resampled numbers across the models compared with it: with the same seed,
 * purpose and matched keys in the same order, resample r draws the same baseline records.
 */
export type PairedCache = Map<string, Array<Map<string, number>>>;

/**
 * Paired comparison of run `a` against baseline `b` on the same suite: only item keys present in
 * both count; each resample draws keys and takes both runs' records for them, so item difficulty
 * cancels out and the interval is that of the difference.
 */
export function bootstrapPaired(
  a: ItemRecord[],
  b: ItemRecord[],
  aggregate: Aggregate,
  opts: BootstrapOptions & { cache?: PairedCache },
): PairedResult {
  const bByKey = new Map(b.map((r) => [r.key, r]));
  const A: ItemRecord[] = [];
  const Bm: ItemRecord[] = [];
  for (const r of a) {
    const o = bByKey.get(r.key);
    if (o) {
      A.push(r);
      Bm.push(o);
    }
  }
  const byLanguage = opts.byLanguage ?? false;
  const empty = { matched: 0, delta: new Map(), intervals: new Map(), a: new Map(), b: new Map(), resamples: 0 };
  if (A.length === 0) return empty;
  const strata = strataOf(A, opts.minStratum);
  const signature = [opts.seed, ...(opts.purpose ?? []), byLanguage, strata.map((x) => x.length).join(','), ...Bm.map((r) => r.key)].join('\u0000');
  let cached = opts.cache?.get(signature);
  if (opts.cache && !cached) opts.cache.set(signature, (cached = []));
  const diff = (ca: Map<string, number>, cb: Map<string, number>): Map<string, number> => {
    const out = new Map<string, number>();
    for (const [k, v] of ca) {
      const w = cb.get(k);
      if (w !== undefined) out.set(k, v - w);
    }
    return out;
  };
  const delta = diff(computeCells(A, aggregate, byLanguage), computeCells(Bm, aggregate, byLanguage));
  const res = bootstrapNamed(
    strata,
    (idx, r) => {
      const ca = computeCells(idx.map((i) => A[i]), aggregate, byLanguage);
      let cb = cached?.[r];
      if (!cb) {
        cb = computeCells(idx.map((i) => Bm[i]), aggregate, byLanguage);
        if (cached) cached[r] = cb;
      }
      const out = new Map<string, number>();
      for (const [k, v] of diff(ca, cb)) out.set(`d\u0000${k}`, v);
      for (const [k, v] of ca) out.set(`a\u0000${k}`, v);
      for (const [k, v] of cb) out.set(`b\u0000${k}`, v);
      return out;
    },
    opts,
  );
  const part = (p: string) =>
    new Map([...res.intervals].filter(([k]) => k.startsWith(`${p}\u0000`)).map(([k, v]) => [k.slice(2), v] as const));
  return { matched: A.length, delta, intervals: part('d'), a: part('a'), b: part('b'), resamples: res.resamples };
}
