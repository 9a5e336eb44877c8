import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpEndpoint, TransportError, backoffDelay, parseRetryAfter } from '../../src/transport/index.js';
import { startFakeOpenAIServer, type FakeServer } from '../helpers/fake-openai-server.js';

const chatBody = { model: 'm', messages: [{ role: 'user', content: 'Rate this. <<good>>' }] };
const validChat = (j: unknown) => {
  const c = (j as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message?.content;
  if (typeof c !== 'string') throw new Error('no choices[0].message.content');
  return c;
};

let server: FakeServer;
const endpoints: HttpEndpoint[] = [];
function endpoint(extra: Partial<ConstructorParameters<typeof HttpEndpoint>[0]> = {}) {
  const e = new HttpEndpoint({ baseUrl: server.url, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000, random: () => 0.5, ...extra });
  endpoints.push(e);
  return e;
}

beforeEach(async () => {
  server = await startFakeOpenAIServer({ judge: 'correct' });
});
afterEach(async () => {
  for (const e of endpoints.splice(0)) e.close();
  await server.close();
});

describe('retry policy helpers', () => {
  it('parses Retry-After seconds, dates and retry-after-ms', () => {
    expect(parseRetryAfter({ 'retry-after': '2' })).toBe(2000);
    expect(parseRetryAfter({ 'retry-after-ms': '150' })).toBe(150);
    expect(parseRetryAfter({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
    expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfter({})).toBeUndefined();
  });
  it('backs off exponentially with equal jitter, capped', () => {
    expect(backoffDelay(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(600); // step 800: 400 + 200
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
  });
});

describe('HttpEndpoint against the loopback server', () => {
  it('returns the parsed reply and counts one attempt', async () => {
    const e = endpoint();
    const content = await e.postJson('v1/chat/completions', chatBody, { validate: validChat });
    expect(content).toContain('Rating: 9');
    expect(e.counters).toMatchObject({ calls: 1, attempts: 1, retries: 0, failures: 0 });
    expect(server.requests).toBe(1);
  });

  it('survives a 429 burst and a 500 with exact retry counts', async () => {
    server.queueFaults(
      { kind: 'status', status: 429 },
      { kind: 'status', status: 429 },
      { kind: 'status', status: 429 },
      { kind: 'status', status: 500 },
    );
    const e = endpoint();
    await e.postJson('v1/chat/completions', chatBody, { validate: validChat });
    expect(e.counters).toMatchObject({ calls: 1, attempts: 5, retries: 4, failures: 0, rate_limited: 3, server_errors: 1 });
    expect(server.requests).toBe(5);
  });

  it('gives up after maxRetries and reports the status', async () => {
    server.queueFaults(...Array.from({ length: 6 }, () => ({ kind: 'status' as const, status: 503 })));
    const e = endpoint({ maxRetries: 2 });
    const err = await e.postJson('v1/chat/completions', chatBody).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).status).toBe(503);
    expect((err as TransportError).attempts).toBe(3);
    expect(e.counters).toMatchObject({ attempts: 3, retries: 2, failures: 1, server_errors: 3 });
    expect(server.requests).toBe(3);
  });

  it('does not retry a 400', async () => {
    server.queueFaults({ kind: 'status', status: 400 });
    const e = endpoint();
    await expect(e.postJson('v1/chat/completions', chatBody)).rejects.toThrow(/HTTP 400/);
    expect(e.counters).toMatchObject({ attempts: 1, retries: 0, failures: 1 });
  });

  it('honours Retry-After (seconds) instead of the short backoff', async () => {
    server.queueFaults({ kind: 'status', status: 429, retryAfter: '1' });
    const e = endpoint();
    const t0 = Date.now();
    await e.postJson('v1/chat/completions', chatBody, { validate: validChat });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(2500);
    expect(e.counters).toMatchObject({ attempts: 2, retries: 1, rate_limited: 1, retry_wait_ms: 1000 });
  });

  it('honours retry-after-ms', async () => {
    server.queueFaults({ kind: 'status', status: 429, retryAfterMs: '300' });
    const e = endpoint();
    const t0 = Date.now();
    await e.postJson('v1/chat/completions', chatBody);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(295);
    expect(e.counters.retry_wait_ms).toBe(300);
  });

  it('fails at once when Retry-After is longer than allowed', async () => {
    server.queueFaults({ kind: 'status', status: 429, retryAfter: '600' });
    const e = endpoint({ maxRetryAfterMs: 10_000 });
    await expect(e.postJson('v1/chat/completions', chatBody)).rejects.toThrow(/asked to wait 600s/);
    expect(e.counters).toMatchObject({ attempts: 1, failures: 1 });
  });

  it('times out a hung request and retries it', async () => {
    server.queueFaults({ kind: 'hang' });
    const e = endpoint({ timeoutMs: 200 });
    const t0 = Date.now();
    await e.postJson('v1/chat/completions', chatBody, { validate: validChat });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(195);
    expect(e.counters).toMatchObject({ attempts: 2, retries: 1, timeouts: 1, failures: 0 });
    expect(server.requests).toBe(2);
  });

  it('treats truncated and malformed bodies as errors, retried', async () => {
    server.queueFaults({ kind: 'truncated' }, { kind: 'malformed' }, { kind: 'bad-shape' });
    const e = endpoint();
    await e.postJson('v1/chat/completions', chatBody, { validate: validChat });
    expect(e.counters).toMatchObject({ attempts: 4, retries: 3, bad_bodies: 3, failures: 0 });
  });

  it('fails with a clear error when every attempt is truncated', async () => {
    server.queueFaults(...Array.from({ length: 3 }, () => ({ kind: 'truncated' as const })));
    const e = endpoint({ maxRetries: 2 });
    await expect(e.postJson('v1/chat/completions', chatBody)).rejects.toThrow(/truncated reply.*gave up after 3 attempts/);
  });

  it('stops at the overall budget', async () => {
    server.queueFaults(...Array.from({ length: 10 }, () => ({ kind: 'status' as const, status: 500 })));
    const e = endpoint({ budgetS: 0.3, baseDelayMs: 100, maxDelayMs: 100, maxRetries: 20 });
    const err = (await e.postJson('v1/chat/completions', chatBody).catch((x: unknown) => x)) as TransportError;
    expect(err.kind).toBe('budget');
    expect(e.counters.budget_exceeded).toBe(1);
    // each retry waits 75 ms (step 100, jitter 0.5): attempts at 0, 75, 150, 225 ms; the next wait
    // would end at the budget, so the call fails there instead of sleeping past it
    expect(e.counters.attempts).toBeGreaterThanOrEqual(2);
    expect(e.counters.attempts).toBeLessThanOrEqual(4);
    // the budget is spent: the next call fails without a request
    const before = server.requests;
    await new Promise((r) => setTimeout(r, 320));
    await expect(e.postJson('v1/chat/completions', chatBody)).rejects.toThrow(/budget/);
    expect(server.requests).toBe(before);
  });

  it('bounds concurrency per endpoint', async () => {
    server.setLatency(50);
    const e = endpoint({ concurrency: 3 });
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 9 }, () => e.postJson('v1/chat/completions', chatBody)));
    // 9 requests of 50 ms, 3 at a time: three waves, so at least ~150 ms
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    expect(server.requests).toBe(9);
  });

  it('sends the configured headers and never puts them in error messages', async () => {
    server.queueFaults({ kind: 'status', status: 401 });
    const e = endpoint({ headers: { authorization: 'Bearer sk-secret-123' } });
    const err = (await e.postJson('v1/chat/completions', chatBody).catch((x: unknown) => x)) as Error;
    expect(err.message).not.toContain('sk-secret-123');
    expect(server.log[0].authorization).toBe('Bearer sk-secret-123');
  });
});
