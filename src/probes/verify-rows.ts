// Row loaders for the one-token-to-fool suite. Three shapes are accepted, detected per row:
//  - native:    {question, reference, correct, wrong?}         (the documented local schema)
//  - GSM8K:     {question, answer: "...reasoning...\n#### 42"}   (reference = the number after ####)
//  - MATH:      {problem, solution: "... \boxed{...} ..."}        (reference = the last \boxed{...},
//               or the row's `answer` field when present, as in MATH-500)
import type { Row } from '../suites/types.js';
import { type RowContext, fieldError, getOptionalString, getString } from '../suites/fields.js';

export interface VerifyRow {
  id: string;
  question: string;
  reference: string;
  correct: string;
  wrong?: string;
  /** Which loader read the row. */
  format: 'native' | 'gsm8k' | 'math';
}

/** The contents of the last \boxed{...} (or \fbox{...}) with balanced braces; null when none. */
export function lastBoxed(text: string): string | null {
  let found: string | null = null;
  const re = /\\(?:boxed|fbox)\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    if (depth === 0) found = text.slice(start, i - 1).trim();
  }
  return found;
}

/** GSM8K answer: the reference after the last "####", and the worked solution as a correct answer. */
export function parseGsm8kAnswer(answer: string): { reference: string; correct: string } | null {
  const idx = answer.lastIndexOf('####');
  if (idx < 0) return null;
  const reference = answer.slice(idx + 4).trim().replace(/,/g, '');
  if (!reference) return null;
  // Drop the calculator annotations <<48/2=24>> and turn the "#### N" line into a sentence.
  const work = answer.slice(0, idx).replace(/<<[^<>]*>>/g, '').trim();
  const correct = `${work ? `${work}\n` : ''}The answer is ${reference}.`;
  return { reference, correct };
}

function idOf(row: Row, fallback: string): string {
  for (const f of ['id', 'unique_id', 'idx']) {
    const v = row[f];
    if (typeof v === 'string' && v) return v;
    if (typeof v === 'number') return String(v);
  }
  return fallback;
}

/** Reads one row; `fallbackId` names rows without an id / unique_id / idx field. */
export function readVerifyRow(row: Row, ctx: RowContext, fallbackId: string): VerifyRow {
  const id = idOf(row, fallbackId);
  if (row.reference !== undefined || row.correct !== undefined) {
    return {
      id,
      question: getString(row, 'question', ctx),
      reference: getString(row, 'reference', ctx),
      correct: getString(row, 'correct', ctx),
      wrong: getOptionalString(row, 'wrong', ctx) || undefined,
      format: 'native',
    };
  }
  if (row.question !== undefined && row.answer !== undefined) {
    const answer = getString(row, 'answer', ctx);
    const parsed = parseGsm8kAnswer(answer);
    if (!parsed) throw fieldError(ctx, 'answer', 'GSM8K-style answer without a final "#### <answer>" line');
    return { id, question: getString(row, 'question', ctx), ...parsed, format: 'gsm8k' };
  }
  if (row.problem !== undefined && row.solution !== undefined) {
    const solution = getString(row, 'solution', ctx);
    const given = getOptionalString(row, 'answer', ctx);
    const reference = given && given.trim() ? given.trim() : lastBoxed(solution);
    if (!reference) throw fieldError(ctx, 'solution', 'MATH-style solution without a \\boxed{...} answer (and no "answer" field)');
    return { id, question: getString(row, 'problem', ctx), reference, correct: solution, format: 'math' };
  }
  throw fieldError(
    ctx,
    'question',
    'unrecognised row: expected {question, reference, correct, wrong?}, GSM8K-style {question, answer with "#### N"} or MATH-style {problem, solution with \\boxed{}}',
  );
}
