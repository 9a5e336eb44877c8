// Shared bits of the ONNX scorer tests: fixture paths, golden files, scorer options.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ScorerOptions } from '../../src/scorers/types.js';
import type { Message } from '../../src/types.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'models');
export const LLAMA = join(FIXTURES, 'tiny-llama-rm');
export const BERT = join(FIXTURES, 'tiny-bert-rm');

export interface LlamaCase {
  messages: Message[];
  rendered: string;
  input_ids: number[];
  logit: number;
}
export interface BertCase {
  question: string;
  answer: string;
  input_ids: number[];
  token_type_ids: number[];
  logit: number;
}

export function golden<T>(dir: string): { cases: T[]; right_padded_batch_logits?: number[] } {
  return JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
}

export function tempDir(prefix = 'rmgauge-onnx-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function options(extra: Partial<ScorerOptions> = {}): ScorerOptions {
  return { cwd: ROOT, seed: 1, cacheDir: tempDir(), noCache: true, ...extra };
}

/** A golden chat case as a score request: the last message is the completion. */
export function toRequest(messages: Message[]): { prompt: Message[]; completion: string } {
  return { prompt: messages.slice(0, -1), completion: messages[messages.length - 1].content };
}
