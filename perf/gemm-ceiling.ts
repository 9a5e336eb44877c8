// What this machine's onnxruntime can do at best in fp32: a graph of two MatMuls shaped like a
// transformer MLP ([tokens, hidden] x [hidden, inner] x [inner, hidden]), run in the same layout as
// the scorer's default (N sessions of T intra-op threads, each in a worker thread). Dense GEMM is
// the most efficient thing a CPU execution provider does, so a model's whole forward pass cannot
// run faster in FLOP/s than this; the ONNX benchmark compares its contenders against it.
import { Worker } from 'node:worker_threads';
import { ELEM, encodeModel } from '../src/scorers/onnx/onnx-proto.js';

/** An ONNX model computing (x · w1) · w2 with x: [tokens, hidden]. */
export function mlpGemmModel(hidden: number, inner: number): Uint8Array {
  const weights = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  return encodeModel({
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'] },
      { op: 'MatMul', inputs: ['h', 'w2'], outputs: ['y'] },
    ],
    initializers: [
      { name: 'w1', dims: [hidden, inner], values: weights(hidden * inner) },
      { name: 'w2', dims: [inner, hidden], values: weights(inner * hidden) },
    ],
    inputs: [{ name: 'x', elem: ELEM.float, dims: ['tokens', hidden] }],
    outputs: [{ name: 'y', elem: ELEM.float, dims: ['tokens', hidden] }],
  });
}

// Plain JavaScript so the worker needs no TypeScript loader.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require('onnxruntime-node');
const { model, threads, tokens, hidden } = workerData;
(async () => {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const x = new ort.Tensor('float32', new Float32Array(tokens * hidden).fill(0.01), [tokens, hidden]);
  await session.run({ x });
  parentPort.on('message', async (runs) => {
    if (runs < 0) { await session.release(); parentPort.close(); return; }
    for (let i = 0; i < runs; i++) await session.run({ x });
    parentPort.postMessage('done');
  });
  parentPort.postMessage('ready');
})();
`;

export interface GemmPool {
  /** Floating-point operations of one run of the graph. */
  flopsPerRun: number;
  shape: string;
  sessions: number;
  threads: number;
  /** Runs the graph `runs` times in every session at once; resolves with the seconds it took. */
  run(runs: number): Promise<number>;
  close(): Promise<void>;
}

/** `sessions` warm worker sessions of `threads` intra-op threads each, on the MLP-shaped GEMM graph. */
export async function openGemmPool(opts: { hidden: number; inner: number; sessions: number; threads: number; tokens?: number }): Promise<GemmPool> {
  const { hidden, inner, sessions, threads } = opts;
  const tokens = opts.tokens ?? 2048;
  const model = mlpGemmModel(hidden, inner);
  const workers = Array.from({ length: sessions }, () => new Worker(WORKER, { eval: true, workerData: { model, threads, tokens, hidden } }));
  const reply = (w: Worker) => new Promise((ok, fail) => (w.once('message', ok), w.once('error', fail)));
  await Promise.all(workers.map(reply));
  return {
    flopsPerRun: 2 * 2 * tokens * hidden * inner,
    shape: `[${tokens}x${hidden}]x[${hidden}x${inner}]x[${inner}x${hidden}]`,
    sessions,
    threads,
    async run(runs) {
      const start = process.hrtime.bigint();
      await Promise.all(workers.map((w) => (w.postMessage(runs), reply(w))));
      return Number(process.hrtime.bigint() - start) / 1e9;
    },
    async close() {
      await Promise.all(workers.map((w) => new Promise((ok) => (w.once('exit', ok), w.postMessage(-1)))));
    },
  };
}

export interface GemmCeiling {
  gflops: number;
  sessions: number;
  threads: number;
  shape: string;
}

/** fp32 GFLOP/s of the MLP-shaped GEMM graph in `sessions` workers of `threads` threads, all running at once, for about `seconds`. */
export async function measureGemmCeiling(opts: { hidden: number; inner: number; sessions: number; threads: number; tokens?: number; seconds?: number }): Promise<GemmCeiling> {
  const pool = await openGemmPool(opts);
  try {
    const perRun = (await pool.run(2)) / 2;
    const runs = Math.max(2, Math.round((opts.seconds ?? 5) / perRun));
    const seconds = await pool.run(runs);
    return { gflops: (pool.flopsPerRun * runs * pool.sessions) / seconds / 1e9, sessions: pool.sessions, threads: pool.threads, shape: pool.shape };
  } finally {
    await pool.close();
  }
}

/**
 * Multiply-adds of a Llama/Qwen2-style decoder's forward pass (the linear layers per token, and
 * attention's QK^T and AV over each row's full length, which is what the exported graphs compute),
 * or undefined for architectures this estimate does not know.
 */
export function decoderFlops(config: Record<string, unknown>, rowLengths: number[]): { linear: number; attention: number } | undefined {
  const num = (k: string) => (typeof config[k] === 'number' ? (config[k] as number) : undefined);
  const hidden = num('hidden_size');
  const inner = num('intermediate_size');
  const layers = num('num_hidden_layers');
  const heads = num('num_attention_heads');
  if (!['llama', 'qwen2', 'mistral', 'qwen3'].includes(String(config.model_type)) || !hidden || !inner || !layers || !heads) return undefined;
  const headDim = num('head_dim') ?? hidden / heads;
  const kvHeads = num('num_key_value_heads') ?? heads;
  const perToken = hidden * heads * headDim + 2 * hidden * kvHeads * headDim + heads * headDim * hidden + 3 * hidden * inner;
  const tokens = rowLengths.reduce((s, n) => s + n, 0);
  const squares = rowLengths.reduce((s, n) => s + n * n, 0);
  return { linear: 2 * layers * perToken * tokens, attention: 2 * layers * 2 * heads * headDim * squares };
}

/**
 * What the benchmarks print about compute: the useful fp32 work per token, and the rate each
 * contender reached (`seconds` for the same rows) as a share of the GEMM ceiling, with what twice
 * `peer` would need. No lines for architectures decoderFlops does not know.
 */
export function computeLines(config: Record<string, unknown>, rowLengths: number[], ceiling: GemmCeiling, seconds: Record<string, number>, peer?: string): string[] {
  const flops = decoderFlops(config, rowLengths);
  if (!flops) return [];
  const tokens = rowLengths.reduce((s, n) => s + n, 0);
  const total = flops.linear + flops.attention;
  const perToken = (x: number) => (x / tokens / 1e6).toFixed(2);
  const rate = (s: number) => total / s / 1e9;
  const share = (gflops: number) => `${gflops.toFixed(0)} GFLOP/s = ${((100 * gflops) / ceiling.gflops).toFixed(0)}%`;
  const rates = Object.entries(seconds).map(([name, s]) => `(${name}) ${share(rate(s))}`);
  if (peer && seconds[peer] !== undefined) rates.push(`2x (${peer}) would take ${share(2 * rate(seconds[peer]))}`);
  return [
    `compute: ${perToken(total)} MFLOP/token (linear layers ${perToken(flops.linear)}, attention ${perToken(flops.attention)}); ` +
      `fp32 GEMM ceiling, ${ceiling.shape} in ${ceiling.sessions} sessions of ${ceiling.threads} threads: ${ceiling.gflops.toFixed(0)} GFLOP/s`,
    `         ${rates.join(', ')} of the ceiling`,
  ];
}
