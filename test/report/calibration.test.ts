import { describe, expect, it } from 'vitest';
import { calibrate, crossFittedCalibration, fitTemperature, histogram, marginsOf, nllAt, sigmoid } from '../../src/metrics/calibration.js';
import type { ItemRecord } from '../../src/types.js';

const r = (scores: number[] | undefined, numCorrect: number | undefined): ItemRecord => ({
  suite: 's',
  key: 'k',
  id: 'k',
  subset: 'x',
  result: 1,
  scores,
  numCorrect,
});

describe('marginsOf', () => {
  it('pair: chosen − rejected', () => expect(marginsOf(r([2, 0.5], 1))).toEqual([1.5]));
  it('best-of-4: chosen − best rejected', () => expect(marginsOf(r([1, 3, 0, 2], 1))).toEqual([-2]));
  it('several correct: every correct × incorrect pair', () => expect(marginsOf(r([3, 2, 1, 0], 2))).toEqual([2, 3, 1, 2]));
  it('nothing usable: no margins', () => {
    expect(marginsOf(r(undefined, 1))).toEqual([]);
    expect(marginsOf(r([1, 2], undefined))).toEqual([]);
    expect(marginsOf(r([1, NaN], 1))).toEqual([]);
    expect(marginsOf(r([1, 2], 2))).toEqual([]);
  });
});

describe('calibrate', () => {
  it('a zero margin is a coin flip: confidence 0.5, half right, ECE 0, Brier 0.25', () => {
    const c = calibrate([0]);
    expect(c.ece).toBe(0);
    expect(c.brier).toBe(0.25);
    expect(c.accuracy).toBe(0.5);
    expect(c.bins[0]).toMatchObject({ n: 1, confidence: 0.5, accuracy: 0.5 });
  });

  it('by hand: margins ±ln 3 give p = 0.75 / 0.25', () => {
    // Both have confidence 0.75 (bin 5 of 10 over [0.5, 1]); one right, one wrong: accuracy 0.5.
    // ECE = |0.5 − 0.75| = 0.25. Brier = ((1 − 0.75)² + (1 − 0.25)²) / 2 = (0.0625 + 0.5625) / 2.
    const c = calibrate([Math.log(3), -Math.log(3)]);
    expect(c.bins[5].n).toBe(2);
    expect(c.bins[5].lo).toBeCloseTo(0.75, 12);
    expect(c.bins[5].confidence).toBeCloseTo(0.75, 12);
    expect(c.bins[5].accuracy).toBe(0.5);
    expect(c.ece).toBeCloseTo(0.25, 12);
    expect(c.brier).toBeCloseTo(0.3125, 12);
    expect(c.nll).toBeCloseTo((-Math.log(0.75) - Math.log(0.25)) / 2, 12);
  });

  it('by hand: two bins', () => {
    // m = 0.2: p = σ(0.2) ≈ 0.5498 (bin 0), right. m = 5: p ≈ 0.99331 (bin 9), right.
    const p1 = sigmoid(0.2);
    const p2 = sigmoid(5);
    const c = calibrate([0.2, 5]);
    expect(c.bins[0].n).toBe(1);
    expect(c.bins[9].n).toBe(1);
    expect(c.ece).toBeCloseTo(0.5 * (1 - p1) + 0.5 * (1 - p2), 12);
    expect(c.brier).toBeCloseTo(((1 - p1) ** 2 + (1 - p2) ** 2) / 2, 12);
    expect(c.accuracy).toBe(1);
  });

  it('temperature scales the margins', () => {
    expect(calibrate([2], { temperature: 2 }).brier).toBeCloseTo((1 - sigmoid(1)) ** 2, 12);
  });
});

describe('fitTemperature', () => {
  it('3 of 4 right at margin ln 3 is already calibrated: T = 1', () => {
    const m = [Math.log(3), Math.log(3), Math.log(3), -Math.log(3)];
    expect(fitTemperature(m)).toBeCloseTo(1, 4);
    // Doubling the margins doubles the temperature.
    expect(fitTemperature(m.map((x) => 2 * x))).toBeCloseTo(2, 3);
    expect(nllAt(m, 1)).toBeLessThan(nllAt(m, 1.2));
  });

  it('cross-fitted calibration uses temperatures fitted on the other half', () => {
    // Even and odd halves are each 3 right : 1 wrong.
    const L = Math.log(3);
    const m = [L, L, L, L, L, L, -L, -L].map((x) => 4 * x);
    const c = crossFittedCalibration(m);
    expect(c.temperature).toBeCloseTo(4, 2);
    // After scaling by T = 4 the margins are ±ln 3 again: confidence 0.75 with accuracy 0.75.
    expect(c.ece).toBeCloseTo(0, 3);
  });
});

describe('histogram', () => {
  it('equal bins with the ends clamped', () => {
    const h = histogram([-5, -1, -0.5, 0, 0.4, 1, 9], -1, 1, 4);
    expect(h.edges).toEqual([-1, -0.5, 0, 0.5, 1]);
    // [-1,-0.5): -5 (clamped), -1; [-0.5,0): -0.5; [0,0.5): 0, 0.4; [0.5,1]: 1, 9 (clamped)
    expect(h.counts).toEqual([2, 1, 2, 2]);
  });
});
