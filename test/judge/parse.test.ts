import { describe, expect, it } from 'vitest';
import { parseChoice, parseRating, parseYesNo } from '../../src/scorers/judge/parse.js';
import { choiceProbability, compactLogprobs, yesProbability } from '../../src/scorers/judge/logprobs.js';

describe('parseChoice', () => {
  it('reads one verdict label', () => {
    expect(parseChoice('B is clearer.\n[[B]]', 2, true)).toMatchObject({ choice: 1, tie: false });
    expect(parseChoice('[[ a ]]', 2, true).choice).toBe(0);
    expect(parseChoice('Final: [[D]]', 4, false).choice).toBe(3);
  });
  it('accepts the same label repeated, refuses two different labels', () => {
    expect(parseChoice('[[A]] ... so again [[A]]', 2, true).choice).toBe(0);
    expect(parseChoice('Format is [[A]] or [[B]]. I pick [[A]]', 2, true)).toEqual({ choice: null, tie: false });
  });
  it('ignores letters beyond the number of answers', () => {
    expect(parseChoice('[[E]]', 4, false)).toEqual({ choice: null, tie: false });
    expect(parseChoice('[[E]] no wait [[C]]', 4, false).choice).toBe(2);
  });
  it('reads ties in pairwise only', () => {
    expect(parseChoice('[[C]]', 2, true)).toEqual({ choice: null, tie: true });
    expect(parseChoice('[[A=B]]', 2, true)).toEqual({ choice: null, tie: true });
    expect(parseChoice('[[tie]]', 2, true)).toEqual({ choice: null, tie: true });
    expect(parseChoice('[[C]]', 4, false)).toMatchObject({ choice: 2, tie: false });
    expect(parseChoice('[[A=B]]', 4, false)).toEqual({ choice: null, tie: false });
  });
  it('is unparseable without a label', () => {
    expect(parseChoice('A is better', 2, true)).toEqual({ choice: null, tie: false });
    expect(parseChoice('', 4, false)).toEqual({ choice: null, tie: false });
  });
  it('gives the offset of the accepted letter', () => {
    expect(parseChoice('xx [[B]]', 2, true).offset).toBe(5);
  });
});

describe('parseRating', () => {
  it('takes the final integer of the reply', () => {
    expect(parseRating('Points 3 and 4 are fine.\nRating: 7').rating).toBe(7);
    expect(parseRating('Rating: [[10]]').rating).toBe(10);
    expect(parseRating('I give it 8/10.').rating).toBe(8);
    expect(parseRating('8 out of 10').rating).toBe(8);
  });
  it('refuses a final integer outside 1-10, decimals, and replies without a number', () => {
    expect(parseRating('Rating: 0').rating).toBeNull();
    expect(parseRating('Rating: 11').rating).toBeNull();
    expect(parseRating('Rating: 7.5').rating).toBeNull();
    expect(parseRating('Rating: 85').rating).toBeNull();
    expect(parseRating('no idea').rating).toBeNull();
  });
});

describe('parseYesNo', () => {
  it('reads a bare yes/no in any case', () => {
    expect(parseYesNo('YES').yes).toBe(true);
    expect(parseYesNo(' no. ').yes).toBe(false);
    expect(parseYesNo('**Yes**').yes).toBe(true);
  });
  it('takes the last upper-case YES/NO of a longer reply', () => {
    expect(parseYesNo('There is no final answer given, so: NO').yes).toBe(false);
    expect(parseYesNo('NO wait, it matches. YES').yes).toBe(true);
  });
  it('is unparseable otherwise', () => {
    expect(parseYesNo('maybe').yes).toBeNull();
    expect(parseYesNo('there is no answer').yes).toBeNull();
  });
});

describe('logprobs', () => {
  const lp = (tokens: Array<[string, Array<[string, number]>]>) => ({
    content: tokens.map(([token, top]) => ({
      token,
      logprob: top.find(([t]) => t === token)?.[1] ?? 0,
      top_logprobs: top.map(([t, l]) => ({ token: t, logprob: l })),
    })),
  });
  it('gives P(chosen letter) normalised over the letters, at the verdict token', () => {
    const reply = 'A is fine. [[B]]';
    const tokens = compactLogprobs(
      lp([
        ['A', [['A', 0]]],
        [' is fine. ', []],
        ['[[', []],
        ['B', [['B', Math.log(0.6)], ['A', Math.log(0.2)], ['The', Math.log(0.2)]]],
        [']]', []],
      ]),
    );
    const p = parseChoice(reply, 2, true);
    expect(p.choice).toBe(1);
    // 0.6 / (0.6 + 0.2); the "A" token of the prose is not the verdict
    expect(choiceProbability(tokens, 1, 2, p.offset)).toBeCloseTo(0.75, 12);
  });
  it('gives P(YES) normalised over YES and NO, also when the answer is NO', () => {
    const tokens = compactLogprobs(lp([['NO', [['NO', Math.log(0.7)], ['YES', Math.log(0.2)], ['No', Math.log(0.1)]]]]));
    expect(yesProbability(tokens, false, 0)).toBeCloseTo(0.2, 12);
  });
  it('returns null without logprobs', () => {
    expect(compactLogprobs(undefined)).toBeUndefined();
    expect(yesProbability(undefined, true)).toBeNull();
    expect(choiceProbability([], 0, 2)).toBeNull();
  });
});
