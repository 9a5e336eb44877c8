// The softmax NaN guards of torch.onnx attention: found and removed only where the pattern is
// exact, scores unchanged on the real fixtures, and every batch the guard-free graph cannot be
// trusted with (a masked first token, a non-finite logit) run on the graph as exported.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createOnnxScorer } from '../../src/scorers/onnx/index.js';
import { onnxFlagValues } from '../../src/scorers/onnx/flags.js';
import { attentionMayMaskWholeRows, elideSoftmaxNanGuards } from '../../src/scorers/onnx/nan-guard.js';
import { payload, readFields, text, type NodeSpec } from '../../src/scorers/onnx/onnx-proto.js';
import { SessionPool } from '../../src/scorers/onnx/session-pool.js';
import { prepareGuardFreeGraph } from '../../src/scorers/onnx/session.js';
import type { Encoded } from '../../src/scorers/onnx/encode.js';
import { BERT, LLAMA, golden, options, tempDir, toRequest, type LlamaCase } from './helpers.js';
import { FLOAT, INT64, model, sumOfIdsModel, valueInfo } from './onnx-writer.js';

const llama = golden<LlamaCase>(LLAMA);

const constants = [
  { name: 'one', dims: [], values: BigInt64Array.from([1n]) },
  { name: 'ninf', dims: [], values: Float32Array.from([-Infinity]) },
  { name: 'zero', dims: [], values: Float32Array.from([0]) },
];

/**
 * A "reward model" whose softmax runs over the padding: every position with mask 1 gets -inf, so
 * the softmax of a row without padding is NaN, which the guard turns into 0. logits = the sum of
 * the guarded probabilities: 1 for a padded row, 0 for a full one.
 */
function guardedModel(guard: NodeSpec[] = [
  { op: 'IsNaN', inputs: ['p'], outputs: ['nan'] },
  { op: 'Where', inputs: ['nan', 'zero', 'p'], outputs: ['g'] },
], before: NodeSpec = { op: 'Softmax', inputs: ['s'], outputs: ['p'], ints: { axis: 1 } }, extraOutputs: string[] = []): Uint8Array {
  return model(
    [
      { op: 'Equal', inputs: ['attention_mask', 'one'], outputs: ['eq'] },
      { op: 'Where', inputs: ['eq', 'ninf', 'zero'], outputs: ['s'] },
      before,
      ...guard,
      { op: 'ReduceSum', inputs: ['g'], outputs: ['logits'], ints: { axes: [1], keepdims: 1 } },
      // input_ids must be a graph input: feed it into something harmless.
      { op: 'Shape', inputs: ['input_ids'], outputs: ['ids_shape'] },
    ],
    [valueInfo('input_ids', INT64, ['batch', 'seq']), valueInfo('attention_mask', INT64, ['batch', 'seq'])],
    [valueInfo('logits', FLOAT, ['batch', 1]), ...extraOutputs.map((o) => valueInfo(o, 9, ['batch', 'seq']))],
    constants,
  );
}

function opTypes(bytes: Uint8Array): string[] {
  const graphField = readFields(bytes).find((f) => f.field === 7)!;
  const graph = payload(bytes, graphField);
  return readFields(graph)
    .filter((f) => f.field === 1)
    .map((f) => {
      const node = payload(graph, f);
      return text(node, readFields(node).find((x) => x.field === 4)!);
    });
}

async function logitsOf(bytes: Uint8Array, mask: number[][]): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const cols = mask[0].length;
  const t = (v: number[][]) => new ort.Tensor('int64', BigInt64Array.from(v.flat().map(BigInt)), [v.length, cols]);
  const out = await session.run({ input_ids: t(mask), attention_mask: t(mask) });
  await session.release();
  return Array.from(out.logits.data as Float32Array);
}

describe('elideSoftmaxNanGuards', () => {
  it('replaces Where(IsNaN(softmax), c, softmax) by the softmax and drops the IsNaN', async () => {
    const original = guardedModel();
    const { model: rewritten, guards } = elideSoftmaxNanGuards(original);
    expect(guards).toBe(1);
    expect(opTypes(original)).toEqual(['Equal', 'Where', 'Softmax', 'IsNaN', 'Where', 'ReduceSum', 'Shape']);
    expect(opTypes(rewritten)).toEqual(['Equal', 'Where', 'Softmax', 'Identity', 'ReduceSum', 'Shape']);
    // A padded row is unaffected; a full row's softmax is NaN, which only the guard turned into 0.
    const mask = [
      [1, 1, 0],
      [1, 1, 1],
    ];
    expect(await logitsOf(original, mask)).toEqual([1, 0]);
    const without = await logitsOf(rewritten, mask);
    expect(without[0]).toBe(1);
    expect(without[1]).toBeNaN();
  });

  it('leaves a graph alone unless the pattern is exact', () => {
    const swapped = guardedModel([
      { op: 'IsNaN', inputs: ['p'], outputs: ['nan'] },
      { op: 'Where', inputs: ['nan', 'p', 'zero'], outputs: ['g'] },
    ]);
    expect(elideSoftmaxNanGuards(swapped).guards).toBe(0);
    const otherTensor = guardedModel([
      { op: 'IsNaN', inputs: ['s'], outputs: ['nan'] },
      { op: 'Where', inputs: ['nan', 'zero', 'p'], outputs: ['g'] },
    ]);
    expect(elideSoftmaxNanGuards(otherTensor).guards).toBe(0);
    const notSoftmax = guardedModel(undefined, { op: 'Exp', inputs: ['s'], outputs: ['p'] });
    const result = elideSoftmaxNanGuards(notSoftmax);
    expect(result.guards).toBe(0);
    expect(result.model).toBe(notSoftmax);
  });

  it('keeps an IsNaN whose output is used elsewhere', () => {
    const bytes = guardedModel(undefined, undefined, ['nan']);
    const { model: rewritten, guards } = elideSoftmaxNanGuards(bytes);
    expect(guards).toBe(1);
    expect(opTypes(rewritten)).toEqual(['Equal', 'Where', 'Softmax', 'IsNaN', 'Identity', 'ReduceSum', 'Shape']);
  });

  it('finds one guard per attention layer in the fixtures', () => {
    expect(elideSoftmaxNanGuards(readFileSync(join(LLAMA, 'model.onnx'))).guards).toBe(2);
    expect(elideSoftmaxNanGuards(readFileSync(join(BERT, 'model.onnx'))).guards).toBeGreaterThan(0);
  });

  it('refuses bytes that are not protobuf', () => {
    expect(() => elideSoftmaxNanGuards(Uint8Array.from([0x0f, 0xff]))).toThrow();
  });
});

describe('prepareGuardFreeGraph', () => {
  it('writes the guard-free graph once for all sessions, to a file that cleanup deletes', () => {
    const setup = { modelFile: join(LLAMA, 'model.onnx'), device: 'cpu' as const, elideNanGuards: true };
    const { setup: prepared, cleanup } = prepareGuardFreeGraph(setup);
    const file = prepared.guardFree!.graph as string;
    expect(prepared.guardFree!.guards).toBe(2);
    expect(elideSoftmaxNanGuards(readFileSync(file)).guards).toBe(0); // already without them
    cleanup();
    expect(existsSync(file)).toBe(false);
  });

  it('writes nothing when there is nothing to remove, or when not asked', () => {
    const modelFile = join(tempDir(), 'model.onnx');
    writeFileSync(modelFile, sumOfIdsModel(INT64));
    const { setup } = prepareGuardFreeGraph({ modelFile, device: 'cpu', elideNanGuards: true });
    expect(setup.guardFree).toEqual({ graph: null, guards: 0 });
    const asked = { modelFile, device: 'cpu' as const };
    expect(prepareGuardFreeGraph(asked).setup).toBe(asked);
  });
});

describe('attentionMayMaskWholeRows', () => {
  it('is true for sliding windows shorter than the sequences, local layers and chunked attention', () => {
    expect(attentionMayMaskWholeRows({ sliding_window: 4096 }, 8192)).toBe(true);
    expect(attentionMayMaskWholeRows({ sliding_window: 4096 }, 2048)).toBe(false);
    expect(attentionMayMaskWholeRows({ sliding_window: 1024, use_sliding_window: false }, 2048)).toBe(false);
    expect(attentionMayMaskWholeRows({ sliding_window: null }, 2048)).toBe(false);
    expect(attentionMayMaskWholeRows({ layer_types: ['full_attention', 'sliding_attention'] }, 2048)).toBe(true);
    expect(attentionMayMaskWholeRows({ layer_types: ['full_attention', 'full_attention'] }, 2048)).toBe(false);
    expect(attentionMayMaskWholeRows({ attention_chunk_size: 8192 }, 2048)).toBe(true);
    expect(attentionMayMaskWholeRows({}, 2048)).toBe(false);
  });
});

describe('--keep-nan-guards', () => {
  it('is the scorer option keepNanGuards, off unless given', () => {
    expect(onnxFlagValues({ 'keep-nan-guards': true })).toEqual({ keepNanGuards: true });
    expect(onnxFlagValues({})).toEqual({});
  });
});

describe('sessions without the guards', () => {
  const pools: SessionPool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  const row = (n: number, maskedPrefix = 0): Encoded => ({ ids: Array.from({ length: n }, (_, i) => 5 + i), maskedPrefix, truncated: false });

  it('rerun a batch with a non-finite logit on the graph as exported', async () => {
    const modelFile = join(tempDir(), 'model.onnx');
    writeFileSync(modelFile, guardedModel());
    const pool = await SessionPool.open({ modelFile, device: 'cpu', threads: 1, elideNanGuards: true }, 1);
    pools.push(pool);
    expect(pool.nanGuardsElided).toBe(1);
    // The longest row has no padding: NaN without the guard, 0 with it.
    expect(await pool.run([row(2), row(3)], 0)).toEqual([1, 0]);
    expect(pool.guardedBatches).toBe(1);
    const kept = await SessionPool.open({ modelFile, device: 'cpu', threads: 1 }, 1);
    pools.push(kept);
    expect(kept.nanGuardsElided).toBe(0);
    expect(await kept.run([row(2), row(3)], 0)).toEqual([1, 0]);
    expect(kept.guardedBatches).toBe(0);
  });

  it('give the golden logits on the fixture, and run batches with a masked first token as exported', async () => {
    const s = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ sessions: 1, threads: 1 }));
    const kept = await createOnnxScorer(LLAMA, `onnx:${LLAMA}`, options({ sessions: 1, threads: 1, keepNanGuards: true }));
    try {
      expect(s.info.details).toMatchObject({ nanGuardsElided: 2 });
      expect(kept.info.details).toMatchObject({ nanGuardsElided: 0 });
      const reqs = llama.cases.map((c) => toRequest(c.messages));
      const a = await s.score!(reqs);
      const b = await kept.score!(reqs);
      expect(a).toEqual(b); // bit for bit
      a.forEach((v, i) => expect(Math.abs(v - llama.cases[i].logit)).toBeLessThan(1e-5));
      expect(s.stats!()).toMatchObject({ guardedBatches: 0 });
    } finally {
      await s.close!();
      await kept.close!();
    }

    const modelFile = join(LLAMA, 'model.onnx');
    const pool = await SessionPool.open({ modelFile, device: 'cpu', threads: 1, elideNanGuards: true }, 1);
    pools.push(pool);
    const exported = await SessionPool.open({ modelFile, device: 'cpu', threads: 1 }, 1);
    pools.push(exported);
    // A masked first position is a fully masked query row under causal attention.
    const rows = [row(6, 1), row(9, 0)];
    const want = await exported.run(rows, 1);
    want.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(await pool.run(rows, 1)).toEqual(want);
    expect(pool.guardedBatches).toBe(1);
    expect(await pool.run([row(6), row(9)], 1)).toEqual(await exported.run([row(6), row(9)], 1));
    expect(pool.guardedBatches).toBe(1);
  });
});
