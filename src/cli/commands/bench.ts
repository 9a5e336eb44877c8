// `rmgauge bench`: every model on every suite, one run directory per model, then a summary table
// and a report. With no arguments: the offline demo on the bundled samples and models.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../../errors.js';
import { defaultCacheDir, projectRoot } from '../../paths.js';
import { loadRun, RUN_FILE, type RunJson } from '../../run/run-files.js';
import { runModel } from '../../run/runner.js';
import { parseModelSpec } from '../../scorers/registry.js';
import type { ScorerOptions } from '../../scorers/types.js';
import type { SuiteOptions } from '../../suites/types.js';
import type { Command } from '../main.js';
import { printSummary } from '../summary-table.js';
import { benchOptions, benchUsage } from './bench-options.js';
import { parseIntFlag, scorerOptionsFromFlags } from '../scorer-flags.js';

/** The embedded demo: bundled samples, bundled trained models, baselines. */
export const DEMO = {
  suites: ['rewardbench2', 'rewardbench', 'arith-pairs', 'one-token-to-fool'],
  models: ['baseline:random', 'baseline:length', 'onnx:models/arith-rm-base', 'onnx:models/arith-rm-robust'],
};

/** A folder-safe label: the model folder for onnx:, the file stem for scores:, else kind-ref. */
export function modelLabel(spec: string): string {
  const { kind, ref } = parseModelSpec(spec);
  const stem = ref.replace(/[\\/]+$/, '').replace(/^.*[\\/]/, '');
  if (kind === 'onnx') return slug(stem);
  if (kind === 'scores' || kind === 'ensemble') return slug(`${kind}-${stem.replace(/\.(jsonl?|ya?ml)$/, '')}`);
  return slug(`${kind}-${ref}`);
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'model';
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
}

/** A new folder named by the time; a second bench in the same second gets a suffix. */
function claimBatchDir(out: string): string {
  mkdirSync(out, { recursive: true });
  const base = join(out, timestamp());
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Run directories under a --resume path: the path itself, or each model folder of a batch. */
function runDirsUnder(dir: string): string[] {
  if (existsSync(join(dir, RUN_FILE))) return [dir];
  if (!existsSync(dir)) throw new UserError(`--resume ${dir}: no such folder`);
  const dirs = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, RUN_FILE)))
    .map((d) => join(dir, d.name));
  if (dirs.length === 0) throw new UserError(`--resume ${dir}: no ${RUN_FILE} in it or in its folders`);
  return dirs;
}

interface Plan {
  runDir: string;
  config: RunJson['config'];
  sample: boolean;
  scorerOptions: ScorerOptions;
  suiteOptions: SuiteOptions;
  resume: boolean;
}

export const command: Command = {
  summary: 'evaluate models on suites (no arguments: the offline demo)',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: benchOptions, allowPositionals: false, strict: true });
    if (values.help) {
      process.stdout.write(benchUsage());
      return 0;
    }
    const cwd = process.cwd();
    const isDemo = !values.suite?.length && !values.model?.length && !values.resume;
    const plans: Plan[] = [];
    let batchDir: string;

    if (values.resume) {
      const dirs = runDirsUnder(resolve(values.resume));
      batchDir = dirs.length === 1 && dirs[0] === resolve(values.resume) ? resolve(values.resume, '..') : resolve(values.resume);
      for (const dir of dirs) {
        const { run } = loadRun(dir);
        const o = run.config.options as { sample?: boolean; scorer?: Partial<ScorerOptions>; suite?: SuiteOptions; cwd?: string };
        plans.push({
          runDir: dir,
          config: run.config,
          sample: Boolean(o.sample),
          scorerOptions: { ...(o.scorer ?? {}), cwd: o.cwd ?? cwd, seed: run.config.seed, cacheDir: values['cache-dir'] ?? defaultCacheDir() },
          suiteOptions: { ...(o.suite ?? {}), seed: run.config.seed },
          resume: true,
        });
      }
    } else {
      const suites = isDemo ? DEMO.suites : (values.suite ?? []);
      const models = isDemo ? DEMO.models : (values.model ?? []);
      if (suites.length === 0) throw new UserError('give at least one --suite (see `rmgauge bench --help`)');
      if (models.length === 0) throw new UserError('give at least one --model (see `rmgauge bench --help`)');
      models.forEach((m) => parseModelSpec(m));
      const seed = parseIntFlag(values.seed, 'seed', 0) ?? 0;
      const limit = parseIntFlag(values.limit, 'limit', 1) ?? null;
      const concurrency = parseIntFlag(values.concurrency, 'concurrency', 1) ?? 32;
      const scorerOptions = scorerOptionsFromFlags(values, isDemo ? projectRoot() : cwd, { seed });
      if (values['judge-mode'] && !['kway', 'ratings'].includes(values['judge-mode'])) throw new UserError(`--judge-mode must be kway or ratings`);
      const suiteOptions: SuiteOptions = {
        seed,
        languages: values.languages?.split(',').map((s) => s.trim()).filter(Boolean),
        judgeBothOrders: values['judge-both-orders'] || undefined,
        judgeMode: values['judge-mode'] as SuiteOptions['judgeMode'],
        probeBase: values['probe-base'],
        probeSide: values['probe-side'] as SuiteOptions['probeSide'],
        masterKeysFile: values['master-keys'] ? resolve(values['master-keys']) : undefined,
      };
      const data = values.data ? resolve(values.data) : null;
      const sample = isDemo || Boolean(values.sample);
      batchDir = claimBatchDir(resolve(values.out ?? join(isDemo ? projectRoot() : cwd, 'reports')));
      const labels = new Set<string>();
      for (const model of models) {
        let label = modelLabel(model);
        while (labels.has(label)) label += '_';
        labels.add(label);
        const { cwd: runCwd, cacheDir: _c, ...recordedScorer } = scorerOptions;
        plans.push({
          runDir: join(batchDir, label),
          config: {
            suites,
            model,
            data,
            limit,
            seed,
            concurrency,
            options: { sample, cwd: runCwd, scorer: stripUndefined(recordedScorer), suite: stripUndefined(suiteOptions) },
          },
          sample,
          scorerOptions,
          suiteOptions,
          resume: false,
        });
      }
    }

    if (isDemo) process.stderr.write(`rmgauge demo: ${DEMO.suites.join(', ')} on bundled samples, models ${DEMO.models.join(', ')}\n`);
    const runs: Array<{ dir: string; run: RunJson }> = [];
    for (const p of plans) {
      const options = {
        runDir: p.runDir,
        config: p.config,
        sample: p.sample,
        scorerOptions: p.scorerOptions,
        suiteOptions: p.suiteOptions,
        resume: p.resume,
        progress: !values.quiet,
      };
      if (!p.resume && p.config.model.startsWith('ensemble:')) {
        // The ensemble and each of its members side by side, from one computation of the members.
        const { runEnsembleWithMembers } = await import('../../ensemble/bench.js');
        runs.push(...(await runEnsembleWithMembers(options)));
      } else {
        runs.push({ dir: p.runDir, run: await runModel(options) });
      }
    }

    if (values.json) {
      const out = runs.length === 1 ? runs[0].run.results : Object.fromEntries(runs.map((r) => [r.run.model.label, r.run.results]));
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      printSummary(runs.map((r) => r.run), process.stdout);
    }

    const say = (s: string) => (values.json ? process.stderr : process.stdout).write(s + '\n');
    const rel = (p: string) => relative(cwd, p) || '.';
    say('');
    say('Run files:');
    for (const r of runs) say(`  ${rel(join(r.dir, RUN_FILE))}  (+ items.jsonl)`);

    if (!values['no-report']) {
      const { writeBenchReports } = await import('../bench-report.js');
      for (const line of await writeBenchReports(runs.map((r) => r.dir), batchDir, { seed: runs[0].run.seed, baselineDirs: values.baseline ? [resolve(values.baseline)] : undefined })) say(line.replace(cwd + '/', ''));
    }

    if (values.gate || values.baseline) {
      if (!values.baseline) throw new UserError('--gate needs --baseline <run dir>');
      const { gateAfterBench } = await import('../bench-gate.js');
      return gateAfterBench({
        baseline: resolve(values.baseline),
        candidates: runs.map((r) => r.dir),
        config: values.gate,
        json: Boolean(values.json),
        seed: runs[0].run.seed,
        junit: values.junit ? resolve(values.junit) : undefined,
        allowMismatch: values['allow-mismatch'],
      });
    }
    return 0;
  },
};

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
