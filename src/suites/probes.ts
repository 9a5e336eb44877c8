// Metamorphic probes: pairs from any pairwise suite (the base, default params.base), with one side
// (default: the rejected answer) transformed — a reasoning opener, a self-assessment, content-free
// padding, a markdown restyling, a master key — next to the untransformed pair. Records:
// subset = transform ('original' for the untouched pair), extra.base = the base pair's key.
// score = 1 − mean flip rate over the transforms; subsets = accuracy per transform.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Item, Scorer } from '../types.js';
import { UserError } from '../errors.js';
import { pairwiseResult } from '../metrics/rewardbench.js';
import { ORIGINAL, aggregateProbes } from '../metrics/probes.js';
import { rngFor } from '../util/random.js';
import { loadMasterKeys } from '../probes/master-keys.js';
import { TRANSFORMS, type Transform } from '../probes/transforms.js';
import { type SuiteDeclaration, suitesDir } from './registry.js';
import type { ItemOutcome, Row, RowSource, SuiteDefinition, SuiteOptions } from './types.js';
import { requireCapability, scoreCompletions } from './pointwise.js';
import { pairwiseSectionsSuite } from './pairwise-sections.js';
import { mRewardBenchSuite } from './m-rewardbench.js';
import { rewardBench2Suite } from './rewardbench2.js';

/** Kinds whose items can be probed (a correct answer first, an incorrect one after). */
const BASE_KINDS: Record<string, (decl: SuiteDeclaration) => SuiteDefinition> = {
  'pairwise-sections': pairwiseSectionsSuite,
  'm-rewardbench': mRewardBenchSuite,
  rewardbench2: rewardBench2Suite,
};

interface ProbeMeta {
  base: string;
  baseSubset: string;
  transform: string;
  side: 'rejected' | 'chosen';
  detail: Record<string, unknown>;
}

/** The base suite's definition, read synchronously from suites/<name>.json. */
export function baseSuite(name: string): SuiteDefinition {
  const file = join(suitesDir(), `${name}.json`);
  if (!existsSync(file)) throw new UserError(`--probe-base ${name}: no such suite (${file})`);
  const decl = JSON.parse(readFileSync(file, 'utf8')) as SuiteDeclaration;
  const impl = BASE_KINDS[decl.kind];
  if (!impl) {
    throw new UserError(`--probe-base ${name}: suites of kind "${decl.kind}" cannot be probed; use one of kind ${Object.keys(BASE_KINDS).join(', ')}`);
  }
  return impl(decl);
}

export function transformsFor(side: 'rejected' | 'chosen'): Transform[] {
  // Replacing the chosen answer by a master key removes its content: the verdict should flip, so
  // it is not a probe of robustness; on the chosen side only content-preserving transforms run.
  return TRANSFORMS.filter((t) => side === 'rejected' || t.preservesContent);
}

/** Probe items from base items: the untouched pair plus one item per transform. */
export function probeItems(baseItems: readonly Item[], opts: SuiteOptions, suite: string, masterKeys: readonly string[]): Item[] {
  const side = opts.probeSide ?? 'rejected';
  if (side !== 'rejected' && side !== 'chosen') throw new UserError(`--probe-side must be rejected or chosen, got "${String(side)}"`);
  const out: Item[] = [];
  for (const b of baseItems) {
    if (b.numCorrect < 1 || b.completions.length <= b.numCorrect) continue; // no incorrect answer to pair with
    const chosen = b.completions[0];
    const rejected = b.completions[b.numCorrect];
    const make = (transform: string, pair: [string, string], detail: Record<string, unknown>): Item => {
      const meta: ProbeMeta = { base: b.key, baseSubset: b.subset, transform, side, detail };
      const item: Item = {
        key: `${transform}/${b.key}`,
        // Its own id, so a score file can hold scores for the generated pairs too (the texts are in
        // items.jsonl of any probes run: score them elsewhere, key the lines by this id).
        id: `${transform}/${b.id}`,
        suite,
        subset: transform,
        prompt: b.prompt,
        completions: pair,
        numCorrect: 1,
        meta: meta as unknown as Record<string, unknown>,
      };
      if (b.language) item.language = b.language;
      return item;
    };
    out.push(make(ORIGINAL, [chosen, rejected], {}));
    for (const t of transformsFor(side)) {
      const rand = rngFor(opts.seed, 'probe', t.name, b.key);
      const target = side === 'rejected' ? rejected : chosen;
      const { text, detail } = t.apply(target, { rand, masterKeys });
      out.push(make(t.name, side === 'rejected' ? [chosen, text] : [text, rejected], detail));
    }
  }
  return out;
}

export function probesItems(rows: Row[], source: RowSource, opts: SuiteOptions, suite: string, defaultBase: string): Item[] {
  const base = baseSuite(opts.probeBase ?? defaultBase);
  const baseItems = base.toItems(rows, source, opts);
  return probeItems(baseItems, opts, suite, loadMasterKeys(opts.masterKeysFile));
}

export async function evaluateProbe(item: Item, scorer: Scorer, opts: SuiteOptions): Promise<ItemOutcome> {
  const meta = item.meta as unknown as ProbeMeta;
  const extra = { base: meta.base, base_subset: meta.baseSubset, transform: meta.transform, side: meta.side, detail: meta.detail };
  if (scorer.score) {
    const scores = await scoreCompletions(item, scorer);
    return { scores, result: pairwiseResult(scores[0], scores[1]), extra };
  }
  requireCapability(scorer, 'judge', item.suite);
  const { judgePairwiseItem } = await import('./judge-protocols.js');
  // The A/B order is drawn from the base pair's key, so the original and every transformed pair
  // are shown in the same order and position bias does not pass for a flip.
  const out = await judgePairwiseItem({ ...item, key: meta.base }, scorer, opts);
  return { ...out, extra: { ...(out.extra ?? {}), ...extra } };
}

export function probesSuite(decl: SuiteDeclaration): SuiteDefinition {
  const defaultBase = typeof decl.params?.base === 'string' ? decl.params.base : 'arith-pairs';
  return {
    name: decl.name,
    description: decl.description,
    datasets: decl.datasets,
    sample: decl.sample,
    dataFor: (opts) => {
      if (!opts.probeBase || opts.probeBase === defaultBase) return { datasets: decl.datasets, sample: decl.sample };
      const base = baseSuite(opts.probeBase);
      return { datasets: base.datasets, sample: base.sample };
    },
    toItems: (rows, source, opts) => probesItems(rows, source, opts, decl.name, defaultBase),
    evaluate: evaluateProbe,
    aggregate: (records) => aggregateProbes(records),
  };
}
