// Synthetic run directories, written exactly per src/run/run-files.ts, for report tests and the
// report benchmark: N models × M items over rewardbench2-like (best-of-4 + Ties-like), rewardbench
// (pairs) and m-rewardbench-like (pairs with languages) suites. Deterministic for a seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemRecord, ScoreCell, SuiteResult } from '../../src/types.js';
import type { RunJson } from '../../src/run/run-files.js';
import { mulberry32 } from '../../src/util/random.js';

const WORDS = (
  'the of and to in is that it for as with was on be by this are or at from an have not but which ' +
  'answer question model reward function value result number code return python list string error ' +
  'because therefore first second step solve equation compute total sum product prime matrix vector ' +
  'safety request cannot help harmful instead please note example following approach method data ' +
  'user assistant response correct incorrect explain reason simple case when then else while loop ' +
  'history science country city river language translate write poem story summary article paper'
).split(' ');

export interface SyntheticOptions {
  models: number;
  /** Items per model, split over the suites (about 40% RB2, 35% v1, 25% multilingual). */
  items: number;
  seed?: number;
  /** Mean characters of a completion (prompts are about a third). */
  textChars?: number;
  /** Put hostile payloads in one item's texts, subset name and model label. */
  payload?: boolean;
  /** Share of items that failed (result null, error set). */
  errorRate?: number;
  suites?: SyntheticSuite[];
  /** Aggregate functions for run.json results (default: simpleAggregate for every suite). */
  aggregates?: Record<string, (records: ItemRecord[]) => SuiteResult>;
}

export type SyntheticSuite = 'rewardbench2' | 'rewardbench' | 'm-rewardbench' | 'one-token-to-fool' | 'probes';
export const ALL_SYNTHETIC_SUITES: SyntheticSuite[] = ['rewardbench2', 'rewardbench', 'm-rewardbench', 'one-token-to-fool', 'probes'];

export const PAYLOAD =
  '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"></script><b>bold?</b>';

const RB2_SUBSETS = ['Factuality', 'Precise IF', 'Math', 'Safety', 'Focus', 'Ties'];
const V1_SUBSETS = ['alpacaeval-easy', 'mt-bench-hard', 'llmbar-natural', 'refusals-dangerous', 'xstest-should-respond', 'math-prm', 'hep-python'];
const LANGS = ['deu_Latn', 'fra_Latn', 'jpn_Jpan', 'zho_Hans', 'arb_Arab', 'hin_Deva'];
const MASTER_KEYS = [' ', '.', 'Thought process:', 'Solution', '解'];
const TRANSFORMS = ['original', 'prefix-opener', 'self-assessment', 'markdown'];

function text(rand: () => number, mean: number): string {
  const target = Math.max(5, Math.round(mean * (0.3 + 1.4 * rand())));
  const out: string[] = [];
  let len = 0;
  while (len < target) {
    const w = WORDS[Math.floor(rand() * WORDS.length)];
    out.push(w);
    len += w.length + 1;
  }
  return out.join(' ');
}

function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Item result: best-of-n with ties at the top shared (RB2), strict for pairs (v1), all-correct-above for several correct. */
function resultOf(scores: number[], numCorrect: number): number {
  if (numCorrect > 1) return Math.min(...scores.slice(0, numCorrect)) > Math.max(...scores.slice(numCorrect)) ? 1 : 0;
  if (scores.length === 2) return scores[0] > scores[1] ? 1 : 0;
  const m = Math.max(...scores);
  if (scores[0] !== m) return 0;
  return 1 / scores.filter((s) => s === m).length;
}

/** A simple aggregate for the synthetic suites: subset means; score = mean of subsets (or languages). */
export function simpleAggregate(records: ItemRecord[]): SuiteResult {
  const groups = new Map<string, { sum: number; n: number; errors: number }>();
  const langs = new Map<string, { sum: number; n: number }>();
  let errors = 0;
  for (const r of records) {
    let g = groups.get(r.subset);
    if (!g) groups.set(r.subset, (g = { sum: 0, n: 0, errors: 0 }));
    if (r.result === null) {
      g.errors++;
      errors++;
      continue;
    }
    g.sum += r.result;
    g.n++;
    if (r.language) {
      let l = langs.get(r.language);
      if (!l) langs.set(r.language, (l = { sum: 0, n: 0 }));
      l.sum += r.result;
      l.n++;
    }
  }
  const subsets: Record<string, ScoreCell> = {};
  for (const [k, g] of groups) subsets[k] = { score: g.n ? g.sum / g.n : null, n: g.n, errors: g.errors };
  const vals = Object.values(subsets).map((c) => c.score).filter((s): s is number => s !== null);
  const score = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
  const metrics: Record<string, number | null> = {};
  if (langs.size > 1) {
    const lv = [...langs.values()].map((l) => l.sum / l.n);
    const mean = lv.reduce((a, b) => a + b, 0) / lv.length;
    metrics.language_sd = Math.sqrt(lv.reduce((a, b) => a + (b - mean) ** 2, 0) / lv.length);
  }
  return { score, n: records.length - errors, errors, subsets, metrics };
}

interface ProtoItem {
  suite: string;
  key: string;
  id?: string;
  extra?: Record<string, unknown>;
  subset: string;
  language?: string;
  prompt: string;
  completions: string[];
  numCorrect: number;
}

function protoItems(opts: SyntheticOptions, rand: () => number): ProtoItem[] {
  const suites = opts.suites ?? ['rewardbench2', 'rewardbench', 'm-rewardbench'];
  const share: Record<SyntheticSuite, number> = {
    rewardbench2: 0.4,
    rewardbench: 0.35,
    'm-rewardbench': 0.25,
    'one-token-to-fool': 0.05,
    probes: 0.1,
  };
  const totalShare = suites.reduce((a, s) => a + share[s], 0);
  const mean = opts.textChars ?? 700;
  const out: ProtoItem[] = [];
  for (const suite of suites) {
    const n = Math.max(1, Math.round((opts.items * share[suite]) / totalShare));
    let ties = 0;
    for (let i = 0; i < n; i++) {
      const prompt = text(rand, mean / 3);
      if (suite === 'one-token-to-fool') {
        out.push({
          suite, key: `q${i}`, subset: i % 2 ? 'math' : 'gsm8k', prompt,
          completions: [text(rand, mean / 4), text(rand, mean / 4), ...MASTER_KEYS], numCorrect: 1,
          extra: { mode: 'rm', keys: MASTER_KEYS },
        });
        continue;
      }
      if (suite === 'probes') {
        const base = `p${Math.floor(i / TRANSFORMS.length)}`;
        const t = TRANSFORMS[i % TRANSFORMS.length];
        out.push({ suite, key: `${t}/${base}`, subset: t, prompt, completions: [text(rand, mean), text(rand, mean)], numCorrect: 1, extra: { base } });
        continue;
      }
      const rb2 = suite === 'rewardbench2';
      const subsets = rb2 ? RB2_SUBSETS : V1_SUBSETS;
      const subset = subsets[i % subsets.length];
      const language = suite === 'm-rewardbench' ? LANGS[i % LANGS.length] : undefined;
      let id = String(i);
      let k = rb2 ? 4 : 2;
      let numCorrect = 1;
      if (rb2 && subset === 'Ties') {
        const tied = ties % 2 === 1;
        id = `${tied ? 'tied' : 'ref'}:${Math.floor(ties / 2)}`;
        ties++;
        k = tied ? 5 : 4;
        numCorrect = tied ? 2 : 1;
      }
      out.push({
        suite,
        key: language ? `${language}/${id}` : id,
        id,
        // M-RewardBench records: subset = language, the RewardBench subset in extra.source.
        subset: language ?? subset,
        ...(language ? { extra: { source: subset } } : {}),
        language,
        prompt,
        completions: Array.from({ length: k }, () => text(rand, mean)),
        numCorrect,
      });
    }
  }
  if (opts.payload && out.length) {
    const p = out[0];
    p.prompt = `Prompt with payload ${PAYLOAD}`;
    p.completions[0] = `Completion with payload ${PAYLOAD} and a ]]> and \u2028 separator`;
    p.subset = `${p.subset}`;
    out.push({ ...out[1], key: `x-${PAYLOAD}`, subset: `odd<subset>${PAYLOAD}`, prompt: PAYLOAD, completions: [PAYLOAD, 'plain'], numCorrect: 1 });
  }
  return out;
}

/** Writes `models` run directories under `dir`; returns their paths. */
export function writeSyntheticRuns(dir: string, opts: SyntheticOptions): string[] {
  const seed = opts.seed ?? 1;
  const items = protoItems(opts, mulberry32(seed));
  const dirs: string[] = [];
  for (let m = 0; m < opts.models; m++) {
    const rand = mulberry32(seed * 1000 + m + 1);
    const label = opts.payload && m === 1 ? `model-<b>${m}</b>` : `model-${m}`;
    const skill = 0.4 + 0.35 * m;
    const scale = m === 2 ? 8 : 1.5;
    const records: ItemRecord[] = [];
    for (const it of items) {
      const base: ItemRecord = {
        suite: it.suite,
        key: it.key,
        id: it.id ?? it.key,
        subset: it.subset,
        language: it.language,
        result: null,
        prompt: it.prompt,
        completions: it.completions,
        numCorrect: it.numCorrect,
        ms: Math.round(rand() * 50),
      };
      if (rand() < (opts.errorRate ?? 0.002)) {
        records.push({ ...base, error: 'HTTP 500 from the reward server <retry>' });
        continue;
      }
      const scores = it.completions.map((_, i) => {
        const keyPenalty = it.suite === 'one-token-to-fool' && i >= 2 ? -1.5 + 0.4 * m : 0;
        const s = (i < it.numCorrect ? skill : 0) + keyPenalty + gauss(rand);
        return Math.round(s * scale * 1000) / 1000;
      });
      if (it.suite === 'one-token-to-fool') {
        const fooled = scores.slice(2).map((k) => (k >= scores[0] ? 1 : 0) as 0 | 1);
        const extra = { ...it.extra, fooled, correctBeatsWrong: scores[0] > scores[1] ? 1 : 0 };
        records.push({ ...base, scores, extra, result: 1 - fooled.reduce<number>((a, b) => a + b, 0) / fooled.length });
        continue;
      }
      records.push({ ...base, scores, extra: it.extra, result: resultOf(scores, it.numCorrect) });
    }
    const runDir = join(dir, label.replace(/[^A-Za-z0-9_.-]/g, '_'));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'items.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const suites = [...new Set(items.map((i) => i.suite))];
    const results: Record<string, SuiteResult> = {};
    for (const s of suites) results[s] = (opts.aggregates?.[s] ?? simpleAggregate)(records.filter((r) => r.suite === s));
    const run: RunJson = {
      schema_version: 1,
      run_id: `synthetic-${seed}-${m}`,
      status: 'complete',
      created_at: '2026-11-26T12:00:00.000Z',
      finished_at: '2026-11-26T12:05:00.000Z',
      harness: { name: 'rmgauge', version: '0.1.0', git_commit: 'abc1234', node: 'v20.20.2' },
      config: { suites, model: `baseline:${label}`, data: null, limit: null, seed, concurrency: 4, options: {} },
      seed,
      model: { spec: `baseline:${label}`, kind: 'baseline', label, fingerprint: `fp-${m}`, details: { note: 'synthetic' } },
      datasets: Object.fromEntries(
        suites.map((s) => [s, { id: `synthetic/${s}`, revision: 'main', files: [{ path: 'test.jsonl', localPath: '/tmp/x', source: 'sample' as const, sha256: 'f'.repeat(64) }] }]),
      ),
      timings: {
        total_s: 300,
        suites: Object.fromEntries(suites.map((s) => [s, { seconds: 100, items: records.filter((r) => r.suite === s).length, items_per_s: 30 }])),
      },
      scorer_stats: { cache_hits: 12, truncated: 3, parse_failures: m, cost_usd: 0.0123 * m },
      results,
    };
    writeFileSync(join(runDir, 'run.json'), JSON.stringify(run, null, 2));
    dirs.push(runDir);
  }
  return dirs;
}

/** The registry's aggregate functions for the synthetic suites. */
export async function registryAggregates(): Promise<Record<string, (records: ItemRecord[]) => SuiteResult>> {
  const { loadSuite } = await import('../../src/suites/registry.js');
  const out: Record<string, (records: ItemRecord[]) => SuiteResult> = {};
  for (const name of ALL_SYNTHETIC_SUITES) {
    const suite = await loadSuite(name);
    out[name] = (records) => suite.aggregate(records);
  }
  return out;
}
