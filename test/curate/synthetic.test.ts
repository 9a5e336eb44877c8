import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { writeSyntheticPairs } from '../../src/curate/synthetic.js';
import { curatePairs } from '../../src/curate/curate.js';
import { createScorer } from '../../src/scorers/registry.js';
import { DEFAULT_ACTIONS, DEFAULT_BANDS } from '../../src/curate/strength.js';

describe('synthetic preference data (perf input)', () => {
  it('writes n pairs and one score file per member that curation reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmg-syn-'));
    const set = await writeSyntheticPairs(dir, 200, 3, 1);
    expect(readFileSync(set.data, 'utf8').trim().split('\n')).toHaveLength(200);
    expect(set.scoreFiles).toHaveLength(3);
    const scorer = await createScorer(`ensemble:${set.spec}`, { cwd: dir, seed: 0, cacheDir: dir });
    const s = await curatePairs({ data: set.data, out: join(dir, 'out.jsonl'), scorer, bands: DEFAULT_BANDS, actions: DEFAULT_ACTIONS, format: 'auto', batchSize: 64, smoothingTemperature: 1, log: () => {} });
    expect(s).toMatchObject({ rows: 200, scored: 200, written: 200, malformed: 0, failed: 0 });
    expect((s.bands as Record<string, { count: number }>).mislabeled.count).toBe(40);
    // About 10% of pairs are mislabeled by construction: all of them land in the lowest band.
    const rows = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const negative = rows.filter((r) => r.margin < 0);
    expect(negative.length).toBeGreaterThan(5);
    expect(negative.every((r) => r.band === 'mislabeled')).toBe(true);
  });
});
