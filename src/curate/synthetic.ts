// Synthetic preference data for benchmarks (`npm run perf`): n pairs, and one score file per member
// (`scores:` members) with noisy margins, about 10% of pairs mislabeled. Written streaming.
import { join } from 'node:path';
import { rngFor } from '../util/random.js';
import { JsonlWriter } from './io.js';

export interface SyntheticSet {
  /** The preference pairs (JSONL). */
  data: string;
  /** An ensemble spec naming the score-file members (aggregate mean, no normalisation). */
  spec: string;
  scoreFiles: string[];
}

export async function writeSyntheticPairs(dir: string, n: number, members = 2, seed = 0): Promise<SyntheticSet> {
  const data = new JsonlWriter(join(dir, 'pairs.jsonl'));
  const files = Array.from({ length: members }, (_, m) => new JsonlWriter(join(dir, `member-${m}.jsonl`)));
  const rand = rngFor(seed, 'synthetic-pairs');
  for (let i = 0; i < n; i++) {
    const id = `s${i}`;
    const a = Math.floor(rand() * 100);
    const b = Math.floor(rand() * 100);
    await data.write(JSON.stringify({ id, prompt: `What is ${a} + ${b}?`, chosen: `The answer is ${a + b}.`, rejected: `The answer is ${a + b + 1}.` }));
    const truth = rand() < 0.1 ? -1 : 1; // mislabeled pairs: the members prefer "rejected"
    const strength = truth * (0.2 + 2 * rand());
    for (const f of files) {
      const noise = (rand() - 0.5) * 1.5;
      await f.write(JSON.stringify({ id, scores: [+(strength + noise).toFixed(4), 0] }));
    }
  }
  await data.close();
  await Promise.all(files.map((f) => f.close()));
  const spec = join(dir, 'ensemble.json');
  await (async () => {
    const w = new JsonlWriter(spec);
    await w.write(JSON.stringify({ name: 'synthetic', members: files.map((f, m) => ({ name: `m${m}`, model: `scores:${f.file}` })), aggregate: 'mean' }));
    await w.close();
  })();
  return { data: data.file, spec, scoreFiles: files.map((f) => f.file) };
}
