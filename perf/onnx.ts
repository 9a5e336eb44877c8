// ONNX scoring benchmark (`npx tsx perf/onnx.ts`, or runOnnxPerf() from perf/run.ts): on a
// synthetic RewardBench-2-shaped workload, completions/s and tokens/s for
//   (a) the rmgauge onnx scorer end to end (template, tokenizer, micro-batcher, padding, cache layer),
//   (b) onnxruntime session.run alone on the very batches (a) formed, with the same session
//       settings and as many sessions (worker threads), feeds built beforehand (the floor),
//   (c) the @huggingface/transformers text-classification pipeline on the same model and texts:
//       one input per call (its default use), and lists of PEER_BATCH in workload order.
// All four run on the same slices of the workload in turn, so a shared machine's slow and fast
// spells fall on all of them alike.
// Environment: RMGAUGE_PERF_N (completions on the tiny fixture), RMGAUGE_PERF_N_LARGE (on
// small-qwen2-rm), RMGAUGE_PERF_MODELS (comma list of model dirs), RMGAUGE_PERF_SLICES (default 4).
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastUserTurn } from '../src/scorers/onnx/encode.js';
import { quantiles, type WorkloadItem } from './onnx-workload.js';
import { fmt, measureInterleaved, openBench, workloadFor, type Figures } from './onnx-ab.js';
import { openPeer } from './onnx-peer.js';
import { computeLines, decoderFlops, openGemmPool } from './gemm-ceiling.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const PEER_BATCH = 8;
const CEILING_SECONDS_PER_SLICE = 8;

export async function benchModel(dir: string, n: number): Promise<void> {
  const slices = Number(process.env.RMGAUGE_PERF_SLICES ?? 4);
  const bench = await openBench(dir, 'cpu');
  const items = workloadFor(bench, n);

  // (c) transformers.js on the same texts (chat template rendered for it, as a user would).
  const pairMode = bench.pairMode;
  const textsOf = new Map(
    items.map((it) => [
      it,
      it.completions.map((c) => (pairMode ? { text: lastUserTurn(it.prompt), pair: c } : { text: bench.encoder.render(it.prompt, c), pair: undefined })),
    ]),
  );
  const texts = items.flatMap((it) => textsOf.get(it)!);
  const peer = await openPeer(dir);
  await peer.one(texts[0].text, texts[0].pair);
  const onePerCall = async (part: WorkloadItem[]) => {
    for (const x of part.flatMap((it) => textsOf.get(it)!)) await peer.one(x.text, x.pair);
  };
  const listsOf = async (part: WorkloadItem[]) => {
    const xs = part.flatMap((it) => textsOf.get(it)!);
    for (let i = 0; i < xs.length; i += PEER_BATCH) {
      const chunk = xs.slice(i, i + PEER_BATCH);
      await peer.many(
        chunk.map((x) => x.text),
        pairMode ? chunk.map((x) => x.pair!) : undefined,
      );
    }
  };
  // The fp32 GEMM ceiling, for decoders whose work per token can be counted, runs interleaved too.
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const gemm = decoderFlops(config, [1])
    ? await openGemmPool({ hidden: Number(config.hidden_size), inner: Number(config.intermediate_size), sessions: Number(bench.details.sessions), threads: Number(bench.details.threads) })
    : undefined;
  const gemmRuns = gemm ? Math.max(2, Math.round(CEILING_SECONDS_PER_SLICE / ((await gemm.run(2)) / 2))) : 0;
  let gemmSlices = 0;
  const runCeiling = async () => {
    gemmSlices++;
    await gemm?.run(gemmRuns);
  };
  const { a, b, batches, scores, details: d, stats, others } = await measureInterleaved(bench, items, slices, [onePerCall, listsOf, runCeiling]);
  const c1: Figures = { ...a, seconds: others[0] };
  const c2: Figures = { ...a, seconds: others[1] };
  await gemm?.close();
  const check = texts.slice(0, 8);
  const peerLogits = await peer.logits(
    check.map((x) => x.text),
    pairMode ? check.map((x) => x.pair!) : undefined,
  );
  const ours = scores.flat().slice(0, 8);
  const maxDiff = Math.max(...peerLogits.map((v, i) => Math.abs(v - ours[i])));

  const q = quantiles(batches.flat().map((x) => x.ids.length));
  console.log(`\n== ${dir}`);
  console.log(
    `workload: ${a.completions} completions in ${items.length} items of up to 4, ${a.tokens} tokens ` +
      `(min ${q.min}, median ${q.median}, p90 ${q.p90}, max ${q.max})`,
  );
  console.log(
    `rmgauge: device ${d.device}, ${d.sessions} sessions of ${d.threads} threads, max-batch-tokens ${d.maxBatchTokens}, ` +
      `${batches.length} batches, padding overhead ${(Number(stats.paddingRatio) * 100).toFixed(1)}%, softmax NaN guards removed ${d.nanGuardsElided} ` +
      `(batches run with them: ${stats.guardedBatches}); ` +
      `measured interleaved over ${slices} slices of the workload (a, b, c1, c2 on each slice in turn)`,
  );
  console.log(`(a)  rmgauge end to end                 ${fmt(a)}`);
  console.log(`(b)  session.run alone, same batches    ${fmt(b)}`);
  console.log(`(c1) transformers.js pipeline, 1/call   ${fmt(c1)}`);
  console.log(`(c2) transformers.js pipeline, lists of ${PEER_BATCH} ${fmt(c2)}   [${peer.note}]`);
  console.log(
    `ratios: a/b time ${(a.seconds / b.seconds).toFixed(3)} (target <= 1.15); a vs c1 ${(c1.seconds / a.seconds).toFixed(2)}x faster ` +
      `(target >= 2); a vs c2 ${(c2.seconds / a.seconds).toFixed(2)}x faster`,
  );
  console.log(`check: transformers.js logits vs rmgauge, first 8 inputs: max |diff| ${maxDiff.toExponential(2)}`);
  if (gemm) {
    // The ceiling ran interleaved with the contenders, gemmRuns runs per session and slice.
    const gflops = (gemm.flopsPerRun * gemmRuns * gemm.sessions * gemmSlices) / others[2] / 1e9;
    const ceiling = { gflops, shape: gemm.shape, sessions: gemm.sessions, threads: gemm.threads };
    const lengths = batches.flat().map((x) => x.ids.length);
    for (const line of computeLines(config, lengths, ceiling, { a: a.seconds, b: b.seconds, c1: c1.seconds }, 'c1')) console.log(line);
  }
}

export async function runOnnxPerf(): Promise<void> {
  const n = Number(process.env.RMGAUGE_PERF_N ?? 2000);
  const nLarge = Number(process.env.RMGAUGE_PERF_N_LARGE ?? 2000);
  const large = resolve(ROOT, '..', 'shared', 'fixtures', 'models', 'small-qwen2-rm');
  const models: Array<[string, number]> = process.env.RMGAUGE_PERF_MODELS
    ? process.env.RMGAUGE_PERF_MODELS.split(',').map((d) => [resolve(d), n])
    : [[join(ROOT, 'test', 'fixtures', 'models', 'tiny-llama-rm'), n], ...(existsSync(large) ? [[large, nLarge] as [string, number]] : [])];
  console.log(
    `ONNX scoring benchmark: onnxruntime-node CPU, ${availableParallelism()} cores, Node ${process.version}, ` +
      `load average ${loadavg()[0].toFixed(1)} at start`,
  );
  console.log(
    `(completions per model: ${models.map(([d, k]) => `${d.split('/').pop()} ${k}`).join(', ')}; ` +
      `about 20 minutes on 2 cores; RMGAUGE_PERF_N / RMGAUGE_PERF_N_LARGE set other sizes, e.g. 300 for a quick look)`,
  );
  if (!existsSync(large) && !process.env.RMGAUGE_PERF_MODELS) console.log(`(${large} not present: tiny fixture only)`);
  for (const [dir, count] of models) await benchModel(dir, count);
  console.log(`\nload average ${loadavg()[0].toFixed(1)} at the end (other processes on the machine skew all figures)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  runOnnxPerf().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
