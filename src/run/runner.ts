// The runner: one model on one or more suites. Items are evaluated under bounded concurrency and
// appended to items.jsonl as they finish, so a killed run resumes without recomputing or losing
// anything; run.json is written at the start (configuration) and at the end (results).
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { UserError, errorMessage } from '../errors.js';
import { loadSuite } from '../suites/registry.js';
import { promptText } from '../suites/fields.js';
import type { SuiteOptions } from '../suites/types.js';
import { createScorer } from '../scorers/registry.js';
import type { ScorerOptions } from '../scorers/types.js';
import type { Item, ItemRecord, Scorer, SuiteResult } from '../types.js';
import { loadSuiteItems } from './load-items.js';
import { Progress } from './progress.js';
import { gitCommit, harnessVersion } from './provenance.js';
import { ITEMS_FILE, RUN_FILE, SCHEMA_VERSION, readItemRecords, type RunConfig, type RunJson } from './run-files.js';

export interface RunOptions {
  runDir: string;
  config: RunConfig;
  /** Read the bundled samples instead of the suites' datasets. */
  sample?: boolean;
  scorerOptions: ScorerOptions;
  suiteOptions: SuiteOptions;
  resume?: boolean;
  progress?: boolean;
  /** Use this scorer instead of creating one from config.model (tests, ensembles). */
  scorer?: Scorer;
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Cuts a torn final line (a run killed mid-write) so appends start on a clean line. */
function repairItemsFile(file: string): void {
  if (!existsSync(file)) return;
  const buf = readFileSync(file);
  if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return;
  const lastNewline = buf.lastIndexOf(0x0a);
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, lastNewline + 1);
  } finally {
    closeSync(fd);
  }
}

/** Latest record per (suite, key): the runner never writes a key twice, but be safe on read. */
export function recordsBySuite(records: ItemRecord[]): Map<string, ItemRecord[]> {
  const latest = new Map<string, ItemRecord>();
  for (const r of records) latest.set(`${r.suite}\u0000${r.key}`, r);
  const out = new Map<string, ItemRecord[]>();
  for (const r of latest.values()) {
    const list = out.get(r.suite) ?? [];
    list.push(r);
    out.set(r.suite, list);
  }
  return out;
}

function baseRecord(item: Item): ItemRecord {
  const r: ItemRecord = { suite: item.suite, key: item.key, id: item.id, subset: item.subset, result: null };
  if (item.section) r.section = item.section;
  if (item.language) r.language = item.language;
  return r;
}

async function evaluateItem(
  item: Item,
  evaluate: (item: Item) => Promise<Omit<Partial<ItemRecord>, 'suite' | 'key'>>,
): Promise<ItemRecord> {
  const started = performance.now();
  const record = baseRecord(item);
  try {
    const outcome = await evaluate(item);
    Object.assign(record, outcome);
    if (record.error === undefined && (typeof record.result !== 'number' || !Number.isFinite(record.result))) {
      record.error = `the suite produced no valid result (${String(record.result)})`;
      record.result = null;
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    record.result = null;
    record.error = errorMessage(err);
  }
  if (record.error !== undefined) record.result = null;
  record.prompt = promptText(item.prompt);
  record.completions = item.completions;
  record.numCorrect = item.numCorrect;
  record.ms = Math.round((performance.now() - started) * 10) / 10;
  return record;
}

export async function runModel(opts: RunOptions): Promise<RunJson> {
  const { runDir, config } = opts;
  mkdirSync(runDir, { recursive: true });
  const runFile = join(runDir, RUN_FILE);
  const itemsFile = join(runDir, ITEMS_FILE);
  const t0 = performance.now();

  let previous: RunJson | undefined;
  if (opts.resume) {
    if (!existsSync(runFile)) throw new UserError(`--resume ${runDir}: no ${RUN_FILE} there`);
    previous = JSON.parse(readFileSync(runFile, 'utf8')) as RunJson;
    repairItemsFile(itemsFile);
  } else if (existsSync(itemsFile) || existsSync(runFile)) {
    throw new UserError(`${runDir} already holds a run; use --resume ${runDir} to continue it, or another --out`);
  }

  const scorer = opts.scorer ?? (await createScorer(config.model, opts.scorerOptions));
  const run: RunJson = {
    schema_version: SCHEMA_VERSION,
    run_id: previous?.run_id ?? runDir.split(/[\\/]/).filter(Boolean).slice(-2).join('/'),
    status: 'running',
    created_at: previous?.created_at ?? new Date().toISOString(),
    harness: { name: 'rmgauge', version: harnessVersion(), git_commit: gitCommit(), node: process.version },
    config,
    seed: config.seed,
    model: scorer.info,
    datasets: previous?.datasets ?? {},
    timings: { total_s: previous?.timings.total_s ?? 0, suites: previous?.timings.suites ?? {} },
    scorer_stats: previous?.scorer_stats ?? {},
    results: previous?.results ?? {},
  };
  if (previous && previous.model.fingerprint !== scorer.info.fingerprint) {
    throw new UserError(
      `--resume ${runDir}: the model changed since the run started (fingerprint ${previous.model.fingerprint} -> ${scorer.info.fingerprint})`,
    );
  }
  writeJsonAtomic(runFile, run);

  const done = recordsBySuite(readItemRecords(itemsFile));
  const fd = openSync(itemsFile, 'a');
  try {
    for (const suiteName of config.suites) {
      const suite = await loadSuite(suiteName);
      const suiteStart = performance.now();
      const { items, provenance } = await loadSuiteItems(suite, {
        data: config.data,
        sample: opts.sample,
        limit: config.limit,
        suiteOptions: opts.suiteOptions,
      });
      const previousProvenance = previous?.datasets[suiteName];
      if (previousProvenance && JSON.stringify(previousProvenance.files.map((f) => f.sha256)) !== JSON.stringify(provenance.files.map((f) => f.sha256))) {
        throw new UserError(`--resume ${runDir}: the data of suite "${suiteName}" changed since the run started`);
      }
      run.datasets[suiteName] = provenance;
      writeJsonAtomic(runFile, run);

      const finished = new Set((done.get(suiteName) ?? []).map((r) => r.key));
      const todo = items.filter((i) => !finished.has(i.key));
      const progress = new Progress(`${scorer.info.label} · ${suiteName}`, todo.length, process.stderr, opts.progress !== false && todo.length > 0);
      const limit = pLimit(Math.max(1, config.concurrency));
      const evaluate = (item: Item) => suite.evaluate(item, scorer, opts.suiteOptions);
      // Counters (requests, tokens, cost) reach run.json every few seconds, so a killed run keeps them.
      let lastStatsWrite = Date.now();
      const saveStats = () => {
        run.scorer_stats = mergeCounters(previous?.scorer_stats ?? {}, scorer.stats?.() ?? {});
        writeJsonAtomic(runFile, run);
        lastStatsWrite = Date.now();
      };
      // A UserError (a problem with the run itself, not with one item) stops the suite: nothing
      // new starts, the items in flight finish and are written, then the error is reported.
      let fatal: unknown;
      await Promise.all(
        todo.map((item) =>
          limit(async () => {
            if (fatal !== undefined) return;
            let record: ItemRecord;
            try {
              record = await evaluateItem(item, evaluate);
            } catch (err) {
              fatal ??= err; // queued items see it and return at once
              return;
            }
            writeSync(fd, JSON.stringify(record) + '\n');
            progress.tick(record.error !== undefined);
            if (scorer.stats && Date.now() - lastStatsWrite > 2000) saveStats();
          }),
        ),
      );
      progress.finish();
      if (fatal !== undefined) throw fatal;

      const records = recordsBySuite(readItemRecords(itemsFile)).get(suiteName) ?? [];
      const itemKeys = new Set(items.map((i) => i.key));
      const suiteRecords = records.filter((r) => itemKeys.has(r.key));
      const result: SuiteResult = suite.aggregate(suiteRecords, opts.suiteOptions);
      if (suiteRecords.some((r) => r.verdicts?.length)) {
        const { judgeParseStats } = await import('../suites/judge-protocols.js');
        result.metrics = { ...result.metrics, ...judgeParseStats(suiteRecords) };
      }
      run.results[suiteName] = result;
      const seconds = (performance.now() - suiteStart) / 1000 + (previous?.timings.suites[suiteName]?.seconds ?? 0);
      run.timings.suites[suiteName] = { seconds: round(seconds), items: items.length, items_per_s: round(todo.length / Math.max(1e-9, (performance.now() - suiteStart) / 1000)) };
      saveStats();
    }
  } finally {
    closeSync(fd);
    if (!opts.scorer) await scorer.close?.();
  }
  run.status = 'complete';
  run.finished_at = new Date().toISOString();
  run.timings.total_s = round((previous?.timings.total_s ?? 0) + (performance.now() - t0) / 1000);
  writeJsonAtomic(runFile, run);
  return run;
}

/**
 * Scorer counters summed over the sessions of a resumed run (requests, tokens, cost, cache hits...);
 * rates and other non-additive figures are the latest session's.
 */
export function mergeCounters(earlier: Record<string, unknown>, latest: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...earlier };
  for (const [k, v] of Object.entries(latest)) {
    const e = earlier[k];
    if (typeof v === 'number' && typeof e === 'number' && !/(rate|ratio|share|mean|avg|agreement|p\d+)$/.test(k)) out[k] = e + v;
    else if (v && typeof v === 'object' && !Array.isArray(v) && e && typeof e === 'object' && !Array.isArray(e)) {
      out[k] = mergeCounters(e as Record<string, unknown>, v as Record<string, unknown>);
    } else out[k] = v;
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
