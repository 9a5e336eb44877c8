// ONNX scoring benchmark (`npx tsx perf/onnx.ts`, or runOnnxPerf() from perf/run.ts): on a
// synthetic RewardBench-2-shaped workload, completions/s and tokens/s for
//   (a) the rmgauge onnx scorer end to end (template, tokenizer, micro-batcher, padding, cache layer),
//   (b) onnxruntime session.run alone on the very batches (a) formed, with the same session
//       settings and the same number of batches in flight, feeds built beforehand (the floor),
//   (c) the @huggingface/transformers text-classification pipeline on the same model and texts:
//       one input per call (its default use), and lists of PEER_BATCH in workload order.
// Environment: RMGAUGE_PERF_N (completions on the tiny fixture), RMGAUGE_PERF_N_LARGE (on
// small-qwen2-rm), RMGAUGE_PERF_MODELS (comma list of model dirs), RMGAUGE_PERF_ROUNDS (a/b
// repetitions, best kept; default 2), RMGAUGE_PERF_DEVICE (cpu | cuda | webgpu, for (a) and (b)).
import { existsSync, mkdtempSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOnnxScorer } from '../src/scorers/onnx/index.js';
import { ConversationEncoder, lastUserTurn, type Encoded } from '../src/scorers/onnx/encode.js';
import { readLayout } from '../src/scorers/onnx/layout.js';
import { buildFeeds, createSession, inspectGraph, type Device } from '../src/scorers/onnx/session.js';
import type { Scorer } from '../src/types.js';
import { openPeer } from './onnx-peer.js';
import { fitWorkload, quantiles, requestsOf, syntheticWorkload, type WorkloadItem } from './onnx-workload.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const CONCURRENCY = 64; // items in flight, as the runner does
const PEER_BATCH = 8;

interface Figures {
  seconds: number;
  completions: number;
  tokens: number;
}

const fmt = (f: Figures) =>
  `${(f.completions / f.seconds).toFixed(1).padStart(8)} compl/s ${(f.tokens / f.seconds).toFixed(0).padStart(8)} tok/s ${f.seconds.toFixed(2).padStart(8)} s`;

async function inFlight<T>(xs: T[], limit: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, xs.length) }, async () => {
    while (next < xs.length) await fn(xs[next++]);
  }));
}

/** (a): the scorer driven like the runner drives it; returns the time and the batches it formed. */
async function endToEnd(scorerFor: (onBatch: (rows: Encoded[]) => void) => Promise<Scorer>, items: WorkloadItem[]) {
  const batches: Encoded[][] = [];
  const scorer = await scorerFor((rows) => batches.push(rows));
  await scorer.score!(requestsOf(syntheticWorkload(4, 1.2, 99)[0])); // warm-up, not timed
  batches.length = 0;
  const scores: number[][] = [];
  const t = performance.now();
  await inFlight(items.map((it, i) => [it, i] as const), CONCURRENCY, async ([it, i]) => {
    scores[i] = await scorer.score!(requestsOf(it));
  });
  const seconds = (performance.now() - t) / 1000;
  const details = scorer.info.details!;
  const stats = scorer.stats!();
  await scorer.close!();
  return { seconds, batches, scores, details, stats };
}

export async function benchModel(dir: string, n: number, device: Device = 'cpu'): Promise<void> {
  const threads = availableParallelism();
  const rounds = Number(process.env.RMGAUGE_PERF_ROUNDS ?? 2);
  const layout = readLayout(dir, ROOT);
  const cacheDir = mkdtempSync(join(tmpdir(), 'rmgauge-perf-'));
  const scorerFor = (onBatch: (rows: Encoded[]) => void) =>
    createOnnxScorer(dir, `onnx:${dir}`, { cwd: ROOT, seed: 1, cacheDir, noCache: true, threads, device }, { onBatch });

  // The workload, fitted to token targets with this model's own encoder.
  const probe = await scorerFor(() => {});
  const pairMode = probe.info.details!.encoding === 'text-pair';
  await probe.close!();
  const enc = new ConversationEncoder({ ...layout, pairMode, maxLength: 2048, truncationSide: 'left' });
  const items = syntheticWorkload(n);
  fitWorkload(items, (prompt, c) => enc.encode({ prompt, completion: c }).ids.length);

  // (a) and (b), alternating, best of `rounds`.
  let a: Figures | undefined;
  let b: Figures | undefined;
  let run: Awaited<ReturnType<typeof endToEnd>> | undefined;
  for (let r = 0; r < rounds; r++) {
    const e = await endToEnd(scorerFor, items);
    const lengths = e.batches.flat().map((x) => x.ids.length);
    const fig = { seconds: e.seconds, completions: lengths.length, tokens: lengths.reduce((x, y) => x + y, 0) };
    if (!a || fig.seconds < a.seconds) a = fig;
    run ??= e;
    const session = await createSession({ modelFile: layout.modelFile, device, threads: e.details.intraOpThreads as number });
    const graph = inspectGraph(session, layout.modelFile);
    const pad = (e.details.padTokenId as number | null) ?? 0;
    const feeds = e.batches.map((rows) => buildFeeds(rows, graph, pad).feeds);
    await session.run(buildFeeds(e.batches[0].slice(0, 1), graph, pad).feeds);
    const t = performance.now();
    await inFlight(feeds, e.details.parallelRuns as number, (f) => session.run(f));
    const sec = (performance.now() - t) / 1000;
    await session.release();
    if (!b || sec < b.seconds) b = { ...fig, seconds: sec };
  }
  if (!a || !b || !run) throw new Error('no rounds ran');

  // (c) transformers.js on the same texts (chat template rendered for it, as a user would).
  const texts = items.flatMap((it) =>
    it.completions.map((c) => (pairMode ? { text: lastUserTurn(it.prompt), pair: c } : { text: enc.render(it.prompt, c), pair: undefined })),
  );
  const peer = await openPeer(dir);
  await peer.one(texts[0].text, texts[0].pair);
  let t = performance.now();
  for (const x of texts) await peer.one(x.text, x.pair);
  const c1: Figures = { ...a, seconds: (performance.now() - t) / 1000 };
  t = performance.now();
  for (let i = 0; i < texts.length; i += PEER_BATCH) {
    const chunk = texts.slice(i, i + PEER_BATCH);
    await peer.many(chunk.map((x) => x.text), pairMode ? chunk.map((x) => x.pair!) : undefined);
  }
  const c2: Figures = { ...a, seconds: (performance.now() - t) / 1000 };
  const check = texts.slice(0, 8);
  const peerLogits = await peer.logits(check.map((x) => x.text), pairMode ? check.map((x) => x.pair!) : undefined);
  const ours = run.scores.flat().slice(0, 8);
  const maxDiff = Math.max(...peerLogits.map((v, i) => Math.abs(v - ours[i])));

  const q = quantiles(run.batches.flat().map((x) => x.ids.length));
  const d = run.details;
  console.log(`\n== ${dir}`);
  console.log(
    `workload: ${a.completions} completions in ${items.length} items of up to 4, ${a.tokens} tokens ` +
      `(min ${q.min}, median ${q.median}, p90 ${q.p90}, max ${q.max})`,
  );
  console.log(
    `rmgauge: device ${d.device}, ${d.parallelRuns} batches in flight x ${d.intraOpThreads} threads, max-batch-tokens ${d.maxBatchTokens}, ` +
      `${run.batches.length} batches, padding overhead ${(Number(run.stats.paddingOverhead) * 100).toFixed(1)}%; best of ${rounds} for (a) and (b)`,
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
}

export async function runOnnxPerf(): Promise<void> {
  const n = Number(process.env.RMGAUGE_PERF_N ?? 600);
  const nLarge = Number(process.env.RMGAUGE_PERF_N_LARGE ?? 100);
  const device = (process.env.RMGAUGE_PERF_DEVICE ?? 'cpu') as Device;
  const large = resolve(ROOT, '..', 'shared', 'fixtures', 'models', 'small-qwen2-rm');
  const models: Array<[string, number]> = process.env.RMGAUGE_PERF_MODELS
    ? process.env.RMGAUGE_PERF_MODELS.split(',').map((d) => [resolve(d), n])
    : [[join(ROOT, 'test', 'fixtures', 'models', 'tiny-llama-rm'), n], ...(existsSync(large) ? [[large, nLarge] as [string, number]] : [])];
  console.log(
    `ONNX scoring benchmark: onnxruntime-node, ${availableParallelism()} cores, Node ${process.version}, ` +
      `load average ${loadavg()[0].toFixed(1)} at start`,
  );
  console.log(
    `(completions per model: ${models.map(([d, k]) => `${d.split('/').pop()} ${k}`).join(', ')}; ` +
      `fewer than 2000 to stay within a few minutes on 2 cores: set RMGAUGE_PERF_N / RMGAUGE_PERF_N_LARGE)`,
  );
  if (!existsSync(large) && !process.env.RMGAUGE_PERF_MODELS) console.log(`(${large} not present: tiny fixture only)`);
  for (const [dir, count] of models) await benchModel(dir, count, device);
  console.log(`\nload average ${loadavg()[0].toFixed(1)} at the end (other processes on the machine skew all figures)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  runOnnxPerf().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
