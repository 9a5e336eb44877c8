// Scores a batch with every member of a scorer: an ensemble gives each member's normalised reward
// (so that members share a scale) and the ensemble reward; any other scorer is one member.
import { isEnsembleScorer } from '../ensemble/ensemble.js';
import { UserError } from '../errors.js';
import type { ScoreRequest, Scorer } from '../types.js';

export interface MemberScores {
  /** The scorer's reward per request (the ensemble's, for an ensemble). */
  rewards: number[];
  /** [member][request]. */
  members: number[][];
}

export interface MemberScoring {
  names: string[];
  score(requests: ScoreRequest[]): Promise<MemberScores>;
}

export function memberScoring(scorer: Scorer): MemberScoring {
  if (isEnsembleScorer(scorer)) {
    const names = scorer.members.map((m) => m.name);
    return {
      names,
      async score(requests) {
        const d = await scorer.scoreDetailed(requests);
        return { rewards: d.rewards, members: names.map((n) => d.normalised[n]) };
      },
    };
  }
  if (!scorer.score) throw new UserError(`${scorer.info.spec} gives no pointwise scores; curation needs a reward model`);
  return {
    names: [scorer.info.label],
    async score(requests) {
      const rewards = await scorer.score!(requests);
      if (rewards.length !== requests.length) throw new Error(`scorer returned ${rewards.length} scores for ${requests.length} requests`);
      const bad = rewards.findIndex((r) => typeof r !== 'number' || !Number.isFinite(r));
      if (bad >= 0) throw new Error(`score ${bad} is ${rewards[bad]} (not a finite number)`);
      return { rewards, members: [rewards] };
    },
  };
}
