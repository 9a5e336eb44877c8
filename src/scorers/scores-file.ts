// `scores:<file.jsonl>`: precomputed scores, one line per item: {"id": ..., "scores": [...]} in
// chosen-then-rejected order (an optional "language" keys M-RewardBench items, whose ids repeat).
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataError, UserError } from '../errors.js';
import { sha256Hex } from '../cache/kv-store.js';
import type { Scorer, ScoreRequest } from '../types.js';
import type { ScorerOptions } from './types.js';

/** JSON.parse that also accepts the bare NaN / Infinity tokens Python's json module writes. */
function parseLenient(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    const patched = line.replace(/(?<=[[,:]\s*)(-?Infinity|NaN)(?=\s*[\],}])/g, '"__$1__"');
    if (patched === line) throw err;
    return JSON.parse(patched, (_k, v) =>
      v === '__NaN__' ? NaN : v === '__Infinity__' ? Infinity : v === '__-Infinity__' ? -Infinity : v,
    );
  }
}

export function loadScoreFile(file: string): Map<string, number[]> {
  if (!existsSync(file)) throw new UserError(`score file ${file} not found`);
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = new Map<string, number[]>();
  const firstLine = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (!text) continue;
    let row: Record<string, unknown>;
    try {
      row = parseLenient(text) as Record<string, unknown>;
    } catch (err) {
      throw new DataError(file, i + 1, undefined, `malformed JSON line (${(err as Error).message})`);
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) throw new DataError(file, i + 1, undefined, 'expected a JSON object');
    const id = row.id;
    if (typeof id !== 'string' && typeof id !== 'number') throw new DataError(file, i + 1, 'id', 'missing or not a string/number');
    const scores = row.scores;
    if (!Array.isArray(scores) || scores.length === 0) throw new DataError(file, i + 1, 'scores', 'expected a non-empty list of numbers');
    // Score files written from a classifier's logits often hold one-element lists ([[0.3], [0.1]]),
    // which the reference reads as their first element.
    const flat = scores.map((s, j) => {
      const v = Array.isArray(s) && s.length === 1 ? s[0] : s;
      if (typeof v !== 'number') throw new DataError(file, i + 1, `scores[${j}]`, `expected a number, found ${JSON.stringify(s)}`);
      return v;
    });
    const key = typeof row.language === 'string' && row.language ? `${row.language}/${id}` : String(id);
    if (out.has(key)) throw new DataError(file, i + 1, 'id', `duplicate id "${key}" (first on line ${firstLine.get(key)})`);
    out.set(key, flat);
    firstLine.set(key, i + 1);
  }
  return out;
}

export async function createScoresFileScorer(ref: string, spec: string, opts: ScorerOptions): Promise<Scorer> {
  const file = resolve(opts.cwd, ref);
  const table = loadScoreFile(file);
  const lookup = (r: ScoreRequest): number => {
    if (r.itemId === undefined || r.index === undefined) {
      throw new Error('a score file can only score benchmark items (by id and completion index)');
    }
    const scores = (r.language !== undefined ? table.get(`${r.language}/${r.itemId}`) : undefined) ?? table.get(r.itemId);
    if (!scores) throw new Error(`item id "${r.itemId}" is absent from score file ${ref}`);
    if (r.index >= scores.length) {
      throw new Error(`item id "${r.itemId}": score file ${ref} has ${scores.length} scores, completion ${r.index} has none`);
    }
    return scores[r.index];
  };
  return {
    info: {
      spec,
      kind: 'scores',
      label: ref.replace(/^.*[\\/]/, '').replace(/\.jsonl?$/, ''),
      fingerprint: sha256Hex(readFileSync(file)),
      details: { file, items: table.size },
    },
    async score(requests) {
      return requests.map(lookup);
    },
  };
}
