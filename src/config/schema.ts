// The project config file (rmgauge.config.json / .yaml): named judges and reward servers.
// Validation names the file and the exact key of every problem. API keys are never read from the
// file: it names the environment variable that holds the key (api_key_env).

export interface PricePerToken {
  /** Price of one prompt (input) token, in your currency. */
  prompt: number;
  /** Price of one completion (output) token. */
  completion: number;
}

export interface EndpointConfig {
  base_url: string;
  api_key_env?: string;
  concurrency?: number;
  timeout_ms?: number;
  max_retries?: number;
  /** First backoff step between retries, ms (default 500; doubles per retry, with jitter). */
  retry_base_ms?: number;
  budget_s?: number;
}

export interface JudgeConfig extends EndpointConfig {
  model: string;
  /** Extra request fields (temperature, max_tokens, top_p, seed, ...). temperature defaults to 0. */
  params?: Record<string, unknown>;
  /** Ask for logprobs/top_logprobs (default true): continuous P(verdict) where the server gives them. */
  logprobs?: boolean;
  top_logprobs?: number;
  price_per_token?: PricePerToken;
  /** A template file replacing the built-in prompt wording (relative to the config file). */
  template?: string;
}

export interface ServerConfig extends EndpointConfig {
  kind: 'vllm' | 'tei' | 'openrlhf';
  model?: string;
  /** vLLM: `classify` (default) or `pooling`. */
  endpoint?: 'classify' | 'pooling';
  /** Conversations per request (default 32). */
  batch_size?: number;
  /** Jinja chat template (a .jinja file or a tokenizer_config.json) to render conversations as text. */
  chat_template?: string;
  /** Which class probability / label to use when the server returns several (default 0). */
  label_index?: number;
}

export interface RmgaugeConfig {
  /** The file it was read from (absolute). */
  file: string;
  judges: Record<string, JudgeConfig>;
  servers: Record<string, ServerConfig>;
}

type Obj = Record<string, unknown>;

export class ConfigProblem extends Error {}

function fail(path: string, problem: string): never {
  throw new ConfigProblem(`${path}: ${problem}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Obj, path: string, allowed: string[]): void {
  for (const k of Object.keys(obj)) {
    if (allowed.includes(k)) continue;
    if (/^(api_?key|key|token|secret|authorization)$/i.test(k)) {
      fail(`${path}.${k}`, 'keys are never read from the config file; set api_key_env to the NAME of the environment variable that holds the key');
    }
    const near = allowed.find((a) => editDistance(a, k) <= 2);
    fail(`${path}.${k}`, `unknown key${near ? ` (did you mean "${near}"?)` : ''}; allowed: ${allowed.join(', ')}`);
  }
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function str(obj: Obj, key: string, path: string, required: boolean): string | undefined {
  const v = obj[key];
  if (v === undefined) {
    if (required) fail(`${path}.${key}`, 'is required');
    return undefined;
  }
  if (typeof v !== 'string' || !v.trim()) fail(`${path}.${key}`, `must be a non-empty string, found ${JSON.stringify(v)}`);
  return v;
}

function num(obj: Obj, key: string, path: string, opts: { integer?: boolean; min?: number; positive?: boolean } = {}): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${key}`, `must be a number, found ${JSON.stringify(v)}`);
  if (opts.integer && !Number.isInteger(v)) fail(`${path}.${key}`, `must be an integer, found ${v}`);
  if (opts.positive && v <= 0) fail(`${path}.${key}`, `must be greater than 0, found ${v}`);
  if (opts.min !== undefined && v < opts.min) fail(`${path}.${key}`, `must be at least ${opts.min}, found ${v}`);
  return v;
}

function baseUrl(obj: Obj, path: string): string {
  const u = str(obj, 'base_url', path, true)!;
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    fail(`${path}.base_url`, `is not a URL: "${u}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(`${path}.base_url`, `must start with http:// or https://, found "${u}"`);
  if (parsed.username || parsed.password) fail(`${path}.base_url`, 'must not contain credentials; use api_key_env');
  return u;
}

function endpointFields(obj: Obj, path: string): EndpointConfig {
  const env = str(obj, 'api_key_env', path, false);
  if (env !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env)) {
    fail(`${path}.api_key_env`, 'must be the NAME of an environment variable (letters, digits, _), not the key itself');
  }
  return {
    base_url: baseUrl(obj, path),
    api_key_env: env,
    concurrency: num(obj, 'concurrency', path, { integer: true, min: 1 }),
    timeout_ms: num(obj, 'timeout_ms', path, { positive: true }),
    max_retries: num(obj, 'max_retries', path, { integer: true, min: 0 }),
    retry_base_ms: num(obj, 'retry_base_ms', path, { min: 0 }),
    budget_s: num(obj, 'budget_s', path, { positive: true }),
  };
}

const ENDPOINT_KEYS = ['base_url', 'api_key_env', 'concurrency', 'timeout_ms', 'max_retries', 'retry_base_ms', 'budget_s'];
const RESERVED_PARAMS = ['model', 'messages', 'stream', 'n', 'logprobs', 'top_logprobs'];

export function validateJudge(raw: unknown, path: string): JudgeConfig {
  if (!isObj(raw)) fail(path, 'must be an object');
  checkKeys(raw, path, [...ENDPOINT_KEYS, 'model', 'params', 'logprobs', 'top_logprobs', 'price_per_token', 'template']);
  const out: JudgeConfig = { ...endpointFields(raw, path), model: str(raw, 'model', path, true)! };
  if (raw.params !== undefined) {
    if (!isObj(raw.params)) fail(`${path}.params`, 'must be an object of request fields, e.g. {"temperature": 0, "max_tokens": 1024}');
    for (const k of Object.keys(raw.params)) {
      if (RESERVED_PARAMS.includes(k)) fail(`${path}.params.${k}`, `is set by rmgauge${k === 'logprobs' || k === 'top_logprobs' ? ` (use ${path}.${k})` : ''}`);
    }
    out.params = raw.params;
  }
  if (raw.logprobs !== undefined) {
    if (typeof raw.logprobs !== 'boolean') fail(`${path}.logprobs`, 'must be true or false');
    out.logprobs = raw.logprobs;
  }
  out.top_logprobs = num(raw, 'top_logprobs', path, { integer: true, min: 1 });
  if (raw.price_per_token !== undefined) {
    const p = raw.price_per_token;
    const pp = `${path}.price_per_token`;
    if (!isObj(p)) fail(pp, 'must be {"prompt": <price per prompt token>, "completion": <price per completion token>}');
    checkKeys(p, pp, ['prompt', 'completion']);
    out.price_per_token = { prompt: num(p, 'prompt', pp, { min: 0 }) ?? 0, completion: num(p, 'completion', pp, { min: 0 }) ?? 0 };
  }
  out.template = str(raw, 'template', path, false);
  return out;
}

export function validateServer(raw: unknown, path: string): ServerConfig {
  if (!isObj(raw)) fail(path, 'must be an object');
  checkKeys(raw, path, [...ENDPOINT_KEYS, 'kind', 'model', 'endpoint', 'batch_size', 'chat_template', 'label_index']);
  const kind = str(raw, 'kind', path, true)!;
  if (kind !== 'vllm' && kind !== 'tei' && kind !== 'openrlhf') fail(`${path}.kind`, `must be one of vllm, tei, openrlhf, found "${kind}"`);
  const endpoint = str(raw, 'endpoint', path, false);
  if (endpoint !== undefined && endpoint !== 'classify' && endpoint !== 'pooling') fail(`${path}.endpoint`, `must be "classify" or "pooling"`);
  const out: ServerConfig = {
    ...endpointFields(raw, path),
    kind,
    model: str(raw, 'model', path, false),
    endpoint: endpoint as ServerConfig['endpoint'],
    batch_size: num(raw, 'batch_size', path, { integer: true, min: 1 }),
    chat_template: str(raw, 'chat_template', path, false),
    label_index: num(raw, 'label_index', path, { integer: true, min: 0 }),
  };
  if (kind === 'vllm' && !out.model) fail(`${path}.model`, 'is required for a vllm server');
  return out;
}

/** Validates a parsed config document. Throws ConfigProblem("<key path>: <problem>"). */
export function validateConfig(raw: unknown, file: string): RmgaugeConfig {
  if (!isObj(raw)) fail('(top level)', 'must be an object with "judges" and/or "servers"');
  checkKeys(raw, '(top level)', ['judges', 'servers', '$schema']);
  const section = <T>(name: string, each: (v: unknown, p: string) => T): Record<string, T> => {
    const v = raw[name];
    if (v === undefined) return {};
    if (!isObj(v)) fail(name, 'must be an object mapping names to settings');
    const out: Record<string, T> = {};
    for (const [k, entry] of Object.entries(v)) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(k)) fail(`${name}.${k}`, 'names may use letters, digits, ".", "_" and "-" only');
      out[k] = each(entry, `${name}.${k}`);
    }
    return out;
  };
  return { file, judges: section('judges', validateJudge), servers: section('servers', validateServer) };
}
