// The GPU-machine check (run by perf/device-check.sh, bundled to one .mjs): for each execution
// provider, (1) parity against the torch fp32 logits in the model's golden.json, (2) throughput of
// the rmgauge scorer end to end (a) against session.run alone on the same batches (b).
// Arguments: <model dir> <completions> <devices, comma separated: cpu,cuda,webgpu>.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOnnxScorer } from '../../src/scorers/onnx/index.js';
import { deviceHint, providerAvailable, type Device } from '../../src/scorers/onnx/session.js';
import { fmt, measureAB, openBench, workloadFor } from '../onnx-ab.js';
import { quantiles } from '../onnx-workload.js';

const [dir, nArg, devArg] = process.argv.slice(2);
const n = Number(nArg ?? 400);
const devices = (devArg ?? 'cpu,cuda,webgpu').split(',') as Device[];

async function parity(device: Device): Promise<string> {
  const g = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as {
    cases: Array<{ messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>; input_ids: number[]; logit: number }>;
  };
  const s = await createOnnxScorer(dir, `onnx:${dir}`, { cwd: process.cwd(), seed: 1, cacheDir: '/tmp/rmgauge-dev-cache', noCache: true, device });
  const reqs = g.cases.map((c) => ({ prompt: c.messages.slice(0, -1), completion: c.messages[c.messages.length - 1].content }));
  const single: number[] = [];
  for (const r of reqs) single.push((await s.score!([r]))[0]);
  const batched = await s.score!(reqs);
  await s.close!();
  const d1 = Math.max(...single.map((v, i) => Math.abs(v - g.cases[i].logit)));
  const d2 = Math.max(...batched.map((v, i) => Math.abs(v - g.cases[i].logit)));
  return `parity vs torch fp32: max |diff| single ${d1.toExponential(2)}, batched ${d2.toExponential(2)}`;
}

async function main(): Promise<void> {
  console.log(`model ${dir}, ${n} completions, devices ${devices.join(', ')}`);
  for (const device of devices) {
    console.log(`\n== ${device}`);
    if (!providerAvailable(device)) {
      console.log(`not available: ${deviceHint(device)}`);
      continue;
    }
    try {
      const t0 = performance.now();
      console.log(await parity(device));
      console.log(`load + parity ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const bench = await openBench(dir, device);
      const items = workloadFor(bench, n);
      const r = await measureAB(bench, items, 1);
      const q = quantiles(r.batches.flat().map((x) => x.ids.length));
      console.log(
        `${r.a.completions} completions, ${r.a.tokens} tokens (median ${q.median}, max ${q.max}); ${r.details.threads} threads; max-batch-tokens ${r.details.maxBatchTokens}; ${r.batches.length} batches`,
      );
      console.log(`(a) rmgauge end to end              ${fmt(r.a)}`);
      console.log(`(b) session.run alone, same batches ${fmt(r.b)}`);
      // What a one-input-per-call peer (the transformers.js pipeline's default) gets from the
      // same provider: rmgauge forced to batches of one sequence.
      const one = await measureAB(await openBench(dir, device, undefined, 1), items, 1);
      console.log(`(1) one sequence per run           ${fmt(one.a)}`);
      console.log(`a/b time ${(r.a.seconds / r.b.seconds).toFixed(3)}; batched vs one per run ${(one.a.seconds / r.a.seconds).toFixed(2)}x faster`);
    } catch (err) {
      console.log(`FAILED: ${(err as Error).message.split('\n')[0]}`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
