// `rmgauge score` as a child process: the three line formats, order kept, scores equal to the
// reference, the persistent cache on a re-run, and malformed lines named by file, line and field.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BERT, LLAMA, ROOT, golden, tempDir, type BertCase, type LlamaCase } from './helpers.js';

const llama = golden<LlamaCase>(LLAMA);
const bert = golden<BertCase>(BERT);

function rmgauge(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'score', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, RMGAUGE_CACHE: tempDir() },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function jsonl(rows: unknown[]): string {
  const dir = tempDir();
  const file = join(dir, 'in.jsonl');
  writeFileSync(file, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return file;
}

describe('rmgauge score', () => {
  const c = llama.cases;
  const input = jsonl([
    { id: 'a', messages: c[5].messages },
    { id: 'b', prompt: c[0].messages[0].content, response: c[0].messages[1].content },
    '',
    { id: 'c', prompt: c[2].messages.slice(0, 1), response: c[2].messages[1].content },
    { id: 'd', question: c[7].messages[0].content, answer: c[7].messages[1].content },
  ]);

  it('writes one line per input line, in order, with the reference scores; the re-run hits the cache', () => {
    const cache = tempDir();
    const out = join(tempDir(), 'scores.jsonl');
    const r = rmgauge(['--model', `onnx:${LLAMA}`, '--input', input, '--out', out, '--cache-dir', cache]);
    expect(r.stderr).toMatch(/4 conversations scored with tiny-llama-rm .*computed 4/);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(lines[1]).toMatchObject({ prompt: c[0].messages[0].content, response: c[0].messages[1].content });
    const expected = [c[5].logit, c[0].logit, c[2].logit, c[7].logit];
    lines.forEach((l, i) => expect(Math.abs(l.score - expected[i])).toBeLessThan(1e-5));

    const again = rmgauge(['--model', `onnx:${LLAMA}`, '--input', input, '--cache-dir', cache]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/cacheHits 4, computed 0, batches 0/);
    expect(again.stdout.trim().split('\n').map((l) => JSON.parse(l).score)).toEqual(lines.map((l) => l.score));
  });

  it('scores question/answer pairs with an encoder model', () => {
    const file = jsonl(bert.cases.slice(0, 3).map((b) => ({ question: b.question, answer: b.answer })));
    const r = rmgauge(['--model', `onnx:${BERT}`, '--input', file, '--no-cache', '--max-batch-tokens', '64']);
    expect(r.code).toBe(0);
    const scores = r.stdout.trim().split('\n').map((l) => JSON.parse(l).score);
    scores.forEach((s, i) => expect(Math.abs(s - bert.cases[i].logit)).toBeLessThan(1e-5));
  });

  it.each([
    [[{ messages: c[0].messages }, { messages: c[0].messages.slice(0, 1) }], /in\.jsonl: row 2: field "messages": the last message must be the assistant/],
    [[{ messages: [{ role: 'robot', content: 'x' }] }], /row 1: field "messages\[0\]\.role": must be system, user or assistant/],
    [[{ prompt: 'q', response: 5 }], /row 1: field "response": must be a string/],
    [[{ question: 'q' }], /row 1: field "answer": must be a string/],
    [[{ text: 'hello' }], /row 1: needs "messages", or "prompt" \+ "response", or "question" \+ "answer"/],
    [[{ question: 'q', answer: 'a' }, '{not json'], /row 2: not valid JSON/],
  ])('refuses malformed input %#', (rows, message) => {
    const r = rmgauge(['--model', `onnx:${LLAMA}`, '--input', jsonl(rows), '--no-cache']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('works with any pointwise scorer from the registry (baseline:length scores the completion length)', () => {
    const file = jsonl([
      { question: 'q', answer: 'four' },
      { messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: '東京' }] },
      { prompt: 'p', response: '' },
    ]);
    const r = rmgauge(['--model', 'baseline:length', '--input', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).score)).toEqual([4, 2, 0]);
  });

  it('refuses missing arguments and bad flag values with one line', () => {
    expect(rmgauge(['--input', input]).stderr).toMatch(/score needs --model/);
    expect(rmgauge(['--model', `onnx:${LLAMA}`, '--input', '/nope.jsonl']).stderr).toMatch(/input file not found: \/nope\.jsonl/);
    const bad = rmgauge(['--model', `onnx:${LLAMA}`, '--input', input, '--max-length', 'lots']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--max-length must be a positive whole number, got "lots"/);
    expect(rmgauge(['--model', `onnx:${LLAMA}`, '--input', input, '--device', 'tpu']).stderr).toMatch(/--device must be cpu, cuda or webgpu/);
  });
});
