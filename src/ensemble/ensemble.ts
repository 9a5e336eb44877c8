// A reward ensemble as a pointwise Scorer: member rewards → per-member normalisation → aggregation →
// optional RL transform. Members are already-created Scorers, so this file is tested with doubles.
//
// Definitions (see docs/training.md):
// - zscore: z = (r − mean_ref) / std_ref, the member's population mean and std over all reference responses.
// - centre: within one score() call, r minus the mean of that member's rewards over the requests of
//   the same group. The group is `itemKey` when set (the runner passes the item's key, so the group is
//   the item's candidates), else the exact prompt turns. A group of one candidate cannot be centred
//   (every value would be 0): that is an error, not a silent zero. Raw-text requests without an
//   itemKey are each their own group.
// - transforms use r_ref from the reference responses of the same prompt (exact turns), or from all
//   reference responses when the prompt has none (fallback "global", counted in stats) — raw-text
//   requests have no prompt turns and always use the global set.
import { sha256Hex } from '../cache/kv-store.js';
import { promptKey, type Conversation } from '../curate/conversation.js';
import { UserError } from '../errors.js';
import type { ScoreContext, ScoreRequest, Scorer, ScorerInfo } from '../types.js';
import { aggregate, centreByGroup, lsc, mean, normalQuantile85, par, populationStd, zScore, type Aggregation } from './math.js';
import type { Normalisation, TransformSpec } from './spec.js';

export interface MemberInput {
  name?: string;
  scorer: Scorer;
  normalise: Normalisation;
}

export interface EnsembleMember {
  name: string;
  scorer: Scorer;
  normalise: Normalisation;
  refMean?: number;
  refStd?: number;
}

export interface EnsembleConfig {
  /** The spec as the user typed it (`ensemble:./e.yaml`). */
  spec: string;
  name: string;
  aggregate: Aggregation;
  lambda: number;
  transform?: TransformSpec;
  file?: string;
  reference?: { file: string; sha256: string; conversations: Conversation[] };
}

export interface DetailedScores {
  /** The ensemble reward per request (after the transform, if any). */
  rewards: number[];
  /** Each member's own (raw) reward per request. */
  members: Record<string, number[]>;
  /** Each member's normalised reward per request (what is aggregated). */
  normalised: Record<string, number[]>;
}

export interface EnsembleScorer extends Scorer {
  readonly isEnsemble: true;
  readonly members: readonly EnsembleMember[];
  score(requests: ScoreRequest[], ctx?: ScoreContext): Promise<number[]>;
  scoreDetailed(requests: ScoreRequest[], ctx?: ScoreContext): Promise<DetailedScores>;
  /** One Scorer per member (raw member rewards), answering from what the ensemble already computed. */
  memberScorers(): Scorer[];
  close(): Promise<void>;
}

export function isEnsembleScorer(s: Scorer): s is EnsembleScorer {
  return (s as Partial<EnsembleScorer>).isEnsemble === true;
}

const REF_BATCH = 256;

async function scoreChecked(member: { name: string; scorer: Scorer }, reqs: ScoreRequest[], ctx?: ScoreContext): Promise<number[]> {
  if (!member.scorer.score) throw new UserError(`ensemble member "${member.name}" (${member.scorer.info.spec}) gives no pointwise scores`);
  const out = await member.scorer.score(reqs, ctx);
  if (out.length !== reqs.length) throw new Error(`member "${member.name}" returned ${out.length} scores for ${reqs.length} requests`);
  const bad = out.findIndex((s) => typeof s !== 'number' || !Number.isFinite(s));
  if (bad >= 0) throw new Error(`member "${member.name}": score ${bad} is ${out[bad]} (not a finite number)`);
  return out;
}

function groupKeys(reqs: ScoreRequest[]): string[] {
  return reqs.map((r, i) => r.itemKey ?? (r.raw ? `\u0000raw${i}` : promptKey(r.prompt)));
}

function argmax(xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

function uniqueNames(inputs: MemberInput[]): string[] {
  const used = new Map<string, number>();
  return inputs.map((m) => {
    const base = (m.name ?? m.scorer.info.label).replace(/[^\w.-]+/g, '_') || 'member';
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

export async function buildEnsemble(config: EnsembleConfig, inputs: MemberInput[]): Promise<EnsembleScorer> {
  if (inputs.length === 0) throw new UserError(`ensemble ${config.name}: no members`);
  const noScores = inputs.find((m) => !m.scorer.score);
  if (noScores) throw new UserError(`ensemble ${config.name}: member ${noScores.scorer.info.spec} gives no pointwise scores (judges cannot be ensemble members)`);
  const names = uniqueNames(inputs);
  const members: EnsembleMember[] = inputs.map((m, i) => ({ name: names[i], scorer: m.scorer, normalise: m.normalise }));
  // The reference set is scored only when something needs it (z-scores, a transform).
  const ref = members.some((m) => m.normalise === 'zscore') || config.transform ? config.reference : undefined;
  const refRequests: ScoreRequest[] = ref ? ref.conversations.map((c) => ({ prompt: c.prompt, completion: c.completion })) : [];

  // Member rewards on the reference set → z-score statistics.
  const refRaw: number[][] = [];
  if (ref) {
    for (const m of members) {
      const scores: number[] = [];
      for (let i = 0; i < refRequests.length; i += REF_BATCH) {
        try {
          scores.push(...(await scoreChecked(m, refRequests.slice(i, i + REF_BATCH))));
        } catch (err) {
          throw new UserError(`ensemble ${config.name}: scoring the reference set (${ref.file}) with member "${m.name}": ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      refRaw.push(scores);
      m.refMean = mean(scores);
      m.refStd = populationStd(scores);
      if (m.normalise === 'zscore' && !(m.refStd > 0)) {
        throw new UserError(`ensemble ${config.name}: member "${m.name}" gives every reference response the same reward (${m.refMean}); cannot z-score it`);
      }
    }
  }

  const normaliseAll = (raw: number[][], groups: string[]): number[][] =>
    members.map((m, mi) => {
      if (m.normalise === 'zscore') return raw[mi].map((r) => zScore(r, m.refMean!, m.refStd!));
      if (m.normalise === 'centre') {
        const counts = new Map<string, number>();
        for (const g of groups) counts.set(g, (counts.get(g) ?? 0) + 1);
        const lonely = groups.findIndex((g) => counts.get(g) === 1);
        if (lonely >= 0) {
          throw new Error(`member "${m.name}": per-prompt centring needs at least 2 candidates for the same prompt in one call (request ${lonely} has none beside it)`);
        }
        return centreByGroup(raw[mi], groups);
      }
      return raw[mi];
    });
  const aggregateAll = (norm: number[][], n: number): number[] =>
    Array.from({ length: n }, (_, i) => aggregate(norm.map((col) => col[i]), config.aggregate, config.lambda));

  // Ensemble rewards of the reference responses, per prompt, for the RL transforms.
  const refByPrompt = new Map<string, number[]>();
  let refAll: number[] = [];
  if (config.transform && ref) {
    refAll = aggregateAll(normaliseAll(refRaw, groupKeys(refRequests)), refRequests.length);
    refRequests.forEach((r, i) => {
      const k = promptKey(r.prompt);
      const list = refByPrompt.get(k) ?? [];
      list.push(refAll[i]);
      refByPrompt.set(k, list);
    });
  }
  const globalRRef = refAll.length ? normalQuantile85(refAll) : NaN;

  const memo = new Map<string, number[]>();
  const stats = { calls: 0, requests: 0, groups: 0, allMembersSameTop: 0, transformFallbackGlobal: 0 };
  const topAgrees: Record<string, number> = Object.fromEntries(members.map((m) => [m.name, 0]));

  const transform = (req: ScoreRequest, r: number): number => {
    const t = config.transform;
    if (!t) return r;
    const own = req.raw ? undefined : refByPrompt.get(promptKey(req.prompt));
    if (!own) {
      if (t.fallback === 'error') throw new Error(`transform ${t.kind}: no reference responses for this prompt`);
      stats.transformFallbackGlobal++;
    }
    return t.kind === 'lsc' ? lsc(r, own ? normalQuantile85(own) : globalRRef) : par(r, own ?? refAll, t.k);
  };

  // Member views are answered from this memo; it is only filled once they exist (bench), so that
  // curation and serving do not accumulate it.
  let memoOn = false;
  const memoKey = (r: ScoreRequest): string | undefined =>
    memoOn && r.itemKey !== undefined && r.index !== undefined && !r.raw ? `${r.suite ?? ''}\u0000${r.itemKey}\u0000${r.index}` : undefined;

  async function scoreDetailed(requests: ScoreRequest[], ctx?: ScoreContext): Promise<DetailedScores> {
    const raw = await Promise.all(members.map((m) => scoreChecked(m, requests, ctx)));
    const groups = groupKeys(requests);
    const norm = normaliseAll(raw, groups);
    const agg = aggregateAll(norm, requests.length);
    const rewards = requests.map((req, i) => transform(req, agg[i]));
    stats.calls++;
    stats.requests += requests.length;
    requests.forEach((r, i) => {
      const k = memoKey(r);
      if (k) memo.set(k, raw.map((col) => col[i]));
    });
    // Agreement on the top candidate of each group of two or more.
    const byGroup = new Map<string, number[]>();
    groups.forEach((g, i) => {
      const list = byGroup.get(g);
      if (list) list.push(i);
      else byGroup.set(g, [i]);
    });
    for (const idx of byGroup.values()) {
      if (idx.length < 2) continue;
      stats.groups++;
      const ensTop = idx[argmax(idx.map((i) => rewards[i]))];
      const tops = members.map((_, mi) => idx[argmax(idx.map((i) => raw[mi][i]))]);
      if (tops.every((t) => t === tops[0])) stats.allMembersSameTop++;
      tops.forEach((t, mi) => {
        if (t === ensTop) topAgrees[members[mi].name]++;
      });
    }
    return {
      rewards,
      members: Object.fromEntries(members.map((m, mi) => [m.name, raw[mi]])),
      normalised: Object.fromEntries(members.map((m, mi) => [m.name, norm[mi]])),
    };
  }

  const fingerprint = sha256Hex(
    JSON.stringify({
      aggregate: config.aggregate,
      lambda: config.lambda,
      transform: config.transform ?? null,
      reference: ref?.sha256 ?? null,
      members: members.map((m) => [m.name, m.normalise, m.scorer.info.fingerprint]),
    }),
  );
  const info: ScorerInfo = {
    spec: config.spec,
    kind: 'ensemble',
    label: config.name,
    fingerprint,
    details: {
      file: config.file,
      aggregate: config.aggregate,
      lambda: config.lambda,
      transform: config.transform ?? null,
      reference: ref ? { file: ref.file, sha256: ref.sha256, responses: ref.conversations.length } : null,
      members: members.map((m) => ({
        name: m.name,
        spec: m.scorer.info.spec,
        kind: m.scorer.info.kind,
        label: m.scorer.info.label,
        fingerprint: m.scorer.info.fingerprint,
        normalise: m.normalise,
        ref_mean: m.refMean ?? null,
        ref_std: m.refStd ?? null,
      })),
    },
  };

  const memberScorers = (): Scorer[] => {
    memoOn = true;
    return members.map((m, mi) => ({
      info: {
        spec: `${config.spec}#${m.name}`,
        kind: m.scorer.info.kind,
        label: `${config.name}.${m.name}`,
        fingerprint: m.scorer.info.fingerprint,
        details: { ensemble: config.spec, member: m.name, model: m.scorer.info.spec, ...(m.scorer.info.details ?? {}) },
      },
      async score(requests: ScoreRequest[], ctx?: ScoreContext): Promise<number[]> {
        const out: number[] = new Array(requests.length);
        const missing: number[] = [];
        requests.forEach((r, i) => {
          const k = memoKey(r);
          const hit = k ? memo.get(k) : undefined;
          if (hit) out[i] = hit[mi];
          else missing.push(i);
        });
        if (missing.length) {
          const fresh = await scoreChecked(m, missing.map((i) => requests[i]), ctx);
          missing.forEach((i, j) => (out[i] = fresh[j]));
        }
        return out;
      },
      stats: () => ({ ...(m.scorer.stats?.() ?? {}) }),
    }));
  };

  return {
    isEnsemble: true,
    info,
    members,
    scoreDetailed,
    async score(requests, ctx) {
      return (await scoreDetailed(requests, ctx)).rewards;
    },
    memberScorers,
    stats() {
      return {
        calls: stats.calls,
        requests: stats.requests,
        transform_fallback_global: stats.transformFallbackGlobal,
        agreement: {
          groups: stats.groups,
          all_members_same_top: stats.allMembersSameTop,
          all_members_same_top_rate: stats.groups ? stats.allMembersSameTop / stats.groups : null,
          member_top_matches_ensemble: { ...topAgrees },
        },
        members: Object.fromEntries(members.map((m) => [m.name, m.scorer.stats?.() ?? {}])),
      };
    },
    async close() {
      memo.clear();
      await Promise.all(members.map((m) => m.scorer.close?.()));
    },
  };
}
