// Typed access to dataset row fields, with errors that name file, row and field.
import { DataError } from '../errors.js';
import type { Message } from '../types.js';
import type { Row } from './types.js';

export interface RowContext {
  file: string;
  /** 1-based row (line for JSONL). */
  row: number;
}

export function fieldError(ctx: RowContext, field: string, problem: string): DataError {
  return new DataError(ctx.file, ctx.row, field, problem);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string' ? `a string` : typeof v;
}

export function requireField(row: Row, field: string, ctx: RowContext): unknown {
  const v = row[field];
  if (v === undefined || v === null) throw fieldError(ctx, field, 'missing');
  return v;
}

export function getString(row: Row, field: string, ctx: RowContext, opts: { allowEmpty?: boolean } = {}): string {
  const v = requireField(row, field, ctx);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v !== 'string') throw fieldError(ctx, field, `expected a string, found ${describe(v)}`);
  if (!opts.allowEmpty && v.length === 0) throw fieldError(ctx, field, 'empty');
  return v;
}

export function getOptionalString(row: Row, field: string, ctx: RowContext): string | undefined {
  return row[field] === undefined || row[field] === null ? undefined : getString(row, field, ctx, { allowEmpty: true });
}

export function getId(row: Row, field: string, ctx: RowContext): string {
  const v = requireField(row, field, ctx);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw fieldError(ctx, field, `expected a string or number id, found ${describe(v)}`);
}

/** A list of strings; CSV cells holding a JSON list are accepted. */
export function getStringList(row: Row, field: string, ctx: RowContext, opts: { minLength?: number } = {}): string[] {
  let v = requireField(row, field, ctx);
  if (typeof v === 'string' && v.trimStart().startsWith('[')) {
    try {
      v = JSON.parse(v);
    } catch {
      /* reported below */
    }
  }
  if (!Array.isArray(v)) throw fieldError(ctx, field, `expected a list of strings, found ${describe(v)}`);
  v.forEach((x, i) => {
    if (typeof x !== 'string') throw fieldError(ctx, `${field}[${i}]`, `expected a string, found ${describe(x)}`);
  });
  const min = opts.minLength ?? 1;
  if (v.length < min) throw fieldError(ctx, field, v.length === 0 ? 'empty list' : `expected at least ${min} entries`);
  return v as string[];
}

export function getInt(row: Row, field: string, ctx: RowContext): number {
  const v = requireField(row, field, ctx);
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw fieldError(ctx, field, `expected an integer, found ${JSON.stringify(v)}`);
  return n;
}

/** A prompt as a single user turn, or a list of {role, content} messages. */
export function getPrompt(row: Row, field: string, ctx: RowContext): Message[] {
  const v = requireField(row, field, ctx);
  if (typeof v === 'string') {
    if (!v.length) throw fieldError(ctx, field, 'empty');
    return [{ role: 'user', content: v }];
  }
  if (Array.isArray(v)) {
    return v.map((m, i) => {
      const msg = m as { role?: unknown; content?: unknown };
      if (!msg || typeof msg !== 'object' || typeof msg.content !== 'string' || !['system', 'user', 'assistant'].includes(String(msg.role))) {
        throw fieldError(ctx, `${field}[${i}]`, 'expected {role: system|user|assistant, content: string}');
      }
      return { role: msg.role as Message['role'], content: msg.content };
    });
  }
  throw fieldError(ctx, field, `expected a string or a list of messages, found ${describe(v)}`);
}

/** The text shown for a prompt in reports: the turns joined with their roles when there are several. */
export function promptText(prompt: Message[]): string {
  if (prompt.length === 1 && prompt[0].role === 'user') return prompt[0].content;
  return prompt.map((m) => `[${m.role}] ${m.content}`).join('\n\n');
}
