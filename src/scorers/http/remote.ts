// The shared machinery of remote reward-model scorers: resolving `<kind>:<name>` (config) or an
// inline URL, a score cache (SQLite, keyed by endpoint, model and input; only valid scores stored),
// batching of cache misses, and the transport guarantees of HttpEndpoint.
import { join } from 'node:path';
import { KvStore, sha256Hex } from '../../cache/kv-store.js';
import { configRelative, loadConfig, type ServerConfig } from '../../config/index.js';
import { UserError } from '../../errors.js';
import { HttpEndpoint, reportedCounters } from '../../transport/index.js';
import type { Scorer, ScoreContext, ScoreRequest } from '../../types.js';
import type { ScorerOptions } from '../types.js';
import { endpointOptions } from '../endpoint-options.js';
import { loadRenderer, type Renderer } from './render.js';

export type ServerKind = ServerConfig['kind'];

/** What differs between vLLM, TEI and OpenRLHF. */
export interface Backend {
  path: string;
  /** Conversations per request (1 when the server only takes one). */
  batchSize: number;
  /** The input sent for one conversation (also its cache identity). */
  inputOf(r: ScoreRequest): unknown;
  body(inputs: unknown[]): unknown;
  /** Scores from a reply, in input order; throws on a reply of the wrong shape. */
  parse(json: unknown, n: number): number[];
  details?: Record<string, unknown>;
}

export interface ResolvedServer {
  name: string;
  config: ServerConfig;
  apiKey?: string;
  renderer: Renderer;
}

/** `name` from the config's servers, or an inline `[model@]http(s)://...`. */
export function resolveServer(kind: ServerKind, ref: string, opts: ScorerOptions): ResolvedServer {
  const inline = /^(?:(.+?)@)?(https?:\/\/.+)$/.exec(ref);
  let config: ServerConfig;
  let name: string;
  let templateFile: string | undefined;
  if (inline) {
    if (kind === 'vllm' && !inline[1]) throw new UserError(`vllm:${ref}: write vllm:<model>@<base-url> (vLLM needs the model name)`);
    config = { kind, base_url: inline[2], model: inline[1] };
    name = inline[1] ?? new URL(inline[2]).host;
  } else {
    const file = loadConfig(opts.cwd, opts.configFile);
    const entry = file?.servers[ref];
    if (!file || !entry) {
      const known = file ? Object.keys(file.servers) : [];
      throw new UserError(
        `${kind}:${ref}: not a URL and not a server in ${file ? file.file : 'a config file (none found)'}` +
          (known.length ? `; known servers: ${known.join(', ')}` : ''),
      );
    }
    if (entry.kind !== kind) throw new UserError(`${kind}:${ref}: the config defines "${ref}" as a ${entry.kind} server; use ${entry.kind}:${ref}`);
    config = entry;
    name = ref;
    if (entry.chat_template) templateFile = configRelative(file, entry.chat_template);
  }
  let apiKey: string | undefined;
  if (config.api_key_env) {
    apiKey = process.env[config.api_key_env];
    if (!apiKey) throw new UserError(`${kind}:${ref}: the environment variable ${config.api_key_env} (its API key) is not set`);
  }
  return { name, config, apiKey, renderer: loadRenderer(templateFile) };
}

const CACHE_NS = 'reward-v1';

export function createRemoteScorer(kind: ServerKind, spec: string, server: ResolvedServer, backend: Backend, opts: ScorerOptions): Scorer {
  const cfg = server.config;
  const endpoint = new HttpEndpoint(endpointOptions(cfg, server.apiKey, opts));
  const cache = opts.noCache ? undefined : new KvStore<number>(join(opts.cacheDir, 'responses.sqlite'));
  const url = endpoint.url(backend.path).href;
  const identity = { kind, url, model: cfg.model ?? null, renderer: server.renderer.hash, label_index: cfg.label_index ?? 0 };
  const fingerprint = sha256Hex(JSON.stringify(identity)).slice(0, 16);
  const totals = { conversations: 0, cache_hits: 0, requests: 0 };

  async function score(requests: ScoreRequest[], ctx?: ScoreContext): Promise<number[]> {
    const out = new Array<number>(requests.length);
    const misses: Array<{ i: number; input: unknown; key: string }> = [];
    requests.forEach((r, i) => {
      totals.conversations++;
      const input = backend.inputOf(r);
      const key = sha256Hex(JSON.stringify({ ...identity, input }));
      const hit = cache?.get(CACHE_NS, key);
      if (typeof hit === 'number') {
        totals.cache_hits++;
        out[i] = hit;
      } else misses.push({ i, input, key });
    });
    const batches: Array<typeof misses> = [];
    for (let b = 0; b < misses.length; b += backend.batchSize) batches.push(misses.slice(b, b + backend.batchSize));
    await Promise.all(
      batches.map(async (batch) => {
        totals.requests++;
        const scores = await endpoint.postJson(backend.path, backend.body(batch.map((m) => m.input)), {
          signal: ctx?.signal,
          validate: (json) => {
            const s = backend.parse(json, batch.length);
            if (s.length !== batch.length) throw new Error(`${s.length} scores for ${batch.length} inputs`);
            const bad = s.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
            if (bad >= 0) throw new Error(`score ${bad} is ${s[bad]} (not a finite number)`);
            return s;
          },
        });
        batch.forEach((m, j) => (out[m.i] = scores[j]));
        cache?.putMany(CACHE_NS, batch.map((m, j) => [m.key, scores[j]]));
      }),
    );
    return out;
  }

  return {
    info: {
      spec,
      kind,
      label: server.name.replace(/[^A-Za-z0-9._-]+/g, '-'),
      fingerprint,
      details: {
        url,
        model: cfg.model ?? null,
        batch_size: backend.batchSize,
        rendering: server.renderer.kind,
        template_hash: server.renderer.kind === 'plain' ? null : server.renderer.hash,
        ...(backend.details ?? {}),
      },
    },
    score,
    stats() {
      const t = endpoint.stats();
      return {
        conversations: totals.conversations,
        cache_hits: totals.cache_hits,
        requests: totals.requests,
        ...reportedCounters(t),
      };
    },
    async close() {
      endpoint.close();
      cache?.close();
    },
  };
}
