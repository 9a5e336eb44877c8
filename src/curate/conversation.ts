// Conversations as people store them, turned into (prompt turns, completion). Shared by curation,
// ensemble reference sets and the reward server's /score. Accepted shapes, like `rmgauge score`:
//   {"messages": [{role, content}, ..., {role: "assistant", content}]}
//   {"prompt": str | messages, "response": str}
//   {"question": str, "answer": str}
import type { Message, Role } from '../types.js';

const ROLES: readonly Role[] = ['system', 'user', 'assistant'];

/** A problem with one field of one record; the caller adds the file and line. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`field "${field}": ${problem}`);
    this.name = 'FieldError';
  }
}

export interface Conversation {
  prompt: Message[];
  completion: string;
}

export function parseMessages(v: unknown, field: string): Message[] {
  if (!Array.isArray(v)) throw new FieldError(field, 'must be a list of {role, content} messages');
  return v.map((m, i) => {
    if (typeof m !== 'object' || m === null) throw new FieldError(`${field}[${i}]`, 'must be an object {role, content}');
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
      throw new FieldError(`${field}[${i}].role`, `must be one of ${ROLES.join(', ')}`);
    }
    if (typeof content !== 'string') throw new FieldError(`${field}[${i}].content`, 'must be a string');
    return { role: role as Role, content };
  });
}

/** A prompt given as a string (one user turn) or as a list of messages. */
export function parsePrompt(v: unknown, field: string): Message[] {
  if (typeof v === 'string') return [{ role: 'user', content: v }];
  return parseMessages(v, field);
}

/** A completion given as a string, or as messages whose last one is the assistant's reply. */
export function parseCompletion(v: unknown, field: string): { text: string; before: Message[] } {
  if (typeof v === 'string') return { text: v, before: [] };
  const msgs = parseMessages(v, field);
  const last = msgs[msgs.length - 1];
  if (!last || last.role !== 'assistant') throw new FieldError(field, 'the last message must be the assistant reply');
  return { text: last.content, before: msgs.slice(0, -1) };
}

export function parseConversation(row: unknown): Conversation {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new FieldError('(line)', 'must be a JSON object');
  const r = row as Record<string, unknown>;
  if (r.messages !== undefined) {
    const msgs = parseMessages(r.messages, 'messages');
    const last = msgs[msgs.length - 1];
    if (!last || last.role !== 'assistant') throw new FieldError('messages', 'the last message must be the assistant reply');
    return { prompt: msgs.slice(0, -1), completion: last.content };
  }
  if (r.prompt !== undefined || r.response !== undefined) {
    if (r.prompt === undefined) throw new FieldError('prompt', 'missing (a "response" needs its "prompt")');
    if (typeof r.response !== 'string') throw new FieldError('response', 'must be a string');
    return { prompt: parsePrompt(r.prompt, 'prompt'), completion: r.response };
  }
  if (r.question !== undefined || r.answer !== undefined) {
    if (typeof r.question !== 'string') throw new FieldError('question', 'must be a string');
    if (typeof r.answer !== 'string') throw new FieldError('answer', 'must be a string');
    return { prompt: [{ role: 'user', content: r.question }], completion: r.answer };
  }
  throw new FieldError('messages', 'missing: give "messages", or "prompt" + "response", or "question" + "answer"');
}

/** A stable key for "the same prompt" (the exact turns). */
export function promptKey(prompt: Message[]): string {
  return JSON.stringify(prompt.map((m) => [m.role, m.content]));
}
