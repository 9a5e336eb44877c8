import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/serve/load.js';
import { startRewardServer, type RewardServer } from '../../src/serve/server.js';
import type { Scorer } from '../../src/types.js';

const scorer: Scorer = {
  info: { spec: 'test:len', kind: 'test', label: 'len', fingerprint: 'len' },
  async score(reqs) {
    await new Promise((r) => setTimeout(r, 2));
    return reqs.map((r) => r.completion.length);
  },
};
let server: RewardServer;
beforeAll(async () => {
  server = await startRewardServer({ scorer, port: 0, token: 't' });
});
afterAll(() => server.close());

describe('load generator', () => {
  const query = (r: number, q: number) => 'x'.repeat((r % 9) + q);
  it('counts every answer as ok when the rewards match', async () => {
    const res = await runLoad({ url: server.url, token: 't', clients: 8, seconds: 60, maxRequests: 120, batch: 3, query, expected: (r, q) => (r % 9) + q });
    expect(res).toMatchObject({ requests: 120, ok: 120, failed: 0, mismatched: 0 });
    expect(res.p99_ms).toBeGreaterThanOrEqual(res.p50_ms);
  });
  it('detects mismatched answers and refused requests', async () => {
    const wrong = await runLoad({ url: server.url, token: 't', clients: 4, seconds: 60, maxRequests: 20, batch: 2, query, expected: (r, q) => (r % 9) + q + (r === 5 ? 1 : 0) });
    expect(wrong).toMatchObject({ requests: 20, ok: 19, mismatched: 1 });
    const refused = await runLoad({ url: server.url, token: 'bad', clients: 2, seconds: 60, maxRequests: 6, batch: 1, query });
    expect(refused).toMatchObject({ requests: 6, ok: 0, failed: 6 });
  });
});
