// Remote reward-model scorers (pointwise `score()`):
//   vllm:<model>@<base-url>[/classify|/pooling]  vLLM; /classify reads probs[label_index],
//                                                /pooling the raw output (last token's row when 2-D)
//   tei:<base-url>                               Text Embeddings Inference /predict, raw scores
//   openrlhf:<base-url>                          OpenRLHF-style /get_reward, {"query": [...]} -> rewards
// or <kind>:<name> for a server in the config file's "servers". See docs/judges.md.
import type { Scorer, ScoreRequest } from '../../types.js';
import type { ScorerOptions } from '../types.js';
import { renderQuestion } from '../judge/prompts.js';
import { requestText } from './render.js';
import { createRemoteScorer, resolveServer, type ResolvedServer } from './remote.js';

const arr = (v: unknown, what: string): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`${what} is not a list`);
  return v;
};

/** Splits a trailing API path off a base URL: `http://h:8000/pooling` -> base + `pooling`. */
function splitPath(server: ResolvedServer, paths: string[]): string | undefined {
  const u = new URL(server.config.base_url);
  const last = u.pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  if (!paths.includes(last)) return undefined;
  u.pathname = u.pathname.replace(/\/+$/, '').slice(0, -last.length);
  server.config = { ...server.config, base_url: u.href };
  return last;
}

function batchSize(server: ResolvedServer, fallback = 32): number {
  return server.config.batch_size ?? fallback;
}

export async function createVllmScorer(ref: string, spec: string, opts: ScorerOptions): Promise<Scorer> {
  const server = resolveServer('vllm', ref, opts);
  const endpoint = splitPath(server, ['classify', 'pooling']) ?? server.config.endpoint ?? 'classify';
  const label = server.config.label_index ?? 0;
  // With a chat template we render text and batch it; without one, vLLM applies the model's own
  // template to chat `messages`, one conversation per request (vLLM batches concurrent requests).
  const useMessages = server.renderer.kind === 'plain';
  const model = server.config.model!;
  return createRemoteScorer(
    'vllm',
    spec,
    server,
    {
      path: endpoint,
      batchSize: useMessages ? 1 : batchSize(server),
      inputOf: (r: ScoreRequest) =>
        r.raw || !useMessages ? requestText(r, server.renderer) : { messages: [...r.prompt, { role: 'assistant', content: r.completion }] },
      body: (inputs) =>
        inputs.length === 1 && typeof inputs[0] === 'object' && inputs[0] !== null
          ? { model, ...(inputs[0] as object) }
          : { model, input: inputs },
      parse: (json, n) => {
        const data = arr((json as { data?: unknown }).data, 'data').slice();
        if (data.length !== n) throw new Error(`${data.length} results for ${n} inputs`);
        data.sort((a, b) => ((a as { index?: number }).index ?? 0) - ((b as { index?: number }).index ?? 0));
        return data.map((d) => {
          if (endpoint === 'classify') return arr((d as { probs?: unknown }).probs, 'probs')[label] as number;
          const v = (d as { data?: unknown }).data;
          if (typeof v === 'number') return v;
          const rows = arr(v, 'data');
          const row = Array.isArray(rows[rows.length - 1]) ? (rows[rows.length - 1] as unknown[]) : rows;
          return row[label] as number;
        });
      },
      details: { api: endpoint, label_index: label, input: useMessages ? 'messages' : 'text' },
    },
    opts,
  );
}

export async function createTeiScorer(ref: string, spec: string, opts: ScorerOptions): Promise<Scorer> {
  const server = resolveServer('tei', ref, opts);
  splitPath(server, ['predict']);
  const label = server.config.label_index;
  return createRemoteScorer(
    'tei',
    spec,
    server,
    {
      path: 'predict',
      batchSize: batchSize(server),
      // A (question, answer) pair, as encoder reward models read it; raw requests as one text.
      inputOf: (r: ScoreRequest) => (r.raw ? r.completion : [renderQuestion(r.prompt), r.completion]),
      body: (inputs) => ({ inputs, raw_scores: true }),
      parse: (json, n) => {
        const rows = arr(json, 'reply');
        if (rows.length !== n) throw new Error(`${rows.length} results for ${n} inputs`);
        return rows.map((row) => {
          const preds = arr(row, 'prediction') as Array<{ label?: string; score?: number }>;
          const want = label !== undefined ? `LABEL_${label}` : preds.length === 1 ? preds[0].label : 'LABEL_0';
          const p = preds.find((x) => x.label === want) ?? (label === undefined ? preds[0] : undefined);
          if (!p) throw new Error(`no label ${want} in the prediction`);
          return p.score as number;
        });
      },
      details: { api: 'predict', label: label !== undefined ? `LABEL_${label}` : 'single or LABEL_0' },
    },
    opts,
  );
}

export async function createOpenRlhfScorer(ref: string, spec: string, opts: ScorerOptions): Promise<Scorer> {
  const server = resolveServer('openrlhf', ref, opts);
  splitPath(server, ['get_reward']);
  return createRemoteScorer(
    'openrlhf',
    spec,
    server,
    {
      path: 'get_reward',
      batchSize: batchSize(server),
      inputOf: (r: ScoreRequest) => requestText(r, server.renderer),
      body: (inputs) => ({ query: inputs }),
      parse: (json) => {
        const j = json as { rewards?: unknown; scores?: unknown };
        return arr(j.rewards ?? j.scores, 'rewards') as number[];
      },
      details: { api: 'get_reward' },
    },
    opts,
  );
}
