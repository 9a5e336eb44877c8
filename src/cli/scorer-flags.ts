// The flags that configure a scorer, shared by every command that creates one (bench, score,
// curate, serve): seed, caches, judge and reward-server settings, and the ONNX flags.
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { defaultCacheDir } from '../paths.js';
import { ONNX_FLAGS_HELP, onnxFlagSpecs, onnxFlagValues } from '../scorers/onnx/flags.js';
import type { ScorerOptions } from '../scorers/types.js';

export const scorerFlagSpecs = {
  seed: { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  config: { type: 'string' },
  'judge-key-env': { type: 'string' },
  'judge-template': { type: 'string' },
  timeout: { type: 'string' },
  budget: { type: 'string' },
  ...onnxFlagSpecs,
} as const;

export const SCORER_FLAGS_HELP = `Scorers:
  --seed N                seed for every random choice (default 0)
  --cache-dir DIR         persistent caches (default ~/.cache/rmgauge or $RMGAUGE_CACHE)
  --no-cache              do not read or write the score / response caches
  --config FILE           rmgauge.config.json|yaml with named judges and reward servers
  --judge-key-env VAR     environment variable holding the API key (OPENAI_API_KEY)
  --judge-template FILE   replace the built-in judge prompt wording
  --timeout MS            per-request timeout of judges and reward servers
  --budget S              overall time budget of judges and reward servers
${ONNX_FLAGS_HELP}`;

export function parseIntFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}

type FlagValues = { [K in keyof typeof scorerFlagSpecs]?: (typeof scorerFlagSpecs)[K]['type'] extends 'boolean' ? boolean : string };

/** ScorerOptions from the parsed flags; relative paths resolve against `cwd`. */
export function scorerOptionsFromFlags(values: FlagValues, cwd: string, extra: Partial<ScorerOptions> = {}): ScorerOptions {
  const options: ScorerOptions = {
    cwd,
    seed: parseIntFlag(values.seed, 'seed', Number.MIN_SAFE_INTEGER) ?? 0,
    cacheDir: values['cache-dir'] ? resolve(cwd, values['cache-dir']) : defaultCacheDir(),
    noCache: values['no-cache'] || undefined,
    configFile: values.config ? resolve(cwd, values.config) : undefined,
    judgeKeyEnv: values['judge-key-env'],
    judgeTemplate: values['judge-template'] ? resolve(cwd, values['judge-template']) : undefined,
    timeoutMs: parseIntFlag(values.timeout, 'timeout', 1),
    budgetS: parseIntFlag(values.budget, 'budget', 1),
    ...onnxFlagValues(values as Record<string, string | boolean | undefined>),
    ...extra,
  };
  for (const k of Object.keys(options) as Array<keyof ScorerOptions>) if (options[k] === undefined) delete options[k];
  return options;
}
