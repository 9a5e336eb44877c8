import { describe, expect, it } from 'vitest';
import { buildEnsemble, type EnsembleConfig } from '../../src/ensemble/ensemble.js';
import type { Conversation } from '../../src/curate/conversation.js';
import type { ScoreRequest, Scorer } from '../../src/types.js';

/** A member that looks rewards up by completion text and counts the requests it saw. */
function table(label: string, values: Record<string, number>): Scorer & { seen: number } {
  const s = {
    seen: 0,
    info: { spec: `test:${label}`, kind: 'test', label, fingerprint: `fp-${label}` },
    async score(reqs: ScoreRequest[]) {
      s.seen += reqs.length;
      return reqs.map((r) => {
        if (!(r.completion in values)) throw new Error(`no value for ${r.completion}`);
        return values[r.completion];
      });
    },
  };
  return s;
}

const P1 = [{ role: 'user' as const, content: 'q1' }];
const P2 = [{ role: 'user' as const, content: 'q2' }];
const ref: Conversation[] = ['r1', 'r2', 'r3'].map((c) => ({ prompt: P1, completion: c }));
const A = { r1: 1, r2: 2, r3: 3, c1: 4, c2: 0 }; // reference mean 2, std √(2/3)
const B = { r1: 10, r2: 30, r3: 50, c1: 20, c2: 30 }; // reference mean 30, std √(800/3)
const zA = 2 / Math.sqrt(2 / 3); // c1: 2.449489742783178
const zB = -10 / Math.sqrt(800 / 3); // c1: -0.6123724356957945

function config(over: Partial<EnsembleConfig>): EnsembleConfig {
  return {
    spec: 'ensemble:test.yaml',
    name: 'duo',
    aggregate: 'mean',
    lambda: 1,
    reference: { file: 'ref.jsonl', sha256: 'x', conversations: ref },
    ...over,
  };
}
const req = (prompt: typeof P1, completion: string, extra: Partial<ScoreRequest> = {}): ScoreRequest => ({ prompt, completion, ...extra });

describe('ensemble with z-scored members', () => {
  const members = () => [
    { name: 'a', scorer: table('A', A), normalise: 'zscore' as const },
    { name: 'b', scorer: table('B', B), normalise: 'zscore' as const },
  ];
  it('z-scores each member against the reference set, then aggregates', async () => {
    const e = await buildEnsemble(config({}), members());
    expect(e.members.map((m) => [m.refMean, m.refStd])).toEqual([
      [2, Math.sqrt(2 / 3)],
      [30, Math.sqrt(800 / 3)],
    ]);
    const d = await e.scoreDetailed([req(P1, 'c1')]);
    expect(d.members).toEqual({ a: [4], b: [20] });
    expect(d.normalised.a[0]).toBeCloseTo(zA, 12);
    expect(d.normalised.b[0]).toBeCloseTo(zB, 12);
    expect(d.rewards[0]).toBeCloseTo((zA + zB) / 2, 12); // 0.9185586535436917
  });
  it('each aggregation', async () => {
    const m = (zA + zB) / 2;
    const half = (zA - zB) / 2; // population std of two values
    const cases: Array<[EnsembleConfig['aggregate'], number]> = [
      ['median', m],
      ['min', zB],
      ['uwo', m - half * half], // λ = 1: 0.918559 − 2.34375
      ['mean_minus_std', m - half],
    ];
    for (const [aggregate, want] of cases) {
      const e = await buildEnsemble(config({ aggregate }), members());
      expect((await e.score([req(P1, 'c1')]))[0]).toBeCloseTo(want, 12);
    }
  });
  it('LSC uses the 85th percentile of the prompt reference rewards', async () => {
    // reference ensemble rewards: z = −1.2247, 0, 1.2247 (mean 0, std 1) → r_ref = 1.0364333894937898
    const e = await buildEnsemble(config({ transform: { kind: 'lsc', k: 1, fallback: 'global' } }), members());
    expect((await e.score([req(P1, 'c1')]))[0]).toBeCloseTo(-0.7538203506381788, 12);
    expect(e.stats!().transform_fallback_global).toBe(0);
    // A prompt without references falls back to the whole set (the same numbers here) and is counted.
    expect((await e.score([req(P2, 'c1')]))[0]).toBeCloseTo(-0.7538203506381788, 12);
    expect(e.stats!().transform_fallback_global).toBe(1);
  });
  it('PAR averages σ(r − r_ref,m) over the reference responses; fallback "error" refuses unknown prompts', async () => {
    const e = await buildEnsemble(config({ transform: { kind: 'par', k: 1, fallback: 'error' } }), members());
    expect((await e.score([req(P1, 'c1')]))[0]).toBeCloseTo(0.6779451995700385, 12);
    await expect(e.score([req(P2, 'c1')])).rejects.toThrow(/no reference responses/);
  });
  it('names the member and the reference file when the reference set cannot be scored', async () => {
    await expect(buildEnsemble(config({}), [{ name: 'x', scorer: table('X', { r1: 1 }), normalise: 'zscore' }])).rejects.toThrow(
      /ensemble duo: scoring the reference set \(ref\.jsonl\) with member "x": no value for r2/,
    );
  });
  it('does not score the reference set when nothing needs it', async () => {
    const e = await buildEnsemble(config({}), [{ name: 'x', scorer: table('X', { c1: 2 }), normalise: 'none' }]);
    expect(await e.score([req(P1, 'c1')])).toEqual([2]);
    expect((e.info.details as { reference: unknown }).reference).toBeNull();
  });
  it('refuses a member that gives every reference response the same reward', async () => {
    const flat = { r1: 5, r2: 5, r3: 5 };
    await expect(buildEnsemble(config({}), [{ name: 'f', scorer: table('F', flat), normalise: 'zscore' }])).rejects.toThrow(/same reward.*cannot z-score/);
  });
});

describe('per-prompt centring', () => {
  it('centres each member over the candidates of the same prompt in one call', async () => {
    const e = await buildEnsemble(config({ reference: undefined }), [
      { name: 'a', scorer: table('A', { x: 1, y: 3, u: 10, v: 20 }), normalise: 'centre' },
      { name: 'b', scorer: table('B', { x: 100, y: 300, u: 7, v: 7 }), normalise: 'none' },
    ]);
    const d = await e.scoreDetailed([req(P1, 'x'), req(P2, 'u'), req(P1, 'y'), req(P2, 'v')]);
    expect(d.normalised.a).toEqual([-1, -5, 1, 5]);
    expect(d.normalised.b).toEqual([100, 7, 300, 7]);
    expect(d.rewards).toEqual([49.5, 1, 150.5, 6]);
  });
  it('groups by itemKey when given, and refuses a lone candidate', async () => {
    const e = await buildEnsemble(config({ reference: undefined }), [{ name: 'a', scorer: table('A', { x: 1, y: 3 }), normalise: 'centre' }]);
    const d = await e.scoreDetailed([req(P1, 'x', { itemKey: 'k1' }), req(P2, 'y', { itemKey: 'k1' })]);
    expect(d.rewards).toEqual([-1, 1]);
    await expect(e.score([req(P1, 'x'), req(P2, 'y')])).rejects.toThrow(/at least 2 candidates/);
  });
});

describe('members and ensemble side by side', () => {
  it('info lists the members; member views answer from what the ensemble computed', async () => {
    const a = table('A', A);
    const b = table('B', B);
    const e = await buildEnsemble(config({}), [
      { scorer: a, normalise: 'zscore' },
      { scorer: b, normalise: 'zscore' },
    ]);
    const details = e.info.details as { members: Array<{ name: string; fingerprint: string }> };
    expect(details.members.map((m) => [m.name, m.fingerprint])).toEqual([
      ['A', 'fp-A'],
      ['B', 'fp-B'],
    ]);
    const item = [req(P1, 'c1', { itemKey: 'i1', index: 0 }), req(P1, 'c2', { itemKey: 'i1', index: 1 })];
    const [va, vb] = e.memberScorers(); // the bench creates the views before running
    await e.score(item);
    const seen = a.seen;
    expect(va.info.label).toBe('duo.A');
    expect(await va.score!(item)).toEqual([4, 0]);
    expect(await vb.score!(item)).toEqual([20, 30]);
    expect(a.seen).toBe(seen); // nothing recomputed
    expect(await va.score!([req(P1, 'r1', { itemKey: 'other', index: 0 })])).toEqual([1]);
    expect(a.seen).toBe(seen + 1);
    const st = e.stats!() as { agreement: { groups: number; all_members_same_top: number; member_top_matches_ensemble: Record<string, number> } };
    // A prefers c1 (4 > 0), B prefers c2 (30 > 20); the ensemble (z-mean) prefers c1.
    expect(st.agreement.groups).toBe(1);
    expect(st.agreement.all_members_same_top).toBe(0);
    expect(st.agreement.member_top_matches_ensemble).toEqual({ A: 1, B: 0 });
  });
  it('the fingerprint changes with the aggregation and the members', async () => {
    const mk = async (aggregate: EnsembleConfig['aggregate'], bLabel: string) =>
      (await buildEnsemble(config({ aggregate }), [
        { scorer: table('A', A), normalise: 'zscore' },
        { scorer: table(bLabel, B), normalise: 'zscore' },
      ])).info.fingerprint;
    const base = await mk('mean', 'B');
    expect(await mk('mean', 'B')).toBe(base);
    expect(await mk('min', 'B')).not.toBe(base);
    expect(await mk('mean', 'B2')).not.toBe(base);
  });
  it('refuses a member without pointwise scores', async () => {
    const judge: Scorer = { info: { spec: 'judge:x', kind: 'judge', label: 'x', fingerprint: 'x' }, judge: async () => ({ parseFailed: true }) };
    await expect(buildEnsemble(config({ reference: undefined }), [{ scorer: judge, normalise: 'none' }])).rejects.toThrow(/member judge:x gives no pointwise scores/);
  });
  it('a member returning NaN is an error naming it', async () => {
    const bad: Scorer = { info: { spec: 't:bad', kind: 't', label: 'bad', fingerprint: 'b' }, score: async (r) => r.map(() => NaN) };
    const e = await buildEnsemble(config({ reference: undefined }), [{ scorer: bad, normalise: 'none' }]);
    await expect(e.score([req(P1, 'x')])).rejects.toThrow(/member "bad".*not a finite number/);
  });
});
