// JSON or YAML configuration text (gate configs, ensemble specs, judge configs and templates):
// parsed by the file's extension, with one clear error naming the file on bad syntax.
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.js';

export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(extname(file));
}

/** Parses `text` read from `file` as YAML (.yaml/.yml) or JSON (anything else). */
export function parseStructured(text: string, file: string, what = file): unknown {
  const yaml = isYamlFile(file);
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new UserError(`${what}: not valid ${yaml ? 'YAML' : 'JSON'} (${(err as Error).message.split('\n')[0]})`);
  }
}
