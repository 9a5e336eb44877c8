// Resolves `judge:<name>` (a judge in the config file) or `judge:<model>@<base-url>` (inline) into
// the settings of one judge, with the API key read from the environment (never from a file).
import { resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { configRelative, loadConfig, type JudgeConfig } from '../../config/index.js';
import type { ScorerOptions } from '../types.js';

export interface ResolvedJudge {
  name: string;
  config: JudgeConfig;
  /** The key, when one is configured or found; held in memory only. */
  apiKey: string | undefined;
  keyEnv: string;
  /** Absolute template path, when one replaces the built-in wording. */
  templateFile: string | undefined;
}

export const DEFAULT_KEY_ENV = 'OPENAI_API_KEY';

/** Splits `model@http(s)://host...`; undefined when the ref is a plain name. */
export function splitInline(ref: string): { model: string; baseUrl: string } | undefined {
  const m = /^(.+?)@(https?:\/\/.+)$/.exec(ref);
  if (!m) return undefined;
  return { model: m[1], baseUrl: m[2] };
}

function readKey(env: string, required: boolean, who: string): string | undefined {
  const v = process.env[env];
  if (v !== undefined && v !== '') return v;
  if (required) throw new UserError(`judge ${who}: the environment variable ${env} (its API key) is not set`);
  return undefined;
}

export function resolveJudge(ref: string, opts: ScorerOptions): ResolvedJudge {
  const inline = splitInline(ref);
  const templateFromFlag = opts.judgeTemplate ? resolve(opts.cwd, opts.judgeTemplate) : undefined;
  if (inline) {
    try {
      new URL(inline.baseUrl);
    } catch {
      throw new UserError(`judge:${ref}: "${inline.baseUrl}" is not a URL`);
    }
    // a config file is only needed for named judges, but a broken one given with --config is still an error
    if (opts.configFile) loadConfig(opts.cwd, opts.configFile);
    const keyEnv = opts.judgeKeyEnv ?? DEFAULT_KEY_ENV;
    return {
      name: inline.model,
      config: { base_url: inline.baseUrl, model: inline.model },
      keyEnv,
      apiKey: readKey(keyEnv, opts.judgeKeyEnv !== undefined, inline.model),
      templateFile: templateFromFlag,
    };
  }
  const config = loadConfig(opts.cwd, opts.configFile);
  if (!config) {
    throw new UserError(
      `judge "${ref}" is not defined: no rmgauge.config.json/.yaml found in ${opts.cwd} (or pass --config); ` +
        'for a judge without a config file use judge:<model>@<base-url>',
    );
  }
  const judge = config.judges[ref];
  if (!judge) {
    const known = Object.keys(config.judges);
    throw new UserError(`judge "${ref}" is not defined in ${config.file}; ${known.length ? `known judges: ${known.join(', ')}` : 'it defines no judges'}`);
  }
  const keyEnv = judge.api_key_env ?? opts.judgeKeyEnv ?? DEFAULT_KEY_ENV;
  return {
    name: ref,
    config: judge,
    keyEnv,
    apiKey: readKey(keyEnv, judge.api_key_env !== undefined || opts.judgeKeyEnv !== undefined, ref),
    templateFile: templateFromFlag ?? (judge.template ? configRelative(config, judge.template) : undefined),
  };
}
