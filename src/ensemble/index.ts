// `ensemble:<spec file>`: loads the spec, creates each member with the scorer registry (paths in the
// spec are relative to the spec file's folder), reads the reference set, and builds the ensemble.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sha256Hex } from '../cache/kv-store.js';
import { UserError } from '../errors.js';
import { createScorer } from '../scorers/registry.js';
import type { ScorerOptions } from '../scorers/types.js';
import type { Scorer } from '../types.js';
import { buildEnsemble, type EnsembleScorer, type MemberInput } from './ensemble.js';
import { readReferenceSet } from './reference.js';
import { loadEnsembleSpec } from './spec.js';

export { buildEnsemble, isEnsembleScorer } from './ensemble.js';
export type { DetailedScores, EnsembleScorer, EnsembleMember, MemberInput } from './ensemble.js';
export { loadEnsembleSpec, parseEnsembleSpec } from './spec.js';
export type { EnsembleSpec, MemberSpec } from './spec.js';

/** Spec files being loaded right now, to refuse an ensemble that contains itself. */
const loading = new Set<string>();

/**
 * `ensemble:<spec>` builds the ensemble; `ensemble:<spec>#<member>` is one member's view (its raw
 * rewards; the spec of the member scorers the bench runs beside the ensemble, so resume works).
 */
export async function createEnsembleScorer(ref: string, spec: string, opts: ScorerOptions): Promise<Scorer> {
  const hash = ref.lastIndexOf('#');
  if (hash > 0 && !existsSync(resolve(opts.cwd, ref))) {
    const member = ref.slice(hash + 1);
    const base = ref.slice(0, hash);
    const ens = await buildFromFile(base, spec.slice(0, spec.length - member.length - 1), opts);
    const view = ens.memberScorers().find((v) => v.info.spec.endsWith(`#${member}`));
    if (!view) {
      await ens.close();
      throw new UserError(`ensemble ${base} has no member "${member}" (members: ${ens.members.map((m) => m.name).join(', ')})`);
    }
    return { ...view, close: () => ens.close() };
  }
  return buildFromFile(ref, spec, opts);
}

async function buildFromFile(ref: string, spec: string, opts: ScorerOptions): Promise<EnsembleScorer> {
  const file = resolve(opts.cwd, ref);
  if (loading.has(file)) throw new UserError(`ensemble ${file} contains itself (directly or through another ensemble)`);
  loading.add(file);
  const created: Scorer[] = [];
  try {
    const es = loadEnsembleSpec(file);
    const inputs: MemberInput[] = [];
    for (const m of es.members) {
      const scorer = await createScorer(m.model, opts);
      created.push(scorer);
      inputs.push({ name: m.name, scorer, normalise: m.normalise });
    }
    const reference = es.reference
      ? { file: es.reference, sha256: sha256Hex(readFileSync(es.reference)), conversations: readReferenceSet(es.reference) }
      : undefined;
    return await buildEnsemble(
      { spec, name: es.name, aggregate: es.aggregate, lambda: es.lambda, transform: es.transform, file, reference },
      inputs,
    );
  } catch (err) {
    await Promise.all(created.map((s) => s.close?.().catch(() => undefined)));
    throw err;
  } finally {
    loading.delete(file);
  }
}
export { sideBySide, sideBySideFromRuns } from './agreement.js';
export type { SuiteSideBySide, ItemSideBySide, LabelledRecords } from './agreement.js';
