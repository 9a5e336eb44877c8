import { SCORER_FLAGS_HELP, scorerFlagSpecs } from '../scorer-flags.js';

export const benchOptions = {
  suite: { type: 'string', multiple: true },
  model: { type: 'string', multiple: true },
  data: { type: 'string' },
  sample: { type: 'boolean' },
  out: { type: 'string' },
  limit: { type: 'string' },
  concurrency: { type: 'string' },
  resume: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  'no-report': { type: 'boolean' },
  ...scorerFlagSpecs,
  // Judge protocols
  'judge-both-orders': { type: 'boolean' },
  'judge-mode': { type: 'string' },
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
  --concurrency N         items evaluated at once (default 32)
  --resume DIR            continue a killed run (a model's run folder or the batch folder)
  --json                  print the results object on stdout
  --quiet                 no progress bar
  --no-report             do not write the HTML report
${SCORER_FLAGS_HELP}Judge protocols:
  --judge-both-orders     pairwise: ask in both orders, count only consistent verdicts
  --judge-mode kway|ratings   rewardbench2 protocol (Ties always uses ratings)
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
