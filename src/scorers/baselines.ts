// Reference points every leaderboard needs: `baseline:random` (seeded), `baseline:length` (longer
// scores higher) and `baseline:shortest` (shorter scores higher).
import { UserError } from '../errors.js';
import { rngFor } from '../util/random.js';
import type { Scorer, ScoreRequest } from '../types.js';
import type { ScorerOptions } from './types.js';

const baselines: Record<string, (r: ScoreRequest, seed: number) => number> = {
  random: (r, seed) => rngFor(seed, 'baseline:random', r.suite ?? '', r.itemKey ?? r.completion, r.index ?? 0)(),
  length: (r) => [...r.completion].length,
  shortest: (r) => -[...r.completion].length,
};

export async function createBaselineScorer(ref: string, spec: string, opts: ScorerOptions): Promise<Scorer> {
  const fn = baselines[ref];
  if (!fn) throw new UserError(`unknown baseline "${ref}"; baselines: ${Object.keys(baselines).join(', ')}`);
  return {
    info: {
      spec,
      kind: 'baseline',
      label: `baseline-${ref}`,
      fingerprint: ref === 'random' ? `random:${opts.seed}` : ref,
      details: ref === 'random' ? { seed: opts.seed } : {},
    },
    async score(requests) {
      return requests.map((r) => fn(r, opts.seed));
    },
  };
}
