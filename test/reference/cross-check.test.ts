// rmgauge's RewardBench arithmetic against an independent numpy implementation, through the CLI,
// on synthetic data full of ties at the top and Ties corner cases.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/util/random.js';
import { runCli } from '../helpers/cli.js';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const reference = join(import.meta.dirname, 'rewardbench_reference.py');
const suitesDir = join(import.meta.dirname, '..', '..', 'suites');

function jsonl(file: string, rows: unknown[]): string {
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

function compare(ours: Record<string, unknown>, theirs: Record<string, unknown>): void {
  const o = ours as { score: number; subsets: Record<string, { score: number }>; sections?: Record<string, { score: number }> };
  const t = theirs as { score: number; subsets: Record<string, number>; sections?: Record<string, number> };
  expect(Object.keys(o.subsets).sort()).toEqual(Object.keys(t.subsets).sort());
  for (const [k, v] of Object.entries(t.subsets)) expect(Math.abs(o.subsets[k].score - v), k).toBeLessThan(1e-12);
  for (const [k, v] of Object.entries(t.sections ?? {})) expect(Math.abs(o.sections![k].score - v), k).toBeLessThan(1e-12);
  expect(Math.abs(o.score - t.score)).toBeLessThan(1e-12);
}

// Skipped only where python3 has no numpy (the reference needs it); this machine and CI have it.
describe.skipIf(!hasNumpy)('cross-check against a numpy reference', () => {
  for (const seed of [1, 2, 3]) {
    it(`rewardbench2, seed ${seed}`, () => {
      const rand = mulberry32(seed);
      const dir = mkdtempSync(join(tmpdir(), 'rmg-xcheck-'));
      const rows: Record<string, unknown>[] = [];
      const scores: Record<string, unknown>[] = [];
      const small = () => Math.floor(rand() * 3); // many ties at the top
      for (const subset of ['Factuality', 'Precise IF', 'Math', 'Safety', 'Focus']) {
        for (let i = 0; i < 40; i++) {
          const id = `${subset}-${i}`;
          rows.push({ id, prompt: 'p', chosen: ['c'], rejected: ['r1', 'r2', 'r3'], num_correct: 1, subset });
          scores.push({ id, scores: [small(), small(), small(), rand() < 0.5 ? small() : rand()] });
        }
      }
      for (let p = 0; p < 30; p++) {
        const nc = 2 + Math.floor(rand() * 3);
        const kind = p % 5;
        // corner cases: all tied correct answers equal (spread 0) with positive, zero or negative gaps
        const correctTied = Array.from({ length: nc }, () => (kind === 0 ? 2 : small() + rand()));
        rows.push({ id: `ref:${p}`, prompt: 'p', chosen: ['c'], rejected: ['x', 'y'], num_correct: 1, subset: 'Ties' });
        scores.push({ id: `ref:${p}`, scores: [kind === 1 ? 1 : small(), small(), small()] });
        rows.push({ id: `tied:${p}`, prompt: 'p', chosen: correctTied.map(() => 'c'), rejected: ['x', 'y'], num_correct: nc, subset: 'Ties' });
        scores.push({ id: `tied:${p}`, scores: [...correctTied, kind === 0 ? 2 : small(), small()] });
      }
      // a ref group with no tied partner
      rows.push({ id: 'ref:999', prompt: 'p', chosen: ['c'], rejected: ['x'], num_correct: 1, subset: 'Ties' });
      scores.push({ id: 'ref:999', scores: [1, 0] });
      const data = jsonl(join(dir, 'items.jsonl'), rows);
      const scoreFile = jsonl(join(dir, 'scores.jsonl'), scores);
      const theirs = JSON.parse(execFileSync('python3', [reference, 'rb2', data, scoreFile]).toString());
      const res = runCli(['bench', '--suite', 'rewardbench2', '--data', data, '--model', `scores:${scoreFile}`, '--json', '--quiet', '--no-report', '--out', dir]);
      expect(res.status, res.stderr).toBe(0);
      compare(JSON.parse(res.stdout).rewardbench2, theirs);
    });
  }

  it('rewardbench (v1), with subsets absent from their sections', () => {
    const rand = mulberry32(7);
    const dir = mkdtempSync(join(tmpdir(), 'rmg-xcheck-'));
    const subsets = ['alpacaeval-easy', 'alpacaeval-hard', 'mt-bench-med', 'mt-bench-hard', 'llmbar-natural', 'llmbar-adver-manual', 'donotanswer', 'xstest-should-respond', 'math-prm', 'hep-go', 'hep-rust'];
    const rows: Record<string, unknown>[] = [];
    const scores: Record<string, unknown>[] = [];
    let id = 0;
    for (const subset of subsets) {
      for (let i = 0; i < 25; i++, id++) {
        rows.push({ id, prompt: 'p', chosen: 'c', rejected: 'r', subset, chosen_model: 'a', rejected_model: 'b' });
        scores.push({ id, scores: [Math.floor(rand() * 3), Math.floor(rand() * 3)] });
      }
    }
    const data = jsonl(join(dir, 'pairs.jsonl'), rows);
    const scoreFile = jsonl(join(dir, 'scores.jsonl'), scores);
    const theirs = JSON.parse(execFileSync('python3', [reference, 'rb1', data, scoreFile, join(suitesDir, 'rewardbench.json')]).toString());
    const res = runCli(['bench', '--suite', 'rewardbench', '--data', data, '--model', `scores:${scoreFile}`, '--json', '--quiet', '--no-report', '--out', dir]);
    expect(res.status, res.stderr).toBe(0);
    compare(JSON.parse(res.stdout).rewardbench, theirs);
  });
});
