import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScorer } from '../../src/scorers/registry.js';
import type { ScorerOptions } from '../../src/scorers/types.js';
import type { Scorer, ScoreRequest } from '../../src/types.js';
import { startFakeOpenAIServer, type FakeServer } from '../helpers/fake-openai-server.js';
import { tmpDir } from '../judge/fixtures.js';

let server: FakeServer;
const scorers: Scorer[] = [];
// reward = number of characters, so every expected score is computable by hand
const reward = (t: string) => t.length;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

beforeEach(async () => {
  server = await startFakeOpenAIServer({ reward });
});
afterEach(async () => {
  for (const s of scorers.splice(0)) await s.close?.();
  await server.close();
});

function options(servers: Record<string, unknown> = {}, extra: Partial<ScorerOptions> = {}): ScorerOptions {
  const dir = tmpDir('rmgauge-http-');
  const configFile = join(dir, 'rmgauge.config.json');
  writeFileSync(configFile, JSON.stringify({ servers }));
  return { cwd: dir, seed: 1, cacheDir: join(dir, 'cache'), configFile, ...extra };
}
async function make(spec: string, o: ScorerOptions) {
  const s = await createScorer(spec, o);
  scorers.push(s);
  return s;
}

const reqs: ScoreRequest[] = Array.from({ length: 10 }, (_, i) => ({
  prompt: [{ role: 'user', content: `q${i}` }],
  completion: 'a'.repeat(i + 1),
}));

describe('vLLM', () => {
  it('without a chat template: one chat `messages` request per conversation to /classify', async () => {
    const s = await make(`vllm:rm@${server.url}`, options());
    const scores = await s.score!(reqs.slice(0, 3));
    expect(server.counts['/classify']).toBe(3);
    expect(server.log[0].body).toEqual({ model: 'rm', messages: [{ role: 'user', content: 'q0' }, { role: 'assistant', content: 'a' }] });
    // the fake server joins message contents with "\n": "q0\na" has 4 characters
    expect(scores).toEqual([sigmoid(4), sigmoid(5), sigmoid(6)]);
    expect(s.info.details).toMatchObject({ api: 'classify', input: 'messages', rendering: 'plain' });
  });

  it('with a chat template: batches rendered texts as `input`', async () => {
    const o = options({ rm: { kind: 'vllm', base_url: server.url, model: 'rm', batch_size: 4, chat_template: 'tpl.jinja' } });
    writeFileSync(join(o.cwd, 'tpl.jinja'), '{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}');
    const s = await make('vllm:rm', o);
    const scores = await s.score!(reqs);
    expect(server.counts['/classify']).toBe(3); // 4 + 4 + 2
    expect((server.log[0].body as { input: string[] }).input[0]).toBe('<user>q0<assistant>a');
    expect(scores).toEqual(reqs.map((r, i) => sigmoid(`<user>q${i}<assistant>${r.completion}`.length)));
  });

  it('/pooling from the URL gives the raw output', async () => {
    const s = await make(`vllm:rm@${server.url}/pooling`, options());
    expect(await s.score!(reqs.slice(0, 2))).toEqual([4, 5]);
    expect(server.counts['/pooling']).toBe(2);
  });

  it('needs a model name inline', async () => {
    await expect(createScorer(`vllm:${server.url}`, options())).rejects.toThrow(/vllm:<model>@<base-url>/);
  });
});

describe('TEI', () => {
  it('sends (question, answer) pairs in batches with raw scores', async () => {
    const s = await make(`tei:${server.url}`, options());
    const scores = await s.score!(reqs);
    expect(server.counts['/predict']).toBe(1); // default batch 32
    expect(server.log[0].body).toMatchObject({ raw_scores: true });
    expect((server.log[0].body as { inputs: string[][] }).inputs[2]).toEqual(['q2', 'aaa']);
    expect(scores).toEqual(reqs.map((r, i) => `q${i}\n${r.completion}`.length));
  });
});

describe('OpenRLHF', () => {
  it('sends raw, already templated texts as they are', async () => {
    const o = options({ rl: { kind: 'openrlhf', base_url: `${server.url}/get_reward`, batch_size: 3 } });
    const s = await make('openrlhf:rl', o);
    const raw = ['<s>[INST] hi [/INST] yo</s>', 'x', 'yy', 'zzz'].map((t) => ({ prompt: [], completion: t, raw: true }));
    expect(await s.score!(raw)).toEqual([27, 1, 2, 3]);
    expect(server.counts['/get_reward']).toBe(2);
    expect((server.log[0].body as { query: string[] }).query).toEqual(['<s>[INST] hi [/INST] yo</s>', 'x', 'yy']);
  });
});

describe('transport guarantees', () => {
  it('a re-run on the same cache sends nothing; --no-cache sends again', async () => {
    const o = options();
    const a = await make(`tei:${server.url}`, o);
    const first = await a.score!(reqs);
    const b = await make(`tei:${server.url}`, o);
    expect(await b.score!(reqs)).toEqual(first);
    expect(server.requests).toBe(1);
    expect(b.stats!()).toMatchObject({ conversations: 10, cache_hits: 10, requests: 0 });
    const c = await make(`tei:${server.url}`, { ...o, noCache: true });
    await c.score!(reqs);
    expect(server.requests).toBe(2);
  });

  it('retries 5xx and broken bodies with exact counts; a failed batch is not cached', async () => {
    const o = options({ t: { kind: 'tei', base_url: server.url, retry_base_ms: 5, max_retries: 2 } });
    const s = await make('tei:t', o);
    server.queueFaults({ kind: 'status', status: 503 }, { kind: 'truncated' });
    await s.score!(reqs.slice(0, 2));
    expect(s.stats!()).toMatchObject({ attempts: 3, retries: 2, server_errors: 1, bad_bodies: 1, failures: 0 });
    server.queueFaults({ kind: 'malformed' }, { kind: 'malformed' }, { kind: 'malformed' });
    await expect(s.score!(reqs.slice(2, 4))).rejects.toThrow(/malformed JSON.*gave up after 3 attempts/);
    const before = server.requests;
    await s.score!(reqs.slice(2, 4));
    expect(server.requests).toBe(before + 1);
  });

  it('a non-finite score is an error, never a number', async () => {
    await server.close();
    server = await startFakeOpenAIServer({ reward: () => NaN });
    const s = await make('openrlhf:x', options({ x: { kind: 'openrlhf', base_url: server.url, max_retries: 0 } }));
    await expect(s.score!(reqs.slice(0, 1))).rejects.toThrow(/not a finite number/);
  });

  it('named servers must match the kind', async () => {
    await expect(createScorer('vllm:t', options({ t: { kind: 'tei', base_url: server.url } }))).rejects.toThrow(/defines "t" as a tei server; use tei:t/);
    await expect(createScorer('tei:nope', options())).rejects.toThrow(/not a URL and not a server/);
  });
});
