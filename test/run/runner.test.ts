import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { runModel } from '../../src/run/runner.js';
import type { Scorer } from '../../src/types.js';

describe('runModel', () => {
  it('stops on a UserError after the items in flight are written, leaving items.jsonl intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmg-runner-'));
    const data = join(dir, 'items.jsonl');
    writeFileSync(
      data,
      Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `i${i}`, prompt: 'p', chosen: ['a'], rejected: ['b', 'c', 'd'], subset: 'Math' })).join('\n'),
    );
    let calls = 0;
    const scorer: Scorer = {
      info: { spec: 'test:x', kind: 'test', label: 'x', fingerprint: 'x' },
      async score(requests) {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        if (calls === 10) throw new UserError('the endpoint refused our credentials');
        return requests.map((_, i) => (i === 0 ? 1 : 0));
      },
    };
    const runDir = join(dir, 'run');
    await expect(
      runModel({
        runDir,
        config: { suites: ['rewardbench2'], model: 'test:x', data, limit: null, seed: 0, concurrency: 4, options: {} },
        scorerOptions: { cwd: dir, seed: 0, cacheDir: dir },
        suiteOptions: { seed: 0 },
        scorer,
        progress: false,
      }),
    ).rejects.toThrow(/refused our credentials/);
    const lines = readFileSync(join(runDir, 'items.jsonl'), 'utf8').split('\n').filter(Boolean);
    // every line is a whole record of an item scored before or alongside the failing call
    for (const l of lines) expect(JSON.parse(l).result).toBe(1);
    expect(lines.length).toBeGreaterThanOrEqual(9 - 3);
    expect(lines.length).toBeLessThan(50);
    expect(calls).toBeLessThan(15);
  });
});
