// Encoding rules beyond the golden cases: the double-BOS rule, raw (already templated) text,
// special tokens in the tokenizer config written as objects, and the padded feeds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversationEncoder, lastUserTurn, tokenText } from '../../src/scorers/onnx/encode.js';
import { readLayout } from '../../src/scorers/onnx/layout.js';
import { buildFeeds, halfToFloat } from '../../src/scorers/onnx/session.js';
import { LLAMA, golden, type LlamaCase } from './helpers.js';

const llama = golden<LlamaCase>(LLAMA);
const layout = readLayout(LLAMA, '/');

/** tiny-llama's tokenizer, changed to add <|endoftext|> (id 0) as BOS like Llama tokenizers do. */
function bosEncoder(templatePrefix: string, maxLength = 2048): ConversationEncoder {
  const tokenizerJson = JSON.parse(readFileSync(join(LLAMA, 'tokenizer.json'), 'utf8'));
  tokenizerJson.post_processor = {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '<|endoftext|>': { id: '<|endoftext|>', ids: [0], tokens: ['<|endoftext|>'] } },
  };
  return new ConversationEncoder({
    tokenizerJson,
    tokenizerConfig: { ...layout.tokenizerConfig, bos_token: { content: '<|endoftext|>', special: true } },
    config: layout.config,
    chatTemplate: templatePrefix + layout.chatTemplate,
    pairMode: false,
    maxLength,
    truncationSide: 'left',
  });
}

describe('double BOS', () => {
  const req = { prompt: llama.cases[0].messages.slice(0, 1), completion: llama.cases[0].messages[1].content };
  it('template and tokenizer both add BOS: two BOS ids, the first one masked', () => {
    const e = bosEncoder('{{ bos_token }}').encode(req);
    expect(e.ids).toEqual([0, 0, ...llama.cases[0].input_ids]);
    expect(e.maskedPrefix).toBe(1);
    const feeds = buildFeeds([e], { names: ['input_ids', 'attention_mask'], types: {}, hasTokenTypes: false, output: 'logits' }, 1);
    const mask = Array.from(feeds.feeds.attention_mask.data as BigInt64Array, Number);
    expect(mask.slice(0, 3)).toEqual([0, 1, 1]);
    expect(mask.filter((m) => m === 0)).toHaveLength(1);
  });
  it('only the tokenizer adds BOS: one BOS, nothing masked', () => {
    const e = bosEncoder('').encode(req);
    expect(e.ids).toEqual([0, ...llama.cases[0].input_ids]);
    expect(e.maskedPrefix).toBe(0);
  });
  it('left truncation drops the masked BOS with the rest of the head', () => {
    const e = bosEncoder('{{ bos_token }}', 10).encode(req);
    expect(e.ids).toEqual(llama.cases[0].input_ids.slice(-10));
    expect(e.maskedPrefix).toBe(0);
    expect(e.truncated).toBe(true);
  });
});

describe('raw requests (already templated text)', () => {
  it('tokenizes the text as given, without rendering the template again', () => {
    const enc = new ConversationEncoder({ ...layout, pairMode: false, maxLength: 2048, truncationSide: 'left' });
    const e = enc.encode({ prompt: [], completion: llama.cases[2].rendered, raw: true });
    expect(e.ids).toEqual(llama.cases[2].input_ids);
  });
});

describe('padded feeds', () => {
  it('right-pads ids with the pad id, masks the padding, pads token types with 0', () => {
    const rows = [
      { ids: [5, 6, 7], typeIds: [0, 1, 1], maskedPrefix: 0, truncated: false },
      { ids: [8], typeIds: [0], maskedPrefix: 0, truncated: false },
    ];
    const g = { names: ['input_ids', 'attention_mask', 'token_type_ids'], types: { attention_mask: 'int32' as const }, hasTokenTypes: true, output: 'logits' };
    const t = buildFeeds(rows, g, 9);
    expect(t.feeds.input_ids.dims).toEqual([2, 3]);
    expect(Array.from(t.feeds.input_ids.data as BigInt64Array, Number)).toEqual([5, 6, 7, 8, 9, 9]);
    expect(t.feeds.attention_mask.type).toBe('int32');
    expect(Array.from(t.feeds.attention_mask.data as Int32Array)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(Array.from(t.feeds.token_type_ids.data as BigInt64Array, Number)).toEqual([0, 1, 1, 0, 0, 0]);
  });
});

describe('small helpers', () => {
  it('reads special tokens written as strings or {content} objects', () => {
    expect(tokenText('<s>')).toBe('<s>');
    expect(tokenText({ content: '</s>', lstrip: false })).toBe('</s>');
    expect(tokenText(null)).toBeUndefined();
  });
  it('the question of a pair is the last user turn', () => {
    expect(lastUserTurn([{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }])).toBe('c');
    expect(lastUserTurn([{ role: 'system', content: 's' }])).toBe('s');
  });
  it('decodes IEEE half floats (fp16 graphs)', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.33325, 5);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
  });
});
