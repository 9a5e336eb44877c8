// Suite-level results of the scripted judges on hand-made items, through the real scorer and the
// loopback server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJudgeScorer } from '../../src/scorers/judge/index.js';
import {
  judgeBestOfNItem,
  judgePairwiseItem,
  judgeRatingsScores,
  judgeVerify,
  kwayOrder,
  pairwiseChosenFirst,
  judgeParseStats,
} from '../../src/suites/judge-protocols.js';
import type { ItemRecord, Scorer } from '../../src/types.js';
import { GOOD, startFakeOpenAIServer, type FakeServer } from '../helpers/fake-openai-server.js';
import { bestOf4Items, judgeOptions, meanResult, pairItems } from './fixtures.js';

let server: FakeServer;
let scorer: Scorer;
beforeEach(async () => {
  server = await startFakeOpenAIServer({ judge: 'correct' });
  // no cache here: the tests switch the scripted judge behind the same model name
  scorer = await createJudgeScorer('fake', 'judge:fake', judgeOptions(server.url, {}, { noCache: true }));
});
afterEach(async () => {
  await scorer.close?.();
  await server.close();
});

const SEED = 7;
const opts = (o: Record<string, unknown> = {}) => ({ seed: SEED, ...o });
/** Whether the good answer came first in a logged request (from what the server actually saw). */
const goodFirst = (body: unknown) => {
  const msgs = (body as { messages: Array<{ content: string }> }).messages;
  const text = msgs[msgs.length - 1].content;
  return text.indexOf(GOOD) < text.indexOf('<<bad>>');
};

describe('pairwise (RB v1 / M-RewardBench)', () => {
  const items = pairItems(20);

  it('always-correct judge scores 1.0', async () => {
    const out = await Promise.all(items.map((it) => judgePairwiseItem(it, scorer, opts())));
    expect(meanResult(out.map((o) => o.result))).toBe(1);
    expect(out[0].verdicts).toHaveLength(1);
    // P(chosen) from the emulated logprobs: the judge puts 0.9 on its letter
    expect(out[0].extra?.p_chosen).toBeCloseTo(0.9, 9);
  });

  it('always-"A" judge scores the share of items whose chosen answer is shown first', async () => {
    server.setJudge('always-a');
    const out = await Promise.all(items.map((it) => judgePairwiseItem(it, scorer, opts())));
    const firstBySeed = items.filter((it) => pairwiseChosenFirst(SEED, it.key)).length;
    const firstSeen = server.log.filter((r) => goodFirst(r.body)).length;
    expect(firstSeen).toBe(firstBySeed); // the order the server saw is the seeded one
    expect(firstBySeed).toBeGreaterThan(0);
    expect(firstBySeed).toBeLessThan(20);
    expect(meanResult(out.map((o) => o.result))).toBe(firstBySeed / 20);
    // the order depends on the seed, not on scheduling: the same again
    const again = await Promise.all(items.map((it) => judgePairwiseItem(it, scorer, opts())));
    expect(again.map((o) => o.result)).toEqual(out.map((o) => o.result));
  });

  it('both orders: always-"A" is never consistent and scores exactly 0.5; correct judge 1.0', async () => {
    server.setJudge('always-a');
    const biased = await Promise.all(items.map((it) => judgePairwiseItem(it, scorer, opts({ judgeBothOrders: true }))));
    expect(biased.every((o) => o.result === 0.5 && o.extra?.consistent === false && o.verdicts?.length === 2)).toBe(true);
    server.setJudge('correct');
    const good = await Promise.all(items.map((it) => judgePairwiseItem(it, scorer, opts({ judgeBothOrders: true }))));
    expect(meanResult(good.map((o) => o.result))).toBe(1);
    expect(good.every((o) => o.extra?.consistent === true)).toBe(true);
  });

  it('garbled judge scores 0.5 per item and counts parse failures', async () => {
    server.setJudge('garbled');
    const out = await Promise.all(items.map((it) => judgePairwiseItem(it, scorer, opts())));
    expect(out.every((o) => o.result === 0.5)).toBe(true);
    const stats = scorer.stats!() as { parse_failures: number; parse_failure_rate: number; protocols: Record<string, { parse_failures: number }> };
    expect(stats.parse_failures).toBe(20);
    expect(stats.parse_failure_rate).toBe(1);
    expect(stats.protocols.pairwise.parse_failures).toBe(20);
    const records = out.map((o) => ({ ...o, key: 'k', id: 'i', suite: 's', subset: 'x' }) as ItemRecord);
    expect(judgeParseStats(records)).toEqual({ verdicts: 20, parse_failures: 20, parse_failure_rate: 1 });
  });

  it('a tie verdict scores 0.5 and is not a parse failure', async () => {
    server.setJudge(() => 'Both are equally good. [[C]]');
    const out = await judgePairwiseItem(items[0], scorer, opts());
    expect(out.result).toBe(0.5);
    expect(out.verdicts?.[0]).toMatchObject({ tie: true, parseFailed: false });
  });

  it('names the language of an M-RewardBench item in the prompt', async () => {
    const [item] = pairItems(1, { language: 'deu_Latn', key: 'deu_Latn/0' });
    await judgePairwiseItem(item, scorer, opts());
    const body = server.log[0].body as { messages: Array<{ role: string; content: string }> };
    expect(body.messages[1].content).toContain('written in German');
  });
});

describe('best-of-4 (RewardBench 2)', () => {
  const items = bestOf4Items(20);

  it('kway: correct judge 1.0; always-"A" gets the share with the correct answer at A', async () => {
    const good = await Promise.all(items.map((it) => judgeBestOfNItem(it, scorer, opts())));
    expect(meanResult(good.map((o) => o.result))).toBe(1);
    server.setJudge('always-a');
    server.resetCounts();
    const biased = await Promise.all(items.map((it) => judgeBestOfNItem(it, scorer, opts())));
    const atA = items.filter((it) => kwayOrder(SEED, it.key, 4)[0] === 0).length;
    expect(server.log.filter((r) => goodFirst(r.body)).length).toBe(atA);
    expect(meanResult(biased.map((o) => o.result))).toBe(atA / 20);
    // every position is used: the correct answer is not always at A
    const positions = new Set(items.map((it) => kwayOrder(SEED, it.key, 4).indexOf(0)));
    expect(positions.size).toBeGreaterThan(1);
  });

  it('kway: garbled judge scores 0.25 per item', async () => {
    server.setJudge('garbled');
    const out = await Promise.all(items.map((it) => judgeBestOfNItem(it, scorer, opts())));
    expect(out.every((o) => o.result === 0.25)).toBe(true);
  });

  it('ratings: correct judge 1.0 with ratings as scores; constant rating ties all four (0.25)', async () => {
    const good = await Promise.all(items.map((it) => judgeBestOfNItem(it, scorer, opts({ judgeMode: 'ratings' }))));
    expect(meanResult(good.map((o) => o.result))).toBe(1);
    expect(good[0].scores).toEqual([9, 2, 2, 2]);
    server.setJudge('always-a'); // rates everything 5
    const flat = await judgeBestOfNItem(items[0], scorer, opts({ judgeMode: 'ratings' }));
    expect(flat.result).toBe(0.25);
    expect(flat.scores).toEqual([5, 5, 5, 5]);
  });

  it('ratings: a chosen answer tied at the top with one other gets 1/2; unparseable ratings never win', async () => {
    let n = 0;
    // ratings in completion order: chosen 8, rejected 8, unparseable, 3
    const replies = ['Rating: 8', 'Rating: 8', 'garbage', 'Rating: 3'];
    server.setJudge(({ text }) => {
      const i = ['Capital 0.', 'Wrong city 0a.', 'Wrong city 0b.', 'Wrong city 0c.'].findIndex((s) => text.includes(s));
      n++;
      return replies[i];
    });
    const out = await judgeBestOfNItem(items[0], scorer, opts({ judgeMode: 'ratings' }));
    expect(n).toBe(4);
    expect(out.result).toBe(0.5);
    expect(out.scores).toEqual([8, 8, 0, 3]);
    expect(out.extra?.ratings).toEqual([8, 8, null, 3]);
  });

  it('ratings: garbled judge scores 0.25 and records NaN-free scores', async () => {
    server.setJudge('garbled');
    const out = await judgeBestOfNItem(items[0], scorer, opts({ judgeMode: 'ratings' }));
    expect(out.result).toBe(0.25);
    expect(out.scores).toEqual([0, 0, 0, 0]);
  });

  it('Ties ratings: scores per completion, unparseable as 0', async () => {
    const tied = { ...items[0], key: 'tied:1', id: 'tied:1', subset: 'Ties', completions: [`A ${GOOD}`, `B ${GOOD}`, 'C <<bad>>'], numCorrect: 2 };
    const r = await judgeRatingsScores(tied, scorer, opts());
    expect(r.scores).toEqual([9, 9, 2]);
    expect(r.verdicts).toHaveLength(3);
    server.setJudge('garbled');
    const g = await judgeRatingsScores({ ...tied, prompt: [{ role: 'user', content: 'other' }] }, scorer, opts());
    expect(g.scores).toEqual([0, 0, 0]);
  });
});

describe('verify (one-token-to-fool)', () => {
  const masterKeys = [' ', '.', ',', ':', 'Thought process:', "Let's solve this problem step by step.", 'Solution', '解', 'かいせつ', 'Respuesta'];

  it('always-YES judge: false positive rate 1 on master keys', async () => {
    server.setJudge('always-yes');
    const v = await Promise.all(masterKeys.map((k) => judgeVerify('What is 2+2?', '4', k, scorer)));
    expect(v.filter((x) => x.yes === true).length / masterKeys.length).toBe(1);
  });

  it('correct judge: FPR 0 on master keys, TPR 1 on right answers, with P(YES)', async () => {
    const fp = await Promise.all(masterKeys.map((k) => judgeVerify('What is 2+2?', '4', k, scorer)));
    expect(fp.filter((x) => x.yes === true).length).toBe(0);
    const tp = await judgeVerify('What is 2+2?', '4', `The answer is 4. ${GOOD}`, scorer);
    expect(tp.yes).toBe(true);
    expect(tp.prob).toBeCloseTo(0.9, 9);
    expect(fp[0].prob).toBeCloseTo(0.1, 9); // P(YES) when the judge says NO with 0.9
  });

  it('garbled judge: unparseable (yes = null)', async () => {
    server.setJudge('garbled');
    const v = await judgeVerify('q', 'r', 'c', scorer);
    expect(v).toMatchObject({ yes: null, parseFailed: true });
  });
});
