// Continuous verdict probabilities from OpenAI-style `logprobs.content` (token, logprob,
// top_logprobs). Only the tokens that can carry a verdict are kept (letters, YES/NO), with their
// character offset in the reply, so the response cache stays small.

export interface VerdictToken {
  /** Character offset of the token in the reply (tokens are assumed to concatenate to it). */
  off: number;
  token: string;
  logprob: number;
  top: Array<[string, number]>;
}

interface RawTop {
  token?: unknown;
  logprob?: unknown;
}
interface RawTok extends RawTop {
  top_logprobs?: RawTop[];
}

const norm = (t: string) => t.replace(/[\s[\]*_"'`.:]/g, '').toUpperCase();
// most tokens are longer than any verdict token: skip them before the regex work
const isVerdictish = (t: string) => t.length <= 8 && /^([A-Z]|YES|NO)$/.test(norm(t));

/** Extracts the verdict-capable tokens of a reply's logprobs (undefined when none were returned). */
export function compactLogprobs(logprobs: unknown): VerdictToken[] | undefined {
  const content = (logprobs as { content?: unknown } | null | undefined)?.content;
  if (!Array.isArray(content)) return undefined;
  const out: VerdictToken[] = [];
  let off = 0;
  for (const t of content as RawTok[]) {
    const token = typeof t?.token === 'string' ? t.token : '';
    if (isVerdictish(token) && typeof t.logprob === 'number') {
      const top: Array<[string, number]> = [];
      for (const a of t.top_logprobs ?? []) {
        if (typeof a?.token === 'string' && typeof a.logprob === 'number' && isVerdictish(a.token)) top.push([a.token, a.logprob]);
      }
      out.push({ off, token, logprob: t.logprob, top });
    }
    off += token.length;
  }
  return out;
}

/** The token that covers character `offset` (the verdict letter / word), if any. */
function tokenAt(tokens: VerdictToken[], offset: number, want: string): VerdictToken | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t.off <= offset && offset < t.off + Math.max(1, t.token.length) && norm(t.token) === want) return t;
  }
  // offsets may drift when token texts do not concatenate to the reply: fall back to the last match
  for (let i = tokens.length - 1; i >= 0; i--) if (norm(tokens[i].token) === want) return tokens[i];
  return undefined;
}

/** Probability mass per option among the alternatives of one token, normalised over `options`. */
function distribution(t: VerdictToken, options: string[]): Map<string, number> | undefined {
  const mass = new Map<string, number>();
  const alts = t.top.length ? t.top : [[t.token, t.logprob] as [string, number]];
  for (const [tok, lp] of alts) {
    const o = norm(tok);
    if (options.includes(o)) mass.set(o, (mass.get(o) ?? 0) + Math.exp(lp));
  }
  const total = [...mass.values()].reduce((a, b) => a + b, 0);
  if (!(total > 0)) return undefined;
  for (const [k, v] of mass) mass.set(k, v / total);
  return mass;
}

/** P(chosen letter), normalised over the k verdict letters. */
export function choiceProbability(tokens: VerdictToken[] | undefined, choice: number, k: number, offset?: number): number | null {
  if (!tokens?.length) return null;
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.slice(0, k).split('');
  const t = tokenAt(tokens, offset ?? Infinity, letters[choice]);
  if (!t) return null;
  return distribution(t, letters)?.get(letters[choice]) ?? null;
}

/** P(YES), normalised over YES and NO, at the token that carries the parsed answer. */
export function yesProbability(tokens: VerdictToken[] | undefined, yes: boolean, offset?: number): number | null {
  if (!tokens?.length) return null;
  const t = tokenAt(tokens, offset ?? Infinity, yes ? 'YES' : 'NO');
  if (!t) return null;
  const d = distribution(t, ['YES', 'NO']);
  return d ? (d.get('YES') ?? 0) : null;
}
