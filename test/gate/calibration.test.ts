// Many-seed calibration of the gate on synthetic paired runs (settings in calibrate.ts): noise-only
// differences must raise at most the nominal share of alarms, on small subsets too, and a real
// regression of a few points must still be caught.
import { describe, expect, it } from 'vitest';
import { calibrate } from './calibrate.js';

const ALPHA = 0.05;

describe('false alarms at or below nominal (alpha 0.05, noise-only paired runs)', () => {
  it('fractional 1/k results, one 60-item subset and 5 × 60 with Holm: sign-flip test, 1000 seeds each', async () => {
    const single = await calibrate('single-60', 1000, {}, 199);
    const holm = await calibrate('holm-5x60', 1000, {}, 199);
    // 60 items have ~10–30 non-zero differences: mostly exact enumeration, Monte Carlo otherwise
    expect([...single.methods].sort()).toEqual(['sign-flip', 'sign-flip-exact']);
    expect(single.gateAlarms / 1000).toBeLessThanOrEqual(ALPHA);
    expect(holm.gateAlarms / 1000).toBeLessThanOrEqual(ALPHA);
    // not vacuous: alarms do happen, at a rate of a few percent
    expect(single.gateAlarms).toBeGreaterThan(10);
    expect(holm.gateAlarms).toBeGreaterThan(10);
  }, 60_000);

  it('fractional 1/k results, 5 × 200 with Holm: 200 seeds', async () => {
    const holm = await calibrate('holm-5x200', 200, {}, 199);
    expect([...holm.methods]).toEqual(['sign-flip']);
    expect(holm.gateAlarms / 200).toBeLessThanOrEqual(ALPHA);
  }, 60_000);

  it('composites through the aggregate (overall with Ties, Ties of 10 prompts) on 30-item subsets: permutation test, 250 seeds', async () => {
    // The old percentile bootstrap raised 8.1% false alarms on this Ties composite (1000 seeds).
    const c = await calibrate('composite-30', 250, {}, 199);
    expect([...c.methods]).toEqual(['permutation']);
    expect(c.ruleAlarms.get('rewardbench2/subset:Ties') ?? 0).toBeLessThanOrEqual(ALPHA * 250);
    expect(c.ruleAlarms.get('rewardbench2/overall') ?? 0).toBeLessThanOrEqual(ALPHA * 250);
    expect(c.ruleAlarms.get('rewardbench2/overall') ?? 0).toBeGreaterThan(0);
  }, 60_000);
});

describe('power on a real regression', () => {
  it('a ~7.7-point drop on one 200-item subset is caught as often as with the old bootstrap (Holm over 5)', async () => {
    const now = await calibrate('power-5x200', 80, {}, 499);
    const old = await calibrate('power-5x200', 80, { fractional: 'bootstrap', composite: 'percentile' }, 499);
    expect(now.meanEffect).toBeLessThan(-0.06);
    expect(now.meanEffect).toBeGreaterThan(-0.09);
    expect(now.gateAlarms / 80).toBeGreaterThanOrEqual(0.7);
    expect(now.gateAlarms).toBeGreaterThanOrEqual(old.gateAlarms - 4);
  }, 60_000);
});
