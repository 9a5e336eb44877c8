import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runEnsembleWithMembers } from '../../src/ensemble/bench.js';
import { runModel } from '../../src/run/runner.js';
import { ITEMS_FILE, readItemRecords } from '../../src/run/run-files.js';

describe('ensemble and members side by side in bench', () => {
  it('runs the ensemble and each member on RewardBench 2 samples and writes side-by-side.json', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rmg-ens-bench-'));
    const spec = join(d, 'duo.yaml');
    writeFileSync(spec, 'members:\n  - {name: len, model: "baseline:length"}\n  - {name: rnd, model: "baseline:random"}\naggregate: mean\n');
    const scorerOptions = { cwd: d, seed: 3, cacheDir: join(d, 'cache') };
    const config = { suites: ['rewardbench2'], model: `ensemble:${spec}`, data: null, limit: null, seed: 3, concurrency: 4, options: {} };
    const runs = await runEnsembleWithMembers({ runDir: join(d, 'out', 'duo'), config, sample: true, scorerOptions, suiteOptions: { seed: 3 }, progress: false });
    expect(runs.map((r) => r.dir)).toEqual([join(d, 'out', 'duo'), join(d, 'out', 'duo.len'), join(d, 'out', 'duo.rnd')]);
    expect(runs.map((r) => r.run.model.spec)).toEqual([`ensemble:${spec}`, `ensemble:${spec}#len`, `ensemble:${spec}#rnd`]);

    // A member run gives exactly what running that scorer alone gives.
    const alone = await runModel({ runDir: join(d, 'alone'), config: { ...config, model: 'baseline:length' }, sample: true, scorerOptions, suiteOptions: { seed: 3 }, progress: false });
    expect(runs[1].run.results.rewardbench2.score).toBe(alone.results.rewardbench2.score);
    const byKey = (dir: string) => new Map(readItemRecords(join(dir, ITEMS_FILE)).map((r) => [r.key, r]));
    const len = byKey(runs[1].dir);
    const rnd = byKey(runs[2].dir);
    const ens = byKey(runs[0].dir);
    for (const [k, r] of byKey(join(d, 'alone'))) expect(len.get(k)!.scores).toEqual(r.scores);

    const sbs = JSON.parse(readFileSync(join(runs[0].dir, 'side-by-side.json'), 'utf8'));
    expect(sbs.members).toEqual(['len', 'rnd']);
    const t = sbs.suites.rewardbench2;
    const keys = [...ens.keys()].filter((k) => ens.get(k)!.result !== null && len.get(k)?.result != null && rnd.get(k)?.result != null);
    expect(t.items).toBe(keys.length);
    expect(t.all_members_wrong).toBe(keys.filter((k) => len.get(k)!.result === 0 && rnd.get(k)!.result === 0).length);
    expect(t.all_wrong_items.map((i: { key: string }) => i.key).sort()).toEqual(keys.filter((k) => len.get(k)!.result === 0 && rnd.get(k)!.result === 0).sort());
    // The ensemble's score for an item is the mean of its members' (no normalisation).
    const k0 = keys[0];
    expect(ens.get(k0)!.scores).toEqual(len.get(k0)!.scores!.map((s, i) => (s + rnd.get(k0)!.scores![i]) / 2));
  }, 60_000);
});
