// One remote endpoint (a base URL): bounded concurrency (p-limit, shared by every client of the
// same origin and concurrency), per-attempt timeout, retries with backoff on 429/5xx/timeouts/
// broken bodies honouring Retry-After, an overall time budget, and counters for run.json.
import http from 'node:http';
import https from 'node:https';
import pLimit, { type LimitFunction } from 'p-limit';
import { TransportError, backoffDelay, isRetryableStatus, parseRetryAfter, sleep } from './retry.js';

export interface EndpointOptions {
  /** e.g. `http://127.0.0.1:8000` or `https://api.example.com/v1` (paths are appended). */
  baseUrl: string;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Per-attempt timeout in ms (default 120000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** First backoff step in ms (default 500); doubles each retry up to maxDelayMs (default 30000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After honoured (default 120000); a longer one fails the call. */
  maxRetryAfterMs?: number;
  /** Overall budget in seconds for all calls through this endpoint, from its first call. */
  budgetS?: number;
  /** Extra headers (e.g. Authorization). Kept in memory only, never logged or written. */
  headers?: Record<string, string>;
  /** Jitter source (tests pass a fixed one). */
  random?: () => number;
}

export interface TransportCounters {
  /** Logical calls (postJson invocations). */
  calls: number;
  /** HTTP attempts sent (calls + retries). */
  attempts: number;
  retries: number;
  /** Calls that failed after all retries (or without retry). */
  failures: number;
  timeouts: number;
  rate_limited: number;
  server_errors: number;
  network_errors: number;
  bad_bodies: number;
  budget_exceeded: number;
  retry_wait_ms: number;
}

export interface PostOptions<T> {
  signal?: AbortSignal;
  /** Checks the parsed JSON; throw to mark the body as bad (retried like a truncated body). */
  validate?: (json: unknown) => T;
}

const limiters = new Map<string, LimitFunction>();
function sharedLimiter(origin: string, concurrency: number): LimitFunction {
  const key = `${origin}|${concurrency}`;
  let l = limiters.get(key);
  if (!l) {
    l = pLimit(concurrency);
    limiters.set(key, l);
  }
  return l;
}

/** The transport counters a scorer reports in run.json's scorer_stats. */
export function reportedCounters(t: TransportCounters): Record<string, number> {
  return {
    attempts: t.attempts,
    retries: t.retries,
    failures: t.failures,
    timeouts: t.timeouts,
    rate_limited: t.rate_limited,
    server_errors: t.server_errors,
    bad_bodies: t.bad_bodies,
    budget_exceeded: t.budget_exceeded,
  };
}

export function newCounters(): TransportCounters {
  return {
    calls: 0,
    attempts: 0,
    retries: 0,
    failures: 0,
    timeouts: 0,
    rate_limited: 0,
    server_errors: 0,
    network_errors: 0,
    bad_bodies: 0,
    budget_exceeded: 0,
    retry_wait_ms: 0,
  };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class HttpEndpoint {
  readonly base: URL;
  readonly concurrency: number;
  readonly counters = newCounters();
  private readonly limit: LimitFunction;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly budgetMs: number | undefined;
  private readonly headers: Record<string, string>;
  private readonly random: () => number;
  private startedAt: number | undefined;

  constructor(opts: EndpointOptions) {
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : opts.baseUrl + '/');
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new Error(`base URL must start with http:// or https://, got "${opts.baseUrl}"`);
    }
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 8));
    this.limit = sharedLimiter(this.base.origin, this.concurrency);
    const AgentClass = this.base.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new AgentClass({ keepAlive: true, maxSockets: this.concurrency });
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.maxRetries = opts.maxRetries ?? 4;
    this.baseDelayMs = opts.baseDelayMs ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
    this.budgetMs = opts.budgetS !== undefined ? opts.budgetS * 1000 : undefined;
    this.headers = { ...(opts.headers ?? {}) };
    this.random = opts.random ?? Math.random;
  }

  /** The URL of a path under the base (`v1/chat/completions`, `classify`, ...). */
  url(path: string): URL {
    return new URL(path.replace(/^\/+/, ''), this.base);
  }

  /** POSTs JSON and returns the parsed (and validated) JSON reply, retrying transient failures. */
  postJson<T = unknown>(path: string, body: unknown, opts: PostOptions<T> = {}): Promise<T> {
    this.counters.calls++;
    this.startedAt ??= Date.now();
    const payload = Buffer.from(JSON.stringify(body));
    const url = this.url(path);
    return this.limit(() => this.withRetries(url, payload, opts));
  }

  private remainingMs(): number {
    if (this.budgetMs === undefined) return Infinity;
    return this.budgetMs - (Date.now() - (this.startedAt ?? Date.now()));
  }

  private budgetError(attempts: number): TransportError {
    this.counters.budget_exceeded++;
    return new TransportError(
      `overall budget of ${this.budgetMs! / 1000}s for ${this.base.origin} is spent`,
      'budget',
      false,
      undefined,
      undefined,
      attempts,
    );
  }

  private async withRetries<T>(url: URL, payload: Buffer, opts: PostOptions<T>): Promise<T> {
    let attempt = 0;
    for (;;) {
      const remaining = this.remainingMs();
      if (remaining <= 0) {
        this.counters.failures++;
        throw this.budgetError(attempt);
      }
      this.counters.attempts++;
      attempt++;
      let err: TransportError;
      try {
        return this.interpret(await this.send(url, payload, Math.min(this.timeoutMs, remaining), opts.signal), opts);
      } catch (e) {
        err = e instanceof TransportError ? e : new TransportError(String(e), 'network', true);
      }
      err.attempts = attempt;
      this.count(err);
      if (!err.retryable || attempt > this.maxRetries) {
        this.counters.failures++;
        if (err.retryable) err.message += ` (gave up after ${attempt} attempts)`;
        throw err;
      }
      let wait = backoffDelay(attempt - 1, this.baseDelayMs, this.maxDelayMs, this.random);
      if (err.retryAfterMs !== undefined) {
        if (err.retryAfterMs > this.maxRetryAfterMs) {
          this.counters.failures++;
          err.message += ` (server asked to wait ${Math.round(err.retryAfterMs / 1000)}s, more than the ${this.maxRetryAfterMs / 1000}s allowed)`;
          throw err;
        }
        wait = err.retryAfterMs;
      }
      if (wait >= this.remainingMs()) {
        this.counters.failures++;
        throw this.budgetError(attempt);
      }
      this.counters.retries++;
      this.counters.retry_wait_ms += Math.round(wait);
      await sleep(wait, opts.signal);
    }
  }

  private count(err: TransportError): void {
    if (err.kind === 'timeout') this.counters.timeouts++;
    else if (err.kind === 'network') this.counters.network_errors++;
    else if (err.kind === 'body') this.counters.bad_bodies++;
    else if (err.kind === 'status' && err.status === 429) this.counters.rate_limited++;
    else if (err.kind === 'status' && (err.status ?? 0) >= 500) this.counters.server_errors++;
  }

  private interpret<T>(res: RawResponse, opts: PostOptions<T>): T {
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status >= 300) {
      const snippet = text.replace(/\s+/g, ' ').slice(0, 200);
      throw new TransportError(
        `HTTP ${res.status} from ${this.base.origin}${snippet ? `: ${snippet}` : ''}`,
        'status',
        isRetryableStatus(res.status),
        res.status,
        parseRetryAfter(res.headers),
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new TransportError(`malformed JSON in the reply from ${this.base.origin} (${res.body.length} bytes)`, 'body', true);
    }
    if (!opts.validate) return json as T;
    try {
      return opts.validate(json);
    } catch (e) {
      throw new TransportError(`unexpected reply from ${this.base.origin}: ${(e as Error).message}`, 'body', true);
    }
  }

  private send(url: URL, payload: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new TransportError('aborted', 'aborted', false));
      const mod = url.protocol === 'https:' ? https : http;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req = mod.request(url, {
        method: 'POST',
        agent: this.agent,
        headers: {
          ...this.headers,
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': String(payload.length),
        },
      });
      const timer = setTimeout(() => {
        finish(() => reject(new TransportError(`no reply from ${this.base.origin} within ${Math.round(timeoutMs)} ms`, 'timeout', true)));
        req.destroy();
      }, timeoutMs);
      const onAbort = () => {
        finish(() => reject(new TransportError('aborted', 'aborted', false)));
        req.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: NodeJS.ErrnoException) =>
        finish(() => reject(new TransportError(`request to ${this.base.origin} failed: ${e.code ?? e.message}`, 'network', true))),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () =>
          finish(() => reject(new TransportError(`truncated reply from ${this.base.origin} (connection closed mid-body)`, 'body', true))),
        );
        res.on('close', () => {
          if (!res.complete) {
            finish(() => reject(new TransportError(`truncated reply from ${this.base.origin} (connection closed mid-body)`, 'body', true)));
          }
        });
        res.on('end', () => {
          if (!res.complete) return; // 'close' reports it
          finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        });
      });
      req.end(payload);
    });
  }

  stats(): TransportCounters & { concurrency: number } {
    return { ...this.counters, concurrency: this.concurrency };
  }

  close(): void {
    this.agent.destroy();
  }
}
