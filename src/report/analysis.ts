// Per-suite analyses beside the leaderboard: margin distributions and calibration of scalar reward
// models, and the agreement between models (share of common items with the same outcome).
import { calibrate, crossFittedCalibration, histogram, marginsOf, type Calibration } from '../metrics/calibration.js';
import { percentile } from '../metrics/bootstrap.js';
import type { ItemRecord } from '../types.js';

const MIN_MARGINS = 10;

/** Margins of a scalar model's records; null when the model is not scalar here (judge, no scores). */
export function scalarMargins(records: ItemRecord[]): number[] | null {
  const out: number[] = [];
  let judged = 0;
  for (const r of records) {
    if (r.verdicts && r.verdicts.length) judged++;
    if (r.result === null) continue;
    for (const m of marginsOf(r)) out.push(m);
  }
  if (judged > records.length / 2 || out.length < MIN_MARGINS) return null;
  return out;
}

/**
 * Histograms of the margins on one shared, symmetric axis. Reward scales are arbitrary: when the
 * models' ranges differ more than 5×, each model's margins are divided by their own RMS, so one
 * model's wide scale does not flatten the others (the chart says so).
 */
export function marginHistograms(
  perModel: Array<number[] | null>,
  bins = 40,
): { edges: number[]; counts: Array<number[] | null>; standardized: boolean } | undefined {
  const present = perModel.filter((m): m is number[] => !!m);
  if (present.length === 0) return undefined;
  const range = (m: number[]) => {
    const s = Float64Array.from(m).sort();
    return Math.max(Math.abs(percentile(s, 0.01)), Math.abs(percentile(s, 0.99)));
  };
  const ranges = present.map(range);
  const standardized = Math.max(...ranges) > 5 * Math.max(Math.min(...ranges), 1e-12);
  const rms = (m: number[]) => Math.sqrt(m.reduce((a, x) => a + x * x, 0) / m.length) || 1;
  const values = perModel.map((m) => (m && standardized ? m.map((x) => x / rms(m)) : m));
  const r = Math.max(...values.filter((m): m is number[] => !!m).map(range)) || 1;
  let edges: number[] = [];
  const counts = values.map((m) => {
    if (!m) return null;
    const h = histogram(m, -r, r, bins);
    edges = h.edges;
    return h.counts;
  });
  return { edges: edges.map((e) => Math.round(e * 1e4) / 1e4), counts, standardized };
}

export function calibrationOf(margins: number[] | null): { raw: Calibration; fitted: Calibration } | null {
  if (!margins) return null;
  return { raw: calibrate(margins), fitted: crossFittedCalibration(margins) };
}

/** Outcome of a record for agreement: its result, or undefined when it failed. */
function outcome(r: ItemRecord | undefined): number | undefined {
  return r && typeof r.result === 'number' ? Math.round(r.result * 1e6) / 1e6 : undefined;
}

/** models × models share of common (suite, key) items with equal results. */
export function agreementMatrix(perModel: Array<Map<string, ItemRecord>>): Array<Array<number | null>> {
  const n = perModel.length;
  const out: Array<Array<number | null>> = Array.from({ length: n }, () => new Array<number | null>(n).fill(null));
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let same = 0;
      let total = 0;
      for (const [k, ra] of perModel[a]) {
        const oa = outcome(ra);
        const ob = outcome(perModel[b].get(k));
        if (oa === undefined || ob === undefined) continue;
        total++;
        if (oa === ob) same++;
      }
      const v = total ? same / total : null;
      out[a][b] = v;
      out[b][a] = v;
    }
  }
  return out;
}

export function keyed(records: ItemRecord[]): Map<string, ItemRecord> {
  return new Map(records.map((r) => [`${r.suite}\u0000${r.key}`, r]));
}
