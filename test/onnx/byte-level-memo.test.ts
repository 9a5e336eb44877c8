// The byte-level memo: applied to ByteLevel tokenizers only, the same ids as the library's own
// path on the golden cases and on awkward text, and still right once the memo has been cleared.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { memoizeByteLevel } from '../../src/scorers/onnx/byte-level-memo.js';
import { ConversationEncoder } from '../../src/scorers/onnx/encode.js';
import { readLayout } from '../../src/scorers/onnx/layout.js';
import { BERT, LLAMA, ROOT, golden, type LlamaCase } from './helpers.js';

function tokenizerOf(dir: string): Tokenizer {
  const json = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  return new Tokenizer(json('tokenizer.json'), json('tokenizer_config.json'));
}

const TEXTS = [
  ...golden<LlamaCase>(LLAMA).cases.map((c) => c.rendered),
  'the the the the, the. The THE tHe',
  ' x  y   z    \n\n\t\t  \r\n',
  '12345678901234567890 3.14159 1e-9 -0.5',
  'Ελληνικά Кириллица ქართული हिन्दी 한국어 ไทย',
  '\u0000\u0001\u007f\u200b\u200d\ufeff',
  'a'.repeat(5000),
];

const ids = (t: Tokenizer, s: string) => t.encode(s, { add_special_tokens: true }).ids;

describe('memoizeByteLevel', () => {
  it('memoizes a ByteLevel tokenizer and gives the same ids as the unpatched library, twice over', () => {
    const plain = tokenizerOf(LLAMA);
    const memo = tokenizerOf(LLAMA);
    expect(memoizeByteLevel(memo)).toBe(true);
    for (let round = 0; round < 2; round++) for (const s of TEXTS) expect(ids(memo, s)).toEqual(ids(plain, s));
  });

  it('stays right when the memo is full and starts over', () => {
    const plain = tokenizerOf(LLAMA);
    const memo = tokenizerOf(LLAMA);
    expect(memoizeByteLevel(memo, 3)).toBe(true);
    for (const s of TEXTS) expect(ids(memo, s)).toEqual(ids(plain, s));
  });

  it('leaves a tokenizer without a ByteLevel step alone (BERT word pieces)', () => {
    const bert = tokenizerOf(BERT);
    const before = ids(bert, 'Hello, world!');
    expect(memoizeByteLevel(bert)).toBe(false);
    expect(ids(bert, 'Hello, world!')).toEqual(before);
  });

  it('is on for the bundled arithmetic models and the decoder fixture, and their golden ids still match', () => {
    for (const dir of [LLAMA, join(ROOT, 'models', 'arith-rm-base')]) {
      const l = readLayout(dir, ROOT);
      expect(new ConversationEncoder({ ...l, pairMode: false, maxLength: 2048, truncationSide: 'left' }).byteLevelMemo).toBe(true);
    }
    const enc = new ConversationEncoder({ ...readLayout(LLAMA, ROOT), pairMode: false, maxLength: 2048, truncationSide: 'left' });
    for (const c of golden<LlamaCase>(LLAMA).cases) expect(enc.encodeText(c.rendered).ids).toEqual(c.input_ids);
  });
});
