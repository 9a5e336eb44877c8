// Export layouts: the chat template inside tokenizer_config.json (older exports) instead of
// chat_template.jinja, the transformers.js onnx/ subfolder, and a decoder folder with no template
// at all (scored as a text pair, and said so).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOnnxScorer } from '../../src/scorers/onnx/index.js';
import { listVariants, readLayout } from '../../src/scorers/onnx/layout.js';
import { LLAMA, golden, options, tempDir, toRequest, type LlamaCase } from './helpers.js';

const llama = golden<LlamaCase>(LLAMA);
const template = readFileSync(join(LLAMA, 'chat_template.jinja'), 'utf8');

function copy(files: string[], graphSub = ''): string {
  const dir = tempDir('rmgauge-layout-');
  for (const f of files) copyFileSync(join(LLAMA, f), join(dir, f));
  mkdirSync(join(dir, graphSub), { recursive: true });
  copyFileSync(join(LLAMA, 'model.onnx'), join(dir, graphSub, 'model.onnx'));
  return dir;
}

describe('export layouts', () => {
  it('reads the chat template from tokenizer_config.json when there is no chat_template.jinja', async () => {
    const dir = copy(['config.json', 'tokenizer.json']);
    const tc = JSON.parse(readFileSync(join(LLAMA, 'tokenizer_config.json'), 'utf8'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...tc, chat_template: template }));
    const s = await createOnnxScorer(dir, `onnx:${dir}`, options());
    expect(s.info.details).toMatchObject({ templateSource: 'tokenizer_config.json', encoding: 'chat-template' });
    const scores = await s.score!(llama.cases.map((c) => toRequest(c.messages)));
    scores.forEach((v, i) => expect(Math.abs(v - llama.cases[i].logit)).toBeLessThan(1e-5));
    await s.close?.();
  });

  it('reads a named template list ({name: "default"}) from tokenizer_config.json', () => {
    const dir = copy(['config.json', 'tokenizer.json']);
    writeFileSync(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ chat_template: [{ name: 'tool_use', template: 'x' }, { name: 'default', template }] }),
    );
    const l = readLayout(dir, '/');
    expect(l.chatTemplate).toBe(template);
    expect(l.templateSource).toBe('tokenizer_config.json (default)');
  });

  it('finds the graph under onnx/ (the transformers.js layout)', async () => {
    const dir = copy(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja'], 'onnx');
    expect(listVariants(join(dir, 'onnx'))).toEqual(['']);
    const s = await createOnnxScorer(dir, `onnx:${dir}`, options());
    const [v] = await s.score!([toRequest(llama.cases[1].messages)]);
    expect(Math.abs(v - llama.cases[1].logit)).toBeLessThan(1e-5);
    await s.close?.();
  });

  it('a folder without any chat template is scored as a (question, answer) text pair, and says so', async () => {
    const dir = copy(['config.json', 'tokenizer.json', 'tokenizer_config.json']);
    const s = await createOnnxScorer(dir, `onnx:${dir}`, options());
    expect(s.info.details).toMatchObject({ encoding: 'text-pair', templateHash: null, templateSource: null });
    const [v] = await s.score!([{ prompt: [{ role: 'user', content: 'Hi' }], completion: 'Hello' }]);
    expect(Number.isFinite(v)).toBe(true);
    await s.close?.();
  });

  it('refuses tokenizer.json that is not JSON or not a tokenizer', async () => {
    const dir = copy(['config.json', 'tokenizer_config.json', 'chat_template.jinja']);
    writeFileSync(join(dir, 'tokenizer.json'), '{"version": "1.0"');
    await expect(createOnnxScorer(dir, 'onnx:x', options())).rejects.toThrow(/tokenizer\.json: not valid JSON/);
    writeFileSync(join(dir, 'tokenizer.json'), '{"version": "1.0"}');
    await expect(createOnnxScorer(dir, 'onnx:x', options())).rejects.toThrow(/has no "model" section/);
  });
});
