import { UserError } from '../../errors.js';
import { ONNX_FLAGS_HELP, onnxFlagSpecs } from '../../scorers/onnx/flags.js';

export const benchOptions = {
  suite: { type: 'string', multiple: true },
  model: { type: 'string', multiple: true },
  data: { type: 'string' },
  sample: { type: 'boolean' },
  out: { type: 'string' },
  limit: { type: 'string' },
  seed: { type: 'string' },
  concurrency: { type: 'string' },
  resume: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  'no-report': { type: 'boolean' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  ...onnxFlagSpecs,
  // Judges and reward servers
  config: { type: 'string' },
  'judge-key-env': { type: 'string' },
  'judge-template': { type: 'string' },
  'judge-both-orders': { type: 'boolean' },
  'judge-mode': { type: 'string' },
  timeout: { type: 'string' },
  budget: { type: 'string' },
  // Suites
  languages: { type: 'string' },
  'probe-base': { type: 'string' },
  'probe-side': { type: 'string' },
  'master-keys': { type: 'string' },
  // Gate
  gate: { type: 'string' },
  baseline: { type: 'string' },
  junit: { type: 'string' },
  'allow-mismatch': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseIntOption(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export function benchUsage(): string {
  return `Usage: rmgauge bench [--suite NAME]... [--model KIND:REF]... [options]

With no arguments, runs the offline demo (bundled samples, bundled models, baselines).

Selection:
  --suite NAME            suite to run (repeatable): rewardbench2, rewardbench, m-rewardbench,
                          one-token-to-fool, probes, rm-bench, judgebench, arith-pairs
  --model KIND:REF        model to evaluate (repeatable): onnx:<dir>, judge:<name>,
                          judge:<model>@<base-url>, vllm:, tei:, openrlhf:, scores:<file.jsonl>,
                          baseline:random|length|shortest, ensemble:<spec>
  --data PATH             a local file or folder replacing the suites' dataset source
  --sample                use the suites' bundled samples
  --limit N               only the first N items of each suite
  --languages a,b         m-rewardbench: only these language configs
Run:
  --out DIR               output folder (default: reports/)
  --seed N                seed for every random choice (default 0)
  --concurrency N         items evaluated at once (default 32)
  --resume DIR            continue a killed run (a model's run folder or the batch folder)
  --json                  print the results object on stdout
  --quiet                 no progress bar
  --no-report             do not write the HTML report
  --cache-dir DIR         persistent caches (default ~/.cache/rmgauge or $RMGAUGE_CACHE)
  --no-cache              do not read or write the score / response caches
${ONNX_FLAGS_HELP}Judges and reward servers:
  --config FILE           rmgauge.config.json|yaml with named judges
  --judge-key-env VAR     environment variable holding the API key (OPENAI_API_KEY)
  --judge-template FILE   replace the built-in prompt wording
  --judge-both-orders     pairwise: ask in both orders, count only consistent verdicts
  --judge-mode kway|ratings   rewardbench2 protocol (Ties always uses ratings)
  --timeout MS            per-request timeout      --budget S   overall time budget
Adversarial suites:
  --probe-base SUITE      probes: which pairwise suite to transform
  --probe-side rejected|chosen
  --master-keys FILE      extra master keys (one-token-to-fool)
Gate:
  --gate FILE --baseline RUN_DIR   gate this run against a baseline run (exit 100 on failure);
                          --baseline alone applies the default gate
  --junit FILE            write the gate verdict as JUnit XML
  --allow-mismatch        gate runs on different data by comparing their common items
`;
}
