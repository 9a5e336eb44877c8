// The gate's data: a validated configuration, the rules it expands to, and the outcome.

export type Scope = 'overall' | 'subset' | 'section' | 'language' | 'metric';

/** One rule as written in the config; `name` may be "*" (every target of that scope). */
export interface RuleSpec {
  /** Suite name or "*" (every suite in both runs). */
  suite: string;
  scope: Scope;
  name?: string;
  /** Absolute floor on the candidate's value (same 0–1 scale as run.json scores). */
  floor?: number;
  /** Maximum allowed drop (non-inferiority margin), >= 0. */
  margin: number;
  /** Whether a drop must be statistically significant to fail (default true). */
  significance: boolean;
  /** Scores, subsets, sections and languages are higher-is-better; a metric may be 'lower'. */
  direction: 'higher' | 'lower';
  /** Where it came from, for messages: "gate.yaml: rules[2]". */
  origin: string;
}

export interface CeilingSpec {
  suite: string;
  /** Largest allowed share of candidate items that errored (result null / error set). */
  errorRate?: number;
  /** Largest allowed share of judge verdicts that could not be parsed. */
  parseFailureRate?: number;
  origin: string;
}

export interface GateConfig {
  /** The file it was read from, or null for the default gate. */
  file: string | null;
  alpha: number;
  correction: 'holm' | 'none';
  /** Bootstrap resamples for fractional and composite scores. */
  bootstrap: number;
  seed?: number;
  rules: RuleSpec[];
  ceilings: CeilingSpec[];
}

export type RuleStatus = 'pass' | 'fail' | 'skip';

export interface RuleResult {
  /** Stable id, e.g. "rewardbench2/subset:Math" or "rewardbench2/error_rate". */
  id: string;
  kind: 'score' | 'ceiling';
  suite: string;
  scope: Scope | 'error_rate' | 'parse_failure_rate';
  name?: string;
  status: RuleStatus;
  /** Why it failed or was skipped, one short sentence each. */
  reasons: string[];
  /** Paired items behind the comparison. */
  n: number;
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline. */
  estimate: number | null;
  /** Interval for the estimate at two-sided level 1 − 2·alpha (the one-sided bound is ci_high). */
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
  pAdjusted: number | null;
  method: 'mcnemar-exact' | 'mcnemar-z' | 'tango' | 'sign-flip-exact' | 'sign-flip' | 'permutation' | 'bootstrap' | 'point' | 'ceiling' | 'none';
  margin?: number;
  /** The worst acceptable value: a minimum, or a maximum when direction is 'lower'. */
  floor?: number;
  significance?: boolean;
  /** 'lower' when a rise is the regression (the estimate stays candidate − baseline). */
  direction?: 'higher' | 'lower';
  /** Ceilings: the allowed maximum. */
  ceiling?: number;
  /** Discordant counts for McNemar rules. */
  discordant?: { b: number; c: number };
  origin: string;
}

export interface SuitePairing {
  suite: string;
  baselineItems: number;
  candidateItems: number;
  common: number;
  onlyBaseline: number;
  onlyCandidate: number;
}

export interface RunSummary {
  dir: string;
  runId: string;
  model: string;
  status: string;
}

export interface GateOutcome {
  passed: boolean;
  /** 0 pass, 100 gate failed. */
  exitCode: 0 | 100;
  alpha: number;
  correction: 'holm' | 'none';
  bootstrap: number;
  seed: number;
  config: string | null;
  baseline: RunSummary;
  candidate: RunSummary;
  suites: SuitePairing[];
  rules: RuleResult[];
  notes: string[];
}
