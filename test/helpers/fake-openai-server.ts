// A real node:http loopback server that emulates an OpenAI-compatible judge endpoint
// (POST /v1/chat/completions) with scripted judges and scripted faults, and the reward-server APIs
// (vLLM /classify and /pooling, TEI /predict, OpenRLHF /get_reward). It counts every request.
//
// Scripted judges find the answers through markers placed in test items: a correct answer contains
// GOOD ("<<good>>"), a wrong one BAD ("<<bad>>"); the k-th marker in the last user message is
// answer k (A, B, ...). The protocol is recognised from the verdict format the prompt asks for
// ([[D]] -> kway, [[B]] -> pairwise, YES and NO -> verify, otherwise rating).
//
// Standalone: `npx tsx test/helpers/fake-openai-server.ts --latency 200 --judge correct` prints
// one JSON line {"url": ...}; GET /__stats returns the counters.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const GOOD = '<<good>>';
export const BAD = '<<bad>>';

export type FakeProtocol = 'pairwise' | 'kway' | 'rating' | 'verify';
export type ScriptedJudge = 'correct' | 'always-a' | 'always-yes' | 'garbled';

export interface ChatMessage {
  role: string;
  content: string;
}
export interface JudgeContext {
  protocol: FakeProtocol;
  messages: ChatMessage[];
  /** The last user message. */
  text: string;
  /** GOOD/BAD markers in the last user message, in order ('good' | 'bad'). */
  marks: Array<'good' | 'bad'>;
  body: Record<string, unknown>;
}
export type JudgeFn = (ctx: JudgeContext) => string;

export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number; retryAfter?: string; retryAfterMs?: string; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'truncated' }
  /** Valid JSON without the expected fields (no `choices`). */
  | { kind: 'bad-shape' };

export interface FakeServerOptions {
  judge?: ScriptedJudge | JudgeFn;
  /** Delay before every reply, ms (default 0). */
  latencyMs?: number;
  /** Probability the scripted judge puts on its verdict token in top_logprobs (default 0.9). */
  confidence?: number;
  /** Reward for a text (reward-server APIs). Default: 2 per GOOD marker, -1 per BAD, + length/1e4. */
  reward?: (text: string) => number;
  /** When set, requests without `Authorization: Bearer <key>` get 401. */
  requireKey?: string;
  port?: number;
  /** Keep request bodies in `log` (default true; the perf run turns it off). */
  keepLog?: boolean;
}

export interface LoggedRequest {
  path: string;
  body: unknown;
  authorization?: string;
  at: number;
}

export interface FakeServer {
  url: string;
  port: number;
  /** Requests received on the emulated APIs (not /__stats). */
  readonly requests: number;
  /** Requests per path. */
  readonly counts: Record<string, number>;
  /** Token totals of the chat replies served (as reported in `usage`). */
  readonly usage: { prompt_tokens: number; completion_tokens: number };
  readonly log: LoggedRequest[];
  /** Requests answered with a 200 reply (held, hung and faulted ones are not). */
  readonly answered: number;
  /** How many distinct request bodies were answered more than once (a repeated paid call). */
  repeatedAnswers(): number;
  /** From now on, hold every request unanswered (a client killed meanwhile never gets them). */
  hold(): void;
  /** Stop holding: new requests are answered again (held ones stay unanswered). */
  unhold(): void;
  /** Requests currently held. */
  held(): number;
  /** Faults applied to the next requests, one each, in order. */
  queueFaults(...faults: Fault[]): void;
  pendingFaults(): number;
  setJudge(judge: ScriptedJudge | JudgeFn): void;
  setLatency(ms: number): void;
  resetCounts(): void;
  close(): Promise<void>;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function detectProtocol(messages: ChatMessage[]): FakeProtocol {
  const all = messages.map((m) => m.content).join('\n');
  if (all.includes('[[D]]')) return 'kway';
  if (all.includes('[[B]]')) return 'pairwise';
  if (/\bYES\b/.test(all) && /\bNO\b/.test(all)) return 'verify';
  return 'rating';
}

function marksOf(text: string): Array<'good' | 'bad'> {
  const out: Array<'good' | 'bad'> = [];
  const re = /<<(good|bad)>>/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] as 'good' | 'bad');
  return out;
}

export const scriptedJudges: Record<ScriptedJudge, JudgeFn> = {
  correct: ({ protocol, marks }) => {
    if (protocol === 'pairwise' || protocol === 'kway') {
      const i = Math.max(0, marks.indexOf('good'));
      return `Having compared the answers, answer ${LETTERS[i]} is the most accurate.\n\n[[${LETTERS[i]}]]`;
    }
    if (protocol === 'rating') return marks.includes('good') ? 'Accurate and complete.\nRating: 9' : 'Contains errors.\nRating: 2';
    return marks.includes('good') ? 'YES' : 'NO';
  },
  'always-a': ({ protocol }) => {
    if (protocol === 'pairwise' || protocol === 'kway') return '[[A]]';
    if (protocol === 'rating') return 'Rating: 5';
    return 'YES';
  },
  'always-yes': () => 'YES',
  garbled: () => 'Hmm... perhaps; the weather is lovely ~~ ?',
};

/** Crude tokenizer for the emulated logprobs: verdict brackets, words, spaces. */
function tokens(content: string): string[] {
  return content.match(/\[\[|\]\]|[A-Za-z]+|\d+|\s+|[^\sA-Za-z\d]/g) ?? [];
}

function topLogprobs(tok: string, protocol: FakeProtocol, prev: string | undefined, confidence: number) {
  const alts: string[] = [];
  if (prev === '[[' && /^[A-Z]$/.test(tok)) alts.push(...(protocol === 'kway' ? 'ABCD' : 'AB').split(''));
  else if (tok === 'YES' || tok === 'NO') alts.push('YES', 'NO');
  if (!alts.includes(tok)) return { token: tok, logprob: 0, top_logprobs: [{ token: tok, logprob: 0 }] };
  const rest = (1 - confidence) / (alts.length - 1);
  const top = alts.map((a) => ({ token: a, logprob: Math.log(a === tok ? confidence : rest) }));
  top.sort((x, y) => y.logprob - x.logprob);
  return { token: tok, logprob: Math.log(confidence), top_logprobs: top };
}

function defaultReward(text: string): number {
  return 2 * marksOf(text).filter((m) => m === 'good').length - marksOf(text).filter((m) => m === 'bad').length + text.length / 1e4;
}

export async function startFakeOpenAIServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  let judge: JudgeFn = typeof opts.judge === 'function' ? opts.judge : scriptedJudges[opts.judge ?? 'correct'];
  let latency = opts.latencyMs ?? 0;
  const confidence = opts.confidence ?? 0.9;
  const reward = opts.reward ?? defaultReward;
  const keepLog = opts.keepLog ?? true;
  const faults: Fault[] = [];
  const state = {
    requests: 0,
    counts: {} as Record<string, number>,
    usage: { prompt_tokens: 0, completion_tokens: 0 },
    log: [] as LoggedRequest[],
    answered: 0,
    answeredBodies: new Map<string, number>(),
    holding: false,
    held: 0,
  };

  const sendJson = (res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const chat = (body: Record<string, unknown>) => {
    const messages = (body.messages as ChatMessage[]) ?? [];
    const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const protocol = detectProtocol(messages);
    const content = judge({ protocol, messages, text: lastUser, marks: marksOf(lastUser), body });
    const toks = tokens(content);
    const prompt_tokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
    const completion_tokens = toks.length;
    state.usage.prompt_tokens += prompt_tokens;
    state.usage.completion_tokens += completion_tokens;
    const choice: Record<string, unknown> = { index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' };
    if (body.logprobs) choice.logprobs = { content: toks.map((t, i) => topLogprobs(t, protocol, toks[i - 1], confidence)) };
    return {
      id: `chatcmpl-${state.requests}`,
      object: 'chat.completion',
      created: 0,
      model: body.model,
      choices: [choice],
      usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens },
    };
  };

  const textOfInput = (body: Record<string, unknown>): string[] => {
    if (Array.isArray(body.messages)) return [(body.messages as ChatMessage[]).map((m) => m.content).join('\n')];
    const input = body.input;
    return Array.isArray(input) ? input.map(String) : [String(input)];
  };

  const route = (path: string, body: Record<string, unknown>): unknown => {
    if (path === '/v1/chat/completions') return chat(body);
    if (path === '/classify' || path === '/v1/classify') {
      return {
        object: 'list',
        data: textOfInput(body).map((t, index) => ({ index, label: 'LABEL_0', probs: [1 / (1 + Math.exp(-reward(t)))], num_classes: 1 })),
      };
    }
    if (path === '/pooling') {
      return { object: 'list', data: textOfInput(body).map((t, index) => ({ index, object: 'pooling', data: [reward(t)] })) };
    }
    if (path === '/predict') {
      const inputs = body.inputs;
      const one = (x: unknown) => [{ label: 'LABEL_0', score: reward(Array.isArray(x) ? x.join('\n') : String(x)) }];
      // A batch is an array (of strings or of [text, text_pair] pairs); anything else is one input.
      return Array.isArray(inputs) ? (inputs as unknown[]).map(one) : one(inputs);
    }
    if (path === '/get_reward') {
      const rewards = ((body.query as string[]) ?? []).map(reward);
      return { rewards, scores: rewards };
    }
    return undefined;
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/__stats') {
      return sendJson(res, 200, { requests: state.requests, answered: state.answered, counts: state.counts, usage: state.usage });
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      state.counts[path] = (state.counts[path] ?? 0) + 1;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, { error: { message: 'request body is not JSON' } });
      }
      const authorization = req.headers.authorization;
      if (state.holding) {
        state.held++;
        return; // never answered
      }
      const bodyKey = createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
      if (keepLog) state.log.push({ path, body, authorization, at: Date.now() });
      const fault = faults.shift();
      const delay = fault?.kind === 'latency' ? fault.ms : latency;
      const reply = () => {
        if (res.destroyed) return;
        if (opts.requireKey !== undefined && authorization !== `Bearer ${opts.requireKey}`) {
          return sendJson(res, 401, { error: { message: 'invalid API key' } });
        }
        if (fault?.kind === 'hang') return; // never answers; the client must time out
        if (fault?.kind === 'status') {
          const headers: Record<string, string> = {};
          if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
          if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = fault.retryAfterMs;
          return sendJson(res, fault.status, fault.body ?? { error: { message: `scripted ${fault.status}` } }, headers);
        }
        if (fault?.kind === 'malformed') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"choices": [ {"message": ');
        }
        if (fault?.kind === 'bad-shape') return sendJson(res, 200, { hello: 'world' });
        const value = route(path, body);
        if (value === undefined) return sendJson(res, 404, { error: { message: `no route ${path}` } });
        if (fault?.kind === 'truncated') {
          const text = JSON.stringify(value);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.write(text.slice(0, Math.floor(text.length / 2)));
          setTimeout(() => res.destroy(), 5);
          return;
        }
        state.answered++;
        state.answeredBodies.set(bodyKey, (state.answeredBodies.get(bodyKey) ?? 0) + 1);
        sendJson(res, 200, value);
      };
      if (delay > 0) setTimeout(reply, delay);
      else reply();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get counts() {
      return state.counts;
    },
    get usage() {
      return state.usage;
    },
    get log() {
      return state.log;
    },
    get answered() {
      return state.answered;
    },
    repeatedAnswers: () => [...state.answeredBodies.values()].filter((n) => n > 1).length,
    hold: () => void (state.holding = true),
    unhold: () => void (state.holding = false),
    held: () => state.held,
    queueFaults: (...f) => void faults.push(...f),
    pendingFaults: () => faults.length,
    setJudge: (j) => void (judge = typeof j === 'function' ? j : scriptedJudges[j]),
    setLatency: (ms) => void (latency = ms),
    resetCounts: () => {
      state.requests = 0;
      state.counts = {};
      state.usage = { prompt_tokens: 0, completion_tokens: 0 };
      state.log = [];
      state.answered = 0;
      state.answeredBodies.clear();
      state.held = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Standalone mode (perf runs and child-process tests).
if (process.argv[1] && /fake-openai-server\.[tj]s$/.test(process.argv[1])) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  startFakeOpenAIServer({
    judge: (arg('judge') as ScriptedJudge | undefined) ?? 'correct',
    latencyMs: Number(arg('latency') ?? 0),
    port: Number(arg('port') ?? 0),
    keepLog: false,
  }).then((s) => {
    process.stdout.write(JSON.stringify({ url: s.url }) + '\n');
    process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
  });
}
