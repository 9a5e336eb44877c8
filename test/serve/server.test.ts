import { afterEach, describe, expect, it } from 'vitest';
import { startRewardServer, type RewardServer, type ServeOptions } from '../../src/serve/server.js';
import { buildEnsemble } from '../../src/ensemble/ensemble.js';
import type { ScoreRequest, Scorer } from '../../src/types.js';

/** A reward model double: the reward is the number after "r=" in the completion; it records its calls. */
function numberScorer(delayMs = 0, label = 'num', scale = 1): Scorer & { calls: ScoreRequest[][] } {
  const calls: ScoreRequest[][] = [];
  return {
    calls,
    info: { spec: `test:${label}`, kind: 'test', label, fingerprint: label },
    async score(reqs) {
      calls.push(reqs);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return reqs.map((r) => {
        const m = /r=(-?[\d.]+)/.exec(r.completion);
        if (!m) throw new Error(`no reward in "${r.completion.slice(0, 20)}"`);
        return Number(m[1]) * scale;
      });
    },
  };
}

let servers: RewardServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function start(opts: Partial<ServeOptions> & { scorer: Scorer }): Promise<RewardServer> {
  const s = await startRewardServer({ port: 0, ...opts });
  servers.push(s);
  return s;
}
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('POST /get_reward (OpenRLHF)', () => {
  it('scores each query as raw text and answers rewards, scores and extra_logs', async () => {
    const scorer = numberScorer();
    const s = await start({ scorer });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await post(`${s.url}/get_reward`, {
      query: ['<|user|>q1<|assistant|>r=1.5', '<|user|>q2<|assistant|>r=-2'],
      prompts: ['<|user|>q1<|assistant|>', '<|user|>q2<|assistant|>'],
      labels: ['', ''],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ rewards: [1.5, -2], scores: [1.5, -2], extra_logs: {} });
    expect(scorer.calls[0].map((r) => [r.prompt, r.completion, r.raw])).toEqual([
      [[], '<|user|>q1<|assistant|>r=1.5', true],
      [[], '<|user|>q2<|assistant|>r=-2', true],
    ]);
    const onlyQuery = await post(`${s.url}/get_reward`, { query: ['r=7'] });
    expect(await onlyQuery.json()).toEqual({ rewards: [7], scores: [7], extra_logs: {} });
  });
  it('an ensemble reports its members in extra_logs', async () => {
    const e = await buildEnsemble({ spec: 'ensemble:duo', name: 'duo', aggregate: 'mean', lambda: 0 }, [
      { name: 'a', scorer: numberScorer(0, 'a'), normalise: 'none' },
      { name: 'b', scorer: numberScorer(0, 'b', 3), normalise: 'none' },
    ]);
    const s = await start({ scorer: e });
    const res = await post(`${s.url}/get_reward`, { query: ['r=1', 'r=2'] });
    expect(await res.json()).toEqual({ rewards: [2, 4], scores: [2, 4], extra_logs: { a: [1, 2], b: [3, 6] } });
  });
  it('refuses malformed bodies with 400 and a reason', async () => {
    const s = await start({ scorer: numberScorer() });
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /not valid JSON/],
      [{ prompts: ['x'] }, /missing "query"/],
      [{ query: ['r=1', 3] }, /"query\[1\]" must be a string/],
      [{ query: ['r=1'], prompts: ['a', 'b'] }, /"prompts" has 2 entries for 1 queries/],
    ];
    for (const [body, re] of cases) {
      const res = await post(`${s.url}/get_reward`, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatch(re);
    }
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    expect((await fetch(`${s.url}/get_reward`)).status).toBe(405);
  });
  it('a model error is a 500 with the message', async () => {
    const s = await start({ scorer: numberScorer() });
    const res = await post(`${s.url}/get_reward`, { query: ['no number here'] });
    expect(res.status).toBe(500);
    expect((await res.json()).error).toMatch(/no reward in/);
  });
});

describe('POST /score and GET /health', () => {
  it('scores conversations in the rmgauge score shapes', async () => {
    const scorer = numberScorer();
    const s = await start({ scorer });
    const res = await post(`${s.url}/score`, [
      { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'r=1' }] },
      { prompt: 'q', response: 'r=2' },
      { question: 'q', answer: 'r=3' },
    ]);
    expect(await res.json()).toEqual({ scores: [1, 2, 3] });
    expect(scorer.calls[0][0]).toMatchObject({ prompt: [{ role: 'user', content: 'q' }], completion: 'r=1' });
    expect(scorer.calls[0][0].raw).toBeUndefined();
    const wrapped = await post(`${s.url}/score`, { conversations: [{ prompt: 'q', response: 'r=4' }] });
    expect(await wrapped.json()).toEqual({ scores: [4] });
    const bad = await post(`${s.url}/score`, [{ prompt: 'q', response: 'r=1' }, { messages: [{ role: 'user', content: 'q' }] }]);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/conversations\[1\]: field "messages": the last message must be the assistant reply/);
  });
  it('health', async () => {
    const s = await start({ scorer: numberScorer() });
    const h = await (await fetch(`${s.url}/health`)).json();
    expect(h).toMatchObject({ status: 'ok', model: { spec: 'test:num', label: 'num' }, members: [] });
  });
});

describe('auth and limits', () => {
  it('refuses a missing or wrong bearer token with 401', async () => {
    const s = await start({ scorer: numberScorer(), token: 's3cret' });
    const body = { query: ['r=1'] };
    const none = await post(`${s.url}/get_reward`, body);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(`${s.url}/get_reward`, body, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post(`${s.url}/score`, [], { authorization: 's3cret' })).status).toBe(401);
    const good = await post(`${s.url}/get_reward`, body, { authorization: 'Bearer s3cret' });
    expect(good.status).toBe(200);
    expect((await good.json()).rewards).toEqual([1]);
    // /health answers without the token, but says nothing about the model.
    expect(await (await fetch(`${s.url}/health`)).json()).toEqual({ status: 'ok' });
    expect((await (await fetch(`${s.url}/health`, { headers: { authorization: 'Bearer s3cret' } })).json()).model.label).toBe('num');
  });
  it('refuses an oversize body and an oversize batch with 413', async () => {
    const scorer = numberScorer();
    const s = await start({ scorer, maxBodyBytes: 1024, maxBatch: 3 });
    const big = await post(`${s.url}/get_reward`, { query: ['r=1' + 'x'.repeat(5000)] });
    expect(big.status).toBe(413);
    expect((await big.json()).error).toMatch(/exceeds the limit of 1024 bytes/);
    const many = await post(`${s.url}/get_reward`, { query: ['r=1', 'r=2', 'r=3', 'r=4'] });
    expect(many.status).toBe(413);
    expect((await many.json()).error).toMatch(/4 queries exceed the batch limit of 3/);
    // Without Content-Length (chunked), the limit is enforced while reading.
    const chunk = new TextEncoder().encode('{"query": ["' + 'x'.repeat(600));
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(chunk);
        c.enqueue(chunk);
        c.close();
      },
    });
    const chunked = await fetch(`${s.url}/get_reward`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(scorer.calls).toHaveLength(0);
    // The server still answers normal requests.
    expect((await (await post(`${s.url}/get_reward`, { query: ['r=1', 'r=2', 'r=3'] })).json()).rewards).toEqual([1, 2, 3]);
  });
});

describe('micro-batching and shutdown', () => {
  it('answers concurrent requests correctly and in order, merging them into fewer model calls', async () => {
    const scorer = numberScorer(15);
    const s = await start({ scorer });
    const N = 40;
    const bodies = Array.from({ length: N }, (_, i) => ({ query: Array.from({ length: (i % 4) + 1 }, (_, j) => `q r=${i * 10 + j}`) }));
    const answers = await Promise.all(bodies.map((b) => post(`${s.url}/get_reward`, b).then((r) => r.json())));
    answers.forEach((a, i) => expect(a.rewards).toEqual(bodies[i].query.map((_, j) => i * 10 + j)));
    expect(scorer.calls.length).toBeLessThan(N);
    expect(scorer.calls.flat()).toHaveLength(bodies.reduce((n, b) => n + b.query.length, 0));
  });
  it('one bad request merged with good ones fails alone', async () => {
    const s = await start({ scorer: numberScorer(10) });
    const [a, b, c] = await Promise.all([
      post(`${s.url}/get_reward`, { query: ['r=1'] }),
      post(`${s.url}/get_reward`, { query: ['broken'] }),
      post(`${s.url}/get_reward`, { query: ['r=3'] }),
    ]);
    expect([a.status, b.status, c.status]).toEqual([200, 500, 200]);
    expect((await a.json()).rewards).toEqual([1]);
    expect((await c.json()).rewards).toEqual([3]);
  });
  it('close() finishes in-flight requests, then refuses new connections', async () => {
    const scorer = numberScorer(300);
    const s = await startRewardServer({ port: 0, scorer });
    const inflight = post(`${s.url}/get_reward`, { query: ['r=5'] });
    while (scorer.calls.length === 0) await new Promise((r) => setTimeout(r, 5)); // now waiting on the model
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    const res = await inflight;
    expect(res.status).toBe(200);
    expect((await res.json()).rewards).toEqual([5]);
    await expect(post(`${s.url}/get_reward`, { query: ['r=1'] })).rejects.toThrow();
  });
});
