// Measures (a) the rmgauge onnx scorer end to end and (b) onnxruntime session.run alone on the
// very batches (a) formed, in as many raw sessions with the same settings (the floor).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createOnnxScorer } from '../src/scorers/onnx/index.js';
import { ConversationEncoder, type Encoded } from '../src/scorers/onnx/encode.js';
import { readLayout } from '../src/scorers/onnx/layout.js';
import { prepareGuardFreeGraph, type Device } from '../src/scorers/onnx/session.js';
import type { FloorMessage } from './onnx-floor-worker.js';
import type { Scorer } from '../src/types.js';
import { fitWorkload, requestsOf, syntheticWorkload, type WorkloadItem } from './onnx-workload.js';

export const CONCURRENCY = 64; // items in flight, as the runner does

export interface Figures {
  seconds: number;
  completions: number;
  tokens: number;
}

export const fmt = (f: Figures) =>
  `${(f.completions / f.seconds).toFixed(1).padStart(8)} compl/s ${(f.tokens / f.seconds).toFixed(0).padStart(8)} tok/s ${f.seconds.toFixed(2).padStart(8)} s`;

export async function inFlight<T>(xs: T[], limit: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, xs.length) }, async () => {
      while (next < xs.length) await fn(xs[next++]);
    }),
  );
}

export interface Bench {
  dir: string;
  device: Device;
  threads: number | undefined;
  cacheDir: string;
  pairMode: boolean;
  encoder: ConversationEncoder;
  /** The scorer's run details at these settings (sessions, threads, batch budget, ...). */
  details: Record<string, unknown>;
  scorerFor(onBatch: (rows: Encoded[]) => void): Promise<Scorer>;
}

export async function openBench(dir: string, device: Device, threads?: number, maxBatchTokens?: number, sessions?: number): Promise<Bench> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'rmgauge-perf-'));
  const scorerFor = (onBatch: (rows: Encoded[]) => void) =>
    createOnnxScorer(dir, `onnx:${dir}`, { cwd: process.cwd(), seed: 1, cacheDir, noCache: true, threads, sessions, device, maxBatchTokens }, { onBatch });
  const probe = await scorerFor(() => {});
  const details = probe.info.details!;
  const pairMode = details.encoding === 'text-pair';
  await probe.close!();
  const layout = readLayout(dir, process.cwd());
  const encoder = new ConversationEncoder({ ...layout, pairMode, maxLength: 2048, truncationSide: 'left' });
  return { dir, device, threads, cacheDir, pairMode, encoder, details, scorerFor };
}

/** The workload, fitted to its token targets with this model's own tokenizer. */
export function workloadFor(bench: Bench, n: number): WorkloadItem[] {
  const items = syntheticWorkload(n);
  fitWorkload(items, (prompt, c) => bench.encoder.encode({ prompt, completion: c }).ids.length);
  return items;
}

export interface InterleavedResult {
  a: Figures;
  b: Figures;
  batches: Encoded[][];
  scores: number[][];
  details: Record<string, unknown>;
  stats: Record<string, unknown>;
  /** Seconds of each other contender, summed over the slices. */
  others: number[];
}

/**
 * (a), (b) and other contenders on the same slices of the workload, slice after slice: (a) on the
 * slice, (b) on the batches (a) just formed, then each contender on the same items. Slow and fast
 * spells of a shared machine then fall on all of them alike; times are summed over the slices.
 */
export async function measureInterleaved(
  bench: Bench,
  items: WorkloadItem[],
  slices: number,
  contenders: Array<(slice: WorkloadItem[]) => Promise<void>>,
): Promise<InterleavedResult> {
  const batches: Encoded[][] = [];
  const scorer = await bench.scorerFor((rows) => batches.push(rows));
  const warmup = requestsOf(syntheticWorkload(4, 1.2, 99)[0]); // not timed
  await scorer.score!(warmup);
  batches.length = 0;
  const floor = await Floor.open(bench, scorer.info.details!, [bench.encoder.encode(warmup[0])]);
  const scores: number[][] = [];
  let aSeconds = 0;
  let bSeconds = 0;
  const others = contenders.map(() => 0);
  const size = Math.ceil(items.length / Math.max(1, slices));
  for (let start = 0; start < items.length; start += size) {
    const part = items.slice(start, start + size);
    const first = batches.length;
    let t = performance.now();
    await inFlight(
      part.map((it, i) => [it, start + i] as const),
      CONCURRENCY,
      async ([it, i]) => {
        scores[i] = await scorer.score!(requestsOf(it));
      },
    );
    aSeconds += (performance.now() - t) / 1000;
    bSeconds += await floor.seconds(batches.slice(first));
    for (const [k, run] of contenders.entries()) {
      t = performance.now();
      await run(part);
      others[k] += (performance.now() - t) / 1000;
    }
  }
  const details = scorer.info.details!;
  const stats = scorer.stats!();
  await scorer.close!();
  await floor.close();
  const lengths = batches.flat().map((x) => x.ids.length);
  const a = { seconds: aSeconds, completions: lengths.length, tokens: lengths.reduce((x, y) => x + y, 0) };
  return { a, b: { ...a, seconds: bSeconds }, batches, scores, details, stats, others };
}

/**
 * (b): raw session.run on the very batches (a) formed, in as many sessions (worker threads) with
 * as many intra-op threads as the scorer used, input tensors built before the clock starts.
 */
export class Floor {
  private constructor(
    private readonly workers: Worker[],
    private readonly counter: Int32Array,
  ) {}

  static async open(bench: Bench, details: Record<string, unknown>, warmup: Encoded[]): Promise<Floor> {
    const layout = readLayout(bench.dir, process.cwd());
    // The graph the scorer runs: without its softmax NaN guards when it removed them.
    // Rewritten once for all the floor's sessions, as SessionPool does.
    const { setup, cleanup } = prepareGuardFreeGraph({
      modelFile: layout.modelFile,
      device: bench.device,
      threads: details.threads as number,
      elideNanGuards: Number(details.nanGuardsElided) > 0,
    });
    const pad = (details.padTokenId as number | null) ?? 0;
    const counter = new SharedArrayBuffer(4);
    try {
      const workers = await Promise.all(
        Array.from({ length: details.sessions as number }, () => {
          const w = new Worker(new URL('./onnx-floor-worker.mjs', import.meta.url), { workerData: { setup, warmup, pad, counter } });
          return reply<Worker>(w, () => w);
        }),
      );
      return new Floor(workers, new Int32Array(counter));
    } finally {
      cleanup();
    }
  }

  /** Seconds to run these batches, spread over the sessions. */
  async seconds(batches: Encoded[][]): Promise<number> {
    await Promise.all(this.workers.map((w) => reply(w, () => undefined, { type: 'load', batches } satisfies FloorMessage)));
    Atomics.store(this.counter, 0, 0);
    const t = performance.now();
    const ran = await Promise.all(this.workers.map((w) => reply(w, (n) => n as number, { type: 'go' } satisfies FloorMessage)));
    const seconds = (performance.now() - t) / 1000;
    if (ran.reduce((x, y) => x + y, 0) !== batches.length) throw new Error('the floor did not run every batch');
    return seconds;
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.postMessage({ type: 'close' } satisfies FloorMessage);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Posts `message` (if any) and resolves with the worker's next message, mapped. */
function reply<T>(w: Worker, map: (msg: unknown) => T, message?: FloorMessage): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    w.once('error', onError);
    w.once('message', (msg) => {
      w.off('error', onError);
      resolve(map(msg));
    });
    if (message) w.postMessage(message);
  });
}
