// Micro-batching across concurrent HTTP requests: each request's inputs stay together (so per-prompt
// centring never mixes requests) and the requests pending at the same moment go to the model in
// one call. Built on the shared MicroBatcher (src/scorers/micro-batcher.ts).
import { isEnsembleScorer } from '../ensemble/ensemble.js';
import { MicroBatcher } from '../scorers/micro-batcher.js';
import type { ScoreRequest, Scorer } from '../types.js';

export interface Scored {
  rewards: number[];
  /** Member rewards for ensembles (name → one per input); empty otherwise. */
  members: Record<string, number[]>;
}

export interface ScoringQueue {
  submit(requests: ScoreRequest[]): Promise<Scored>;
  stats(): { model_calls: number; requests: number; inputs: number };
}

export interface QueueOptions {
  /** Most HTTP requests merged into one model call (default 64). */
  maxRequestsPerCall?: number;
  /** How long to wait for more requests before calling the model (default 0: next tick). */
  maxWaitMs?: number;
}

export function createScoringQueue(scorer: Scorer, opts: QueueOptions = {}): ScoringQueue {
  const stats = { model_calls: 0, requests: 0, inputs: 0 };
  const run = async (flat: ScoreRequest[]): Promise<Scored> => {
    stats.model_calls++;
    if (isEnsembleScorer(scorer)) {
      const d = await scorer.scoreDetailed(flat);
      return { rewards: d.rewards, members: d.members };
    }
    return { rewards: await scorer.score!(flat), members: {} };
  };
  const checked = async (groups: ScoreRequest[][]): Promise<Scored[]> => {
    const scored = await run(groups.flat());
    if (scored.rewards.length !== groups.reduce((n, g) => n + g.length, 0)) throw new Error('the model returned the wrong number of scores');
    const bad = scored.rewards.findIndex((r) => typeof r !== 'number' || !Number.isFinite(r));
    if (bad >= 0) throw new Error(`the model returned ${scored.rewards[bad]} (not a finite number)`);
    let at = 0;
    return groups.map((g) => {
      const slice = (xs: number[]) => xs.slice(at, at + g.length);
      const out = { rewards: slice(scored.rewards), members: Object.fromEntries(Object.entries(scored.members).map(([k, v]) => [k, slice(v)])) };
      at += g.length;
      return out;
    });
  };
  const batcher = new MicroBatcher<ScoreRequest[], Scored | Error>({
    cost: () => 1,
    maxBatchTokens: Number.POSITIVE_INFINITY,
    maxBatchSize: opts.maxRequestsPerCall ?? 64,
    maxWaitMs: opts.maxWaitMs ?? 0,
    async runBatch(groups) {
      try {
        return await checked(groups);
      } catch (err) {
        if (groups.length === 1) return [err instanceof Error ? err : new Error(String(err))];
        // One request's bad input must not fail the others merged with it: retry each alone.
        const out: Array<Scored | Error> = [];
        for (const g of groups) {
          try {
            out.push((await checked([g]))[0]);
          } catch (e) {
            out.push(e instanceof Error ? e : new Error(String(e)));
          }
        }
        return out;
      }
    },
  });
  return {
    async submit(requests) {
      stats.requests++;
      stats.inputs += requests.length;
      const [out] = await batcher.submit([requests]);
      if (out instanceof Error) throw out;
      return out;
    },
    stats: () => ({ ...stats }),
  };
}
