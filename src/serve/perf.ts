// The reward-server benchmark for `npm run perf`: `rmgauge serve` in a child process, `clients`
// concurrent clients in this process on loopback for a bounded time; every answer is checked
// against the same query scored alone before the load.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { projectRoot } from '../paths.js';
import { runLoad, type LoadResult } from './load.js';

export interface ServePerf extends LoadResult {
  model: string;
  clients: number;
  batch: number;
  model_calls: number | null;
}

export async function perfServe(opts: { model?: string; clients?: number; seconds?: number; batch?: number; maxRequests?: number } = {}): Promise<ServePerf> {
  const model = opts.model ?? `onnx:${join(projectRoot(), 'test', 'fixtures', 'models', 'tiny-llama-rm')}`;
  const clients = opts.clients ?? 64;
  const batch = opts.batch ?? 4;
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'rmgauge.js'), 'serve', '--model', model, '--port', '0', '--no-cache'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 60_000);
      child.stderr.on('data', () => {
        const m = /at (http:\/\/[^\s;]+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
    });
    const texts = Array.from(
      { length: 32 },
      (_, i) => `<|im_start|>user\nWhat is ${i} + ${i % 7}?<|im_end|>\n<|im_start|>assistant\nThe answer is ${i + (i % 7)}.${' more'.repeat(i % 5)}<|im_end|>\n`,
    );
    const expected: number[] = [];
    for (const t of texts) {
      const r = await fetch(`${url}/get_reward`, { method: 'POST', body: JSON.stringify({ query: [t] }) });
      expected.push(((await r.json()) as { rewards: number[] }).rewards[0]);
    }
    const pick = (r: number, q: number) => (r * 7 + q * 3) % texts.length;
    const res = await runLoad({
      url,
      clients,
      batch,
      seconds: opts.seconds ?? 10,
      maxRequests: opts.maxRequests ?? 50_000,
      query: (r, q) => texts[pick(r, q)],
      expected: (r, q) => expected[pick(r, q)],
      tolerance: 1e-5,
    });
    const health = (await (await fetch(`${url}/health`)).json()) as { stats?: { model_calls?: number } };
    return { ...res, model, clients, batch, model_calls: health.stats?.model_calls ?? null };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}
