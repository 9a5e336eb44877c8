// Finds, reads and validates the project config file: --config <file>, else rmgauge.config.json,
// rmgauge.config.yaml or rmgauge.config.yml in the working directory. Errors name the file and key.
import { parseStructured } from '../util/structured-file.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { ConfigProblem, validateConfig, type RmgaugeConfig } from './schema.js';

export type { EndpointConfig, JudgeConfig, PricePerToken, RmgaugeConfig, ServerConfig } from './schema.js';
export { validateConfig, validateJudge, validateServer } from './schema.js';

export const CONFIG_NAMES = ['rmgauge.config.json', 'rmgauge.config.yaml', 'rmgauge.config.yml'];

/** The config file to use, or undefined when none is given and none is found. */
export function findConfigFile(cwd: string, configFile?: string): string | undefined {
  if (configFile) {
    const f = isAbsolute(configFile) ? configFile : resolve(cwd, configFile);
    if (!existsSync(f)) throw new UserError(`config file ${f} not found`);
    return f;
  }
  const found = CONFIG_NAMES.map((n) => join(cwd, n)).filter((f) => existsSync(f));
  if (found.length > 1) throw new UserError(`several config files found (${found.join(', ')}); keep one or pass --config`);
  return found[0];
}

export function parseConfigText(text: string, file: string): RmgaugeConfig {
  const raw = parseStructured(text, file);
  try {
    return validateConfig(raw ?? {}, file);
  } catch (err) {
    if (err instanceof ConfigProblem) throw new UserError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Reads the config (or returns undefined when there is none). */
export function loadConfig(cwd: string, configFile?: string): RmgaugeConfig | undefined {
  const file = findConfigFile(cwd, configFile);
  if (!file) return undefined;
  return parseConfigText(readFileSync(file, 'utf8'), file);
}

/** Resolves a path written in the config file relative to that file. */
export function configRelative(config: RmgaugeConfig, p: string): string {
  return isAbsolute(p) ? p : resolve(dirname(config.file), p);
}
