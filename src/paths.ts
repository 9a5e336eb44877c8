import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';

/** The rmgauge package root (where suites/, datasets/ and models/ live). */
export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** Where persistent caches go: $RMGAUGE_CACHE, else ~/.cache/rmgauge. */
export function defaultCacheDir(): string {
  return process.env.RMGAUGE_CACHE || join(homedir(), '.cache', 'rmgauge');
}
