import { describe, expect, it } from 'vitest';
import { aggregateMRewardBench, englishGapPct, summarizeMRewardBench } from '../../src/metrics/m-rewardbench.js';
import { evaluateMRewardBench, mRewardBenchItems, type MRewardBenchParams } from '../../src/suites/m-rewardbench.js';
import type { ItemRecord, JudgeRequest, Scorer } from '../../src/types.js';
import { DataError, UserError } from '../../src/errors.js';

const weights = { Chat: { a: 1, b: 3 }, Safety: { c: 1 } };

function rec(language: string, source: string | null, result: number | null): ItemRecord {
  return { suite: 'm', key: `${language}/x`, id: 'x', subset: language, language, result, ...(source ? { extra: { source } } : {}) };
}
function many(language: string, source: string, results: Array<number | null>): ItemRecord[] {
  return results.map((r) => rec(language, source, r));
}

// deu: a=[1,0] -> .5, b=[1] -> 1, c=[1,1,0,0] -> .5; Chat = (.5*1 + 1*3)/4 = .875; Safety .5; lang .6875
// jpn: a=[1], b=[0,0], c=[1]; Chat = (1*1 + 0*3)/4 = .25; Safety 1; lang .625
// eng: a=[1], b=[1], c=[1,0]; Chat 1, Safety .5; lang .75
const records: ItemRecord[] = [
  ...many('deu_Latn', 'a', [1, 0]),
  ...many('deu_Latn', 'b', [1]),
  ...many('deu_Latn', 'c', [1, 1, 0, 0]),
  rec('deu_Latn', 'a', null), // an error: left out of the mean, counted
  ...many('jpn_Jpan', 'a', [1]),
  ...many('jpn_Jpan', 'b', [0, 0]),
  ...many('jpn_Jpan', 'c', [1]),
  ...many('eng_Latn', 'a', [1]),
  ...many('eng_Latn', 'b', [1]),
  ...many('eng_Latn', 'c', [1, 0]),
];

describe('M-RewardBench metrics (hand-computed)', () => {
  it('weights subsets into categories per language and averages the languages, English excluded', () => {
    const r = aggregateMRewardBench(records, weights, ['eng_Latn']);
    expect(r.subsets.deu_Latn.score).toBeCloseTo(0.6875, 12);
    expect(r.subsets.deu_Latn.n).toBe(7);
    expect(r.subsets.deu_Latn.errors).toBe(1);
    expect(r.subsets.jpn_Jpan.score).toBeCloseTo(0.625, 12);
    expect(r.subsets.eng_Latn.score).toBeCloseTo(0.75, 12);
    expect(r.score).toBeCloseTo((0.6875 + 0.625) / 2, 12);
    expect(r.n).toBe(11); // non-English items scored
    expect(r.errors).toBe(1);
    expect(r.sections!.Chat.score).toBeCloseTo((0.875 + 0.25) / 2, 12);
    expect(r.sections!.Safety.score).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(r.metrics!.english).toBeCloseTo(0.75, 12);
    expect(r.metrics!.english_gap_pct).toBeCloseTo(((0.65625 - 0.75) / 0.75) * 100, 10); // -12.5
    expect(r.metrics!.english_gap_pct).toBeCloseTo(-12.5, 10);
    expect(r.metrics!.language_std).toBeCloseTo(0.03125, 12); // population std of .6875 and .625
    expect(r.metrics!.languages).toBe(2);
  });

  it('puts a language x category table in tables', () => {
    const t = aggregateMRewardBench(records, weights, ['eng_Latn']).tables!.language_by_category as {
      columns: string[];
      rows: unknown[][];
    };
    expect(t.columns).toEqual(['language', 'role', 'Chat', 'Safety', 'score', 'n', 'errors']);
    const deu = t.rows.find((row) => row[0] === 'deu_Latn')!;
    expect(deu[2]).toBeCloseTo(0.875, 12);
    expect(deu[3]).toBeCloseTo(0.5, 12);
    expect(deu[4]).toBeCloseTo(0.6875, 12);
    expect(t.rows.find((row) => row[0] === 'eng_Latn')![1]).toMatch(/english/);
  });

  it('English gap: null without English, with English at 0, or without a multilingual score', () => {
    expect(englishGapPct(0.6, 0.8)).toBeCloseTo(-25, 12);
    expect(englishGapPct(0.9, 0.6)).toBeCloseTo(50, 12);
    expect(englishGapPct(0.5, 0)).toBeNull();
    expect(englishGapPct(null, 0.5)).toBeNull();
    expect(englishGapPct(0.5, null)).toBeNull();
    const noEng = aggregateMRewardBench(records.filter((r) => r.language !== 'eng_Latn'), weights, ['eng_Latn']);
    expect(noEng.metrics!.english).toBeNull();
    expect(noEng.metrics!.english_gap_pct).toBeNull();
    expect(noEng.score).toBeCloseTo(0.65625, 12);
  });

  it('a single language has spread 0; only English gives a null score with a reason', () => {
    const one = summarizeMRewardBench(records.filter((r) => r.language === 'jpn_Jpan'), weights, ['eng_Latn']);
    expect(one.languageStd).toBe(0);
    const eng = aggregateMRewardBench(records.filter((r) => r.language === 'eng_Latn'), weights, ['eng_Latn']);
    expect(eng.score).toBeNull();
    expect(eng.reason).toMatch(/no non-English/);
    expect(eng.metrics!.language_std).toBeNull();
    expect(JSON.stringify(eng)).not.toMatch(/NaN/);
  });

  it('no records at all: null everywhere, never NaN', () => {
    const r = aggregateMRewardBench([], weights, ['eng_Latn']);
    expect(r.score).toBeNull();
    expect(r.sections!.Chat.score).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
  });

  it('a language whose items all failed is not computable and left out of the mean (said in the reason)', () => {
    const failed = [rec('kor_Hang', 'a', null), rec('kor_Hang', null, null)];
    const r = aggregateMRewardBench([...records, ...failed], weights, ['eng_Latn']);
    expect(r.subsets.kor_Hang).toMatchObject({ score: null, n: 0, errors: 2 });
    expect(r.score).toBeCloseTo(0.65625, 12);
    expect(r.reason).toMatch(/kor_Hang/);
  });

  it('a missing category: the language score is the mean of the categories present, with the reason', () => {
    const chatOnly = many('ita_Latn', 'a', [1, 0, 0, 0]); // Chat = .25, Safety missing
    const r = aggregateMRewardBench(chatOnly, weights, ['eng_Latn']);
    expect(r.subsets.ita_Latn.score).toBeCloseTo(0.25, 12);
    expect(r.subsets.ita_Latn.reason).toMatch(/Safety/);
    expect(r.sections!.Safety.score).toBeNull();
  });
});

const params: MRewardBenchParams = {
  weights: { Chat: { 'alpacaeval-easy': 79 }, Safety: { donotanswer: 135 } },
  languages: ['arb_Arab', 'jpn_Jpan', 'heb_Hebr'],
  english: ['eng_Latn'],
};
const row = (over: Record<string, unknown> = {}) => ({
  id: 7,
  language: 'arb_Arab',
  prompt: 'س؟',
  chosen: 'نعم',
  rejected: 'لا',
  source: 'alpacaeval-easy',
  ...over,
});

describe('M-RewardBench items', () => {
  it('keys items by language and id, subset = language, section = category, source kept', () => {
    const [item] = mRewardBenchItems([row()], { file: 'x.parquet', config: 'arb_Arab' }, { seed: 0 }, 'm-rewardbench', params);
    expect(item).toMatchObject({
      key: 'arb_Arab/7',
      id: '7',
      subset: 'arb_Arab',
      section: 'Chat',
      language: 'arb_Arab',
      completions: ['نعم', 'لا'],
      numCorrect: 1,
      meta: { source: 'alpacaeval-easy' },
    });
  });

  it('accepts the older `subset` field, and reads the language from the row or the file name', () => {
    const r = row({ source: undefined, subset: 'donotanswer', language: undefined });
    const [a] = mRewardBenchItems([r], { file: '/d/heb_Hebr.jsonl' }, { seed: 0 }, 'm', params);
    expect(a).toMatchObject({ language: 'heb_Hebr', section: 'Safety', meta: { source: 'donotanswer' } });
    const [b] = mRewardBenchItems([row({ language: 'jpn_Jpan' })], { file: '/d/test.jsonl', config: 'test' }, { seed: 0 }, 'm', params);
    expect(b.language).toBe('jpn_Jpan');
    expect(() => mRewardBenchItems([row({ language: undefined })], { file: '/d/test.jsonl' }, { seed: 0 }, 'm', params)).toThrow(DataError);
  });

  it('--languages picks the languages read and rejects unknown codes', () => {
    const rows = [row(), row({ language: 'jpn_Jpan' }), row({ language: 'eng_Latn' })];
    const items = mRewardBenchItems(rows, { file: 'f.jsonl' }, { seed: 0, languages: ['jpn_Jpan', 'eng_Latn'] }, 'm', params);
    expect(items.map((i) => i.language)).toEqual(['jpn_Jpan', 'eng_Latn']);
    expect(() => mRewardBenchItems(rows, { file: 'f.jsonl' }, { seed: 0, languages: ['xx_Yyyy'] }, 'm', params)).toThrow(UserError);
  });

  it('names file, row and field for a bad row', () => {
    expect(() => mRewardBenchItems([row(), row({ chosen: ['a'] })], { file: 'f.jsonl' }, { seed: 0 }, 'm', params)).toThrow(
      /f\.jsonl: row 2: field "chosen"/,
    );
  });
});

describe('M-RewardBench evaluation', () => {
  const [item] = mRewardBenchItems([row()], { file: 'f', config: 'arb_Arab' }, { seed: 0 }, 'm', params);
  const info = { spec: 'double', kind: 'double', label: 'double', fingerprint: 'x' };

  it('scalar: strict pairwise (a tie is wrong), the subset in extra, the language in the requests', async () => {
    const seen: Array<string | undefined> = [];
    const scorer = (a: number, b: number): Scorer => ({
      info,
      score: async (reqs) => {
        reqs.forEach((r) => seen.push(r.language));
        return [a, b];
      },
    });
    expect(await evaluateMRewardBench(item, scorer(2, 1), { seed: 0 })).toMatchObject({ result: 1, extra: { source: 'alpacaeval-easy' } });
    expect((await evaluateMRewardBench(item, scorer(1, 1), { seed: 0 })).result).toBe(0);
    expect(seen).toContain('arb_Arab');
  });

  it('judge: the pairwise request names the language; the verdict maps back to the chosen answer', async () => {
    const requests: JudgeRequest[] = [];
    const judge: Scorer = {
      info,
      judge: async (req) => {
        requests.push(req);
        if (req.protocol !== 'pairwise') throw new Error('unexpected');
        return { choice: req.a === 'نعم' ? 0 : 1, parseFailed: false };
      },
    };
    const out = await evaluateMRewardBench(item, judge, { seed: 3 });
    expect(out.result).toBe(1);
    expect(out.extra).toMatchObject({ source: 'alpacaeval-easy' });
    expect(requests[0]).toMatchObject({ protocol: 'pairwise', language: 'arb_Arab' });
  });
});
