// Ceilings on the candidate's error rate (items that failed) and judge parse-failure rate.
import type { RunJson } from '../run/run-files.js';
import type { ItemRecord } from '../types.js';
import type { CeilingSpec, RuleResult } from './types.js';

export function errorCount(records: readonly ItemRecord[]): number {
  return records.filter((r) => r.result === null || r.result === undefined || (typeof r.error === 'string' && r.error !== '')).length;
}

export interface ParseFailures {
  failures: number;
  total: number;
  source: 'verdicts' | 'scorer_stats';
}

/** Counts judge verdicts with parseFailed in the records (items.jsonl). Null when there are none. */
export function parseFailuresFromRecords(records: readonly ItemRecord[]): ParseFailures | null {
  let total = 0;
  let failures = 0;
  for (const r of records) {
    for (const v of r.verdicts ?? []) {
      if (v && typeof v === 'object' && typeof (v as { parseFailed?: unknown }).parseFailed === 'boolean') {
        total++;
        if ((v as { parseFailed: boolean }).parseFailed) failures++;
      }
    }
  }
  return total > 0 ? { failures, total, source: 'verdicts' } : null;
}

const FAILURE_KEYS = /^(parse_?failures?|parse_?failed|unparseable|unparsed|parseFailures)$/i;
const TOTAL_KEYS = /^(verdicts|judgements|judgments|requests|calls|parsed_?total|total_?verdicts)$/i;

/** Looks for a parse-failure counter and a verdict/request count in run.json scorer_stats (any depth). */
export function parseFailuresFromStats(stats: unknown): ParseFailures | null {
  let failures: number | undefined;
  let total: number | undefined;
  const visit = (o: unknown, depth: number) => {
    if (!o || typeof o !== 'object' || depth > 4) return;
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (typeof v === 'number' && Number.isFinite(v)) {
        if (failures === undefined && FAILURE_KEYS.test(k)) failures = v;
        else if (total === undefined && TOTAL_KEYS.test(k)) total = v;
      } else visit(v, depth + 1);
    }
  };
  visit(stats, 0);
  if (failures === undefined || total === undefined || total <= 0) return null;
  return { failures, total, source: 'scorer_stats' };
}

function ceilingResult(
  base: Pick<RuleResult, 'id' | 'suite' | 'scope' | 'origin'>,
  value: number | null,
  ceiling: number,
  n: number,
  detail: string,
  baselineValue: number | null,
): RuleResult {
  const over = value !== null && value > ceiling;
  return {
    ...base,
    kind: 'ceiling',
    status: value === null ? 'skip' : over ? 'fail' : 'pass',
    reasons: value === null ? [detail] : over ? [`${detail} exceeds the ceiling ${fmtPct(ceiling)}`] : [],
    n,
    baseline: baselineValue,
    candidate: value,
    estimate: value !== null && baselineValue !== null ? value - baselineValue : null,
    ciLow: null,
    ciHigh: null,
    pValue: null,
    pAdjusted: null,
    method: 'ceiling',
    ceiling,
  };
}

const fmtPct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** One result per ceiling × suite it applies to (parse failures per suite when verdicts allow). */
export function evaluateCeilings(
  specs: CeilingSpec[],
  suites: Array<{ suite: string; baseline: ItemRecord[]; candidate: ItemRecord[] }>,
  baselineRun: RunJson,
  candidateRun: RunJson,
): RuleResult[] {
  const out = new Map<string, RuleResult>();
  for (const spec of specs) {
    const matching = spec.suite === '*' ? suites : suites.filter((s) => s.suite === spec.suite);
    for (const s of matching) {
      if (spec.errorRate !== undefined) {
        const n = s.candidate.length;
        const errs = errorCount(s.candidate);
        const rate = n ? errs / n : null;
        const baseRate = s.baseline.length ? errorCount(s.baseline) / s.baseline.length : null;
        const id = `${s.suite}/error_rate`;
        out.set(id, ceilingResult({ id, suite: s.suite, scope: 'error_rate', origin: spec.origin }, rate, spec.errorRate, n,
          rate === null ? 'no items' : `error rate ${fmtPct(rate)} (${errs}/${n} items)`, baseRate));
      }
      if (spec.parseFailureRate !== undefined) {
        const cand = parseFailuresFromRecords(s.candidate) ?? parseFailuresFromStats(candidateRun.scorer_stats);
        const base = parseFailuresFromRecords(s.baseline) ?? parseFailuresFromStats(baselineRun.scorer_stats);
        const rate = cand ? cand.failures / cand.total : null;
        const id = `${s.suite}/parse_failure_rate`;
        const detail = cand
          ? `parse-failure rate ${fmtPct(rate!)} (${cand.failures}/${cand.total} verdicts${cand.source === 'scorer_stats' ? ', whole run, from scorer_stats' : ''})`
          : 'no judge verdicts or parse-failure counts recorded (not a judge run?)';
        out.set(id, ceilingResult({ id, suite: s.suite, scope: 'parse_failure_rate', origin: spec.origin }, rate, spec.parseFailureRate,
          cand?.total ?? 0, detail, base ? base.failures / base.total : null));
      }
    }
  }
  return [...out.values()];
}
