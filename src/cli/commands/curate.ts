// rmgauge curate --data prefs.(jsonl|parquet|csv) --model <scorer or ensemble> --out curated.jsonl
// Scores preference pairs (or candidate lists, with --best-of-n) and writes training-ready JSONL.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../../errors.js';
import { createScorer } from '../../scorers/registry.js';
import { SCORER_FLAGS_HELP, scorerFlagSpecs, scorerOptionsFromFlags } from '../scorer-flags.js';
import { bestOfN } from '../../curate/best-of-n.js';
import { curatePairs } from '../../curate/curate.js';
import { parseOutputFormat } from '../../curate/output.js';
import { writeCurationHtml } from '../../report/curation-page.js';
import { DEFAULT_ACTIONS, DEFAULT_BANDS, parseActions, parseBands } from '../../curate/strength.js';
import type { Command } from '../main.js';

const HELP = `Usage: rmgauge curate --data <prefs.jsonl|.parquet|.csv> --model <kind:ref> --out <curated.jsonl> [options]

Scores both sides of each preference pair with every member of the model (an ensemble's members,
or the one scorer), computes the preference strength d_m = r_m(chosen) - r_m(rejected), its mean μ
and population std σ across members, puts each pair in a band and applies the band's action.

Input rows: {"id"?, "prompt": str|messages, "chosen": str|messages, "rejected": str|messages},
or full conversations in "chosen"/"rejected". Bad rows are reported by line and counted.

Options:
  --model <spec>          onnx:<dir>, scores:<file>, baseline:..., vllm:..., ensemble:<spec>, ...
  --out <file>            output JSONL
  --summary <file>        summary JSON (counts per band, member agreement, bad rows)
  --html <file>           the same summary as a self-contained HTML page (bands chart, agreement,
                          bad rows; no network); \`rmgauge report --curation <summary>\` adds it to a report
  --bands <spec>          quantile:q1,q2,q3 (default quantile:0.2,0.4,0.9: lowest 20% mislabeled,
                          next 20% ambiguous, top 10% very easy, the rest clear)
                          or fixed:t1,t2,t3 (μ < t1 mislabeled, < t2 ambiguous, >= t3 very easy)
  --actions <list>        band=keep|flip|drop, comma-separated (default: keep everything),
                          e.g. mislabeled=flip,ambiguous=drop
  --format <f>            auto (default: as the input), text, messages (TRL conversational),
                          chat (full conversations in chosen/rejected)
  --smoothing-temperature <T>  label_smoothing = min(0.5, σ(-margin/T)) (default 1)
  --best-of-n sft|dpo     input rows are candidate lists ({"prompt", "candidates": [...]}):
                          sft writes (prompt, best); dpo writes (prompt, best, worst)
  --floor <x>             best-of-n: skip prompts whose best score is below x
  --batch-size <n>        rows per model call (default 256)
  --limit <n>             only the first n rows
  --concurrency <n>       requests in flight to a judge or reward server

${SCORER_FLAGS_HELP}`;

function num(flag: string, v: string | undefined, check: (n: number) => boolean = Number.isFinite): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!check(n)) throw new UserError(`--${flag}: invalid value "${v}"`);
  return n;
}

const isPosInt = (n: number) => Number.isInteger(n) && n > 0;

export const command: Command = {
  summary: 'score preference data and write curated, training-ready JSONL',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        model: { type: 'string' },
        out: { type: 'string' },
        summary: { type: 'string' },
        html: { type: 'string' },
        bands: { type: 'string' },
        actions: { type: 'string' },
        format: { type: 'string' },
        'smoothing-temperature': { type: 'string' },
        'best-of-n': { type: 'string' },
        floor: { type: 'string' },
        'batch-size': { type: 'string' },
        limit: { type: 'string' },
        concurrency: { type: 'string' },
        quiet: { type: 'boolean' },
        ...scorerFlagSpecs,
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    if (!values.data || !values.model || !values.out) throw new UserError('curate needs --data, --model and --out (see rmgauge curate --help)');
    const cwd = process.cwd();
    const data = resolve(cwd, values.data);
    if (!existsSync(data)) throw new UserError(`--data: ${data} not found`);
    const out = resolve(cwd, values.out);
    const format = parseOutputFormat(values.format);
    const batchSize = num('batch-size', values['batch-size'], isPosInt) ?? 256;
    const limit = num('limit', values.limit, isPosInt);
    const mode = values['best-of-n'];
    if (mode !== undefined && mode !== 'sft' && mode !== 'dpo') throw new UserError(`--best-of-n must be sft or dpo, got "${mode}"`);
    const bands = values.bands ? parseBands(values.bands) : DEFAULT_BANDS;
    const actions = values.actions ? parseActions(values.actions) : DEFAULT_ACTIONS;
    const temperature = num('smoothing-temperature', values['smoothing-temperature'], (n) => n > 0) ?? 1;
    const floor = num('floor', values.floor);
    const scorer = await createScorer(
      values.model,
      scorerOptionsFromFlags(values, cwd, { concurrency: num('concurrency', values.concurrency, isPosInt) }),
    );
    const log = (line: string) => process.stderr.write(line + '\n');
    const t0 = Date.now();
    let lastShown = t0;
    const progress = values.quiet
      ? undefined
      : (rows: number) => {
          const now = Date.now();
          if (now - lastShown < 5000) return;
          lastShown = now;
          log(`curate: ${rows} rows scored (${Math.round(rows / ((now - t0) / 1000))}/s)`);
        };
    let summary: Record<string, unknown>;
    try {
      summary = mode
        ? await bestOfN({ data, out, scorer, mode, floor, format, batchSize, limit, log, progress })
        : await curatePairs({ data, out, scorer, bands, actions, format, batchSize, smoothingTemperature: temperature, limit, log, progress });
    } finally {
      await scorer.close?.();
    }
    if (values.summary) {
      const file = resolve(cwd, values.summary);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
    }
    if (values.html) writeCurationHtml(resolve(cwd, values.html), summary, basename(values.summary ?? out));
    if (!values.quiet) {
      const bandText = summary.bands
        ? ' · ' + Object.entries(summary.bands as Record<string, { count: number; action: string }>).map(([b, v]) => `${b} ${v.count} (${v.action})`).join(', ')
        : '';
      process.stderr.write(
        `curate: ${summary.rows} rows, ${summary.written} written to ${out}${bandText}; ${summary.malformed} malformed, ${summary.failed} failed\n`,
      );
    }
    if (Number(summary.rows) > 0 && Number(summary.written) === 0 && Number(summary.failed) > 0) {
      process.stderr.write(`curate: no row could be scored (${summary.failed} failed); see the messages above\n`);
      return 1;
    }
    return 0;
  },
};
