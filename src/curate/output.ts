// Training-ready output shapes (TRL / OpenRLHF):
//   text:     {"prompt": str, "chosen": str, "rejected": str}           (single-turn prompts only)
//   messages: {"prompt": [msgs], "chosen": [assistant], "rejected": [assistant]}  (TRL conversational)
//   chat:     {"chosen": [prompt.., assistant], "rejected": [prompt.., assistant]} (full conversations)
//   auto:     text when the input row used plain strings, messages otherwise.
import { UserError } from '../errors.js';
import type { Message } from '../types.js';
import { FieldError } from './conversation.js';

export type OutputFormat = 'auto' | 'text' | 'messages' | 'chat';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['auto', 'text', 'messages', 'chat'];

export function parseOutputFormat(v: string | undefined): OutputFormat {
  const f = (v ?? 'auto') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(f)) throw new UserError(`--format "${v}": expected one of ${OUTPUT_FORMATS.join(', ')}`);
  return f;
}

function textPrompt(prompt: Message[]): string {
  if (prompt.length !== 1 || prompt[0].role !== 'user') {
    throw new FieldError('prompt', 'has several turns (or a system turn) and cannot be written as text; use --format messages or chat');
  }
  return prompt[0].content;
}

const reply = (content: string): Message[] => [{ role: 'assistant', content }];

/** The prompt and the given replies in the output shape; `names` are the reply fields (chosen/rejected, completion). */
export function shapeReplies(
  format: OutputFormat,
  textual: boolean,
  prompt: Message[],
  replies: Array<[string, string]>,
): Record<string, unknown> {
  const f = format === 'auto' ? (textual ? 'text' : 'messages') : format;
  const out: Record<string, unknown> = {};
  if (f === 'text') {
    out.prompt = textPrompt(prompt);
    for (const [k, v] of replies) out[k] = v;
  } else if (f === 'messages') {
    out.prompt = prompt;
    for (const [k, v] of replies) out[k] = reply(v);
  } else {
    for (const [k, v] of replies) out[k] = [...prompt, ...reply(v)];
  }
  return out;
}
