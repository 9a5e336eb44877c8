// Runs a gate on two loaded runs: pairs items, expands rules, tests each one (McNemar for plain
// means of 0/1 results, the paired sign-flip test for plain means of fractional results, the
// small-sample-corrected paired bootstrap for composites), applies Holm across the gate, and decides.
import type { LoadedRun } from '../run/run-files.js';
import { rngFor } from '../util/random.js';
import {
  holmAdjust,
  mcnemarTest,
  pairedCounts,
  pairedProportionInterval,
  permutationPValue,
  signFlipTest,
  summarizeBootstrap,
} from '../metrics/paired-tests.js';
import type { ItemRecord } from '../types.js';
import { clusterDifferences, pairedBootstrap, pairedMeanBootstrap, pairedPermutation, smallSampleFactor } from './bootstrap.js';
import { evaluateCeilings } from './ceilings.js';
import { pairRuns } from './pairing.js';
import { expandRules, plainMeanPairs, type SuiteContext } from './rules.js';
import { readTarget, resolveAggregates, targetId, type SuiteAggregates, type Target } from './targets.js';
import type { GateConfig, GateOutcome, RuleResult, RunSummary } from './types.js';

export interface GateLoadedOptions {
  allowMismatch?: boolean;
  seed?: number;
  /** Overrides how a suite's aggregate is found (tests). */
  resolveAggregates?: (suite: string, baseline: LoadedRun, candidate: LoadedRun) => Promise<SuiteAggregates>;
  /**
   * Calibration comparisons only (test/gate/calibrate.ts): 'bootstrap' tests plain means of
   * fractional results with the percentile bootstrap instead of the sign-flip test; for composites,
   * 'scaled' takes margin-0 p-values from the small-sample-corrected bootstrap instead of the
   * permutation test, and 'percentile' from the uncorrected bootstrap (the previous method).
   */
  methods?: { fractional?: 'sign-flip' | 'bootstrap'; composite?: 'permutation' | 'scaled' | 'percentile' };
}

export const DEFAULT_SEED = 1;

/**
 * Interval of the draws (candidate − baseline) after stretching them about the estimate by
 * `factor` (smallSampleFactor); p-value in the rule's better direction.
 */
function summarizeResampled(draws: Float64Array, r: RuleResult, alpha: number, factor = 1) {
  const est = r.estimate ?? 0;
  const deltas = factor === 1 ? draws : draws.map((d) => est + factor * (d - est));
  const raw = summarizeBootstrap(deltas, r.margin ?? 0, alpha);
  if (r.direction !== 'lower') return raw;
  const oriented = summarizeBootstrap(deltas.map((d) => -d), r.margin ?? 0, alpha);
  return { ciLow: raw.ciLow, ciHigh: raw.ciHigh, p: oriented.p, draws: raw.draws };
}

function summary(r: LoadedRun): RunSummary {
  return { dir: r.dir, runId: r.run.run_id, model: r.run.model?.label ?? r.run.model?.spec ?? '?', status: r.run.status };
}

/** The records a target is computed from (all of them for the overall score and metrics). */
function scopeRecords(target: Target, records: ItemRecord[]): ItemRecord[] {
  const pick =
    target.scope === 'subset' ? (r: ItemRecord) => r.subset === target.name
    : target.scope === 'language' ? (r: ItemRecord) => r.language === target.name
    : target.scope === 'section' ? (r: ItemRecord) => r.section === target.name
    : null;
  const out = pick ? records.filter(pick) : records;
  return out.length ? out : records;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}`;

export async function gateLoaded(baseline: LoadedRun, candidate: LoadedRun, config: GateConfig, opts: GateLoadedOptions = {}): Promise<GateOutcome> {
  const seed = opts.seed ?? config.seed ?? DEFAULT_SEED;
  const signFlip = (opts.methods?.fractional ?? 'sign-flip') === 'sign-flip';
  const compositeMode = opts.methods?.composite ?? 'permutation';
  const scaled = compositeMode !== 'percentile';
  /** Composites with margin 0 take their p-value from the permutation test. */
  const permuted = (r: RuleResult) => compositeMode === 'permutation' && r.significance === true && (r.margin ?? 0) === 0;
  const { suites: paired, notes } = pairRuns(baseline, candidate, opts.allowMismatch ?? false);
  const contexts: SuiteContext[] = [];
  for (const p of paired) {
    const aggs = opts.resolveAggregates
      ? await opts.resolveAggregates(p.suite, baseline, candidate)
      : await resolveAggregates(p.suite, baseline.run, candidate.run);
    if (aggs.note) notes.push(aggs.note);
    contexts.push({
      suite: p.suite,
      baseline: p.baseline,
      candidate: p.candidate,
      aggBaseline: aggs.baseline,
      aggCandidate: aggs.candidate,
      resBaseline: aggs.baseline(p.baseline),
      resCandidate: aggs.candidate(p.candidate),
    });
  }
  const expanded = expandRules(config.rules, contexts);
  const results: RuleResult[] = [];
  const bootstrapTargets = new Map<string, Target[]>();
  // Rules resampled through the suite's aggregate, and plain means of fractional results (fast path).
  const pending: Array<{ result: RuleResult; target: Target; ctx: SuiteContext }> = [];
  const meanPending: Array<{ result: RuleResult; pairs: NonNullable<ReturnType<typeof plainMeanPairs>> }> = [];

  for (const { target, spec } of expanded) {
    const ctx = contexts.find((c) => c.suite === target.suite)!;
    const vb = readTarget(target, ctx.resBaseline, ctx.baseline, ctx.aggBaseline);
    const vc = readTarget(target, ctx.resCandidate, ctx.candidate, ctx.aggCandidate);
    const nTarget =
      target.scope === 'subset' ? ctx.baseline.filter((r) => r.subset === target.name).length
      : target.scope === 'language' ? ctx.baseline.filter((r) => r.language === target.name).length
      : target.scope === 'section' && ctx.baseline.some((r) => r.section === target.name)
        ? ctx.baseline.filter((r) => r.section === target.name).length
        : ctx.baseline.length;
    const result: RuleResult = {
      id: targetId(target),
      kind: 'score',
      suite: target.suite,
      scope: target.scope,
      name: target.name,
      status: 'pass',
      reasons: [],
      n: nTarget,
      baseline: vb,
      candidate: vc,
      estimate: vb !== null && vc !== null ? vc - vb : null,
      ciLow: null,
      ciHigh: null,
      pValue: null,
      pAdjusted: null,
      method: 'none',
      margin: spec.margin,
      floor: spec.floor,
      significance: spec.significance,
      direction: spec.direction,
      origin: spec.origin,
    };
    results.push(result);
    if (vb === null || vc === null) {
      result.status = 'skip';
      result.reasons.push(`not computable (${vb === null ? 'baseline' : 'candidate'} has no value)`);
      continue;
    }
    const lower = spec.direction === 'lower';
    if (spec.floor !== undefined && (lower ? vc > spec.floor : vc < spec.floor)) {
      result.status = 'fail';
      result.reasons.push(lower ? `${pct(vc)} is above the limit ${pct(spec.floor)} (lower is better)` : `${pct(vc)} is under the floor ${pct(spec.floor)}`);
    }
    const plain = plainMeanPairs(target, ctx);
    if (plain && !plain.binary) {
      result.method = spec.significance ? (signFlip ? 'sign-flip' : 'bootstrap') : 'point';
      result.n = plain.records.length;
      meanPending.push({ result, pairs: plain });
    } else if (plain) {
      const counts = pairedCounts(plain.baseline, plain.candidate);
      // Lower is better: the candidate's extra 1s are the regression, so b and c swap roles.
      const test = mcnemarTest(lower ? { n: counts.n, b: counts.c, c: counts.b } : counts, spec.margin);
      [result.ciLow, result.ciHigh] = pairedProportionInterval(counts, config.alpha);
      result.discordant = { b: counts.b, c: counts.c };
      result.n = counts.n;
      if (spec.significance) {
        result.pValue = test.p;
        result.method = test.method;
      } else result.method = 'point';
    } else {
      result.method = spec.significance ? (permuted(result) ? 'permutation' : 'bootstrap') : 'point';
      const list = bootstrapTargets.get(ctx.suite) ?? [];
      list.push(target);
      bootstrapTargets.set(ctx.suite, list);
      pending.push({ result, target, ctx });
    }
  }

  // With B draws the smallest Monte Carlo p is 1/(B + 1); Holm multiplies it by up to m. Make sure a
  // clear regression can reach significance: (B + 1) >= 2·m/alpha.
  const resampled = [...pending, ...meanPending];
  const family = results.filter((r) => r.pValue !== null).length + resampled.filter((p) => p.result.significance).length;
  const needed = Math.ceil((2 * (config.correction === 'holm' ? family : 1)) / config.alpha) - 1;
  const draws = resampled.some((p) => p.result.significance) ? Math.max(config.bootstrap, needed) : config.bootstrap;
  if (draws > config.bootstrap) {
    notes.push(`bootstrap raised from ${config.bootstrap} to ${draws} draws so that ${family} Holm-corrected test(s) can reach alpha ${config.alpha}`);
  }
  for (const ctx of contexts) {
    const targets = bootstrapTargets.get(ctx.suite);
    if (!targets?.length) continue;
    const deltas = pairedBootstrap({
      suite: ctx.suite,
      baseline: ctx.baseline,
      candidate: ctx.candidate,
      aggregateBaseline: ctx.aggBaseline,
      aggregateCandidate: ctx.aggCandidate,
      targets,
      draws,
      seed,
    });
    const mine = pending.filter((x) => x.ctx === ctx);
    const permTargets = mine.filter((x) => permuted(x.result)).map((x) => x.target);
    const perms = permTargets.length
      ? pairedPermutation({
          suite: ctx.suite,
          baseline: ctx.baseline,
          candidate: ctx.candidate,
          aggregateBaseline: ctx.aggBaseline,
          aggregateCandidate: ctx.aggCandidate,
          targets: permTargets,
          draws,
          seed,
        })
      : null;
    for (const p of mine) {
      const factor = scaled ? smallSampleFactor(scopeRecords(p.target, ctx.baseline)) : 1;
      const s = summarizeResampled(deltas.get(targetId(p.target))!, p.result, config.alpha, factor);
      p.result.ciLow = s.ciLow;
      p.result.ciHigh = s.ciHigh;
      if (s.draws < draws) notes.push(`${p.result.id}: ${draws - s.draws} of ${draws} bootstrap draws had no value and were dropped`);
      if (!p.result.significance) continue;
      const perm = perms?.get(targetId(p.target));
      if (!perm) {
        p.result.pValue = s.p;
        continue;
      }
      // Oriented so that negative is worse: a rise is the regression when lower is better.
      const sign = p.result.direction === 'lower' ? -1 : 1;
      const t = permutationPValue(perm.map((x) => sign * x), sign * p.result.estimate!);
      p.result.pValue = t.p;
      if (t.draws < draws) notes.push(`${p.result.id}: ${draws - t.draws} of ${draws} permutation draws had no value and were dropped`);
    }
  }

  for (const { result, pairs } of meanPending) {
    // Interval: the paired bootstrap of the mean difference, small-sample corrected.
    const deltas = pairedMeanBootstrap(pairs.records, pairs.baseline, pairs.candidate, draws, rngFor(seed, 'gate-mean', result.id));
    const s = summarizeResampled(deltas, result, config.alpha, signFlip ? smallSampleFactor(pairs.records) : 1);
    result.ciLow = s.ciLow;
    result.ciHigh = s.ciHigh;
    if (!result.significance) continue;
    if (!signFlip) {
      result.pValue = s.p;
      continue;
    }
    // p-value: the paired sign-flip test on the per-cluster differences, oriented so that negative is worse.
    const { sums, sizes } = clusterDifferences(pairs.records, pairs.baseline, pairs.candidate);
    const oriented = result.direction === 'lower' ? sums.map((x) => -x) : sums;
    const test = signFlipTest(oriented, sizes, result.margin ?? 0, { draws, rand: rngFor(seed, 'gate-sign-flip', result.id) });
    result.pValue = test.p;
    result.method = test.method as RuleResult['method'];
  }

  // Holm across every significance-tested rule of the gate.
  const tested = results.filter((r) => r.pValue !== null);
  const adjusted = config.correction === 'holm' ? holmAdjust(tested.map((r) => r.pValue!)) : tested.map((r) => r.pValue!);
  tested.forEach((r, i) => {
    r.pAdjusted = adjusted[i];
  });
  for (const r of results) {
    if (r.status === 'skip' || r.estimate === null) continue;
    const margin = r.margin ?? 0;
    const worse = r.direction === 'lower' ? -r.estimate : r.estimate; // < 0 means a regression
    if (r.significance && r.pAdjusted !== null && r.pAdjusted < config.alpha) {
      r.status = 'fail';
      r.reasons.push(
        `significantly worse than the baseline by more than the margin ${pct(margin)}${r.direction === 'lower' ? ' (lower is better)' : ''} ` +
          `(${r.estimate >= 0 ? '+' : ''}${pct(r.estimate)} points, p${config.correction === 'holm' ? ' (Holm)' : ''} = ${r.pAdjusted.toPrecision(3)} < ${config.alpha})`,
      );
    } else if (!r.significance && worse < -margin - 1e-12) {
      r.status = 'fail';
      r.reasons.push(`${r.direction === 'lower' ? 'rose' : 'dropped'} ${pct(-worse)} points, more than the allowed ${pct(margin)}`);
    }
  }

  const order = ['overall', 'section', 'subset', 'language', 'metric'];
  const suiteOrder = contexts.map((c) => c.suite);
  results.sort((x, y) => suiteOrder.indexOf(x.suite) - suiteOrder.indexOf(y.suite) || order.indexOf(x.scope) - order.indexOf(y.scope));
  results.push(...evaluateCeilings(config.ceilings, contexts, baseline.run, candidate.run));
  const passed = results.every((r) => r.status !== 'fail');
  return {
    passed,
    exitCode: passed ? 0 : 100,
    alpha: config.alpha,
    correction: config.correction,
    bootstrap: draws,
    seed,
    config: config.file,
    baseline: summary(baseline),
    candidate: summary(candidate),
    suites: paired.map((p) => p.pairing),
    rules: results,
    notes,
  };
}
