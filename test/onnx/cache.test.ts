// The persistent score cache: a second scorer on the same cache directory computes nothing; a
// different model (fingerprint) or --no-cache does not hit; identical in-flight requests run once.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOnnxScorer } from '../../src/scorers/onnx/index.js';
import { KvStore } from '../../src/cache/kv-store.js';
import { LLAMA, golden, options, tempDir, toRequest, type LlamaCase } from './helpers.js';

const llama = golden<LlamaCase>(LLAMA);
const reqs = llama.cases.map((c) => toRequest(c.messages));

describe('score cache', () => {
  it('a re-run on the same cache directory is served from scores.sqlite', async () => {
    const cacheDir = tempDir();
    const first = await createOnnxScorer(LLAMA, 'onnx:x', options({ cacheDir, noCache: false }));
    const a = await first.score!(reqs);
    expect(first.stats!()).toMatchObject({ cacheHits: 0, computed: 8 });
    await first.close?.();

    const second = await createOnnxScorer(LLAMA, 'onnx:x', options({ cacheDir, noCache: false }));
    const b = await second.score!(reqs);
    expect(b).toEqual(a);
    expect(second.stats!()).toMatchObject({ cacheHits: 8, computed: 0, batches: 0 });
    await second.close?.();

    // Keyed by the model's sha256 namespace and one key per distinct token sequence.
    const kv = new KvStore(join(cacheDir, 'scores.sqlite'), 'scores');
    expect(kv.get(`onnx:${second.info.fingerprint}`, 'nope')).toBeUndefined();
    kv.close();
  });

  it('another model (different file bytes) does not reuse the scores', async () => {
    const cacheDir = tempDir();
    const s1 = await createOnnxScorer(LLAMA, 'onnx:x', options({ cacheDir, noCache: false }));
    await s1.score!(reqs.slice(0, 2));
    await s1.close?.();
    const dir = tempDir();
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja', 'model.onnx']) {
      copyFileSync(join(LLAMA, f), join(dir, f));
    }
    writeFileSync(join(dir, 'model.onnx_data'), 'extra bytes change the fingerprint');
    const s2 = await createOnnxScorer(dir, 'onnx:y', options({ cacheDir, noCache: false }));
    expect(s2.info.fingerprint).not.toBe(s1.info.fingerprint);
    expect(s2.info.details!.externalData).toEqual(['model.onnx_data']);
    await s2.score!(reqs.slice(0, 2));
    expect(s2.stats!()).toMatchObject({ cacheHits: 0, computed: 2 });
    await s2.close?.();
  });

  it('--no-cache computes every time and writes nothing', async () => {
    const cacheDir = tempDir();
    for (let i = 0; i < 2; i++) {
      const s = await createOnnxScorer(LLAMA, 'onnx:x', options({ cacheDir, noCache: true }));
      await s.score!(reqs.slice(0, 3));
      expect(s.stats!()).toMatchObject({ cacheHits: 0, computed: 3 });
      await s.close?.();
    }
  });

  it('--graph-cache saves the optimised graph once and loads it afterwards, with the same scores', async () => {
    const cacheDir = tempDir();
    const { readdirSync } = await import('node:fs');
    const s1 = await createOnnxScorer(LLAMA, 'onnx:x', options({ cacheDir, graphCache: true }));
    const a = await s1.score!(reqs);
    await s1.close?.();
    const saved = readdirSync(join(cacheDir, 'onnx-graphs')).sort();
    // The graph without its NaN guards, and a note of how many it lost.
    expect(saved).toHaveLength(2);
    expect(saved[0]).toMatch(/^[0-9a-f]{24}-cpu-t\d+-ng\.onnx$/);
    expect(saved[1]).toBe(`${saved[0]}.json`);
    const s2 = await createOnnxScorer(LLAMA, 'onnx:x', options({ cacheDir, graphCache: true }));
    expect(s2.info.details).toMatchObject({ nanGuardsElided: 2 });
    const b = await s2.score!(reqs);
    b.forEach((v, i) => expect(Math.abs(v - a[i])).toBeLessThan(1e-6));
    b.forEach((v, i) => expect(Math.abs(v - llama.cases[i].logit)).toBeLessThan(1e-5));
    await s2.close?.();
  });

  it('identical conversations requested concurrently are computed once', async () => {
    const s = await createOnnxScorer(LLAMA, 'onnx:x', options());
    const out = await Promise.all([s.score!([reqs[0], reqs[1]]), s.score!([reqs[1], reqs[0]]), s.score!([reqs[0]])]);
    expect(out[1]).toEqual([out[0][1], out[0][0]]);
    expect(out[2]).toEqual([out[0][0]]);
    expect(s.stats!()).toMatchObject({ computed: 2, deduplicated: 3, completions: 5 });
    await s.close?.();
  });
});
