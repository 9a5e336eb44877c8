import type { Item, Scorer } from '../types.js';
import { UserError } from '../errors.js';

export function requireCapability(scorer: Scorer, capability: 'score' | 'judge', suite: string): void {
  if (!scorer[capability]) {
    const what = capability === 'score' ? 'pointwise scores (a reward model)' : 'judge verdicts';
    throw new UserError(`suite "${suite}" needs ${what}, which ${scorer.info.spec} does not provide`);
  }
}

/** Scores every completion of an item as [prompt turns..., assistant: completion]. */
export async function scoreCompletions(item: Item, scorer: Scorer): Promise<number[]> {
  const scores = await scorer.score!(
    item.completions.map((completion, index) => ({
      prompt: item.prompt,
      completion,
      itemKey: item.key,
      itemId: item.id,
      suite: item.suite,
      language: item.language,
      index,
    })),
  );
  if (scores.length !== item.completions.length) {
    throw new Error(`scorer returned ${scores.length} scores for ${item.completions.length} completions`);
  }
  const bad = scores.findIndex((s) => typeof s !== 'number' || !Number.isFinite(s));
  if (bad >= 0) throw new Error(`completion ${bad}: score is ${scores[bad]} (not a finite number)`);
  return scores;
}
