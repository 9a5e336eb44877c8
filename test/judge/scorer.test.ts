// The judge scorer end to end against the loopback server: cache, errors, faults, keys, stats.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJudgeScorer } from '../../src/scorers/judge/index.js';
import { createScorer } from '../../src/scorers/registry.js';
import { judgePairwiseItem, judgeBestOfNItem } from '../../src/suites/judge-protocols.js';
import type { JudgeRequest, Scorer } from '../../src/types.js';
import { startFakeOpenAIServer, type FakeServer } from '../helpers/fake-openai-server.js';
import { bestOf4Items, judgeOptions, pairItems, tmpDir } from './fixtures.js';

let server: FakeServer;
const scorers: Scorer[] = [];
async function make(judge: Record<string, unknown> = {}, extra = {}) {
  const opts = judgeOptions(server.url, judge, extra);
  const s = await createJudgeScorer('fake', 'judge:fake', opts);
  scorers.push(s);
  return { s, opts };
}
beforeEach(async () => {
  server = await startFakeOpenAIServer({ judge: 'correct' });
});
afterEach(async () => {
  for (const s of scorers.splice(0)) await s.close?.();
  await server.close();
  delete process.env.RMGAUGE_TEST_JUDGE_KEY;
});

const req: JudgeRequest = { protocol: 'pairwise', prompt: [{ role: 'user', content: 'Which? ' }], a: 'x <<bad>>', b: 'y <<good>>' };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('request and reply', () => {
  it('sends model, messages, temperature 0 and logprobs; parses the verdict with P(letter)', async () => {
    const { s } = await make();
    const v = await s.judge!(req);
    expect(v).toMatchObject({ choice: 1, parseFailed: false, cached: false });
    expect(v.prob).toBeCloseTo(0.9, 9);
    const body = server.log[0].body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'fake-judge', temperature: 0, logprobs: true, top_logprobs: 5 });
    const msgs = body.messages as Array<{ role: string; content: string }>;
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user']);
    expect(msgs[1].content).toContain('Which?');
    expect(server.log[0].authorization).toBeUndefined(); // no key configured, none sent
  });

  it('config params override the defaults; logprobs can be turned off', async () => {
    const { s } = await make({ params: { temperature: 0.3, max_tokens: 64 }, logprobs: false });
    const v = await s.judge!(req);
    expect(v.prob).toBeNull();
    const body = server.log[0].body as Record<string, unknown>;
    expect(body).toMatchObject({ temperature: 0.3, max_tokens: 64 });
    expect(body.logprobs).toBeUndefined();
  });

  it('a parameter set to null is not sent', async () => {
    const { s } = await make({ params: { temperature: null, seed: 5 } });
    await s.judge!(req);
    const body = server.log[0].body as Record<string, unknown>;
    expect('temperature' in body).toBe(false);
    expect(body.seed).toBe(5);
    expect(s.info.details?.params).toEqual({ seed: 5, logprobs: true, top_logprobs: 5 });
  });

  it('works inline as judge:<model>@<base-url> through the registry, with a /v1 base too', async () => {
    const dir = tmpDir();
    const s = await createScorer(`judge:my-model@${server.url}/v1`, { cwd: dir, seed: 1, cacheDir: join(dir, 'c') });
    scorers.push(s);
    await s.judge!(req);
    expect(server.counts['/v1/chat/completions']).toBe(1);
    expect(s.info).toMatchObject({ kind: 'judge', label: 'my-model' });
    expect((server.log[0].body as { model: string }).model).toBe('my-model');
  });
});

describe('response cache', () => {
  it('a re-run with a new scorer on the same cache issues zero requests', async () => {
    const { s, opts } = await make();
    const items = pairItems(6);
    const first = await Promise.all(items.map((it) => judgePairwiseItem(it, s, { seed: 1 })));
    expect(server.requests).toBe(6);
    await s.close?.();
    const again = await createJudgeScorer('fake', 'judge:fake', opts);
    scorers.push(again);
    const second = await Promise.all(items.map((it) => judgePairwiseItem(it, again, { seed: 1 })));
    expect(server.requests).toBe(6);
    expect(second.map((o) => o.result)).toEqual(first.map((o) => o.result));
    expect((second[0].verdicts?.[0] as { cached: boolean }).cached).toBe(true);
    expect(again.stats!()).toMatchObject({ requests: 0, cache_hits: 6, prompt_tokens: 0, cost: null });
  });

  it('--no-cache bypasses it', async () => {
    const { s, opts } = await make();
    await s.judge!(req);
    const nc = await createJudgeScorer('fake', 'judge:fake', { ...opts, noCache: true });
    scorers.push(nc);
    await nc.judge!(req);
    expect(server.requests).toBe(2);
  });

  it('identical requests in flight at once share one call', async () => {
    server.setLatency(30);
    const { s } = await make();
    await Promise.all([s.judge!(req), s.judge!(req), s.judge!(req)]);
    expect(server.requests).toBe(1);
  });

  it('the key covers parameters: another temperature is another entry', async () => {
    const { s, opts } = await make();
    await s.judge!(req);
    writeFileSync(opts.configFile!, JSON.stringify({ judges: { fake: { base_url: server.url, model: 'fake-judge', params: { temperature: 1 } } } }));
    const other = await createJudgeScorer('fake', 'judge:fake', opts);
    scorers.push(other);
    await other.judge!(req);
    expect(server.requests).toBe(2);
  });

  for (const fault of ['malformed', 'truncated', 'bad-shape', 'status'] as const) {
    it(`a failed call (${fault}) is an error and is not cached`, async () => {
      const { s } = await make({ max_retries: 1 });
      const f = fault === 'status' ? { kind: 'status' as const, status: 500 } : { kind: fault };
      server.queueFaults(f, f);
      await expect(s.judge!(req)).rejects.toThrow(/gave up after 2 attempts/);
      expect(server.requests).toBe(2);
      const v = await s.judge!(req); // served by the server, not by a cached error
      expect(v).toMatchObject({ choice: 1, cached: false });
      expect(server.requests).toBe(3);
      expect(s.stats!()).toMatchObject({ failures: 1, retries: 1, protocols: { pairwise: { calls: 2, failures: 1 } } });
    });
  }
});

describe('replies without text', () => {
  it('content null (a refusal) is an unparseable verdict, not retried', async () => {
    const { s } = await make();
    server.queueFaults({ kind: 'status', status: 200, body: { choices: [{ message: { role: 'assistant', content: null, refusal: 'I cannot help.' } }] } });
    const v = await s.judge!(req);
    expect(v).toMatchObject({ choice: null, parseFailed: true, raw: 'I cannot help.' });
    expect(server.requests).toBe(1);
  });
});

describe('faults through the scorer', () => {
  it('429 burst with Retry-After, a 500, a hung request: exact retries, then the right verdict', async () => {
    const { s } = await make({ timeout_ms: 300 });
    server.queueFaults(
      { kind: 'status', status: 429, retryAfterMs: '50' },
      { kind: 'status', status: 429, retryAfterMs: '50' },
      { kind: 'status', status: 500 },
      { kind: 'hang' },
    );
    const v = await s.judge!(req);
    expect(v.choice).toBe(1);
    expect(s.stats!()).toMatchObject({ attempts: 5, retries: 4, rate_limited: 2, server_errors: 1, timeouts: 1, failures: 0 });
    expect(server.requests).toBe(5);
  });

  it('--timeout from the options overrides the config', async () => {
    const { s } = await make({ timeout_ms: 60_000, max_retries: 0 }, { timeoutMs: 100 });
    server.queueFaults({ kind: 'hang' });
    const t0 = Date.now();
    await expect(s.judge!(req)).rejects.toThrow(/within 100 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('usage and cost', () => {
  it('sums tokens from usage and prices them', async () => {
    const { s } = await make({ price_per_token: { prompt: 0.001, completion: 0.01 } });
    await Promise.all(bestOf4Items(3).map((it) => judgeBestOfNItem(it, s, { seed: 3 })));
    const st = s.stats!() as { prompt_tokens: number; completion_tokens: number; cost: number };
    expect(st.prompt_tokens).toBe(server.usage.prompt_tokens);
    expect(st.completion_tokens).toBe(server.usage.completion_tokens);
    expect(st.prompt_tokens).toBeGreaterThan(0);
    expect(st.cost).toBeCloseTo(server.usage.prompt_tokens * 0.001 + server.usage.completion_tokens * 0.01, 12);
  });
});

describe('API keys', () => {
  const SECRET = 'sk-rmgauge-test-7f3a9c1e5b2d';

  it('is read from the named environment variable, sent as a bearer token, and never written', async () => {
    process.env.RMGAUGE_TEST_JUDGE_KEY = SECRET;
    await server.close();
    server = await startFakeOpenAIServer({ judge: 'correct', requireKey: SECRET });
    const { s, opts } = await make({ api_key_env: 'RMGAUGE_TEST_JUDGE_KEY', max_retries: 1 });
    const out = await Promise.all(pairItems(4).map((it) => judgePairwiseItem(it, s, { seed: 1 })));
    expect(out.every((o) => o.result === 1)).toBe(true);
    expect(server.log[0].authorization).toBe(`Bearer ${SECRET}`);
    server.queueFaults({ kind: 'status', status: 401 });
    const err = await s.judge!({ ...req, a: 'other' }).catch((e: Error) => e);
    // everything a run would write: cache, stats, info, errors
    writeFileSync(join(opts.cwd, 'run.json'), JSON.stringify({ info: s.info, stats: s.stats!(), error: String(err), outcomes: out }));
    await s.close?.();
    scorers.splice(scorers.indexOf(s), 1);
    const files = filesUnder(opts.cwd);
    expect(files.some((f) => f.endsWith('responses.sqlite'))).toBe(true);
    for (const f of files) expect(readFileSync(f).includes(Buffer.from(SECRET))).toBe(false);
    expect(JSON.stringify(s.info)).not.toContain(SECRET);
  });

  it('a configured key variable that is not set is a clear error', async () => {
    await expect(make({ api_key_env: 'RMGAUGE_TEST_JUDGE_KEY' })).rejects.toThrow(/RMGAUGE_TEST_JUDGE_KEY .*is not set/);
  });

  it('--judge-key-env names the variable for inline judges', async () => {
    process.env.RMGAUGE_TEST_JUDGE_KEY = SECRET;
    const dir = tmpDir();
    const s = await createJudgeScorer(`m@${server.url}`, 'judge:x', { cwd: dir, seed: 1, cacheDir: join(dir, 'c'), judgeKeyEnv: 'RMGAUGE_TEST_JUDGE_KEY' });
    scorers.push(s);
    await s.judge!(req);
    expect(server.log[0].authorization).toBe(`Bearer ${SECRET}`);
    expect(s.info.fingerprint).not.toContain(SECRET);
  });
});

describe('fingerprint and details', () => {
  it('changes with model, params and template, and records the template hash', async () => {
    const a = (await make()).s;
    const b = (await make({ model: 'other' })).s;
    const c = (await make({ params: { temperature: 0.5 } })).s;
    const dir = tmpDir();
    const tpl = join(dir, 't.txt');
    writeFileSync(tpl, 'Q: {question}\nA: {answer_a}\nB: {answer_b}\nSay [[A]] or [[B]].');
    const d = (await make({}, { judgeTemplate: tpl })).s;
    const e = (await make()).s;
    const fps = [a, b, c, d].map((s) => s.info.fingerprint);
    expect(new Set(fps).size).toBe(4);
    expect(e.info.fingerprint).toBe(a.info.fingerprint);
    expect(a.info.details).toMatchObject({ model: 'fake-judge', params: { temperature: 0 }, template: 'built-in' });
    expect(d.info.details?.template).toEqual({ file: tpl, replaces: ['pairwise'] });
    expect(d.info.details?.template_hash).not.toBe(a.info.details?.template_hash);
  });
});
