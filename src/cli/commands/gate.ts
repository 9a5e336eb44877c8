// rmgauge gate --baseline <run dir> --candidate <run dir> [--config gate.yaml] [--allow-mismatch]
//              [--json] [--junit file] [--seed N]
import { parseArgs } from 'node:util';
import { UserError } from '../../errors.js';
import type { Command } from '../main.js';

const HELP = `Usage: rmgauge gate --baseline <run dir> --candidate <run dir> [options]

Fails when the candidate is significantly worse than the baseline (paired tests per item:
McNemar for 0/1 results, paired bootstrap for fractional and composite scores, Holm across rules),
or under a floor, or over an error / parse-failure ceiling.

Options:
  --baseline <dir>     baseline run directory (run.json + items.jsonl)
  --candidate <dir>    candidate run directory
  --config <file>      gate.json or gate.yaml (default: overall + every subset and section,
                       margin 0, alpha 0.05, Holm)
  --allow-mismatch     compare only common items when dataset revisions or item sets differ
  --json               print the verdict as JSON instead of a table
  --junit <file>       write JUnit XML (one test case per rule)
  --seed <n>           bootstrap seed (default: the config's seed, else 1)

Exit codes: 0 pass, 100 gate failed, 1 tool or input error.
Markdown is appended to $GITHUB_STEP_SUMMARY when it is set. See docs/gate.md.
`;

export const command: Command = {
  summary: 'gate a candidate run against a baseline run with paired statistics (exit 100 on regression)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        baseline: { type: 'string' },
        candidate: { type: 'string' },
        config: { type: 'string' },
        'allow-mismatch': { type: 'boolean' },
        json: { type: 'boolean' },
        junit: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.baseline) throw new UserError('gate needs --baseline <run dir>');
    if (!values.candidate) throw new UserError('gate needs --candidate <run dir>');
    let seed: number | undefined;
    if (values.seed !== undefined) {
      seed = Number(values.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UserError(`--seed must be a non-negative whole number, got "${values.seed}"`);
    }
    const { gateRuns, reportGate } = await import('../../gate/index.js');
    const outcome = await gateRuns({
      baseline: values.baseline,
      candidate: values.candidate,
      config: values.config,
      allowMismatch: values['allow-mismatch'],
      seed,
    });
    return reportGate(outcome, { json: values.json, junit: values.junit });
  },
};
