// A bounded load test for the reward server (for `npm run perf`, from a second process): `clients`
// concurrent loops send OpenRLHF requests for `seconds` or until `maxRequests`, each with queries
// carrying a unique tag; every answer is checked against the expected rewards (via `expected`),
// so lost or mismatched responses are counted, not assumed away.
export interface LoadOptions {
  url: string;
  clients: number;
  /** Stop sending after this long (seconds). */
  seconds: number;
  /** Stop after this many requests in total. */
  maxRequests: number;
  /** Queries per request. */
  batch: number;
  token?: string;
  /** The query text for request r, query q. */
  query: (r: number, q: number) => string;
  /** The reward the server must answer for that query (undefined: only the count is checked). */
  expected?: (r: number, q: number) => number | undefined;
  tolerance?: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  failed: number;
  mismatched: number;
  seconds: number;
  requests_per_s: number;
  queries_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  let failed = 0;
  let mismatched = 0;
  const t0 = performance.now();
  const deadline = t0 + opts.seconds * 1000;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const tol = opts.tolerance ?? 1e-9;

  const client = async (): Promise<void> => {
    while (performance.now() < deadline && next < opts.maxRequests) {
      const r = next++;
      const query = Array.from({ length: opts.batch }, (_, q) => opts.query(r, q));
      const start = performance.now();
      try {
        const res = await fetch(`${opts.url}/get_reward`, { method: 'POST', headers, body: JSON.stringify({ query }) });
        const body = (await res.json()) as { rewards?: number[] };
        latencies.push(performance.now() - start);
        if (res.status !== 200 || !Array.isArray(body.rewards) || body.rewards.length !== query.length) {
          failed++;
          continue;
        }
        const wrong = body.rewards.some((v, q) => {
          const want = opts.expected?.(r, q);
          return want !== undefined && !(Math.abs(v - want) <= tol);
        });
        if (wrong) mismatched++;
        else ok++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, client));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const requests = ok + failed + mismatched;
  return {
    requests,
    ok,
    failed,
    mismatched,
    seconds,
    requests_per_s: requests / seconds,
    queries_per_s: (requests * opts.batch) / seconds,
    p50_ms: quantile(latencies, 0.5),
    p99_ms: quantile(latencies, 0.99),
    max_ms: latencies.length ? latencies[latencies.length - 1] : NaN,
  };
}
