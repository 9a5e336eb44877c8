// How a configured endpoint (judge or reward server) and the command-line options become the
// transport's settings: flags win over the config file for timeout and budget, the config file
// over flags for concurrency, and the API key becomes a bearer header held in memory only.
import type { EndpointConfig } from '../config/schema.js';
import type { EndpointOptions } from '../transport/index.js';
import type { ScorerOptions } from './types.js';

export function endpointOptions(cfg: EndpointConfig, apiKey: string | undefined, opts: ScorerOptions): EndpointOptions {
  return {
    baseUrl: cfg.base_url,
    concurrency: cfg.concurrency ?? opts.concurrency ?? 8,
    timeoutMs: opts.timeoutMs ?? cfg.timeout_ms ?? 120_000,
    maxRetries: cfg.max_retries ?? 4,
    baseDelayMs: cfg.retry_base_ms,
    budgetS: opts.budgetS ?? cfg.budget_s,
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  };
}
