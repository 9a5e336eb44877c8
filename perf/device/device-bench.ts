// The GPU-machine check (run by perf/device-check.sh, bundled to one .mjs): for each execution
// provider, (1) parity against the torch fp32 logits in the model's golden.json, (2) throughput of
// the rmgauge scorer end to end (a) against session.run alone on the same batches (b), against
// rmgauge with a single session (a1, when the default runs several), and against the
// transformers.js text-classification pipeline at its defaults on the same provider (c1).
// Arguments: <model dir> <completions> <devices, comma separated: cpu,cuda,webgpu>.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOnnxScorer } from '../../src/scorers/onnx/index.js';
import { deviceHint, providerAvailable, type Device } from '../../src/scorers/onnx/session.js';
import { lastUserTurn, type ConversationEncoder } from '../../src/scorers/onnx/encode.js';
import { fmt, measureInterleaved, openBench, workloadFor } from '../onnx-ab.js';
import { openPeer } from '../onnx-peer.js';
import { quantiles, type WorkloadItem } from '../onnx-workload.js';
import { computeLines, decoderFlops, measureGemmCeiling } from '../gemm-ceiling.js';

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

/** The transformers.js text-classification pipeline at its defaults (one text per call), in seconds. */
async function pipelineSeconds(device: Device, items: WorkloadItem[], pairMode: boolean, encoder: ConversationEncoder): Promise<number | string> {
  try {
    const texts = items.flatMap((it) =>
      it.completions.map((c) => (pairMode ? { text: lastUserTurn(it.prompt), pair: c } : { text: encoder.render(it.prompt, c), pair: undefined })),
    );
    const peer = await openPeer(dir, device);
    await peer.one(texts[0].text, texts[0].pair);
    const t = performance.now();
    for (const x of texts) await peer.one(x.text, x.pair);
    return (performance.now() - t) / 1000;
  } catch (err) {
    return `failed: ${(err as Error).message.split('\n')[0]}`;
  }
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
      const r = await measureInterleaved(bench, items, 1, []);
      const q = quantiles(r.batches.flat().map((x) => x.ids.length));
      console.log(
        `${r.a.completions} completions, ${r.a.tokens} tokens (median ${q.median}, max ${q.max}); ` +
          `${r.details.sessions} sessions of ${r.details.threads} threads; max-batch-tokens ${r.details.maxBatchTokens}; ${r.batches.length} batches`,
      );
      console.log(`(a)  rmgauge end to end (defaults)         ${fmt(r.a)}`);
      console.log(`(b)  session.run alone, same batches       ${fmt(r.b)}`);
      let one = r;
      if (r.details.sessions !== 1) {
        one = await measureInterleaved(await openBench(dir, device, undefined, undefined, 1), items, 1, []);
        console.log(`(a1) rmgauge, 1 session of ${String(one.details.threads).padEnd(2)} threads      ${fmt(one.a)}`);
      }
      const c1 = await pipelineSeconds(device, items, bench.pairMode, bench.encoder);
      if (typeof c1 === 'string') console.log(`(c1) transformers.js pipeline: ${c1}`);
      else console.log(`(c1) transformers.js pipeline, 1/call     ${fmt({ ...r.a, seconds: c1 })}`);
      console.log(
        `a/b time ${(r.a.seconds / r.b.seconds).toFixed(3)}` +
          (one !== r ? `; a vs a1 ${(one.a.seconds / r.a.seconds).toFixed(2)}x faster` : '') +
          (typeof c1 === 'number' ? `; a vs c1 ${(c1 / r.a.seconds).toFixed(2)}x faster` : ''),
      );
      // On CPU: the useful fp32 rate against the machine's GEMM ceiling in the same session layout.
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      if (device === 'cpu' && decoderFlops(config, [])) {
        const layout = { sessions: Number(r.details.sessions), threads: Number(r.details.threads) };
        const ceiling = await measureGemmCeiling({ hidden: Number(config.hidden_size), inner: Number(config.intermediate_size), ...layout });
        const seconds = { a: r.a.seconds, b: r.b.seconds, ...(typeof c1 === 'number' ? { c1 } : {}) };
        for (const line of computeLines(config, r.batches.flat().map((x) => x.ids.length), ceiling, seconds, 'c1')) console.log(line);
      }
    } catch (err) {
      console.log(`FAILED: ${(err as Error).message.split('\n')[0]}`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
