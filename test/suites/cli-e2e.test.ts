// The five suites end to end through `rmgauge bench` (a child process): the baseline scorer on the
// bundled samples, and score files with designed scores whose results are computed by hand.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, runCli } from '../helpers/cli.js';
import type { SuiteResult } from '../../src/types.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rmgauge-adv-'));

function bench(args: string[]): { status: number | null; results: Record<string, SuiteResult>; stderr: string } {
  const dir = tmp();
  const r = runCli(['bench', '--quiet', '--no-report', '--json', '--out', join(dir, 'out'), '--cache-dir', join(dir, 'cache'), ...args]);
  let results: Record<string, SuiteResult> = {};
  if (r.status === 0) results = JSON.parse(r.stdout);
  return { status: r.status, results, stderr: r.stderr };
}

function jsonl(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

function writeScores(lines: object[]): string {
  const file = join(tmp(), 'scores.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

const sample = (p: string) => join(projectRoot, 'datasets', 'samples', p);

function inUnit(v: unknown) {
  expect(typeof v).toBe('number');
  expect(v as number).toBeGreaterThanOrEqual(0);
  expect(v as number).toBeLessThanOrEqual(1);
}

describe('baseline:length on every bundled sample', () => {
  it('all five suites run and report fractions (no NaN)', () => {
    const r = bench(['--sample', '--model', 'baseline:length', ...['m-rewardbench', 'one-token-to-fool', 'probes', 'rm-bench', 'judgebench'].flatMap((s) => ['--suite', s])]);
    expect(r.status, r.stderr).toBe(0);
    for (const name of ['m-rewardbench', 'one-token-to-fool', 'probes', 'rm-bench', 'judgebench']) {
      const res = r.results[name];
      expect(res, name).toBeDefined();
      inUnit(res.score);
      expect(res.errors).toBe(0);
      for (const c of Object.values(res.subsets)) if (c.score !== null) inUnit(c.score);
      expect(JSON.stringify(res)).not.toMatch(/NaN/);
    }
    const m = r.results['m-rewardbench'];
    expect(Object.keys(m.subsets).sort()).toEqual(['arb_Arab', 'deu_Latn', 'eng_Latn', 'heb_Hebr', 'jpn_Jpan', 'rus_Cyrl', 'zho_Hans']);
    expect(Object.keys(m.sections!)).toEqual(['Chat', 'Chat Hard', 'Safety', 'Reasoning']);
    expect(typeof m.metrics!.english_gap_pct).toBe('number');
    expect(Object.keys(r.results.probes.subsets).sort()).toEqual(['length-padding', 'markdown', 'master-key', 'original', 'reasoning-opener', 'self-assessment']);
    // longer always wins: padding flips every pair the original got right, so its accuracy is 0
    expect(r.results.probes.subsets['length-padding'].score).toBe(0);
    expect(Object.keys(r.results['rm-bench'].sections!)).toEqual(['hard', 'normal', 'easy']);
    expect(Object.keys(r.results.judgebench.subsets).sort()).toEqual(['claude', 'gpt']);
  }, 180_000);

  it('judgebench and rm-bench: the length baseline equals an independent count on the sample files', () => {
    const r = bench(['--sample', '--model', 'baseline:length', '--suite', 'judgebench', '--suite', 'rm-bench']);
    expect(r.status, r.stderr).toBe(0);
    let correct = 0;
    let n = 0;
    for (const f of readdirSync(sample('judgebench'))) {
      for (const row of jsonl(join(sample('judgebench'), f))) {
        const [better, worse] = row.label === 'A>B' ? [row.response_A, row.response_B] : [row.response_B, row.response_A];
        correct += (better as string).length > (worse as string).length ? 1 : 0;
        n++;
      }
    }
    expect(r.results.judgebench.score).toBeCloseTo(correct / n, 12);
    // rm-bench: per domain, mean over items of the 9 length comparisons; overall = mean of domains
    const rows = JSON.parse(readFileSync(sample('rm-bench/total_dataset.json'), 'utf8')) as Array<{ chosen: string[]; rejected: string[]; domain: string }>;
    const byDomain = new Map<string, number[]>();
    for (const row of rows) {
      const d = row.domain.startsWith('safety') ? 'safety' : row.domain;
      let wins = 0;
      for (const c of row.chosen) for (const rj of row.rejected) wins += c.length > rj.length ? 1 : 0;
      byDomain.set(d, [...(byDomain.get(d) ?? []), wins / 9]);
    }
    const domainScores = [...byDomain.values()].map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
    expect(r.results['rm-bench'].score).toBeCloseTo(domainScores.reduce((a, b) => a + b, 0) / domainScores.length, 12);
  }, 120_000);
});

describe('score files, hand-computed results', () => {
  it('m-rewardbench: ids repeat across languages, the score file keys them by language', () => {
    const lines: object[] = [];
    for (const f of readdirSync(sample('m-rewardbench'))) {
      const lang = basename(f, '.jsonl');
      for (const row of jsonl(join(sample('m-rewardbench'), f))) lines.push({ id: row.id, language: lang, scores: lang === 'jpn_Jpan' ? [0, 0] : [1, 0] });
    }
    const r = bench(['--suite', 'm-rewardbench', '--data', sample('m-rewardbench'), '--model', `scores:${writeScores(lines)}`]);
    expect(r.status, r.stderr).toBe(0);
    const m = r.results['m-rewardbench'];
    expect(m.subsets.jpn_Jpan.score).toBe(0); // ties are wrong
    expect(m.subsets.arb_Arab.score).toBe(1);
    expect(m.score).toBeCloseTo(5 / 6, 12); // six languages besides English
    expect(m.metrics!.english).toBe(1);
    expect(m.metrics!.english_gap_pct).toBeCloseTo((5 / 6 - 1) * 100, 10);
    expect(m.metrics!.language_std).toBeCloseTo(Math.sqrt(5 / 36), 12);
    const withLanguages = bench(['--suite', 'm-rewardbench', '--data', sample('m-rewardbench'), '--languages', 'jpn_Jpan,arb_Arab', '--model', `scores:${writeScores(lines)}`]);
    expect(withLanguages.status, withLanguages.stderr).toBe(0);
    expect(Object.keys(withLanguages.results['m-rewardbench'].subsets).sort()).toEqual(['arb_Arab', 'jpn_Jpan']);
    expect(withLanguages.results['m-rewardbench'].score).toBeCloseTo(0.5, 12);
  }, 120_000);

  it('rm-bench: the same scores for every item give hard 1, normal 1, easy 0', () => {
    const rows = JSON.parse(readFileSync(sample('rm-bench/total_dataset.json'), 'utf8')) as Array<{ id: number }>;
    const file = writeScores(rows.map((row) => ({ id: row.id, scores: [3, 2, 1, 2.5, 1.5, 0.5] })));
    const r = bench(['--suite', 'rm-bench', '--sample', '--model', `scores:${file}`]);
    expect(r.status, r.stderr).toBe(0);
    const res = r.results['rm-bench'];
    expect(res.score).toBeCloseTo(2 / 3, 12);
    expect(res.metrics).toEqual({ hard: 1, normal: 1, easy: 0 });
  }, 120_000);

  it('judgebench: [better, worse] order; gpt right, claude tied', () => {
    const lines: object[] = [];
    for (const f of readdirSync(sample('judgebench'))) {
      for (const row of jsonl(join(sample('judgebench'), f))) lines.push({ id: row.pair_id, scores: f.startsWith('gpt') ? [1, 0] : [0.5, 0.5] });
    }
    const r = bench(['--suite', 'judgebench', '--sample', '--model', `scores:${writeScores(lines)}`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.results.judgebench.subsets).toEqual({ claude: { score: 0, n: 3, errors: 0 }, gpt: { score: 1, n: 4, errors: 0 } });
    expect(r.results.judgebench.score).toBeCloseTo(4 / 7, 12);
  }, 120_000);

  it('one-token-to-fool: the first five keys tie the correct answer (fooled), the others score below it', () => {
    const lines: object[] = [];
    for (const f of readdirSync(sample('one-token-to-fool'))) {
      const ds = basename(f, '.jsonl');
      jsonl(join(sample('one-token-to-fool'), f)).forEach((row, i) => {
        const id = (row.id ?? row.unique_id ?? `${ds}-${i + 1}`) as string;
        const keys = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
        lines.push({ id, scores: row.wrong !== undefined ? [1, 0, ...keys] : [1, ...keys] });
      });
    }
    const r = bench(['--suite', 'one-token-to-fool', '--sample', '--model', `scores:${writeScores(lines)}`]);
    expect(r.status, r.stderr).toBe(0);
    const res = r.results['one-token-to-fool'];
    expect(res.score).toBeCloseTo(0.5, 12);
    expect(res.sections!['":"'].score).toBe(0);
    expect(res.sections!['"Solution"'].score).toBe(1);
    expect(Object.keys(res.subsets).sort()).toEqual(['arith-verify', 'gsm8k-style', 'math-style']);
    expect(res.metrics!.correct_beats_wrong).toBe(1);
    expect(res.n).toBe(408);
  }, 120_000);

  it('probes: a score file keyed by the generated pairs\' ids scores them; a missing id is an item error', () => {
    const transforms = ['original', 'reasoning-opener', 'self-assessment', 'length-padding', 'markdown', 'master-key'];
    const lines = transforms.flatMap((t) => Array.from({ length: 400 }, (_, i) => ({ id: `${t}/arith-${i}`, scores: [1, 0] })));
    const r = bench(['--suite', 'probes', '--sample', '--model', `scores:${writeScores(lines.slice(1))}`]);
    expect(r.status, r.stderr).toBe(0);
    const res = r.results.probes;
    expect(res.subsets.original).toEqual({ score: 1, n: 399, errors: 1 });
    expect(res.subsets['self-assessment'].score).toBe(1);
    expect(res.score).toBe(1);
  }, 60_000);
});
