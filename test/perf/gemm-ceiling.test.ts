import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { decoderFlops, measureGemmCeiling, mlpGemmModel } from '../../perf/gemm-ceiling.js';

describe('GEMM ceiling graph', () => {
  it('is a valid ONNX model computing (x · w1) · w2', async () => {
    const session = await ort.InferenceSession.create(mlpGemmModel(3, 2));
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    // The weights are ((i * 7919) % 1000) / 1000 - 0.5 in row-major order.
    const w = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const w1 = w(6); // [3, 2]
    const w2 = w(6); // [2, 3]
    const x = [1, 2, 3, -1, 0, 0.5];
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [2, 3]) });
    expect(out.y.dims).toEqual([2, 3]);
    const expected: number[] = [];
    for (let r = 0; r < 2; r++) {
      const h = [0, 1].map((k) => [0, 1, 2].reduce((s, j) => s + x[r * 3 + j] * w1[j * 2 + k], 0));
      for (let c = 0; c < 3; c++) expected.push(h[0] * w2[c] + h[1] * w2[3 + c]);
    }
    Array.from(out.y.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    await session.release();
  });

  it('measures a positive rate in worker sessions', async () => {
    const c = await measureGemmCeiling({ hidden: 16, inner: 32, sessions: 2, threads: 1, tokens: 64, seconds: 0.05 });
    expect(c.gflops).toBeGreaterThan(0);
    expect(c).toMatchObject({ sessions: 2, threads: 1, shape: '[64x16]x[16x32]x[32x16]' });
  });
});

describe('decoderFlops', () => {
  it('counts the linear layers per token and attention per row length squared', () => {
    // small-qwen2-rm's shape: hidden 384, 6 heads of 64, 2 KV heads, MLP 1024, 6 layers.
    const config = { model_type: 'qwen2', hidden_size: 384, intermediate_size: 1024, num_hidden_layers: 6, num_attention_heads: 6, num_key_value_heads: 2 };
    // Per token and layer: q 384*384 + k, v 2*384*128 + o 384*384 + MLP 3*384*1024 = 1,572,864 MACs.
    const f = decoderFlops(config, [10, 20])!;
    expect(f.linear).toBe(2 * 6 * 1_572_864 * 30);
    // QK^T and AV: 2 * 6 heads * 64 * n^2 MACs per layer; n^2 summed: 100 + 400.
    expect(f.attention).toBe(2 * 6 * 2 * 384 * 500);
    expect(decoderFlops({ ...config, head_dim: 32 }, [1])!.attention).toBe(2 * 6 * 2 * 6 * 32);
  });

  it('knows only decoder configs it can count', () => {
    expect(decoderFlops({ model_type: 'bert', hidden_size: 8, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 1 }, [1])).toBeUndefined();
    expect(decoderFlops({ model_type: 'llama', hidden_size: 8 }, [1])).toBeUndefined();
    expect(decoderFlops({ model_type: 'llama', hidden_size: 8, intermediate_size: 8, num_hidden_layers: 1, num_attention_heads: 1 }, [])).toEqual({ linear: 0, attention: 0 });
  });
});
