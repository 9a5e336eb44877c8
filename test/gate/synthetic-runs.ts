// Synthetic paired runs with known effects, written exactly per the run-files contract
// (src/run/run-files.ts). Items have a shared latent difficulty; each model adds its own noise, so
// two models' results are correlated like two checkpoints of one model. `shift` moves the chosen
// answer's score for chosen subsets (negative = a real regression).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ITEMS_FILE, RUN_FILE, SCHEMA_VERSION, type DatasetProvenance, type LoadedRun, type RunJson } from '../../src/run/run-files.js';
import type { ItemRecord, ScoreCell, SuiteResult } from '../../src/types.js';
import { mulberry32 } from '../../src/util/random.js';

/** RewardBench v1 subsets used here, with their sections (real names, so the real suite aggregates them). */
export const RB1_SUBSETS: Record<string, string> = {
  'alpacaeval-easy': 'Chat',
  'mt-bench-med': 'Chat',
  'llmbar-natural': 'Chat Hard',
  'llmbar-adver-neighbor': 'Chat Hard',
  'refusals-dangerous': 'Safety',
  donotanswer: 'Safety',
  'math-prm': 'Reasoning',
  'hep-python': 'Reasoning',
};
export const RB2_SUBSETS = ['Factuality', 'Precise IF', 'Math', 'Safety', 'Focus'];

function gauss(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface ModelSpec {
  /** Seed of this model's own noise. */
  seed: number;
  /** Score shift of the chosen answer per subset (default 0). */
  shift?: Record<string, number>;
  /** Per-model noise scale (default 0.35). */
  noise?: number;
  /** Share of items that fail (result null, error set). */
  errorRate?: number;
}

/** RewardBench-v1-like pairwise records: result 1 iff chosen > rejected. */
export function rb1Records(perSubset: number, itemSeed: number, model: ModelSpec, subsets = Object.keys(RB1_SUBSETS)): ItemRecord[] {
  const items = mulberry32(itemSeed);
  const rand = mulberry32(model.seed);
  const out: ItemRecord[] = [];
  let id = 0;
  for (const subset of subsets) {
    for (let i = 0; i < perSubset; i++) {
      const latent = 0.9 + gauss(items);
      const chosen = latent + (model.noise ?? 0.35) * gauss(rand) + (model.shift?.[subset] ?? 0);
      const rejected = 0;
      const key = String(id++);
      const failed = rand() < (model.errorRate ?? 0);
      out.push({
        suite: 'rewardbench',
        key,
        id: key,
        subset,
        section: RB1_SUBSETS[subset],
        scores: failed ? undefined : [chosen, rejected],
        result: failed ? null : chosen > rejected ? 1 : 0,
        ...(failed ? { error: 'synthetic failure' } : {}),
        numCorrect: 1,
      });
    }
  }
  return out;
}

const q = (x: number) => Math.round(x * 2) / 2; // coarse scores: exact ties happen, so 1/k results occur

/** RewardBench-2-like records: best-of-4 with 1/k at ties, plus Ties items ref:<p> and tied:<p>. */
export function rb2Records(perSubset: number, tiesPrompts: number, itemSeed: number, model: ModelSpec): ItemRecord[] {
  const items = mulberry32(itemSeed);
  const rand = mulberry32(model.seed);
  const noise = model.noise ?? 0.35;
  const out: ItemRecord[] = [];
  for (const subset of RB2_SUBSETS) {
    for (let i = 0; i < perSubset; i++) {
      const latent = 1.2 + gauss(items);
      const wrong = [0, 1, 2].map(() => gauss(items) * 0.7);
      const shift = model.shift?.[subset] ?? 0;
      const scores = [q(latent + noise * gauss(rand) + shift), ...wrong.map((w) => q(w + noise * gauss(rand)))];
      const m = Math.max(...scores);
      const k = scores.filter((s) => s === m).length;
      const key = `${subset}-${i}`;
      out.push({ suite: 'rewardbench2', key, id: key, subset, scores, result: scores[0] === m ? 1 / k : 0, numCorrect: 1 });
    }
  }
  for (let p = 0; p < tiesPrompts; p++) {
    const latent = 1 + gauss(items);
    const shift = model.shift?.Ties ?? 0;
    for (const kind of ['ref', 'tied'] as const) {
      const nc = kind === 'ref' ? 1 : 3;
      const correct = Array.from({ length: nc }, () => latent + 0.3 * gauss(items) + noise * gauss(rand) + shift);
      const wrong = Array.from({ length: 3 }, () => gauss(items) * 0.7 + noise * gauss(rand));
      const id = `${kind}:${p}`;
      out.push({
        suite: 'rewardbench2',
        key: id,
        id,
        subset: 'Ties',
        scores: [...correct, ...wrong],
        numCorrect: nc,
        result: Math.min(...correct) > Math.max(...wrong) ? 1 : 0,
      });
    }
  }
  return out;
}

// ---- Test doubles for suite aggregates (the real ones live in src/suites/) -------------------

function cell(rs: ItemRecord[]): ScoreCell {
  const ok = rs.filter((r) => typeof r.result === 'number');
  return { score: ok.length ? ok.reduce((s, r) => s + (r.result as number), 0) / ok.length : null, n: rs.length, errors: rs.length - ok.length };
}
function groupBy(rs: ItemRecord[], f: (r: ItemRecord) => string): Map<string, ItemRecord[]> {
  const m = new Map<string, ItemRecord[]>();
  for (const r of rs) {
    const k = f(r);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(r);
  }
  return m;
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** v1-like: subset accuracy (errors count as wrong), sections = mean of subsets, overall = mean of sections. */
export function rb1Aggregate(records: ItemRecord[]): SuiteResult {
  const subsets: Record<string, ScoreCell> = {};
  for (const [s, rs] of groupBy(records, (r) => r.subset)) {
    subsets[s] = { score: mean(rs.map((r) => r.result ?? 0)), n: rs.length, errors: rs.filter((r) => r.result === null).length };
  }
  const sections: Record<string, ScoreCell> = {};
  for (const [sec, rs] of groupBy(records, (r) => r.section ?? '')) {
    const subs = [...new Set(rs.map((r) => r.subset))];
    sections[sec] = { score: mean(subs.map((s) => subsets[s].score!)), n: rs.length, errors: 0 };
  }
  const secScores = Object.values(sections).map((c) => c.score!);
  return { score: mean(secScores), n: records.length, errors: 0, subsets, sections };
}

/** RB2-like: subset means; Ties = (ref accuracy + tied accuracy)/2 over groups; overall = mean of subsets. */
export function rb2Aggregate(records: ItemRecord[]): SuiteResult {
  const subsets: Record<string, ScoreCell> = {};
  for (const [s, rs] of groupBy(records, (r) => r.subset)) {
    if (s !== 'Ties') subsets[s] = cell(rs);
  }
  const ties = records.filter((r) => r.subset === 'Ties');
  if (ties.length) {
    const acc = (kind: string) => {
      const rs = ties.filter((r) => r.id.startsWith(`${kind}:`));
      return rs.length ? mean(rs.map((r) => r.result ?? 0)) : 0;
    };
    subsets.Ties = { score: 0.5 * acc('ref') + 0.5 * acc('tied'), n: ties.length, errors: 0 };
  }
  return { score: mean(Object.values(subsets).map((c) => c.score!)), n: records.length, errors: 0, subsets };
}

// ---- Run files --------------------------------------------------------------------------------

export interface RunOptions {
  model?: string;
  datasets?: Record<string, DatasetProvenance>;
  scorerStats?: Record<string, unknown>;
  status?: 'running' | 'complete';
}

export function defaultDatasets(sha = 'a'.repeat(64), revision = 'rev1'): Record<string, DatasetProvenance> {
  return {
    'reward-bench': {
      id: 'allenai/reward-bench',
      revision,
      files: [{ path: 'data/filtered-00000-of-00001.parquet', localPath: '/cache/x.parquet', source: 'cache', sha256: sha }],
    },
  };
}

export function runJson(records: ItemRecord[], opts: RunOptions = {}): RunJson {
  const suites = [...new Set(records.map((r) => r.suite))];
  const model = opts.model ?? 'synthetic';
  const results: Record<string, SuiteResult> = {};
  for (const s of suites) {
    const rs = records.filter((r) => r.suite === s);
    results[s] = { ...cell(rs), subsets: {} };
  }
  return {
    schema_version: SCHEMA_VERSION,
    run_id: `run-${model}`,
    status: opts.status ?? 'complete',
    created_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:01:00.000Z',
    harness: { name: 'rmgauge', version: '0.1.0', git_commit: null, node: process.version },
    config: { suites, model: `scores:${model}`, data: null, limit: null, seed: 1, concurrency: 1, options: {} },
    seed: 1,
    model: { spec: `scores:${model}`, kind: 'scores', label: model, fingerprint: model },
    datasets: opts.datasets ?? defaultDatasets(),
    timings: { total_s: 1, suites: {} },
    scorer_stats: opts.scorerStats ?? {},
    results,
  };
}

export function loadedRun(records: ItemRecord[], opts: RunOptions = {}, dir = `/mem/${opts.model ?? 'synthetic'}`): LoadedRun {
  return { dir, run: runJson(records, opts), records };
}

/** Writes run.json + items.jsonl into dir. */
export function writeRun(dir: string, records: ItemRecord[], opts: RunOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RUN_FILE), JSON.stringify(runJson(records, opts), null, 2));
  writeFileSync(join(dir, ITEMS_FILE), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}
