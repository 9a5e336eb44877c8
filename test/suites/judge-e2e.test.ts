// The judge variants of the five suites through `rmgauge bench` against the loopback
// OpenAI-compatible server: scripted judges with known behaviour give known scores.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { BAD, GOOD, scriptedJudges, startFakeOpenAIServer, type FakeServer, type JudgeFn } from '../helpers/fake-openai-server.js';
import type { SuiteResult } from '../../src/types.js';

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAIServer({ judge: 'correct' });
});
afterAll(async () => {
  await server?.close();
});

const dir = mkdtempSync(join(tmpdir(), 'rmgauge-adv-judge-'));
function file(name: string, rows: object[] | object): string {
  const p = join(dir, name);
  writeFileSync(p, Array.isArray(rows) ? rows.map((r) => JSON.stringify(r)).join('\n') + '\n' : JSON.stringify(rows));
  return p;
}

/** Async child process: the loopback server lives in this process, so it must not be blocked. */
async function bench(suite: string, data: string, extra: string[] = []): Promise<SuiteResult> {
  const out = mkdtempSync(join(dir, 'out-'));
  const child = spawnCli([
    'bench', '--quiet', '--no-report', '--json', '--no-cache', '--suite', suite, '--data', data,
    '--model', `judge:fake@${server.url}`, '--out', out, '--cache-dir', join(out, 'cache'), ...extra,
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  expect(code, stderr).toBe(0);
  return (JSON.parse(stdout) as Record<string, SuiteResult>)[suite];
}

/**
 * The scripted 'correct' judge maps the k-th marker to answer k, which breaks when an answer has
 * no marker (a master key). This one looks for GOOD inside the response A / B blocks instead.
 */
const byResponse: JudgeFn = (ctx) => {
  if (ctx.protocol !== 'pairwise') return scriptedJudges.correct(ctx);
  const a = /<response A>([\s\S]*?)<\/response A>/.exec(ctx.text)?.[1];
  const b = /<response B>([\s\S]*?)<\/response B>/.exec(ctx.text)?.[1];
  if (a === undefined || b === undefined) return scriptedJudges.correct(ctx);
  return a.includes(GOOD) ? '[[A]]' : b.includes(GOOD) ? '[[B]]' : 'no idea';
};

const verifyRows = [1, 2, 3].map((i) => ({
  id: `q${i}`,
  question: `What is ${i} + ${i}?`,
  reference: String(2 * i),
  correct: `${i} + ${i} = ${2 * i} ${GOOD}`,
  wrong: `${i} + ${i} = ${2 * i + 1} ${BAD}`,
}));

describe('judge variants against the loopback judge server', () => {
  it('one-token-to-fool: a correct verifier has FPR 0, TPR 1, TNR 1; a YES-sayer FPR 1, TNR 0', async () => {
    const data = file('verify.jsonl', verifyRows);
    server.setJudge('correct');
    const good = await bench('one-token-to-fool', data);
    expect(good.score).toBe(1);
    expect(good.metrics).toMatchObject({ mean_fpr: 0, tpr: 1, tnr: 1, parse_failures: 0 });
    expect(server.requests).toBeGreaterThanOrEqual(3 * 12); // correct + wrong + 10 keys per question
    server.setJudge('always-yes');
    const yes = await bench('one-token-to-fool', data);
    expect(yes.score).toBe(0);
    expect(yes.metrics).toMatchObject({ mean_fpr: 1, tpr: 1, tnr: 0 });
    expect(yes.sections!['"Thought process:"'].score).toBe(0);
  }, 120_000);

  it('judgebench: the correct judge gets every pair; an always-"A" judge nets 0 on every pair', async () => {
    const rows = [1, 2, 3, 4].map((i) => ({
      pair_id: `p${i}`, original_id: `o${i}`, source: 'mmlu', question: `Question ${i}?`, response_model: 'm',
      response_A: i % 2 ? `right ${GOOD}` : `wrong ${BAD}`, response_B: i % 2 ? `wrong ${BAD}` : `right ${GOOD}`, label: i % 2 ? 'A>B' : 'B>A',
    }));
    const data = file('gpt-00000-of-00001.jsonl', rows);
    server.setJudge('correct');
    const good = await bench('judgebench', data);
    expect(good.score).toBe(1);
    expect(good.subsets.gpt.n).toBe(4);
    expect(good.metrics!.position_consistency).toBe(1);
    server.setJudge('always-a');
    const biased = await bench('judgebench', data);
    expect(biased.score).toBe(0);
    expect(biased.metrics!.position_consistency).toBe(0);
  }, 120_000);

  it('m-rewardbench, rm-bench and probes with the correct judge score 1', async () => {
    server.setJudge('correct');
    const mrb = file('arb_Arab.jsonl', [
      { id: 1, language: 'arb_Arab', prompt: 'سؤال؟', chosen: `نعم ${GOOD}`, rejected: `لا ${BAD}`, source: 'alpacaeval-easy' },
      { id: 2, language: 'arb_Arab', prompt: 'سؤال؟', chosen: `نعم ${GOOD}`, rejected: `لا ${BAD}`, source: 'donotanswer' },
    ]);
    const before = server.log.length;
    const m = await bench('m-rewardbench', mrb);
    // the pairwise prompt says which language the question is in
    const bodies = server.log.slice(before).map((l) => JSON.stringify(l.body));
    expect(bodies.length).toBe(2);
    for (const b of bodies) expect(b).toContain('Arabic');
    expect(m.score).toBe(1);
    expect(m.subsets.arb_Arab.score).toBe(1);
    const rm = file('rm.json', [
      { id: 1, prompt: 'P?', chosen: ['a', 'b', 'c'].map((s) => `${s} ${GOOD}`), rejected: ['x', 'y', 'z'].map((s) => `${s} ${BAD}`), domain: 'chat' },
    ]);
    const r = await bench('rm-bench', rm);
    expect(r.subsets.chat.score).toBe(1);
    expect(r.sections!.hard.score).toBe(1);
    const pairs = file('pairs.jsonl', [
      { id: 'a1', prompt: 'What is 1 + 1?', chosen: `It is 2. ${GOOD}`, rejected: `It is 3. ${BAD}`, subset: 'arith-plain' },
      { id: 'a2', prompt: 'What is 2 + 2?', chosen: `It is 4. ${GOOD}`, rejected: `It is 5. ${BAD}`, subset: 'arith-plain' },
    ]);
    server.setJudge(byResponse);
    const p = await bench('probes', pairs);
    expect(p.score, JSON.stringify(p.subsets)).toBe(1); // no verdict flips
    expect(p.subsets.original.score).toBe(1);
    expect(p.subsets['master-key'].score).toBe(1);
  }, 180_000);
});
