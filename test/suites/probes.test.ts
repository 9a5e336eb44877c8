import { describe, expect, it } from 'vitest';
import { aggregateProbes, flipStats } from '../../src/metrics/probes.js';
import { TRANSFORMS, SELF_ASSESSMENTS, sentences, transformByName } from '../../src/probes/transforms.js';
import { baseSuite, evaluateProbe, probeItems, probesItems } from '../../src/suites/probes.js';
import { rngFor } from '../../src/util/random.js';
import type { Item, ItemRecord, JudgeRequest, Scorer } from '../../src/types.js';
import { UserError } from '../../src/errors.js';

const keys = [':', 'Thought process:'];
const ctx = (seed = 1, key = 'k') => ({ rand: rngFor(seed, 'test', key), masterKeys: keys });

describe('transforms', () => {
  const text = 'It equals 24. I added the numbers.';

  it('are deterministic for a seed and record what they chose', () => {
    for (const t of TRANSFORMS) {
      const a = t.apply(text, ctx(5));
      const b = t.apply(text, ctx(5));
      expect(a).toEqual(b);
      expect(Object.keys(a.detail).length).toBeGreaterThan(0);
    }
  });

  it('reasoning opener prepends, self-assessment appends, content kept', () => {
    const o = transformByName('reasoning-opener')!.apply(text, ctx());
    expect(o.text).toBe(`${o.detail.opener} ${text}`);
    const s = transformByName('self-assessment')!.apply(text, { rand: () => 0, masterKeys: keys });
    expect(s.text).toBe(`${text} This answer is correct.`);
    expect(SELF_ASSESSMENTS).toContain(s.detail.sentence);
  });

  it('padding at least doubles the length, adds no digits, and keeps the answer first', () => {
    const p = transformByName('length-padding')!.apply(text, ctx());
    expect(p.text.startsWith(text)).toBe(true);
    expect(p.text.length).toBeGreaterThanOrEqual(2 * text.length);
    expect(p.text.slice(text.length)).not.toMatch(/\d/);
    expect(p.detail.added_chars).toBe(p.text.length - text.length);
  });

  it('markdown restyles every sentence, keeps code untouched', () => {
    const m = transformByName('markdown')!.apply(text, { rand: () => 0, masterKeys: keys });
    expect(m.text).toBe('## Answer\n\n- **It equals 24.**\n- I added the numbers.');
    expect(sentences('A. B? C!  D')).toEqual(['A.', 'B?', 'C!', 'D']);
    const code = 'Use:\n```py\nprint(1)\n```';
    expect(transformByName('markdown')!.apply(code, { rand: () => 0, masterKeys: keys }).text).toBe(`## Answer\n\n${code}`);
  });

  it('master key replaces the answer by a key from the list', () => {
    const k = transformByName('master-key')!.apply(text, { rand: () => 0.99, masterKeys: keys });
    expect(k).toEqual({ text: 'Thought process:', detail: { key: 'Thought process:' } });
  });
});

const base: Item[] = [
  { key: 'p1', id: 'p1', suite: 'arith', subset: 'arith-plain', prompt: [{ role: 'user', content: 'What is 1 + 1?' }], completions: ['2', '3'], numCorrect: 1 },
  { key: 'p2', id: 'p2', suite: 'arith', subset: 'arith-plain', prompt: [{ role: 'user', content: 'What is 2 + 2?' }], completions: ['4', '5'], numCorrect: 1 },
];

describe('probe items', () => {
  it('one untouched pair plus one per transform; the rejected side changes; seeded per (seed, transform, pair)', () => {
    const items = probeItems(base, { seed: 0 }, 'probes', keys);
    expect(items).toHaveLength(2 * 6);
    expect(items.map((i) => i.subset).slice(0, 6)).toEqual(['original', 'reasoning-opener', 'self-assessment', 'length-padding', 'markdown', 'master-key']);
    for (const i of items) {
      expect(i.key).toBe(i.id);
      expect(i.id).toBe(`${i.subset}/${(i.meta as { base: string }).base}`);
      expect(i.completions[0]).toBe((i.meta as { base: string }).base === 'p1' ? '2' : '4');
    }
    expect(items.find((i) => i.key === 'master-key/p1')!.completions[1]).toMatch(/^(:|Thought process:)$/);
    expect(probeItems(base, { seed: 0 }, 'probes', keys)).toEqual(items);
    const other = probeItems(base, { seed: 1 }, 'probes', keys);
    expect(other.map((i) => i.meta)).not.toEqual(items.map((i) => i.meta));
  });

  it('chosen side: content-preserving transforms only, the chosen answer changes', () => {
    const items = probeItems(base, { seed: 0, probeSide: 'chosen' }, 'probes', keys);
    expect(items).toHaveLength(2 * 5);
    expect(items.map((i) => i.subset)).not.toContain('master-key');
    const opener = items.find((i) => i.key === 'reasoning-opener/p1')!;
    expect(opener.completions[1]).toBe('3');
    expect(opener.completions[0]).toMatch(/ 2$/);
    expect(() => probeItems(base, { seed: 0, probeSide: 'both' as 'chosen' }, 'probes', keys)).toThrow(UserError);
  });

  it('reads rows through the base suite (default arith-pairs) and refuses unknown bases', () => {
    const rows = [{ id: 'a1', prompt: 'What is 1 + 2?', chosen: '3', rejected: '4', subset: 'arith-plain' }];
    const items = probesItems(rows, { file: 'f.jsonl' }, { seed: 0 }, 'probes', 'arith-pairs');
    expect(items).toHaveLength(6);
    expect(items[0]).toMatchObject({ key: 'original/a1', completions: ['3', '4'], meta: { base: 'a1', baseSubset: 'arith-plain' } });
    expect(() => baseSuite('no-such-suite')).toThrow(UserError);
    expect(() => baseSuite('judgebench')).toThrow(/cannot be probed/);
  });
});

function rec(subset: string, base: string, result: number | null): ItemRecord {
  return { suite: 'probes', key: `${subset}/${base}`, id: base, subset, result, extra: { base } };
}

describe('flip rates (hand-computed)', () => {
  const original = [rec('original', 'b1', 1), rec('original', 'b2', 1), rec('original', 'b3', 0), rec('original', 'b4', 1)];
  const t = [rec('T', 'b1', 0), rec('T', 'b2', 1), rec('T', 'b3', 1), rec('T', 'b4', null)];

  it('pairs by base pair; flips both ways; errors left out', () => {
    const s = flipStats(original, t);
    expect(s.pairs).toBe(3);
    expect(s.flipRate).toBeCloseTo(2 / 3, 12);
    expect(s.toWrong).toBeCloseTo(1 / 3, 12);
    expect(s.toRight).toBeCloseTo(1 / 3, 12);
  });

  it('a judge half point (unparseable = 0.5) flips by half', () => {
    const s = flipStats([rec('original', 'b1', 1)], [rec('T', 'b1', 0.5)]);
    expect(s.flipRate).toBe(0.5);
    expect(s.toWrong).toBe(0.5);
  });

  it('suite: subsets = accuracy per transform, score = 1 − mean flip rate, table beside the original accuracy', () => {
    const u = [rec('U', 'b1', 1), rec('U', 'b2', 1), rec('U', 'b3', 0), rec('U', 'b4', 1)]; // no flips
    const r = aggregateProbes([...original, ...t, ...u]);
    expect(r.subsets.original.score).toBeCloseTo(0.75, 12);
    expect(r.subsets.T.score).toBeCloseTo(2 / 3, 12);
    expect(r.subsets.T.errors).toBe(1);
    expect(r.score).toBeCloseTo(1 - (2 / 3 + 0) / 2, 12);
    expect(r.metrics!['flip_rate.T']).toBeCloseTo(2 / 3, 12);
    expect(r.metrics!['flip_rate.U']).toBe(0);
    expect(r.metrics!.original_accuracy).toBeCloseTo(0.75, 12);
    const table = r.tables!.flips as { rows: unknown[][] };
    expect(table.rows[0]).toEqual(['T', 2 / 3, 0.75, 2 / 3, 1 / 3, 1 / 3, 3]);
  });

  it('nothing to compare: null score with a reason, never NaN', () => {
    expect(aggregateProbes(original).score).toBeNull();
    const r = aggregateProbes(t);
    expect(r.score).toBeNull();
    expect(r.reason).toMatch(/untransformed/);
    expect(JSON.stringify(aggregateProbes([]))).not.toMatch(/NaN/);
  });
});

describe('probe evaluation', () => {
  const info = { spec: 'd', kind: 'double', label: 'd', fingerprint: 'x' };
  const items = probeItems(base, { seed: 0 }, 'probes', keys);

  it('scalar: strict pairwise; the transform and base recorded in extra', async () => {
    const scorer: Scorer = { info, score: async (reqs) => reqs.map((r) => r.completion.length) };
    const mk = items.find((i) => i.key === 'reasoning-opener/p1')!;
    const out = await evaluateProbe(mk, scorer, { seed: 0 });
    expect(out.result).toBe(0); // the longer, transformed rejected answer wins
    expect(out.extra).toMatchObject({ base: 'p1', transform: 'reasoning-opener', side: 'rejected', detail: { opener: expect.any(String) } });
  });

  it('judge: the original and every transformed pair are shown in the same A/B order', async () => {
    // Over several seeds and both pairs; with per-item orders all six would agree only by chance (1/32).
    for (const seed of [0, 1, 2, 3, 4]) {
      for (const id of ['p1', 'p2']) {
        const orders = new Set<string>();
        const judge: Scorer = {
          info,
          judge: async (req: JudgeRequest) => {
            if (req.protocol !== 'pairwise') throw new Error('unexpected');
            orders.add(req.a === '2' || req.a === '4' ? 'chosen-first' : 'rejected-first');
            return { choice: 0, parseFailed: false };
          },
        };
        for (const item of probeItems(base, { seed }, 'probes', keys).filter((i) => (i.meta as { base: string }).base === id)) await evaluateProbe(item, judge, { seed });
        expect(orders.size).toBe(1);
      }
    }
  });

  it('gives each generated pair its own id, so a score file can key its scores', () => {
    const ids = items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('original/p1');
    expect(ids).toContain('self-assessment/p1');
  });
});
