// The master-key list is data: suites/master-keys.json, extendable with a user file
// (opts.masterKeysFile: a JSON list of strings, or {"keys": [string | {key}]}).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataError, UserError } from '../errors.js';
import { projectRoot } from '../paths.js';

export function defaultMasterKeysFile(): string {
  return join(projectRoot(), 'suites', 'master-keys.json');
}

/** Parses a master-key file's JSON: a list, or an object with a `keys` list; entries are strings or {key}. */
export function parseMasterKeys(json: unknown, file: string): string[] {
  const list = Array.isArray(json) ? json : (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new DataError(file, undefined, 'keys', 'expected a list of master keys');
  return list.map((entry, i) => {
    const key = typeof entry === 'string' ? entry : (entry as { key?: unknown } | null)?.key;
    if (typeof key !== 'string') throw new DataError(file, undefined, `keys[${i}]`, 'expected a string or {"key": string}');
    if (key.length === 0) throw new DataError(file, undefined, `keys[${i}]`, 'empty master key');
    return key;
  });
}

function readKeysFile(file: string): string[] {
  if (!existsSync(file)) throw new UserError(`master-key file not found: ${file}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DataError(file, undefined, undefined, `malformed JSON (${(err as Error).message})`);
  }
  return parseMasterKeys(json, file);
}

/** The bundled keys followed by the user's extra keys (duplicates dropped, order kept). */
export function loadMasterKeys(extraFile?: string, cwd: string = process.cwd()): string[] {
  const keys = readKeysFile(defaultMasterKeysFile());
  if (extraFile) keys.push(...readKeysFile(resolve(cwd, extraFile)));
  return [...new Set(keys)];
}
