// Reads and validates a gate configuration (gate.json, gate.yaml / .yml), or builds the default gate.
import { parseStructured } from '../util/structured-file.js';
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { CeilingSpec, GateConfig, RuleSpec, Scope } from './types.js';

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_BOOTSTRAP = 1000;

/** Without --config: overall, every subset and every section of every suite in both runs. */
export function defaultGateConfig(): GateConfig {
  const rule = (scope: Scope, name?: string): RuleSpec => ({
    suite: '*',
    scope,
    name,
    margin: 0,
    significance: true,
    direction: 'higher',
    origin: 'default gate',
  });
  return {
    file: null,
    alpha: DEFAULT_ALPHA,
    correction: 'holm',
    bootstrap: DEFAULT_BOOTSTRAP,
    rules: [rule('overall'), rule('subset', '*'), rule('section', '*')],
    ceilings: [],
  };
}

class ConfigProblem extends UserError {
  constructor(file: string, field: string, problem: string) {
    super(`${file}: field "${field}": ${problem}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(file: string, where: string, obj: Obj, allowed: string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new ConfigProblem(file, where ? `${where}.${k}` : k, `unknown field; expected one of ${allowed.join(', ')}`);
    }
  }
}

function num(file: string, field: string, v: unknown, lo: number, hi: number, hint = ''): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigProblem(file, field, `must be a number, got ${JSON.stringify(v)}`);
  if (v < lo || v > hi) throw new ConfigProblem(file, field, `must be between ${lo} and ${hi}, got ${v}${hint}`);
  return v;
}

function str(file: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw new ConfigProblem(file, field, `must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

const SCALE_HINT = ' (scores are fractions: 0.75 means 75%)';
const SCOPES = ['subset', 'section', 'language', 'metric'] as const;

function parseRule(file: string, i: number, raw: unknown, defaults: { margin: number; significance: boolean }): RuleSpec {
  const where = `rules[${i}]`;
  if (!isObj(raw)) throw new ConfigProblem(file, where, 'must be an object such as {suite: rewardbench2, subset: Math, margin: 0.02}');
  checkKeys(file, where, raw, ['suite', ...SCOPES, 'floor', 'margin', 'max_drop', 'significance', 'direction']);
  const suite = raw.suite === undefined ? '*' : str(file, `${where}.suite`, raw.suite);
  const given = SCOPES.filter((s) => raw[s] !== undefined);
  if (given.length > 1) throw new ConfigProblem(file, where, `give at most one of ${SCOPES.join(', ')} (found ${given.join(' and ')})`);
  const scope: Scope = given[0] ?? 'overall';
  const name = given[0] ? str(file, `${where}.${given[0]}`, raw[given[0]]) : undefined;
  if (raw.margin !== undefined && raw.max_drop !== undefined) throw new ConfigProblem(file, where, 'give either margin or max_drop, not both');
  const marginRaw = raw.margin ?? raw.max_drop;
  const marginField = raw.margin !== undefined ? 'margin' : 'max_drop';
  const margin = marginRaw === undefined ? defaults.margin : num(file, `${where}.${marginField}`, marginRaw, 0, 1, SCALE_HINT);
  const floor = raw.floor === undefined ? undefined : num(file, `${where}.floor`, raw.floor, 0, 1, SCALE_HINT);
  let significance = defaults.significance;
  if (raw.significance !== undefined) {
    if (typeof raw.significance !== 'boolean') throw new ConfigProblem(file, `${where}.significance`, 'must be true or false');
    significance = raw.significance;
  }
  let direction: 'higher' | 'lower' = 'higher';
  if (raw.direction !== undefined) {
    if (raw.direction !== 'higher' && raw.direction !== 'lower') {
      throw new ConfigProblem(file, `${where}.direction`, `must be "higher" or "lower" (which way is better), got ${JSON.stringify(raw.direction)}`);
    }
    direction = raw.direction;
  }
  return { suite, scope, name, floor, margin, significance, direction, origin: `${file}: ${where}` };
}

function parseCeiling(file: string, where: string, raw: unknown): CeilingSpec {
  if (!isObj(raw)) throw new ConfigProblem(file, where, 'must be an object such as {error_rate: 0.01, parse_failure_rate: 0.05}');
  checkKeys(file, where, raw, ['suite', 'error_rate', 'parse_failure_rate']);
  const c: CeilingSpec = { suite: raw.suite === undefined ? '*' : str(file, `${where}.suite`, raw.suite), origin: `${file}: ${where}` };
  if (raw.error_rate !== undefined) c.errorRate = num(file, `${where}.error_rate`, raw.error_rate, 0, 1, SCALE_HINT);
  if (raw.parse_failure_rate !== undefined) c.parseFailureRate = num(file, `${where}.parse_failure_rate`, raw.parse_failure_rate, 0, 1, SCALE_HINT);
  if (c.errorRate === undefined && c.parseFailureRate === undefined) throw new ConfigProblem(file, where, 'give error_rate and/or parse_failure_rate');
  return c;
}

/** Validates an already-parsed config object; `file` names it in error messages. */
export function parseGateConfig(raw: unknown, file: string): GateConfig {
  if (!isObj(raw)) throw new UserError(`${file}: a gate config must be an object with "rules" (and optionally alpha, correction, bootstrap, seed, defaults, ceilings)`);
  checkKeys(file, '', raw, ['alpha', 'correction', 'bootstrap', 'seed', 'defaults', 'rules', 'ceilings']);
  const alpha = raw.alpha === undefined ? DEFAULT_ALPHA : num(file, 'alpha', raw.alpha, 1e-6, 0.5);
  let correction: 'holm' | 'none' = 'holm';
  if (raw.correction !== undefined) {
    if (raw.correction !== 'holm' && raw.correction !== 'none') throw new ConfigProblem(file, 'correction', `must be "holm" or "none", got ${JSON.stringify(raw.correction)}`);
    correction = raw.correction;
  }
  const bootstrap = raw.bootstrap === undefined ? DEFAULT_BOOTSTRAP : num(file, 'bootstrap', raw.bootstrap, 50, 1_000_000);
  if (!Number.isInteger(bootstrap)) throw new ConfigProblem(file, 'bootstrap', `must be a whole number, got ${bootstrap}`);
  let seed: number | undefined;
  if (raw.seed !== undefined) {
    seed = num(file, 'seed', raw.seed, 0, Number.MAX_SAFE_INTEGER);
    if (!Number.isInteger(seed)) throw new ConfigProblem(file, 'seed', `must be a whole number, got ${seed}`);
  }
  const defaults = { margin: 0, significance: true };
  if (raw.defaults !== undefined) {
    if (!isObj(raw.defaults)) throw new ConfigProblem(file, 'defaults', 'must be an object such as {margin: 0.01}');
    checkKeys(file, 'defaults', raw.defaults, ['margin', 'significance']);
    if (raw.defaults.margin !== undefined) defaults.margin = num(file, 'defaults.margin', raw.defaults.margin, 0, 1, SCALE_HINT);
    if (raw.defaults.significance !== undefined) {
      if (typeof raw.defaults.significance !== 'boolean') throw new ConfigProblem(file, 'defaults.significance', 'must be true or false');
      defaults.significance = raw.defaults.significance;
    }
  }
  if (raw.rules !== undefined && !Array.isArray(raw.rules)) throw new ConfigProblem(file, 'rules', 'must be a list of rules');
  const rules = ((raw.rules as unknown[] | undefined) ?? []).map((r, i) => parseRule(file, i, r, defaults));
  let ceilings: CeilingSpec[] = [];
  if (Array.isArray(raw.ceilings)) ceilings = raw.ceilings.map((c, i) => parseCeiling(file, `ceilings[${i}]`, c));
  else if (raw.ceilings !== undefined) ceilings = [parseCeiling(file, 'ceilings', raw.ceilings)];
  if (rules.length === 0 && ceilings.length === 0) throw new ConfigProblem(file, 'rules', 'the gate has no rules and no ceilings');
  return { file, alpha, correction, bootstrap, seed, rules, ceilings };
}

/** Reads gate.json / gate.yaml / gate.yml. */
export function loadGateConfig(file: string): GateConfig {
  if (!existsSync(file)) throw new UserError(`gate config ${file} not found`);
  const text = readFileSync(file, 'utf8');
  return parseGateConfig(parseStructured(text, file), file);
}
