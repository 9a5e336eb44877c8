// A run killed with SIGKILL and continued with --resume recomputes nothing, loses and duplicates
// nothing, and ends with the numbers of an uninterrupted run.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('resume after SIGKILL', () => {
  it('continues where it stopped and matches an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmg-resume-'));
    const data = join(dir, 'items.jsonl');
    const subsets = ['Math', 'Focus', 'Safety', 'Factuality'];
    writeFileSync(
      data,
      Array.from({ length: 40000 }, (_, i) =>
        JSON.stringify({ id: `i${i}`, prompt: 'What is 2+2?', chosen: ['4'], rejected: ['5', 'six', '3'], subset: subsets[i % 4] }),
      ).join('\n') + '\n',
    );
    const args = ['bench', '--suite', 'rewardbench2', '--data', data, '--model', 'baseline:random', '--seed', '5', '--quiet', '--no-report', '--concurrency', '1'];

    const killedOut = join(dir, 'killed');
    const child = spawnCli([...args, '--out', killedOut]);
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    let itemsFile = '';
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      const batches = existsSync(killedOut) ? readdirSync(killedOut) : [];
      if (batches.length) itemsFile = join(killedOut, batches[0], 'baseline-random', 'items.jsonl');
      if (itemsFile && lines(itemsFile).length >= 1500) break;
    }
    child.kill('SIGKILL');
    await exited;
    const written = lines(itemsFile).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(40000);
    const runDir = join(itemsFile, '..');
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).status).toBe('running');

    const resumed = runCli(['bench', '--resume', runDir, '--json', '--quiet', '--no-report']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const after = lines(itemsFile).map((l) => JSON.parse(l) as { key: string; scores: number[] });
    expect(after).toHaveLength(40000);
    expect(new Set(after.map((r) => r.key)).size).toBe(40000);

    const fresh = runCli([...args, '--out', join(dir, 'fresh'), '--json']);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual(JSON.parse(fresh.stdout));
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(run.status).toBe('complete');
  });
});
