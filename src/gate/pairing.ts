// Pairs two runs item by item: (suite, key) must match, and both runs must have read the same
// dataset revision and files, unless the caller allows a mismatch (then only common items count).
import { UserError } from '../errors.js';
import type { LoadedRun, RunJson } from '../run/run-files.js';
import type { ItemRecord } from '../types.js';
import type { SuitePairing } from './types.js';

export interface PairedSuite {
  suite: string;
  /** Common item keys, in the baseline's order. */
  keys: string[];
  baseline: ItemRecord[];
  candidate: ItemRecord[];
  pairing: SuitePairing;
}

export interface Pairing {
  suites: PairedSuite[];
  notes: string[];
}

/** The last record per key wins (a resumed run may append a retried item again). */
export function recordsBySuite(records: readonly ItemRecord[]): Map<string, Map<string, ItemRecord>> {
  const out = new Map<string, Map<string, ItemRecord>>();
  for (const r of records) {
    let m = out.get(r.suite);
    if (!m) out.set(r.suite, (m = new Map()));
    m.set(r.key, r);
  }
  return out;
}

function datasetProblems(a: RunJson, b: RunJson): string[] {
  const problems: string[] = [];
  const da = a.datasets ?? {};
  const db = b.datasets ?? {};
  for (const name of Object.keys(da)) {
    const x = da[name];
    const y = db[name];
    if (!y) continue;
    if (x.id !== y.id) problems.push(`dataset "${name}": baseline read ${x.id}, candidate read ${y.id}`);
    if ((x.revision ?? null) !== (y.revision ?? null)) {
      problems.push(`dataset "${name}": baseline revision ${x.revision ?? '(none)'}, candidate revision ${y.revision ?? '(none)'}`);
    }
    const shaA = new Map((x.files ?? []).map((f) => [f.path + (f.config ? `#${f.config}` : ''), f.sha256]));
    const shaB = new Map((y.files ?? []).map((f) => [f.path + (f.config ? `#${f.config}` : ''), f.sha256]));
    for (const [path, sha] of shaA) {
      const other = shaB.get(path);
      if (other !== undefined && other !== sha) {
        problems.push(`dataset "${name}" file ${path}: sha256 ${sha.slice(0, 12)}… (baseline) vs ${other.slice(0, 12)}… (candidate)`);
      }
    }
    const onlyA = [...shaA.keys()].filter((p) => !shaB.has(p));
    const onlyB = [...shaB.keys()].filter((p) => !shaA.has(p));
    if (onlyA.length || onlyB.length) {
      problems.push(`dataset "${name}": different files (baseline only: ${onlyA.join(', ') || 'none'}; candidate only: ${onlyB.join(', ') || 'none'})`);
    }
  }
  return problems;
}

/** Evaluation options that differ (they change numbers, so the report says so; not refused). */
function optionNotes(a: RunJson, b: RunJson): string[] {
  const oa: Record<string, unknown> = { data: a.config?.data ?? null, limit: a.config?.limit ?? null, ...(a.config?.options ?? {}) };
  const ob: Record<string, unknown> = { data: b.config?.data ?? null, limit: b.config?.limit ?? null, ...(b.config?.options ?? {}) };
  const diffs: string[] = [];
  const ignored = new Set(['cwd']); // where it ran, not how
  for (const k of [...new Set([...Object.keys(oa), ...Object.keys(ob)])].sort()) {
    if (ignored.has(k)) continue;
    const x = JSON.stringify(oa[k] ?? null);
    const y = JSON.stringify(ob[k] ?? null);
    if (x !== y) diffs.push(`${k} ${x.slice(0, 60)} vs ${y.slice(0, 60)}`);
  }
  return diffs.length ? [`the runs were evaluated with different options (baseline vs candidate): ${diffs.join('; ')}`] : [];
}

function sample(keys: string[]): string {
  const shown = keys.slice(0, 3).map((k) => JSON.stringify(k)).join(', ');
  return keys.length > 3 ? `${shown}, …` : shown;
}

/** Pairs the suites present in both runs. Throws UserError on mismatches unless allowMismatch. */
export function pairRuns(baseline: LoadedRun, candidate: LoadedRun, allowMismatch: boolean): Pairing {
  const notes: string[] = [];
  const problems = datasetProblems(baseline.run, candidate.run);
  const bySuiteB = recordsBySuite(baseline.records);
  const bySuiteC = recordsBySuite(candidate.records);
  const suites: PairedSuite[] = [];
  for (const [suite, recsB] of bySuiteB) {
    const recsC = bySuiteC.get(suite);
    if (!recsC) {
      notes.push(`suite ${suite} is only in the baseline run; not compared`);
      continue;
    }
    const keys = [...recsB.keys()].filter((k) => recsC.has(k));
    const onlyB = [...recsB.keys()].filter((k) => !recsC.has(k));
    const onlyC = [...recsC.keys()].filter((k) => !recsB.has(k));
    if (onlyB.length || onlyC.length) {
      problems.push(
        `suite ${suite}: item sets differ (${onlyB.length} only in the baseline${onlyB.length ? ` e.g. ${sample(onlyB)}` : ''}; ` +
          `${onlyC.length} only in the candidate${onlyC.length ? ` e.g. ${sample(onlyC)}` : ''}; ${keys.length} common)`,
      );
    }
    suites.push({
      suite,
      keys,
      baseline: keys.map((k) => recsB.get(k)!),
      candidate: keys.map((k) => recsC.get(k)!),
      pairing: {
        suite,
        baselineItems: recsB.size,
        candidateItems: recsC.size,
        common: keys.length,
        onlyBaseline: onlyB.length,
        onlyCandidate: onlyC.length,
      },
    });
  }
  for (const suite of bySuiteC.keys()) if (!bySuiteB.has(suite)) notes.push(`suite ${suite} is only in the candidate run; not compared`);
  if (problems.length && !allowMismatch) {
    throw new UserError(
      `the runs are not comparable:\n  - ${problems.join('\n  - ')}\n` +
        'Evaluate both checkpoints on the same data, or pass --allow-mismatch to compare only the common items.',
    );
  }
  for (const p of problems) notes.push(`mismatch allowed: ${p}`);
  for (const s of suites) {
    if (s.pairing.onlyBaseline || s.pairing.onlyCandidate) notes.push(`suite ${s.suite}: compared ${s.keys.length} common items`);
  }
  if (suites.length === 0) throw new UserError('the runs have no suite in common; nothing to gate');
  for (const s of suites) if (s.keys.length === 0) throw new UserError(`suite ${s.suite}: the runs have no item in common`);
  notes.push(...optionNotes(baseline.run, candidate.run));
  for (const [who, r] of [['baseline', baseline], ['candidate', candidate]] as const) {
    if (r.run.status !== 'complete') notes.push(`the ${who} run (${r.dir}) is not marked complete (status ${r.run.status})`);
  }
  return { suites, notes };
}
