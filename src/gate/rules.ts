// Expands rule specs (with "*" wildcards) into concrete targets of the suites both runs share, and
// decides per target whether McNemar applies (a plain mean of 0/1 item results) or the bootstrap.
import { UserError } from '../errors.js';
import type { ItemRecord, SuiteResult } from '../types.js';
import { namesFor, readTarget, targetId, type Aggregate, type Target } from './targets.js';
import type { RuleSpec } from './types.js';

export interface SuiteContext {
  suite: string;
  baseline: ItemRecord[];
  candidate: ItemRecord[];
  aggBaseline: Aggregate;
  aggCandidate: Aggregate;
  resBaseline: SuiteResult;
  resCandidate: SuiteResult;
}

export interface ExpandedRule {
  target: Target;
  spec: RuleSpec;
}

function specificity(spec: RuleSpec): number {
  return (spec.suite === '*' ? 0 : 2) + (spec.name === '*' ? 0 : 1);
}

/** Concrete targets for every rule; a more specific rule (named suite / name) overrides a wildcard. */
export function expandRules(specs: RuleSpec[], suites: SuiteContext[]): ExpandedRule[] {
  const chosen = new Map<string, ExpandedRule>();
  for (const spec of specs) {
    const matching = spec.suite === '*' ? suites : suites.filter((s) => s.suite === spec.suite);
    if (matching.length === 0) {
      throw new UserError(`${spec.origin}: field "suite": suite ${spec.suite} is not in both runs (compared: ${suites.map((s) => s.suite).join(', ')})`);
    }
    let found = 0;
    for (const s of matching) {
      let names: Array<string | undefined>;
      if (spec.scope === 'overall') names = [undefined];
      else {
        const inB = namesFor(spec.scope, s.resBaseline, s.baseline);
        const inC = new Set(namesFor(spec.scope, s.resCandidate, s.candidate));
        let both = inB.filter((n) => inC.has(n));
        if (spec.scope === 'language' && spec.name === '*') {
          // only languages with a score of their own (M-RewardBench leaves English out of its mean)
          both = both.filter((name) => {
            const t: Target = { suite: s.suite, scope: 'language', name };
            return readTarget(t, s.resBaseline, s.baseline, s.aggBaseline) !== null && readTarget(t, s.resCandidate, s.candidate, s.aggCandidate) !== null;
          });
        }
        names = spec.name === '*' ? both : both.includes(spec.name!) ? [spec.name] : [];
      }
      for (const name of names) {
        const target: Target = { suite: s.suite, scope: spec.scope, name };
        const id = targetId(target);
        const prev = chosen.get(id);
        if (!prev || specificity(spec) >= specificity(prev.spec)) chosen.set(id, { target, spec });
        found++;
      }
    }
    if (found === 0 && spec.name !== '*' && spec.scope !== 'overall') {
      const avail = matching.flatMap((s) => namesFor(spec.scope, s.resBaseline, s.baseline));
      throw new UserError(
        `${spec.origin}: field "${spec.scope}": no ${spec.scope} "${spec.name}" with a score in both runs` +
          ` (available: ${[...new Set(avail)].join(', ') || 'none'})`,
      );
    }
  }
  return [...chosen.values()];
}

/** The records a target averages over when it is a plain mean (null for sections and metrics). */
function targetRecords(target: Target, records: ItemRecord[]): ItemRecord[] | null {
  switch (target.scope) {
    case 'overall':
      return records;
    case 'subset':
      return records.filter((r) => r.subset === target.name);
    case 'language':
      return records.filter((r) => r.language === target.name);
    default:
      return null;
  }
}

/**
 * The paired item results behind a target when the target is exactly their mean in both runs
 * (every result present); null otherwise (failures, composites such as sections or Ties).
 */
export function plainMeanPairs(
  target: Target,
  ctx: SuiteContext,
): { baseline: number[]; candidate: number[]; records: ItemRecord[]; binary: boolean } | null {
  const recsB = targetRecords(target, ctx.baseline);
  if (!recsB || recsB.length === 0) return null;
  const keys = new Set(recsB.map((r) => r.key));
  const idx: number[] = [];
  ctx.baseline.forEach((r, i) => {
    if (keys.has(r.key)) idx.push(i);
  });
  const b = idx.map((i) => ctx.baseline[i]);
  const c = idx.map((i) => ctx.candidate[i]);
  const ok = (r: ItemRecord) => typeof r.result === 'number' && Number.isFinite(r.result);
  if (!b.every(ok) || !c.every(ok)) return null;
  // The candidate's records of this target must be the same items (same subset/language labels).
  if (targetRecords(target, ctx.candidate)!.length !== b.length) return null;
  const vb = b.map((r) => r.result as number);
  const vc = c.map((r) => r.result as number);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const tb = readTarget(target, ctx.resBaseline, ctx.baseline, ctx.aggBaseline);
  const tc = readTarget(target, ctx.resCandidate, ctx.candidate, ctx.aggCandidate);
  if (tb === null || tc === null) return null;
  if (Math.abs(tb - mean(vb)) > 1e-9 || Math.abs(tc - mean(vc)) > 1e-9) return null;
  const binary = [...vb, ...vc].every((x) => x === 0 || x === 1);
  return { baseline: vb, candidate: vc, records: b, binary };
}
