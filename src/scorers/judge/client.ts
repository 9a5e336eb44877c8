// Chat-completions client for judges: request body, persistent response cache (SQLite, keyed by
// endpoint, model, messages and parameters; only complete, well-formed replies are stored), in-flight
// de-duplication, token usage and cost. The API key lives only in the endpoint's headers.
import { join } from 'node:path';
import { KvStore, sha256Hex } from '../../cache/kv-store.js';
import { HttpEndpoint, type EndpointOptions } from '../../transport/index.js';
import type { Message } from '../../types.js';
import { compactLogprobs, type VerdictToken } from './logprobs.js';

export interface ChatReply {
  content: string;
  logprobs?: VerdictToken[];
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** The model id the server reports (recorded once). */
  model?: string;
}

export interface JudgeClientOptions {
  endpoint: EndpointOptions;
  model: string;
  /** Request fields besides model and messages (temperature, logprobs, ...). */
  params: Record<string, unknown>;
  cacheDir: string;
  noCache?: boolean;
  pricePerToken?: { prompt: number; completion: number };
}

const CACHE_NS = 'chat-v1';

/** Path of the chat completions endpoint under a base URL (`.../v1` bases are not doubled). */
export function chatPath(baseUrl: string): string {
  return /\/v1\/?$/.test(new URL(baseUrl).pathname) ? 'chat/completions' : 'v1/chat/completions';
}

function validateReply(json: unknown): ChatReply {
  const j = json as {
    model?: unknown;
    choices?: Array<{ message?: { content?: unknown; refusal?: unknown }; logprobs?: unknown }>;
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  };
  if (!Array.isArray(j?.choices) || j.choices.length === 0) throw new Error('no choices in the reply');
  const message = j.choices[0]?.message;
  if (!message || typeof message !== 'object') throw new Error('choices[0].message is missing');
  // A reply without text (content null: a refusal, or only tool calls) is a valid, unparseable
  // answer, not a transport error: retrying would pay again for the same reply.
  let content = message.content;
  if (content === null || content === undefined) content = typeof message.refusal === 'string' ? message.refusal : '';
  if (typeof content !== 'string') throw new Error('choices[0].message.content is not text');
  const reply: ChatReply = { content };
  const lp = compactLogprobs(j.choices[0].logprobs);
  if (lp) reply.logprobs = lp;
  const pt = j.usage?.prompt_tokens;
  const ct = j.usage?.completion_tokens;
  if (typeof pt === 'number' && typeof ct === 'number') reply.usage = { prompt_tokens: pt, completion_tokens: ct };
  if (typeof j.model === 'string') reply.model = j.model;
  return reply;
}

export class JudgeClient {
  readonly endpoint: HttpEndpoint;
  private readonly path: string;
  private readonly cache: KvStore<ChatReply> | undefined;
  private readonly inFlight = new Map<string, Promise<ChatReply>>();
  readonly totals = { cache_hits: 0, requests: 0, prompt_tokens: 0, completion_tokens: 0, with_logprobs: 0 };
  serverModel: string | undefined;

  constructor(private readonly opts: JudgeClientOptions) {
    this.endpoint = new HttpEndpoint(opts.endpoint);
    this.path = chatPath(opts.endpoint.baseUrl);
    this.cache = opts.noCache ? undefined : new KvStore<ChatReply>(join(opts.cacheDir, 'responses.sqlite'));
  }

  /** The cache key: endpoint URL, model, messages and every request parameter. */
  cacheKey(messages: Message[]): string {
    return sha256Hex(
      JSON.stringify({ url: this.endpoint.url(this.path).href, model: this.opts.model, messages, params: this.opts.params }),
    );
  }

  async complete(messages: Message[], signal?: AbortSignal): Promise<ChatReply & { cached: boolean }> {
    const key = this.cacheKey(messages);
    const hit = this.cache?.get(CACHE_NS, key);
    if (hit) {
      this.totals.cache_hits++;
      return { ...hit, cached: true };
    }
    let pending = this.inFlight.get(key);
    if (pending) {
      // an identical request is already on the wire: share its reply
      this.totals.cache_hits++;
      return { ...(await pending), cached: true };
    }
    pending = this.send(messages, key, signal);
    this.inFlight.set(key, pending);
    try {
      return { ...(await pending), cached: false };
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async send(messages: Message[], key: string, signal?: AbortSignal): Promise<ChatReply> {
    this.totals.requests++;
    const body = { model: this.opts.model, messages, ...this.opts.params };
    const reply = await this.endpoint.postJson(this.path, body, { signal, validate: validateReply });
    if (reply.usage) {
      this.totals.prompt_tokens += reply.usage.prompt_tokens;
      this.totals.completion_tokens += reply.usage.completion_tokens;
    }
    if (reply.logprobs) this.totals.with_logprobs++;
    this.serverModel ??= reply.model;
    this.cache?.put(CACHE_NS, key, reply); // only a complete, validated reply gets here
    return reply;
  }

  /** Cost of the requests sent in this process (cache hits cost nothing); null without a price. */
  cost(): number | null {
    const p = this.opts.pricePerToken;
    if (!p) return null;
    return this.totals.prompt_tokens * p.prompt + this.totals.completion_tokens * p.completion;
  }

  close(): void {
    this.endpoint.close();
    this.cache?.close();
  }
}
