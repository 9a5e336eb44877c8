// Preference rows and candidate lists as people store them, normalised for scoring and export.
//   pairs:      {"id"?, "prompt": str | messages, "chosen": str | messages, "rejected": str | messages}
//               or {"chosen": full conversation, "rejected": full conversation} (the prompt is the
//               shared turns before the last assistant reply).
//   best-of-N:  {"id"?, "prompt": str | messages, "candidates" | "responses" | "completions": [str | messages]}
import type { Message } from '../types.js';
import { FieldError, parseCompletion, parsePrompt, promptKey } from './conversation.js';

export interface PreferencePair {
  /** The id as a string (what scorers look up), and as the row gave it (what is written). */
  id: string;
  outId: unknown;
  prompt: Message[];
  chosen: string;
  rejected: string;
  /** Whether the row gave prompt and replies as plain strings (the "text" output shape). */
  textual: boolean;
  /** The row's other fields, passed through to the output. */
  rest: Record<string, unknown>;
}

export interface CandidateList {
  id: string;
  outId: unknown;
  prompt: Message[];
  candidates: string[];
  textual: boolean;
  rest: Record<string, unknown>;
}

function rowId(row: Record<string, unknown>, pos: number): string {
  const id = row.id ?? row.prompt_id;
  if (id === undefined || id === null || id === '') return String(pos);
  if (typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint') return String(id);
  throw new FieldError('id', 'must be a string or a number');
}

function without(row: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!keys.includes(k)) out[k] = v;
  return out;
}

export function parsePair(row: Record<string, unknown>, pos: number): PreferencePair {
  const id = rowId(row, pos);
  if (row.chosen === undefined || row.chosen === null) throw new FieldError('chosen', 'missing');
  if (row.rejected === undefined || row.rejected === null) throw new FieldError('rejected', 'missing');
  const chosen = parseCompletion(row.chosen, 'chosen');
  const rejected = parseCompletion(row.rejected, 'rejected');
  if (!chosen.text.trim()) throw new FieldError('chosen', 'is empty');
  if (!rejected.text.trim()) throw new FieldError('rejected', 'is empty');
  let prompt: Message[];
  if (row.prompt !== undefined && row.prompt !== null) {
    prompt = parsePrompt(row.prompt, 'prompt');
  } else {
    if (chosen.before.length === 0) throw new FieldError('prompt', 'missing (give "prompt", or full conversations in "chosen" and "rejected")');
    if (promptKey(chosen.before) !== promptKey(rejected.before)) {
      throw new FieldError('rejected', 'its turns before the last reply differ from those of "chosen"');
    }
    prompt = chosen.before;
  }
  if (prompt.length === 0) throw new FieldError('prompt', 'is empty');
  return {
    id,
    outId: row.id ?? row.prompt_id ?? id,
    prompt,
    chosen: chosen.text,
    rejected: rejected.text,
    textual: typeof row.prompt === 'string' && typeof row.chosen === 'string' && typeof row.rejected === 'string',
    rest: without(row, ['id', 'prompt_id', 'prompt', 'chosen', 'rejected']),
  };
}

const CANDIDATE_FIELDS = ['candidates', 'responses', 'completions'];

export function parseCandidates(row: Record<string, unknown>, pos: number): CandidateList {
  const id = rowId(row, pos);
  if (row.prompt === undefined || row.prompt === null) throw new FieldError('prompt', 'missing');
  const prompt = parsePrompt(row.prompt, 'prompt');
  const field = CANDIDATE_FIELDS.find((f) => row[f] !== undefined && row[f] !== null);
  if (!field) throw new FieldError('candidates', `missing (one of ${CANDIDATE_FIELDS.join(', ')})`);
  const list = row[field];
  if (!Array.isArray(list) || list.length === 0) throw new FieldError(field, 'must be a non-empty list');
  const candidates = list.map((c, i) => parseCompletion(c, `${field}[${i}]`).text);
  return {
    id,
    outId: row.id ?? row.prompt_id ?? id,
    prompt,
    candidates,
    textual: typeof row.prompt === 'string' && list.every((c) => typeof c === 'string'),
    rest: without(row, ['id', 'prompt_id', 'prompt', ...CANDIDATE_FIELDS]),
  };
}
