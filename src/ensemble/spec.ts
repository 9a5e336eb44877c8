// The ensemble spec file (JSON or YAML): members, normalisation, aggregation, RL transform.
// Validated field by field; every error names the file and the field.
import { parseStructured } from '../util/structured-file.js';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { DataError, UserError } from '../errors.js';
import { AGGREGATIONS, type Aggregation } from './math.js';

export type Normalisation = 'none' | 'zscore' | 'centre';
export type TransformKind = 'lsc' | 'par';

export interface MemberSpec {
  /** Name in tables, extra_logs and member views; defaults to the member scorer's label. */
  name?: string;
  /** Any model spec (`onnx:./rm`, `scores:./s.jsonl`, `baseline:length`, ...). */
  model: string;
  normalise: Normalisation;
}

export interface TransformSpec {
  kind: TransformKind;
  /** PAR slope k (default 1). */
  k: number;
  /** A prompt without reference responses: use all reference responses ('global') or fail. */
  fallback: 'global' | 'error';
}

export interface EnsembleSpec {
  file: string;
  name: string;
  members: MemberSpec[];
  /** Absolute path of the reference set (JSONL of conversations), when given. */
  reference?: string;
  aggregate: Aggregation;
  lambda: number;
  transform?: TransformSpec;
}

const TOP_KEYS = ['name', 'members', 'normalise', 'normalize', 'reference', 'aggregate', 'lambda', 'transform'];
const MEMBER_KEYS = ['name', 'model', 'normalise', 'normalize'];
const TRANSFORM_KEYS = ['kind', 'k', 'fallback'];

function fail(file: string, field: string, problem: string): never {
  throw new DataError(file, undefined, field, problem);
}

function parseNormalisation(file: string, field: string, v: unknown): Normalisation {
  if (v === 'none' || v === 'zscore') return v;
  if (v === 'centre' || v === 'center') return 'centre';
  return fail(file, field, `must be one of none, zscore, centre (got ${JSON.stringify(v)})`);
}

function checkKeys(file: string, where: string, obj: Record<string, unknown>, allowed: string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) fail(file, where ? `${where}.${k}` : k, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A member's `kind:ref` with a relative path resolved against the spec file's folder, when that
 * path exists there (URLs, `model@url` refs and names such as `baseline:length` are left as they are).
 */
export function resolveMemberModel(model: string, specDir: string): string {
  const i = model.indexOf(':');
  if (i <= 0) return model;
  const ref = model.slice(i + 1);
  if (!ref || isAbsolute(ref) || ref.includes('://') || ref.includes('@')) return model;
  const candidate = resolve(specDir, ref);
  return existsSync(candidate) ? `${model.slice(0, i)}:${candidate}` : model;
}

export function parseEnsembleSpec(file: string, raw: unknown): EnsembleSpec {
  if (!isObject(raw)) fail(file, '(top level)', 'must be an object with a "members" list');
  checkKeys(file, '', raw, TOP_KEYS);
  const specDir = dirname(file);
  const defaultNorm = parseNormalisation(file, 'normalise', raw.normalise ?? raw.normalize ?? 'none');

  if (!Array.isArray(raw.members) || raw.members.length === 0) fail(file, 'members', 'must be a non-empty list');
  const names = new Set<string>();
  const members: MemberSpec[] = raw.members.map((m: unknown, i: number) => {
    const field = `members[${i}]`;
    const obj: Record<string, unknown> = typeof m === 'string' ? { model: m } : isObject(m) ? m : fail(file, field, 'must be a model spec string or an object with "model"');
    checkKeys(file, field, obj, MEMBER_KEYS);
    if (typeof obj.model !== 'string' || !obj.model.includes(':')) fail(file, `${field}.model`, 'must be a model spec "<kind>:<ref>"');
    if (obj.name !== undefined && (typeof obj.name !== 'string' || !/^[\w.-]+$/.test(obj.name))) {
      fail(file, `${field}.name`, 'must be a string of letters, digits, ".", "_" or "-"');
    }
    if (typeof obj.name === 'string') {
      if (names.has(obj.name)) fail(file, `${field}.name`, `duplicate member name "${obj.name}"`);
      names.add(obj.name);
    }
    const norm = obj.normalise ?? obj.normalize;
    return {
      name: obj.name as string | undefined,
      model: resolveMemberModel(obj.model, specDir),
      normalise: norm === undefined ? defaultNorm : parseNormalisation(file, `${field}.normalise`, norm),
    };
  });

  const aggregate = raw.aggregate ?? 'mean';
  if (!AGGREGATIONS.includes(aggregate as Aggregation)) {
    fail(file, 'aggregate', `must be one of ${AGGREGATIONS.join(', ')} (got ${JSON.stringify(aggregate)})`);
  }
  const lambda = raw.lambda ?? 0.5;
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) fail(file, 'lambda', 'must be a number ≥ 0');

  let reference: string | undefined;
  if (raw.reference !== undefined) {
    if (typeof raw.reference !== 'string' || !raw.reference) fail(file, 'reference', 'must be a path to a JSONL file of conversations');
    reference = resolve(specDir, raw.reference);
    if (!existsSync(reference)) fail(file, 'reference', `file not found: ${reference}`);
  }

  let transform: TransformSpec | undefined;
  if (raw.transform !== undefined && raw.transform !== null && raw.transform !== 'none') {
    const t: Record<string, unknown> = typeof raw.transform === 'string' ? { kind: raw.transform } : isObject(raw.transform) ? raw.transform : fail(file, 'transform', 'must be "lsc", "par", "none" or an object with "kind"');
    checkKeys(file, 'transform', t, TRANSFORM_KEYS);
    if (t.kind !== 'lsc' && t.kind !== 'par') fail(file, 'transform.kind', `must be "lsc" or "par" (got ${JSON.stringify(t.kind)})`);
    const k = t.k ?? 1;
    if (typeof k !== 'number' || !Number.isFinite(k) || k <= 0) fail(file, 'transform.k', 'must be a number > 0');
    if (t.k !== undefined && t.kind !== 'par') fail(file, 'transform.k', 'only applies to "par"');
    const fallback = t.fallback ?? 'global';
    if (fallback !== 'global' && fallback !== 'error') fail(file, 'transform.fallback', 'must be "global" or "error"');
    transform = { kind: t.kind, k, fallback };
    if (!reference) fail(file, 'reference', `transform "${t.kind}" needs reference responses ("reference": a JSONL of conversations)`);
    const centred = members.findIndex((m) => m.normalise === 'centre');
    if (centred >= 0) {
      fail(file, `members[${centred}].normalise`, `per-prompt centring cannot be combined with transform "${t.kind}" (the reference rewards would be centred on a different set); use zscore or none`);
    }
  }
  const zs = members.findIndex((m) => m.normalise === 'zscore');
  if (zs >= 0 && !reference) fail(file, 'reference', `members[${zs}] uses zscore, which needs reference responses ("reference": a JSONL of conversations)`);

  const name = raw.name ?? basename(file, extname(file));
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) fail(file, 'name', 'must be a string of letters, digits, ".", "_" or "-"');
  return { file, name, members, reference, aggregate: aggregate as Aggregation, lambda, transform };
}

export function loadEnsembleSpec(file: string): EnsembleSpec {
  if (!existsSync(file)) throw new UserError(`ensemble spec not found: ${file}`);
  const text = readFileSync(file, 'utf8');
  return parseEnsembleSpec(file, parseStructured(text, file));
}
