// `rmgauge bench ... --gate <config> --baseline <run dir>`: gate each run of this bench against
// the baseline run. Exit 0 when every run passes, 100 when any fails.
import { basename } from 'node:path';
import { gateRuns, reportGate, EXIT_GATE_FAILED, EXIT_PASS } from '../gate/index.js';

export async function gateAfterBench(opts: {
  baseline: string;
  candidates: string[];
  config?: string;
  json: boolean;
  seed: number;
  junit?: string;
  allowMismatch?: boolean;
}): Promise<number> {
  let code = EXIT_PASS;
  for (const candidate of opts.candidates) {
    const outcome = await gateRuns({ baseline: opts.baseline, candidate, config: opts.config, seed: opts.seed, allowMismatch: opts.allowMismatch });
    process.stdout.write(opts.json ? '' : `\nGate: ${candidate} against ${opts.baseline}\n`);
    // One JUnit file per candidate when a bench gates several models.
    const junit = opts.junit && opts.candidates.length > 1 ? opts.junit.replace(/(\.xml)?$/, `-${basename(candidate)}$1`) : opts.junit;
    if (reportGate(outcome, { json: opts.json, junit }) !== EXIT_PASS) code = EXIT_GATE_FAILED;
  }
  return code;
}
