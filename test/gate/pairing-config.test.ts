import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { buildDesign, clusterKey, pairedBootstrap } from '../../src/gate/bootstrap.js';
import { loadGateConfig, parseGateConfig } from '../../src/gate/config.js';
import { gateLoaded } from '../../src/gate/evaluate.js';
import { pairRuns } from '../../src/gate/pairing.js';
import type { ItemRecord } from '../../src/types.js';
import { defaultDatasets, loadedRun, rb1Aggregate, rb1Records, rb2Aggregate, rb2Records } from './synthetic-runs.js';

describe('pairing runs', () => {
  const recs = rb1Records(20, 1, { seed: 1 });

  it('refuses different dataset files or revisions, naming them', () => {
    const a = loadedRun(recs, { datasets: defaultDatasets('a'.repeat(64)) });
    const b = loadedRun(recs, { datasets: defaultDatasets('b'.repeat(64)) });
    expect(() => pairRuns(a, b, false)).toThrow(UserError);
    expect(() => pairRuns(a, b, false)).toThrow(/not comparable[\s\S]*filtered-00000-of-00001\.parquet: sha256 aaaaaaaaaaaa… \(baseline\) vs bbbbbbbbbbbb…[\s\S]*--allow-mismatch/);
    const c = loadedRun(recs, { datasets: defaultDatasets('a'.repeat(64), 'rev2') });
    expect(() => pairRuns(a, c, false)).toThrow(/baseline revision rev1, candidate revision rev2/);
    const allowed = pairRuns(a, b, true);
    expect(allowed.notes.join('\n')).toMatch(/mismatch allowed: dataset "reward-bench"/);
  });

  it('refuses different item sets; with allowMismatch compares the common items and says how many', () => {
    const a = loadedRun(recs);
    const b = loadedRun(recs.slice(5).concat([{ ...recs[0], key: 'extra', id: 'extra' }]));
    expect(() => pairRuns(a, b, false)).toThrow(/suite rewardbench: item sets differ \(5 only in the baseline e\.g\. "0", "1", "2", …; 1 only in the candidate e\.g\. "extra"; 155 common\)/);
    const p = pairRuns(a, b, true);
    expect(p.suites[0].keys).toHaveLength(155);
    expect(p.suites[0].pairing).toEqual({ suite: 'rewardbench', baselineItems: 160, candidateItems: 156, common: 155, onlyBaseline: 5, onlyCandidate: 1 });
    expect(p.notes).toContain('suite rewardbench: compared 155 common items');
  });

  it('pairs by key regardless of order, keeps the last record of a key, and notes suites in one run only', () => {
    const shuffled = [...recs].reverse();
    const retried = [...shuffled, { ...recs[3], result: 1 - (recs[3].result as number) }];
    const other = rb2Records(5, 2, 1, { seed: 1 });
    const p = pairRuns(loadedRun([...recs, ...other]), loadedRun(retried), false);
    expect(p.suites).toHaveLength(1);
    const i = p.suites[0].keys.indexOf('3');
    expect(p.suites[0].candidate[i].result).toBe(1 - (recs[3].result as number));
    expect(p.suites[0].candidate.every((r, j) => r.key === p.suites[0].baseline[j].key)).toBe(true);
    expect(p.notes).toContain('suite rewardbench2 is only in the baseline run; not compared');
  });

  it('notes evaluation options that differ between the runs', () => {
    const a = loadedRun(recs);
    const b = loadedRun(recs);
    b.run.config.options = { maxLength: 4096 };
    a.run.config.options = { maxLength: 2048 };
    expect(pairRuns(a, b, false).notes).toContain('the runs were evaluated with different options (baseline vs candidate): maxLength 2048 vs 4096');
    expect(pairRuns(a, loadedRun(recs), false).notes.join()).toMatch(/maxLength 2048 vs null/);
    expect(pairRuns(loadedRun(recs), loadedRun(recs), false).notes).toEqual([]);
  });

  it('refuses runs with no suite in common', () => {
    expect(() => pairRuns(loadedRun(recs), loadedRun(rb2Records(5, 2, 1, { seed: 1 })), true)).toThrow(/no suite in common/);
  });
});

describe('paired bootstrap design', () => {
  it('clusters RB2 Ties ref/tied items of one prompt and stratifies by subset', () => {
    const r = (id: string, subset: string, language?: string): ItemRecord => ({ suite: 's', key: id, id, subset, language, result: 1 });
    expect(clusterKey(r('ref:5', 'Ties'))).toBe(clusterKey(r('tied:5', 'Ties')));
    expect(clusterKey(r('ref:5', 'Ties'))).not.toBe(clusterKey(r('ref:6', 'Ties')));
    expect(clusterKey({ ...r('a', 'x'), extra: { cluster: 'g1' } })).toBe(clusterKey({ ...r('b', 'x'), extra: { cluster: 'g1' } }));
    // strata of >= 10 clusters stay apart; smaller ones are pooled into one stratum (last)
    const math = Array.from({ length: 10 }, (_, i) => r(`m${i}`, 'Math'));
    const design = buildDesign([r('ref:1', 'Ties'), r('tied:1', 'Ties'), ...math, r('a', 'Focus'), r('c', 'Math', 'de')]);
    expect(design).toEqual([[[2], [3], [4], [5], [6], [7], [8], [9], [10], [11]], [[0, 1], [12], [13]]]);
  });

  it('resamples the same items for both runs and renames copies consistently', () => {
    const base = rb2Records(10, 4, 3, { seed: 1 });
    const seen: ItemRecord[][] = [];
    const agg = (rs: ItemRecord[]) => {
      seen.push(rs);
      return rb2Aggregate(rs);
    };
    const draws = pairedBootstrap({
      suite: 'rewardbench2',
      baseline: base,
      candidate: base,
      aggregateBaseline: agg,
      aggregateCandidate: agg,
      targets: [{ suite: 'rewardbench2', scope: 'overall' }],
      draws: 5,
      seed: 1,
    });
    // identical runs → every draw's delta is exactly 0
    expect([...draws.get('rewardbench2/overall')!]).toEqual([0, 0, 0, 0, 0]);
    for (let d = 0; d < 5; d++) {
      const [b, c] = [seen[2 * d], seen[2 * d + 1]];
      expect(b.map((x) => x.key)).toEqual(c.map((x) => x.key));
      expect(b).toHaveLength(base.length);
      // keys are unique after renaming, and a Ties prompt's ref and tied copies share the suffix
      expect(new Set(b.map((x) => x.key)).size).toBe(b.length);
      const ties = b.filter((x) => x.subset === 'Ties').map((x) => x.id);
      for (const id of ties) expect(ties).toContain(id.startsWith('ref:') ? `tied:${id.slice(4)}` : `ref:${id.slice(5)}`);
    }
  });

  it('is reproducible for a seed and differs across seeds', async () => {
    const b = loadedRun(rb2Records(50, 10, 9, { seed: 1 }));
    const c = loadedRun(rb2Records(50, 10, 9, { seed: 2 }));
    const cfg = parseGateConfig({ bootstrap: 100, rules: [{}] }, 'g.json');
    const resolveAggregates = async () => ({ baseline: rb2Aggregate, candidate: rb2Aggregate });
    const o1 = await gateLoaded(b, c, cfg, { resolveAggregates, seed: 5 });
    const o2 = await gateLoaded(b, c, cfg, { resolveAggregates, seed: 5 });
    const o3 = await gateLoaded(b, c, cfg, { resolveAggregates, seed: 6 });
    expect(o1.rules[0].ciLow).toBe(o2.rules[0].ciLow);
    expect(o1.rules[0].pValue).toBe(o2.rules[0].pValue);
    expect([o3.rules[0].ciLow, o3.rules[0].pValue]).not.toEqual([o1.rules[0].ciLow, o1.rules[0].pValue]);
  });
});

describe('gate config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gate-config-'));
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('reads YAML with defaults, rules and ceilings', () => {
    const f = write(
      'gate.yaml',
      [
        'alpha: 0.01',
        'bootstrap: 500',
        'seed: 3',
        'defaults: { margin: 0.01 }',
        'rules:',
        '  - suite: rewardbench2',
        '    floor: 0.6',
        '  - suite: rewardbench2',
        '    subset: Math',
        '    max_drop: 0.03',
        '  - section: "*"',
        '    significance: false',
        '  - suite: rewardbench2',
        '    metric: ties_margin',
        '    direction: lower',
        'ceilings:',
        '  - error_rate: 0.01',
        '    parse_failure_rate: 0.05',
      ].join('\n'),
    );
    const c = loadGateConfig(f);
    expect(c).toMatchObject({ file: f, alpha: 0.01, correction: 'holm', bootstrap: 500, seed: 3 });
    expect(c.rules.map((r) => [r.suite, r.scope, r.name, r.margin, r.floor, r.significance, r.direction])).toEqual([
      ['rewardbench2', 'overall', undefined, 0.01, 0.6, true, 'higher'],
      ['rewardbench2', 'subset', 'Math', 0.03, undefined, true, 'higher'],
      ['*', 'section', '*', 0.01, undefined, false, 'higher'],
      ['rewardbench2', 'metric', 'ties_margin', 0.01, undefined, true, 'lower'],
    ]);
    expect(c.ceilings).toEqual([{ suite: '*', errorRate: 0.01, parseFailureRate: 0.05, origin: `${f}: ceilings[0]` }]);
  });

  it('reads JSON and names file and field in every error', () => {
    expect(loadGateConfig(write('g.json', '{"rules":[{"subset":"*"}]}')).rules).toHaveLength(1);
    const bad = (obj: unknown) => () => parseGateConfig(obj, 'gate.json');
    expect(bad({ rules: [{ subst: 'Math' }] })).toThrow(/gate\.json: field "rules\[0\]\.subst": unknown field/);
    expect(bad({ alpha: 2, rules: [{}] })).toThrow(/gate\.json: field "alpha": must be between/);
    expect(bad({ rules: [{ floor: 75 }] })).toThrow(/field "rules\[0\]\.floor": .*0\.75 means 75%/);
    expect(bad({ rules: [{ subset: 'a', section: 'b' }] })).toThrow(/rules\[0\].*at most one of/);
    expect(bad({ rules: [{ margin: 'x' }] })).toThrow(/rules\[0\]\.margin": must be a number/);
    expect(bad({ rules: [] })).toThrow(/no rules and no ceilings/);
    expect(bad({ correction: 'bonferroni', rules: [{}] })).toThrow(/field "correction": must be "holm" or "none"/);
    expect(bad({ rules: [{}], ceilings: { error_rate: -1 } })).toThrow(/field "ceilings\.error_rate"/);
    expect(bad({ rules: [{}], bootstrap: 10.5 })).toThrow(/field "bootstrap"/);
    expect(bad([1])).toThrow(/gate\.json: a gate config must be an object/);
    expect(() => loadGateConfig(write('broken.json', '{"rules": ['))).toThrow(/broken\.json: not valid JSON/);
    expect(() => loadGateConfig(write('broken.yaml', 'rules: [\n'))).toThrow(/broken\.yaml: not valid YAML/);
    expect(() => loadGateConfig(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml not found/);
  });

  it('the default gate covers overall, subsets and sections with margin 0', async () => {
    const recs = rb1Records(30, 1, { seed: 1 });
    const o = await gateLoaded(loadedRun(recs), loadedRun(recs), (await import('../../src/gate/config.js')).defaultGateConfig(), {
      resolveAggregates: async () => ({ baseline: rb1Aggregate, candidate: rb1Aggregate }),
    });
    expect(o.rules.map((r) => r.id)).toEqual([
      'rewardbench/overall',
      'rewardbench/section:Chat',
      'rewardbench/section:Chat Hard',
      'rewardbench/section:Safety',
      'rewardbench/section:Reasoning',
      ...Object.keys((await import('./synthetic-runs.js')).RB1_SUBSETS).map((s) => `rewardbench/subset:${s}`),
    ]);
    expect(o.rules.every((r) => r.margin === 0)).toBe(true);
    expect(o.alpha).toBe(0.05);
    expect(o.correction).toBe('holm');
  });
});
