// Renders a conversation as the text a remote reward model reads: with a Jinja chat template when
// one is configured (a .jinja file, or a tokenizer_config.json holding `chat_template`), else as
// role-labelled plain text (recorded in the scorer's details, since real models expect their template).
import { readFileSync } from 'node:fs';
import { Template } from '@huggingface/jinja';
import { UserError } from '../../errors.js';
import { sha256Hex } from '../../cache/kv-store.js';
import type { Message, ScoreRequest } from '../../types.js';

export interface Renderer {
  kind: 'chat-template' | 'plain';
  hash: string;
  render(prompt: Message[], completion: string): string;
}

function tokenText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return '';
}

export function loadRenderer(file: string | undefined): Renderer {
  if (!file) {
    return {
      kind: 'plain',
      hash: 'plain',
      render: (prompt, completion) =>
        [...prompt, { role: 'assistant', content: completion }]
          .map((m) => `${m.role === 'user' ? 'User' : m.role === 'assistant' ? 'Assistant' : 'System'}: ${m.content}`)
          .join('\n\n'),
    };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`chat template ${file} cannot be read`);
  }
  let source = text;
  let bos = '';
  let eos = '';
  if (file.endsWith('.json')) {
    let cfg: Record<string, unknown>;
    try {
      cfg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new UserError(`chat template ${file}: not valid JSON`);
    }
    const ct = cfg.chat_template;
    if (typeof ct === 'string') source = ct;
    else if (Array.isArray(ct)) {
      const def = (ct as Array<{ name?: string; template?: string }>).find((t) => t.name === 'default') ?? ct[0];
      source = typeof def?.template === 'string' ? def.template : '';
    } else source = '';
    if (!source) throw new UserError(`chat template ${file}: no "chat_template" field`);
    bos = tokenText(cfg.bos_token);
    eos = tokenText(cfg.eos_token);
  }
  let template: Template;
  try {
    template = new Template(source);
  } catch (err) {
    throw new UserError(`chat template ${file}: ${(err as Error).message}`);
  }
  return {
    kind: 'chat-template',
    hash: sha256Hex(source).slice(0, 16),
    render: (prompt, completion) =>
      template.render({
        messages: [...prompt, { role: 'assistant', content: completion }],
        bos_token: bos,
        eos_token: eos,
        add_generation_prompt: false,
      }),
  };
}

/** The text of a request: raw requests are already templated and are sent as given. */
export function requestText(r: ScoreRequest, renderer: Renderer): string {
  return r.raw ? r.completion : renderer.render(r.prompt, r.completion);
}
