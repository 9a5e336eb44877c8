// Calibration of the gate's resampling tests on synthetic paired runs (not a vitest file: run it
// with `npx tsx test/gate/calibrate.ts [setting] [seeds] [before|after]`). Two "checkpoints" share
// each item's latent difficulty and differ by their own noise only, so every alarm is false; with
// `power-*` settings the candidate is made worse on purpose and every alarm is a catch.
// "before" runs the previous methods (percentile bootstrap for fractional plain means and
// composites); "scaled" the small-sample-corrected bootstrap for composites; "after" the current
// methods (sign-flip test, permutation test for margin-0 composites). Prints one line per setting.
import { parseGateConfig } from '../../src/gate/config.js';
import { gateLoaded, type GateLoadedOptions } from '../../src/gate/evaluate.js';
import type { GateConfig } from '../../src/gate/types.js';
import { aggregateRewardBench2 } from '../../src/suites/rewardbench2.js';
import type { ItemRecord } from '../../src/types.js';
import { loadedRun, RB2_SUBSETS, rb2Records } from './synthetic-runs.js';

// The real RewardBench 2 aggregate: subsets are plain means of 1/k results; Ties (the reference's
// formula over ref/tied prompt groups) and the overall score (mean of subsets and Ties) are composites.
const aggregate = (records: ItemRecord[]) => aggregateRewardBench2(records);
const resolveAggregates = async () => ({ baseline: aggregate, candidate: aggregate });

interface Setting {
  perSubset: number;
  ties: number;
  config: GateConfig;
  shift?: Record<string, number>;
  /** Count alarms per rule (raw p < alpha, no Holm) instead of per gate. */
  perRule?: boolean;
}

const B = (b: number) => ({ bootstrap: b });
const SHIFT = Number(process.env.SHIFT ?? 0.25);
export const SETTINGS: Record<string, Setting> = {
  'single-60': { perSubset: 60, ties: 2, config: parseGateConfig({ ...B(999), rules: [{ subset: 'Math' }] }, 'single.json') },
  'holm-5x60': { perSubset: 60, ties: 2, config: parseGateConfig({ ...B(999), rules: RB2_SUBSETS.map((subset) => ({ subset })) }, 'h.json') },
  'single-200': { perSubset: 200, ties: 2, config: parseGateConfig({ ...B(999), rules: [{ subset: 'Math' }] }, 'single.json') },
  'holm-5x200': { perSubset: 200, ties: 2, config: parseGateConfig({ ...B(999), rules: RB2_SUBSETS.map((subset) => ({ subset })) }, 'h.json') },
  // Composites through the aggregate: the overall score (mean of subsets and Ties) and Ties.
  'composite-30': {
    perSubset: 30,
    ties: 10,
    perRule: true,
    config: parseGateConfig({ ...B(199), correction: 'none', rules: [{}, { subset: 'Ties' }] }, 'c.json'),
  },
  // Ties alone with 60 prompts (small other subsets keep the runs cheap).
  'ties-60': {
    perSubset: 10,
    ties: 60,
    perRule: true,
    config: parseGateConfig({ ...B(199), rules: [{ subset: 'Ties' }] }, 't.json'),
  },
  'composite-60': {
    perSubset: 60,
    ties: 20,
    perRule: true,
    config: parseGateConfig({ ...B(199), correction: 'none', rules: [{}, { subset: 'Ties' }] }, 'c.json'),
  },
  'composite-200': {
    perSubset: 200,
    ties: 60,
    perRule: true,
    config: parseGateConfig({ ...B(199), correction: 'none', rules: [{}, { subset: 'Ties' }] }, 'c.json'),
  },
  // Power: Math's correct answer scores lower by SHIFT (0.25 ≈ 7 points of accuracy), Holm over 5 subsets.
  'power-5x60': { ...{ perSubset: 60, ties: 2 }, shift: { Math: -SHIFT }, config: parseGateConfig({ ...B(999), rules: RB2_SUBSETS.map((subset) => ({ subset })) }, 'p.json') },
  'power-5x200': { ...{ perSubset: 200, ties: 2 }, shift: { Math: -SHIFT }, config: parseGateConfig({ ...B(999), rules: RB2_SUBSETS.map((subset) => ({ subset })) }, 'p.json') },
  'power-5x400': { ...{ perSubset: 400, ties: 2 }, shift: { Math: -SHIFT }, config: parseGateConfig({ ...B(999), rules: RB2_SUBSETS.map((subset) => ({ subset })) }, 'p.json') },
  // Power of the composite overall score: every subset SHIFT/2 lower.
  'power-composite-200': {
    perSubset: 200,
    ties: 60,
    shift: Object.fromEntries([...RB2_SUBSETS, 'Ties'].map((s) => [s, -SHIFT / 2])),
    config: parseGateConfig({ ...B(199), rules: [{}] }, 'pc.json'),
  },
};

/** Seeds per setting for the documented figures (composites and 200-item power are slower). */
const DEFAULT_SEEDS: Record<string, number> = { 'composite-200': 300, 'power-composite-200': 300, 'power-5x200': 500, 'power-5x400': 300 };

export interface Calibration {
  name: string;
  seeds: number;
  /** Gates that failed. */
  gateAlarms: number;
  /** Per rule id: seeds where its raw p-value was under alpha. */
  ruleAlarms: Map<string, number>;
  /** Mean Δ of the shifted subset (or of the first rule). */
  meanEffect: number;
  methods: Set<string>;
}

/** Runs a setting over seeds 0..seeds−1; `bootstrap` overrides the setting's B (tests use fewer). */
export async function calibrate(name: string, seeds: number, methods: GateLoadedOptions['methods'], bootstrap?: number): Promise<Calibration> {
  const st = SETTINGS[name];
  const config = bootstrap ? { ...st.config, bootstrap } : st.config;
  const alarms = new Map<string, number>();
  const used = new Set<string>();
  let gateAlarms = 0;
  let effect = 0;
  for (let s = 0; s < seeds; s++) {
    const b = loadedRun(rb2Records(st.perSubset, st.ties, 50_000 + s, { seed: 2 * s }));
    const c = loadedRun(rb2Records(st.perSubset, st.ties, 50_000 + s, { seed: 2 * s + 1, shift: st.shift }));
    const o = await gateLoaded(b, c, config, { resolveAggregates, seed: s, methods });
    if (!o.passed) gateAlarms++;
    for (const r of o.rules) {
      used.add(r.method);
      if (r.pValue !== null && r.pValue < st.config.alpha) alarms.set(r.id, (alarms.get(r.id) ?? 0) + 1);
    }
    // the effect: the shifted subset's Δ, or the first rule's when nothing is shifted
    const shifted = o.rules.find((r) => r.name !== undefined && st.shift?.[r.name] !== undefined && r.scope === 'subset') ?? o.rules[0];
    effect += shifted.estimate ?? 0;
  }
  return { name, seeds, gateAlarms, ruleAlarms: alarms, meanEffect: effect / seeds, methods: used };
}

export function describeCalibration(c: Calibration): string {
  const rate = (k: number) => `${((100 * k) / c.seeds).toFixed(1)}%`;
  const rules = SETTINGS[c.name].perRule ? ` per rule: ${[...c.ruleAlarms].map(([id, k]) => `${id} ${rate(k)}`).join(', ') || 'none'}` : '';
  return `${c.name}: ${c.seeds} seeds, gate alarms ${rate(c.gateAlarms)}${rules}; mean Δ ${(100 * c.meanEffect).toFixed(2)} points; ${[...c.methods].join(', ')}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [which = 'all', seedsArg = 'default', variant = 'after'] = process.argv.slice(2);
  const methods: GateLoadedOptions['methods'] =
    variant === 'before' ? { fractional: 'bootstrap', composite: 'percentile' }
    : variant === 'scaled' ? { composite: 'scaled' }
    : {};
  const names = which === 'all' ? Object.keys(SETTINGS) : which.split(',');
  for (const name of names) {
    const t0 = Date.now();
    const seeds = seedsArg === 'default' ? (DEFAULT_SEEDS[name] ?? 1000) : Number(seedsArg);
    const line = describeCalibration(await calibrate(name, seeds, methods));
    console.log(`${variant} ${line} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}
