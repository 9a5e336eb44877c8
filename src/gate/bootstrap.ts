// Paired bootstrap over items: every resample draws the same items (by key) for the baseline and
// the candidate, recomputes both with the suite's own aggregate, and keeps candidate − baseline for
// every target. Resampling is stratified by (subset, language), so each subset keeps its size, and
// clustered by prompt: RB2 Ties items `ref:<id>` and `tied:<id>` of one prompt are drawn together.
import { rngFor } from '../util/random.js';
import type { ItemRecord, SuiteResult } from '../types.js';
import { readTarget, targetId, type Aggregate, type Target } from './targets.js';

const TIES_ID = /^(ref|tied):(.*)$/s;
/** As the RB2 reference does: an integer prompt id is parsed, so "ref:07" and "tied:7" pair. */
const promptId = (raw: string) => (/^\s*[+-]?\d+\s*$/.test(raw) ? String(parseInt(raw, 10)) : raw);

/** Records that must be resampled together share a cluster key. */
export function clusterKey(r: ItemRecord): string {
  const explicit = r.extra?.cluster;
  if (typeof explicit === 'string') return `c\u0000${explicit}`;
  const m = TIES_ID.exec(r.id ?? '');
  if (m) return `t\u0000${r.subset}\u0000${promptId(m[2])}`;
  return `k\u0000${r.key}`;
}

/**
 * Strata with fewer clusters than this are pooled into one stratum: resampling 1 item of a 1-item
 * subset never varies, which would make a tiny subset look certain.
 */
export const MIN_STRATUM_CLUSTERS = 10;

/** Strata (subset × language) of clusters of record indices; small strata pooled (last). */
export function buildDesign(records: readonly ItemRecord[]): number[][][] {
  const strata = new Map<string, Map<string, number[]>>();
  records.forEach((r, i) => {
    const s = `${r.subset}\u0000${r.language ?? ''}`;
    let clusters = strata.get(s);
    if (!clusters) strata.set(s, (clusters = new Map()));
    const c = clusterKey(r);
    let members = clusters.get(c);
    if (!members) clusters.set(c, (members = []));
    members.push(i);
  });
  const all = [...strata.values()].map((m) => [...m.values()]);
  const big = all.filter((clusters) => clusters.length >= MIN_STRATUM_CLUSTERS);
  const pooled = all.filter((clusters) => clusters.length < MIN_STRATUM_CLUSTERS).flat();
  return pooled.length ? [...big, pooled] : big;
}

/**
 * Small-sample correction of the bootstrap spread: a stratum of m clusters resampled with
 * replacement has variance (m − 1)/m of the plug-in variance's unbiased version, so the centred
 * draws are stretched by sqrt(m/(m − 1)), with m the smallest stratum of the target's records.
 */
export function smallSampleFactor(records: readonly ItemRecord[]): number {
  const design = buildDesign(records);
  if (design.length === 0) return 1;
  const m = Math.min(...design.map((clusters) => clusters.length));
  return m >= 2 ? Math.sqrt(m / (m - 1)) : 1;
}

/** Per cluster (see clusterKey): the summed difference candidate − baseline and the item count. */
export function clusterDifferences(
  records: readonly ItemRecord[],
  baseline: readonly number[],
  candidate: readonly number[],
): { sums: number[]; sizes: number[] } {
  const at = new Map<string, number>();
  const sums: number[] = [];
  const sizes: number[] = [];
  records.forEach((r, i) => {
    const k = clusterKey(r);
    let u = at.get(k);
    if (u === undefined) {
      at.set(k, (u = sums.length));
      sums.push(0);
      sizes.push(0);
    }
    sums[u] += candidate[i] - baseline[i];
    sizes[u]++;
  });
  return { sums, sizes };
}

/** A resampled copy gets a distinct key and id (Ties ids keep their form, with a shared suffix). */
export function resampledCopy(r: ItemRecord, copy: number): ItemRecord {
  const m = TIES_ID.exec(r.id ?? '');
  const id = m ? `${m[1]}:${promptId(m[2])}~${copy}` : `${r.id}~${copy}`;
  return { ...r, key: `${r.key}~${copy}`, id };
}

export interface BootstrapInput {
  suite: string;
  baseline: ItemRecord[];
  candidate: ItemRecord[];
  aggregateBaseline: Aggregate;
  aggregateCandidate: Aggregate;
  targets: Target[];
  draws: number;
  seed: number;
}

/** Stores draw `d` of candidate − baseline for every target (NaN where a side is undefined). */
function recordDifferences(
  input: BootstrapInput,
  targets: readonly Target[],
  rb: ItemRecord[],
  rc: ItemRecord[],
  out: Map<string, Float64Array>,
  d: number,
): void {
  const resB: SuiteResult = input.aggregateBaseline(rb);
  const resC: SuiteResult = input.aggregateCandidate(rc);
  for (const t of targets) {
    const vb = readTarget(t, resB, rb, input.aggregateBaseline);
    const vc = readTarget(t, resC, rc, input.aggregateCandidate);
    out.get(targetId(t))![d] = vb === null || vc === null ? NaN : vc - vb;
  }
}

/** Returns, per target id, the bootstrap draws of candidate − baseline (NaN where undefined). */
export function pairedBootstrap(input: BootstrapInput): Map<string, Float64Array> {
  const { baseline, candidate, targets, draws } = input;
  const design = buildDesign(baseline);
  const rand = rngFor(input.seed, 'gate-bootstrap', input.suite);
  const out = new Map<string, Float64Array>(targets.map((t) => [targetId(t), new Float64Array(draws)]));
  // A cluster's first draw keeps its records as they are; repeats get renamed copies.
  const seen = design.map((clusters) => new Uint32Array(clusters.length));
  for (let d = 0; d < draws; d++) {
    const rb: ItemRecord[] = [];
    const rc: ItemRecord[] = [];
    let copy = 0;
    design.forEach((clusters, s) => {
      const times = seen[s];
      times.fill(0);
      for (let k = 0; k < clusters.length; k++) {
        const j = Math.floor(rand() * clusters.length);
        const repeat = times[j]++ > 0;
        if (repeat) copy++;
        for (const i of clusters[j]) {
          rb.push(repeat ? resampledCopy(baseline[i], copy) : baseline[i]);
          rc.push(repeat ? resampledCopy(candidate[i], copy) : candidate[i]);
        }
      }
    });
    recordDifferences(input, targets, rb, rc, out, d);
  }
  return out;
}

/**
 * Fast path for targets that are plain means of item results: resamples the per-item differences
 * (same strata and clusters as above) without calling the suite's aggregate.
 */
export function pairedMeanBootstrap(
  records: readonly ItemRecord[],
  baseline: readonly number[],
  candidate: readonly number[],
  draws: number,
  rand: () => number,
): Float64Array {
  const design = buildDesign(records);
  const clusterSums = design.map((clusters) => clusters.map((members) => members.reduce((s, i) => s + candidate[i] - baseline[i], 0)));
  const clusterSizes = design.map((clusters) => clusters.map((members) => members.length));
  const out = new Float64Array(draws);
  for (let d = 0; d < draws; d++) {
    let sum = 0;
    let n = 0;
    design.forEach((clusters, s) => {
      for (let k = 0; k < clusters.length; k++) {
        const j = Math.floor(rand() * clusters.length);
        sum += clusterSums[s][j];
        n += clusterSizes[s][j];
      }
    });
    out[d] = sum / n;
  }
  return out;
}

/**
 * Paired permutation through the aggregate: every draw swaps the baseline's and the candidate's
 * records of a random half of the clusters (each cluster independently with probability ½; Ties
 * ref/tied groups swap together), recomputes both runs' numbers and keeps candidate − baseline per
 * target (NaN where undefined). When the two runs differ by noise only, every swap pattern is as
 * likely as the observed one, so the share of draws at least as bad as the observed difference is
 * an exact p-value for any composite (with margin 0).
 */
export function pairedPermutation(input: BootstrapInput): Map<string, Float64Array> {
  const { baseline, candidate, targets, draws } = input;
  const units = new Map<string, number[]>();
  baseline.forEach((r, i) => {
    const k = clusterKey(r);
    const members = units.get(k);
    if (members) members.push(i);
    else units.set(k, [i]);
  });
  const clusters = [...units.values()];
  const rand = rngFor(input.seed, 'gate-permutation', input.suite);
  const out = new Map<string, Float64Array>(targets.map((t) => [targetId(t), new Float64Array(draws)]));
  for (let d = 0; d < draws; d++) {
    const rb = baseline.slice();
    const rc = candidate.slice();
    for (const members of clusters) {
      if (rand() < 0.5) continue;
      for (const i of members) {
        rb[i] = candidate[i];
        rc[i] = baseline[i];
      }
    }
    recordDifferences(input, targets, rb, rc, out, d);
  }
  return out;
}
