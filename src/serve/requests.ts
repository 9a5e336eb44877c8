// Request bodies of the reward server, validated into score requests.
//   POST /get_reward (OpenRLHF): {"query": [str], "prompts"?: [str], "labels"?: [str]}; each query is
//     the full, already templated prompt + response text, scored as given (ScoreRequest.raw).
//   POST /score: a list of conversations (or {"conversations": [...]}), each like a line of
//     `rmgauge score`: {"messages"} | {"prompt", "response"} | {"question", "answer"}.
import { FieldError, parseConversation, promptKey } from '../curate/conversation.js';
import type { ScoreRequest } from '../types.js';
import { HttpError } from './http-util.js';

function stringList(v: unknown, field: string): string[] {
  if (!Array.isArray(v)) throw new HttpError(400, `"${field}" must be a list of strings`);
  const bad = v.findIndex((x) => typeof x !== 'string');
  if (bad >= 0) throw new HttpError(400, `"${field}[${bad}]" must be a string`);
  return v as string[];
}

/**
 * `seq` numbers the HTTP request: the group keys (for per-prompt centring in ensembles) never join
 * inputs of different requests, whatever the micro-batcher merges.
 */
export function getRewardRequests(body: unknown, seq: number, maxBatch: number): ScoreRequest[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object with "query"');
  const b = body as Record<string, unknown>;
  if (b.query === undefined) throw new HttpError(400, 'missing "query" (a list of prompt + response texts)');
  const query = typeof b.query === 'string' ? [b.query] : stringList(b.query, 'query');
  if (query.length > maxBatch) throw new HttpError(413, `${query.length} queries exceed the batch limit of ${maxBatch}`);
  let prompts: string[] | undefined;
  if (b.prompts !== undefined && b.prompts !== null) {
    prompts = stringList(b.prompts, 'prompts');
    if (prompts.length !== query.length) throw new HttpError(400, `"prompts" has ${prompts.length} entries for ${query.length} queries`);
  }
  if (b.labels !== undefined && b.labels !== null) {
    const labels = stringList(b.labels, 'labels');
    if (labels.length !== query.length) throw new HttpError(400, `"labels" has ${labels.length} entries for ${query.length} queries`);
  }
  return query.map((text, i) => ({
    prompt: [],
    completion: text,
    raw: true,
    ...(prompts ? { itemKey: `${seq}\u0000${prompts[i]}` } : {}),
  }));
}

export function scoreRequests(body: unknown, seq: number, maxBatch: number): ScoreRequest[] {
  const list = Array.isArray(body) ? body : (body as Record<string, unknown> | null)?.conversations;
  if (!Array.isArray(list)) throw new HttpError(400, 'the body must be a list of conversations, or {"conversations": [...]}');
  if (list.length > maxBatch) throw new HttpError(413, `${list.length} conversations exceed the batch limit of ${maxBatch}`);
  return list.map((row, i) => {
    try {
      const c = parseConversation(row);
      return { prompt: c.prompt, completion: c.completion, itemKey: `${seq}\u0000${promptKey(c.prompt)}` };
    } catch (err) {
      if (err instanceof FieldError) throw new HttpError(400, `conversations[${i}]: field "${err.field}": ${err.problem}`);
      throw err;
    }
  });
}
