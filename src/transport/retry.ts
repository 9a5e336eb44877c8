// Retry policy pieces: which failures are retried, how long to wait (exponential backoff with
// jitter, or the server's Retry-After), and the error type every transport failure becomes.

export type FailureKind = 'status' | 'timeout' | 'network' | 'body' | 'budget' | 'aborted';

/** A failed remote call. Never carries request headers (API keys stay out of messages). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly retryable: boolean,
    readonly status?: number,
    /** Server-requested wait (Retry-After / retry-after-ms), in ms. */
    readonly retryAfterMs?: number,
    public attempts = 1,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** 429 and every 5xx are retried; other 4xx are the caller's fault and are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * Parses `retry-after-ms` (OpenAI style) or `Retry-After` (seconds, or an HTTP date) into ms.
 * Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: Record<string, string | string[] | undefined>,
  now: number = Date.now(),
): number | undefined {
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.max(0, Number(ms));
  const ra = first(headers['retry-after']);
  if (ra === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}

/**
 * Exponential backoff with "equal jitter": half the exponential step is fixed, half is random,
 * so simultaneous failures spread out but a retry never comes back immediately.
 * attempt = 0 for the first retry.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, rand: () => number): number {
  const step = Math.min(maxMs, baseMs * 2 ** attempt);
  return step / 2 + rand() * (step / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TransportError('aborted', 'aborted', false));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new TransportError('aborted', 'aborted', false));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
