// What a rule measures: a number read from a suite's aggregate (overall score, a subset, a section,
// a metric) or the aggregate of one language's items. The suite's own aggregate function computes
// it, so composite scores (RB2 Ties, v1 sections, language means) follow the published formulas.
import type { RunJson } from '../run/run-files.js';
import type { SuiteOptions } from '../suites/types.js';
import type { ItemRecord, SuiteResult } from '../types.js';
import type { Scope } from './types.js';

export type Aggregate = (records: ItemRecord[]) => SuiteResult;

export interface Target {
  suite: string;
  scope: Scope;
  name?: string;
}

export function targetId(t: Target): string {
  return t.scope === 'overall' ? `${t.suite}/overall` : `${t.suite}/${t.scope}:${t.name}`;
}

/** Reads a target's value; language targets aggregate that language's records only. */
export function readTarget(t: Target, result: SuiteResult, records: ItemRecord[], aggregate: Aggregate): number | null {
  let v: number | null | undefined;
  switch (t.scope) {
    case 'overall':
      v = result.score;
      break;
    case 'subset':
      v = result.subsets?.[t.name!]?.score;
      break;
    case 'section':
      v = result.sections?.[t.name!]?.score;
      break;
    case 'metric':
      v = result.metrics?.[t.name!];
      break;
    case 'language': {
      const own = records.filter((r) => r.language === t.name);
      v = own.length ? aggregate(own).score : null;
      break;
    }
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Names available for a scope in an aggregate (only those with a finite value). */
export function namesFor(scope: Scope, result: SuiteResult, records: ItemRecord[]): string[] {
  const finite = (o: Record<string, { score: number | null } | number | null> | undefined): string[] =>
    Object.entries(o ?? {})
      .filter(([, v]) => {
        const x = typeof v === 'object' && v !== null ? v.score : v;
        return typeof x === 'number' && Number.isFinite(x);
      })
      .map(([k]) => k);
  switch (scope) {
    case 'overall':
      return [];
    case 'subset':
      return finite(result.subsets);
    case 'section':
      return finite(result.sections);
    case 'metric':
      return finite(result.metrics);
    case 'language':
      return [...new Set(records.map((r) => r.language).filter((l): l is string => typeof l === 'string'))];
  }
}

/** Used when a suite's module cannot be loaded: subset means and the mean over all items. */
export function fallbackAggregate(records: ItemRecord[]): SuiteResult {
  const subsets: SuiteResult['subsets'] = {};
  const groups = new Map<string, ItemRecord[]>();
  for (const r of records) {
    let g = groups.get(r.subset);
    if (!g) groups.set(r.subset, (g = []));
    g.push(r);
  }
  const cell = (rs: ItemRecord[]) => {
    const ok = rs.filter((r) => typeof r.result === 'number');
    return {
      score: ok.length ? ok.reduce((s, r) => s + (r.result as number), 0) / ok.length : null,
      n: rs.length,
      errors: rs.length - ok.length,
    };
  };
  for (const [name, rs] of groups) subsets[name] = cell(rs);
  return { ...cell(records), subsets };
}

export interface SuiteAggregates {
  baseline: Aggregate;
  candidate: Aggregate;
  /** Set when the suite's own aggregate was not available. */
  note?: string;
}

/** The suite's own aggregate, bound to each run's options; the fallback when it cannot be loaded. */
export async function resolveAggregates(suite: string, baseline: RunJson, candidate: RunJson): Promise<SuiteAggregates> {
  try {
    const { loadSuite } = await import('../suites/registry.js');
    const def = await loadSuite(suite);
    const bind = (run: RunJson): Aggregate => {
      // bench records the suite options under config.options.suite
      const options = (run.config?.options ?? {}) as Record<string, unknown>;
      const suiteOptions = (typeof options.suite === 'object' && options.suite !== null ? options.suite : options) as Partial<SuiteOptions>;
      const opts: SuiteOptions = { ...suiteOptions, seed: run.seed ?? run.config?.seed ?? 0 };
      return (records) => def.aggregate(records, opts);
    };
    return { baseline: bind(baseline), candidate: bind(candidate) };
  } catch (err) {
    return {
      baseline: fallbackAggregate,
      candidate: fallbackAggregate,
      note: `suite ${suite}: its definition could not be loaded (${(err as Error).message.split('\n')[0]}); ` +
        'using plain means of item results per subset and overall',
    };
  }
}
