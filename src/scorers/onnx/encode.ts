// Turns a conversation into the token ids a sequence-classification reward model expects, the way
// the Python reference does:
// - decoder models: the chat template rendered over the prompt turns plus the assistant
//   completion (no generation prompt), then tokenized; when the template already put a BOS and the
//   tokenizer adds another, the first of the two is masked (the double-BOS rule);
// - encoder models (token_type_ids among the graph inputs, or no template): the (last user turn,
//   completion) text pair.
// Over-long sequences are truncated to maxLength; 'left' (the default) keeps the end, i.e. the
// answer.
import { Tokenizer } from '@huggingface/tokenizers';
import { memoizeByteLevel } from './byte-level-memo.js';
import { Template } from '@huggingface/jinja';
import { UserError } from '../../errors.js';
import type { Message, ScoreRequest } from '../../types.js';

export interface Encoded {
  ids: number[];
  /** Present for pair-encoded (encoder) inputs. */
  typeIds?: number[];
  /** Leading positions to mask out (the first of two BOS tokens). */
  maskedPrefix: number;
  truncated: boolean;
}

export interface EncoderSetup {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  config: Record<string, unknown>;
  chatTemplate: string | undefined;
  /** Pair encoding (encoder model) instead of the chat template. */
  pairMode: boolean;
  maxLength: number;
  truncationSide: 'left' | 'right';
}

/** tokenizer_config.json stores special tokens as strings or as {content: ...} objects. */
export function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return undefined;
}

function firstNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return undefined;
}

export class ConversationEncoder {
  readonly tokenizer: Tokenizer;
  private readonly template: Template | undefined;
  private readonly idOf: (token: string) => number;
  readonly padId: number | undefined;
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  private readonly specialStrings: Record<string, string>;
  /** Whether the byte-level pre-tokenizer step is memoized (see byte-level-memo.ts). */
  readonly byteLevelMemo: boolean;

  constructor(private readonly setup: EncoderSetup) {
    if (!(setup.maxLength >= 8)) throw new UserError(`--max-length must be at least 8, got ${setup.maxLength}`);
    try {
      this.tokenizer = new Tokenizer(setup.tokenizerJson, setup.tokenizerConfig);
    } catch (err) {
      throw new UserError(`tokenizer.json could not be loaded: ${(err as Error).message}`);
    }
    this.byteLevelMemo = memoizeByteLevel(this.tokenizer);
    const added = new Map<string, number>();
    for (const [id, tok] of this.tokenizer.get_added_tokens_decoder()) added.set(tok.content, id);
    const unk = tokenText(setup.tokenizerConfig.unk_token);
    const modelUnk = (this.tokenizer.model as unknown as { unk_token_id?: number } | null)?.unk_token_id;
    const unkId = (unk !== undefined ? (added.get(unk) ?? this.tokenizer.token_to_id(unk)) : undefined) ?? modelUnk;
    this.idOf = (t) => {
      const id = added.get(t) ?? this.tokenizer.token_to_id(t) ?? unkId;
      if (id === undefined) throw new UserError(`token "${t}" is not in the vocabulary and the tokenizer has no unk token`);
      return id;
    };
    const tc = setup.tokenizerConfig;
    this.specialStrings = {};
    for (const k of ['bos_token', 'eos_token', 'pad_token', 'unk_token', 'sep_token', 'cls_token', 'mask_token']) {
      const s = tokenText(tc[k]);
      if (s !== undefined) this.specialStrings[k] = s;
    }
    const lookup = (k: string): number | undefined => {
      const s = this.specialStrings[k];
      return s === undefined ? undefined : (added.get(s) ?? this.tokenizer.token_to_id(s));
    };
    this.padId = firstNumber(setup.config.pad_token_id) ?? lookup('pad_token');
    this.bosId = lookup('bos_token') ?? firstNumber(setup.config.bos_token_id);
    this.eosId = lookup('eos_token') ?? firstNumber(setup.config.eos_token_id);
    if (!setup.pairMode) {
      if (!setup.chatTemplate) throw new UserError('decoder reward model without a chat template');
      try {
        this.template = new Template(setup.chatTemplate);
      } catch (err) {
        throw new UserError(`chat template does not parse: ${(err as Error).message}`);
      }
    }
  }

  get pairMode(): boolean {
    return this.setup.pairMode;
  }

  /** The chat template applied to prompt turns + the assistant completion (decoder models). */
  render(prompt: Message[], completion: string): string {
    if (!this.template) throw new Error('render() on a pair-mode encoder');
    const messages = [...prompt.map((m) => ({ role: m.role, content: m.content })), { role: 'assistant', content: completion }];
    try {
      return this.template.render({
        messages,
        add_generation_prompt: false,
        bos_token: this.specialStrings.bos_token ?? '',
        eos_token: this.specialStrings.eos_token ?? '',
        pad_token: this.specialStrings.pad_token ?? '',
        unk_token: this.specialStrings.unk_token ?? '',
      });
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`chat template failed: ${(err as Error).message}`);
    }
  }

  encode(req: ScoreRequest): Encoded {
    if (typeof req.completion !== 'string') throw new UserError('completion must be a string');
    if (req.raw) return this.setup.pairMode ? this.encodeSingle(req.completion) : this.encodeText(req.completion);
    return this.setup.pairMode
      ? this.encodePair(lastUserTurn(req.prompt), req.completion)
      : this.encodeText(this.render(req.prompt, req.completion));
  }

  /** Already-rendered text through the tokenizer, with the double-BOS rule and truncation. */
  encodeText(text: string): Encoded {
    let ids = this.tokenizer.encode(text, { add_special_tokens: true }).ids;
    let maskedPrefix = ids.length >= 2 && this.bosId !== undefined && ids[0] === this.bosId && ids[1] === this.bosId ? 1 : 0;
    let truncated = false;
    const max = this.setup.maxLength;
    if (ids.length > max) {
      truncated = true;
      if (this.setup.truncationSide === 'left') {
        ids = ids.slice(ids.length - max);
        maskedPrefix = 0;
      } else {
        ids = ids.slice(0, max);
      }
    }
    return { ids, maskedPrefix, truncated };
  }

  /** Raw text for an encoder model: one sequence with the tokenizer's single template. */
  private encodeSingle(text: string): Encoded {
    return this.encodePair(text, '');
  }

  /** (question, answer) text pair; truncation 'longest_first' as in transformers. */
  encodePair(question: string, answer: string): Encoded {
    let a = this.tokenizer.tokenize(question, { add_special_tokens: false });
    let b = this.tokenizer.tokenize(answer, { add_special_tokens: false });
    // As in the reference, an empty answer is no pair at all: [CLS] q [SEP], not [CLS] q [SEP] [SEP].
    const single = answer === '';
    const post = this.tokenizer.post_processor;
    const structure = (x: string[], y: string[]): { tokens: string[]; token_type_ids: number[] } => {
      if (post) {
        const r = post(x, single ? null : y, true) as { tokens: string[]; token_type_ids?: number[] };
        return { tokens: r.tokens, token_type_ids: r.token_type_ids ?? r.tokens.map(() => 0) };
      }
      return { tokens: [...x, ...y], token_type_ids: [...x.map(() => 0), ...y.map(() => 1)] };
    };
    const specials = structure([], []).tokens.length;
    const budget = this.setup.maxLength - specials;
    let truncated = false;
    if (a.length + b.length > budget) {
      truncated = true;
      let excess = a.length + b.length - budget;
      // longest_first: take one token at a time from the longer sequence.
      let na = a.length;
      let nb = b.length;
      while (excess-- > 0) {
        if (na > nb) na--;
        else nb--;
      }
      const keep = (t: string[], n: number) => (this.setup.truncationSide === 'left' ? t.slice(t.length - n) : t.slice(0, n));
      a = keep(a, na);
      b = keep(b, nb);
    }
    const { tokens, token_type_ids } = structure(a, b);
    return { ids: tokens.map(this.idOf), typeIds: token_type_ids, maskedPrefix: 0, truncated };
  }
}

/** The question of a pair-encoded conversation: the last user turn (or all turns joined). */
export function lastUserTurn(prompt: Message[]): string {
  for (let i = prompt.length - 1; i >= 0; i--) if (prompt[i].role === 'user') return prompt[i].content;
  return prompt.map((m) => m.content).join('\n');
}
