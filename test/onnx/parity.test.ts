// Parity with the Python reference (transformers + torch, fp32): rendered templates and token ids
// identical to golden.json, logits within 1e-5 one at a time, in one right-padded batch, and in
// length-bucketed batches of mixed sizes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxScorer } from '../../src/scorers/onnx/index.js';
import { ConversationEncoder } from '../../src/scorers/onnx/encode.js';
import { readLayout } from '../../src/scorers/onnx/layout.js';
import type { Scorer } from '../../src/types.js';
import { BERT, LLAMA, golden, options, toRequest, type BertCase, type LlamaCase } from './helpers.js';

const llama = golden<LlamaCase>(LLAMA);
const bert = golden<BertCase>(BERT);

function encoderFor(dir: string, pairMode: boolean): ConversationEncoder {
  const l = readLayout(dir, process.cwd());
  return new ConversationEncoder({ ...l, pairMode, maxLength: 2048, truncationSide: 'left' });
}

describe('tiny-llama-rm (decoder, chat template)', () => {
  const enc = encoderFor(LLAMA, false);
  let scorer: Scorer;
  beforeAll(async () => {
    scorer = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options());
  });
  afterAll(() => scorer.close?.());

  it('has 8 golden cases including system turns, CJK, emoji and an empty completion', () => {
    expect(llama.cases).toHaveLength(8);
    expect(llama.cases.some((c) => c.messages[0].role === 'system')).toBe(true);
    expect(llama.cases.some((c) => c.messages.at(-1)!.content === '')).toBe(true);
  });

  it.each(llama.cases.map((c, i) => [i, c] as const))('case %i: rendered text and ids match', (_i, c) => {
    const r = toRequest(c.messages);
    expect(enc.render(r.prompt, r.completion)).toBe(c.rendered);
    expect(enc.encode(r).ids).toEqual(c.input_ids);
  });

  it('scores one at a time within 1e-5', async () => {
    for (const c of llama.cases) {
      const [s] = await scorer.score!([toRequest(c.messages)]);
      expect(Math.abs(s - c.logit)).toBeLessThan(1e-5);
    }
  });

  it('scores all cases in one right-padded batch within 1e-5', async () => {
    const one = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ maxBatchTokens: 8 * 327 }));
    const scores = await one.score!(llama.cases.map((c) => toRequest(c.messages)));
    expect(one.stats!()).toMatchObject({ batches: 1, computedTokens: 29 + 28 + 68 + 65 + 327 + 34 + 34 + 16, paddedTokens: 8 * 327 });
    scores.forEach((s, i) => expect(Math.abs(s - llama.right_padded_batch_logits![i])).toBeLessThan(1e-5));
    scores.forEach((s, i) => expect(Math.abs(s - llama.cases[i].logit)).toBeLessThan(1e-5));
    await one.close?.();
  });

  it('scores length-bucketed batches of mixed sizes, from concurrent callers, in order', async () => {
    // A small token budget forces several batches of different sizes; 3 callers interleave.
    const small = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ maxBatchTokens: 140 }));
    const reqs = llama.cases.map((c) => toRequest(c.messages));
    const groups = [[0, 4, 7], [1, 2], [3, 5, 6]];
    const out = await Promise.all(groups.map((g) => small.score!(g.map((i) => reqs[i]))));
    groups.forEach((g, k) => g.forEach((i, j) => expect(Math.abs(out[k][j] - llama.cases[i].logit)).toBeLessThan(1e-5)));
    // Lengths 16 28 29 34 | 34 65 | 68 | 327 under a budget of 140 (rows x longest): 4 batches.
    expect(small.stats!()).toMatchObject({ batches: 4, paddedTokens: 4 * 34 + 2 * 65 + 68 + 327 });
    await small.close?.();
  });

  it('records what identifies the model and the encoding', () => {
    const d = scorer.info.details!;
    expect(scorer.info.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(d.modelSha256).toBe(scorer.info.fingerprint);
    expect(d.encoding).toBe('chat-template');
    expect(d.templateSource).toBe('chat_template.jinja');
    expect(d.templateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.maxLength).toBe(2048);
    expect(d.truncationSide).toBe('left');
    expect(d.padTokenId).toBe(1);
    expect(d.device).toBe('cpu');
    expect(d.warnings).toEqual([]);
  });
});

describe('tiny-bert-rm (encoder, text pair)', () => {
  const enc = encoderFor(BERT, true);
  let scorer: Scorer;
  beforeAll(async () => {
    scorer = await createOnnxScorer(BERT, `onnx:${BERT}`, options());
  });
  afterAll(() => scorer.close?.());

  it.each(bert.cases.map((c, i) => [i, c] as const))('case %i: ids and token types match', (_i, c) => {
    const e = enc.encodePair(c.question, c.answer);
    expect(e.ids).toEqual(c.input_ids);
    expect(e.typeIds).toEqual(c.token_type_ids);
  });

  it('is detected as an encoder from token_type_ids in the graph inputs', () => {
    expect(scorer.info.details!.encoding).toBe('text-pair');
    expect(scorer.info.details!.templateHash).toBeNull();
    expect(scorer.info.details!.inputs).toContain('token_type_ids');
  });

  it('scores one at a time, in one batch and in mixed batches within 1e-5', async () => {
    const reqs = bert.cases.map((c) => ({ prompt: [{ role: 'user' as const, content: c.question }], completion: c.answer }));
    for (let i = 0; i < reqs.length; i++) {
      const [s] = await scorer.score!([reqs[i]]);
      expect(Math.abs(s - bert.cases[i].logit)).toBeLessThan(1e-5);
    }
    const big = await createOnnxScorer(BERT, `onnx:${BERT}`, options({ maxBatchTokens: 8 * 311 }));
    const all = await big.score!(reqs);
    expect(big.stats!().batches).toBe(1);
    all.forEach((s, i) => expect(Math.abs(s - bert.cases[i].logit)).toBeLessThan(1e-5));
    await big.close?.();
    const small = await createOnnxScorer(BERT, `onnx:${BERT}`, options({ maxBatchTokens: 100 }));
    const mixed = await Promise.all([small.score!(reqs.slice(0, 5)), small.score!(reqs.slice(5))]);
    mixed.flat().forEach((s, i) => expect(Math.abs(s - bert.cases[i].logit)).toBeLessThan(1e-5));
    expect(small.stats!().batches).toBeGreaterThan(1);
    await small.close?.();
  });

  it('uses the last user turn as the question when the prompt has several turns', async () => {
    const c = bert.cases[0];
    const [s] = await scorer.score!([
      {
        prompt: [
          { role: 'system', content: 'Be nice.' },
          { role: 'user', content: 'Earlier question' },
          { role: 'assistant', content: 'Earlier answer' },
          { role: 'user', content: c.question },
        ],
        completion: c.answer,
      },
    ]);
    expect(Math.abs(s - c.logit)).toBeLessThan(1e-5);
  });
});
