// `judge:` scorers: LLM judges behind an OpenAI-compatible chat completions endpoint, answering the
// protocols pairwise, kway, rating and verify (see docs/judges.md).
import { sha256Hex } from '../../cache/kv-store.js';
import type { JudgeRequest, JudgeVerdict, Scorer, ScoreContext } from '../../types.js';
import type { ScorerOptions } from '../types.js';
import { endpointOptions } from '../endpoint-options.js';
import { reportedCounters } from '../../transport/index.js';
import { JudgeClient } from './client.js';
import { choiceProbability, yesProbability } from './logprobs.js';
import { parseChoice, parseRating, parseYesNo } from './parse.js';
import { buildMessages } from './prompts.js';
import { resolveJudge } from './resolve.js';
import { BUILT_IN, PROTOCOLS, loadTemplateFile, templateHash, type Protocol, type TemplateSet } from './templates.js';

export { buildMessages } from './prompts.js';
export { parseChoice, parseRating, parseYesNo } from './parse.js';
export { BUILT_IN, loadTemplateFile, templateHash } from './templates.js';

/** Longest reply text kept in a verdict (items.jsonl); the cache keeps the full text. */
export const RAW_LIMIT = 4000;

interface ProtocolCounters {
  calls: number;
  cache_hits: number;
  parse_failures: number;
  ties: number;
  failures: number;
  with_prob: number;
}

/** Parses a reply for a request into a verdict (pure; exported for tests and other suites). */
export function verdictFor(request: JudgeRequest, content: string, logprobs?: Parameters<typeof choiceProbability>[0]): JudgeVerdict {
  const raw = content.length > RAW_LIMIT ? content.slice(0, RAW_LIMIT) + '…' : content;
  switch (request.protocol) {
    case 'pairwise':
    case 'kway': {
      const k = request.protocol === 'pairwise' ? 2 : request.candidates.length;
      const p = parseChoice(content, k, request.protocol === 'pairwise');
      const v: JudgeVerdict = { choice: p.choice, parseFailed: p.choice === null && !p.tie, raw };
      if (p.tie) v.tie = true;
      if (p.choice !== null) v.prob = choiceProbability(logprobs, p.choice, k, p.offset);
      return v;
    }
    case 'rating': {
      const p = parseRating(content);
      return { rating: p.rating, parseFailed: p.rating === null, raw };
    }
    case 'verify': {
      const p = parseYesNo(content);
      const v: JudgeVerdict = { yes: p.yes, parseFailed: p.yes === null, raw };
      if (p.yes !== null) v.prob = yesProbability(logprobs, p.yes, p.offset);
      return v;
    }
  }
}

export async function createJudgeScorer(ref: string, spec: string, opts: ScorerOptions): Promise<Scorer> {
  const judge = resolveJudge(ref, opts);
  const cfg = judge.config;
  let templates: TemplateSet = BUILT_IN;
  let replaced: Protocol[] = [];
  if (judge.templateFile) ({ set: templates, replaced } = loadTemplateFile(judge.templateFile));
  const tHash = templateHash(templates);

  // temperature 0 unless the config says otherwise; a parameter set to null is not sent at all
  // (for endpoints that reject it, e.g. models with a fixed temperature)
  const params: Record<string, unknown> = Object.fromEntries(
    Object.entries({ temperature: 0, ...(cfg.params ?? {}) }).filter(([, v]) => v !== null),
  );
  if (cfg.logprobs !== false) {
    params.logprobs = true;
    params.top_logprobs = cfg.top_logprobs ?? 5;
  }
  const client = new JudgeClient({
    endpoint: endpointOptions(cfg, judge.apiKey, opts),
    model: cfg.model,
    params,
    cacheDir: opts.cacheDir,
    noCache: opts.noCache,
    pricePerToken: cfg.price_per_token,
  });

  const baseUrl = client.endpoint.base.href.replace(/\/$/, '');
  const fingerprint = sha256Hex(JSON.stringify({ baseUrl, model: cfg.model, params, template: tHash })).slice(0, 16);
  const counters = Object.fromEntries(
    PROTOCOLS.map((p) => [p, { calls: 0, cache_hits: 0, parse_failures: 0, ties: 0, failures: 0, with_prob: 0 }]),
  ) as Record<Protocol, ProtocolCounters>;

  return {
    info: {
      spec,
      kind: 'judge',
      label: judge.name.replace(/[^A-Za-z0-9._-]+/g, '-'),
      fingerprint,
      details: {
        model: cfg.model,
        base_url: baseUrl,
        params,
        template_hash: tHash,
        template: judge.templateFile ? { file: judge.templateFile, replaces: replaced } : 'built-in',
        api_key_env: judge.apiKey ? judge.keyEnv : null,
        concurrency: client.endpoint.concurrency,
      },
    },

    async judge(request: JudgeRequest, ctx?: ScoreContext): Promise<JudgeVerdict> {
      const c = counters[request.protocol];
      c.calls++;
      let reply;
      try {
        reply = await client.complete(buildMessages(request, templates), ctx?.signal);
      } catch (err) {
        c.failures++;
        throw err;
      }
      if (reply.cached) c.cache_hits++;
      const verdict = verdictFor(request, reply.content, reply.logprobs);
      verdict.cached = reply.cached;
      if (verdict.parseFailed) c.parse_failures++;
      if (verdict.tie) c.ties++;
      if (typeof verdict.prob === 'number') c.with_prob++;
      return verdict;
    },

    stats() {
      const t = client.endpoint.stats();
      const calls = PROTOCOLS.reduce((n, p) => n + counters[p].calls, 0);
      const parseFailures = PROTOCOLS.reduce((n, p) => n + counters[p].parse_failures, 0);
      const answered = calls - PROTOCOLS.reduce((n, p) => n + counters[p].failures, 0);
      return {
        judge_calls: calls,
        requests: client.totals.requests,
        cache_hits: client.totals.cache_hits,
        ...reportedCounters(t),
        parse_failures: parseFailures,
        parse_failure_rate: answered > 0 ? parseFailures / answered : null,
        protocols: Object.fromEntries(PROTOCOLS.filter((p) => counters[p].calls > 0).map((p) => [p, { ...counters[p] }])),
        prompt_tokens: client.totals.prompt_tokens,
        completion_tokens: client.totals.completion_tokens,
        cost: client.cost(),
        replies_with_logprobs: client.totals.with_logprobs,
        server_model: client.serverModel ?? null,
      };
    },

    async close() {
      client.close();
    },
  };
}
