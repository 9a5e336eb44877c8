// `rmgauge bench` with a judge against the loopback server, in a child process: exact scores of the
// scripted judges, a SIGKILL mid-run followed by --resume that repeats no answered call (counted at
// the server), and no trace of the API key in any file the runs wrote.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pairwiseChosenFirst } from '../../src/suites/judge-protocols.js';
import { BAD, GOOD, startFakeOpenAIServer, type FakeServer } from '../helpers/fake-openai-server.js';
import { tmpDir } from './fixtures.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'sk-e2e-judge-key-4b8d1f0a9c';
let server: FakeServer | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await server?.close();
  server = undefined;
});

/** Everything the children printed (scanned for the key too). */
let printed = '';
function bench(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'bench', '--quiet', ...(args.includes('--report') ? [] : ['--no-report']), ...args.filter((a) => a !== '--report')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    printed += d.toString();
  });
  child.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((res) => child.on('exit', (code) => res({ code, stderr })));
  return { child, done };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const until = async (cond: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** 30 best-of-4 rows (6 per subset) and 4 Ties rows (ref and tied for 2 prompts), with markers. */
function rb2Rows(): string {
  const rows: object[] = [];
  for (const subset of ['Factuality', 'Precise IF', 'Math', 'Safety', 'Focus']) {
    for (let i = 0; i < 6; i++) {
      const id = `${subset.replace(' ', '')}-${i}`;
      rows.push({ id, prompt: `Prompt ${id}?`, chosen: [`Right ${id} ${GOOD}`], rejected: [1, 2, 3].map((j) => `Wrong ${id}/${j} ${BAD}`), num_correct: 1, subset });
    }
  }
  for (const p of ['p1', 'p2']) {
    rows.push({ id: `ref:${p}`, prompt: `Ties ${p}?`, chosen: [`Ref answer ${p} ${GOOD}`], rejected: [1, 2, 3].map((j) => `Ref wrong ${p}/${j} ${BAD}`), num_correct: 1, subset: 'Ties' });
    rows.push({ id: `tied:${p}`, prompt: `Ties ${p}?`, chosen: [`Tied one ${p} ${GOOD}`, `Tied two ${p} ${GOOD}`], rejected: [`Tied wrong ${p}/1 ${BAD}`, `Tied wrong ${p}/2 ${BAD}`], num_correct: 2, subset: 'Ties' });
  }
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** RB v1 rows: 5 pairs in one subset of each section. */
function rb1Rows(): { text: string; ids: string[] } {
  const rows: Array<Record<string, unknown>> = [];
  for (const subset of ['alpacaeval-easy', 'mt-bench-hard', 'donotanswer', 'math-prm']) {
    for (let i = 0; i < 5; i++) {
      rows.push({ id: 1000 + rows.length, prompt: `Q ${subset} ${i}`, chosen: `good ${i} ${GOOD}`, rejected: `bad ${i} ${BAD}`, chosen_model: 'a', rejected_model: 'b', subset });
    }
  }
  return { text: rows.map((r) => JSON.stringify(r)).join('\n') + '\n', ids: rows.map((r) => String(r.id)) };
}

function runDirOf(out: string): string {
  const batch = readdirSync(out).filter((d) => statSync(join(out, d)).isDirectory() && d !== 'cache')[0];
  const model = readdirSync(join(out, batch))[0];
  return join(out, batch, model);
}

/** Starts a bench run, kills it once `killAfter` calls were answered, resumes it; returns the run dir. */
async function killAndResume(srv: FakeServer, args: string[], out: string, cache: string, killAfter: number, env: Record<string, string> = {}) {
  const first = bench([...args, '--out', out, '--cache-dir', cache, '--concurrency', '4'], env);
  await until(() => srv.answered >= killAfter);
  srv.hold();
  await until(() => srv.held() >= 1);
  // replies already on the wire reach the harness (and its cache) within moments; the held
  // requests never get one. Kill then: every answered call has reached the harness.
  await new Promise((r) => setTimeout(r, 300));
  first.child.kill('SIGKILL');
  await first.done;
  srv.unhold();
  const runDir = runDirOf(out);
  const doneBefore = readFileSync(join(runDir, 'items.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).length;
  const second = bench(['--resume', runDir, '--cache-dir', cache, '--report'], env);
  const { code, stderr } = await second.done;
  expect(stderr).not.toContain('internal error');
  expect(code).toBe(0);
  return { runDir, doneBefore };
}

describe('rmgauge bench with a judge (child process)', () => {
  it('rewardbench: SIGKILL mid-run, --resume repeats no answered call; correct judge scores 1', async () => {
    server = await startFakeOpenAIServer({ judge: 'correct', latencyMs: 20 });
    const dir = tmpDir('rmgauge-e2e-');
    const data = join(dir, 'rb1.jsonl');
    writeFileSync(data, rb1Rows().text);
    const { runDir, doneBefore } = await killAndResume(
      server,
      ['--suite', 'rewardbench', '--model', `judge:j@${server.url}`, '--data', data],
      join(dir, 'out'),
      join(dir, 'cache'),
      6,
    );
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(20);
    expect(server.repeatedAnswers()).toBe(0);
    expect(server.answered).toBe(20);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(run.status).toBe('complete');
    expect(run.results.rewardbench.score).toBe(1);
  }, 120_000);

  it('rewardbench2: SIGKILL mid-run, --resume repeats no answered call; exact scores; key never written', async () => {
    server = await startFakeOpenAIServer({ judge: 'correct', latencyMs: 20, requireKey: SECRET });
    const dir = tmpDir('rmgauge-e2e-');
    const data = join(dir, 'rb2.jsonl');
    writeFileSync(data, rb2Rows());
    const out = join(dir, 'out');
    const cache = join(dir, 'cache');
    const env = { OPENAI_API_KEY: SECRET };
    const spec = `judge:fake-judge@${server.url}`;
    const { runDir, doneBefore } = await killAndResume(server, ['--suite', 'rewardbench2', '--model', spec, '--data', data], out, cache, 12, env);
    expect(doneBefore).toBeGreaterThan(0); // killed mid-run: some items were written, not all
    expect(doneBefore).toBeLessThan(34);

    // 30 kway calls + 16 ratings: each answered exactly once over both processes
    expect(server.repeatedAnswers()).toBe(0);
    expect(server.answered).toBe(46);

    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(run.status).toBe('complete');
    const rb2 = run.results.rewardbench2;
    for (const s of ['Factuality', 'Precise IF', 'Math', 'Safety', 'Focus']) expect(rb2.subsets[s]).toMatchObject({ score: 1, n: 6, errors: 0 });
    // correct answers rated 9, wrong 2: every Ties component is 1, margin tanh(+inf) = 1 -> 1.01
    expect(rb2.subsets.Ties.score).toBeCloseTo(1.01, 12);
    expect(rb2.score).toBeCloseTo(6.01 / 6, 12);
    expect(run.model).toMatchObject({ kind: 'judge' });
    expect(run.scorer_stats).toMatchObject({ failures: 0 });
    const items = readFileSync(join(runDir, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(items.map((r: { key: string }) => r.key)).size).toBe(34);

    const written = filesUnder(dir);
    expect(written.some((f) => f.endsWith('.html'))).toBe(true); // the report is scanned too
    for (const f of written) expect(readFileSync(f).includes(Buffer.from(SECRET)), f).toBe(false);
    expect(printed).not.toContain(SECRET);
  }, 120_000);

  it('rewardbench: always-"A" gets the seeded share; both orders gives exactly 0.5; correct judge 1.0', async () => {
    server = await startFakeOpenAIServer({ judge: 'always-a' });
    const dir = tmpDir('rmgauge-e2e-');
    const { text, ids } = rb1Rows();
    const data = join(dir, 'rb1.jsonl');
    writeFileSync(data, text);
    const spec = `judge:biased@${server.url}`;
    const common = ['--suite', 'rewardbench', '--model', spec, '--data', data, '--cache-dir', join(dir, 'cache'), '--seed', '3'];

    const a = bench([...common, '--out', join(dir, 'a')]);
    expect((await a.done).code).toBe(0);
    const runA = JSON.parse(readFileSync(join(runDirOf(join(dir, 'a')), 'run.json'), 'utf8')).results.rewardbench;
    // per subset: the share of its 5 items whose chosen answer is shown as A under seed 3
    const share = (k: number) => ids.slice(5 * k, 5 * k + 5).filter((id) => pairwiseChosenFirst(3, id)).length / 5;
    expect(runA.subsets['alpacaeval-easy'].score).toBe(share(0));
    expect(runA.subsets['math-prm'].score).toBe(share(3));
    expect(runA.score).toBeCloseTo((share(0) + share(1) + share(2) + share(3)) / 4, 12);

    const b = bench([...common, '--out', join(dir, 'b'), '--judge-both-orders']);
    expect((await b.done).code).toBe(0);
    expect(JSON.parse(readFileSync(join(runDirOf(join(dir, 'b')), 'run.json'), 'utf8')).results.rewardbench.score).toBe(0.5);

    server.setJudge('correct');
    const c = bench([...common, '--out', join(dir, 'c'), '--no-cache']);
    expect((await c.done).code).toBe(0);
    expect(JSON.parse(readFileSync(join(runDirOf(join(dir, 'c')), 'run.json'), 'utf8')).results.rewardbench.score).toBe(1);
  }, 120_000);

  it('named judge from a YAML config, --judge-template and --judge-mode ratings pass through; cost in run.json', async () => {
    server = await startFakeOpenAIServer({ judge: 'correct' });
    const dir = tmpDir('rmgauge-e2e-');
    const data = join(dir, 'rb2.jsonl');
    writeFileSync(data, rb2Rows());
    const config = join(dir, 'judges.yaml');
    writeFileSync(config, `judges:\n  cheap:\n    base_url: ${server.url}/v1\n    model: cheap-judge\n    price_per_token: { prompt: 0.5, completion: 2 }\n`);
    const template = join(dir, 'rating.txt');
    writeFileSync(template, 'Score this from 1 to 10 and end with "Rating: N".\n{question}\n---\n{answer}');
    const out = join(dir, 'out');
    const r = bench(['--suite', 'rewardbench2', '--model', 'judge:cheap', '--config', config, '--judge-template', template, '--judge-mode', 'ratings', '--data', data, '--out', out, '--cache-dir', join(dir, 'cache')]);
    const { code, stderr } = await r.done;
    expect(stderr).not.toContain('error');
    expect(code).toBe(0);
    const run = JSON.parse(readFileSync(join(runDirOf(out), 'run.json'), 'utf8'));
    // every completion rated alone: 30 x 4 + 16
    expect(server.requests).toBe(136);
    expect((server.log[0].body as { messages: Array<{ content: string }> }).messages[0].content).toMatch(/^Score this from 1 to 10/);
    expect(run.results.rewardbench2.subsets.Math.score).toBe(1);
    expect(run.model.details).toMatchObject({ model: 'cheap-judge', template: { file: template, replaces: ['rating'] } });
    expect(run.scorer_stats).toMatchObject({ requests: 136, prompt_tokens: server.usage.prompt_tokens, completion_tokens: server.usage.completion_tokens });
    expect(run.scorer_stats.cost).toBeCloseTo(server.usage.prompt_tokens * 0.5 + server.usage.completion_tokens * 2, 9);
  }, 120_000);
});
