// Bad and awkward input: missing files, corrupt or unsuitable graphs, over-long and empty
// completions, non-Latin text. Each is handled or refused with a message that says what is wrong.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { createOnnxScorer } from '../../src/scorers/onnx/index.js';
import { UserError } from '../../src/errors.js';
import { FLOAT, INT32, INT64, model, sumOfIdsModel, valueInfo } from './onnx-writer.js';
import { LLAMA, BERT, golden, options, tempDir, toRequest, type LlamaCase } from './helpers.js';

const llama = golden<LlamaCase>(LLAMA);
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja', 'model.onnx'];

/** A copy of tiny-llama-rm without `omit`, with `graph` as model.onnx when given. */
function modelDir(opts: { omit?: string[]; graph?: Uint8Array | string; config?: Record<string, unknown> } = {}): string {
  const dir = tempDir('rmgauge-bad-');
  for (const f of FILES) if (!opts.omit?.includes(f)) copyFileSync(join(LLAMA, f), join(dir, f));
  if (opts.graph !== undefined) writeFileSync(join(dir, 'model.onnx'), opts.graph);
  if (opts.config) {
    const cfg = JSON.parse(readFileSync(join(LLAMA, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, ...opts.config }));
  }
  return dir;
}

async function refusal(dir: string, extra = {}): Promise<string> {
  try {
    const s = await createOnnxScorer(dir, `onnx:${dir}`, options(extra));
    await s.close?.();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('missing and corrupt files', () => {
  it('refuses a folder that does not exist', async () => {
    expect(await refusal('/nonexistent/rm')).toMatch(/ONNX model folder not found: \/nonexistent\/rm/);
  });
  it('refuses a missing model.onnx and says what it looked for', async () => {
    expect(await refusal(modelDir({ omit: ['model.onnx'] }))).toMatch(/model file model\.onnx not found in .*no model\*\.onnx/);
  });
  it('refuses a missing tokenizer.json', async () => {
    expect(await refusal(modelDir({ omit: ['tokenizer.json'] }))).toMatch(/tokenizer\.json not found in/);
  });
  it('refuses a missing config.json', async () => {
    expect(await refusal(modelDir({ omit: ['config.json'] }))).toMatch(/config\.json not found/);
  });
  it('refuses a corrupt .onnx with the file name', async () => {
    const dir = modelDir({ graph: 'this is not a protobuf at all' });
    expect(await refusal(dir)).toMatch(new RegExp(`${dir}/model\\.onnx: onnxruntime cannot load this graph`));
  });
  it('lists the variants present when model.onnx is absent, and loads one by --variant', async () => {
    const dir = modelDir({ omit: ['model.onnx'] });
    copyFileSync(join(LLAMA, 'model.onnx'), join(dir, 'model_int8.onnx'));
    expect(await refusal(dir)).toMatch(/found: model_int8\.onnx; choose one with --variant/);
    expect(await refusal(dir, { variant: 'fp16' })).toMatch(/model_fp16\.onnx not found/);
    const s = await createOnnxScorer(dir, `onnx:${dir}`, options({ variant: 'int8' }));
    expect(s.info.label).toMatch(/_int8$/);
    expect(s.info.details!.variant).toBe('int8');
    expect(s.info.details!.modelFile).toBe('model_int8.onnx');
    const [score] = await s.score!([toRequest(llama.cases[0].messages)]);
    expect(Math.abs(score - llama.cases[0].logit)).toBeLessThan(1e-5);
    await s.close?.();
  });
});

describe('unsuitable graphs', () => {
  it('refuses a graph without a logits output, naming the outputs it has', async () => {
    expect(await refusal(modelDir({ graph: sumOfIdsModel(INT64, 'scores') }))).toMatch(/no "logits" output \(outputs: scores\)/);
  });
  it('refuses a graph that needs inputs it cannot provide (past key values)', async () => {
    expect(await refusal(modelDir({ graph: sumOfIdsModel(INT64, 'logits', ['past_key_values.0.key']) }))).toMatch(
      /needs inputs rmgauge cannot provide: past_key_values\.0\.key/,
    );
  });
  it('feeds int32 inputs to a graph that expects int32 (score = sum of the real ids)', async () => {
    const dir = modelDir({ graph: sumOfIdsModel(INT32) });
    const s = await createOnnxScorer(dir, `onnx:${dir}`, options());
    const reqs = [llama.cases[0], llama.cases[7]].map((c) => toRequest(c.messages));
    // In one padded batch: padding is masked out, so each row sums only its own golden ids.
    expect(await s.score!(reqs)).toEqual([sum(llama.cases[0].input_ids), sum(llama.cases[7].input_ids)]);
    // "Hi" with an empty answer: <|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<|im_end|>\n
    expect(llama.cases[7].input_ids).toEqual([2, 442, 85, 202, 43, 76, 3, 202, 2, 318, 333, 275, 718, 202, 3, 202]);
    expect(sum(llama.cases[7].input_ids)).toBe(3108);
    expect(s.info.details!.inputs).toEqual(['input_ids', 'attention_mask']);
    await s.close?.();
  });
  it('reports a non-finite score as an error instead of returning it', async () => {
    // logits = sqrt(-sum(ids)) = NaN for any non-empty input. token_type_ids makes it a pair-mode
    // model, which has no load-time probe, so the NaN shows up at scoring time.
    const graph = model(
      [
        { op: 'Mul', inputs: ['input_ids', 'attention_mask'], outputs: ['m'] },
        { op: 'Cast', inputs: ['m'], outputs: ['f'], ints: { to: FLOAT } },
        { op: 'ReduceSum', inputs: ['f'], outputs: ['s'], ints: { axes: [1], keepdims: 1 } },
        { op: 'Neg', inputs: ['s'], outputs: ['n'] },
        { op: 'Sqrt', inputs: ['n'], outputs: ['logits'] },
      ],
      ['input_ids', 'attention_mask', 'token_type_ids'].map((n) => valueInfo(n, INT64, ['batch', 'seq'])),
      [valueInfo('logits', FLOAT, ['batch', 1])],
    );
    const dir = modelDir({ graph });
    const s = await createOnnxScorer(dir, `onnx:${dir}`, options());
    await expect(s.score!([toRequest(llama.cases[0].messages)])).rejects.toThrow(/returned NaN/);
    await s.close?.();
  });
  it('a decoder graph that returns NaN fails its load-time check with a clear message', async () => {
    const graph = model(
      [
        { op: 'Mul', inputs: ['input_ids', 'attention_mask'], outputs: ['m'] },
        { op: 'Cast', inputs: ['m'], outputs: ['f'], ints: { to: FLOAT } },
        { op: 'ReduceSum', inputs: ['f'], outputs: ['s'], ints: { axes: [1], keepdims: 1 } },
        { op: 'Neg', inputs: ['s'], outputs: ['n'] },
        { op: 'Sqrt', inputs: ['n'], outputs: ['logits'] },
      ],
      ['input_ids', 'attention_mask'].map((n) => valueInfo(n, INT64, ['batch', 'seq'])),
      [valueInfo('logits', FLOAT, ['batch', 1])],
    );
    expect(await refusal(modelDir({ graph }))).toMatch(/failed its load-time check.*returned NaN/);
  });
});

describe('pad ids', () => {
  it('a decoder without a pad id scores one sequence at a time, correctly, and says so', async () => {
    const dir = modelDir({ config: { pad_token_id: null } });
    const tc = JSON.parse(readFileSync(join(LLAMA, 'tokenizer_config.json'), 'utf8'));
    delete tc.pad_token;
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tc));
    const s = await createOnnxScorer(dir, `onnx:${dir}`, options());
    expect(String(s.info.details!.warnings)).toMatch(/no pad token id.*batches larger than 1 would be wrong/);
    const scores = await s.score!(llama.cases.slice(0, 4).map((c) => toRequest(c.messages)));
    scores.forEach((v, i) => expect(Math.abs(v - llama.cases[i].logit)).toBeLessThan(1e-5));
    expect(s.stats!().batches).toBe(4);
    await s.close?.();
  });
  it('a wrong pad id (not the one the graph pools on) is caught at load and batching is turned off', async () => {
    // The graph pools the last token that is not id 1; padding with 3 (<|im_end|>) would move it.
    const dir = modelDir({ config: { pad_token_id: 3 } });
    const s = await createOnnxScorer(dir, `onnx:${dir}`, options());
    expect(String(s.info.details!.warnings)).toMatch(/scores .* in a batch but .* alone.*pad id 3/);
    const scores = await s.score!(llama.cases.map((c) => toRequest(c.messages)));
    scores.forEach((v, i) => expect(Math.abs(v - llama.cases[i].logit)).toBeLessThan(1e-5));
    await s.close?.();
  });
});

describe('truncation', () => {
  const c = llama.cases[0]; // 29 tokens
  async function direct(ids: number[]): Promise<number> {
    const sess = await ort.InferenceSession.create(join(LLAMA, 'model.onnx'));
    const t = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
    const out = await sess.run({ input_ids: t(ids), attention_mask: t(ids.map(() => 1)) });
    await sess.release();
    return (out.logits.data as Float32Array)[0];
  }

  it('left (default) keeps the last max-length tokens, i.e. the answer, and counts it', async () => {
    const s = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ maxLength: 20 }));
    const [v] = await s.score!([toRequest(c.messages), toRequest(llama.cases[7].messages)]);
    expect(Math.abs(v - (await direct(c.input_ids.slice(9))))).toBeLessThan(1e-5);
    expect(s.stats!().truncated).toBe(1);
    expect(s.stats!().completions).toBe(2);
    await s.close?.();
  });
  it('right keeps the first max-length tokens', async () => {
    const s = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ maxLength: 20, truncationSide: 'right' }));
    const [v] = await s.score!([toRequest(c.messages)]);
    expect(Math.abs(v - (await direct(c.input_ids.slice(0, 20))))).toBeLessThan(1e-5);
    expect(s.info.details!.truncationSide).toBe('right');
    await s.close?.();
  });
  it('pair encoding truncates longest-first and keeps [CLS] q [SEP] a [SEP]', async () => {
    const { ConversationEncoder } = await import('../../src/scorers/onnx/encode.js');
    const { readLayout } = await import('../../src/scorers/onnx/layout.js');
    const l = readLayout(BERT, '/');
    const enc = new ConversationEncoder({ ...l, pairMode: true, maxLength: 10, truncationSide: 'left' });
    // q = what is 2+2? -> 6 tokens, a = 2+2 equals 4. -> 7 tokens; budget 10 - 3 specials = 7: q 4, a 3.
    const e = enc.encodePair('What is 2+2?', '2+2 equals 4.');
    expect(e.ids).toEqual([2, 22, 15, 22, 35, 3, 127, 24, 18, 3]);
    expect(e.typeIds).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(e.truncated).toBe(true);
    const r = new ConversationEncoder({ ...l, pairMode: true, maxLength: 10, truncationSide: 'right' });
    expect(r.encodePair('What is 2+2?', '2+2 equals 4.').ids).toEqual([2, 2696, 193, 22, 15, 3, 22, 15, 22, 3]);
  });
  it('refuses a max length too small to hold anything', async () => {
    expect(await refusal(LLAMA, { maxLength: 4 })).toMatch(/--max-length must be at least 8/);
  });
});

describe('awkward text', () => {
  it('scores empty completions, emoji, CJK and right-to-left text to finite numbers, batched = single', async () => {
    const s = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options());
    const texts = ['', '🤖🎉👍🏽 ok', '東京です。日本の首都。', 'مرحبا بالعالم، كيف حالك؟', 'שלום עולם', '\u202eevil\u202c', '\0\u0007'];
    const reqs = texts.map((t) => ({ prompt: [{ role: 'user' as const, content: 'Say something' }], completion: t }));
    const batched = await s.score!(reqs);
    for (let i = 0; i < reqs.length; i++) {
      expect(Number.isFinite(batched[i])).toBe(true);
      const [one] = await s.score!([reqs[i]]);
      expect(Math.abs(one - batched[i])).toBeLessThan(1e-5);
    }
    await s.close?.();
  });
});

describe('devices', () => {
  it('names the install command when the CUDA provider is missing', async () => {
    const { providerAvailable } = await import('../../src/scorers/onnx/session.js');
    if (providerAvailable('cuda')) return; // a machine with the provider installed has nothing to refuse
    expect(await refusal(LLAMA, { device: 'cuda' })).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/);
  });
  it('refuses an unknown device', async () => {
    expect(await refusal(LLAMA, { device: 'tpu' as never })).toMatch(/--device must be cpu, cuda or webgpu/);
  });
});

rmSync(tempDir(), { recursive: true, force: true });
