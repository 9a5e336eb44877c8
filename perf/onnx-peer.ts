// The peer a Node user would pick: the @huggingface/transformers text-classification pipeline on
// the same model folder. transformers.js wants onnx/model.onnx, so a temp folder of symlinks is
// built. Its text-classification classes cover encoders only (BERT, DeBERTa, ...); for Llama /
// Qwen2 reward models it says "Unsupported model type", so for decoders the temp folder declares
// model_type "bert": the pipeline then runs the very same graph through its generic encoder
// forward (input_ids + attention_mask from the graph's input names), with its own tokenizer,
// padding and pre/post-processing, which is what is being measured.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export interface Peer {
  /** Scores one input per call (the pipeline's default use). */
  one(text: string, pair?: string): Promise<void>;
  /** Scores a list per call (the pipeline pads the list to its longest member). */
  many(texts: string[], pairs?: string[]): Promise<void>;
  /** Raw logits through the pipeline's tokenizer and model, for a correctness check. */
  logits(texts: string[], pairs?: string[]): Promise<number[]>;
  note: string;
}

export async function openPeer(modelDirArg: string, device: 'cpu' | 'cuda' | 'webgpu' = 'cpu'): Promise<Peer> {
  const modelDir = resolve(modelDirArg); // the symlinks below must not be relative
  const { pipeline, env } = await import('@huggingface/transformers');
  const root = mkdtempSync(join(tmpdir(), 'rmgauge-tjs-'));
  const name = basename(modelDir);
  const dir = join(root, name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja']) {
    if (existsSync(join(modelDir, f))) symlinkSync(join(modelDir, f), join(dir, f));
  }
  symlinkSync(join(modelDir, 'model.onnx'), join(dir, 'onnx', 'model.onnx'));
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
  const supported = ['bert', 'deberta', 'deberta-v2', 'roberta', 'distilbert', 'xlm-roberta', 'electra', 'modernbert'];
  let note = 'native';
  if (!supported.includes(config.model_type)) {
    note = `model_type ${config.model_type} unsupported by the pipeline: run as "bert"`;
    config.model_type = 'bert';
  }
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  env.allowRemoteModels = false;
  env.localModelPath = root + '/';
  const clf = (await pipeline('text-classification', name, { dtype: 'fp32', device })) as unknown as {
    (input: unknown, opts?: unknown): Promise<unknown>;
    tokenizer: (t: string[], o: object) => unknown;
    model: (inputs: unknown) => Promise<{ logits: { data: Float32Array } }>;
  };
  const input = (t: string, p?: string) => (p === undefined ? t : { text: t, text_pair: p });
  return {
    note,
    async one(text, pair) {
      await clf(input(text, pair));
    },
    async many(texts, pairs) {
      await clf(texts.map((t, i) => input(t, pairs?.[i])));
    },
    async logits(texts, pairs) {
      const enc = clf.tokenizer(texts, { text_pair: pairs, padding: true, truncation: true });
      return Array.from((await clf.model(enc)).logits.data);
    },
  };
}
