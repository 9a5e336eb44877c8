// The onnxruntime side: creating the session (threads, full graph optimisation, optional cache of
// the optimised graph, execution provider), checking the graph's inputs and outputs, and running
// one padded batch.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { UserError } from '../../errors.js';
import type { Encoded } from './encode.js';
import { elideSoftmaxNanGuards } from './nan-guard.js';

export type Device = 'cpu' | 'cuda' | 'webgpu';

export interface SessionSetup {
  modelFile: string;
  device: Device;
  threads?: number;
  /** Save the optimised graph here on first load and load it from here afterwards. */
  optimizedGraphFile?: string;
  /** Load the graph without its softmax NaN guards (see nan-guard.ts); only for single-file models. */
  elideNanGuards?: boolean;
  /** That graph, already prepared for several sessions (see prepareGuardFreeGraph). */
  guardFree?: GuardFreeGraph;
}

/** The model without its NaN guards: a file or bytes; null when it has none (or does not parse). */
export interface GuardFreeGraph {
  graph: string | Uint8Array | null;
  guards: number;
}

/** Whether the optimised graph in the cache can be loaded as it is. */
function cachedGraphUsable(setup: SessionSetup): boolean {
  const cached = setup.optimizedGraphFile;
  return !!cached && existsSync(cached) && (!setup.elideNanGuards || existsSync(`${cached}.json`));
}

function guardFreeGraph(modelFile: string): GuardFreeGraph {
  try {
    const { model, guards } = elideSoftmaxNanGuards(readFileSync(modelFile));
    return { graph: guards ? model : null, guards };
  } catch {
    // A file that does not parse is left to onnxruntime, whose error names the problem.
    return { graph: null, guards: 0 };
  }
}

/**
 * For several sessions of one model: removes the NaN guards once, into a temporary file that every
 * session loads, rather than each worker reading and rewriting the model (2 transient copies per
 * session). `cleanup` deletes the file once the sessions have loaded.
 */
export function prepareGuardFreeGraph(setup: SessionSetup): { setup: SessionSetup; cleanup: () => void } {
  const none = { setup, cleanup: () => {} };
  if (!setup.elideNanGuards || setup.guardFree || cachedGraphUsable(setup)) return none;
  const { graph, guards } = guardFreeGraph(setup.modelFile);
  if (!graph) return { setup: { ...setup, guardFree: { graph: null, guards } }, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'rmgauge-graph-'));
  const file = join(dir, basename(setup.modelFile));
  writeFileSync(file, graph);
  return { setup: { ...setup, guardFree: { graph: file, guards } }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface OpenedSession {
  session: ort.InferenceSession;
  /** Softmax NaN guards removed from the graph this session runs (0 when not asked or none). */
  nanGuardsElided: number;
}

const CUDA_HINT =
  'the CUDA execution provider is not installed (the default install skips it); install it with ' +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (needs CUDA 12 and cuDNN 9), or use --device cpu|webgpu';
const WEBGPU_HINT =
  'the WebGPU execution provider could not start (it needs a Vulkan-capable GPU and driver on Linux); use --device cpu, or cuda after ' +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`';

function ortBinDir(): string {
  const req = createRequire(import.meta.url);
  const main = req.resolve('onnxruntime-node');
  return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Whether the provider's library is present (cuda is not bundled with onnxruntime-node). */
export function providerAvailable(device: Device): boolean {
  if (device === 'cpu') return true;
  const listed = ort.listSupportedBackends().find((b) => b.name === device);
  if (!listed) return false;
  if (listed.bundled) return true;
  return existsSync(join(ortBinDir(), `libonnxruntime_providers_${device}.so`));
}

export function deviceHint(device: Device): string {
  return device === 'cuda' ? CUDA_HINT : WEBGPU_HINT;
}

function providers(device: Device): ort.InferenceSession.ExecutionProviderConfig[] {
  if (device === 'cuda') return [{ name: 'cuda', deviceId: 0 }, 'cpu'];
  if (device === 'webgpu') return ['webgpu', 'cpu'];
  return ['cpu'];
}

export async function createSession(setup: SessionSetup): Promise<ort.InferenceSession> {
  return (await openSession(setup)).session;
}

export async function openSession(setup: SessionSetup): Promise<OpenedSession> {
  if (!providerAvailable(setup.device)) throw new UserError(`--device ${setup.device}: ${deviceHint(setup.device)}`);
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: providers(setup.device),
    intraOpNumThreads: setup.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    logSeverityLevel: 3,
  };
  const cached = setup.optimizedGraphFile;
  // The cached graph of an elided model says in this file how many guards it lost.
  const sidecar = cached && setup.elideNanGuards ? `${cached}.json` : undefined;
  let source: string | Uint8Array;
  let nanGuardsElided = 0;
  let newSidecar: string | undefined;
  if (cachedGraphUsable(setup)) {
    source = cached!;
    options.graphOptimizationLevel = 'disabled';
    if (sidecar) nanGuardsElided = Number((JSON.parse(readFileSync(sidecar, 'utf8')) as { nanGuardsElided?: unknown }).nanGuardsElided) || 0;
  } else {
    const guardFree = setup.elideNanGuards ? (setup.guardFree ?? guardFreeGraph(setup.modelFile)) : undefined;
    source = guardFree?.graph ?? setup.modelFile;
    nanGuardsElided = guardFree?.guards ?? 0;
    if (cached) {
      mkdirSync(dirname(cached), { recursive: true });
      options.optimizedModelFilePath = cached;
      newSidecar = sidecar;
    }
  }
  try {
    // Node's Buffer is a Uint8Array, but onnxruntime-node's type for a model buffer is the base class.
    const session = typeof source === 'string' ? await ort.InferenceSession.create(source, options) : await ort.InferenceSession.create(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), options);
    if (newSidecar) writeFileSync(newSidecar, JSON.stringify({ nanGuardsElided }));
    return { session, nanGuardsElided };
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (setup.device !== 'cpu' && /provider|cuda|webgpu|dawn|vulkan|adapter/i.test(msg)) {
      throw new UserError(`--device ${setup.device}: ${deviceHint(setup.device)} (onnxruntime: ${firstLine(msg)})`);
    }
    throw new UserError(`${setup.modelFile}: onnxruntime cannot load this graph: ${firstLine(msg)}`);
  }
}

function firstLine(s: string): string {
  const line = s.split('\n')[0];
  return line.length > 300 ? line.slice(0, 300) + '...' : line;
}

type IntType = 'int64' | 'int32';
export interface GraphInputs {
  names: string[];
  types: Record<string, IntType>;
  hasTokenTypes: boolean;
  output: string;
}

const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'position_ids']);

/** Checks the graph is a sequence classifier rmgauge can feed; returns how to feed it. */
export function inspectGraph(session: ort.InferenceSession, modelFile: string): GraphInputs {
  const names = [...session.inputNames];
  if (!names.includes('input_ids')) {
    throw new UserError(`${modelFile}: the graph has no input_ids input (inputs: ${names.join(', ')}); not a text-classification export`);
  }
  const unknown = names.filter((n) => !KNOWN_INPUTS.has(n));
  if (unknown.length) {
    throw new UserError(
      `${modelFile}: the graph needs inputs rmgauge cannot provide: ${unknown.join(', ')} (a decoder exported with past key values? export with --task text-classification)`,
    );
  }
  const types: Record<string, IntType> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) throw new UserError(`${modelFile}: input ${meta.name} is not a tensor`);
    if (meta.type !== 'int64' && meta.type !== 'int32') {
      throw new UserError(`${modelFile}: input ${meta.name} has type ${meta.type}; rmgauge feeds integer token ids (int64 or int32)`);
    }
    types[meta.name] = meta.type;
  }
  if (!session.outputNames.includes('logits')) {
    throw new UserError(
      `${modelFile}: the graph has no "logits" output (outputs: ${session.outputNames.join(', ')}); rmgauge expects a sequence-classification export whose first logit is the reward`,
    );
  }
  return { names, types, hasTokenTypes: names.includes('token_type_ids'), output: 'logits' };
}

export interface BatchTensors {
  feeds: Record<string, ort.Tensor>;
  rows: number;
  cols: number;
}

/** Right-pads the rows to the longest one and builds the graph's input tensors. */
export function buildFeeds(rows: Encoded[], graph: GraphInputs, padId: number): BatchTensors {
  const n = rows.length;
  const cols = rows.reduce((m, r) => Math.max(m, r.ids.length), 1);
  const make = (name: string, fill: (row: Encoded, j: number) => number): ort.Tensor => {
    const big = graph.types[name] !== 'int32';
    const data = big ? new BigInt64Array(n * cols) : new Int32Array(n * cols);
    for (let i = 0; i < n; i++) {
      const off = i * cols;
      for (let j = 0; j < cols; j++) {
        const v = fill(rows[i], j);
        if (big) (data as BigInt64Array)[off + j] = BigInt(v);
        else (data as Int32Array)[off + j] = v;
      }
    }
    return new ort.Tensor(big ? 'int64' : 'int32', data, [n, cols]);
  };
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of graph.names) {
    if (name === 'input_ids') feeds[name] = make(name, (r, j) => (j < r.ids.length ? r.ids[j] : padId));
    else if (name === 'attention_mask') feeds[name] = make(name, (r, j) => (j < r.maskedPrefix || j >= r.ids.length ? 0 : 1));
    else if (name === 'token_type_ids') feeds[name] = make(name, (r, j) => (r.typeIds && j < r.typeIds.length ? r.typeIds[j] : 0));
    else if (name === 'position_ids') feeds[name] = make(name, (r, j) => Math.min(j, Math.max(0, r.ids.length - 1)));
  }
  return { feeds, rows: n, cols };
}

/** Runs the graph on prepared feeds; returns the first logit of every row, NaN and infinities included. */
export async function runLogits(session: ort.InferenceSession, graph: GraphInputs, t: BatchTensors): Promise<number[]> {
  const out = await session.run(t.feeds, [graph.output]);
  const logits = out[graph.output];
  const dims = logits.dims;
  if (dims.length < 1 || dims[0] !== t.rows) {
    throw new Error(`logits have shape [${dims.join(', ')}] for a batch of ${t.rows}`);
  }
  const width = dims.slice(1).reduce((a, b) => a * b, 1);
  const data = logits.data;
  const scores: number[] = [];
  for (let i = 0; i < t.rows; i++) {
    const raw = data[i * width];
    scores.push(logits.type === 'float16' && data instanceof Uint16Array ? halfToFloat(Number(raw)) : Number(raw));
  }
  for (const tensor of Object.values(t.feeds)) tensor.dispose();
  logits.dispose();
  return scores;
}

/** The scores, or an error naming the first row whose logit is not a finite number. */
export function finiteScores(scores: number[]): number[] {
  const bad = scores.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`the model returned ${scores[bad]} for a sequence (row ${bad} of a batch of ${scores.length})`);
  return scores;
}

/** IEEE 754 half (as its 16 raw bits) to a number; for fp16 graphs on runtimes without Float16Array. */
export function halfToFloat(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
