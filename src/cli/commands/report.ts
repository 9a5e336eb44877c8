// rmgauge report <run dir>... : one self-contained HTML file comparing runs side by side, plus
// optionally a Markdown summary and PNG charts.
import { parseArgs } from 'node:util';
import { relative, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import type { Command } from '../main.js';
import { writeReports } from '../../report/index.js';
import { PNG_HELP } from '../../report/png.js';

const HELP = `Usage: rmgauge report <run dir>... [options]

Compares runs (one run directory per model, as written by \`rmgauge bench\`) in one HTML file that
opens from disk with no network access: leaderboard with 95% bootstrap intervals, charts, margins
and calibration, agreement between models, an item browser and the run metadata.

Options:
  -o, --out <file>        HTML file to write (default: report.html)
      --baseline <dir>    a baseline run: delta columns with paired intervals (repeatable; for each
                          suite the first baseline run that has it is used)
      --curation <file>   a curation summary (\`rmgauge curate --summary\`): adds a "Preference-data
                          curation" section (repeatable). Run directories of an ensemble (with the
                          side-by-side.json \`rmgauge bench --model ensemble:...\` writes) get an
                          "Ensemble and members" section on their own.
      --md <file>         also write a Markdown summary (under 1 MiB; for $GITHUB_STEP_SUMMARY)
      --png <dir>         also write the main charts as PNG files (needs chartjs-node-canvas)
      --seed <n>          bootstrap seed (default 1)
      --resamples <n>     bootstrap resamples (default 1000; 0 = no intervals)
      --title <text>      page title
      --no-html           write only --md / --png
  -h, --help              show this help`;

export const command: Command = {
  summary: 'write an HTML comparison report (and Markdown / PNG) from run directories',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        baseline: { type: 'string', multiple: true },
        curation: { type: 'string', multiple: true },
        md: { type: 'string' },
        png: { type: 'string' },
        seed: { type: 'string' },
        resamples: { type: 'string' },
        title: { type: 'string' },
        'no-html': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    if (positionals.length === 0) throw new UserError(`report needs at least one run directory\n\n${HELP}`);
    const int = (name: string, v: string | undefined, def: number) => {
      if (v === undefined) return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new UserError(`--${name} must be a non-negative integer, got "${v}"`);
      return n;
    };
    const html = values['no-html'] ? undefined : resolve(values.out ?? 'report.html');
    if (!html && !values.md && !values.png) throw new UserError('--no-html needs --md or --png: nothing to write');
    const t0 = Date.now();
    const { data, png } = await writeReports(
      positionals.map((p) => resolve(p)),
      { html, markdown: values.md ? resolve(values.md) : undefined, pngDir: values.png ? resolve(values.png) : undefined },
      {
        baselineDirs: (values.baseline ?? []).map((p) => resolve(p)),
        seed: int('seed', values.seed, 1),
        resamples: int('resamples', values.resamples, 1000),
        title: values.title,
        curationFiles: (values.curation ?? []).map((p) => resolve(p)),
      },
    );
    const rel = (f: string) => relative(process.cwd(), f) || f;
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (html) process.stdout.write(`report: ${rel(html)} (${data.models.length} model(s), ${data.suites.length} suite(s), ${data.items.n} items, ${secs} s)\n`);
    if (values.md) process.stdout.write(`summary: ${rel(resolve(values.md))}\n`);
    for (const n of data.notes) process.stderr.write(`note: ${n}\n`);
    if (values.png) {
      if (!png?.available) {
        process.stderr.write(`rmgauge: --png: ${png?.message ?? PNG_HELP}\n`);
        return 1;
      }
      process.stdout.write(`charts: ${png.files.length} PNG file(s) in ${rel(resolve(values.png))}\n`);
    }
    return 0;
  },
};
