// Ceilings on the candidate's error rate (items that failed) and judge parse-failure rate.
import type { RunJson } from '../run/run-files.js';
import type { ItemRecord } from '../types.js';
import type { CeilingSpec, RuleResult } from './types.js';

export function errorCount(records: readonly ItemRecord[]): number {
  return records.filter((r) => r.result === null || r.result === undefined || (typeof r.error === 'string' && r.error !== '')).length;
}

export interface ParseFailures {
  failures: number;
  /** Verdicts or calls counted (0 when only a rate of 0 was recorded). */
  total: number;
  rate: number;
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
  return total > 0 ? { failures, total, rate: failures / total, source: 'verdicts' } : null;
}

const FAILURE_KEYS = /^(parse_?failures?|parse_?failed|unparseable|unparsed|parseFailures)$/i;
const TOTAL_KEYS = /^(judge_calls|verdicts|judgements|judgments|calls|requests|total_?verdicts)$/i;
const RATE_KEYS = /^(parse_?failure_?rate|parseFailureRate)$/i;

/**
 * Reads a parse-failure count from run.json scorer_stats: the judge scorer records
 * `parse_failures`, `parse_failure_rate` (over answered calls) and `judge_calls`. The object that
 * holds the failure count is searched first for a rate, then for a total; nested objects after.
 */
export function parseFailuresFromStats(stats: unknown): ParseFailures | null {
  const find = (o: unknown, depth: number): ParseFailures | null => {
    if (!o || typeof o !== 'object' || Array.isArray(o) || depth > 4) return null;
    const entries = Object.entries(o as Record<string, unknown>);
    const num = (re: RegExp) => entries.find(([k, v]) => re.test(k) && typeof v === 'number' && Number.isFinite(v))?.[1] as number | undefined;
    const failures = num(FAILURE_KEYS);
    if (failures !== undefined) {
      const rate = num(RATE_KEYS);
      const total = num(TOTAL_KEYS);
      if (rate !== undefined && rate > 0) return { failures, total: Math.round(failures / rate), rate, source: 'scorer_stats' };
      if (rate === 0 || failures === 0) return { failures: 0, total: total ?? 0, rate: 0, source: 'scorer_stats' };
      if (total !== undefined && total > 0) return { failures, total, rate: failures / total, source: 'scorer_stats' };
    }
    for (const [, v] of entries) {
      const hit = find(v, depth + 1);
      if (hit) return hit;
    }
    return null;
  };
  return find(stats, 0);
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
        const rate = cand ? cand.rate : null;
        const id = `${s.suite}/parse_failure_rate`;
        const detail = cand
          ? `parse-failure rate ${fmtPct(rate!)} (${cand.failures}/${cand.total} verdicts${cand.source === 'scorer_stats' ? ', whole run, from scorer_stats' : ''})`
          : 'no judge verdicts or parse-failure counts recorded (not a judge run?)';
        out.set(id, ceilingResult({ id, suite: s.suite, scope: 'parse_failure_rate', origin: spec.origin }, rate, spec.parseFailureRate,
          cand?.total ?? 0, detail, base ? base.rate : null));
      }
    }
  }
  return [...out.values()];
}
