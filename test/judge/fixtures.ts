// Hand-made items for the judge tests. Correct answers carry GOOD, wrong ones BAD, so the scripted
// judges of the loopback server can find them in whatever order the prompt shows them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Item } from '../../src/types.js';
import type { ScorerOptions } from '../../src/scorers/types.js';
import { BAD, GOOD } from '../helpers/fake-openai-server.js';

export function pairItems(n: number, extra: Partial<Item> = {}): Item[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `pair-${i}`,
    id: String(i),
    suite: 'rewardbench',
    subset: 'alpacaeval-easy',
    prompt: [{ role: 'user' as const, content: `Question number ${i}: what is ${i} + ${i}?` }],
    completions: [`It is ${2 * i}. ${GOOD}`, `It is ${2 * i + 1}. ${BAD}`],
    numCorrect: 1,
    ...extra,
  }));
}

export function bestOf4Items(n: number, subset = 'Factuality'): Item[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `rb2-${i}`,
    id: `rb2-${i}`,
    suite: 'rewardbench2',
    subset,
    prompt: [{ role: 'user' as const, content: `Name the capital of country ${i}.` }],
    completions: [`Capital ${i}. ${GOOD}`, `Wrong city ${i}a. ${BAD}`, `Wrong city ${i}b. ${BAD}`, `Wrong city ${i}c. ${BAD}`],
    numCorrect: 1,
  }));
}

export function tmpDir(prefix = 'rmgauge-judge-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Scorer options with a private cache dir and a config file for one judge on `url`. */
export function judgeOptions(url: string, judge: Record<string, unknown> = {}, extra: Partial<ScorerOptions> = {}): ScorerOptions {
  const dir = tmpDir();
  const configFile = join(dir, 'rmgauge.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ judges: { fake: { base_url: url, model: 'fake-judge', retry_base_ms: 5, timeout_ms: 5000, ...judge } } }),
  );
  return { cwd: dir, seed: 7, cacheDir: join(dir, 'cache'), configFile, ...extra };
}

/** Mean of item results. */
export const meanResult = (results: Array<number | null>) => results.reduce<number>((a, b) => a + (b ?? NaN), 0) / results.length;
