// The curation benchmark for `npm run perf`: n synthetic pairs with two `scores:` members, curated
// by a child process (so its peak memory is its own), figures read from the summary it writes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../paths.js';
import { writeSyntheticPairs } from './synthetic.js';

export interface CurationPerf {
  pairs: number;
  seconds: number;
  pairs_per_s: number;
  wall_s: number;
  peak_rss_mb: number;
  bands: Record<string, number>;
}

export async function perfCuration(n = 1_000_000, members = 2): Promise<CurationPerf> {
  const dir = mkdtempSync(join(tmpdir(), 'rmgauge-perf-curate-'));
  try {
    const set = await writeSyntheticPairs(dir, n, members, 0);
    const summaryFile = join(dir, 'summary.json');
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [join(projectRoot(), 'bin', 'rmgauge.js'), 'curate', '--data', set.data, '--model', `ensemble:${set.spec}`, '--out', join(dir, 'out.jsonl'), '--summary', summaryFile, '--quiet'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const [code] = await once(child, 'exit');
    if (code !== 0) throw new Error(`curate exited with ${code}: ${err}`);
    const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
    return {
      pairs: s.scored,
      seconds: s.seconds,
      pairs_per_s: s.rows_per_s,
      wall_s: (performance.now() - t0) / 1000,
      peak_rss_mb: s.peak_rss_mb,
      bands: Object.fromEntries(Object.entries(s.bands as Record<string, { count: number }>).map(([b, v]) => [b, v.count])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
