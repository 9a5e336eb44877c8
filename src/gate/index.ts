// rmgauge gate: decide whether a candidate run is worse than a baseline run, with paired tests.
// Entry points for the CLI and for `rmgauge bench --gate`: gateRuns() then reportGate().
import { appendFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadRun } from '../run/run-files.js';
import { defaultGateConfig, loadGateConfig } from './config.js';
import { gateLoaded } from './evaluate.js';
import { renderJunit } from './render-junit.js';
import { renderMarkdown, renderTable, STEP_SUMMARY_CAP } from './render-text.js';
import type { GateOutcome } from './types.js';

export type { GateOutcome, RuleResult, GateConfig, RuleSpec, CeilingSpec, SuitePairing } from './types.js';
export { defaultGateConfig, loadGateConfig, parseGateConfig } from './config.js';
export { gateLoaded } from './evaluate.js';
export { renderJunit } from './render-junit.js';
export { renderMarkdown, renderTable } from './render-text.js';

export const EXIT_PASS = 0;
export const EXIT_GATE_FAILED = 100;
export const EXIT_ERROR = 1;

export interface GateRunsOptions {
  /** Baseline run directory (run.json + items.jsonl). */
  baseline: string;
  /** Candidate run directory. */
  candidate: string;
  /** gate.json / gate.yaml; absent = the default gate. */
  config?: string;
  /** Compare only the common items of runs on different data instead of refusing. */
  allowMismatch?: boolean;
  seed?: number;
}

/** Loads both runs and the config, and evaluates the gate. Throws UserError on bad input. */
export async function gateRuns(opts: GateRunsOptions): Promise<GateOutcome> {
  const config = opts.config ? loadGateConfig(opts.config) : defaultGateConfig();
  const baseline = loadRun(opts.baseline);
  const candidate = loadRun(opts.candidate);
  return gateLoaded(baseline, candidate, config, { allowMismatch: opts.allowMismatch, seed: opts.seed });
}

export function renderJson(o: GateOutcome): string {
  return JSON.stringify(o, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

/** Appends the Markdown verdict to $GITHUB_STEP_SUMMARY (when set), within the 1 MiB cap. */
export function appendStepSummary(o: GateOutcome, env: NodeJS.ProcessEnv = process.env): string | null {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return null;
  // The 1 MiB limit is per step: leave room for what earlier gates of this step wrote.
  const used = existsSync(file) ? statSync(file).size : 0;
  appendFileSync(file, renderMarkdown(o, Math.max(16 * 1024, STEP_SUMMARY_CAP - used)));
  return file;
}

export interface ReportGateOptions {
  /** Print the JSON verdict instead of the table. */
  json?: boolean;
  /** Write JUnit XML here. */
  junit?: string;
  /** Where the table / JSON goes (default stdout). */
  write?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Prints the verdict (table or JSON), writes JUnit when asked, appends the step summary when
 * $GITHUB_STEP_SUMMARY is set, and returns the exit code: 0 pass, 100 gate failed.
 */
export function reportGate(o: GateOutcome, opts: ReportGateOptions = {}): number {
  const write = opts.write ?? ((t: string) => process.stdout.write(t));
  write(opts.json ? renderJson(o) : renderTable(o));
  if (opts.junit) {
    mkdirSync(dirname(opts.junit), { recursive: true });
    writeFileSync(opts.junit, renderJunit(o));
  }
  appendStepSummary(o, opts.env ?? process.env);
  return o.exitCode;
}
