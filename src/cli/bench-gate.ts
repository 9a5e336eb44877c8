// `rmgauge bench ... --gate <config> --baseline <run dir>`: gate each run of this bench against
// the baseline run. Exit 0 when every run passes, 100 when any fails.
import { gateRuns, reportGate, EXIT_GATE_FAILED, EXIT_PASS } from '../gate/index.js';

export async function gateAfterBench(opts: {
  baseline: string;
  candidates: string[];
  config?: string;
  json: boolean;
  seed: number;
}): Promise<number> {
  let code = EXIT_PASS;
  for (const candidate of opts.candidates) {
    const outcome = await gateRuns({ baseline: opts.baseline, candidate, config: opts.config, seed: opts.seed });
    process.stdout.write(opts.json ? '' : `\nGate: ${candidate} against ${opts.baseline}\n`);
    if (reportGate(outcome, { json: opts.json }) !== EXIT_PASS) code = EXIT_GATE_FAILED;
  }
  return code;
}
