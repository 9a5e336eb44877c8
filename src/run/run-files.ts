// The results contract: <run dir>/run.json and <run dir>/items.jsonl. Everything after evaluation
// (report, gate, curate) reads these files, never the runner's memory.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, UserError } from '../errors.js';
import type { ItemRecord, ScorerInfo, SuiteResult } from '../types.js';

export const SCHEMA_VERSION = 1;
export const RUN_FILE = 'run.json';
export const ITEMS_FILE = 'items.jsonl';

export interface DatasetFileProvenance {
  /** Path inside the dataset repo (or the local file given with --data). */
  path: string;
  /** Where it was read from on this machine. */
  localPath: string;
  source: 'data' | 'cache' | 'download' | 'sample';
  sha256: string;
  config?: string;
  /** The Hugging Face dataset and revision the file belongs to (manifest sources). */
  dataset?: string;
  revision?: string;
}

export interface DatasetProvenance {
  /** Hugging Face id, or "local" for --data. */
  id: string;
  revision: string | null;
  files: DatasetFileProvenance[];
  /** Every dataset read, when a suite reads several (e.g. M-RewardBench and its English reference). */
  sources?: Array<{ id: string; revision: string }>;
}

export interface RunConfig {
  suites: string[];
  model: string;
  data: string | null;
  limit: number | null;
  seed: number;
  concurrency: number;
  /** Every other option that changes numbers (max length, judge mode, languages, ...). */
  options: Record<string, unknown>;
}

export interface RunJson {
  schema_version: number;
  run_id: string;
  status: 'running' | 'complete';
  created_at: string;
  finished_at?: string;
  harness: { name: 'rmgauge'; version: string; git_commit: string | null; node: string };
  config: RunConfig;
  seed: number;
  model: ScorerInfo;
  datasets: Record<string, DatasetProvenance>;
  timings: { total_s: number; suites: Record<string, { seconds: number; items: number; items_per_s: number }> };
  /** Scorer counters: truncations, cache hits, judge usage and cost, retries, parse failures. */
  scorer_stats: Record<string, unknown>;
  results: Record<string, SuiteResult>;
}

export interface LoadedRun {
  dir: string;
  run: RunJson;
  records: ItemRecord[];
}

/**
 * Compares item keys: whole numbers by value, anything else by UTF-16 code units, so the order is
 * the same on every machine (no locale).
 */
export function compareItemKeys(a: string, b: string): number {
  const digits = /^\d+$/;
  if (digits.test(a) && digits.test(b)) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The records in canonical order: suites as they first appear, items by key within a suite.
 * items.jsonl is written in completion order, which depends on timing; everything computed from
 * the records (bootstrap resamples, temperature fits, floating-point sums) must not.
 */
export function canonicalOrder(records: ItemRecord[]): ItemRecord[] {
  const bySuite = new Map<string, ItemRecord[]>();
  for (const r of records) {
    let group = bySuite.get(r.suite);
    if (!group) bySuite.set(r.suite, (group = []));
    group.push(r);
  }
  return [...bySuite.values()].flatMap((group) => group.sort((a, b) => compareItemKeys(String(a.key), String(b.key))));
}

/**
 * Reads items.jsonl, skipping a torn last line (a run killed mid-write) but nothing else; the
 * records come back in canonical order.
 */
export function readItemRecords(file: string): ItemRecord[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const out: ItemRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as ItemRecord);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => !l.trim());
      if (isLast && !text.endsWith('\n')) continue; // torn final write: the item is redone on resume
      throw new DataError(file, i + 1, undefined, 'not valid JSON');
    }
  }
  return canonicalOrder(out);
}

export function loadRun(dir: string): LoadedRun {
  const runPath = join(dir, RUN_FILE);
  if (!existsSync(runPath)) throw new UserError(`${dir} is not a run directory: ${RUN_FILE} not found`);
  let run: RunJson;
  try {
    run = JSON.parse(readFileSync(runPath, 'utf8')) as RunJson;
  } catch (err) {
    throw new DataError(runPath, undefined, undefined, `not valid JSON (${(err as Error).message})`);
  }
  if (run.schema_version !== SCHEMA_VERSION) {
    throw new DataError(runPath, undefined, 'schema_version', `expected ${SCHEMA_VERSION}, found ${run.schema_version}`);
  }
  return { dir, run, records: readItemRecords(join(dir, ITEMS_FILE)) };
}
