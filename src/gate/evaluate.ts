// Runs a gate on two loaded runs: pairs items, expands rules, tests each one (McNemar for plain
// means of 0/1 results, paired bootstrap otherwise), applies Holm across the gate, and decides.
import type { LoadedRun } from '../run/run-files.js';
import { rngFor } from '../util/random.js';
import {
  holmAdjust,
  mcnemarTest,
  pairedCounts,
  pairedProportionInterval,
  summarizeBootstrap,
} from '../metrics/paired-tests.js';
import { pairedBootstrap, pairedMeanBootstrap } from './bootstrap.js';
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
}

export const DEFAULT_SEED = 1;

/** Interval of the raw draws (candidate − baseline); p-value in the rule's better direction. */
function summarizeResampled(deltas: Float64Array, r: RuleResult, alpha: number) {
  const raw = summarizeBootstrap(deltas, r.margin ?? 0, alpha);
  if (r.direction !== 'lower') return raw;
  const oriented = summarizeBootstrap(deltas.map((d) => -d), r.margin ?? 0, alpha);
  return { ciLow: raw.ciLow, ciHigh: raw.ciHigh, p: oriented.p, draws: raw.draws };
}

function summary(r: LoadedRun): RunSummary {
  return { dir: r.dir, runId: r.run.run_id, model: r.run.model?.label ?? r.run.model?.spec ?? '?', status: r.run.status };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}`;

export async function gateLoaded(baseline: LoadedRun, candidate: LoadedRun, config: GateConfig, opts: GateLoadedOptions = {}): Promise<GateOutcome> {
  const seed = opts.seed ?? config.seed ?? DEFAULT_SEED;
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
      result.method = spec.significance ? 'bootstrap' : 'point';
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
      result.method = spec.significance ? 'bootstrap' : 'point';
      const list = bootstrapTargets.get(ctx.suite) ?? [];
      list.push(target);
      bootstrapTargets.set(ctx.suite, list);
      pending.push({ result, target, ctx });
    }
  }

  // With B draws the smallest bootstrap p is 1/(B + 1); Holm multiplies it by up to m. Make sure a
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
    for (const p of pending.filter((x) => x.ctx === ctx)) {
      const s = summarizeResampled(deltas.get(targetId(p.target))!, p.result, config.alpha);
      p.result.ciLow = s.ciLow;
      p.result.ciHigh = s.ciHigh;
      if (p.result.significance) p.result.pValue = s.p;
      if (s.draws < draws) notes.push(`${p.result.id}: ${draws - s.draws} of ${draws} bootstrap draws had no value and were dropped`);
    }
  }

  for (const { result, pairs } of meanPending) {
    const deltas = pairedMeanBootstrap(pairs.records, pairs.baseline, pairs.candidate, draws, rngFor(seed, 'gate-mean', result.id));
    const s = summarizeResampled(deltas, result, config.alpha);
    result.ciLow = s.ciLow;
    result.ciHigh = s.ciHigh;
    if (result.significance) result.pValue = s.p;
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
