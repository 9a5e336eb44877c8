// Several onnxruntime sessions of one model, each in its own worker thread, running batches side
// by side. On CPU a small model uses its intra-op threads poorly (measured on 2 cores: 2 threads
// run the tiny fixture 1.08x and the 11M Qwen2 graph 1.37x faster than 1 thread), while sessions
// in parallel scale with the cores; the price is one copy of the weights per session.
import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../../errors.js';
import type { Encoded } from './encode.js';
import { prepareGuardFreeGraph, type Device, type GraphInputs, type SessionSetup } from './session.js';

export interface WireError {
  message: string;
  user: boolean;
}

export type RunRequest = { type: 'run'; id: number; rows: Encoded[]; pad: number };

export type WorkerReply =
  | { type: 'ready'; graph: GraphInputs; nanGuardsElided: number }
  | { type: 'failed'; error: WireError }
  /** guarded: the batch ran on the graph as exported, its NaN guards kept. */
  | { type: 'scores'; id: number; scores: number[]; guarded: boolean }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'closed' };

/** Models up to this size get one session per core on CPU by default. */
export const PARALLEL_SESSIONS_MAX_WEIGHTS = 512 * 1024 ** 2;

/**
 * The default number of sessions: on CPU one per core while the weights are small (at most 512 MiB)
 * and all copies fit in a quarter of the machine's memory; otherwise, and on GPUs, one.
 */
export function defaultSessions(device: Device, weightsBytes: number, cores: number, memory = totalmem()): number {
  if (device !== 'cpu' || weightsBytes > PARALLEL_SESSIONS_MAX_WEIGHTS) return 1;
  const fit = Math.floor((memory / 4) / Math.max(1, weightsBytes));
  return Math.max(1, Math.min(cores, fit));
}

function revive(e: WireError): Error {
  return e.user ? new UserError(e.message) : new Error(e.message);
}

class SessionWorker {
  private pending = new Map<number, { resolve: (s: number[]) => void; reject: (e: unknown) => void }>();
  /** Batches that ran on the graph as exported although its NaN guards were elided. */
  guardedBatches = 0;
  private nextId = 0;
  private stopped: Error | undefined;
  private closing = false;

  private constructor(
    private readonly worker: Worker,
    readonly graph: GraphInputs,
    readonly nanGuardsElided: number,
  ) {
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type !== 'scores' && msg.type !== 'error') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.type === 'error') return p.reject(revive(msg.error));
      if (msg.guarded) this.guardedBatches++;
      p.resolve(msg.scores);
    });
    const fail = (err: Error) => {
      if (this.closing) return;
      this.stopped = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(new Error(`the onnxruntime worker failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`the onnxruntime worker exited (code ${code})`)));
    // An idle session never keeps the process alive (a command that fails before closing its
    // scorer still exits); a session with work in flight does. After the listeners: adding a
    // message listener refs the worker's port again.
    worker.unref();
  }

  static start(setup: SessionSetup): Promise<SessionWorker> {
    const worker = new Worker(new URL('./session-worker.mjs', import.meta.url), { workerData: setup });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the onnxruntime worker exited (code ${code}) while loading ${setup.modelFile}`));
      const onError = (err: Error) => reject(new Error(`the onnxruntime worker failed while loading ${setup.modelFile}: ${err.message}`));
      worker.once('exit', onExit);
      worker.once('error', onError);
      worker.once('message', (msg: WorkerReply) => {
        worker.off('exit', onExit);
        worker.off('error', onError);
        if (msg.type === 'ready') resolve(new SessionWorker(worker, msg.graph, msg.nanGuardsElided));
        else {
          void worker.terminate();
          reject(msg.type === 'failed' ? revive(msg.error) : new Error(`unexpected first message from the onnxruntime worker: ${msg.type}`));
        }
      });
    });
  }

  run(rows: Encoded[], pad: number): Promise<number[]> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ type: 'run', id, rows, pad } satisfies RunRequest);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const running = !this.stopped;
    this.stopped = new Error('the onnxruntime session was closed');
    if (running) {
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        this.worker.once('exit', done);
        this.worker.on('message', (msg: WorkerReply) => {
          if (msg.type === 'closed') done();
        });
        this.worker.ref(); // until it has closed, or the process could exit mid-way
        this.worker.postMessage({ type: 'close' });
      });
    }
    await this.worker.terminate();
  }
}

export class SessionPool {
  private idle: SessionWorker[];
  private waiting: Array<(w: SessionWorker) => void> = [];

  private constructor(
    private readonly workers: SessionWorker[],
    readonly depth: number,
  ) {
    // A session's worker takes up to `depth` batches: with 2, the next batch is already there
    // when one ends, instead of a round trip through a main thread that may be busy tokenizing.
    this.idle = Array.from({ length: depth }, () => workers).flat();
  }

  /**
   * Starts `sessions` workers, each taking up to `depth` batches at a time. The first loads alone
   * (it writes the optimised-graph cache, when asked, and reports a bad model once); the others
   * then load side by side.
   */
  static async open(modelSetup: SessionSetup, sessions: number, depth = 1): Promise<SessionPool> {
    const { setup, cleanup } = prepareGuardFreeGraph(modelSetup);
    try {
      return await SessionPool.start(setup, sessions, depth);
    } finally {
      cleanup();
    }
  }

  private static async start(setup: SessionSetup, sessions: number, depth: number): Promise<SessionPool> {
    const first = await SessionWorker.start(setup);
    const rest = await Promise.allSettled(Array.from({ length: sessions - 1 }, () => SessionWorker.start(setup)));
    const started = [first, ...rest.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))];
    const failed = rest.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((w) => w.close()));
      throw failed.reason;
    }
    return new SessionPool(started, depth);
  }

  get size(): number {
    return this.workers.length;
  }

  get graph(): GraphInputs {
    return this.workers[0].graph;
  }

  /** Softmax NaN guards removed from the graph the sessions run (see nan-guard.ts). */
  get nanGuardsElided(): number {
    return this.workers[0].nanGuardsElided;
  }

  /** Batches rerun or run on the graph as exported because the guard-free one could not be trusted with them. */
  get guardedBatches(): number {
    return this.workers.reduce((n, w) => n + w.guardedBatches, 0);
  }

  /** Runs one batch on the next session with room; returns the first logit of every row. */
  async run(rows: Encoded[], pad: number): Promise<number[]> {
    const worker = this.idle.pop() ?? (await new Promise<SessionWorker>((resolve) => this.waiting.push(resolve)));
    try {
      return await worker.run(rows, pad);
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
