// `rmgauge bench` as a user runs it: outputs, run files, and clear errors for bad input.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rmg-cli-'));
let n = 0;
function jsonl(rows: unknown[] | string): string {
  const p = join(dir, `f${n++}.jsonl`);
  writeFileSync(p, typeof rows === 'string' ? rows : rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return p;
}
const rb2Row = (id: string, extra: Record<string, unknown> = {}) => ({ id, prompt: 'p', chosen: ['a long and careful answer'], rejected: ['bad', 'worse', 'no'], subset: 'Math', ...extra });

function bench(args: string[]) {
  return runCli(['bench', '--quiet', '--no-report', '--out', join(dir, 'out'), ...args]);
}

function expectCleanError(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at .*\(/); // no stack trace
}

describe('rmgauge bench', () => {
  it('writes run.json and items.jsonl and prints the results object with --json', () => {
    const data = jsonl([rb2Row('a'), rb2Row('b', { chosen: ['x'], rejected: ['longer', 'y', 'z'] })]);
    const r = bench(['--suite', 'rewardbench2', '--data', data, '--model', 'baseline:length', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results.rewardbench2.subsets.Math).toEqual({ score: 0.5, n: 2, errors: 0 });
    expect(results.rewardbench2.score).toBe(0.5);
    const batch = readdirSync(join(dir, 'out')).sort().at(-1)!;
    const runDir = join(dir, 'out', batch, 'baseline-length');
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(run.schema_version).toBe(1);
    expect(run.status).toBe('complete');
    expect(run.harness.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.datasets.rewardbench2.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.model.spec).toBe('baseline:length');
    expect(run.results).toEqual(results);
    const items = readFileSync(join(runDir, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(items.map((i: { id: string }) => i.id).sort()).toEqual(['a', 'b']);
    expect(items[0]).toMatchObject({ suite: 'rewardbench2', subset: 'Math' });
  });

  it('prints a summary table and the run file paths', () => {
    const data = jsonl([rb2Row('a')]);
    const r = runCli(['bench', '--quiet', '--no-report', '--out', join(dir, 'out2'), '--suite', 'rewardbench2', '--data', data, '--model', 'baseline:length', '--model', 'baseline:random']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/suite\s+baseline-length\s+baseline-random/);
    expect(r.stdout).toMatch(/rewardbench2\s+100\.0/);
    expect(r.stdout).toMatch(/baseline-random[\\/]run\.json/);
  });

  it('names file, line and field of a malformed JSONL line', () => {
    expectCleanError(bench(['--suite', 'rewardbench2', '--data', jsonl('{"id":"a"}\n{oops\n'), '--model', 'baseline:length']), /f\d+\.jsonl: row 2: malformed JSON line/);
  });

  it('names a missing field', () => {
    const { subset: _s, ...row } = rb2Row('a');
    expectCleanError(bench(['--suite', 'rewardbench2', '--data', jsonl([row]), '--model', 'baseline:length']), /row 1: field "subset": missing/);
  });

  it('names a wrong type (chosen not a list)', () => {
    expectCleanError(bench(['--suite', 'rewardbench2', '--data', jsonl([rb2Row('a'), rb2Row('b', { chosen: 5 })]), '--model', 'baseline:length']), /row 2: field "chosen": expected a list of strings, found number/);
  });

  it('names an empty completion list', () => {
    expectCleanError(bench(['--suite', 'rewardbench2', '--data', jsonl([rb2Row('a', { rejected: [] })]), '--model', 'baseline:length']), /row 1: field "rejected": empty list/);
  });

  it('records a NaN or infinite score and a missing id as item errors that the summary counts', () => {
    const data = jsonl([rb2Row('a'), rb2Row('b'), rb2Row('c'), rb2Row('d')]);
    const scores = jsonl('{"id": "a", "scores": [1, 0, 0, 0]}\n{"id": "b", "scores": [NaN, 0, 0, 0]}\n{"id": "c", "scores": [Infinity, 0, 0, 0]}\n');
    const r = bench(['--suite', 'rewardbench2', '--data', data, '--model', `scores:${scores}`, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout).rewardbench2;
    expect(res.subsets.Math).toEqual({ score: 1, n: 1, errors: 3 });
    const batch = readdirSync(join(dir, 'out')).sort().at(-1)!;
    const runDir = readdirSync(join(dir, 'out', batch)).map((d) => join(dir, 'out', batch, d))[0];
    const items = readFileSync(join(runDir, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const byId: Record<string, { error?: string; result: number | null }> = Object.fromEntries(items.map((i: { id: string; error?: string; result: number | null }) => [i.id, i]));
    expect(byId.b.error).toMatch(/NaN/);
    expect(byId.c.error).toMatch(/Infinity/);
    expect(byId.d.error).toMatch(/"d" is absent from score file/);
    expect(byId.a.result).toBe(1);
  });

  it('refuses an unknown suite and an unknown model kind', () => {
    expectCleanError(bench(['--suite', 'nope', '--model', 'baseline:length']), /unknown suite "nope"; known suites: .*rewardbench2/);
    expectCleanError(bench(['--suite', 'rewardbench2', '--model', 'magic:x']), /unknown model kind "magic"/);
    expectCleanError(bench(['--suite', 'rewardbench2', '--model', 'baseline:tallest', '--sample']), /unknown baseline "tallest"/);
  });

  it('refuses a malformed score file with its line and field', () => {
    const scores = jsonl('{"id": "a", "scores": [1, "x"]}\n');
    expectCleanError(bench(['--suite', 'rewardbench2', '--sample', '--model', `scores:${scores}`]), /row 1: field "scores\[1\]": expected a number/);
  });

  it('runs v1 pairs with sections from the bundled sample', () => {
    const r = bench(['--suite', 'rewardbench', '--sample', '--model', 'baseline:length', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout).rewardbench;
    expect(Object.keys(res.sections).sort()).toEqual(['Chat', 'Chat Hard', 'Reasoning', 'Safety']);
  });
});

describe('score files', () => {
  it('accept one-element score lists, as classifier logits are often written', () => {
    const data = jsonl([rb2Row('a')]);
    const scores = jsonl('{"id": "a", "scores": [[2.5], [0.1], [3.0], [-1]]}\n');
    const r = bench(['--suite', 'rewardbench2', '--data', data, '--model', `scores:${scores}`, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rewardbench2.subsets.Math.score).toBe(0);
  });
});
