import { describe, expect, it } from 'vitest';
import { parseGateConfig, defaultGateConfig } from '../../src/gate/config.js';
import { gateLoaded } from '../../src/gate/evaluate.js';
import type { GateConfig, GateOutcome } from '../../src/gate/types.js';
import type { LoadedRun } from '../../src/run/run-files.js';
import { loadedRun, rb1Aggregate, rb1Records, rb2Aggregate, rb2Records } from './synthetic-runs.js';

const resolveAggregates = async (suite: string) =>
  suite === 'rewardbench' ? { baseline: rb1Aggregate, candidate: rb1Aggregate } : { baseline: rb2Aggregate, candidate: rb2Aggregate };
const gate = (b: LoadedRun, c: LoadedRun, cfg: GateConfig = defaultGateConfig(), seed?: number) =>
  gateLoaded(b, c, cfg, { resolveAggregates, seed });
const rule = (o: GateOutcome, id: string) => {
  const r = o.rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}; have ${o.rules.map((x) => x.id).join(', ')}`);
  return r;
};

describe('default gate on synthetic paired runs', () => {
  it('catches a regression of a few points on one subset and passes the rest', async () => {
    const base = loadedRun(rb1Records(400, 1, { seed: 10 }), { model: 'base' });
    const cand = loadedRun(rb1Records(400, 1, { seed: 11, shift: { 'llmbar-natural': -0.25 } }), { model: 'cand' });
    const o = await gate(base, cand, { ...defaultGateConfig(), bootstrap: 300 });
    expect(o.bootstrap).toBe(519); // raised so that 13 Holm-corrected tests can reach alpha: 2·13/0.05 − 1
    expect(o.notes.join()).toMatch(/bootstrap raised from 300 to 519/);
    const r = rule(o, 'rewardbench/subset:llmbar-natural');
    expect(r.estimate!).toBeLessThan(-0.03);
    expect(r.estimate!).toBeGreaterThan(-0.09);
    expect(r.method).toBe('mcnemar-z');
    expect(r.status).toBe('fail');
    expect(r.pAdjusted!).toBeLessThan(0.05);
    expect(r.reasons[0]).toMatch(/significantly worse/);
    expect(o.passed).toBe(false);
    expect(o.exitCode).toBe(100);
    // Every other subset is untouched and passes.
    const others = o.rules.filter((x) => x.scope === 'subset' && x.name !== 'llmbar-natural');
    expect(others).toHaveLength(7);
    expect(others.every((x) => x.status === 'pass')).toBe(true);
    // Sections are composites (mean of subset accuracies): permutation test through the aggregate
    // (margin 0). With equal subset sizes the overall mean of sections equals the plain item mean,
    // so McNemar applies to it.
    expect(rule(o, 'rewardbench/section:Chat Hard').method).toBe('permutation');
    expect(rule(o, 'rewardbench/overall').method).toBe('mcnemar-z');
    // Holm: adjusted p >= raw p, family = every tested rule (overall + 4 sections + 8 subsets).
    expect(o.rules.filter((x) => x.pValue !== null)).toHaveLength(13);
    for (const x of o.rules) if (x.pValue !== null) expect(x.pAdjusted!).toBeGreaterThanOrEqual(x.pValue);
  });

  it('passes identical runs with zero deltas', async () => {
    const recs = [...rb1Records(100, 3, { seed: 1 }), ...rb2Records(60, 20, 4, { seed: 2 })];
    const o = await gate(loadedRun(recs), loadedRun(recs.map((r) => ({ ...r }))), { ...defaultGateConfig(), bootstrap: 200 });
    expect(o.passed).toBe(true);
    expect(o.exitCode).toBe(0);
    for (const r of o.rules) {
      expect(r.estimate).toBe(0);
      expect(r.pValue!).toBeGreaterThan(0.5);
    }
    expect(o.suites.map((s) => s.suite).sort()).toEqual(['rewardbench', 'rewardbench2']);
  });

  it('catches a regression in a fractional (1/k) RB2 subset with the paired sign-flip test', async () => {
    const base = loadedRun(rb2Records(300, 30, 7, { seed: 70 }));
    const cand = loadedRun(rb2Records(300, 30, 7, { seed: 71, shift: { Math: -0.5 } }));
    const o = await gate(base, cand, parseGateConfig({ bootstrap: 300, rules: [{ subset: '*' }, {}] }, 'g.yaml'));
    const math = rule(o, 'rewardbench2/subset:Math');
    expect(math.method).toBe('sign-flip'); // 300 items: Monte Carlo sign patterns
    expect(math.status).toBe('fail');
    // no random sign pattern is as bad as the observed drop: p = (0 + 1)/(B + 1), B = 300
    expect(math.pValue!).toBeCloseTo(1 / 301, 12);
    expect(math.ciLow!).toBeLessThan(math.estimate!);
    expect(math.ciHigh!).toBeLessThan(0);
    expect(rule(o, 'rewardbench2/subset:Safety').status).toBe('pass');
  });

  it('keeps the false-alarm rate at or below 5% over 200 noise-only seeds (McNemar, Holm over 8 subsets)', async () => {
    const family = parseGateConfig({ rules: [{ subset: '*' }] }, 'family.json');
    const single = parseGateConfig({ rules: [{ subset: 'donotanswer' }] }, 'single.json');
    let famAlarms = 0;
    let singleAlarms = 0;
    for (let s = 0; s < 200; s++) {
      const b = loadedRun(rb1Records(200, 1000 + s, { seed: 2 * s }));
      const c = loadedRun(rb1Records(200, 1000 + s, { seed: 2 * s + 1 }));
      if (!(await gate(b, c, family)).passed) famAlarms++;
      if (!(await gate(b, c, single)).passed) singleAlarms++;
    }
    expect(famAlarms / 200).toBeLessThanOrEqual(0.05);
    expect(singleAlarms / 200).toBeLessThanOrEqual(0.05);
  }, 60_000);
  // Fractional and composite false-alarm rates and power: calibration.test.ts.
});

describe('margins, floors and point rules', () => {
  const base = loadedRun(rb1Records(400, 1, { seed: 10 }));
  const cand = loadedRun(rb1Records(400, 1, { seed: 11, shift: { 'llmbar-natural': -0.25 } }));

  it('a margin larger than the drop lets it pass (Tango non-inferiority test)', async () => {
    const o = await gate(base, cand, parseGateConfig({ rules: [{ subset: 'llmbar-natural', margin: 0.15 }] }, 'g.json'));
    const r = rule(o, 'rewardbench/subset:llmbar-natural');
    expect(r.method).toBe('tango');
    expect(r.status).toBe('pass');
    expect(o.exitCode).toBe(0);
  });

  it('a composite with a margin > 0 uses the small-sample-corrected bootstrap (no per-item shift for a permutation)', async () => {
    const o = await gate(base, cand, parseGateConfig({ bootstrap: 300, rules: [{ section: 'Chat Hard', margin: 0.2 }] }, 'g.json'));
    const r = rule(o, 'rewardbench/section:Chat Hard');
    expect(r.margin).toBe(0.2);
    expect(r.estimate!).toBeLessThan(0);
    expect(r.method).toBe('bootstrap');
    expect(r.status).toBe('pass');
    expect(r.pValue!).toBeGreaterThan(0.9); // every draw is far above −20 points
    expect(r.ciLow!).toBeLessThan(r.estimate!);
    expect(r.ciHigh!).toBeGreaterThan(r.estimate!);
    // The same draws without the correction: the interval is narrower by sqrt(m/(m − 1)), m = 400
    // items in each of the section's two subsets (strata).
    const raw = await gateLoaded(base, cand, parseGateConfig({ bootstrap: 300, rules: [{ section: 'Chat Hard', margin: 0.2 }] }, 'g.json'), {
      resolveAggregates,
      methods: { composite: 'percentile' },
    });
    const rr = rule(raw, 'rewardbench/section:Chat Hard');
    expect((r.ciHigh! - r.ciLow!) / (rr.ciHigh! - rr.ciLow!)).toBeCloseTo(Math.sqrt(400 / 399), 9);
    expect(r.ciHigh! - r.estimate!).toBeCloseTo((rr.ciHigh! - r.estimate!) * Math.sqrt(400 / 399), 12);
    const zero = await gate(base, cand, parseGateConfig({ bootstrap: 300, rules: [{ section: 'Chat Hard' }] }, 'g.json'));
    expect(rule(zero, 'rewardbench/section:Chat Hard').method).toBe('permutation');
  });

  it('a floor above the candidate fails even without a significant drop', async () => {
    const o = await gate(base, cand, parseGateConfig({ rules: [{ subset: 'alpacaeval-easy', floor: 0.99, margin: 0.5 }] }, 'g.json'));
    const r = rule(o, 'rewardbench/subset:alpacaeval-easy');
    expect(r.status).toBe('fail');
    expect(r.reasons.join(' ')).toMatch(/under the floor 99\.00/);
  });

  it('significance: false compares the point estimate with the margin', async () => {
    const cfg = parseGateConfig({ defaults: { significance: false, margin: 0.02 }, rules: [{ subset: '*' }] }, 'g.json');
    const o = await gate(base, cand, cfg);
    const r = rule(o, 'rewardbench/subset:llmbar-natural');
    expect(r.method).toBe('point');
    expect(r.pValue).toBeNull();
    expect(r.status).toBe('fail');
    expect(r.reasons[0]).toMatch(/more than the allowed 2\.00/);
    for (const x of o.rules) expect(x.status).toBe(x.estimate! < -0.02 ? 'fail' : 'pass');
  });

  it('direction: lower treats a rise as the regression (McNemar with b and c swapped, permutation, limit)', async () => {
    // The regressed run as baseline and the good one as candidate: llmbar-natural rises ~6 points.
    const cfg = parseGateConfig(
      {
        rules: [
          { subset: 'llmbar-natural', direction: 'lower' },
          { section: 'Chat Hard', direction: 'lower' },
          { subset: 'alpacaeval-easy', direction: 'lower', floor: 0.5, margin: 0.5 },
          { subset: 'mt-bench-med' },
        ],
      },
      'g.yaml',
    );
    const o = await gate(cand, base, cfg);
    const r = rule(o, 'rewardbench/subset:llmbar-natural');
    expect(r.estimate!).toBeGreaterThan(0.03);
    expect(r.method).toBe('mcnemar-z');
    expect(r.status).toBe('fail');
    expect(r.reasons[0]).toMatch(/\(lower is better\)/);
    const sec = rule(o, 'rewardbench/section:Chat Hard');
    expect(sec.method).toBe('permutation');
    expect(sec.status).toBe('fail');
    expect(sec.ciLow!).toBeGreaterThan(0); // the interval stays candidate − baseline
    const lim = rule(o, 'rewardbench/subset:alpacaeval-easy');
    expect(lim.status).toBe('fail');
    expect(lim.reasons.join()).toMatch(/above the limit 50\.00 \(lower is better\)/);
    expect(rule(o, 'rewardbench/subset:mt-bench-med').status).toBe('pass');
    // the same data, higher is better: a rise passes
    const up = await gate(cand, base, parseGateConfig({ rules: [{ subset: 'llmbar-natural' }] }, 'g.yaml'));
    expect(up.passed).toBe(true);
    expect(() => parseGateConfig({ rules: [{ direction: 'down' }] }, 'g.yaml')).toThrow(/field "rules\[0\]\.direction": must be "higher" or "lower"/);
  });

  it('a specific rule overrides a wildcard rule for the same target', async () => {
    const cfg = parseGateConfig({ rules: [{ subset: '*' }, { suite: 'rewardbench', subset: 'llmbar-natural', margin: 0.2 }] }, 'g.json');
    const o = await gate(base, cand, cfg);
    expect(rule(o, 'rewardbench/subset:llmbar-natural').margin).toBe(0.2);
    expect(o.rules.filter((x) => x.scope === 'subset')).toHaveLength(8);
  });

  it('names a missing subset with the config file and field', async () => {
    const cfg = parseGateConfig({ rules: [{ suite: 'rewardbench', subset: 'nope' }] }, 'gate.yaml');
    await expect(gate(base, cand, cfg)).rejects.toThrow(/gate\.yaml: rules\[0\]: field "subset": no subset "nope".*available: alpacaeval-easy/);
    const cfg2 = parseGateConfig({ rules: [{ suite: 'm-rewardbench' }] }, 'gate.yaml');
    await expect(gate(base, cand, cfg2)).rejects.toThrow(/rules\[0\]: field "suite": suite m-rewardbench is not in both runs/);
  });
});

describe('ceilings', () => {
  it('fails an error-rate ceiling and reads parse failures from verdicts or scorer_stats', async () => {
    const base = rb1Records(100, 1, { seed: 1 });
    const candRecs = rb1Records(100, 1, { seed: 1, errorRate: 0.1 });
    // Judge-style verdicts on the candidate: 3 of 800 unparseable.
    candRecs.forEach((r, i) => (r.verdicts = [{ choice: 0, parseFailed: i < 3 }]));
    const cfg = parseGateConfig({ rules: [], ceilings: { error_rate: 0.05, parse_failure_rate: 0.01 } }, 'c.json');
    const o = await gate(loadedRun(base), loadedRun(candRecs), cfg);
    const err = rule(o, 'rewardbench/error_rate');
    const nErr = candRecs.filter((r) => r.result === null).length;
    expect(nErr).toBeGreaterThan(40);
    expect(err.candidate).toBeCloseTo(nErr / 800, 12);
    expect(err.status).toBe('fail');
    const pf = rule(o, 'rewardbench/parse_failure_rate');
    expect(pf.candidate).toBeCloseTo(3 / 800, 12);
    expect(pf.status).toBe('pass');
    expect(o.exitCode).toBe(100);

    // No verdicts: scorer_stats counters; none at all: skipped, not failed.
    const plain = rb1Records(50, 1, { seed: 1 });
    const withStats = await gate(loadedRun(plain), loadedRun(plain, { scorerStats: { judge: { requests: 200, parse_failures: 10 } } }), cfg);
    expect(rule(withStats, 'rewardbench/parse_failure_rate').candidate).toBeCloseTo(0.05, 12);
    expect(rule(withStats, 'rewardbench/parse_failure_rate').status).toBe('fail');
    const none = await gate(loadedRun(plain), loadedRun(plain), cfg);
    expect(rule(none, 'rewardbench/parse_failure_rate').status).toBe('skip');
    expect(none.passed).toBe(true);
  });
});
