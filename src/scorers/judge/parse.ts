// Parsing judge replies into verdicts, per protocol. Rules (docs/judges.md):
// - pairwise / kway: the verdict labels [[A]], [[B]], ... found in the reply (letters beyond the
//   number of answers are ignored). Exactly one distinct label -> that choice; none, or two
//   different labels -> unparseable. Pairwise also reads a tie: [[C]] (two answers only), [[A=B]]
//   or [[TIE]]; a tie is parsed (not a failure) and scores like an unparseable reply.
// - rating: the final integer of the reply, "8/10" and "8 out of 10" read as 8; it must be 1-10.
// - verify: a reply that is just yes/no (any case, trailing punctuation allowed), else the last
//   standalone upper-case YES or NO in the reply.

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface ChoiceParse {
  choice: number | null;
  tie: boolean;
  /** Character offset of the letter of the accepted verdict (for logprobs). */
  offset?: number;
}

export function parseChoice(text: string, k: number, allowTie: boolean): ChoiceParse {
  const re = /\[\[\s*([A-Za-z](?:\s*=\s*[A-Za-z])?|tie|TIE|Tie)\s*\]\]/g;
  const found = new Map<string, number>(); // verdict -> offset of its last occurrence
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const raw = m[1].replace(/\s+/g, '').toUpperCase();
    let v: string | undefined;
    if (raw === 'TIE' || /^[A-Z]=[A-Z]$/.test(raw)) v = allowTie ? 'TIE' : undefined;
    else if (raw === 'C' && allowTie && k === 2) v = 'TIE';
    else if (raw.length === 1 && LETTERS.indexOf(raw) >= 0 && LETTERS.indexOf(raw) < k) v = raw;
    if (v !== undefined) found.set(v, m.index + m[0].indexOf(m[1]));
  }
  if (found.size !== 1) return { choice: null, tie: false };
  const [[v, offset]] = [...found];
  if (v === 'TIE') return { choice: null, tie: true };
  return { choice: LETTERS.indexOf(v), tie: false, offset };
}

export function parseRating(text: string): { rating: number | null; offset?: number } {
  const re = /(?<![\d.,])(\d+)(?![\d]|[.,]\d)(?:\s*(?:\/|out\s+of)\s*10(?!\d))?/gi;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return { rating: null };
  const n = Number(last[1]);
  if (!Number.isInteger(n) || n < 1 || n > 10) return { rating: null };
  return { rating: n, offset: last.index };
}

export function parseYesNo(text: string): { yes: boolean | null; offset?: number } {
  const whole = /^\s*\**\s*(yes|no)\s*\**\s*[.!]?\s*$/i.exec(text);
  if (whole) return { yes: whole[1].toUpperCase() === 'YES', offset: text.toLowerCase().indexOf(whole[1].toLowerCase()) };
  const re = /\b(YES|NO)\b/g;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return { yes: null };
  return { yes: last[1] === 'YES', offset: last.index };
}
